/* An entry's record: what the executable in bins/ was built from, so that a later run can tell,
 * with a few stat calls and no hashing, that nothing the build read has changed.
 *
 *     cthag-entry 2
 *     key <32 hex>            build key (cache/identity.h) the executable was built for
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
 * What goes into a record, and when an input counts as unchanged, is cache/freshness.h's
 * decision; this file only reads and writes the format.  An input recorded with hash "-" was
 * possibly modified while the build read it: its content is unknown. */
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

/* Add an input with its stat data; hash may be NULL (content unknown). */
void entry_record_add_input(struct entry_record *rec, const char *path, const struct stat *st,
                            const char *hash);
/* Set an input's stat data and hash (NULL: unknown). */
void record_input_update(struct record_input *in, const struct stat *st, const char *hash);

#endif
