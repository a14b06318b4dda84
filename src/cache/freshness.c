/* Linux first: CLOCK_REALTIME_COARSE is the clock the kernel stamps files with. */
#define _GNU_SOURCE
#include "cache/freshness.h"

#include "cache/buildenv.h"
#include "cache/freshness_internal.h"
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
 * inodes, many network file systems: 1 s).  Judged per timestamp: an mtime from an archive
 * (tar, cp -p) is whole seconds on any file system, while the kernel's ctime beside it is not;
 * and FAT's "ctime" is the creation time, finer than its 2-second mtime. */
static long long granularity(const struct timespec *ts)
{
    return ts->tv_nsec == 0 ? 2000000000LL : 0;
}

/* A timestamp further ahead of the clock than this comes from a clock ahead of ours (an archive
 * or a file server from a machine ahead, a touch -d): it is no evidence of a change within the
 * stamp's tick.  Such a file is judged by its content once, then trusted by its stat data (a
 * change to it still changes its ctime, which the kernel sets from our clock). */
#define FUTURE_MARGIN_NS 2000000000LL

int freshness_stat_racy(const struct stat *st, long long stamp_ns)
{
    const struct timespec *times[2] = {&st->st_mtim, &st->st_ctim};
    long long future = 0;
    for (int i = 0; i < 2; i++) {
        long long t = fs_timespec_ns(times[i]);
        if (t + granularity(times[i]) < stamp_ns)
            continue;
        if (!future)
            future = freshness_clock_now() + FUTURE_MARGIN_NS;
        if (t <= future)
            return 1;
    }
    return 0;
}

int freshness_hash_file(const char *path, char out[HASH_HEX_LEN + 1])
{
    return hash_file(path, out);
}

