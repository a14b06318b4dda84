/* The cache: where it lives, what an entry is, and the operations that keep it trustworthy.
 *
 *   <root>/projects/<entry>/{Cargo.toml,<stem>.rs,entry}   generated project + entry record
 *   <root>/target/                                         the one shared CARGO_TARGET_DIR
 *   <root>/bins/<entry>                                    cached executable
 *   <root>/locks/<entry>                                   per-entry lock files
 *
 * <entry> = <stem>-<16 hex of the entry identity>: the identity is the script's canonical path
 * (or the content of an expression) plus the options that change the build.  The record says
 * which build key the executable in bins/ was built for and the script's stat data then. */
#ifndef CTHAG_CACHE_H
#define CTHAG_CACHE_H

#include "util/hash.h"
#include "util/strbuf.h"

#include <sys/stat.h>

#define CACHE_FORMAT_VERSION "1"

struct entry_record {
    char key[HASH_HEX_LEN + 1];
    unsigned long long dev, ino, size;
    long long mtime_ns, ctime_ns;
    long long built, used;
    unsigned long long bin_size;
    char source[4096];   /* canonical script path (empty for content-keyed entries) */
    char opts[1024];     /* the build options of the identity */
    char registry[4096]; /* --registry-dir of the last build: Cargo.lock belongs to it */
};

struct cache_entry {
    struct strbuf root;
    struct strbuf name;        /* <stem>-<id> */
    struct strbuf stem;        /* sanitised script stem */
    struct strbuf package;     /* <stem>_<id>: unique in the shared target */
    struct strbuf project_dir, record_path, bin_path, lock_path;
};

/* $CTHAG_CACHE_DIR, else $XDG_CACHE_HOME/cthag, else $HOME/.cache/cthag.  Prints its error. */
int cache_root(struct strbuf *root);
/* Create the root and its subdirectories (mode 0700) and refuse any that is a symlink, not
 * owned by the user, or group/world-writable.  Prints its error. */
int cache_prepare(const char *root);
/* The same refusal for an existing root, with lstat only (the cached-run path); prints the
 * reason only when report is set. */
int cache_check_private(const char *root, int report);

/* Where the cache decides what is private: 0 when path is a directory owned by the user and
 * not writable by others; else -1 with the reason printed. */
int cache_check_private_dir(const char *path);

/* A stem usable in file and crate names: lowercase [a-z0-9_], starting with a letter. */
void cache_sanitise_stem(const char *script_path, struct strbuf *stem);
/* Fill in the entry's names and paths from its identity string. */
void cache_entry_init(struct cache_entry *e, const char *root, const char *script_path,
                      const char *identity);
void cache_entry_release(struct cache_entry *e);

/* Parse a record's bytes.  -1 when they are not a complete, valid record. */
int entry_record_parse(const char *buf, size_t len, struct entry_record *rec);
/* Read a record with one read().  -1 (no message) when absent or not a valid record. */
int entry_record_load(const char *path, struct entry_record *rec);
/* Write it atomically.  Prints its error. */
int entry_record_store(const char *path, const struct entry_record *rec);
void entry_record_set_stat(struct entry_record *rec, const struct stat *st);
/* 1 when the script's stat data equal the recorded ones. */
int entry_record_stat_matches(const struct entry_record *rec, const struct stat *st);

/* Take the entry's lock, waiting (and saying so on a terminal) while another cthag holds it.
 * Returns the lock fd, or -1 with the error printed. */
int cache_lock(const struct cache_entry *e, const char *script_name);
/* Take a lock file's lock without waiting: the fd, or -1 when busy or impossible. */
int cache_trylock_path(const char *lock_path);
void cache_unlock(int fd);

/* The root lock (see cache.c): shared for builds, --gc and --clean bins, exclusive for --clean
 * target|all.  Waits (saying so on a terminal after a second); returns the lock's fd, held until
 * cache_unlock() or exec, or -1 with the error printed.  The root must exist. */
int cache_lock_root(const char *root, int exclusive);
/* cache_prepare() and the root lock, shared: the fd, or -1 with the error printed. */
int cache_prepare_locked(const char *root);

/* Install the built executable as bins/<entry>.  Prints its error. */
int cache_install(const struct cache_entry *e, const char *built);

#endif
