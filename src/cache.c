#include "cache.h"

#include "util/die.h"
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const subdirs[] = {"projects", "bins", "locks", NULL};

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
        strbuf_addf(root, "%s/cthag", dir);
    } else if ((dir = getenv("HOME")) && *dir) {
        strbuf_addf(root, "%s/.cache/cthag", dir);
    } else {
        return error("no cache directory: set CTHAG_CACHE_DIR or HOME");
    }
    while (root->len > 1 && root->buf[root->len - 1] == '/')
        strbuf_setlen(root, root->len - 1);
    return 0;
}

/* Why path cannot be trusted as a cache directory (it decides what cthag executes), appended
 * to why; 0 when it can. */
static int private_dir_problem(const char *path, struct strbuf *why)
{
    struct stat st;
    if (lstat(path, &st))
        strbuf_addf(why, "cache directory %s: %s", path, strerror(errno));
    else if (S_ISLNK(st.st_mode))
        strbuf_addf(why, "cache directory %s is a symbolic link; refusing to use it", path);
    else if (!S_ISDIR(st.st_mode))
        strbuf_addf(why, "cache directory %s is not a directory", path);
    else if (st.st_uid != geteuid())
        strbuf_addf(why, "cache directory %s is owned by uid %ld, not you; refusing to use it",
                    path, (long)st.st_uid);
    else if (st.st_mode & (S_IWGRP | S_IWOTH))
        strbuf_addf(why, "cache directory %s is writable by group or others (mode %03o); "
                    "refusing to use it (chmod go-w it)", path, (unsigned)(st.st_mode & 0777));
    return why->len ? -1 : 0;
}

int cache_check_private_dir(const char *path)
{
    struct strbuf why = STRBUF_INIT;
    int result = private_dir_problem(path, &why);
    if (result)
        error("%s", why.buf);
    strbuf_release(&why);
    return result;
}

int cache_check_private(const char *root, int report)
{
    struct strbuf path = STRBUF_INIT, why = STRBUF_INIT;
    int result = private_dir_problem(root, &why);
    for (const char *const *sub = subdirs; *sub && !result; sub++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", root, *sub);
        result = private_dir_problem(path.buf, &why);
    }
    if (result && report)
        error("%s", why.buf);
    strbuf_release(&path);
    strbuf_release(&why);
    return result;
}

/* mkdir -p for the root's parents (ordinary permissions) and the root itself (0700). */
static int make_root(const char *root)
{
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
    if (!result && fs_mkdir_private(root) && errno != ENOTDIR)
        result = error("cannot create cache directory %s: %s", root, strerror(errno));
    return result;
}

int cache_prepare(const char *root)
{
    if (make_root(root) || cache_check_private_dir(root))
        return -1;
    struct strbuf path = STRBUF_INIT;
    struct stat st;
    /* cargo creates target/; once it exists it must be as private as the rest. */
    strbuf_addf(&path, "%s/target", root);
    int result = lstat(path.buf, &st) ? 0 : cache_check_private_dir(path.buf);
    for (const char *const *sub = subdirs; *sub && !result; sub++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", root, *sub);
        if (fs_mkdir_private(path.buf) && errno != ENOTDIR)
            result = error("cannot create cache directory %s: %s", path.buf, strerror(errno));
        else
            result = cache_check_private_dir(path.buf);
    }
    strbuf_release(&path);
    return result;
}