int freshness_same_stat(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* ---- the environment ---- */

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

/* What the record says besides its files: never fresh (uncacheable), the build configuration
 * of the environment, each declared variable.  The reason, or NULL when all still hold. */
const char *freshness_settings_changed(const struct entry_record *rec)
{
    if (rec->uncacheable)
        return rec->uncacheable;
    char config[HASH_HEX_LEN + 1];
    buildenv_config_hash(config);
    if (strcmp(config, rec->config))
        return "the build configuration in the environment (CARGO_*, RUSTFLAGS, the toolchain)";
    return env_changed(rec);
}

/* ---- one input against the file now ---- */

int freshness_input_has_stat(const struct record_input *in, const struct stat *st)
{
    return in->dev == (unsigned long long)st->st_dev && in->ino == (unsigned long long)st->st_ino &&
           in->size == (unsigned long long)st->st_size &&
           in->mtime_ns == fs_timespec_ns(&st->st_mtim) &&
           in->ctime_ns == fs_timespec_ns(&st->st_ctim);
}

enum input_state freshness_check_input(const struct record_input *in, long long stamp_ns,
                                       struct stat *st)
{
    if (stat(in->path, st)) {
        if (in->kind == INPUT_ABSENT && (errno == ENOENT || errno == ENOTDIR))
            return INPUT_FRESH;
        return in->kind == INPUT_ABSENT ? INPUT_CHANGED : INPUT_MISSING;
    }
    if (in->kind == INPUT_ABSENT || !freshness_input_has_stat(in, st))
        return INPUT_CHANGED;
    if (in->kind == INPUT_CONTENT && (!in->hash[0] || freshness_stat_racy(st, stamp_ns)))
        return INPUT_RACY;
    return INPUT_FRESH;
}

int freshness_is_fresh(const struct entry_record *rec, const char **why)
{
    struct stat st;
    const char *setting = freshness_settings_changed(rec);
    if (setting) {
        if (why)
            *why = setting;
        return 0;
    }
    for (size_t i = 0; i < rec->ninputs; i++) {
        if (freshness_check_input(&rec->inputs[i], rec->stamp_ns, &st) != INPUT_FRESH) {
            if (why)
                *why = rec->inputs[i].path;
            return 0;
        }
    }
    return 1;
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
    if (!identity_registry_ok(id, rec)) {
        note("%s: built for the registry %s; not for this one", script_name,
             rec->registry[0] ? rec->registry : "crates.io");
        return 0;
    }
    if (rec->uncacheable) {
        note("%s: built on every run: %s", script_name, rec->uncacheable);
        return 0;
    }
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

void freshness_hash_text(const char *text, size_t len, char out[HASH_HEX_LEN + 1])
{
    struct hasher *h = hasher_new();
    hasher_add(h, text, len);
    hasher_finish(h, out);
}

int freshness_same_content(const struct record_input *in, enum input_state state)
{
    char hash[HASH_HEX_LEN + 1];
    return in->kind == INPUT_CONTENT && state != INPUT_MISSING && in->hash[0] &&
           !freshness_hash_file(in->path, hash) && !strcmp(hash, in->hash);
}

static int is_script(const struct build_inputs *in, const struct record_input *input)
{
    return in->script && input->kind == INPUT_CONTENT && !strcmp(input->path, in->script);
}

/* The script as it is now (hashed first, stat second) is the one cthag read: its stat data can
 * go into the record. */
static int script_still_read(const struct build_inputs *in, struct stat *st)
{
    char hash[HASH_HEX_LEN + 1];
    return !freshness_hash_file(in->script, hash) && !strcmp(hash, in->script_hash) &&
           !stat(in->script, st) && freshness_same_stat(st, &in->script_st);
}

/* Everything the last build read, unchanged?  Inputs whose stat data differ, or are racy, are
 * re-hashed after a new stamp is taken: the same content only refreshes their stat data in rec,
 * a different one means a rebuild.  Returns 1 when nothing really changed. */
static int inputs_unchanged(const struct build_inputs *in, struct entry_record *rec)
{
    struct stat st;
    if (freshness_settings_changed(rec))
        return 0;
    long long stamp = stamp_after(&in->script_st);
    for (size_t i = 0; i < rec->ninputs; i++) {
        struct record_input *input = &rec->inputs[i];
        if (is_script(in, input)) {
            /* The key matched, so the content did; its stat data are trusted if unchanged. */
            if (script_still_read(in, &st))
                record_input_update(input, &st, in->script_hash);
            else
                record_input_update(input, &in->script_st, NULL);
            continue;
        }
        enum input_state state = freshness_check_input(input, rec->stamp_ns, &st);
        if (state == INPUT_FRESH)
            continue;
        if (!freshness_same_content(input, state))
            return 0;
        char hash[HASH_HEX_LEN + 1];
        memcpy(hash, input->hash, sizeof(hash));
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

/* ---- what changed ---- */

/* The generated manifest, its lock and the registry as the record has them. */
static int project_unchanged(const struct build_inputs *in, const struct entry_record *rec)
{
    char hash[HASH_HEX_LEN + 1];
    struct strbuf lock = STRBUF_INIT;
    int same = in->manifest && !strcmp(rec->registry, in->registry);
    if (same) {
        freshness_hash_text(in->manifest, strlen(in->manifest), hash);
        same = !strcmp(hash, rec->manifest);
    }
    strbuf_addf(&lock, "%s/Cargo.lock", in->entry->project_dir.buf);
    if (same && freshness_hash_file(lock.buf, hash))
        hash[0] = '\0';
    same = same && !strcmp(hash, rec->lock);
    strbuf_release(&lock);
    return same;
}

enum freshness_change freshness_classify(const struct build_inputs *in,
                                         const struct entry_record *rec)
{
    struct stat st;
    if (!identity_owns_record(in->id, rec) || freshness_settings_changed(rec) ||
        !project_unchanged(in, rec))
        return CHANGED_MORE;
    int script_changed = 0;
    for (size_t i = 0; i < rec->ninputs; i++) {
        const struct record_input *input = &rec->inputs[i];
        enum input_state state = freshness_check_input(input, rec->stamp_ns, &st);
        if (state == INPUT_FRESH || freshness_same_content(input, state))
            continue;
        if (input->kind != INPUT_CONTENT || input->group == RECORD_CONFIG_GROUP ||
            strcmp(rec->units.items[input->group - 1], "script"))
            return CHANGED_MORE;
        script_changed = 1;
    }
    return script_changed ? CHANGED_SCRIPT_ONLY : CHANGED_NOTHING;
}
