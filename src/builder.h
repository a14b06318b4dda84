/* The build stage (DESIGN §2: cache → build): an entry built under its lock.  The executable
 * another cthag built meanwhile is reused; else the project is written with its lock seeded
 * (cargo/lockseed.h), then built without cargo when only the script crate's own files changed
 * (direct.h), else by cargo (cargo/build.h), recorded (cache/freshness.h) and committed
 * (cache/cache.h); -c/-T/-A and -g run their cargo action instead (cargo/action.h). */
#ifndef CTHAG_BUILDER_H
#define CTHAG_BUILDER_H

#include "cache/cache.h"
#include "cache/freshness.h"
#include "cache/identity.h"
#include "config.h"
#include "generate.h"
#include "options.h"

/* What the stage needs of the run (pipeline.c's job). */
struct builder_job {
    const struct options *o;
    const struct settings *set;
    const char *root; /* the cache root */
    const struct entry_identity *id;
    struct cache_entry *entry;
    const char *const *env; /* the script's variables (run.h), for cargo and rustc too */
    int heal;               /* the cached executable could not be executed: build it again */
};

/* Does the action install an executable into the entry (run, -b, -x, --print-toml)? */
int builder_needs_install(enum action action);

/* The content of every input is unchanged (touch, identical rewrite, revert): an fd of the
 * entry's executable, reused as it is; else -1 (also for -f, a heal, or an action that
 * installs nothing). */
int builder_reuse_unchanged(const struct builder_job *b, const struct build_inputs *in);

/* Take the entry lock, write the project and do what the action needs.  *executable gets an
 * fd of the installed executable when the action runs it: opened under the lock, so that no
 * --gc or --clean between the unlock and the exec can take it away (else -1).  Returns an exit
 * status (0 when done). */
int builder_build_locked(const struct builder_job *b, const struct generated *g,
                         struct build_inputs *in, int *executable);

#endif
