#include "cache/cache.h"

#include "util/die.h"
#include "util/fs.h"
#include "util/hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A last-used time older than this is refreshed on a cached run (like go's build cache). */
#define USED_TIME_RESOLUTION 3600

/* ---- entries ---- */

int cache_is_entry_name(const char *name)
{
    size_t len = strlen(name);
    return len >= 18 && name[len - 17] == '-' && hash_is_hex(name + len - 16, 16);
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

void cache_package_name(const char *entry_name, struct strbuf *package)
{
    strbuf_reset(package);
    strbuf_addstr(package, entry_name);
    char *dash = strrchr(package->buf, '-');
    if (dash)
        *dash = '_';
}

void cache_bin_name(const char *stem, struct strbuf *bin)
{
    static const char *const cargos[] = {"build", "deps", "examples", "incremental", NULL};
    strbuf_reset(bin);
    strbuf_addstr(bin, stem);
    for (const char *const *name = cargos; *name; name++)
        if (!strcmp(stem, *name))
            strbuf_addstr(bin, "_rs");
}

static void entry_path(struct strbuf *path, const char *a, const char *b, const char *c)
{
    strbuf_grow(path, strlen(a) + strlen(b) + strlen(c)); /* one allocation, not a growing one */
    strbuf_addstr(path, a);
    strbuf_addstr(path, b);
    strbuf_addstr(path, c);
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
    strbuf_add(&e->name, e->stem.buf, e->stem.len);
    strbuf_addch(&e->name, '-');
    strbuf_addstr(&e->name, id);
    cache_package_name(e->name.buf, &e->package);
    /* Plain appends, not strbuf_addf: this is on every cached run. */
    entry_path(&e->project_dir, root, "/projects/", e->name.buf);
    entry_path(&e->record_path, e->project_dir.buf, "/entry", "");
    entry_path(&e->bin_path, root, "/bins/", e->name.buf);
    entry_path(&e->lock_path, root, "/locks/", e->name.buf);
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

/* ---- the project, the commit and record refreshes ---- */

/* Unless it holds these bytes already (cargo's mtimes kept).  Not fsync'ed: a project file is
 * written again before every build that reads it, and no record vouches for it (an fsync cost a
 * new entry 2-10 ms). */
static int write_project_file(const struct cache_entry *e, const char *name, const char *data,
                              size_t len)
{
    struct strbuf path = STRBUF_INIT, old = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", e->project_dir.buf, name);
    int result = 0;
    if ((fs_read_file(path.buf, &old) || old.len != len || memcmp(old.buf, data, len)) &&
        fs_write_replace(path.buf, data, len, 0644))
        result = error("cannot write %s: %s", path.buf, strerror(errno));
    strbuf_release(&path);
    strbuf_release(&old);
    return result;
}

static void remove_project_file(const struct cache_entry *e, const char *name)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", e->project_dir.buf, name);
    unlink(path.buf);
    strbuf_release(&path);
}

int cache_write_project(const struct cache_entry *e, const char *manifest, size_t manifest_len,
                        const char *source_name, const char *code, size_t code_len,
                        int new_registry)
{
    struct strbuf generated = STRBUF_INIT;
    strbuf_addf(&generated, "%s.rs", e->stem.buf);
    int result = 0;
    if (fs_mkdir_private(e->project_dir.buf)) /* never a symlink planted in its place */
        result = error("cannot create %s: %s", e->project_dir.buf, strerror(errno));
    else if (source_name)
        result = write_project_file(e, source_name, code, code_len);
    else
        remove_project_file(e, generated.buf); /* compiled in place now */
    if (!result)
        result = write_project_file(e, "Cargo.toml", manifest, manifest_len);
    /* Cargo.lock pins versions found in one registry; another registry may not have them. */
    if (!result && new_registry)
        remove_project_file(e, "Cargo.lock");
    strbuf_release(&generated);
    return result;
}

void cache_remove_stale_temps(const struct cache_entry *e)
{
    struct strbuf bins = STRBUF_INIT;
    strbuf_addf(&bins, "%s/bins", e->root.buf);
    fs_remove_stale_temps(e->project_dir.buf, "");
    fs_remove_stale_temps(bins.buf, e->name.buf);
    strbuf_release(&bins);
}

void cache_drop_artifacts(const struct cache_entry *e, const char *built)
{
    size_t len = e->project_dir.len;
    if (strncmp(built, e->project_dir.buf, len) || strncmp(built + len, "/target/", 8))
        return;
    struct strbuf path = STRBUF_INIT;
    const char *bin = strrchr(built, '/');
    unlink(built);
    strbuf_addf(&path, "%s.d", built);
    unlink(path.buf);
    strbuf_reset(&path);
    strbuf_add(&path, built, (size_t)(bin - built));
    size_t profile = path.len;
    strbuf_addstr(&path, "/.cargo-lock");
    unlink(path.buf);
    strbuf_setlen(&path, profile);
    strbuf_addstr(&path, "/examples");
    rmdir(path.buf);
    strbuf_setlen(&path, profile);
    rmdir(path.buf);
    strbuf_reset(&path);
    strbuf_addf(&path, "%s/target/CACHEDIR.TAG", e->project_dir.buf);
    unlink(path.buf);
    strbuf_setlen(&path, path.len - strlen("/CACHEDIR.TAG"));
    if (rmdir(path.buf) && errno == ENOTEMPTY) {
        /* something else lives there: cargo's tag stays with it */
        strbuf_addstr(&path, "/CACHEDIR.TAG");
        fs_write_atomic_quietly(path.buf, "Signature: 8a477f597d28d172789f06886806bc55\n", 44,
                                0644);
    }
    strbuf_release(&path);
}

void cache_forget_fingerprint(const struct cache_entry *e)
{
    static const char *const profiles[] = {"debug", "release", NULL};
    struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT;
    for (const char *const *profile = profiles; *profile; profile++) {
        strbuf_reset(&dir);
        strbuf_addf(&dir, "%s/target/%s/.fingerprint", e->root.buf, *profile);
        DIR *d = opendir(dir.buf);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (strncmp(de->d_name, e->package.buf, e->package.len) ||
                de->d_name[e->package.len] != '-')
                continue;
            strbuf_reset(&path);
            strbuf_addf(&path, "%s/%s", dir.buf, de->d_name);
            fs_remove_tree(path.buf);
        }
        if (d)
            closedir(d);
    }
    strbuf_release(&dir);
    strbuf_release(&path);
}

