/* syscall(): getdents64 has no libc wrapper in older glibc and none by that name in musl. */
#define _DEFAULT_SOURCE
#include "util/fs.h"

#include "util/die.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int fs_read_fd(int fd, struct strbuf *sb)
{
    return fs_read_fd_max(fd, sb, SIZE_MAX);
}

/* Room to add when the buffer first fills: what is left of a small regular file and a byte to see
 * its end in (one allocation of about its size: a 64 KiB one per small file is an mmap and munmap
 * with musl's allocator), else 64 KiB.  `done` bytes of it are read already. */
static size_t first_growth(int fd, size_t done)
{
    struct stat st;
    if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size >= 0 && (size_t)st.st_size >= done &&
        (size_t)st.st_size - done < 65536)
        return (size_t)st.st_size - done + 1;
    return 65536;
}

int fs_read_fd_max(int fd, struct strbuf *sb, size_t max)
{
    size_t start = sb->len;
    int grown = 0;
    for (;;) {
        /* Reads go into the room there is first (a caller that knows the size reserves it: no
         * fstat then); when full, sb grows by what the file has left, later by 64 KiB at a time. */
        if (sb->len + 1 >= sb->alloc) {
            strbuf_grow(sb, grown ? 65536 : first_growth(fd, sb->len - start));
            grown = 1;
        }
        size_t room = sb->alloc - sb->len - 1;
        /* One byte past max is enough to know there is more. */
        if (sb->len - start + room > max && max < SIZE_MAX)
            room = max - (sb->len - start) + 1;
        ssize_t got = read(fd, sb->buf + sb->len, room);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            return 0;
        strbuf_setlen(sb, sb->len + (size_t)got);
        if (sb->len - start > max) {
            strbuf_setlen(sb, start + max);
            errno = EFBIG;
            return -1;
        }
    }
}

int fs_read_file(const char *path, struct strbuf *sb)
{
    int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC); /* musl's open() adds an fcntl */
    if (fd < 0)
        return -1;
    int result = fs_read_fd(fd, sb);
    int saved = errno;
    close(fd);
    errno = saved;
    return result;
}

int fs_dir_open_at(struct fs_dir *d, int at, const char *name, char *buf, size_t size)
{
    d->fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    d->buf = buf;
    d->size = size;
    d->pos = d->end = 0;
    return d->fd < 0 ? -1 : 0;
}

/* struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[]. */
#define DIRENT64_RECLEN 16
#define DIRENT64_NAME 19

const char *fs_dir_next(struct fs_dir *d)
{
    while (d->fd >= 0) {
        if (d->pos >= d->end) {
            long got = syscall(SYS_getdents64, d->fd, d->buf, d->size);
            if (got <= 0 || (size_t)got > d->size)
                return NULL;
            d->pos = 0;
            d->end = (size_t)got;
        }
        unsigned short reclen;
        if (d->end - d->pos <= DIRENT64_NAME)
            return NULL;
        memcpy(&reclen, d->buf + d->pos + DIRENT64_RECLEN, sizeof(reclen));
        if (reclen <= DIRENT64_NAME || reclen > d->end - d->pos)
            return NULL;
        const char *name = d->buf + d->pos + DIRENT64_NAME;
        d->pos += reclen;
        if (strcmp(name, ".") && strcmp(name, ".."))
            return name;
    }
    return NULL;
}

void fs_dir_close(struct fs_dir *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t done = write(fd, p, len);
        if (done < 0 && errno == EINTR)
            continue;
        if (done < 0)
            return -1;
        p += done;
        len -= (size_t)done;
    }
    return 0;
}

static void temp_name(struct strbuf *tmp, const char *path)
{
    strbuf_reset(tmp);
    strbuf_addf(tmp, "%s.tmp.%ld", path, (long)getpid());
}

int fs_fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int result = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return result;
}

