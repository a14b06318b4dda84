/* Version reuse (see lockseed.h): cargo's resolution, with packages moved to versions other
 * entries compiled where every requirement allows it.
 *
 * The resolution is read into a graph: packages (name, version, source, checksum) and the
 * edges cargo locked between them.  A package may move to a candidate (the highest version of
 * its series another entry locked, still in the registry as that entry locked it).  Then,
 * until nothing changes, every package's requirements are checked against the versions now
 * chosen; a requirement that fails undoes the move that broke it.  Moves only ever get undone,
 * so this ends, at worst with cargo's resolution unchanged. */
#include "cargo/lockseed.h"

#include "cache/cache.h"
#include "cargo/manifest.h"
#include "cargo/semver.h"
#include "toml/toml.h"
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

struct candidate {
    const char *version, *checksum; /* owned by the other lock's parsed document */
};

struct pkg {
    const char *name, *version, *source, *checksum; /* cargo's choice, in the resolved lock */
    const char *chosen, *chosen_checksum;           /* the version it has now */
    size_t *edges;                                  /* cargo's: indexes of packages */
    size_t nedges, edges_alloc;
    size_t *moved_edges;                            /* a moved package's own edges */
    size_t nmoved_edges, moved_edges_alloc;
    int registry;                                   /* from a registry (else path or git) */
    int pinned;                                     /* must keep cargo's version */
    int root;                                       /* the script's own package */
    struct registry_release rel;                    /* of the chosen version */
    int rel_state;                                  /* 0 not read, 1 read, -1 unreadable */
};

struct graph {
    struct pkg *pkgs;
    size_t count, alloc;
    struct toml_value *doc;       /* the resolved lock */
    const struct registry *registry;
    struct registry_release manifest; /* the root's requirements */
    int lock_version;
};

static const char *string_of(const struct toml_value *table, const char *key)
{
    const struct toml_value *v = toml_get(table, key);
    return v && v->type == TOML_STRING && !memchr(v->text, '\0', v->text_len) ? v->text : NULL;
}

/* Registry packages only: a path or git dependency is the script's own business. */
static int from_registry(const char *source)
{
    return source && (!strncmp(source, "registry+", 9) || !strncmp(source, "sparse+", 7));
}

static int same_series(const char *a, const char *b)
{
    struct semver va, vb;
    struct strbuf sa = STRBUF_INIT, sb = STRBUF_INIT;
    int same = !semver_parse(a, &va) && !semver_parse(b, &vb);
    if (same) {
        semver_series(&va, a, &sa);
        semver_series(&vb, b, &sb);
        same = !strcmp(sa.buf, sb.buf);
    }
    strbuf_release(&sa);
    strbuf_release(&sb);
    return same;
}

static int accepts(const char *req, const char *version)
{
    return semver_matches(req, version) == 1;
}

/* ---- reading a lock ---- */

static const struct toml_value *packages_of(const struct toml_value *doc)
{
    const struct toml_value *p = toml_get(doc, "package");
    return p && p->type == TOML_ARRAY ? p : NULL;
}

/* The package an edge names: "name", "name version" or "name version (source)". */
static long find_edge_target(const struct graph *g, const char *edge)
{
    size_t n = strcspn(edge, " ");
    const char *version = edge[n] ? edge + n + 1 : NULL;
    size_t vlen = version ? strcspn(version, " ") : 0;
    const char *source = version && version[vlen] == ' ' ? version + vlen + 1 : NULL;
    long found = -1;
    for (size_t i = 0; i < g->count; i++) {
        const struct pkg *p = &g->pkgs[i];
        if (strlen(p->name) != n || strncmp(p->name, edge, n) ||
            (version && (strlen(p->version) != vlen || strncmp(p->version, version, vlen))) ||
            (source && (!p->source || strncmp(source + 1, p->source, strlen(p->source)))))
            continue;
        if (found >= 0)
            return -1; /* ambiguous: not a lock cargo wrote */
        found = (long)i;
    }
    return found;
}

