/* What the registry a script's dependencies come from knows about crates: the name it really
 * has for a crate the code spells foo_bar, its newest release, what each release depends on,
 * and the versions a built project locked.
 *
 * crates.io treats '-' and '_' as the same crate name, but cargo (1.95) does not: a manifest
 * saying `foo_bar = "*"` for the crate `foo-bar` fails ("no matching package found ... perhaps
 * you meant: foo-bar").  Looking the crate up, cargo tries the name as given, then with every
 * '-' as '_' and every '_' as '-', and keeps what it fetched in its index cache
 * ($CARGO_HOME/registry/index/<registry>/.cache/<index path>/<name>: every release with its
 * dependencies, checksum and yanked flag).  cthag reads that cache; to have it up to date it
 * asks cargo to fetch the crates' index entries, once for all of a script's crates, with a quiet
 * `cargo generate-lockfile` on a scratch manifest requiring versions no crate has: cargo fetches
 * exactly those entries (in parallel) and stops.  cthag itself never talks to the network.
 * A directory source (--registry-dir) is read directly: <dir>/<name>-<version>/Cargo.toml. */
#ifndef CTHAG_CARGO_REGISTRY_H
#define CTHAG_CARGO_REGISTRY_H

#include "util/strbuf.h"
#include "util/strlist.h"

struct registry {
    const char *registry_dir; /* a directory source used in place of crates.io, or NULL */
    const char *cargo_home;   /* $CARGO_HOME, else ~/.cargo: where cargo's index cache is */
    const char *toolchain;    /* +toolchain for the cargo it asks, or NULL */
    int offline;              /* never ask cargo to fetch anything */
};

/* Fill in cargo_home from the environment ($CARGO_HOME, else $HOME/.cargo); owned by home. */
void registry_init(struct registry *r, struct strbuf *home);

/* The name the registry has for the crate the code calls name: name, the name with every '_'
 * as '-', or with every '-' as '_'; name itself when the registry has none of them (cargo then
 * says what is wrong). */
void registry_crate_name(const struct registry *r, const char *name, struct strbuf *out);

/* What the registry says of a crate the code names. */
enum registry_answer {
    REGISTRY_FOUND,   /* name and newest filled in */
    REGISTRY_ABSENT,  /* the registry has no such crate under any spelling */
    REGISTRY_UNKNOWN, /* crates.io could not be asked (offline, no network): name is as given */
};
struct registry_crate {
    const char *code_name; /* in: as the code spells it */
    struct strbuf name;    /* out: the registry's name */
    struct strbuf newest;  /* out: its newest release (not yanked; a pre-release only when
                            * there is nothing else) */
    enum registry_answer answer;
};

/* Look crates up, all at once: crates.io's answers are refreshed with one cargo call (unless
 * offline), then read from the index cache; a directory source is read directly. */
void registry_lookup(const struct registry *r, struct registry_crate *crates, size_t n);

/* Every crate name the registry is known to have (a directory source's, or those in cargo's
 * index cache), appended to names: the candidates for "did you mean". */
void registry_known_names(const struct registry *r, struct strlist *names);

/* One release as the registry describes it. */
enum registry_dep_kind { REGISTRY_DEP_NORMAL, REGISTRY_DEP_BUILD, REGISTRY_DEP_DEV };
struct registry_dep {
    char *package; /* the crate depended on (its real name, renames undone) */
    char *req;     /* its version requirement ("*" when none is given) */
    enum registry_dep_kind kind;
    int optional;
    int local;     /* a path or git dependency (only in a project's own manifest) */
    struct strlist features; /* the features it asks for ("default" when default-features) */
};
struct registry_release {
    char *checksum; /* the .crate's sha256, or NULL when the registry gives none */
    int yanked;
    struct registry_dep *deps;
    size_t ndeps, deps_alloc;
    struct strlist features; /* its features' names and its optional dependencies' */
};

/* The release version of crate name; 0, or -1 when the registry does not have it. */
int registry_release_read(const struct registry *r, const char *name, const char *version,
                          struct registry_release *out);
void registry_release_free(struct registry_release *rel);
/* The same description of a project's own Cargo.toml text (its [features] asking "dep/f" count
 * as asked for by the dependency); -1 when it is not TOML. */
int registry_release_from_manifest(const char *manifest, struct registry_release *out);

/* The index cache's relative path for a crate name, as cargo lays it out: "1/a", "2/ab",
 * "3/a/abc", "ab/cd/abcd..." (lowercase). */
void registry_index_path(const char *name, struct strbuf *out);

/* The version of crate that Cargo.lock's text locked as a direct dependency of package root;
 * -1 (nothing appended) when the lock does not say. */
int registry_locked_version(const char *lock, size_t len, const char *root, const char *crate,
                            struct strbuf *version);

#endif
