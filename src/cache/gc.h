/* Trimming the cache: --gc and the daily automatic trim (--cache-stats is stats.h's, --clean
 * clean.h's).
 *
 * Removing an entry removes its project, its executable, its lock file and its own artifacts in
 * the shared target (files of its unique package name under <profile>/, deps/, .fingerprint/,
 * build/, incremental/), never anything of another entry.  Each command scans the cache once
 * (cache/scan.h).
 *
 * Safe beside running cthags: an entry is removed only under its lock, taken without waiting, so
 * an entry being built, or built and about to be executed, is skipped ("busy"); dependency builds
 * are swept only under cargo's own lock of the profile directory. */
#ifndef CTHAG_CACHE_GC_H
#define CTHAG_CACHE_GC_H

#include <stdint.h>

struct gc_opts {
    uint64_t max_size;  /* remove least recently used entries until the cache is under this */
    int max_age_days;   /* remove entries unused for longer than this */
    int deep;           /* also remove dependency builds no remaining entry uses */
    int automatic;      /* the daily trim: the caller holds the root lock; quiet unless it acts */
    const char *keep;   /* an entry never to remove (the one being run), or NULL */
};

/* Remove what gc_opts says; prints a one-line summary (unless automatic). */
int cache_gc(const char *root, const struct gc_opts *o);
/* Run a light cache_gc at most once a day (one stat when it is not due), never removing the
 * entry keep, with the settings' cap and age ([cache] max-size, max-age-days).  The caller
 * holds the root lock. */
void cache_auto_trim(const char *root, const char *keep, uint64_t max_size, int max_age_days);

#endif