/* The packages and edges of cargo's lock; -1 when it is not one. */
static int read_graph(struct graph *g, const char *resolved, const char *root_name)
{
    struct toml_error err;
    int64_t version = 3;
    g->doc = toml_parse(resolved, strlen(resolved), 1, &err);
    const struct toml_value *packages = packages_of(g->doc);
    if (!packages)
        return -1;
    if (toml_get(g->doc, "version") && toml_integer(toml_get(g->doc, "version"), &version))
        return -1;
    g->lock_version = (int)version;
    for (size_t i = 0; i < packages->count; i++) {
        const struct toml_value *t = packages->items[i];
        struct pkg p = {.name = string_of(t, "name"), .version = string_of(t, "version"),
                        .source = string_of(t, "source"), .checksum = string_of(t, "checksum")};
        struct semver v;
        if (t->type != TOML_TABLE || !p.name || !p.version || semver_parse(p.version, &v))
            return -1;
        p.chosen = p.version;
        p.chosen_checksum = p.checksum;
        p.registry = from_registry(p.source);
        p.root = !p.source && root_name && !strcmp(p.name, root_name);
        p.pinned = !p.registry;
        ALLOC_GROW(g->pkgs, g->count + 1, g->alloc);
        g->pkgs[g->count++] = p;
    }
    for (size_t i = 0; i < packages->count; i++) {
        const struct toml_value *deps = toml_get(packages->items[i], "dependencies");
        for (size_t k = 0; deps && deps->type == TOML_ARRAY && k < deps->count; k++) {
            long target = deps->items[k]->type == TOML_STRING
                              ? find_edge_target(g, deps->items[k]->text)
                              : -1;
            if (target < 0)
                return -1;
            struct pkg *p = &g->pkgs[i];
            ALLOC_GROW(p->edges, p->nedges + 1, p->edges_alloc);
            p->edges[p->nedges++] = (size_t)target;
        }
    }
    return 0;
}

static void release_graph(struct graph *g)
{
    for (size_t i = 0; i < g->count; i++) {
        free(g->pkgs[i].edges);
        free(g->pkgs[i].moved_edges);
        registry_release_free(&g->pkgs[i].rel);
    }
    free(g->pkgs);
    registry_release_free(&g->manifest);
    toml_free(g->doc);
}

/* ---- what each package requires ---- */

/* The description of the package's chosen version: the manifest for the root, the registry's
 * for a registry package; NULL when it cannot be read (or for path and git packages). */
static const struct registry_release *release_of(struct graph *g, struct pkg *p)
{
    if (p->root)
        return &g->manifest;
    if (!p->registry)
        return NULL;
    if (!p->rel_state) {
        p->rel_state = registry_release_read(g->registry, p->name, p->chosen, &p->rel) ? -1 : 1;
    }
    return p->rel_state > 0 ? &p->rel : NULL;
}

/* Undo a move: the package goes back to cargo's version, for good. */
static void undo_move(struct pkg *p)
{
    p->chosen = p->version;
    p->chosen_checksum = p->checksum;
    p->pinned = 1;
    p->nmoved_edges = 0;
    registry_release_free(&p->rel);
    p->rel_state = 0;
}

static int is_moved(const struct pkg *p)
{
    return p->chosen != p->version;
}

/* Does target, as chosen, have the features a dependency asks for? */
static int has_features(struct graph *g, struct pkg *target, const struct registry_dep *d)
{
    const struct registry_release *rel = release_of(g, target);
    for (size_t i = 0; i < d->features.count; i++) {
        const char *f = d->features.items[i];
        if (!strcmp(f, "default") || strchr(f, '/'))
            continue; /* a missing default is no error; dep/feature forms are not checked */
        if (!rel || !strlist_contains(&rel->features, f))
            return 0;
    }
    return 1;
}

/* Each requirement p's release has on the target of one of cargo's edges (those its original
 * version meets) must accept the target's chosen version.  Returns 0, or 1 after undoing the
 * move that breaks it. */
static int check_edge(struct graph *g, struct pkg *p, struct pkg *target)
{
    if (!is_moved(target))
        return 0;
    const struct registry_release *rel = release_of(g, p);
    if (!rel) { /* unknown requirements: keep cargo's version */
        undo_move(target);
        return 1;
    }
    for (size_t i = 0; i < rel->ndeps; i++) {
        const struct registry_dep *d = &rel->deps[i];
        if (d->local || strcmp(d->package, target->name) || (d->kind == REGISTRY_DEP_DEV && !p->root) ||
            !accepts(d->req, target->version))
            continue;
        if (!accepts(d->req, target->chosen) || !has_features(g, target, d)) {
            undo_move(target);
            return 1;
        }
    }
    return 0;
}

/* The package a moved release's dependency d can lock to: a registry package of that name whose
 * chosen version d accepts (the highest); -1 when none. */
