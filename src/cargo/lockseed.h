/* Version reuse across scripts: a new script's dependencies are moved to the versions other
 * cache entries already compiled into the shared target, wherever that keeps cargo's resolution
 * valid, so the target does not fill with a copy of each release as crates.io moves on.
 *
 * How: cargo resolves the script's dependencies itself first (`cargo generate-lockfile`, or
 * `cargo update --workspace` keeping what the entry locked before), as it would for any
 * project; then each package the entry did not lock before moves to the highest version of its
 * compatibility series (1.x, 0.4.x) that another entry locked, when
 *   - every requirement on it in the graph accepts that version (its dependents' requirements,
 *     read from the registry, and the script's own manifest), with the features they ask for,
 *   - that version's own dependencies are in the graph at versions they accept,
 *   - the registry still has it, not yanked, with the checksum the other entry locked.
 * A move that breaks any of these is undone (and so are those that depended on it), until all
 * hold.  The result is a complete Cargo.lock, which the build takes as it is.  Only entries built
 * against the same registry count (a directory registry's checksums differ from crates.io's).
 * Packages of path or git dependencies, and anything they depend on, stay as cargo chose; a
 * manifest with [patch] or [replace] is left to cargo alone.
 *
 * When cargo still refuses the lock before compiling anything, the build is retried once with
 * cargo's own resolution (or, for versions the entry locked before, with none), saying so in
 * one line. */
#ifndef CTHAG_CARGO_LOCKSEED_H
#define CTHAG_CARGO_LOCKSEED_H

#include "cargo/build.h"
#include "cargo/registry.h"
#include "util/strbuf.h"

#include <stddef.h>

struct lockseed_request {
    const char *root;              /* the cache root: other entries are under projects/ */
    const struct cache_entry *entry;
    const struct build_opts *build; /* how cargo is run for the entry */
    const struct registry *registry;
    const char *script_name;       /* for messages */
};

/* Before a build: write the entry's Cargo.lock with versions other entries compiled, when they
 * have any to offer.  Returns 0 (a resolution cargo refuses is left to the build to report). */
int lockseed_prepare(const struct lockseed_request *r);

/* After a build (failed: it failed; compiled: rustc reported anything).  Returns 1 when the
 * build should run once more, having put back cargo's own resolution (or removed a lock of the
 * entry's own that cargo refused); says why in one line. */
int lockseed_after_build(const struct lockseed_request *r, int failed, int compiled);

/* The core, for the tests: cargo's resolution resolved (Cargo.lock text), the entry's previous
 * lock own (or NULL), the other entries' locks, the generated manifest.  Writes into out the
 * lock with the packages moved (see above) and returns how many moved (0: out is empty).
 * Moves are listed in moves, "name old -> new", one a line, when it is not NULL. */
size_t lockseed_reuse(const char *resolved, const char *own, const char *const *others,
                      size_t nothers, const char *manifest, const struct registry *registry,
                      struct strbuf *out, struct strbuf *moves);

#endif
