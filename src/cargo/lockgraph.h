/* Internal to version reuse (lockgraph.c, lockseed.c, lockseed_move.c): a Cargo.lock as a
 * graph of packages and the edges cargo locked between them, each package with cargo's version
 * and the one it has now (moved to a version another entry compiled, or not).  Not for other
 * modules. */
#ifndef CTHAG_CARGO_LOCKGRAPH_H
#define CTHAG_CARGO_LOCKGRAPH_H

#include "cargo/registry.h"
#include "toml/toml.h"
#include "util/strbuf.h"

#include <stddef.h>

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

/* The string at key of a TOML table, or NULL (not a string, or with a NUL in it). */
const char *lockgraph_string(const struct toml_value *table, const char *key);
/* Are the two versions of one compatibility series (1.x, 0.4.x)? */
int lockgraph_same_series(const char *a, const char *b);
/* Does requirement req accept version? */
int lockgraph_accepts(const char *req, const char *version);

/* A lock's [[package]] array, or NULL. */
const struct toml_value *lockgraph_packages(const struct toml_value *doc);
/* Read cargo's lock (text resolved) into g, whose registry the caller set; root_name names the
 * script's own package (or NULL).  -1 when it is not a lock cargo wrote; release g either way. */
int lockgraph_read(struct graph *g, const char *resolved, const char *root_name);
void lockgraph_release(struct graph *g);

/* What the registry (or for the root, the manifest) says of p's chosen version; NULL when it
 * cannot be read, or for path and git packages.  Owned by g. */
const struct registry_release *lockgraph_release_of(struct graph *g, struct pkg *p);
/* Has p moved from cargo's version? */
int lockgraph_is_moved(const struct pkg *p);
/* Does target, as chosen, have the features d asks for? */
int lockgraph_has_features(struct graph *g, struct pkg *target, const struct registry_dep *d);
/* Is c still in the registry, not yanked, with the checksum the other entry locked? */
int lockgraph_still_published(const struct graph *g, const char *name, const struct candidate *c);

/* Append g as cargo writes a Cargo.lock (packages sorted, edges named as cargo names them). */
void lockgraph_write(const struct graph *g, struct strbuf *out);

/* The [package] name and version of the manifest (appended); -1 when cargo alone may decide
 * ([patch], [replace]) or it cannot be read. */
int lockgraph_read_manifest(const char *manifest, struct strbuf *name, struct strbuf *version);

#endif
