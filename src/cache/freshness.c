/* Linux first: CLOCK_REALTIME_COARSE is the clock the kernel stamps files with. */
#define _GNU_SOURCE
#include "cache/freshness.h"

#include "cargo/depinfo.h"
#include "util/die.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The environment that changes what a build produces without appearing in any file. */
static const char *const tracked_env[] = {
    "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "RUSTC", "RUSTC_WRAPPER",
    "RUSTC_BOOTSTRAP", NULL,
};

/* ---- the clock, the racy rule, content ---- */

long long freshness_clock_now(void)
{
    struct timespec ts;
#ifdef CLOCK_REALTIME_COARSE
    if (!clock_gettime(CLOCK_REALTIME_COARSE, &ts))
        return fs_timespec_ns(&ts);
#endif
    clock_gettime(CLOCK_REALTIME, &ts);
    return fs_timespec_ns(&ts);
}

/* Linux 6.13's multigrain timestamps give a file written just after its stat data were read a
 * fine-grained mtime, which can be ahead of the coarse clock by up to a tick: a file written
 * before freshness_clock_now() could look written after it (and so racy, costing a rebuild).
 * Once the coarse clock has passed the fine clock of the moment, everything written before is
 * older than the stamp, and everything written after is not (whatever its granularity). */
long long freshness_clock_settled(void)
{
    struct timespec fine;
    if (clock_gettime(CLOCK_REALTIME, &fine))
        return freshness_clock_now();
    long long before = fs_timespec_ns(&fine), stamp = freshness_clock_now();
    for (int tries = 0; stamp <= before && tries < 50; tries++) {
        struct timespec pause = {0, 500 * 1000};
        nanosleep(&pause, NULL);
        stamp = freshness_clock_now();
    }
    return stamp;
}

/* Timestamps with no sub-second part come from a coarse file system (FAT: 2 s, ext4 with small
 * inodes, many network file systems: 1 s). */
static long long timestamp_granularity(const struct stat *st)
{
    return st->st_mtim.tv_nsec == 0 ? 2000000000LL : 0;
}

int freshness_stat_racy(const struct stat *st, long long stamp_ns)
{
    long long changed = fs_timespec_ns(&st->st_mtim);
    if (fs_timespec_ns(&st->st_ctim) > changed)
        changed = fs_timespec_ns(&st->st_ctim);
    return changed + timestamp_granularity(st) >= stamp_ns;
}

int freshness_hash_file(const char *path, char out[HASH_HEX_LEN + 1])
{
    struct strbuf content = STRBUF_INIT;
    if (fs_read_file(path, &content)) {
        int saved = errno;
        strbuf_release(&content);
        errno = saved;
        return -1;
    }
    struct hasher *h = hasher_new();
    hasher_add(h, content.buf, content.len);
    hasher_finish(h, out);
    strbuf_release(&content);
    return 0;
}

