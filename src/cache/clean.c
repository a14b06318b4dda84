/* --clean bins|target|all. */
#include "cache/clean.h"

#include "cache/cache.h"
#include "util/die.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The pid in "NAME.tmp.PID" when that process is alive: its file is still being written. */
static int is_live_temp(const char *name)
{
    const char *tmp = strstr(name, ".tmp.");
    char *end;
    long pid = tmp ? strtol(tmp + 5, &end, 10) : 0;
    return pid > 0 && !*end && (!kill((pid_t)pid, 0) || errno != ESRCH);
}

/* bins/: each executable under its entry's lock; one being built or about to run stays. */
static int clean_bins(const char *root, struct fs_usage *usage, size_t *busy)
{
    struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT;
    strbuf_addf(&dir, "%s/bins", root);
    DIR *d = opendir(dir.buf);
    struct dirent *de;
    int result = 0;
    while (d && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || is_live_temp(de->d_name))
            continue;
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/locks/%s", root, de->d_name);
        int lock = cache_is_entry_name(de->d_name) ? cache_trylock_path(path.buf) : -1;
        if (lock < 0 && cache_is_entry_name(de->d_name) && errno != ENOENT) {
            (*busy)++;
            continue;
        }
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", dir.buf, de->d_name);
        fs_usage_add(usage, path.buf);
        if (fs_remove_tree(path.buf))
            result = -1;
        cache_unlock(lock);
    }
    if (d)
        closedir(d);
    strbuf_release(&dir);
    strbuf_release(&path);
    return result;
}

static int clean_parts(const char *root, const char *const *parts, struct fs_usage *usage)
{
    struct strbuf path = STRBUF_INIT;
    int result = 0;
    for (const char *const *part = parts; *part; part++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", root, *part);
        fs_usage_add(usage, path.buf);
    }
    for (const char *const *part = parts; *part; part++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", root, *part);
        if (fs_remove_tree(path.buf))
            result = -1;
    }
    strbuf_release(&path);
    return result;
}

static void report_clean(const char *root, const char *what, const struct fs_usage *usage,
                         size_t busy)
{
    char freed[32], linked[32];
    uint64_t freed_bytes = fs_usage_freed(usage);
    fs_human_size(freed_bytes, freed);
    fs_human_size(fs_usage_bytes(usage) - freed_bytes, linked);
    printf("cthag: cleaned %s in %s: %llu files, %s freed", what, root,
           (unsigned long long)usage->files, freed);
    /* Hard links: removing bins/ frees nothing while the target still holds the same files. */
    if (freed_bytes < fs_usage_bytes(usage))
        printf(" (%s more is still linked from elsewhere)", linked);
    if (busy)
        printf("; %zu in use kept", busy);
    printf("\n");
}

int cache_clean(const char *root, const char *what)
{
    static const char *const all[] = {"projects", "bins", "target", "locks", "gc-stamp", NULL};
    static const char *const target[] = {"target", NULL};
    int bins = !strcmp(what, "bins");
    const char *const *parts = !strcmp(what, "target") ? target : !strcmp(what, "all") ? all : NULL;
    if (!bins && !parts)
        return error("--clean: unknown part `%s` (expected bins, target or all)", what);
    struct stat st;
    if (lstat(root, &st) && errno == ENOENT) {
        printf("cthag: nothing to clean: %s does not exist\n", root);
        return 0;
    }
    if (cache_check_root(root) < 0) /* only a tagged cthag cache is cleaned */
        return -1;
    /* Executables go one by one under their locks; the target and the rest only when no
     * build is running (a build holds the root lock shared). */
    int lock = cache_lock_root(root, !bins);
    if (lock < 0)
        return -1;
    struct fs_usage usage = FS_USAGE_INIT;
    size_t busy = 0;
    int result = bins ? clean_bins(root, &usage, &busy) : clean_parts(root, parts, &usage);
    report_clean(root, what, &usage, busy);
    fs_usage_release(&usage);
    cache_unlock(lock);
    return result;
}
