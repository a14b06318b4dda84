/* Linux first: O_PATH walks directories we may only search, not read. */
#define _GNU_SOURCE
#include "cache/root.h"

#include "cache/cache.h"
#include "cache/lock.h"
#include "util/die.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef O_PATH
#define O_PATH O_RDONLY /* an fd only to walk from and stat: Linux's O_PATH needs no read right */
#endif

static const char *const subdirs[] = {"projects", "bins", "locks", NULL};

static const char cachedir_tag[] =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by cthag (a Rust script runner).\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n";

/* "." and ".." components resolved, as the kernel would: "." dropped, ".." the parent of the
 * directory before it, as it really is (that directory must exist: it is resolved, symlinks
 * and all).  The walk that checks the root takes neither (CTHAG_CACHE_DIR=x/.. once said
 * "Symbolic link loop", after creating x). */
static int resolve_dots(struct strbuf *root)
{
    struct strbuf out = STRBUF_INIT;
    int result = 0;
    for (const char *p = root->buf; *p && !result;) {
        size_t len = strcspn(++p, "/");
        if (len == 2 && !strncmp(p, "..", 2)) {
            char *real = realpath(out.len ? out.buf : "/", NULL);
            if (!real)
                result = error("cache directory %s: cannot resolve %.*s/..: %s", root->buf,
                               (int)out.len, out.buf, strerror(errno));
            strbuf_reset(&out);
            strbuf_addstr(&out, real && strcmp(real, "/") ? real : "");
            char *slash = strrchr(out.buf, '/');
            strbuf_setlen(&out, slash ? (size_t)(slash - out.buf) : 0);
            free(real);
        } else if (len && !(len == 1 && *p == '.')) {
            strbuf_addch(&out, '/');
            strbuf_add(&out, p, len);
        }
        p += len;
    }
    if (!result) {
        strbuf_reset(root);
        strbuf_addstr(root, out.len ? out.buf : "/");
    }
    strbuf_release(&out);
    return result;
}

int cache_root(struct strbuf *root)
{
    const char *dir = getenv("CTHAG_CACHE_DIR");
    if (dir && *dir) {
        /* Absolute, so that cargo (given the target as a path) and records agree on it. */
        if (*dir != '/') {
            char cwd[4096];
            if (!getcwd(cwd, sizeof(cwd)))
                return error("CTHAG_CACHE_DIR=%s: cannot resolve it: %s", dir, strerror(errno));
            strbuf_addf(root, "%s/", cwd);
        }
        strbuf_addstr(root, dir);
    } else if ((dir = getenv("XDG_CACHE_HOME")) && *dir == '/') {
        strbuf_addstr(root, dir);
        strbuf_addstr(root, "/cthag");
    } else if ((dir = getenv("HOME")) && *dir) {
        strbuf_addstr(root, dir);
        strbuf_addstr(root, "/.cache/cthag");
    } else {
        return error("no cache directory: set CTHAG_CACHE_DIR or HOME");
    }
    while (root->len > 1 && root->buf[root->len - 1] == '/')
        strbuf_setlen(root, root->len - 1);
    return resolve_dots(root);
}

/* ---- trust ---- */

/* The colon-separated field i (0-based) of a passwd/group line, as [*start, *end). */
static int line_field(const char *line, int i, const char **start, const char **end)
{
    for (; i > 0; i--) {
        line = strchr(line, ':');
        if (!line)
            return -1;
        line++;
    }
    *start = line;
    *end = line + strcspn(line, ":\n");
    return 0;
}

static int field_is_number(const char *start, const char *end, unsigned long n)
{
    char digits[24];
    int len = snprintf(digits, sizeof(digits), "%lu", n);
    return end - start == len && !memcmp(start, digits, (size_t)len);
}

/* The next line of a file's text, or NULL at the end. */
static const char *next_line(const char *line)
{
    const char *nl = strchr(line, '\n');
    return nl && nl[1] ? nl + 1 : NULL;
}