static int same_stat(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* ---- the environment ---- */

/* Set by cargo for rustc, or by cthag for the script: the same for every build of the entry. */
static int is_builder_variable(const char *name, size_t len)
{
    static const char *const prefixes[] = {"CARGO_", "CTHAG_SCRIPT_", "RUST_SCRIPT_", NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (len >= strlen(*p) && !strncmp(name, *p, strlen(*p)))
            return 1;
    return len == 7 && !strncmp(name, "OUT_DIR", 7);
}

static void add_env_value(struct entry_record *rec, const char *name, size_t len)
{
    struct strbuf entry = STRBUF_INIT;
    strbuf_add(&entry, name, len);
    for (size_t i = 0; i < rec->env.count; i++) {
        const char *have = rec->env.items[i];
        if (!strncmp(have, entry.buf, len) && (have[len] == '=' || !have[len])) {
            strbuf_release(&entry);
            return;
        }
    }
    const char *value = getenv(entry.buf);
    if (value)
        strbuf_addf(&entry, "=%s", value);
    strlist_add(&rec->env, entry.buf);
    strbuf_release(&entry);
}

void freshness_record_env(struct entry_record *rec, const struct strlist *env_deps)
{
    strlist_release(&rec->env);
    for (const char *const *name = tracked_env; *name; name++)
        add_env_value(rec, *name, strlen(*name));
    for (size_t i = 0; env_deps && i < env_deps->count; i++) {
        const char *dep = env_deps->items[i];
        size_t len = strcspn(dep, "=");
        if (len && !is_builder_variable(dep, len))
            add_env_value(rec, dep, len);
    }
}

/* The first recorded variable whose value is not the same now, or NULL. */
static const char *env_changed(const struct entry_record *rec)
{
    static struct strbuf name = STRBUF_INIT;
    for (size_t i = 0; i < rec->env.count; i++) {
        const char *entry = rec->env.items[i];
        const char *eq = strchr(entry, '=');
        strbuf_reset(&name);
        strbuf_add(&name, entry, eq ? (size_t)(eq - entry) : strlen(entry));
        const char *now = getenv(name.buf);
        if (eq ? !now || strcmp(now, eq + 1) : now != NULL)
            return name.buf;
    }
    return NULL;
}

/* ---- one input against the file now ---- */

enum input_state { INPUT_FRESH, INPUT_CHANGED, INPUT_RACY, INPUT_MISSING };

/* Compare an input with the file now (st gets its stat data). */
static enum input_state check_input(const struct record_input *in, long long stamp_ns,
                                    struct stat *st)
{
    if (stat(in->path, st))
        return INPUT_MISSING;
    if (in->dev != (unsigned long long)st->st_dev || in->ino != (unsigned long long)st->st_ino ||
        in->size != (unsigned long long)st->st_size ||
        in->mtime_ns != fs_timespec_ns(&st->st_mtim) ||
        in->ctime_ns != fs_timespec_ns(&st->st_ctim))
        return INPUT_CHANGED;
    if (!in->hash[0] || freshness_stat_racy(st, stamp_ns))
        return INPUT_RACY;
    return INPUT_FRESH;
}

int freshness_is_fresh(const struct entry_record *rec, const char **why)
{
    struct stat st;
    for (size_t i = 0; i < rec->ninputs; i++) {
        if (check_input(&rec->inputs[i], rec->stamp_ns, &st) != INPUT_FRESH) {
            if (why)
                *why = rec->inputs[i].path;
            return 0;
        }
    }
    const char *variable = env_changed(rec);
    if (variable && why)
        *why = variable;
    return variable == NULL;
}

/* ---- recording a build ---- */

void freshness_set_script(struct build_inputs *in, const char *path, const struct stat *st,
                          const char *text, size_t len)
{
    struct hasher *h = hasher_new();
    in->script = path;
    in->script_st = *st;
    hasher_add(h, text, len);
    hasher_finish(h, in->script_hash);
}

void freshness_before_build(struct build_inputs *in)
{
    in->stamp = freshness_clock_settled();
}

static int is_script(const struct build_inputs *in, const char *path)
{
    return in->script && !strcmp(path, in->script);
}

/* Files under the cache root are cthag's own (the generated project): not inputs to watch. */
static int is_cache_file(const struct build_inputs *in, const char *path)
{
    size_t len = in->entry->root.len;
    return !strncmp(path, in->entry->root.buf, len) && path[len] == '/';
}

/* A file the build read, hashed now.  Hash first, stat second: a change in between shows in
 * the stat data.  Its content is what the compiler read only if it has not changed since
 * before the build (its stat data are not racy against the stamp, or, for the script, they are
 * still those from before cthag read it and so is its content). */
static void add_built_input(const struct build_inputs *in, const char *file,
                            struct entry_record *rec)
{
    struct stat st;
    char hash[HASH_HEX_LEN + 1];
    int hashed = !freshness_hash_file(file, hash);
    if (stat(file, &st) || !S_ISREG(st.st_mode))
        return;
    int known = hashed && (is_script(in, file) ? same_stat(&st, &in->script_st) &&
                                                     !strcmp(hash, in->script_hash)
                                               : !freshness_stat_racy(&st, in->stamp));
    entry_record_add_input(rec, file, &st, known ? hash : NULL);
}

/* The env-dep lines of a rustc dep-info file into info. */
static void read_env_deps(const char *path, struct depinfo *info)
{
    struct strbuf text = STRBUF_INIT;
    struct depinfo one = DEPINFO_INIT;
    if (!fs_read_file(path, &text) && !depinfo_parse(text.buf, text.len, &one)) {
        strlist_release(&info->env);
        info->env = one.env;
        one.env = (struct strlist)STRLIST_INIT;
    }
    depinfo_release(&one);
    strbuf_release(&text);
}

/* rustc's own dep-info for the script's crate, which lists the environment variables
 * env!/option_env! read: deps/<bin>-<hash>.d in the shared target, beside the unit's executable,
 * which is the very file cargo copied into the entry's project (one inode: found by it, not by
 * the name, which entries of one stem share). */
static void read_rustc_depinfo(const struct build_inputs *in, const char *built,
                               struct depinfo *info)
{
    struct stat exe, st;
    const char *bin = strrchr(built, '/') + 1, *profile_end = bin - 1, *profile = profile_end;
    while (profile > built && profile[-1] != '/')
        profile--;
    if (stat(built, &exe))
        return;
    struct strbuf deps = STRBUF_INIT, path = STRBUF_INIT;
    strbuf_addf(&deps, "%s/target/%.*s/deps", in->entry->root.buf, (int)(profile_end - profile),
                profile);
    size_t len = strlen(bin);
    DIR *d = opendir(deps.buf);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strncmp(de->d_name, bin, len) || de->d_name[len] != '-' ||
            strlen(de->d_name + len + 1) != 16 || !hash_is_hex(de->d_name + len + 1, 16))
            continue;
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", deps.buf, de->d_name);
        if (stat(path.buf, &st) || st.st_dev != exe.st_dev || st.st_ino != exe.st_ino)
            continue;
        strbuf_addstr(&path, ".d");
        read_env_deps(path.buf, info);
        break;
    }
    if (d)
        closedir(d);
    strbuf_release(&deps);
    strbuf_release(&path);
}

