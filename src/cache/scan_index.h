/* Internal to the cache scan (scan.c walks the cache, scan_graph.c reads cargo's dependency
 * graph from the fingerprints and counts what each entry uses): the lookups both fill.  Not for
 * other modules. */
#ifndef CTHAG_CACHE_SCAN_INDEX_H
#define CTHAG_CACHE_SCAN_INDEX_H

#include "cache/record.h"
#include "util/strbuf.h"
#include "util/strlist.h"

#include <stddef.h>
#include <stdint.h>

/* String keys (owned by the caller) to indexes; open addressing, never more than half full. */
struct name_map {
    const char **keys;
    size_t *values;
    size_t alloc, count;
};

/* key (which must outlive m) maps to value from now on. */
void scan_map_put(struct name_map *m, const char *key, size_t value);
/* The value of key, or -1. */
long scan_map_get(const struct name_map *m, const char *key);

struct scan_inode; /* scan.c's */

struct scan_index {
    struct name_map packages;     /* entry package -> entry */
    struct name_map bins;         /* entry binary name -> entry, or AMBIGUOUS (bins_made) */
    struct strlist bin_names;     /* the keys of bins */
    int bins_made;
    struct name_map units;        /* unit key -> unit */
    struct name_map fingerprints; /* <profile>/<fingerprint hex> -> unit (load_graph) */
    struct strlist fingerprint_keys;
    struct strbuf scratch;        /* a key or path being put together */
    struct strbuf text;           /* a file being read */
    struct entry_record records[2]; /* the last record read (load_record) and the one before */
    size_t nrecords;
    size_t *stack;                /* of cache_scan_use(), room for every unit */
    char **dirbufs;               /* directory buffers not in use */
    size_t ndirbufs, dirbufs_alloc;
    /* The inodes in the order first seen, and a hash table of their indexes + 1 (0: a free
     * slot): the table of small slots is what grows and is rehashed, the inodes are never
     * moved by a rehash nor touched by it (fewer pages: 15000 inodes at 1000 entries). */
    struct scan_inode *inodes;
    size_t ninodes, inodes_alloc;
    uint32_t *slots;
    size_t nslots;
    unsigned generation;          /* of the marks of cache_scan_use() */
};

#endif
