/* flock(): cargo guards each profile directory with a BSD lock on .cargo-lock, and --gc --deep
 * must not sweep while a cargo is building there. */
#define _DEFAULT_SOURCE
#include "cachegc.h"

#include "cache.h"
#include "config.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/strlist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define SECONDS_PER_DAY 86400

struct gc_entry {
    char *name;           /* <stem>-<id> */
    struct entry_record rec;
    int has_rec;
    int script_exists;    /* 1, 0, or -1 when the entry is keyed by content */
    long long used;       /* last use, or the project's mtime when there is no record */
    uint64_t bytes;       /* what removing the entry frees */
    int removed;
};

struct gc_list {
    struct gc_entry *items;
    size_t count, alloc;
};

/* The entry's package name in the shared target: <stem>_<id> for <stem>-<id>. */
static void package_of(const char *name, struct strbuf *package)
{
    strbuf_reset(package);
    strbuf_addstr(package, name);
    char *dash = strrchr(package->buf, '-');
    if (dash)
        *dash = '_';
}

static int is_artifact_of(const char *file, const char *package, size_t len)
{
    if (strncmp(file, package, len))
        return 0;
    return file[len] == '\0' || file[len] == '-' || !strcmp(file + len, ".d");
}

/* Every path in the shared target that belongs to package: <profile>/P, <profile>/P.d and
 * P-<hash>* under deps/, .fingerprint/, build/, incremental/, examples/. */
static void list_artifacts(const char *root, const char *package, struct strlist *paths)
{
    static const char *const subdirs[] = {"", "/deps", "/.fingerprint", "/build", "/incremental",
                                          "/examples", NULL};
    struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT, target = STRBUF_INIT;
    strbuf_addf(&target, "%s/target", root);
    DIR *profiles = opendir(target.buf);
    struct dirent *profile;
    size_t len = strlen(package);
    while (profiles && (profile = readdir(profiles))) {
        if (profile->d_name[0] == '.')
            continue;
        for (const char *const *sub = subdirs; *sub; sub++) {
            strbuf_reset(&dir);
            strbuf_addf(&dir, "%s/%s%s", target.buf, profile->d_name, *sub);
            DIR *d = opendir(dir.buf);
            struct dirent *de;
            while (d && (de = readdir(d))) {
                if (!is_artifact_of(de->d_name, package, len))
                    continue;
                strbuf_reset(&path);
                strbuf_addf(&path, "%s/%s", dir.buf, de->d_name);
                strlist_add(paths, path.buf);
            }
            if (d)
                closedir(d);
        }
    }
    if (profiles)
        closedir(profiles);
    strbuf_release(&dir);
    strbuf_release(&path);
    strbuf_release(&target);
}

/* All the paths that make up an entry. */
static void entry_paths(const char *root, const char *name, struct strlist *paths)
{
    struct strbuf path = STRBUF_INIT, package = STRBUF_INIT;
    const char *parts[] = {"projects", "bins", "locks"};
    for (int i = 0; i < 3; i++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s/%s", root, parts[i], name);
        strlist_add(paths, path.buf);
    }
    package_of(name, &package);
    list_artifacts(root, package.buf, paths);
    strbuf_release(&path);
    strbuf_release(&package);
}

static uint64_t entry_bytes(const char *root, const char *name)
{
    struct strlist paths = STRLIST_INIT;
    struct fs_usage usage = FS_USAGE_INIT;
    entry_paths(root, name, &paths);
    for (size_t i = 0; i < paths.count; i++)
        fs_usage_add(&usage, paths.items[i]);
    uint64_t bytes = fs_usage_freed(&usage);
    fs_usage_release(&usage);
    strlist_release(&paths);
    return bytes;
}

static void load_entry(const char *root, const char *name, struct gc_entry *e)
{
    struct strbuf path = STRBUF_INIT;
    memset(e, 0, sizeof(*e));
    e->name = xstrdup(name);
    strbuf_addf(&path, "%s/projects/%s/entry", root, name);
    e->has_rec = !entry_record_load(path.buf, &e->rec);
    entry_record_release(&e->rec); /* its fixed fields are all GC needs */
    struct stat st;
    if (e->has_rec) {
        e->used = e->rec.used;
        e->script_exists = !e->rec.source[0] ? -1 : !access(e->rec.source, F_OK);
    } else {
        strbuf_setlen(&path, path.len - strlen("/entry"));
        e->used = stat(path.buf, &st) ? 0 : (long long)st.st_mtim.tv_sec;
        e->script_exists = -1;
    }
    e->bytes = entry_bytes(root, name);
    strbuf_release(&path);
}