/* The directory part of path ("." when it has none), into dir. */
static void parent_of(const char *path, struct strbuf *dir)
{
    const char *slash = strrchr(path, '/');
    strbuf_reset(dir);
    if (!slash)
        strbuf_addch(dir, '.');
    else
        strbuf_add(dir, path, slash == path ? 1 : (size_t)(slash - path));
}

/* Write a temporary file and rename it into place; durable: fsync the file and the directory. */
static int write_renamed(const char *path, const void *data, size_t len, mode_t mode, int durable)
{
    struct strbuf tmp = STRBUF_INIT;
    temp_name(&tmp, path);
    /* A leftover of a dead process with our pid (or anything planted there) is replaced. */
    unlink(tmp.buf);
    int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    int result = fd < 0 ? -1 : 0;
    /* fsync before rename: after a crash the name shows either the old or the complete new
     * file; fsync of the directory after it: the rename itself survives a power cut. */
    if (!result && (write_all(fd, data, len) || (durable && fsync(fd))))
        result = -1;
    if (fd >= 0 && close(fd))
        result = -1;
    if (!result && rename(tmp.buf, path))
        result = -1;
    int saved = errno;
    if (result) {
        unlink(tmp.buf);
    } else if (durable) {
        parent_of(path, &tmp);
        fs_fsync_dir(tmp.buf);
    }
    strbuf_release(&tmp);
    errno = saved;
    return result;
}

int fs_write_atomic_quietly(const char *path, const void *data, size_t len, mode_t mode)
{
    return write_renamed(path, data, len, mode, 1);
}

int fs_write_replace(const char *path, const void *data, size_t len, mode_t mode)
{
    return write_renamed(path, data, len, mode, 0);
}

int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
    if (fs_write_atomic_quietly(path, data, len, mode))
        return error("cannot write %s: %s", path, strerror(errno));
    return 0;
}

int fs_write_if_changed(const char *path, const void *data, size_t len)
{
    struct strbuf old = STRBUF_INIT;
    int same = !fs_read_file(path, &old) && old.len == len && !memcmp(old.buf, data, len);
    strbuf_release(&old);
    if (same)
        return 0;
    return fs_write_atomic(path, data, len, 0644) ? -1 : 1;
}

int fs_mkdir_private(const char *path)
{
    if (!mkdir(path, 0700))
        return 0;
    if (errno != EEXIST)
        return -1;
    struct stat st;
    if (lstat(path, &st))
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int fs_mkdir_parents(const char *path, mode_t mode)
{
    struct strbuf partial = STRBUF_INIT;
    int result = 0;
    for (const char *p = path; *p && !result; p++) {
        strbuf_addch(&partial, *p);
        if ((p[1] == '/' || !p[1]) && partial.len > 0 && mkdir(partial.buf, mode) &&
            errno != EEXIST)
            result = -1;
    }
    struct stat st;
    if (!result && (stat(path, &st) || !S_ISDIR(st.st_mode))) {
        errno = ENOTDIR;
        result = -1;
    }
    int saved = errno;
    strbuf_release(&partial);
    errno = saved;
    return result;
}

/* Visit every entry under the directory open as dirfd, children before their directory.
 * visit() gets the parent's fd, the entry's name and its lstat data. */
typedef int (*visit_fn)(int dirfd, const char *name, const struct stat *st, void *ctx);

static int walk_dir(int dirfd, const char *where, visit_fn visit, void *ctx)
{
    DIR *dir = fdopendir(dirfd);
    if (!dir) {
        close(dirfd);
        return error("cannot read directory %s: %s", where, strerror(errno));
    }
    int result = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
            continue; /* vanished meanwhile */
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0 || walk_dir(sub, de->d_name, visit, ctx))
                result = -1;
        }
        if (visit(dirfd, de->d_name, &st, ctx))
            result = -1;
    }
    closedir(dir);
    return result;
}