static long find_dependency(const struct graph *g, const struct registry_dep *d)
{
    long best = -1;
    for (size_t i = 0; i < g->count; i++) {
        const struct pkg *t = &g->pkgs[i];
        if (t->registry && !strcmp(t->name, d->package) && accepts(d->req, t->chosen) &&
            (best < 0 || semver_compare_text(t->chosen, g->pkgs[best].chosen) > 0))
            best = (long)i;
    }
    return best;
}

/* Did cargo lock p (as it resolved it) to a package named name? */
static int had_edge_to(const struct graph *g, const struct pkg *p, const char *name)
{
    for (size_t i = 0; i < p->nedges; i++)
        if (!strcmp(g->pkgs[p->edges[i]].name, name))
            return 1;
    return 0;
}

/* A moved package's dependencies, found again in the graph: every one it needs (an optional one
 * only where cargo had enabled it) at a version it accepts, with its features.  Returns 0, or 1
 * after undoing the move. */
static int relink_moved(struct graph *g, struct pkg *p)
{
    const struct registry_release *rel = release_of(g, p);
    p->nmoved_edges = 0;
    for (size_t i = 0; rel && i < rel->ndeps; i++) {
        const struct registry_dep *d = &rel->deps[i];
        if (d->kind == REGISTRY_DEP_DEV || (d->optional && !had_edge_to(g, p, d->package)))
            continue;
        long t = find_dependency(g, d);
        if (t < 0 || !has_features(g, &g->pkgs[t], d)) {
            rel = NULL;
            break;
        }
        ALLOC_GROW(p->moved_edges, p->nmoved_edges + 1, p->moved_edges_alloc);
        p->moved_edges[p->nmoved_edges++] = (size_t)t;
    }
    if (rel)
        return 0;
    undo_move(p);
    return 1;
}

/* One pass over every requirement; returns how many moves it undid. */
static int check_pass(struct graph *g)
{
    int undone = 0;
    for (size_t i = 0; i < g->count; i++) {
        struct pkg *p = &g->pkgs[i];
        if (is_moved(p)) {
            undone += relink_moved(g, p);
            continue;
        }
        for (size_t e = 0; e < p->nedges; e++) {
            struct pkg *target = &g->pkgs[p->edges[e]];
            if (p->registry || p->root)
                undone += check_edge(g, p, target);
            else if (is_moved(target)) /* a path or git package's requirements are unknown */
                undone += (undo_move(target), 1);
        }
    }
    return undone;
}

/* ---- candidates: what the other entries compiled ---- */

/* Is the version still in the registry as the other entry locked it? */
static int still_published(const struct graph *g, const char *name, const struct candidate *c)
{
    struct registry_release rel;
    if (registry_release_read(g->registry, name, c->version, &rel))
        return 0;
    int ok = !rel.yanked && (!rel.checksum || !c->checksum || !strcmp(rel.checksum, c->checksum));
    if (!ok)
        note("%s %s, which another script locked, is %s in the registry: not reused", name,
             c->version, rel.yanked ? "yanked" : "published again with another checksum");
    registry_release_free(&rel);
    return ok;
}

/* The best version of p's series another lock has: the highest still published; none when
 * cargo's own choice is compiled already. */
static void choose_candidate(struct graph *g, struct pkg *p, struct toml_value *const *others,
                             size_t nothers)
{
    struct candidate best = {NULL, NULL};
    int compiled = 0;
    for (size_t o = 0; o < nothers; o++) {
        const struct toml_value *packages = packages_of(others[o]);
        for (size_t i = 0; packages && i < packages->count; i++) {
            const struct toml_value *t = packages->items[i];
            struct candidate c = {string_of(t, "version"), string_of(t, "checksum")};
            const char *name = string_of(t, "name"), *source = string_of(t, "source");
            if (!name || !c.version || !source || strcmp(name, p->name) ||
                strcmp(source, p->source))
                continue;
            compiled |= !strcmp(c.version, p->version);
            if (!same_series(c.version, p->version) || !strcmp(c.version, p->version) ||
                (best.version && semver_compare_text(c.version, best.version) <= 0) ||
                !still_published(g, p->name, &c))
                continue;
            best = c;
        }
    }
    if (best.version && !compiled) {
        p->chosen = best.version;
        p->chosen_checksum = best.checksum;
    }
}

