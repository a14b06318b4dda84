/* What the cache holds, from one walk of its root: every file is attributed to the entry that
 * owns it, to one dependency build ("unit") in the shared target, or to nothing GC removes.
 *
 *   projects/<entry>/..., bins/<entry>               the entry
 *   target/<profile>/<package>[.d]                   the entry whose package that is
 *   target/<profile>/{deps,.fingerprint,build,incremental,examples}/<name>
 *                                                    the entry when <name> starts with its
 *                                                    package, else the unit of the metadata
 *                                                    hash in <name> (<crate>-<hash>[.ext])
 *
 * The walk stats each file once and the lookups are hash tables, so a scan is linear in the
 * number of files.  Removing an owner frees the files none of whose links is elsewhere.
 * Cargo's dependency graph (the fingerprint files) is read only by cache_scan_load_graph(). */
#ifndef CTHAG_CACHE_SCAN_H
#define CTHAG_CACHE_SCAN_H

#include "cache/cache.h"
#include "util/strlist.h"

#include <stddef.h>
#include <stdint.h>

/* Something GC removes as a whole: an entry or a dependency build. */
struct scan_owner {
    struct strlist paths; /* its top-level paths, relative to the root */
    uint64_t bytes;       /* what removing it frees */
};

enum scan_kind { SCAN_SCRIPT, SCAN_CONTENT, SCAN_URL, SCAN_INCOMPLETE };

struct scan_entry {
    char *name;          /* <stem>-<id> */
    char *package;       /* <stem>_<id> */
    int has_rec;         /* its record is valid; then: */
    char *source;        /* the record's source (script path, URL or content:<hash>), else NULL */
    /* What it is for people, from its Cargo.toml ([package.metadata.cthag] source: the script's
     * path, or "-e " and the start of its text), for -e/-s/-l and incomplete entries; or NULL */
    char *label;
    uint64_t bin_size;   /* the record's bin-size */
    enum scan_kind kind; /* a script file, -e/-s/-l content, a URL, or no valid record */
    int script_exists;   /* 1 or 0 for script files; -1 otherwise */
    long long used;      /* last use; the newest mtime of its files without a record */
    struct scan_owner own;
    size_t *units;       /* its own units in the target */
    size_t nunits, units_alloc;
};

struct scan_unit {
    size_t profile;      /* index in cache_scan.profiles */
    char *key;           /* <profile>/<hash> */
    char *dir;           /* <crate>-<hash> under .fingerprint/, or NULL when it has none */
    struct strlist fingerprint_files; /* the files in it that hold a fingerprint */
    long entry;          /* the entry whose package this is, or -1: a dependency build */
    struct scan_owner own;
    size_t *deps;        /* units it depends on (cache_scan_load_graph) */
    size_t ndeps, deps_alloc;
    int refs;            /* remaining entries that use it (cache_scan_use) */
    unsigned mark;
};

struct scan_part {
    uint64_t bytes, files;
};

enum { SCAN_PROJECTS, SCAN_BINS, SCAN_TARGET, SCAN_PARTS };

struct cache_scan {
    char *root;
    struct scan_entry *entries;
    size_t nentries, entries_alloc;
    struct scan_unit *units;
    size_t nunits, units_alloc;
    struct strlist profiles;            /* target/<profile> directories */
    struct scan_part parts[SCAN_PARTS]; /* each counted on its own (hard links once) */
    uint64_t total;                     /* everything under the root, hard links once */
    struct scan_index *index;           /* lookups and the inode table */
};

extern const char *const scan_part_names[SCAN_PARTS];

/* Walk root once.  A missing root or directory is empty, not an error; -1 with the error
 * printed when root cannot be read. */
int cache_scan(const char *root, struct cache_scan *scan);
void cache_scan_release(struct cache_scan *scan);

/* Read the dependency graph of the profiles whose locked[] is set (cargo is not writing
 * there): each unit's deps from its fingerprint .json.  -1 with the error printed when a
 * fingerprint cannot be read, and then no unit has deps. */
int cache_scan_load_graph(struct cache_scan *scan, const int *locked);

/* Add delta (+1 or -1) to the refs of every unit entry e uses, its own and transitively its
 * dependencies; with delta -1, the bytes of dependency units that nothing uses any more are
 * added to *freed. */
void cache_scan_use(struct cache_scan *scan, size_t e, int delta, uint64_t *freed);

#endif