/* Walk path (file or tree) without following symbolic links, path itself last. */
static int walk_path(const char *path, visit_fn visit, void *ctx)
{
    struct stat st;
    if (lstat(path, &st))
        return errno == ENOENT ? 0 : error("cannot read %s: %s", path, strerror(errno));
    int result = 0;
    if (S_ISDIR(st.st_mode)) {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return error("cannot open %s: %s", path, strerror(errno));
        result = walk_dir(fd, path, visit, ctx);
    }
    if (visit(AT_FDCWD, path, &st, ctx))
        result = -1;
    return result;
}

static int remove_one(int dirfd, const char *name, const struct stat *st, void *ctx)
{
    (void)ctx;
    if (!unlinkat(dirfd, name, S_ISDIR(st->st_mode) ? AT_REMOVEDIR : 0) || errno == ENOENT)
        return 0;
    return error("cannot remove %s: %s", name, strerror(errno));
}

int fs_remove_tree(const char *path)
{
    return walk_path(path, remove_one, NULL);
}

int fs_copy_file(const char *src, const char *dst, mode_t mode)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return error("cannot read %s: %s", src, strerror(errno));
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (out < 0) {
        close(in);
        return error("cannot create %s: %s", dst, strerror(errno));
    }
    char buf[65536];
    ssize_t got;
    int result = 0;
    while ((got = read(in, buf, sizeof(buf))) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 || write_all(out, buf, (size_t)got)) {
            result = error("cannot copy %s to %s: %s", src, dst, strerror(errno));
            break;
        }
    }
    if (!result && fsync(out))
        result = error("cannot write %s: %s", dst, strerror(errno));
    if (close(out) && !result)
        result = error("cannot write %s: %s", dst, strerror(errno));
    close(in);
    if (result)
        unlink(dst);
    return result;
}

int fs_install_file(const char *src, const char *dst, mode_t mode)
{
    struct strbuf tmp = STRBUF_INIT;
    temp_name(&tmp, dst);
    unlink(tmp.buf);
    int result = 0;
    if (link(src, tmp.buf)) {
        if (errno != EXDEV && errno != EPERM && errno != EMLINK && errno != ENOTSUP)
            result = error("cannot link %s to %s: %s", src, tmp.buf, strerror(errno));
        else
            result = fs_copy_file(src, tmp.buf, mode);
    }
    if (!result && rename(tmp.buf, dst))
        result = error("cannot install %s: %s", dst, strerror(errno));
    /* rename() of two links to one file succeeds and changes nothing (POSIX): when dst already
     * was src, the temporary name is still there. */
    unlink(tmp.buf);
    strbuf_release(&tmp);
    return result;
}

/* The pid in "NAME.tmp.PID", or 0. */
static long temp_owner(const char *name)
{
    const char *tmp = strstr(name, ".tmp.");
    if (!tmp)
        return 0;
    char *end;
    long pid = strtol(tmp + 5, &end, 10);
    return *end || pid <= 0 ? 0 : pid;
}

void fs_remove_stale_temps(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t len = strlen(prefix);
    struct dirent *de;
    while ((de = readdir(d))) {
        long pid = temp_owner(de->d_name);
        if (!pid || strncmp(de->d_name, prefix, len))
            continue;
        if (kill((pid_t)pid, 0) && errno == ESRCH) {
            struct strbuf path = STRBUF_INIT;
            strbuf_addf(&path, "%s/%s", dir, de->d_name);
            if (unlink(path.buf) && errno == EISDIR)
                fs_remove_tree(path.buf); /* a build's private output directory */
            strbuf_release(&path);
        }
    }
    closedir(d);
}

int fs_install_copy(const char *src, const char *dst, mode_t mode)
{
    struct strbuf tmp = STRBUF_INIT;
    temp_name(&tmp, dst);
    unlink(tmp.buf);
    int result = fs_copy_file(src, tmp.buf, mode);
    if (!result && rename(tmp.buf, dst)) {
        result = error("cannot install %s: %s", dst, strerror(errno));
        unlink(tmp.buf);
    }
    strbuf_release(&tmp);
    return result;
}