/* No user but owner has gid as primary group; owner_name gets owner's login name. */
static int primary_members_ok(const char *passwd, gid_t gid, uid_t owner,
                              struct strbuf *owner_name)
{
    const char *start, *end;
    for (const char *line = passwd; line && *line; line = next_line(line)) {
        if (line_field(line, 2, &start, &end))
            continue;
        int is_owner = field_is_number(start, end, owner);
        if (is_owner) {
            strbuf_reset(owner_name);
            strbuf_add(owner_name, line, strcspn(line, ":"));
        }
        if (!is_owner && !line_field(line, 3, &start, &end) && field_is_number(start, end, gid))
            return 0;
    }
    return owner_name->len > 0;
}

/* Group gid exists and lists no supplementary member but owner_name. */
static int supplementary_members_ok(const char *group, gid_t gid, const char *owner_name)
{
    const char *start, *end;
    for (const char *line = group; line && *line; line = next_line(line)) {
        if (line_field(line, 2, &start, &end) || !field_is_number(start, end, gid) ||
            line_field(line, 3, &start, &end))
            continue;
        for (const char *m = start; m < end;) {
            size_t n = strcspn(m, ",\n");
            if (m + n > end)
                n = (size_t)(end - m);
            if (n && (n != strlen(owner_name) || memcmp(m, owner_name, n)))
                return 0;
            m += n + 1;
        }
        return 1;
    }
    return 0;
}

/* Debian's rule for user private groups: a group-writable directory is as safe as a private one
 * when the group's only member (primary or supplementary) is the directory's owner.  Read from
 * the files, as a static binary cannot load NSS modules; unsure means no. */
static int group_is_owners_alone(gid_t gid, uid_t owner)
{
    struct strbuf passwd = STRBUF_INIT, group = STRBUF_INIT, owner_name = STRBUF_INIT;
    int alone = !fs_read_file("/etc/passwd", &passwd) && !fs_read_file("/etc/group", &group) &&
                primary_members_ok(passwd.buf, gid, owner, &owner_name) &&
                supplementary_members_ok(group.buf, gid, owner_name.buf);
    strbuf_release(&passwd);
    strbuf_release(&group);
    strbuf_release(&owner_name);
    return alone;
}

/* The effective user, asked once: every component of the root's path is checked against it. */
static uid_t my_uid(void)
{
    static uid_t uid;
    static int known;
    if (!known) {
        uid = geteuid();
        known = 1;
    }
    return uid;
}

/* An ancestor of the root: nobody but the user and root may replace what is in it. */
static int ancestor_problem(const char *path, const struct stat *st, struct strbuf *why)
{
    uid_t me = my_uid();
    if (st->st_uid != me && st->st_uid != 0)
        strbuf_addf(why, "cache directory's parent %s is owned by uid %ld, not you or root; "
                    "anyone with its owner's rights could replace the cache", path,
                    (long)st->st_uid);
    else if ((st->st_mode & S_ISVTX) || !(st->st_mode & (S_IWGRP | S_IWOTH)))
        return 0;
    else if ((st->st_mode & S_IWOTH) ||
             !group_is_owners_alone(st->st_gid, st->st_uid))
        strbuf_addf(why, "cache directory's parent %s is writable by %s (mode %03o) and not "
                    "sticky: they could replace the cache", path,
                    st->st_mode & S_IWOTH ? "others" : "its group", (unsigned)(st->st_mode & 0777));
    return why->len ? -1 : 0;
}

/* The root or one of its subdirectories: the user's own and private. */
static int private_problem(const char *path, const struct stat *st, struct strbuf *why)
{
    if (S_ISLNK(st->st_mode))
        strbuf_addf(why, "cache directory %s is a symbolic link; refusing to use it", path);
    else if (!S_ISDIR(st->st_mode))
        strbuf_addf(why, "cache directory %s is not a directory", path);
    else if (st->st_uid != my_uid())
        strbuf_addf(why, "cache directory %s is owned by uid %ld, not you; refusing to use it",
                    path, (long)st->st_uid);
    else if (st->st_mode & (S_IWGRP | S_IWOTH))
        strbuf_addf(why, "cache directory %s is writable by group or others (mode %03o); "
                    "refusing to use it (chmod go-w it)", path, (unsigned)(st->st_mode & 0777));
    return why->len ? -1 : 0;
}

