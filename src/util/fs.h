/* File-system helpers.  Functions that print their own error (naming the path and the cause)
 * say so; the others return -1 with errno set for the caller to report. */
#ifndef CTHAG_UTIL_FS_H
#define CTHAG_UTIL_FS_H

#include "util/strbuf.h"

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Append everything readable from fd to sb. -1 with errno set on failure. */
int fs_read_fd(int fd, struct strbuf *sb);
/* The same, but at most max bytes: -1 with errno EFBIG when fd holds more. */
int fs_read_fd_max(int fd, struct strbuf *sb, size_t max);
/* Append the whole file to sb. -1 with errno set on failure. */
int fs_read_file(const char *path, struct strbuf *sb);
/* A directory read with getdents64 into a buffer the caller owns and may reuse: no allocation
 * per directory (musl's opendir allocates a 2 KiB DIR, and each was an mmap and a munmap there)
 * and, with a large buffer, few system calls for a large directory. */
struct fs_dir {
    int fd;
    char *buf; /* 8-byte aligned */
    size_t size, pos, end;
};
/* Open name (relative to at) without following a symbolic link.  -1 with errno set. */
int fs_dir_open_at(struct fs_dir *d, int at, const char *name, char *buf, size_t size);
/* The next name in it, "." and ".." left out, valid until the next call; NULL at the end or
 * on an error. */
const char *fs_dir_next(struct fs_dir *d);
void fs_dir_close(struct fs_dir *d);
/* Replace path atomically by data: write path.tmp.<pid>, fsync, rename, fsync the directory.
 * Prints its error. */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* The same, silent: -1 with errno set. */
int fs_write_atomic_quietly(const char *path, const void *data, size_t len, mode_t mode);
/* The same without fsync: atomic while the system runs, not durable across a power cut (the
 * file may then be short): for what a reader checks whole and can do without.  Silent; -1 with
 * errno set. */
int fs_write_replace(const char *path, const void *data, size_t len, mode_t mode);
/* fsync a directory (so the names created or renamed in it survive a power cut). */
int fs_fsync_dir(const char *path);
/* fs_write_atomic() unless path already holds exactly these bytes (keeps cargo's mtimes).
 * 1 = written, 0 = unchanged, -1 = error printed. */
int fs_write_if_changed(const char *path, const void *data, size_t len);
/* mkdir with mode 0700 unless it exists.  -1 with errno set on failure. */
int fs_mkdir_private(const char *path);
/* mkdir -p: path and its missing parents, with mode.  -1 with errno set on failure. */
int fs_mkdir_parents(const char *path, mode_t mode);
/* Remove a file or a directory tree, never following symbolic links.  Missing is not an error.
 * Prints its error. */
int fs_remove_tree(const char *path);
/* Make dst name a complete copy of src, atomically: a hard link when possible, a copy when src
 * is on another file system.  Prints its error. */
int fs_install_file(const char *src, const char *dst, mode_t mode);
/* Make dst a separate copy of src, atomically (copy to a temporary name, rename).  Prints
 * its error. */
int fs_install_copy(const char *src, const char *dst, mode_t mode);
/* Byte-for-byte copy of src into a new file dst (which must not exist).  Prints its error. */
int fs_copy_file(const char *src, const char *dst, mode_t mode);

/* The first directory on PATH holding an executable name: 0 and the path in out, or -1 (out
 * empty).  An empty PATH entry is the current directory. */
int fs_which(const char *name, struct strbuf *out);

/* Remove the temporary files and directories (NAME.tmp.PID) in dir that start with prefix and
 * whose writer is dead: what a crash (or SIGKILL) in the middle of fs_write_atomic/install or a
 * build leaves. */
void fs_remove_stale_temps(const char *dir, const char *prefix);

/* Disk usage over a set of trees, counting every inode once. */
struct fs_usage {
    struct fs_inode *inodes;
    size_t count, alloc;
    uint64_t files;
};
#define FS_USAGE_INIT {NULL, 0, 0, 0}
/* Add a file or tree (symbolic links counted, not followed).  Missing is not an error. */
void fs_usage_add(struct fs_usage *usage, const char *path);
/* Bytes allocated to all the distinct files seen. */
uint64_t fs_usage_bytes(const struct fs_usage *usage);
/* Bytes that removing everything seen would free: files with no link outside the set. */
uint64_t fs_usage_freed(const struct fs_usage *usage);
void fs_usage_release(struct fs_usage *usage);

/* A file time (st_mtim, st_ctim) or a clock reading in ns. */
static inline long long fs_timespec_ns(const struct timespec *ts)
{
    return (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* "1.5 MiB" style size into buf. */
const char *fs_human_size(uint64_t bytes, char buf[32]);

#endif