/* The inputs of a finished build, from cargo's dep-info beside the executable (every file the
 * compiler read, path dependencies included) and rustc's (the env-dep lines).  The record's
 * stamp is taken before they are hashed. */
static void collect_inputs(const struct build_inputs *in, const char *built,
                           struct entry_record *rec)
{
    struct depinfo info = DEPINFO_INIT;
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    rec->stamp_ns = freshness_clock_now();
    if (in->script)
        add_built_input(in, in->script, rec);
    strbuf_addf(&path, "%s.d", built);
    if (fs_read_file(path.buf, &text) || depinfo_parse(text.buf, text.len, &info))
        note("%s: no dep-info at %s; only the script itself is watched", in->script_name,
             path.buf);
    read_rustc_depinfo(in, built, &info);
    for (size_t i = 0; i < info.files.count; i++) {
        const char *file = info.files.items[i];
        if (!is_script(in, file) && !is_cache_file(in, file))
            add_built_input(in, file, rec);
    }
    for (size_t i = 0; in->generated_env && i < in->generated_env->count; i++)
        strlist_add_unique(&info.env, in->generated_env->items[i]);
    freshness_record_env(rec, &info.env);
    depinfo_release(&info);
    strbuf_release(&path);
    strbuf_release(&text);
}

void freshness_record_build(const struct build_inputs *in, const char *built,
                            struct entry_record *rec)
{
    memset(rec, 0, sizeof(*rec));
    snprintf(rec->key, sizeof(rec->key), "%s", in->key);
    rec->built = rec->used = time(NULL);
    snprintf(rec->source, sizeof(rec->source), "%s", in->id->source);
    snprintf(rec->opts, sizeof(rec->opts), "%s", in->id->opts.buf);
    snprintf(rec->registry, sizeof(rec->registry), "%s", in->registry);
    collect_inputs(in, built, rec);
}

void freshness_record_file(const struct build_inputs *in, const char *path,
                           struct entry_record *rec)
{
    add_built_input(in, path, rec);
}

/* ---- re-checking ---- */

