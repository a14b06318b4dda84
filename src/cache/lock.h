/* Locks of the cache (fcntl locks, released by close or exec).
 *
 * Per entry: locks/<entry>, held while the entry is built, committed or removed.  A waiter checks
 * that the path still names the file it locked (--gc may remove an entry and its lock file
 * meanwhile) and retries otherwise.
 *
 * The root: <root>/lock carries two one-byte locks, the gate and the root lock (lock.c says how
 * they keep a stream of builds from starving a cleaner). */
#ifndef CTHAG_CACHE_LOCK_H
#define CTHAG_CACHE_LOCK_H

struct cache_entry;

/* Take the entry's lock, waiting (and saying so on a terminal) while another cthag holds it.
 * Returns the lock fd, or -1 with the error printed. */
int cache_lock(const struct cache_entry *e, const char *script_name);
/* Take a lock file's lock without waiting: the fd, or -1 when busy or impossible. */
int cache_trylock_path(const char *lock_path);
void cache_unlock(int fd);

/* The root lock (see lock.c): shared for builds, --gc and --clean bins, exclusive for --clean
 * target|all.  Waits (saying so on a terminal after a second); returns the lock's fd, held until
 * cache_unlock() or exec, or -1 with the error printed.  The root must exist. */
int cache_lock_root(const char *root, int exclusive);

#endif
