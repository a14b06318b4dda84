/* flock(): cargo guards each profile directory with a BSD lock on .cargo-lock, and dependency
 * builds are swept only while holding it. */
#define _DEFAULT_SOURCE
#include "cache/gc.h"

#include "cache/cache.h"
#include "cache/scan.h"
#include "cache/stats.h"
#include "util/die.h"
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define SECONDS_PER_DAY 86400

/* Entries whose script is gone first, then least recently used first, then by name. */
static int by_gc_order(const void *a, const void *b)
{
    const struct scan_entry *x = *(const struct scan_entry *const *)a;
    const struct scan_entry *y = *(const struct scan_entry *const *)b;
    int x_gone = x->script_exists == 0, y_gone = y->script_exists == 0;
    if (x_gone != y_gone)
        return y_gone - x_gone;
    if (x->used != y->used)
        return (x->used > y->used) - (x->used < y->used);
    return strcmp(x->name, y->name);
}

/* ---- removing ---- */

static int remove_paths(const char *root, const struct strlist *paths)
{
    struct strbuf path = STRBUF_INIT;
    int result = 0;
    for (size_t i = 0; i < paths->count; i++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", root, paths->items[i]);
        if (fs_remove_tree(path.buf))
            result = -1;
    }
    strbuf_release(&path);
    return result;
}

/* Remove one entry under its lock: 0, or -1 when another cthag holds it (building it, or
 * about to execute it) and it stays. */
static int remove_entry(const struct cache_scan *s, const struct scan_entry *e)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/locks/%s", s->root, e->name);
    int lock = cache_trylock_path(path.buf);
    if (lock < 0) {
        note("gc: skipping %s: in use", e->name);
        strbuf_release(&path);
        return -1;
    }
    /* The record first: from this moment no run trusts the entry's executable. */
    struct strbuf record = STRBUF_INIT;
    strbuf_addf(&record, "%s/projects/%s/entry", s->root, e->name);
    unlink(record.buf);
    remove_paths(s->root, &e->own.paths);
    unlink(path.buf);
    close(lock); /* after its file is gone: a waiter then sees a stale lock and retries */
    strbuf_reset(&record);
    stats_describe_script(e, &record);
    note("gc: removed %s (%s)", e->name, record.buf);
    strbuf_release(&record);
    strbuf_release(&path);
    return 0;
}

/* ---- --gc ---- */

enum entry_state { REMAINS, REMOVED, BUSY, KEPT };

struct gc_run {
    const struct gc_opts *o;
    struct cache_scan scan;
    const struct scan_entry **order;        /* entries in the order they go */
    enum entry_state *state;
    int *locked;             /* per profile: we hold cargo's lock (dependency builds sweepable) */
    int *lock_fds;
    int sweep_tried;
    int sweep;               /* dependency builds no remaining entry uses are to go */
    uint64_t size;           /* the cache's size once what was decided is done */
    size_t removed, swept;
    int cap_missed;          /* 1: above the cap after all; 2: and nothing removed for it */
};

static int is_candidate(const struct gc_run *r, size_t e)
{
    return r->state[e] == REMAINS;
}

static void drop_entry(struct gc_run *r, size_t e)
{
    if (remove_entry(&r->scan, &r->scan.entries[e])) {
        r->state[e] = BUSY;
        return;
    }
    r->state[e] = REMOVED;
    r->removed++;
    r->size -= r->scan.entries[e].own.bytes < r->size ? r->scan.entries[e].own.bytes : r->size;
    uint64_t freed = 0;
    if (r->sweep)
        cache_scan_use(&r->scan, e, -1, &freed);
    r->size -= freed < r->size ? freed : r->size;
}

static size_t order_index(const struct gc_run *r, size_t i)
{
    return (size_t)(r->order[i] - r->scan.entries);
}

