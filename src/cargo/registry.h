/* What the registry a script's dependencies come from knows about crates: the name it really
 * has for a crate the code spells foo_bar, and the versions a built project locked.
 *
 * crates.io treats '-' and '_' as the same crate name, but cargo (1.95) does not: a manifest
 * saying `foo_bar = "*"` for the crate `foo-bar` fails ("no matching package found ... perhaps
 * you meant: foo-bar").  Looking the crate up, cargo tries the name as given, then with every
 * '-' as '_' and every '_' as '-', and keeps what it fetched in its index cache
 * ($CARGO_HOME/registry/index/<registry>/.cache/<index path>/<name>).  cthag reads that cache;
 * when it does not know the crate yet, a quiet `cargo generate-lockfile` on a scratch manifest
 * makes cargo fetch it.  cthag itself never talks to the network. */
#ifndef CTHAG_CARGO_REGISTRY_H
#define CTHAG_CARGO_REGISTRY_H

#include "util/strbuf.h"

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

/* The index cache's relative path for a crate name, as cargo lays it out: "1/a", "2/ab",
 * "3/a/abc", "ab/cd/abcd..." (lowercase). */
void registry_index_path(const char *name, struct strbuf *out);

/* The version of crate that Cargo.lock's text locked as a direct dependency of package root;
 * -1 (nothing appended) when the lock does not say. */
int registry_locked_version(const char *lock, size_t len, const char *root, const char *crate,
                            struct strbuf *version);

#endif
