/* An entry's record: what the executable in bins/ was built from, so that a later run can tell,
 * with a few stat calls and no hashing, that nothing the build read has changed.
 *
 *     cthag-entry 3
 *     key <32 hex>            build key (cache/identity.h) the executable was built for
 *     inode <n>               the installed executable's inode: a record only vouches for it
 *     stamp <ns>              coarse wall-clock time taken before the inputs were read
 *     built <s> / used <s> / bin-size <n>
 *     source <path>           canonical script path, or content:<hash> for -e/-s/-l
 *     opts <text>             the options of the identity
 *     registry <dir>          --registry-dir of the build (Cargo.lock belongs to it)
 *     config-registry <dir>   the config file's registry-dir then (what a run without
 *                             --registry-dir uses while the config file is unchanged)
 *     manifest <32 hex>       the generated Cargo.toml's hash
 *     lock <32 hex | ->       the project's Cargo.lock after the build
 *     config <32 hex>         the build configuration the environment held (cache/buildenv.h)
 *     rustc <path>            the compiler cargo ran, as rustup (or $RUSTC, or PATH) chose it
 *     sysroot <path>          its sysroot
 *     uncacheable <reason>    the build read something cthag cannot track: never fresh
 *     env NAME=value | NAME   an environment value the build depended on (NAME alone: unset)
 *     absent <path>           a file that must not appear (a config file cargo would read)
 *     file <dev> <ino> <size> <mtime-ns> <ctime-ns> <path>  compared by its stat data alone
 *     input <dev> <ino> <size> <mtime-ns> <ctime-ns> <hash|-> <path>
 *     unit <name>             the inputs (absent/file/input lines) after it belong to this unit
 *
 * Inputs before the first unit line are the build's configuration (toolchain, config files);
 * "unit script" holds the script's own crate; any other unit is a local unit cargo compiled
 * (a path dependency's library or build script), named <profile>/<fingerprint directory>.
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

#define CACHE_FORMAT_VERSION "3"
#define RECORD_SOURCE_MAX 4096
#define RECORD_OPTS_MAX 1024

/* How an input is compared with the file now. */
enum input_kind {
    INPUT_CONTENT, /* stat data, and the content hash when they differ */
    INPUT_STAT,    /* stat data alone: a difference is a change (a toolchain's large files) */
    INPUT_ABSENT,  /* must not exist */
};

/* The group of the inputs before any unit line: the build's configuration. */
#define RECORD_CONFIG_GROUP 0u

struct record_input {
    unsigned long long dev, ino, size;
    long long mtime_ns, ctime_ns;
    char hash[HASH_HEX_LEN + 1]; /* "" when the content is unknown */
    char *path;
    enum input_kind kind;
    unsigned group; /* RECORD_CONFIG_GROUP, or 1 + an index into units */
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
    char manifest[HASH_HEX_LEN + 1], lock[HASH_HEX_LEN + 1], config[HASH_HEX_LEN + 1];
    char *rustc, *sysroot;          /* NULL when not recorded */
    char *config_registry;          /* the config file's registry-dir at that build, or NULL */
    char *uncacheable;              /* why the entry is never fresh, or NULL */
    struct strlist units;           /* "script", "<profile>/<fingerprint dir>" */
    char *text;                     /* entry_record_load_at()'s bytes, values decoded in place */
    size_t text_len;
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

/* Add an input of the group with its stat data; hash may be NULL (content unknown).  Returns
 * the input, valid until the next one is added. */
struct record_input *entry_record_add_input(struct entry_record *rec, unsigned group,
                                            const char *path, const struct stat *st,
                                            const char *hash);
/* Add a file that must not exist. */
void entry_record_add_absent(struct entry_record *rec, unsigned group, const char *path);
/* The group of the unit named name, added when new. */
unsigned entry_record_unit(struct entry_record *rec, const char *name);
/* Set a string field (rustc, sysroot, config_registry, uncacheable) to a copy of value (NULL
 * clears it). */
void entry_record_set(struct entry_record *rec, char **field, const char *value);
/* Set an input's stat data and hash (NULL: unknown). */
void record_input_update(struct record_input *in, const struct stat *st, const char *hash);

#endif
