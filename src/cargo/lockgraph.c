/* A Cargo.lock as a graph (cargo/lockgraph.h): read into packages and the edges cargo locked,
 * checked against what the registry says of each package's chosen version, written back as
 * cargo writes it.  Version reuse (lockseed.c, lockseed_move.c) works on it. */
#include "cargo/lockgraph.h"

#include "cargo/semver.h"
#include "toml/toml.h"
#include "util/die.h"

#include <stdlib.h>
#include <string.h>

const char *lockgraph_string(const struct toml_value *table, const char *key)
{
    const struct toml_value *v = toml_get(table, key);
    return v && v->type == TOML_STRING && !memchr(v->text, '\0', v->text_len) ? v->text : NULL;
}

/* Registry packages only: a path or git dependency is the script's own business. */
static int from_registry(const char *source)
{
    return source && (!strncmp(source, "registry+", 9) || !strncmp(source, "sparse+", 7));
}

int lockgraph_same_series(const char *a, const char *b)
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

int lockgraph_accepts(const char *req, const char *version)
{
    return semver_matches(req, version) == 1;
}

/* ---- reading a lock ---- */

const struct toml_value *lockgraph_packages(const struct toml_value *doc)
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
int lockgraph_read(struct graph *g, const char *resolved, const char *root_name)
{
    struct toml_error err;
    int64_t version = 3;
    g->doc = toml_parse(resolved, strlen(resolved), 1, &err);
    const struct toml_value *packages = lockgraph_packages(g->doc);
    if (!packages)
        return -1;
    if (toml_get(g->doc, "version") && toml_integer(toml_get(g->doc, "version"), &version))
        return -1;
    g->lock_version = (int)version;
    for (size_t i = 0; i < packages->count; i++) {
        const struct toml_value *t = packages->items[i];
        struct pkg p = {.name = lockgraph_string(t, "name"),
                        .version = lockgraph_string(t, "version"),
                        .source = lockgraph_string(t, "source"),
                        .checksum = lockgraph_string(t, "checksum")};
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

void lockgraph_release(struct graph *g)
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

/* ---- what the registry says of a package ---- */

/* The description of the package's chosen version: the manifest for the root, the registry's
 * for a registry package; NULL when it cannot be read (or for path and git packages). */
const struct registry_release *lockgraph_release_of(struct graph *g, struct pkg *p)
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

int lockgraph_is_moved(const struct pkg *p)
{
    return p->chosen != p->version;
}

/* Does target, as chosen, have the features a dependency asks for? */
int lockgraph_has_features(struct graph *g, struct pkg *target, const struct registry_dep *d)
{
    const struct registry_release *rel = lockgraph_release_of(g, target);
    for (size_t i = 0; i < d->features.count; i++) {
        const char *f = d->features.items[i];
        if (!strcmp(f, "default") || strchr(f, '/'))
            continue; /* a missing default is no error; dep/feature forms are not checked */
        if (!rel || !strlist_contains(&rel->features, f))
            return 0;
    }
    return 1;
}

/* Is the version still in the registry as the other entry locked it? */
int lockgraph_still_published(const struct graph *g, const char *name, const struct candidate *c)
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
    const size_t *edges = lockgraph_is_moved(p) ? p->moved_edges : p->edges;
    size_t nedges = lockgraph_is_moved(p) ? p->nmoved_edges : p->nedges;
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

void lockgraph_write(const struct graph *g, struct strbuf *out)
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

/* ---- the manifest ---- */

/* The [package] name and version of the manifest; -1 when cargo alone may decide ([patch],
 * [replace]) or it cannot be read. */
int lockgraph_read_manifest(const char *manifest, struct strbuf *name, struct strbuf *version)
{
    struct toml_error err;
    struct toml_value *doc = toml_parse(manifest, strlen(manifest), 1, &err);
    const char *n = lockgraph_string(toml_get(doc, "package"), "name");
    const char *v = lockgraph_string(toml_get(doc, "package"), "version");
    int ok = doc && n && !toml_get(doc, "patch") && !toml_get(doc, "replace");
    if (ok) {
        strbuf_addstr(name, n);
        strbuf_addstr(version, v ? v : "0.1.0");
    }
    toml_free(doc);
    return ok ? 0 : -1;
}