static void remove_old(struct gc_run *r)
{
    long long oldest = (long long)time(NULL) - (long long)r->o->max_age_days * SECONDS_PER_DAY;
    for (size_t i = 0; i < r->scan.nentries; i++) {
        size_t e = order_index(r, i);
        if (is_candidate(r, e) && r->scan.entries[e].used < oldest)
            drop_entry(r, e);
    }
}

static int sweepable(const struct gc_run *r, const struct scan_unit *u)
{
    return u->dir && u->entry < 0 && !u->refs && r->locked[u->profile];
}

/* Take cargo's lock of every profile (waiting, unless automatic: a busy profile is then left
 * alone), read the dependency graph there and count what each remaining entry uses.  Returns
 * 0 when dependency builds can be swept. */
static int start_sweep(struct gc_run *r)
{
    struct cache_scan *s = &r->scan;
    struct strbuf path = STRBUF_INIT;
    if (r->sweep_tried)
        return r->sweep ? 0 : -1;
    r->sweep_tried = 1;
    for (size_t p = 0; p < s->profiles.count; p++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/target/%s/.cargo-lock", s->root, s->profiles.items[p]);
        int fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        int how = LOCK_EX | (r->o->automatic ? LOCK_NB : 0), rc = -1;
        while (fd >= 0 && (rc = flock(fd, how)) && errno == EINTR)
            ;
        if (fd >= 0 && rc) {
            note("gc: %s is busy: its dependency builds stay", path.buf);
            close(fd);
            fd = -1;
        }
        r->lock_fds[p] = fd;
        r->locked[p] = fd >= 0;
    }
    strbuf_release(&path);
    if (cache_scan_load_graph(s, r->locked))
        return -1;
    for (size_t e = 0; e < s->nentries; e++)
        if (r->state[e] != REMOVED)
            cache_scan_use(s, e, 1, NULL);
    r->sweep = 1;
    for (size_t u = 0; u < s->nunits; u++)
        if (sweepable(r, &s->units[u]))
            r->size -= s->units[u].own.bytes < r->size ? s->units[u].own.bytes : r->size;
    return 0;
}

/* What would remain if every candidate went (and, sweeping, what they alone use). */
static uint64_t floor_size(struct gc_run *r)
{
    uint64_t freed = 0;
    for (size_t e = 0; e < r->scan.nentries; e++)
        if (is_candidate(r, e))
            freed += r->scan.entries[e].own.bytes;
    if (r->sweep) {
        for (size_t e = 0; e < r->scan.nentries; e++)
            if (is_candidate(r, e))
                cache_scan_use(&r->scan, e, -1, &freed);
        for (size_t e = 0; e < r->scan.nentries; e++)
            if (is_candidate(r, e))
                cache_scan_use(&r->scan, e, 1, NULL);
    }
    return freed < r->size ? r->size - freed : 0;
}

/* The size cap, measured against what removing entries frees: when entries alone cannot get
 * under it, the dependency builds no remaining entry uses go too; when even that cannot, the
 * automatic trim removes nothing for the cap (an explicit --gc removes all it can). */
static void trim_to_cap(struct gc_run *r)
{
    uint64_t cap = r->o->max_size;
    if (r->size <= cap)
        return;
    if (!r->sweep && floor_size(r) > cap && start_sweep(r))
        note("gc: dependency builds cannot be swept");
    if (floor_size(r) > cap && r->o->automatic) {
        r->cap_missed = 2;
        return;
    }
    for (size_t i = 0; i < r->scan.nentries && r->size > cap; i++)
        if (is_candidate(r, order_index(r, i)))
            drop_entry(r, order_index(r, i));
    if (r->size > cap)
        r->cap_missed = 1;
}

static void sweep_units(struct gc_run *r)
{
    for (size_t u = 0; u < r->scan.nunits; u++) {
        const struct scan_unit *unit = &r->scan.units[u];
        if (!sweepable(r, unit))
            continue;
        note("gc: removing the unused dependency build %s/%s",
             r->scan.profiles.items[unit->profile], unit->dir);
        remove_paths(r->scan.root, &unit->own.paths);
        r->swept++;
    }
}

