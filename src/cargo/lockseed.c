/* Version reuse around a build (see lockseed.h): lockseed_prepare() grafts the closures other
 * entries locked when they hold everything the manifest needs (no cargo run), else has cargo
 * resolve and moves packages to compiled versions (lockseed_reuse(), lockseed_move.c), and keeps
 * what to fall back to; lockseed_after_build() falls back when cargo refused the lock. */
#include "cargo/lockseed.h"

#include "cache/cache.h"
#include "cargo/lockgraph.h"
#include "cargo/manifest.h"
#include "cargo/semver.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the quick way: the closures other entries locked ---- */

/* The package of another entry's graph, with everything it depends on there, added to m (once);
 * its index, or -1 when m has another version of its series already. */
static long add_closure(struct graph *m, const struct graph *from, size_t index)
{
    const struct pkg *p = &from->pkgs[index];
    for (size_t i = 0; i < m->count; i++) {
        const struct pkg *q = &m->pkgs[i];
        if (strcmp(q->name, p->name) || !q->source || strcmp(q->source, p->source))
            continue;
        if (!strcmp(q->version, p->version))
            return (long)i;
        if (lockgraph_same_series(q->version, p->version))
            return -1;
    }
    struct pkg copy = {.name = p->name, .version = p->version, .source = p->source,
                       .checksum = p->checksum, .chosen = p->version,
                       .chosen_checksum = p->checksum, .registry = 1};
    if (!p->registry)
        return -1;
    ALLOC_GROW(m->pkgs, m->count + 1, m->alloc);
    size_t at = m->count;
    m->pkgs[m->count++] = copy;
    for (size_t e = 0; e < p->nedges; e++) {
        long t = add_closure(m, from, p->edges[e]);
        if (t < 0)
            return -1;
        ALLOC_GROW(m->pkgs[at].edges, m->pkgs[at].nedges + 1, m->pkgs[at].edges_alloc);
        m->pkgs[at].edges[m->pkgs[at].nedges++] = (size_t)t;
    }
    return (long)at;
}

/* The highest version of d's package another entry locked that d accepts: its graph in *from
 * and index, or -1. */
static long best_locked(const struct graph *graphs, size_t n, const struct registry_dep *d,
                        size_t *from)
{
    long best = -1;
    for (size_t g = 0; g < n; g++) {
        for (size_t i = 0; i < graphs[g].count; i++) {
            const struct pkg *p = &graphs[g].pkgs[i];
            if (!p->registry || strcmp(p->name, d->package) ||
                !lockgraph_accepts(d->req, p->version) ||
                (best >= 0 && semver_compare_text(p->version, graphs[*from].pkgs[best].version) <= 0))
                continue;
            best = (long)i;
            *from = g;
        }
    }
    return best;
}

/* Every registry dependency of the manifest, with what it depends on, as another entry locked
 * it: 0 with m complete, or -1 (a dependency no entry has, a path or git one, two versions of a
 * series, one no longer published or without a feature asked for). */
static int graft(struct graph *m, const struct graph *graphs, size_t n)
{
    for (size_t i = 0; i < m->manifest.ndeps; i++) {
        const struct registry_dep *d = &m->manifest.deps[i];
        size_t from = 0;
        long b = d->local ? -1 : best_locked(graphs, n, d, &from);
        long t = b < 0 ? -1 : add_closure(m, &graphs[from], (size_t)b);
        if (t < 0 || !lockgraph_has_features(m, &m->pkgs[t], d))
            return -1;
        struct pkg *root = &m->pkgs[0];
        ALLOC_GROW(root->edges, root->nedges + 1, root->edges_alloc);
        root->edges[root->nedges++] = (size_t)t;
    }
    for (size_t i = 1; i < m->count; i++) {
        struct candidate c = {m->pkgs[i].version, m->pkgs[i].checksum};
        if (!lockgraph_still_published(m, m->pkgs[i].name, &c))
            return -1;
    }
    return 0;
}

/* A complete Cargo.lock for the manifest made of what other entries locked, when they locked
 * everything it needs: no resolution (no cargo run) is then needed.  Returns 1 with out set. */
