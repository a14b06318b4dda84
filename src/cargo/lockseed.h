/* Version reuse across scripts: a project's Cargo.lock is seeded with the versions that other
 * cache entries already locked, and so already compiled into the shared target.
 *
 * cargo keeps a locked version as long as it still satisfies the manifest, and prefers it to
 * newer releases; without a seed, each new script would resolve the newest release of every
 * dependency and compile another copy of it into the shared target as crates.io moves on.
 *
 * Only entries built against the same registry count (a directory registry's checksums differ
 * from crates.io's).  The project's own locked versions win; from the other entries, the highest
 * locked version of each semver-compatible series (1.x, 0.4.x, 0.0.3) of each registry package
 * is offered.  cargo drops what the project does not use when it rewrites the file. */
#ifndef CTHAG_CARGO_LOCKSEED_H
#define CTHAG_CARGO_LOCKSEED_H

#include "util/strbuf.h"

#include <stddef.h>

/* Write <project_dir>/Cargo.lock from the project's own Cargo.lock (if any) and the locks of the
 * entries under <root>/projects/ whose last build used registry ("" or NULL: crates.io).  Leaves
 * the file as it is when the other entries have nothing to add.  Unreadable or malformed locks of other entries are
 * skipped.  Returns 0, or -1 with the error printed. */
int lockseed_write(const char *root, const char *project_dir, const char *registry);

/* The seed itself, for the tests: a Cargo.lock's text (version 3) offering the packages of
 * own_lock (all of them) and of the other locks (the highest of each compatible series that
 * own_lock does not have), in cargo's order.  Malformed texts are skipped.  Returns how many
 * packages the other locks add; when none, out is left empty (own_lock is fine as it is). */
size_t lockseed_merge(const char *own_lock, const char *const *other_locks, size_t nother,
                      struct strbuf *out);

#endif