static int list_entries(const char *root, struct gc_list *list)
{
    struct strbuf dir = STRBUF_INIT;
    strbuf_addf(&dir, "%s/projects", root);
    DIR *d = opendir(dir.buf);
    if (!d && errno != ENOENT) {
        error("cannot read %s: %s", dir.buf, strerror(errno));
        strbuf_release(&dir);
        return -1;
    }
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.' || !strchr(de->d_name, '-'))
            continue;
        if (list->count == list->alloc) {
            list->alloc = list->alloc ? list->alloc * 2 : 32;
            list->items = xrealloc(list->items, list->alloc * sizeof(*list->items));
        }
        load_entry(root, de->d_name, &list->items[list->count++]);
    }
    if (d)
        closedir(d);
    strbuf_release(&dir);
    return 0;
}

static void gc_list_release(struct gc_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].name);
    free(list->items);
}

/* ---- --cache-stats ---- */

struct part_usage {
    const char *name;
    uint64_t bytes, files;
};

static void measure_parts(const char *root, struct part_usage parts[3], uint64_t *total)
{
    static const char *const names[] = {"projects", "bins", "target"};
    struct fs_usage all = FS_USAGE_INIT;
    struct strbuf path = STRBUF_INIT;
    for (int i = 0; i < 3; i++) {
        struct fs_usage one = FS_USAGE_INIT;
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", root, names[i]);
        fs_usage_add(&one, path.buf);
        fs_usage_add(&all, path.buf);
        parts[i].name = names[i];
        parts[i].bytes = fs_usage_bytes(&one);
        parts[i].files = one.files;
        fs_usage_release(&one);
    }
    *total = fs_usage_bytes(&all);
    fs_usage_release(&all);
    strbuf_release(&path);
}

static int by_recent_use(const void *a, const void *b)
{
    const struct gc_entry *x = a, *y = b;
    return (x->used < y->used) - (x->used > y->used);
}

static const char *entry_script(const struct gc_entry *e)
{
    return !e->has_rec ? "(incomplete entry)" : e->rec.source[0] ? e->rec.source : "(expression)";
}

static const char *entry_status(const struct gc_entry *e)
{
    return e->script_exists == 0 ? "script missing" : !e->has_rec ? "no build" : "ok";
}