static int graft_lock(const char *manifest, char **others, size_t nothers,
                      const struct registry *registry, struct strbuf *out)
{
    struct graph m;
    struct graph *graphs = xcalloc(nothers + 1, sizeof(*graphs));
    struct strbuf root = STRBUF_INIT, version = STRBUF_INIT;
    memset(&m, 0, sizeof(m));
    m.registry = registry;
    m.lock_version = 3;
    size_t n = 0;
    for (size_t i = 0; i < nothers; i++) {
        graphs[n].registry = registry;
        if (!lockgraph_read(&graphs[n], others[i], NULL)) {
            if (graphs[n].lock_version > m.lock_version)
                m.lock_version = graphs[n].lock_version;
            n++;
        } else {
            lockgraph_release(&graphs[n]);
            memset(&graphs[n], 0, sizeof(graphs[n]));
        }
    }
    int ok = !lockgraph_read_manifest(manifest, &root, &version) &&
             !registry_release_from_manifest(manifest, &m.manifest);
    if (ok) {
        struct pkg self = {.name = root.buf, .version = version.buf, .chosen = version.buf,
                           .root = 1, .pinned = 1};
        ALLOC_GROW(m.pkgs, 1, m.alloc);
        m.pkgs[m.count++] = self;
        ok = !graft(&m, graphs, n);
    }
    if (ok)
        lockgraph_write(&m, out);
    lockgraph_release(&m);
    for (size_t i = 0; i < n; i++)
        lockgraph_release(&graphs[i]);
    free(graphs);
    strbuf_release(&root);
    strbuf_release(&version);
    return ok;
}

/* ---- around a build ---- */

/* The Cargo.lock of <projects>/<name>, when that entry's last build used this registry. */
static int read_entry_lock(const char *projects, const char *name, const char *registry,
                           struct strbuf *lock)
{
    struct strbuf path = STRBUF_INIT;
    struct entry_record rec;
    int result = -1;
    strbuf_addf(&path, "%s/%s/entry", projects, name);
    if (!entry_record_load(path.buf, &rec) && !strcmp(rec.registry, registry)) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s/Cargo.lock", projects, name);
        result = fs_read_file(path.buf, lock);
    }
    entry_record_release(&rec);
    strbuf_release(&path);
    return result;
}

static int has_registry_package(const char *lock)
{
    return strstr(lock, "source = \"registry+") || strstr(lock, "source = \"sparse+");
}

/* The other entries' locks, as texts in others (each malloc'd). */
static void read_other_locks(const struct lockseed_request *r, char ***others, size_t *count)
{
    struct strbuf projects = STRBUF_INIT, lock = STRBUF_INIT;
    const char *registry = r->registry->registry_dir ? r->registry->registry_dir : "";
    size_t alloc = 0;
    strbuf_addf(&projects, "%s/projects", r->entry->root.buf);
    DIR *d = opendir(projects.buf);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.' || !strcmp(de->d_name, r->entry->name.buf))
            continue;
        strbuf_reset(&lock);
        /* only locks with registry packages have versions to offer */
        if (read_entry_lock(projects.buf, de->d_name, registry, &lock) ||
            !has_registry_package(lock.buf))
            continue;
        ALLOC_GROW(*others, *count + 1, alloc);
        (*others)[(*count)++] = strbuf_detach(&lock);
    }
    if (d)
        closedir(d);
    strbuf_release(&projects);
    strbuf_release(&lock);
}

/* Does the entry's own lock already have, for each registry dependency of the manifest, a
 * version it accepts?  Then cargo keeps it as it is: nothing to resolve. */