void cache_sanitise_stem(const char *script_path, struct strbuf *stem)
{
    const char *base = strrchr(script_path, '/');
    base = base ? base + 1 : script_path;
    size_t len = strlen(base);
    if (len > 3 && !strcmp(base + len - 3, ".rs"))
        len -= 3;
    strbuf_reset(stem);
    for (size_t i = 0; i < len && stem->len < 40; i++) {
        unsigned char c = (unsigned char)base[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        int keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        /* One underscore for any run of other bytes (dashes, dots, UTF-8 sequences). */
        if (keep)
            strbuf_addch(stem, c);
        else if (!stem->len || stem->buf[stem->len - 1] != '_')
            strbuf_addch(stem, '_');
    }
    while (stem->len && stem->buf[stem->len - 1] == '_')
        strbuf_setlen(stem, stem->len - 1);
    if (!stem->len || !(stem->buf[0] >= 'a' && stem->buf[0] <= 'z')) {
        /* Crate names must start with a letter: 2fast -> s_2fast, _x -> s_x. */
        struct strbuf fixed = STRBUF_INIT;
        strbuf_addstr(&fixed, stem->len && stem->buf[0] == '_' ? "s" : "s_");
        strbuf_add(&fixed, stem->buf, stem->len);
        strbuf_release(stem);
        *stem = fixed;
        if (stem->len == 2)
            strbuf_setlen(stem, 1);
    }
}

void cache_entry_init(struct cache_entry *e, const char *root, const char *script_path,
                      const char *identity)
{
    char id[17];
    hash64_hex(identity, strlen(identity), id);
    memset(e, 0, sizeof(*e));
    strbuf_init(&e->root);
    strbuf_addstr(&e->root, root);
    cache_sanitise_stem(script_path, &e->stem);
    strbuf_addf(&e->name, "%s-%s", e->stem.buf, id);
    strbuf_addf(&e->package, "%s_%s", e->stem.buf, id);
    strbuf_addf(&e->project_dir, "%s/projects/%s", root, e->name.buf);
    strbuf_addf(&e->record_path, "%s/entry", e->project_dir.buf);
    strbuf_addf(&e->bin_path, "%s/bins/%s", root, e->name.buf);
    strbuf_addf(&e->lock_path, "%s/locks/%s", root, e->name.buf);
}

void cache_entry_release(struct cache_entry *e)
{
    strbuf_release(&e->root);
    strbuf_release(&e->name);
    strbuf_release(&e->stem);
    strbuf_release(&e->package);
    strbuf_release(&e->project_dir);
    strbuf_release(&e->record_path);
    strbuf_release(&e->bin_path);
    strbuf_release(&e->lock_path);
}

/* ---- entry records ---- */

/* Values are one line each: control bytes and '%' are written as %XX. */
static void add_escaped(struct strbuf *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == '%' || c == 0x7f)
            strbuf_addf(out, "%%%02X", c);
        else
            strbuf_addch(out, c);
    }
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode [p, end) into out (size bytes); -1 when it does not fit or is malformed. */
static int copy_unescaped(const char *p, const char *end, char *out, size_t size)
{
    size_t n = 0;
    while (p < end) {
        char c = *p++;
        if (c == '%') {
            if (end - p < 2 || hex_value(p[0]) < 0 || hex_value(p[1]) < 0)
                return -1;
            c = (char)(hex_value(p[0]) * 16 + hex_value(p[1]));
            p += 2;
        }
        if (n + 1 >= size || c == '\0')
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

static int parse_number(const char *p, const char *end, long long *out)
{
    char digits[32];
    size_t n = (size_t)(end - p);
    if (n == 0 || n >= sizeof(digits))
        return -1;
    memcpy(digits, p, n);
    digits[n] = '\0';
    char *stop;
    errno = 0;
    long long value = strtoll(digits, &stop, 10);
    if (errno || *stop)
        return -1;
    *out = value;
    return 0;
}

static int parse_record_field(struct entry_record *rec, const char *name, size_t name_len,
                              const char *value, const char *end)
{
#define FIELD(s) (name_len == sizeof(s) - 1 && !memcmp(name, s, name_len))
    long long number = 0;
    if (FIELD("key")) {
        if (end - value != HASH_HEX_LEN)
            return -1;
        memcpy(rec->key, value, HASH_HEX_LEN);
        rec->key[HASH_HEX_LEN] = '\0';
        return 0;
    }
    if (FIELD("source"))
        return copy_unescaped(value, end, rec->source, sizeof(rec->source));
    if (FIELD("opts"))
        return copy_unescaped(value, end, rec->opts, sizeof(rec->opts));
    if (FIELD("registry"))
        return copy_unescaped(value, end, rec->registry, sizeof(rec->registry));
    if (parse_number(value, end, &number))
        return FIELD("dev") || FIELD("ino") || FIELD("size") || FIELD("mtime") || FIELD("ctime")
                   ? -1
                   : 0;
    if (FIELD("dev"))
        rec->dev = (unsigned long long)number;
    else if (FIELD("ino"))
        rec->ino = (unsigned long long)number;
    else if (FIELD("size"))
        rec->size = (unsigned long long)number;
    else if (FIELD("mtime"))
        rec->mtime_ns = number;
    else if (FIELD("ctime"))
        rec->ctime_ns = number;
    else if (FIELD("built"))
        rec->built = number;
    else if (FIELD("used"))
        rec->used = number;
    else if (FIELD("bin-size"))
        rec->bin_size = (unsigned long long)number;
    return 0;
#undef FIELD
}

static const char record_magic[] = "cthag-entry " CACHE_FORMAT_VERSION "\n";

int entry_record_parse(const char *buf, size_t len, struct entry_record *rec)
{
    memset(rec, 0, sizeof(*rec));
    size_t magic = sizeof(record_magic) - 1;
    if (len < magic || memcmp(buf, record_magic, magic))
        return -1;
    const char *p = buf + magic, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return -1; /* a record always ends with a newline: anything else is torn */
        const char *space = memchr(p, ' ', (size_t)(nl - p));
        if (!space || parse_record_field(rec, p, (size_t)(space - p), space + 1, nl))
            return -1;
        p = nl + 1;
    }
    return rec->key[0] ? 0 : -1;
}

int entry_record_load(const char *path, struct entry_record *rec)
{
    char buf[12288];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    ssize_t got = read(fd, buf, sizeof(buf));
    close(fd);
    if (got <= 0 || (size_t)got == sizeof(buf))
        return -1;
    return entry_record_parse(buf, (size_t)got, rec);
}

int entry_record_store(const char *path, const struct entry_record *rec)
{
    struct strbuf out = STRBUF_INIT;
    strbuf_addstr(&out, record_magic);
    strbuf_addf(&out, "key %s\ndev %llu\nino %llu\nsize %llu\nmtime %lld\nctime %lld\n", rec->key,
                rec->dev, rec->ino, rec->size, rec->mtime_ns, rec->ctime_ns);
    strbuf_addf(&out, "built %lld\nused %lld\nbin-size %llu\n", rec->built, rec->used,
                rec->bin_size);
    const char *names[] = {"source", "opts", "registry"};
    const char *values[] = {rec->source, rec->opts, rec->registry};
    for (int i = 0; i < 3; i++) {
        strbuf_addf(&out, "%s ", names[i]);
        add_escaped(&out, values[i]);
        strbuf_addch(&out, '\n');
    }
    int result = fs_write_atomic(path, out.buf, out.len, 0644);
    strbuf_release(&out);
    return result;
}

static long long timespec_ns(const struct timespec *ts)
{
    return (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

void entry_record_set_stat(struct entry_record *rec, const struct stat *st)
{
    rec->dev = (unsigned long long)st->st_dev;
    rec->ino = (unsigned long long)st->st_ino;
    rec->size = (unsigned long long)st->st_size;
    rec->mtime_ns = timespec_ns(&st->st_mtim);
    rec->ctime_ns = timespec_ns(&st->st_ctim);
}

int entry_record_stat_matches(const struct entry_record *rec, const struct stat *st)
{
    return rec->dev == (unsigned long long)st->st_dev &&
           rec->ino == (unsigned long long)st->st_ino &&
           rec->size == (unsigned long long)st->st_size &&
           rec->mtime_ns == timespec_ns(&st->st_mtim) &&
           rec->ctime_ns == timespec_ns(&st->st_ctim);
}

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

/* Wait for the lock on fd: poll for a second before saying anything (most waits are short). */
static int wait_for_lock(int fd, const char *script_name)
{
    for (int tries = 0; tries < 50; tries++) {
        if (!try_lock(fd, 0))
            return 0;
        if (errno != EAGAIN && errno != EACCES)
            return -1;
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    if (isatty(STDERR_FILENO) && verbosity >= 0)
        fprintf(stderr, "cthag: waiting for another cthag building %s\n", script_name);
    return try_lock(fd, 1);
}

int cache_lock(const struct cache_entry *e, const char *script_name)
{
    for (;;) {
        int fd = open_lock_file(e->lock_path.buf);
        if (fd < 0)
            return -1;
        if (wait_for_lock(fd, script_name)) {
            error("cannot lock %s: %s", e->lock_path.buf, strerror(errno));
            close(fd);
            return -1;
        }
        if (still_current(fd, e->lock_path.buf))
            return fd;
        close(fd);
    }
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

/* Wait for one byte's lock: quietly for a second (most waits are short), then saying why. */
static int wait_for_byte(int fd, short type, off_t byte, const char *why)
{
    for (int tries = 0; tries < 50; tries++) {
        if (!lock_range(fd, type, byte, 1, 0))
            return 0;
        if (errno != EAGAIN && errno != EACCES)
            return -1;
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    if (isatty(STDERR_FILENO) && verbosity >= 0)
        fprintf(stderr, "cthag: %s\n", why);
    return lock_range(fd, type, byte, 1, 1);
}

int cache_lock_root(const char *root, int exclusive)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/lock", root);
    int fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    int result = fd < 0 ? -1 : 0;
    if (!result && exclusive)
        result = wait_for_byte(fd, F_WRLCK, ROOT_GATE, "waiting for another cthag cleaning the cache") ||
                 wait_for_byte(fd, F_WRLCK, ROOT_LOCK, "waiting for running builds to finish");
    else if (!result)
        result = wait_for_byte(fd, F_RDLCK, ROOT_GATE, "waiting for cthag --clean to finish") ||
                 lock_range(fd, F_RDLCK, ROOT_LOCK, 1, 1) || lock_range(fd, F_UNLCK, ROOT_GATE, 1, 0);
    if (result) {
        error("cannot lock %s: %s", path.buf, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    strbuf_release(&path);
    return fd;
}

int cache_prepare_locked(const char *root)
{
    if (cache_prepare(root))
        return -1;
    int fd = cache_lock_root(root, 0);
    /* A --clean all that held the lock meanwhile has removed the directories: make them again. */
    if (fd >= 0 && cache_prepare(root)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* ---- install ---- */

int cache_install(const struct cache_entry *e, const char *built)
{
    return fs_install_file(built, e->bin_path.buf, 0755);
}