/* Is p in the entry's own earlier lock (name, version, source)?  Those stay. */
static int in_lock(const struct toml_value *doc, const struct pkg *p)
{
    const struct toml_value *packages = packages_of(doc);
    for (size_t i = 0; packages && i < packages->count; i++) {
        const char *name = string_of(packages->items[i], "name");
        const char *version = string_of(packages->items[i], "version");
        const char *source = string_of(packages->items[i], "source");
        if (name && version && source && p->source && !strcmp(name, p->name) &&
            !strcmp(version, p->version) && !strcmp(source, p->source))
            return 1;
    }
    return 0;
}

/* ---- writing the lock ---- */

static void add_field(struct strbuf *out, const char *key, const char *value)
{
    strbuf_addf(out, "%s = ", key);
    toml_write_string(out, value, strlen(value));
    strbuf_addch(out, '\n');
}

/* How an edge names its target: by name when the lock has one package of that name, else with
 * its version (and source, when that is not enough), as cargo writes it. */
static void edge_name(const struct graph *g, const struct pkg *t, struct strbuf *out)
{
    int same_name = 0, same_version = 0;
    for (size_t i = 0; i < g->count; i++) {
        const struct pkg *p = &g->pkgs[i];
        same_name += !strcmp(p->name, t->name);
        same_version += !strcmp(p->name, t->name) && !strcmp(p->chosen, t->chosen);
    }
    strbuf_addstr(out, t->name);
    if (same_name > 1)
        strbuf_addf(out, " %s", t->chosen);
    if (same_version > 1 && t->source)
        strbuf_addf(out, " (%s)", t->source);
}

static int compare_order(const struct graph *g, size_t a, size_t b)
{
    const struct pkg *pa = &g->pkgs[a], *pb = &g->pkgs[b];
    int c = strcmp(pa->name, pb->name);
    if (!c)
        c = semver_compare_text(pa->chosen, pb->chosen);
    if (!c)
        c = strcmp(pa->source ? pa->source : "", pb->source ? pb->source : "");
    return c;
}

/* Edge strings sorted, as cargo lists them. */
static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void write_package(const struct graph *g, const struct pkg *p, struct strbuf *out)
{
    const size_t *edges = is_moved(p) ? p->moved_edges : p->edges;
    size_t nedges = is_moved(p) ? p->nmoved_edges : p->nedges;
    strbuf_addstr(out, "\n[[package]]\n");
    add_field(out, "name", p->name);
    add_field(out, "version", p->chosen);
    if (p->source)
        add_field(out, "source", p->source);
    if (p->chosen_checksum)
        add_field(out, "checksum", p->chosen_checksum);
    if (!nedges)
        return;
    char **names = xcalloc(nedges, sizeof(*names));
    for (size_t i = 0; i < nedges; i++) {
        struct strbuf name = STRBUF_INIT;
        edge_name(g, &g->pkgs[edges[i]], &name);
        names[i] = strbuf_detach(&name);
    }
    qsort(names, nedges, sizeof(*names), compare_strings);
    strbuf_addstr(out, "dependencies = [\n");
    for (size_t i = 0; i < nedges; i++) {
        if (!i || strcmp(names[i], names[i - 1])) {
            strbuf_addch(out, ' ');
            toml_write_string(out, names[i], strlen(names[i]));
            strbuf_addstr(out, ",\n");
        }
    }
    strbuf_addstr(out, "]\n");
    for (size_t i = 0; i < nedges; i++)
        free(names[i]);
    free(names);
}