int cache_check_private_dir(const char *path)
{
    struct strbuf why = STRBUF_INIT;
    struct stat st;
    if (lstat(path, &st))
        strbuf_addf(&why, "cache directory %s: %s", path, strerror(errno));
    int result = why.len ? -1 : private_problem(path, &st, &why);
    if (result)
        error("%s", why.buf);
    strbuf_release(&why);
    return result;
}

/* Open one component below dirfd without following a symlink, and check it: the fd, or -1 with
 * the reason in why; an ancestor that is a symlink leaves why empty (errno ELOOP) for the
 * caller to resolve. */
static int open_component(int dirfd, const char *name, const char *path, int is_root,
                          struct strbuf *why)
{
    struct stat st;
    int fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int saved = errno;
        int exists = !fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW);
        if (exists && S_ISLNK(st.st_mode) && !is_root)
            errno = ELOOP;
        else if (exists && is_root)
            private_problem(path, &st, why);
        else
            strbuf_addf(why, "cache directory %s: %s", path, strerror(saved));
        return -1;
    }
    if (fstat(fd, &st))
        strbuf_addf(why, "cache directory %s: %s", path, strerror(errno));
    else if (is_root)
        private_problem(path, &st, why);
    else
        ancestor_problem(path, &st, why);
    if (why->len) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Walk an absolute path from "/", one checked component at a time; the last one is checked as
 * the root when is_root is set, else as one more ancestor. */
