/* The cache: where it lives, what an entry is, and the lifecycle of an entry, end to end.
 *
 *   <root>/CACHEDIR.TAG                                    says the directory is cthag's
 *   <root>/projects/<entry>/{Cargo.toml,<stem>.rs,entry}   generated project + entry record
 *   <root>/target/                                         the one shared target directory
 *   <root>/bins/<entry>                                    cached executable
 *   <root>/locks/<entry>                                   per-entry lock files
 *
 * <entry> = <stem>-<16 hex of the entry identity>: the identity is the script's canonical path
 * (or the content of an expression) plus the options that change the build (identity.h).  The
 * record (record.h) says which build key the executable in bins/ was built for and which inputs
 * and environment values that build read (freshness.h).
 *
 * This header is the cache's contract for the rest of cthag: it brings the root (root.h: where
 * it is, whether it can be trusted, creating it) and the locks (lock.h) with it; this file's
 * own part is the entry: its names and paths, writing its project, the commit, the record's
 * refreshes.  cthag only removes what it created. */
#ifndef CTHAG_CACHE_CACHE_H
#define CTHAG_CACHE_CACHE_H

#include "cache/lock.h"
#include "cache/record.h"
#include "cache/root.h"
#include "util/strbuf.h"

#include <sys/stat.h>

struct cache_entry {
    struct strbuf root;
    struct strbuf name;        /* <stem>-<id> */
    struct strbuf stem;        /* sanitised script stem */
    struct strbuf package;     /* <stem>_<id>: unique in the shared target */
    struct strbuf project_dir, record_path, bin_path, lock_path;
};

/* A stem usable in file and crate names: lowercase [a-z0-9_], starting with a letter. */
void cache_sanitise_stem(const char *script_path, struct strbuf *stem);
/* The package name in the shared target of the entry named <stem>-<id>: <stem>_<id>.  GC finds
 * an entry's artifacts by it. */
void cache_package_name(const char *entry_name, struct strbuf *package);
/* The name of the entry's one binary, what cargo's lines, the progress bar and backtraces
 * (`stem::main`) show: the stem, or stem_rs for the names cargo keeps for its own directories
 * (build, deps, examples, incremental).  Unlike the package, it is not unique: the shared target
 * keeps entries apart by the package's metadata hash, and each entry's executable is written
 * into its own project directory (cargo's artifact directory, see cargo/command.c). */
void cache_bin_name(const char *stem, struct strbuf *bin);
/* 1 when name is what cache_entry_init() names entries: <stem>-<16 hex digits>. */
int cache_is_entry_name(const char *name);
/* Fill in the entry's names and paths from its identity string. */
void cache_entry_init(struct cache_entry *e, const char *root, const char *script_path,
                      const char *identity);
void cache_entry_release(struct cache_entry *e);

/* Write the generated project: Cargo.toml and, when the script's text had to change, the
 * generated source (source_name NULL when the script is compiled in place).  A Cargo.lock
 * resolved against another registry is dropped.  Prints its error. */
int cache_write_project(const struct cache_entry *e, const char *manifest, size_t manifest_len,
                        const char *source_name, const char *code, size_t code_len,
                        int new_registry);
/* Remove what a process killed while writing into this entry left behind (temporary files in
 * its project directory and beside its executable).  Under the entry lock. */
void cache_remove_stale_temps(const struct cache_entry *e);
/* After the commit: cargo's copy of the executable in the entry's project (its artifact
 * directory, built) and what cargo made around it there go; bins/ and the shared target hold the
 * executable, and cargo copies it out again at its next build of the entry.  What else is there
 * (-A doc's output) stays. */
void cache_drop_artifacts(const struct cache_entry *e, const char *built);
/* Make the next cargo build recompile the script's own crate (not its dependencies): cargo's
 * mtime check cannot see a same-second edit on a coarse-timestamp file system, nor a damaged
 * executable. */
void cache_forget_fingerprint(const struct cache_entry *e);
/* The commit step, under the entry lock: install the built executable as bins/<entry>, fsync it
 * and the directory, then store the record (temp file, fsync, rename, fsync).  The old record is
 * removed first, so a crash at any point leaves the old entry or none.  Prints its error. */
int cache_commit(const struct cache_entry *e, const char *built, struct entry_record *rec);
/* cache_commit() in its two steps, for a caller with something to do in between (remove the
 * private directory the executable was built in): the install (the old record removed, the
 * executable in bins/, fsync'ed, its inode and size into rec), then the record. */
int cache_commit_install(const struct cache_entry *e, const char *built, struct entry_record *rec);
int cache_commit_record(const struct cache_entry *e, const struct entry_record *rec);
/* Store a refreshed copy of a record loaded earlier (new stat data, last-used time), unless the
 * entry changed since it was loaded: best effort, under a lock taken without waiting, silent
 * when the cache cannot be written.  Never puts an older record over a newer one: loaded are the
 * record file's stat data when rec was read, and the file must still be that one. */
void cache_refresh_record(const struct cache_entry *e, const struct entry_record *rec,
                          const struct stat *loaded);
/* A cached run of the entry: its record's last-used time (for --gc) is refreshed when it is
 * older than an hour (as go's build cache does: one write an hour, not one a run). */
void cache_note_used(const struct cache_entry *e, struct entry_record *rec,
                     const struct stat *loaded);
/* Remove the entry's record if it is still the one loaded (after an exec failure); loaded: the
 * record file's stat data when it was read. */
void cache_drop_record(const struct cache_entry *e, const struct stat *loaded);

#endif