static void print_json(const char *root, const struct gc_list *list,
                       const struct part_usage parts[3], uint64_t total)
{
    struct strbuf out = STRBUF_INIT;
    strbuf_addstr(&out, "{\"root\": ");
    strbuf_add_json_string(&out, root);
    strbuf_addstr(&out, ",\n \"entries\": [");
    for (size_t i = 0; i < list->count; i++) {
        const struct gc_entry *e = &list->items[i];
        strbuf_addstr(&out, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
        strbuf_add_json_string(&out, e->name);
        strbuf_addstr(&out, ", \"script\": ");
        if (e->has_rec && e->rec.source[0])
            strbuf_add_json_string(&out, e->rec.source);
        else
            strbuf_addstr(&out, "null");
        strbuf_addf(&out, ", \"last_used\": %lld, \"binary_bytes\": %llu, \"entry_bytes\": %llu, "
                          "\"script_exists\": %s}",
                    e->used, e->has_rec ? e->rec.bin_size : 0ULL, (unsigned long long)e->bytes,
                    e->script_exists == 1 ? "true" : e->script_exists == 0 ? "false" : "null");
    }
    strbuf_addstr(&out, list->count ? "\n ],\n \"totals\": {" : "],\n \"totals\": {");
    for (int i = 0; i < 3; i++)
        strbuf_addf(&out, "\"%s\": {\"bytes\": %llu, \"files\": %llu}, ", parts[i].name,
                    (unsigned long long)parts[i].bytes, (unsigned long long)parts[i].files);
    strbuf_addf(&out, "\"entries\": %zu, \"bytes\": %llu}}\n", list->count,
                (unsigned long long)total);
    fputs(out.buf, stdout);
    strbuf_release(&out);
}

static void print_table(const struct gc_list *list, const struct part_usage parts[3],
                        uint64_t total)
{
    char size[32], when[32];
    printf("%-16s  %9s  %-14s  %s\n", "LAST USED", "BINARY", "STATUS", "SCRIPT");
    for (size_t i = 0; i < list->count; i++) {
        const struct gc_entry *e = &list->items[i];
        time_t used = (time_t)e->used;
        struct tm tm;
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M", localtime_r(&used, &tm));
        fs_human_size(e->has_rec ? e->rec.bin_size : 0, size);
        printf("%-16s  %9s  %-14s  %s\n", when, size, entry_status(e), entry_script(e));
    }
    printf("\n");
    for (int i = 0; i < 3; i++)
        printf("%-9s %10s  %llu files\n", parts[i].name, fs_human_size(parts[i].bytes, size),
               (unsigned long long)parts[i].files);
    printf("%-9s %10s  %zu entries (hard links counted once)\n", "total",
           fs_human_size(total, size), list->count);
}

int cache_stats(const char *root, int json)
{
    struct gc_list list = {NULL, 0, 0};
    struct part_usage parts[3];
    uint64_t total;
    if (list_entries(root, &list))
        return -1;
    if (list.count)
        qsort(list.items, list.count, sizeof(*list.items), by_recent_use);
    measure_parts(root, parts, &total);
    if (json)
        print_json(root, &list, parts, total);
    else
        print_table(&list, parts, total);
    gc_list_release(&list);
    return 0;
}

/* ---- --gc ---- */

/* Remove one entry under its lock; skipped (-1) when another cthag is building it. */
static int remove_entry(const char *root, struct gc_entry *e)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/locks/%s", root, e->name);
    int lock = cache_trylock_path(path.buf);
    if (lock < 0) {
        note("gc: skipping %s: in use", e->name);
        strbuf_release(&path);
        return -1;
    }
    /* The record first: from this moment no run trusts the entry's executable. */
    strbuf_reset(&path);
    strbuf_addf(&path, "%s/projects/%s/entry", root, e->name);
    unlink(path.buf);
    struct strlist paths = STRLIST_INIT;
    entry_paths(root, e->name, &paths);
    int result = 0;
    for (size_t i = 0; i < paths.count; i++)
        if (fs_remove_tree(paths.items[i]))
            result = -1;
    close(lock); /* after its file is gone: a waiter then sees a stale lock and retries */
    strlist_release(&paths);
    strbuf_release(&path);
    note("gc: removed %s (%s)", e->name, entry_script(e));
    e->removed = !result;
    return result;
}

/* Entries whose script is gone first, then least recently used first. */
static int by_gc_order(const void *a, const void *b)
{
    const struct gc_entry *x = a, *y = b;
    int x_gone = x->script_exists == 0, y_gone = y->script_exists == 0;
    if (x_gone != y_gone)
        return y_gone - x_gone;
    return (x->used > y->used) - (x->used < y->used);
}

static uint64_t root_bytes(const char *root)
{
    struct fs_usage usage = FS_USAGE_INIT;
    fs_usage_add(&usage, root);
    uint64_t bytes = fs_usage_bytes(&usage);
    fs_usage_release(&usage);
    return bytes;
}

static int deep_sweep(const char *root, const struct gc_list *list, uint64_t *freed);

