/* Freshness: what a build depended on, how that is recorded, and how a later run re-checks it
 * (DESIGN §3).  The record's format is record.h's; the decisions are here.
 *
 * What a build depended on (struct build_inputs, recorded by freshness_record_build):
 *   - the script file, as cthag read it: its stat data from before the read and the hash of
 *     the bytes read (the build key covers the text, so this only vouches for the stat data);
 *   - every file cargo's dep-info beside the executable lists (the files rustc read for the
 *     script's crate and its path dependencies), except cthag's own generated project;
 *   - the environment values rustc's dep-info for the script's crate declares (env!,
 *     option_env!), those the generated project was decided by (generated_env: thag-auto's)
 *     and the build variables cthag always tracks (RUSTFLAGS & co.);
 *   - the build key and the registry (in the record beside them).
 * Each file is recorded with (dev, ino, size, mtime_ns, ctime_ns) and its content hash, hashed
 * after the build (hash first, stat second: a change in between shows in the stat data).
 *
 * The racy rule (git's): a file whose mtime or ctime is not older than the stamp (taken before
 * cargo read anything, by the file system's timestamp granularity) may have changed within the
 * same tick without its stat data changing.  It is recorded without a hash (content unknown:
 * the next run rebuilds), and on a later check its content decides.
 *
 * Re-checking:
 *   - the cached path (freshness_open_cached): the record is this entry's, every input's stat
 *     data are equal and not racy, every variable has its recorded value: no hashing at all;
 *   - after generating (freshness_reuse): the build key is today's, and every input that is not
 *     fresh by its stat data still has its recorded content: the record is refreshed (new stat
 *     data, new stamp) and the executable reused, nothing is built.
 * Either way the executable is opened and must be the one the record was committed with (its
 * inode): a record vouches for one file. */
#ifndef CTHAG_CACHE_FRESHNESS_H
#define CTHAG_CACHE_FRESHNESS_H

#include "cache/cache.h"
#include "cache/identity.h"
#include "cache/record.h"
#include "util/hash.h"
#include "util/strlist.h"

#include <sys/stat.h>

/* What one build of an entry reads, as far as the cache can tell before and after cargo runs.
 * The caller owns what the pointers point to, for as long as the struct is used. */
struct build_inputs {
    const struct cache_entry *entry;   /* root, package name, record and executable paths */
    const struct entry_identity *id;   /* a record is only trusted when it is this entry's */
    const char *script_name;           /* how messages name the script */
    const char *key;                   /* the build key of the generated project */
    const char *registry;              /* --registry-dir of the build, "" for crates.io */
    /* Variables cthag itself decided the project by (thag-auto's), recorded as env!'s are;
     * NULL for none. */
    const struct strlist *generated_env;
    const char *script;                /* the script file's canonical path; NULL for -e/-s/-l */
    struct stat script_st;             /* its stat data from before cthag read it */
    char script_hash[HASH_HEX_LEN + 1]; /* the hash of the bytes cthag read */
    long long stamp;                   /* the clock before cargo read anything (racy rule) */
};

/* The script file as cthag read it: st taken before the read, text what the read returned. */
void freshness_set_script(struct build_inputs *in, const char *path, const struct stat *st,
                          const char *text, size_t len);
/* Just before cargo runs: take the stamp the files it reads are judged against (now, not at
 * cthag's start, so a file saved just before the run is not taken for one changed during the
 * build). */
void freshness_before_build(struct build_inputs *in);
/* After a successful build whose executable is at built: the whole record of what it read
 * (rec initialised here; entry_record_release() it). */
void freshness_record_build(const struct build_inputs *in, const char *built,
                            struct entry_record *rec);

/* One more file the build depended on, hashed now (the toolchain's libstd, which a dynamically
 * linked executable loads). */
void freshness_record_file(const struct build_inputs *in, const char *path,
                           struct entry_record *rec);

/* The cached path: the entry's record (in projects/, relative to the open root), whole, this
 * entry's and fresh, and its executable (bins/<entry>) opened: an O_RDONLY fd, or -1.  rec and
 * record_st get the record and its file's stat data (release rec either way). */
int freshness_open_cached(int rootfd, const struct cache_entry *e, const struct entry_identity *id,
                          const char *script_name, struct entry_record *rec,
                          struct stat *record_st);
/* After generating: when the installed executable was built from exactly this (same key, every
 * input's content unchanged), refresh its record and return an O_RDONLY fd of it; else -1. */
int freshness_reuse(const struct build_inputs *in);
/* The executable at path (relative to dirfd, or AT_FDCWD), when it is the one rec was committed
 * with: an O_RDONLY, close-on-exec fd; else -1. */
int freshness_open_executable(int dirfd, const char *path, const struct entry_record *rec);

/* 1 when every input is fresh and the environment matches: the cached path's whole check.
 * why (may be NULL) gets the first input that is not, or the variable that changed. */
int freshness_is_fresh(const struct entry_record *rec, const char **why);
/* Record the environment values a build depended on: the build variables cthag always tracks
 * (RUSTFLAGS & co.) and the names given (from the build's env-dep lines).  Variables cargo sets
 * for rustc itself (CARGO_*, OUT_DIR) and cthag's own are left out. */
void freshness_record_env(struct entry_record *rec, const struct strlist *env_deps);

/* The coarse wall clock the kernel stamps files with, in ns: a file changed after this call has
 * an mtime not older than the value returned. */
long long freshness_clock_now(void);
/* The coarse clock once it has passed the fine clock of the call (at most a tick's wait): a
 * stamp no file written before the call can be newer than. */
long long freshness_clock_settled(void);
/* Is a file with these stat data racy against stamp_ns? */
int freshness_stat_racy(const struct stat *st, long long stamp_ns);
/* The content hash of a file (XXH3-128 hex), -1 with errno set when it cannot be read. */
int freshness_hash_file(const char *path, char out[HASH_HEX_LEN + 1]);

#endif
