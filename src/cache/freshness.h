/* Freshness: what a build depended on, how that is recorded, and how a later run re-checks it
 * (DESIGN §3).  The record's format is record.h's; the decisions are here.
 *
 * What a build depended on (recorded by freshness_record_build):
 *   - every file of every local unit cargo compiled for the entry: the script's own crate
 *     (the script as cthag read it, and what rustc's dep-info lists) and each path
 *     dependency's library and build script (their dep-info, their build script's
 *     rerun-if-changed files), each unit in its own group (record.h), so that a rebuild can make
 *     cargo recompile exactly the units whose files changed;
 *   - every environment value rustc (# env-dep) or any build script (rerun-if-env-changed)
 *     declared, those cthag decided the generated project by (generated_env: thag-auto's), and
 *     the build configuration the environment holds (cache/buildenv.h);
 *   - the toolchain and the configuration files cargo, rustup and cthag read (buildenv.h);
 *   - the build key, the generated manifest and lock, and the registry.
 * Each file is recorded with (dev, ino, size, mtime_ns, ctime_ns) and its content hash.
 *
 * What was compiled is what is recorded, or "unknown" (hash "-": the next run rebuilds):
 *   - a file whose mtime or ctime is not older than the stamp (taken before cargo read anything,
 *     by the file system's timestamp granularity) may have changed within the same tick without
 *     its stat data changing (git's racy rule);
 *   - a file the previous build read, whose stat data changed between before and after the
 *     build, or a file reached through a symlink made, or a directory renamed into place, during
 *     the build, may not be what the compiler read;
 *   - a local unit cargo did not recompile (it found it fresh by mtime) was compiled from what
 *     its files held then: when a file (or a symlink on its way) changed since the unit's compile
 *     began and no earlier record of this entry vouches for it, cargo's mtime check was fooled
 *     (cp -p, tar, rsync -a of older files): the unit is forgotten and cargo asked again.
 * A file cthag cannot track (dep-info cannot name it, it vanished) makes the entry uncacheable:
 * it is rebuilt on every run, and a warning says so.
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
#include "cargo/units.h"
#include "util/hash.h"
#include "util/strlist.h"

#include <sys/stat.h>

struct build_state; /* what freshness_before_build() saw, for freshness_record_build() */

/* What one build of an entry reads, as far as the cache can tell before and after cargo runs.
 * The caller owns what the pointers point to, for as long as the struct is used. */
struct build_inputs {
    const struct cache_entry *entry;   /* root, package name, record and executable paths */
    const struct entry_identity *id;   /* a record is only trusted when it is this entry's */
    const char *script_name;           /* how messages name the script */
    const char *key;                   /* the build key of the generated project */
    const char *registry;              /* --registry-dir of the build, "" for crates.io */
    const char *config_registry;       /* the config file's registry-dir, or NULL */
    /* Variables cthag itself decided the project by (thag-auto's), recorded as env!'s are;
     * NULL for none. */
    const struct strlist *generated_env;
    const char *manifest;              /* the generated Cargo.toml */
    const char *toolchain;             /* +TOOLCHAIN, or NULL */
    const char *config_file;           /* cthag's config file */
    int force;                         /* -f: every local unit is compiled again */
    const char *script;                /* the script file's canonical path; NULL for -e/-s/-l */
    struct stat script_st;             /* its stat data from before cthag read it */
    char script_hash[HASH_HEX_LEN + 1]; /* the hash of the bytes cthag read */
    long long stamp;                   /* the clock before cargo read anything (racy rule) */
    struct build_state *state;         /* freshness_before_build() .. freshness_build_done() */
};

/* The script file as cthag read it: st taken before the read, text what the read returned. */
void freshness_set_script(struct build_inputs *in, const char *path, const struct stat *st,
                          const char *text, size_t len);
/* Just before cargo runs: look at what the previous build read (stat data now, to compare
 * after the build), make cargo recompile every local unit whose files changed since (all of
 * them with force), and take the stamp the files it reads are judged against (now, not at
 * cthag's start, so a file saved just before the run is not taken for one changed during the
 * build). */
void freshness_before_build(struct build_inputs *in);
/* After a successful build whose executable is at built, with cargo's account of its units:
 * the whole record of what it read (rec initialised here; entry_record_release() it).
 * Returns 1 when a unit cargo did not recompile may be stale: its fingerprint is gone, and the
 * caller runs cargo once more (and records again, then never 1); else 0. */
int freshness_record_build(struct build_inputs *in, const char *built,
                           const struct cargo_units *units, struct entry_record *rec);
/* One more file the build depended on that no unit lists: the toolchain's libstd, which a
 * dynamically linked executable loads.  Compared by its stat data (a toolchain update or
 * removal rebuilds), in the configuration's group. */
void freshness_record_file(const struct build_inputs *in, const char *path,
                           struct entry_record *rec);
/* Release what freshness_before_build() kept. */
void freshness_build_done(struct build_inputs *in);


/* After a build cthag ran without cargo (src/direct.h), from rustc's dep-info of the script's
 * crate: the record of what it read.  base: the entry's previous record, whose other units and
 * variables are carried over (the build was direct because they had not changed), or, for a
 * new entry built with another's command, that entry's record, whose configuration (toolchain,
 * config files) alone is carried over.  rec initialised here. */
void freshness_record_direct(struct build_inputs *in, const char *depinfo,
                             const struct entry_record *base, int base_is_entry,
                             struct entry_record *rec);
/* The record's configuration (the toolchain cargo finds, cargo's configuration, the variables
 * it declared) is still today's, stat data and all. */
int freshness_config_holds(const struct entry_record *rec);

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

/* What changed since the build a record describes (for a build that wants to skip cargo). */
enum freshness_change {
    CHANGED_NOTHING,     /* every input, variable and setting as recorded */
    CHANGED_SCRIPT_ONLY, /* only files of the script's own crate: the generated manifest, the
                            lock, the registry, the toolchain, the configuration, every variable
                            and every other local unit as they were */
    CHANGED_MORE,        /* anything else (or the record is not this entry's, or uncacheable) */
};
/* Classify against the entry's record; files whose stat data changed are hashed (the same
 * content is no change).  Does not write the record. */
enum freshness_change freshness_classify(const struct build_inputs *in,
                                         const struct entry_record *rec);

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