/* fsync the installed executable and the directory naming it; its inode and size go into the
 * record, which vouches for exactly that file. */
static int sync_executable(const struct cache_entry *e, struct entry_record *rec)
{
    struct stat st;
    int fd = open(e->bin_path.buf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) || fsync(fd)) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        return error("cannot write %s: %s", e->bin_path.buf, strerror(saved));
    }
    close(fd);
    rec->bin_inode = (unsigned long long)st.st_ino;
    rec->bin_size = (unsigned long long)st.st_size;
    struct strbuf bins = STRBUF_INIT;
    strbuf_addf(&bins, "%s/bins", e->root.buf);
    fs_fsync_dir(bins.buf);
    strbuf_release(&bins);
    return 0;
}

int cache_commit_install(const struct cache_entry *e, const char *built, struct entry_record *rec)
{
    /* Record out first: a crash between the install and the new record must leave no record
     * rather than the old record beside the new executable. */
    if (unlink(e->record_path.buf) && errno != ENOENT)
        return error("cannot remove %s: %s", e->record_path.buf, strerror(errno));
    return fs_install_file(built, e->bin_path.buf, 0755) || sync_executable(e, rec) ? -1 : 0;
}

int cache_commit_record(const struct cache_entry *e, const struct entry_record *rec)
{
    test_crash_point("installed");
    int result = entry_record_store(e->record_path.buf, rec, 0);
    test_crash_point("recorded");
    return result;
}

int cache_commit(const struct cache_entry *e, const char *built, struct entry_record *rec)
{
    return cache_commit_install(e, built, rec) ? -1 : cache_commit_record(e, rec);
}

/* Is the record file at the entry's path still the one whose stat data were taken at load? */
static int record_unchanged(const struct cache_entry *e, const struct stat *loaded)
{
    struct stat now;
    return !lstat(e->record_path.buf, &now) && now.st_dev == loaded->st_dev &&
           now.st_ino == loaded->st_ino && now.st_size == loaded->st_size &&
           now.st_mtim.tv_sec == loaded->st_mtim.tv_sec &&
           now.st_mtim.tv_nsec == loaded->st_mtim.tv_nsec;
}

void cache_refresh_record(const struct cache_entry *e, const struct entry_record *rec,
                          const struct stat *loaded)
{
    test_pause_point("refresh");
    int lock = cache_trylock_path(e->lock_path.buf);
    if (lock < 0)
        return; /* busy (a build will write a newer record) or read-only: best effort */
    if (record_unchanged(e, loaded))
        entry_record_store(e->record_path.buf, rec, 1);
    cache_unlock(lock);
}

void cache_note_used(const struct cache_entry *e, struct entry_record *rec,
                     const struct stat *loaded)
{
    time_t now = time(NULL);
    if (now - rec->used < USED_TIME_RESOLUTION)
        return;
    rec->used = now;
    cache_refresh_record(e, rec, loaded);
}

void cache_drop_record(const struct cache_entry *e, const struct stat *loaded)
{
    int lock = cache_lock(e, e->name.buf);
    if (lock < 0)
        return;
    if (record_unchanged(e, loaded))
        unlink(e->record_path.buf);
    cache_unlock(lock);
}