struct fs_inode {
    dev_t dev;
    ino_t ino;
    nlink_t links;
    nlink_t seen;
    int is_dir;
    uint64_t bytes;
};

static size_t inode_slot(const struct fs_usage *u, dev_t dev, ino_t ino)
{
    size_t h = ((size_t)ino * 0x9E3779B97F4A7C15ull) ^ (size_t)dev;
    size_t i = h & (u->alloc - 1);
    while (u->inodes[i].links && (u->inodes[i].dev != dev || u->inodes[i].ino != ino))
        i = (i + 1) & (u->alloc - 1);
    return i;
}

static void usage_grow(struct fs_usage *u)
{
    struct fs_usage bigger = *u;
    bigger.alloc = u->alloc ? u->alloc * 2 : 256;
    bigger.inodes = xcalloc(bigger.alloc, sizeof(*bigger.inodes));
    for (size_t i = 0; i < u->alloc; i++)
        if (u->inodes[i].links)
            bigger.inodes[inode_slot(&bigger, u->inodes[i].dev, u->inodes[i].ino)] = u->inodes[i];
    free(u->inodes);
    *u = bigger;
}

static int count_one(int dirfd, const char *name, const struct stat *st, void *ctx)
{
    (void)dirfd;
    (void)name;
    struct fs_usage *u = ctx;
    if ((u->count + 1) * 2 > u->alloc)
        usage_grow(u);
    struct fs_inode *slot = &u->inodes[inode_slot(u, st->st_dev, st->st_ino)];
    if (!slot->links) {
        slot->dev = st->st_dev;
        slot->ino = st->st_ino;
        slot->links = st->st_nlink ? st->st_nlink : 1;
        slot->is_dir = S_ISDIR(st->st_mode);
        slot->bytes = (uint64_t)st->st_blocks * 512;
        u->count++;
        if (!S_ISDIR(st->st_mode))
            u->files++;
    }
    slot->seen++;
    return 0;
}

void fs_usage_add(struct fs_usage *usage, const char *path)
{
    walk_path(path, count_one, usage);
}

static uint64_t usage_sum(const struct fs_usage *u, int only_freed)
{
    uint64_t total = 0;
    for (size_t i = 0; i < u->alloc; i++) {
        const struct fs_inode *node = &u->inodes[i];
        /* A directory's link count includes its subdirectories' "..", so it is never shared. */
        if (node->links && (!only_freed || node->is_dir || node->seen >= node->links))
            total += node->bytes;
    }
    return total;
}

uint64_t fs_usage_bytes(const struct fs_usage *usage)
{
    return usage_sum(usage, 0);
}

uint64_t fs_usage_freed(const struct fs_usage *usage)
{
    return usage_sum(usage, 1);
}

void fs_usage_release(struct fs_usage *usage)
{
    free(usage->inodes);
    usage->inodes = NULL;
    usage->count = usage->alloc = 0;
    usage->files = 0;
}

const char *fs_human_size(uint64_t bytes, char buf[32])
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = (double)bytes;
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        unit++;
    }
    if (unit == 0)
        snprintf(buf, 32, "%llu B", (unsigned long long)bytes);
    else
        snprintf(buf, 32, "%.1f %s", value, units[unit]);
    return buf;
}

int fs_which(const char *name, struct strbuf *out)
{
    const char *path = getenv("PATH");
    while (path && *path) {
        size_t len = strcspn(path, ":");
        strbuf_reset(out);
        if (len)
            strbuf_add(out, path, len);
        else
            strbuf_addch(out, '.');
        strbuf_addch(out, '/');
        strbuf_addstr(out, name);
        if (!access(out->buf, X_OK))
            return 0;
        path += len + (path[len] == ':');
    }
    strbuf_reset(out);
    return -1;
}
