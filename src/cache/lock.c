#include "cache/lock.h"

#include "cache/cache.h"
#include "util/die.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- locks ---- */

/* An fcntl lock of type on len bytes from start (len 0: to the end of the file). */
static int lock_range(int fd, short type, off_t start, off_t len, int wait)
{
    struct flock fl;
    memset(&fl, 0, sizeof(fl));
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = start;
    fl.l_len = len;
    while (fcntl(fd, wait ? F_SETLKW : F_SETLK, &fl)) {
        if (errno != EINTR)
            return -1;
    }
    return 0;
}

static int try_lock(int fd, int wait)
{
    return lock_range(fd, F_WRLCK, 0, 0, wait);
}

/* Wait for a lock of type on len bytes from start: quietly for a second (most waits are short),
 * then saying why on a terminal. */
static int wait_for_range(int fd, short type, off_t start, off_t len, const char *why)
{
    for (int tries = 0; tries < 50; tries++) {
        if (!lock_range(fd, type, start, len, 0))
            return 0;
        if (errno != EAGAIN && errno != EACCES)
            return -1;
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    if (isatty(STDERR_FILENO) && verbosity >= 0)
        fprintf(stderr, "cthag: %s\n", why);
    return lock_range(fd, type, start, len, 1);
}

/* The lock is only ours if the path still names the file we locked: --gc may have removed the
 * entry (and its lock file) while we waited on the old one. */
static int still_current(int fd, const char *path)
{
    struct stat held, now;
    return !fstat(fd, &held) && !lstat(path, &now) && held.st_dev == now.st_dev &&
           held.st_ino == now.st_ino;
}

static int open_lock_file(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        error("cannot open lock %s: %s", path, strerror(errno));
    return fd;
}

int cache_trylock_path(const char *lock_path)
{
    int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -1;
    if (try_lock(fd, 0) || !still_current(fd, lock_path)) {
        close(fd);
        return -1;
    }
    return fd;
}

int cache_lock(const struct cache_entry *e, const char *script_name)
{
    struct strbuf why = STRBUF_INIT;
    strbuf_addf(&why, "waiting for another cthag building %s", script_name);
    for (;;) {
        int fd = open_lock_file(e->lock_path.buf);
        if (fd < 0)
            break;
        if (wait_for_range(fd, F_WRLCK, 0, 0, why.buf)) {
            error("cannot lock %s: %s", e->lock_path.buf, strerror(errno));
            close(fd);
            break;
        }
        if (still_current(fd, e->lock_path.buf)) {
            strbuf_release(&why);
            return fd;
        }
        close(fd);
    }
    strbuf_release(&why);
    return -1;
}

void cache_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing releases the fcntl lock */
}

/* ---- the root lock ----
 *
 * <root>/lock carries two one-byte fcntl locks.  Byte 1 is the root lock itself: a build holds it
 * shared from writing its project until it execs (or exits), --gc and --clean bins hold it shared,
 * --clean target and --clean all hold it exclusively, so nothing is removed wholesale under a
 * build.  Byte 0 is the gate: a cleaner holds it exclusively while it waits for byte 1, and a
 * build passes through it (shared, released at once) before taking byte 1, so that a stream of
 * overlapping builds cannot keep a cleaner waiting for ever.  The lock file is never removed. */
#define ROOT_GATE 0
#define ROOT_LOCK 1

int cache_lock_root(const char *root, int exclusive)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/lock", root);
    int fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    int result = fd < 0 ? -1 : 0;
    if (!result && exclusive)
        result = wait_for_range(fd, F_WRLCK, ROOT_GATE, 1,
                                "waiting for another cthag cleaning the cache") ||
                 wait_for_range(fd, F_WRLCK, ROOT_LOCK, 1, "waiting for running builds to finish");
    else if (!result)
        result = wait_for_range(fd, F_RDLCK, ROOT_GATE, 1, "waiting for cthag --clean to finish") ||
                 lock_range(fd, F_RDLCK, ROOT_LOCK, 1, 1) ||
                 lock_range(fd, F_UNLCK, ROOT_GATE, 1, 0);
    if (result) {
        error("cannot lock %s: %s", path.buf, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    strbuf_release(&path);
    return fd;
}