int freshness_open_executable(int dirfd, const char *path, const struct entry_record *rec)
{
    struct stat st;
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    /* The record vouches for one file: the one it was committed with. */
    if (fd >= 0 && (fstat(fd, &st) || st.st_ino != rec->bin_inode)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* The record, if it is there, whole, this entry's, and everything it lists unchanged. */
static int load_fresh_record(int rootfd, const struct cache_entry *e,
                             const struct entry_identity *id, const char *script_name,
                             struct entry_record *rec, struct stat *st)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addstr(&path, "projects/");
    strbuf_addstr(&path, e->name.buf);
    strbuf_addstr(&path, "/entry");
    int loaded = !entry_record_load_at(rootfd, path.buf, rec, st);
    strbuf_release(&path);
    const char *why = NULL;
    if (!loaded || !identity_owns_record(id, rec))
        return 0;
    if (!freshness_is_fresh(rec, &why)) {
        note("%s: %s changed since the last build (or is too recent to trust its stat data); "
             "checking its content", script_name, why);
        return 0;
    }
    return 1;
}

int freshness_open_cached(int rootfd, const struct cache_entry *e, const struct entry_identity *id,
                          const char *script_name, struct entry_record *rec,
                          struct stat *record_st)
{
    if (!load_fresh_record(rootfd, e, id, script_name, rec, record_st))
        return -1;
    struct strbuf path = STRBUF_INIT;
    strbuf_addstr(&path, "bins/");
    strbuf_addstr(&path, e->name.buf);
    int fd = freshness_open_executable(rootfd, path.buf, rec);
    strbuf_release(&path);
    return fd;
}

/* A stamp for a record whose stat data of the script are trusted from now on: the clock, once
 * it has moved past the script's last change (a few ms at most on a fine-grained file system;
 * not waited for on a coarse one, whose entry simply stays racy until its tick has passed). */
static long long stamp_after(const struct stat *st)
{
    for (int tries = 0; tries < 20 && freshness_stat_racy(st, freshness_clock_now()); tries++) {
        if (st->st_mtim.tv_nsec == 0)
            break;
        struct timespec pause = {0, 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    return freshness_clock_now();
}

/* The script as it is now (hashed first, stat second) is the one cthag read: its stat data can
 * go into the record. */
static int script_still_read(const struct build_inputs *in, struct stat *st)
{
    char hash[HASH_HEX_LEN + 1];
    return !freshness_hash_file(in->script, hash) && !strcmp(hash, in->script_hash) &&
           !stat(in->script, st) && same_stat(st, &in->script_st);
}

/* Everything the last build read, unchanged?  Inputs whose stat data differ, or are racy, are
 * re-hashed after a new stamp is taken: the same content only refreshes their stat data in rec,
 * a different one means a rebuild.  Returns 1 when nothing really changed. */
static int inputs_unchanged(const struct build_inputs *in, struct entry_record *rec)
{
    struct stat st;
    char hash[HASH_HEX_LEN + 1];
    if (env_changed(rec))
        return 0;
    long long stamp = stamp_after(&in->script_st);
    for (size_t i = 0; i < rec->ninputs; i++) {
        struct record_input *input = &rec->inputs[i];
        if (is_script(in, input->path)) {
            /* The key matched, so the content did; its stat data are trusted if unchanged. */
            if (script_still_read(in, &st))
                record_input_update(input, &st, in->script_hash);
            else
                record_input_update(input, &in->script_st, NULL);
            continue;
        }
        enum input_state state = check_input(input, rec->stamp_ns, &st);
        if (state == INPUT_FRESH)
            continue;
        if (state == INPUT_MISSING || !input->hash[0] || freshness_hash_file(input->path, hash) ||
            strcmp(hash, input->hash))
            return 0;
        record_input_update(input, &st, hash);
    }
    rec->stamp_ns = stamp;
    return 1;
}

int freshness_reuse(const struct build_inputs *in)
{
    struct entry_record rec;
    struct stat record_st;
    const struct cache_entry *e = in->entry;
    int fd = -1;
    if (!entry_record_load_at(AT_FDCWD, e->record_path.buf, &rec, &record_st) &&
        identity_owns_record(in->id, &rec) && !strcmp(rec.key, in->key) &&
        inputs_unchanged(in, &rec))
        fd = freshness_open_executable(AT_FDCWD, e->bin_path.buf, &rec);
    if (fd >= 0) {
        note("%s: content unchanged (key %s); not rebuilding", in->script_name, in->key);
        cache_refresh_record(e, &rec, &record_st);
    }
    entry_record_release(&rec);
    return fd;
}
