/* --cache-stats: one line per entry (last use, executable size, status, script) and the size of
 * each part of the cache, or the same as JSON; from one scan of the cache (cache/scan.h). */
#ifndef CTHAG_CACHE_STATS_H
#define CTHAG_CACHE_STATS_H

#include "cache/scan.h"
#include "util/strbuf.h"

/* Print the entries, most recently used first, and the totals; json selects the
 * machine-readable form.  -1 (the reason printed) when the root is not a cthag cache. */
int cache_stats(const char *root, int json);

/* How people see an entry's script: its path (quoted as git quotes paths when it holds
 * anything unsafe on one line), or what kind of content it is. */
void stats_describe_script(const struct scan_entry *e, struct strbuf *out);
/* The scan's entries in the order compare gives (qsort's comparison of two entry pointers);
 * free() the array. */
const struct scan_entry **stats_sorted_entries(const struct cache_scan *s,
                                               int (*compare)(const void *, const void *));

#endif
