/* The cache root: where it is, whether it can be trusted, and making it.
 *
 * Trust: a root is used only when it and every ancestor are owned by the user or root and cannot
 * be replaced by anyone else (not writable by others unless sticky; group-writable only for a
 * group whose one member is the owner), the root itself is private (no group/other write) and
 * not a symlink.  The cached path opens the root once and reads and executes relative to that
 * handle, so a path swapped meanwhile cannot redirect it.  cthag never uses, cleans or collects
 * a non-empty directory without its CACHEDIR.TAG (or a cache an earlier cthag made before roots
 * were tagged). */
#ifndef CTHAG_CACHE_ROOT_H
#define CTHAG_CACHE_ROOT_H

#include "util/strbuf.h"

/* $CTHAG_CACHE_DIR, else $XDG_CACHE_HOME/cthag, else $HOME/.cache/cthag.  Prints its error. */
int cache_root(struct strbuf *root);
/* Open an existing root that passes the trust rules above (and its projects/, bins/ and locks/
 * are private directories): an O_DIRECTORY fd, or -1 (the reason printed when report is set). */
int cache_open_root(const char *root, int report);
/* Create the root (0700, with CACHEDIR.TAG) or adopt an existing tagged or empty one, create
 * projects/, bins/, locks/ and target/ 0700 whatever the umask (cargo would make target/ with
 * the umask's mode), and check it all.  Prints its error. */
int cache_prepare(const char *root);
/* For --clean, --gc and --cache-stats: 1 when the root does not exist (nothing to do), 0 when it
 * is a trusted, tagged cthag cache, -1 with the reason printed otherwise. */
int cache_check_root(const char *root);

/* Where the cache decides what is private: 0 when path is a directory owned by the user and
 * not writable by others; else -1 with the reason printed. */
int cache_check_private_dir(const char *path);
/* cache_prepare() and the root lock, shared: the fd, or -1 with the error printed. */
int cache_prepare_locked(const char *root);

#endif