int cache_gc(const char *root, const struct gc_opts *o)
{
    struct stat st;
    if (lstat(root, &st) && errno == ENOENT) {
        if (!o->automatic)
            printf("cthag: gc: nothing to do: %s does not exist\n", root);
        return 0;
    }
    if (cache_check_root(root) < 0) /* only a tagged cthag cache is collected */
        return -1;
    struct gc_list list = {NULL, 0, 0};
    if (list_entries(root, &list))
        return -1;
    if (list.count)
        qsort(list.items, list.count, sizeof(*list.items), by_gc_order);
    uint64_t before = root_bytes(root), total = before;
    long long oldest_allowed = (long long)time(NULL) - (long long)o->max_age_days * SECONDS_PER_DAY;
    size_t removed = 0;
    for (size_t i = 0; i < list.count; i++) {
        struct gc_entry *e = &list.items[i];
        if (e->used < oldest_allowed && !remove_entry(root, e)) {
            removed++;
            total -= e->bytes < total ? e->bytes : total;
        }
    }
    for (size_t i = 0; i < list.count && total > o->max_size; i++) {
        struct gc_entry *e = &list.items[i];
        if (!e->removed && !remove_entry(root, e)) {
            removed++;
            total -= e->bytes < total ? e->bytes : total;
        }
    }
    uint64_t swept = 0;
    int result = o->deep ? deep_sweep(root, &list, &swept) : 0;
    uint64_t after = root_bytes(root);
    /* The daily trim speaks only when it removed something, and not under -q. */
    if (!o->automatic || ((removed || swept) && verbosity >= 0)) {
        char from[32], to[32], cap[32];
        fprintf(o->automatic ? stderr : stdout,
                "cthag: gc: removed %zu of %zu entries%s; cache %s -> %s (max %s, %d days)\n",
                removed, list.count, swept ? " and unused dependency builds" : "",
                fs_human_size(before, from), fs_human_size(after, to),
                fs_human_size(o->max_size, cap), o->max_age_days);
    }
    gc_list_release(&list);
    return result;
}

void cache_auto_trim(const char *root)
{
    struct strbuf stamp = STRBUF_INIT;
    strbuf_addf(&stamp, "%s/gc-stamp", root);
    struct stat st;
    time_t now = time(NULL);
    int due = stat(stamp.buf, &st) || now - st.st_mtim.tv_sec >= SECONDS_PER_DAY;
    struct config cfg;
    /* Stamp first, so that parallel runs do not all trim at once. */
    if (due && !fs_write_atomic(stamp.buf, "", 0, 0600) && !config_load(&cfg)) {
        struct gc_opts o = {cfg.max_cache_size, cfg.max_age_days, 0, 1};
        note("daily cache trim (max %llu bytes, %d days)", (unsigned long long)o.max_size,
             o.max_age_days);
        cache_gc(root, &o);
        config_release(&cfg);
    }
    strbuf_release(&stamp);
}

/* ---- --gc --deep ----
 *
 * Cargo keeps one fingerprint directory per compiled unit, .fingerprint/<name>-<hash>/, with a
 * file holding the unit's fingerprint (16 hex digits: the u64's bytes, little end first) and a
 * .json next to it whose "deps" list gives each dependency's fingerprint as a decimal u64.
 * Starting from the units of the remaining entries' packages and following "deps" marks every
 * unit still needed; the others' files (deps/, build/, .fingerprint/) go.  Anything unreadable
 * stops the sweep before it deletes: a rebuild is cheap, a wrong deletion is not. */

struct unit {
    char *dir;         /* <name>-<hash> */
    char *json;        /* path of the fingerprint's .json */
    char fingerprint[17];
    int used;
};

struct unit_list {
    struct unit *items;
    size_t count, alloc;
};

static int is_fingerprint_file(const char *name)
{
    size_t n = strlen(name);
    return strncmp(name, "dep-", 4) && strncmp(name, "output-", 7) &&
           strcmp(name, "invoked.timestamp") && !(n > 5 && !strcmp(name + n - 5, ".json"));
}

static void add_unit(struct unit_list *units, const char *dir, const char *path, const char *fp)
{
    if (units->count == units->alloc) {
        units->alloc = units->alloc ? units->alloc * 2 : 64;
        units->items = xrealloc(units->items, units->alloc * sizeof(*units->items));
    }
    struct unit *u = &units->items[units->count++];
    u->dir = xstrdup(dir);
    struct strbuf json = STRBUF_INIT;
    strbuf_addf(&json, "%s.json", path);
    u->json = strbuf_detach(&json);
    snprintf(u->fingerprint, sizeof(u->fingerprint), "%s", fp);
    u->used = 0;
}