static int own_lock_fits(const char *own, const char *manifest)
{
    struct graph g;
    struct strbuf root = STRBUF_INIT, version = STRBUF_INIT;
    memset(&g, 0, sizeof(g));
    int fits = !lockgraph_read_manifest(manifest, &root, &version) &&
               !registry_release_from_manifest(manifest, &g.manifest) &&
               !lockgraph_read(&g, own, root.buf);
    const struct pkg *p = NULL;
    for (size_t i = 0; fits && i < g.count; i++)
        if (g.pkgs[i].root)
            p = &g.pkgs[i];
    fits = fits && p;
    for (size_t i = 0; fits && i < g.manifest.ndeps; i++) {
        const struct registry_dep *d = &g.manifest.deps[i];
        int found = d->local;
        for (size_t e = 0; !found && e < p->nedges; e++) {
            const struct pkg *t = &g.pkgs[p->edges[e]];
            found = !strcmp(t->name, d->package) && lockgraph_accepts(d->req, t->version);
        }
        fits = found;
    }
    lockgraph_release(&g);
    strbuf_release(&root);
    strbuf_release(&version);
    return fits;
}

/* cargo resolves the project: keeping the entry's own lock (update --workspace) or anew. */
static int resolve(const struct lockseed_request *r, int keep_own)
{
    char *update[] = {"update", "--workspace"}, *generate[] = {"generate-lockfile"};
    struct strbuf output = STRBUF_INIT;
    struct build_request req = {.action = CARGO_OTHER,
                                .args = keep_own ? update : generate,
                                .nargs = keep_own ? 2 : 1,
                                .output = &output};
    int status = build_run_cargo(r->entry, r->build, &req, r->script_name);
    if (status)
        note("%s: cargo could not resolve the dependencies%s: %.*s", r->script_name,
             keep_own ? " with the versions locked before" : "",
             (int)strcspn(output.buf, "\n"), output.buf);
    strbuf_release(&output);
    return status ? -1 : 0;
}

static void project_file(const struct lockseed_request *r, const char *name, struct strbuf *path)
{
    strbuf_reset(path);
    strbuf_addf(path, "%s/%s", r->entry->project_dir.buf, name);
}

/* Where the build goes back to when cargo refuses the lock before compiling anything:
 *     reused\n<cargo's own resolution>   packages were moved (nothing after the line: the lock
 *                                        was made of other entries' locks alone)
 *     own\n                              the lock was the entry's own: resolve anew
 * Absent when there is nothing to go back to. */
#define FALLBACK_FILE "Cargo.lock.cthag-fallback"

/* Resolve, then move: what lockseed_prepare does when no other entry locked all that the
 * manifest needs.  Returns 1 with cargo's resolution in fallback when packages moved. */
static int resolve_and_move(const struct lockseed_request *r, int *has_own, const char *own,
                            const char *manifest, char **others, size_t nothers,
                            struct strbuf *fallback)
{
    struct strbuf path = STRBUF_INIT, resolved = STRBUF_INIT, seeded = STRBUF_INIT;
    struct strbuf moves = STRBUF_INIT;
    int moved = 0;
    project_file(r, "Cargo.lock", &path);
    if (*has_own && resolve(r, 1)) {
        inform("%s: cargo refused the versions this script locked before; resolving anew",
               r->script_name);
        unlink(path.buf);
        *has_own = 0;
    }
    if ((*has_own || !resolve(r, 0)) && !fs_read_file(path.buf, &resolved) &&
        lockseed_reuse(resolved.buf, *has_own ? own : NULL, (const char *const *)others, nothers,
                       manifest, r->registry, &seeded, &moves) &&
        fs_write_if_changed(path.buf, seeded.buf, seeded.len) >= 0) {
        note("%s: reusing versions other scripts compiled:\n%s", r->script_name, moves.buf);
        strbuf_add(fallback, resolved.buf, resolved.len);
        moved = 1;
    }
    strbuf_release(&path);
    strbuf_release(&resolved);
    strbuf_release(&seeded);
    strbuf_release(&moves);
    return moved;
}

/* Other entries locked everything the manifest needs: their lock, as it is. */
static int graft_other_locks(const struct lockseed_request *r, const char *manifest,
                             char **others, size_t nothers)
{
    struct strbuf lock = STRBUF_INIT, path = STRBUF_INIT;
    int grafted = graft_lock(manifest, others, nothers, r->registry, &lock);
    project_file(r, "Cargo.lock", &path);
    if (grafted && fs_write_if_changed(path.buf, lock.buf, lock.len) < 0)
        grafted = 0;
    if (grafted)
        note("%s: every dependency is one other scripts compiled: their versions are locked",
             r->script_name);
    strbuf_release(&lock);
    strbuf_release(&path);
    return grafted;
}

