/* What a job asks of cargo besides running it (build.h runs it): the rustc arguments of a build
 * from a copy of the script, the advice after a failed build, and the actions -c, -T and -A with
 * the exit status each leaves with. */
#ifndef CTHAG_CARGO_ACTION_H
#define CTHAG_CARGO_ACTION_H

#include "cache/cache.h"
#include "cargo/build.h"
#include "cargo/diag.h"
#include "options.h"
#include "util/strbuf.h"

/* -A fmt: rustfmt formats the script file itself (it reads frontmatter; it compiles nothing). */
int action_formats_script(const struct options *o);

/* A copy of a script file: rustc arguments that make its panics, file!() and backtrace frames
 * name the script (copy_name: the copy's file name in project_dir; NULL when the script is
 * compiled in place; script NULL for -e/-s/-l).  argv (4 slots) gets them NULL-terminated, or
 * argv[0] NULL when there are none; args (2) hold their text. */
void action_remap_copy_paths(const char *script, const char *copy_name, const char *project_dir,
                             struct strbuf args[2], const char *argv[4]);

/* After a failed build: when cargo could not even resolve the dependencies from crates.io (it
 * wrote no Cargo.lock), say that the network is the likely cause, and point at Debian's packaged
 * crates when they are there.  registry_dir: --registry-dir of the build, or NULL. */
void action_explain_failure(const struct cache_entry *e, const char *registry_dir,
                            const char *manifest, const char *script_name);

/* -c, -T, -A on the written project (in_place: the script is compiled where it lives).
 * Returns the exit status cthag leaves with: cargo test's and -A's own, 1 for a failed check
 * or a cargo that could not run, 2 for an -A that would edit cthag's copy of the script. */
int action_run(const struct options *o, const struct cache_entry *e, const struct build_opts *bo,
               const struct diag_map *diag, int in_place);

#endif