static void scan_unit_dir(const char *fingerprints, const char *dir, struct unit_list *units)
{
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", fingerprints, dir);
    DIR *d = opendir(path.buf);
    struct dirent *de;
    size_t base = path.len;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.' || !is_fingerprint_file(de->d_name))
            continue;
        strbuf_setlen(&path, base);
        strbuf_addf(&path, "/%s", de->d_name);
        strbuf_reset(&text);
        if (!fs_read_file(path.buf, &text)) {
            strbuf_rtrim(&text);
            if (text.len == 16)
                add_unit(units, dir, path.buf, text.buf);
        }
    }
    if (d)
        closedir(d);
    strbuf_release(&path);
    strbuf_release(&text);
}

static void mark_unit(struct unit_list *units, const char *fingerprint, struct strlist *queue)
{
    for (size_t i = 0; i < units->count; i++) {
        struct unit *u = &units->items[i];
        if (!u->used && !strcmp(u->fingerprint, fingerprint)) {
            u->used = 1;
            strlist_add(queue, u->json);
        }
    }
}

/* Mark the dependencies listed in a fingerprint .json: "deps":[[id,"name",bool,hash],...]. */
static int mark_dependencies(struct unit_list *units, const char *json, struct strlist *queue)
{
    struct strbuf text = STRBUF_INIT;
    int result = fs_read_file(json, &text);
    const char *p = result ? NULL : strstr(text.buf, "\"deps\":[");
    if (!p) {
        strbuf_release(&text);
        return error("gc --deep: cannot read the dependencies in %s; nothing removed", json);
    }
    p += strlen("\"deps\":[");
    while (*p == '[') {
        const char *end = strchr(p, ']');
        const char *comma = end ? p : NULL;
        for (const char *q = p; q && q < end; q++)
            if (*q == ',')
                comma = q;
        if (!end || !comma || comma == p) {
            result = error("gc --deep: unexpected fingerprint format in %s; nothing removed", json);
            break;
        }
        unsigned long long hash = strtoull(comma + 1, NULL, 10);
        char fingerprint[17];
        for (int i = 0; i < 8; i++)
            snprintf(fingerprint + 2 * i, 3, "%02llx", (hash >> (8 * i)) & 0xff);
        mark_unit(units, fingerprint, queue);
        p = end + 1;
        if (*p == ',')
            p++;
    }
    strbuf_release(&text);
    return result;
}

/* Remove the files of an unused unit <name>-<hash> in one profile directory. */
static void remove_unit(const char *profile_dir, const char *dir)
{
    struct strbuf path = STRBUF_INIT;
    const char *hash = strrchr(dir, '-');
    size_t hash_len = hash ? strlen(hash) : 0;
    strbuf_addf(&path, "%s/.fingerprint/%s", profile_dir, dir);
    fs_remove_tree(path.buf);
    strbuf_reset(&path);
    strbuf_addf(&path, "%s/build/%s", profile_dir, dir);
    fs_remove_tree(path.buf);
    strbuf_reset(&path);
    strbuf_addf(&path, "%s/deps", profile_dir);
    DIR *d = hash ? opendir(path.buf) : NULL;
    struct dirent *de;
    /* deps/ spells the crate with underscores (libnum_bigint-<hash>.rlib): match the hash. */
    while (d && (de = readdir(d))) {
        const char *at = strstr(de->d_name, hash);
        if (at && (at[hash_len] == '\0' || at[hash_len] == '.')) {
            struct strbuf file = STRBUF_INIT;
            strbuf_addf(&file, "%s/%s", path.buf, de->d_name);
            fs_remove_tree(file.buf);
            strbuf_release(&file);
        }
    }
    if (d)
        closedir(d);
    strbuf_release(&path);
}

static void unit_list_release(struct unit_list *units)
{
    for (size_t i = 0; i < units->count; i++) {
        free(units->items[i].dir);
        free(units->items[i].json);
    }
    free(units->items);
}