static int walk_path(const char *root, int is_root, struct strbuf *why)
{
    struct strbuf path = STRBUF_INIT, name = STRBUF_INIT;
    struct stat st;
    int fd = openat(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC); /* musl's open() adds an fcntl */
    if (fd < 0 || fstat(fd, &st) || ancestor_problem("/", &st, why)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    for (const char *p = root; *p && fd >= 0;) {
        while (*p == '/')
            p++;
        if (!*p)
            break; /* "/" itself: its check above is the whole walk */
        size_t len = strcspn(p, "/");
        strbuf_reset(&name);
        strbuf_add(&name, p, len);
        p += len;
        while (*p == '/')
            p++;
        strbuf_addch(&path, '/');
        strbuf_add(&path, name.buf, name.len);
        int next = -1;
        if (strcmp(name.buf, ".") && strcmp(name.buf, ".."))
            next = open_component(fd, name.buf, path.buf, is_root && !*p, why);
        else
            errno = ELOOP; /* resolved by the caller, as a symlink would be */
        close(fd);
        fd = next;
    }
    strbuf_release(&path);
    strbuf_release(&name);
    return fd;
}

/* The root's parents resolved (an ancestor may be a symlink: /home -> /usr/home), the root
 * itself not: a symlinked root is refused. */
static int resolve_parent(const char *root, struct strbuf *resolved)
{
    const char *slash = strrchr(root, '/');
    struct strbuf parent = STRBUF_INIT;
    strbuf_add(&parent, root, slash && slash != root ? (size_t)(slash - root) : 1);
    char *real = realpath(parent.buf, NULL);
    strbuf_release(&parent);
    if (!real)
        return -1;
    strbuf_addf(resolved, "%s/%s", strcmp(real, "/") ? real : "", slash ? slash + 1 : root);
    free(real);
    return 0;
}

static int walk_root(const char *root, struct strbuf *why)
{
    return walk_path(root, 1, why);
}

static int open_root_dir(const char *root, struct strbuf *why)
{
    if (!strcmp(root, "/")) {
        strbuf_addstr(why, "cache directory /: refusing to use the file system's root");
        return -1;
    }
    int fd = walk_root(root, why);
    if (fd < 0 && !why->len) {
        struct strbuf resolved = STRBUF_INIT;
        if (!resolve_parent(root, &resolved))
            fd = walk_root(resolved.buf, why);
        if (fd < 0 && !why->len)
            strbuf_addf(why, "cache directory %s: %s", root, strerror(errno));
        strbuf_release(&resolved);
    }
    return fd;
}

static int check_subdirs(int rootfd, const char *root, struct strbuf *why)
{
    struct strbuf path = STRBUF_INIT;
    struct stat st;
    for (const char *const *sub = subdirs; *sub && !why->len; sub++) {
        strbuf_reset(&path);
        strbuf_addstr(&path, root);
        strbuf_addch(&path, '/');
        strbuf_addstr(&path, *sub);
        if (fstatat(rootfd, *sub, &st, AT_SYMLINK_NOFOLLOW))
            strbuf_addf(why, "cache directory %s: %s", path.buf, strerror(errno));
        else
            private_problem(path.buf, &st, why);
    }
    strbuf_release(&path);
    return why->len ? -1 : 0;
}

int cache_open_root(const char *root, int report)
{
    struct strbuf why = STRBUF_INIT;
    int fd = open_root_dir(root, &why);
    if (fd >= 0 && check_subdirs(fd, root, &why)) {
        close(fd);
        fd = -1;
    }
    if (fd < 0 && report)
        error("%s", why.buf);
    strbuf_release(&why);
    return fd;
}

/* ---- creating and adopting a root ---- */

/* cthag's mark: CACHEDIR.TAG beginning with the standard signature and then cthag's own line,
 * as every release since roots were tagged wrote it.  The signature alone is not enough: cargo
 * writes one into every target/, and people add them to keep folders out of backups. */
static int has_tag(int rootfd)
{
    const char *second = strchr(cachedir_tag, '\n') + 1;
    size_t mark = (size_t)(strchr(second, '\n') + 1 - cachedir_tag);
    char buf[sizeof(cachedir_tag)];
    int fd = openat(rootfd, "CACHEDIR.TAG", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t got = read(fd, buf, mark);
    close(fd);
    return got == (ssize_t)mark && !memcmp(buf, cachedir_tag, mark);
}

/* Empty, or holding only the temporary tag of another cthag claiming it at this moment (it is
 * renamed into place before anything else is created). */
static int is_empty_dir(const char *root)
{
    static const char claiming[] = "CACHEDIR.TAG.tmp.";
    DIR *d = opendir(root);
    if (!d)
        return 0;
    struct dirent *de;
    int empty = 1;
    while (empty && (de = readdir(d)))
        empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
                !strncmp(de->d_name, claiming, sizeof(claiming) - 1);
    closedir(d);
    return empty;
}

static int write_tag(const char *root)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/CACHEDIR.TAG", root);
    int result = fs_write_atomic(path.buf, cachedir_tag, sizeof(cachedir_tag) - 1, 0644);
    strbuf_release(&path);
    return result;
}

/* A directory becomes a cthag root only when cthag made it or it was empty: never a directory
 * of the user's that happens to be named by CTHAG_CACHE_DIR, nor one that merely looks like a
 * cache (the roots of releases before the tag cannot be told from a user's projects/ and
 * target/, and are refused like any other). */
static int claim_root(int rootfd, const char *root)
{
    if (has_tag(rootfd))
        return 0;
    /* Not empty: unless another cthag claimed it between the two looks (its tag first, then
     * the subdirectories). */
    if (!is_empty_dir(root) && !has_tag(rootfd))
        return error("cache directory %s exists, is not empty and has no CACHEDIR.TAG of "
                     "cthag's: it is not a cthag cache; refusing to use it (point "
                     "CTHAG_CACHE_DIR at a new or empty directory)", root);
    return write_tag(root);
}

/* projects/, bins/, locks/ and target/, 0700 whatever the umask. */
static int make_subdirs(int rootfd, const char *root)
{
    static const char *const all[] = {"projects", "bins", "locks", "target", NULL};
    struct stat st;
    for (const char *const *sub = all; *sub; sub++) {
        if (mkdirat(rootfd, *sub, 0700) && errno != EEXIST)
            return error("cannot create cache directory %s/%s: %s", root, *sub, strerror(errno));
        /* cargo makes target/ with the umask's mode (0775 under umask 002): the root around it
         * is private, so it is ours to make private too. */
        if (!strcmp(*sub, "target") && !fstatat(rootfd, *sub, &st, AT_SYMLINK_NOFOLLOW) &&
            S_ISDIR(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 077))
            fchmodat(rootfd, *sub, 0700, 0);
    }
    return 0;
}

/* Before anything is created: the deepest existing directory above the root must be safe, so
 * that nothing of cthag's is ever made where others could replace it. */
static int check_existing_ancestors(const char *root)
{
    struct strbuf dir = STRBUF_INIT, why = STRBUF_INIT;
    struct stat st;
    strbuf_addstr(&dir, root);
    do {
        char *slash = strrchr(dir.buf, '/');
        strbuf_setlen(&dir, slash && slash != dir.buf ? (size_t)(slash - dir.buf) : 1);
    } while (dir.len > 1 && lstat(dir.buf, &st) && errno == ENOENT);
    int fd = walk_path(dir.buf, 0, &why);
    if (fd < 0 && !why.len) { /* an ancestor is a symlink: check where it leads */
        char *real = realpath(dir.buf, NULL);
        if (real)
            fd = walk_path(real, 0, &why);
        free(real);
    }
    if (fd < 0 && !why.len)
        strbuf_addf(&why, "cache directory %s: %s", dir.buf, strerror(errno));
    int result = fd < 0 ? error("%s", why.buf) : 0;
    if (fd >= 0)
        close(fd);
    strbuf_release(&dir);
    strbuf_release(&why);
    return result;
}

/* mkdir -p for the root's parents (ordinary permissions) and the root itself (0700). */
static int make_root(const char *root)
{
    if (check_existing_ancestors(root))
        return -1;
    struct strbuf parent = STRBUF_INIT;
    strbuf_addstr(&parent, root);
    char *slash = strrchr(parent.buf, '/');
    int result = 0;
    if (slash && slash != parent.buf) {
        strbuf_setlen(&parent, (size_t)(slash - parent.buf));
        if (fs_mkdir_parents(parent.buf, 0755))
            result = error("cannot create cache directory %s: %s", parent.buf, strerror(errno));
    }
    strbuf_release(&parent);
    if (!result && mkdir(root, 0700) && errno != EEXIST)
        result = error("cannot create cache directory %s: %s", root, strerror(errno));
    return result;
}

/* The root, made and claimed; with_subdirs: its directories too, made and checked (only under
 * the root lock while builds may run: a --clean all holding it removes them). */
static int prepare_root(const char *root, int with_subdirs)
{
    struct strbuf why = STRBUF_INIT;
    /* The owner's bits are cthag's to choose: 0700 (and the tag readable) under any umask, even
     * 0777, which would make the root mode 000; others' bits stay the umask's. */
    mode_t umask_was = umask(0);
    umask(umask_was & 077);
    int made = make_root(root);
    if (made) {
        umask(umask_was);
        return -1;
    }
    int fd = open_root_dir(root, &why);
    int result = fd < 0 ? error("%s", why.buf) : 0;
    if (!result)
        result = claim_root(fd, root) || (with_subdirs && make_subdirs(fd, root)) ? -1 : 0;
    if (with_subdirs)
        test_pause_point("subdirs-made");
    if (!result && with_subdirs && check_subdirs(fd, root, &why))
        result = error("%s", why.buf);
    umask(umask_was);
    if (fd >= 0)
        close(fd);
    strbuf_release(&why);
    return result;
}

int cache_prepare(const char *root)
{
    return prepare_root(root, 1);
}

int cache_check_root(const char *root)
{
    struct stat st;
    if (lstat(root, &st) && errno == ENOENT)
        return 1;
    struct strbuf why = STRBUF_INIT;
    int fd = open_root_dir(root, &why);
    int result = fd < 0 ? error("%s", why.buf) : 0;
    if (!result && !has_tag(fd))
        result = is_empty_dir(root) ? 1
                                    : error("%s has no CACHEDIR.TAG of cthag's: it is not a "
                                            "cthag cache; refusing to touch it", root);
    if (fd >= 0)
        close(fd);
    strbuf_release(&why);
    return result;
}

int cache_prepare_locked(const char *root)
{
    /* The root first (its lock file is in it), its directories once the lock is held: a
     * --clean all may be removing them until then (t45 saw "cache directory .../bins: No such
     * file or directory" when they were checked before the lock). */
    if (prepare_root(root, 0))
        return -1;
    int fd = cache_lock_root(root, 0);
    if (fd >= 0 && prepare_root(root, 1)) {
        close(fd);
        fd = -1;
    }
    return fd;
}