/* Only this process reads it back, and only after a build: no need to survive a crash. */
static void write_fallback(const char *path, const char *kind, const struct strbuf *lock)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    size_t len = strlen(kind);
    if (write(fd, kind, len) != (ssize_t)len ||
        write(fd, lock->buf, lock->len) != (ssize_t)lock->len)
        unlink(path);
    close(fd);
}

int lockseed_prepare(const struct lockseed_request *r)
{
    struct strbuf path = STRBUF_INIT, own = STRBUF_INIT, manifest = STRBUF_INIT;
    struct strbuf fallback = STRBUF_INIT;
    char **others = NULL;
    size_t nothers = 0;
    project_file(r, FALLBACK_FILE, &path);
    unlink(path.buf);
    project_file(r, "Cargo.lock", &path);
    int has_own = !fs_read_file(path.buf, &own), reused = 0;
    project_file(r, "Cargo.toml", &path);
    /* Other entries' locks are read only when they can matter: not for a rebuild whose own
     * lock cargo keeps as it is (an edit and rerun reads no other entry). */
    int has_manifest = !fs_read_file(path.buf, &manifest);
    int fits = has_own && has_manifest && own_lock_fits(own.buf, manifest.buf);
    if (has_manifest && !fits && manifest_uses_registry(manifest.buf))
        read_other_locks(r, &others, &nothers);
    if (!nothers)
        ; /* nothing to offer, or cargo keeps the entry's own lock */
    else if (!has_own && graft_other_locks(r, manifest.buf, others, nothers))
        reused = 1;
    else
        reused = resolve_and_move(r, &has_own, own.buf, manifest.buf, others, nothers,
                                  &fallback);
    project_file(r, FALLBACK_FILE, &path);
    /* (an own lock of no registry package is one cargo cannot refuse) */
    if (reused || (has_own && has_registry_package(own.buf)))
        write_fallback(path.buf, reused ? "reused\n" : "own\n", &fallback);
    for (size_t i = 0; i < nothers; i++)
        free(others[i]);
    free(others);
    strbuf_release(&path);
    strbuf_release(&own);
    strbuf_release(&manifest);
    strbuf_release(&fallback);
    return spawn_interrupted ? -1 : 0;
}

/* Put the fallback in place: cargo's own resolution, or no lock at all. */
static int fall_back(const char *lock_path, const char *lock, size_t len)
{
    if (len)
        return fs_write_atomic(lock_path, lock, len, 0600);
    return unlink(lock_path) && errno != ENOENT ? -1 : 0;
}

int lockseed_after_build(const struct lockseed_request *r, int failed, int compiled)
{
    struct strbuf path = STRBUF_INIT, fallback = STRBUF_INIT, lock = STRBUF_INIT;
    project_file(r, FALLBACK_FILE, &path);
    int has_fallback = !fs_read_file(path.buf, &fallback), retry = 0;
    unlink(path.buf);
    project_file(r, "Cargo.lock", &lock);
    int reused = has_fallback && !strncmp(fallback.buf, "reused\n", 7);
    size_t skip = has_fallback ? strcspn(fallback.buf, "\n") + 1 : 0;
    if (!has_fallback || !failed || skip > fallback.len) {
        /* nothing to go back to, or no need */
    } else if (compiled && reused) {
        inform("%s: built with versions other scripts compiled (cthag -v says which); "
               "cthag -f --update %s builds with the newest", r->script_name, r->script_name);
    } else if (!compiled) {
        inform(reused ? "%s: cargo refused the versions reused from other scripts; building "
                        "with those cargo chooses"
                      : "%s: cargo refused the versions this script locked before; building "
                        "with those cargo chooses now",
               r->script_name);
        retry = !fall_back(lock.buf, fallback.buf + skip, fallback.len - skip);
    }
    strbuf_release(&path);
    strbuf_release(&fallback);
    strbuf_release(&lock);
    return retry;
}
