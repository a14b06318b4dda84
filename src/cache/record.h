/* An entry's record: what the executable in bins/ was built from, so that a later run can tell,
 * with a few stat calls and no hashing, that nothing the build read has changed.
 *
 *     cthag-entry 2
 *     key <32 hex>            build key (cache/cache.h) the executable was built for
 *     inode <n>               the installed executable's inode: a record only vouches for it
 *     stamp <ns>              coarse wall-clock time taken before the inputs were read
 *     built <s> / used <s> / bin-size <n>
 *     source <path>           canonical script path, or content:<hash> for -e/-s/-l
 *     opts <text>             the options of the identity
 *     registry <dir>          --registry-dir of the build (Cargo.lock belongs to it)
 *     env NAME=value | NAME   an environment value the build depended on (NAME alone: unset)
 *     input <dev> <ino> <size> <mtime-ns> <ctime-ns> <hash|-> <path>
 *
 * Values are one line each: control bytes and '%' are written %XX.  Every number is decimal,
 * unsigned fields up to 2^64-1.
 *
 * Freshness of an input: its stat data equal the recorded ones AND they are not racy: a file
 * whose mtime or ctime is not older than the stamp (by the file system's timestamp granularity)
 * may have changed again within the same tick without its stat data changing (git's "racy
 * clean"), so its content decides.  An input recorded with hash "-" was possibly modified while
 * the build read it: its content is unknown and the entry must be rebuilt. */
#ifndef CTHAG_CACHE_RECORD_H
#define CTHAG_CACHE_RECORD_H

#include "util/hash.h"
#include "util/strbuf.h"
#include "util/strlist.h"

#include <sys/stat.h>

#define CACHE_FORMAT_VERSION "2"
#define RECORD_SOURCE_MAX 4096
#define RECORD_OPTS_MAX 1024

struct record_input {
    unsigned long long dev, ino, size;
    long long mtime_ns, ctime_ns;
    char hash[HASH_HEX_LEN + 1]; /* "" when the content is unknown */
    char *path;
};

struct entry_record {
    char key[HASH_HEX_LEN + 1];
    unsigned long long bin_inode, bin_size;
    long long stamp_ns, built, used;
    char source[RECORD_SOURCE_MAX]; /* canonical script path, or content:<hash> */
    char opts[RECORD_OPTS_MAX];     /* the build options of the identity */
    char registry[4096];            /* --registry-dir of the last build */
    struct strlist env;             /* "NAME=value" or "NAME" (unset) */
    struct record_input *inputs;
    size_t ninputs, inputs_alloc;
};

/* Parse a record's bytes into rec (initialised here).  -1 when they are not a complete, valid
 * record; rec needs entry_record_release() either way. */
int entry_record_parse(const char *buf, size_t len, struct entry_record *rec);
/* Read and parse the record at path (relative to dirfd, or AT_FDCWD); st (may be NULL) gets
 * the record file's own stat data.  -1 (no message) when absent or not a valid record. */
int entry_record_load_at(int dirfd, const char *path, struct entry_record *rec, struct stat *st);
int entry_record_load(const char *path, struct entry_record *rec);
/* entry_record_load_at() reading into text, a buffer the caller reuses (a scan of the cache
 * reads every entry's record: one buffer, not an allocation and a free each). */
int entry_record_read_at(int dirfd, const char *path, struct entry_record *rec, struct stat *st,
                         struct strbuf *text);
/* The record's text. */
void entry_record_format(const struct entry_record *rec, struct strbuf *out);
/* Write it atomically (temp file, fsync, rename, fsync of the directory).  Prints its error
 * unless quietly is set; -1 with errno set on failure. */
int entry_record_store(const char *path, const struct entry_record *rec, int quietly);
void entry_record_release(struct entry_record *rec);

/* The coarse wall clock the kernel stamps files with, in ns: a file changed after this call has
 * an mtime not older than the value returned. */
long long record_clock_now(void);
/* The coarse clock once it has passed the fine clock of the call (at most a tick's wait): a
 * stamp no file written before the call can be newer than. */
long long record_clock_settled(void);
/* Add an input with its stat data; hash may be NULL (content unknown). */
void entry_record_add_input(struct entry_record *rec, const char *path, const struct stat *st,
                            const char *hash);
/* Set an input's stat data and hash (NULL: unknown). */
void record_input_update(struct record_input *in, const struct stat *st, const char *hash);
/* Record the environment values a build depended on: the build variables cthag always tracks
 * (RUSTFLAGS & co.) and the names given (from the build's env-dep lines).  Variables cargo sets
 * for rustc itself (CARGO_*, OUT_DIR) and cthag's own are left out. */
void entry_record_set_env(struct entry_record *rec, const struct strlist *env_deps);

enum input_state { INPUT_FRESH, INPUT_CHANGED, INPUT_RACY, INPUT_MISSING };
/* Compare an input with the file now (st gets its stat data). */
enum input_state record_input_check(const struct record_input *in, long long stamp_ns,
                                    struct stat *st);
/* Is a file with these stat data racy against stamp_ns? */
int record_stat_racy(const struct stat *st, long long stamp_ns);
/* 1 when every recorded environment value is the same now. */
int record_env_matches(const struct entry_record *rec);
/* 1 when every input is fresh and the environment matches: the cached path's whole check.
 * why (may be NULL) gets the first input that is not, or the variable that changed. */
int record_is_fresh(const struct entry_record *rec, const char **why);

/* The content hash of a file (XXH3-128 hex), -1 with errno set when it cannot be read. */
int record_hash_file(const char *path, char out[HASH_HEX_LEN + 1]);

#endif
