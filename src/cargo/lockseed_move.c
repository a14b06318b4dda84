/* Version reuse's move (lockseed_reuse(), see lockseed.h): cargo's resolution, with packages
 * moved to versions other entries compiled where every requirement allows it.
 *
 * The resolution is read into a graph (cargo/lockgraph.c): packages (name, version, source, checksum) and the
 * edges cargo locked between them.  A package may move to a candidate (the highest version of
 * its series another entry locked, still in the registry as that entry locked it).  Then,
 * until nothing changes, every package's requirements are checked against the versions now
 * chosen; a requirement that fails undoes the move that broke it.  Moves only ever get undone,
 * so this ends, at worst with cargo's resolution unchanged. */
#include "cargo/lockseed.h"

#include "cargo/lockgraph.h"
#include "cargo/semver.h"
#include "toml/toml.h"
#include "util/die.h"

#include <stdlib.h>
#include <string.h>

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

/* Each requirement p's release has on the target of one of cargo's edges (those its original
 * version meets) must accept the target's chosen version.  Returns 0, or 1 after undoing the
 * move that breaks it. */
static int check_edge(struct graph *g, struct pkg *p, struct pkg *target)
{
    if (!lockgraph_is_moved(target))
        return 0;
    const struct registry_release *rel = lockgraph_release_of(g, p);
    if (!rel) { /* unknown requirements: keep cargo's version */
        undo_move(target);
        return 1;
    }
    for (size_t i = 0; i < rel->ndeps; i++) {
        const struct registry_dep *d = &rel->deps[i];
        if (d->local || strcmp(d->package, target->name) || (d->kind == REGISTRY_DEP_DEV && !p->root) ||
            !lockgraph_accepts(d->req, target->version))
            continue;
        if (!lockgraph_accepts(d->req, target->chosen) || !lockgraph_has_features(g, target, d)) {
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
        if (t->registry && !strcmp(t->name, d->package) && lockgraph_accepts(d->req, t->chosen) &&
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
    const struct registry_release *rel = lockgraph_release_of(g, p);
    p->nmoved_edges = 0;
    for (size_t i = 0; rel && i < rel->ndeps; i++) {
        const struct registry_dep *d = &rel->deps[i];
        if (d->kind == REGISTRY_DEP_DEV || (d->optional && !had_edge_to(g, p, d->package)))
            continue;
        long t = find_dependency(g, d);
        if (t < 0 || !lockgraph_has_features(g, &g->pkgs[t], d)) {
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
        if (lockgraph_is_moved(p)) {
            undone += relink_moved(g, p);
            continue;
        }
        for (size_t e = 0; e < p->nedges; e++) {
            struct pkg *target = &g->pkgs[p->edges[e]];
            if (p->registry || p->root)
                undone += check_edge(g, p, target);
            else if (lockgraph_is_moved(target)) /* p's requirements (path, git) are unknown */
                undone += (undo_move(target), 1);
        }
    }
    return undone;
}

/* ---- candidates: what the other entries compiled ---- */

/* The best version of p's series another lock has: the highest still published; none when
 * cargo's own choice is compiled already. */
static void choose_candidate(struct graph *g, struct pkg *p, struct toml_value *const *others,
                             size_t nothers)
{
    struct candidate best = {NULL, NULL};
    int compiled = 0;
    for (size_t o = 0; o < nothers; o++) {
        const struct toml_value *packages = lockgraph_packages(others[o]);
        for (size_t i = 0; packages && i < packages->count; i++) {
            const struct toml_value *t = packages->items[i];
            struct candidate c = {lockgraph_string(t, "version"), lockgraph_string(t, "checksum")};
            const char *name = lockgraph_string(t, "name"), *source = lockgraph_string(t, "source");
            if (!name || !c.version || !source || strcmp(name, p->name) ||
                strcmp(source, p->source))
                continue;
            compiled |= !strcmp(c.version, p->version);
            if (!lockgraph_same_series(c.version, p->version) || !strcmp(c.version, p->version) ||
                (best.version && semver_compare_text(c.version, best.version) <= 0) ||
                !lockgraph_still_published(g, p->name, &c))
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
    const struct toml_value *packages = lockgraph_packages(doc);
    for (size_t i = 0; packages && i < packages->count; i++) {
        const char *name = lockgraph_string(packages->items[i], "name");
        const char *version = lockgraph_string(packages->items[i], "version");
        const char *source = lockgraph_string(packages->items[i], "source");
        if (name && version && source && p->source && !strcmp(name, p->name) &&
            !strcmp(version, p->version) && !strcmp(source, p->source))
            return 1;
    }
    return 0;
}

/* ---- the whole move ---- */

static size_t count_moves(const struct graph *g, struct strbuf *moves)
{
    size_t moved = 0;
    for (size_t i = 0; i < g->count; i++) {
        if (!lockgraph_is_moved(&g->pkgs[i]))
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
    if (!lockgraph_read_manifest(manifest, &root, &root_version) &&
        !registry_release_from_manifest(manifest, &g.manifest) &&
        !lockgraph_read(&g, resolved, root.buf)) {
        for (size_t i = 0; i < g.count; i++)
            if (!g.pkgs[i].pinned && !in_lock(own_doc, &g.pkgs[i]))
                choose_candidate(&g, &g.pkgs[i], other_docs, nothers);
        while (check_pass(&g))
            ;
        moved = count_moves(&g, moves);
        if (moved)
            lockgraph_write(&g, out);
    }
    lockgraph_release(&g);
    for (size_t i = 0; i < nothers; i++)
        toml_free(other_docs[i]);
    free(other_docs);
    toml_free(own_doc);
    strbuf_release(&root);
    strbuf_release(&root_version);
    return moved;
}
