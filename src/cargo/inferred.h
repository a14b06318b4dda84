/* What a crate the code uses but does not declare becomes in the generated manifest: the
 * registry's name for it and the newest release's compatible range ("0.10" for 0.10.4, "1" for
 * 1.2.3), as `cargo add` would write it; or nothing at all, and the build stops before cargo,
 * when the name is a module file beside the script (`mod helpers;` forgotten) or a crate the
 * registry does not have (a typo, with the nearest name it has).
 *
 * When the newest release is looked up: once, when the entry is first built.  The ranges are
 * kept in the entry's project (the file `inferred`), so that an unchanged script keeps its
 * build key, and its cached runs their executable, however crates.io moves on; `--update`
 * asks the registry again.  A cached run never gets here. */
#ifndef CTHAG_CARGO_INFERRED_H
#define CTHAG_CARGO_INFERRED_H

#include "script/infer.h"

struct registry;

struct inferred_crate {
    char *code_name; /* as the code spells it */
    char *name;      /* the registry's name */
    char *range;     /* the requirement: "0.10"; "*" when the registry could not be asked */
    char *newest;    /* the release the range comes from, or NULL (kept, or not known) */
    char *use;       /* how the code uses it: "rand::random" */
    int line;
    int kept;        /* the range of an earlier build of the entry */
    int local;       /* not the registry's: a crate the manifest adds itself (thag's local
                      * proc-macro crates); no name, no range */
};

struct inferred_list {
    struct inferred_crate *items;
    size_t count, alloc;
};
#define INFERRED_LIST_INIT {NULL, 0, 0}

struct inferred_context {
    const char *script_name; /* for messages */
    const char *script_path; /* the script file's canonical path; NULL for -e, -s, -l */
    const char *project_dir; /* the entry's project: the ranges of its earlier builds */
    const struct registry *registry;
    int update;              /* --update: look every crate up again */
    /* Is the crate one the manifest adds itself, not the registry's (or NULL: none is)? */
    int (*is_local)(void *ctx, const char *crate);
    void *local_ctx;
};

/* The crates of uses (the undeclared ones), named and given their ranges, appended to out.
 * Returns 0; or -1 after one line for each use that must not become a crate. */
int inferred_choose(const struct inferred_context *c, const struct crate_uses *uses,
                    struct inferred_list *out);

/* A build of the entry starts: one line per crate unless -q ("x.rs:3: crate rand 0.10
 * (inferred from rand::random)"), and the ranges kept in project_dir for the entry's next
 * builds against registry_dir (NULL: crates.io). */
void inferred_commit(const char *script_name, const char *project_dir, const char *registry_dir,
                     const struct inferred_list *list);

void inferred_list_release(struct inferred_list *list);

#endif