static void report(const struct gc_run *r, uint64_t before)
{
    const struct gc_opts *o = r->o;
    /* The daily trim speaks only when it acted or missed the cap, and not under -q. */
    if (o->automatic && (verbosity < 0 || (!r->removed && !r->swept && !r->cap_missed)))
        return;
    FILE *out = o->automatic ? stderr : stdout;
    char from[32], to[32], cap[32];
    fprintf(out, "cthag: gc: removed %zu of %zu entries%s; cache %s -> %s (max %s, %d days)\n",
            r->removed, r->scan.nentries, r->swept ? " and unused dependency builds" : "",
            fs_human_size(before, from), fs_human_size(r->size, to),
            fs_human_size(o->max_size, cap), o->max_age_days);
    size_t busy = 0;
    for (size_t e = 0; e < r->scan.nentries; e++)
        busy += r->state[e] == BUSY || r->state[e] == KEPT;
    if (r->cap_missed)
        fprintf(out, "cthag: gc: cannot get under max %s: the rest is %zu entr%s in use, the "
                     "dependency builds they use and the cache's own files%s\n",
                cap, busy, busy == 1 ? "y" : "ies",
                r->cap_missed == 2 ? "; removed no entry for the cap" : "");
}

static void gc_run_release(struct gc_run *r)
{
    for (size_t p = 0; r->lock_fds && p < r->scan.profiles.count; p++)
        if (r->lock_fds[p] >= 0)
            close(r->lock_fds[p]);
    free(r->lock_fds);
    free(r->locked);
    free(r->state);
    free(r->order);
    cache_scan_release(&r->scan);
}

static int gc_scanned(struct gc_run *r)
{
    const struct gc_opts *o = r->o;
    struct cache_scan *s = &r->scan;
    r->order = stats_sorted_entries(s, by_gc_order);
    r->state = xcalloc(s->nentries + 1, sizeof(*r->state));
    r->locked = xcalloc(s->profiles.count + 1, sizeof(*r->locked));
    r->lock_fds = xcalloc(s->profiles.count + 1, sizeof(*r->lock_fds));
    for (size_t p = 0; p < s->profiles.count; p++)
        r->lock_fds[p] = -1;
    for (size_t e = 0; e < s->nentries; e++)
        r->state[e] = o->keep && !strcmp(s->entries[e].name, o->keep) ? KEPT : REMAINS;
    r->size = s->total;
    remove_old(r);
    int result = 0;
    if (o->deep && start_sweep(r))
        result = -1;
    trim_to_cap(r);
    if (r->sweep)
        sweep_units(r);
    report(r, s->total);
    return result;
}

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
    int lock = o->automatic ? -1 : cache_lock_root(root, 0);
    if (!o->automatic && lock < 0)
        return -1;
    struct gc_run run;
    memset(&run, 0, sizeof(run));
    run.o = o;
    int result = cache_scan(root, &run.scan) ? -1 : gc_scanned(&run);
    gc_run_release(&run);
    cache_unlock(lock);
    return result;
}

void cache_auto_trim(const char *root, const char *keep, uint64_t max_size, int max_age_days)
{
    struct strbuf stamp = STRBUF_INIT;
    strbuf_addf(&stamp, "%s/gc-stamp", root);
    struct stat st;
    time_t now = time(NULL);
    int due = stat(stamp.buf, &st) || now - st.st_mtim.tv_sec >= SECONDS_PER_DAY;
    /* Stamp first, so that parallel runs do not all trim at once. */
    if (due && !fs_write_atomic(stamp.buf, "", 0, 0600)) {
        struct gc_opts o = {max_size, max_age_days, 0, 1, keep};
        note("daily cache trim (max %llu bytes, %d days)", (unsigned long long)o.max_size,
             o.max_age_days);
        cache_gc(root, &o);
    }
    strbuf_release(&stamp);
}