static int sweep_profile(const char *profile_dir, const struct gc_list *list, uint64_t *swept)
{
    struct unit_list units = {NULL, 0, 0};
    struct strlist queue = STRLIST_INIT;
    struct strbuf fingerprints = STRBUF_INIT, package = STRBUF_INIT;
    strbuf_addf(&fingerprints, "%s/.fingerprint", profile_dir);
    DIR *d = opendir(fingerprints.buf);
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (de->d_name[0] != '.')
            scan_unit_dir(fingerprints.buf, de->d_name, &units);
    if (d)
        closedir(d);
    for (size_t i = 0; i < list->count; i++) {
        if (list->items[i].removed)
            continue;
        package_of(list->items[i].name, &package);
        for (size_t j = 0; j < units.count; j++)
            if (is_artifact_of(units.items[j].dir, package.buf, package.len))
                mark_unit(&units, units.items[j].fingerprint, &queue);
    }
    int result = 0;
    for (size_t next = 0; next < queue.count && !result; next++)
        result = mark_dependencies(&units, queue.items[next], &queue);
    for (size_t i = 0; i < units.count && !result; i++) {
        const struct unit *u = &units.items[i];
        int dir_used = 0;
        for (size_t j = 0; j < units.count; j++)
            dir_used |= units.items[j].used && !strcmp(units.items[j].dir, u->dir);
        if (!dir_used) {
            note("gc --deep: removing unused %s", u->dir);
            remove_unit(profile_dir, u->dir);
            (*swept)++;
        }
    }
    unit_list_release(&units);
    strlist_release(&queue);
    strbuf_release(&fingerprints);
    strbuf_release(&package);
    return result;
}

static int deep_sweep(const char *root, const struct gc_list *list, uint64_t *swept)
{
    struct strbuf target = STRBUF_INIT, profile = STRBUF_INIT;
    strbuf_addf(&target, "%s/target", root);
    DIR *d = opendir(target.buf);
    struct dirent *de;
    int result = 0;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        strbuf_reset(&profile);
        strbuf_addf(&profile, "%s/%s", target.buf, de->d_name);
        struct stat st;
        if (lstat(profile.buf, &st) || !S_ISDIR(st.st_mode))
            continue;
        strbuf_addstr(&profile, "/.cargo-lock");
        int lock = open(profile.buf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (lock >= 0 && flock(lock, LOCK_EX)) {
            close(lock);
            lock = -1;
        }
        strbuf_setlen(&profile, profile.len - strlen("/.cargo-lock"));
        if (sweep_profile(profile.buf, list, swept))
            result = -1;
        if (lock >= 0)
            close(lock);
    }
    if (d)
        closedir(d);
    strbuf_release(&target);
    strbuf_release(&profile);
    return result;
}

/* ---- clean ---- */

int cache_clean(const char *root, const char *what)
{
    static const char *const all[] = {"projects", "bins", "target", "locks", "gc-stamp", NULL};
    static const char *const bins[] = {"bins", NULL};
    static const char *const target[] = {"target", NULL};
    const char *const *dirs = !strcmp(what, "bins")     ? bins
                              : !strcmp(what, "target") ? target
                              : !strcmp(what, "all")    ? all
                                                        : NULL;
    if (!dirs)
        return error("--clean: unknown part `%s` (expected bins, target or all)", what);
    struct stat st;
    if (lstat(root, &st) && errno == ENOENT) {
        printf("cthag: nothing to clean: %s does not exist\n", root);
        return 0;
    }
    if (cache_check_root(root) < 0) /* only a tagged cthag cache is cleaned */
        return -1;
    struct fs_usage usage = FS_USAGE_INIT;
    struct strbuf path = STRBUF_INIT;
    int result = 0;
    for (const char *const *dir = dirs; *dir; dir++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", root, *dir);
        fs_usage_add(&usage, path.buf);
    }
    for (const char *const *dir = dirs; *dir; dir++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", root, *dir);
        if (fs_remove_tree(path.buf))
            result = -1;
    }
    char freed[32], linked[32];
    uint64_t freed_bytes = fs_usage_freed(&usage);
    fs_human_size(freed_bytes, freed);
    fs_human_size(fs_usage_bytes(&usage) - freed_bytes, linked);
    printf("cthag: cleaned %s in %s: %llu files, %s freed", what, root,
           (unsigned long long)usage.files, freed);
    /* Hard links: removing bins/ frees nothing while the target still holds the same files. */
    if (freed_bytes < fs_usage_bytes(&usage))
        printf(" (%s more is still linked from elsewhere)", linked);
    printf("\n");
    fs_usage_release(&usage);
    strbuf_release(&path);
    return result;
}