static void write_lock(const struct graph *g, struct strbuf *out)
{
    size_t *order = xcalloc(g->count + 1, sizeof(*order));
    for (size_t i = 0; i < g->count; i++) {
        size_t j = i;
        for (; j > 0 && compare_order(g, order[j - 1], i) > 0; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    strbuf_addf(out, "# This file is automatically @generated by Cargo.\n"
                     "# It is not intended for manual editing.\n"
                     "# cthag: versions other scripts compiled, reused where every requirement\n"
                     "# allows.\n"
                     "version = %d\n",
                g->lock_version);
    for (size_t i = 0; i < g->count; i++)
        write_package(g, &g->pkgs[order[i]], out);
    free(order);
}

/* ---- the whole move ---- */

/* The [package] name and version of the manifest; -1 when cargo alone may decide ([patch],
 * [replace]) or it cannot be read. */
static int read_manifest(const char *manifest, struct strbuf *name, struct strbuf *version)
{
    struct toml_error err;
    struct toml_value *doc = toml_parse(manifest, strlen(manifest), 1, &err);
    const char *n = string_of(toml_get(doc, "package"), "name");
    const char *v = string_of(toml_get(doc, "package"), "version");
    int ok = doc && n && !toml_get(doc, "patch") && !toml_get(doc, "replace");
    if (ok) {
        strbuf_addstr(name, n);
        strbuf_addstr(version, v ? v : "0.1.0");
    }
    toml_free(doc);
    return ok ? 0 : -1;
}

static size_t count_moves(const struct graph *g, struct strbuf *moves)
{
    size_t moved = 0;
    for (size_t i = 0; i < g->count; i++) {
        if (!is_moved(&g->pkgs[i]))
            continue;
        moved++;
        if (moves)
            strbuf_addf(moves, "%s %s -> %s\n", g->pkgs[i].name, g->pkgs[i].version,
                        g->pkgs[i].chosen);
    }
    return moved;
}

size_t lockseed_reuse(const char *resolved, const char *own, const char *const *others,
                      size_t nothers, const char *manifest, const struct registry *registry,
                      struct strbuf *out, struct strbuf *moves)
{
    struct graph g;
    struct strbuf root = STRBUF_INIT, root_version = STRBUF_INIT;
    struct toml_error err;
    memset(&g, 0, sizeof(g));
    g.registry = registry;
    struct toml_value *own_doc = own ? toml_parse(own, strlen(own), 1, &err) : NULL;
    struct toml_value **other_docs = xcalloc(nothers + 1, sizeof(*other_docs));
    for (size_t i = 0; i < nothers; i++)
        other_docs[i] = toml_parse(others[i], strlen(others[i]), 1, &err);
    size_t moved = 0;
    if (!read_manifest(manifest, &root, &root_version) &&
        !registry_release_from_manifest(manifest, &g.manifest) &&
        !read_graph(&g, resolved, root.buf)) {
        for (size_t i = 0; i < g.count; i++)
            if (!g.pkgs[i].pinned && !in_lock(own_doc, &g.pkgs[i]))
                choose_candidate(&g, &g.pkgs[i], other_docs, nothers);
        while (check_pass(&g))
            ;
        moved = count_moves(&g, moves);
        if (moved)
            write_lock(&g, out);
    }
    release_graph(&g);
    for (size_t i = 0; i < nothers; i++)
        toml_free(other_docs[i]);
    free(other_docs);
    toml_free(own_doc);
    strbuf_release(&root);
    strbuf_release(&root_version);
    return moved;
}

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
        if (same_series(q->version, p->version))
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
            if (!p->registry || strcmp(p->name, d->package) || !accepts(d->req, p->version) ||
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
        if (t < 0 || !has_features(m, &m->pkgs[t], d))
            return -1;
        struct pkg *root = &m->pkgs[0];
        ALLOC_GROW(root->edges, root->nedges + 1, root->edges_alloc);
        root->edges[root->nedges++] = (size_t)t;
    }
    for (size_t i = 1; i < m->count; i++) {
        struct candidate c = {m->pkgs[i].version, m->pkgs[i].checksum};
        if (!still_published(m, m->pkgs[i].name, &c))
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
        if (!read_graph(&graphs[n], others[i], NULL)) {
            if (graphs[n].lock_version > m.lock_version)
                m.lock_version = graphs[n].lock_version;
            n++;
        } else {
            release_graph(&graphs[n]);
            memset(&graphs[n], 0, sizeof(graphs[n]));
        }
    }
    int ok = !read_manifest(manifest, &root, &version) &&
             !registry_release_from_manifest(manifest, &m.manifest);
    if (ok) {
        struct pkg self = {.name = root.buf, .version = version.buf, .chosen = version.buf,
                           .root = 1, .pinned = 1};
        ALLOC_GROW(m.pkgs, 1, m.alloc);
        m.pkgs[m.count++] = self;
        ok = !graft(&m, graphs, n);
    }
    if (ok)
        write_lock(&m, out);
    release_graph(&m);
    for (size_t i = 0; i < n; i++)
        release_graph(&graphs[i]);
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
    int fits = !read_manifest(manifest, &root, &version) &&
               !registry_release_from_manifest(manifest, &g.manifest) &&
               !read_graph(&g, own, root.buf);
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
            found = !strcmp(t->name, d->package) && accepts(d->req, t->version);
        }
        fits = found;
    }
    release_graph(&g);
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
