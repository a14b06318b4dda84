/* thag's own crates in a thag manifest, resolved as thag (thag_rs 1.x) resolves them, so that
 * thag's demo scripts run unchanged:
 *
 *   - `thag_styling = { version = "1, thag-auto", features = [..] }`: the crates of thag's
 *     repository (thag_rs, thag_common, thag_proc_macros, thag_profiler, thag_styling) come from
 *     a thag checkout when THAG_DEV_PATH is set (thag_rs is its root, the others its
 *     subdirectories of the same name), from git when THAG_GIT_REF is (THAG_GIT_REPO, else thag's
 *     GitHub repository; the ref as a branch, a full commit hash as a rev), else from the
 *     registry at the version before the comma.  Any other crate with the marker gets that
 *     version.  Every other key of the dependency (features, default-features, ...) is kept.
 *   - `use thag_demo_proc_macros::..` (and thag_bank_proc_macros): thag's local proc-macro
 *     crate, a path dependency: the config file's [proc_macros] demo_proc_macro_crate_path
 *     (bank_proc_macro_crate_path), relative to the current directory as in thag, else the
 *     directory proc_macros/ beside the script (thag's demo/proc_macros for its demo/ scripts).
 *
 * thag's further rule for its own CI (CI and GITHUB_WORKSPACE set: the workspace as
 * THAG_DEV_PATH) is not followed: any GitHub Actions job has both. */
#ifndef CTHAG_CARGO_THAG_H
#define CTHAG_CARGO_THAG_H

#include "util/strlist.h"

struct toml_value;

/* Where thag's crates come from; every field may be NULL. */
struct thag_sources {
    const char *dev_path;          /* THAG_DEV_PATH, absolute */
    const char *git_ref;           /* THAG_GIT_REF */
    const char *git_repo;          /* THAG_GIT_REPO */
    const char *demo_proc_macros;  /* [proc_macros] demo_proc_macro_crate_path */
    const char *bank_proc_macros;  /* [proc_macros] bank_proc_macro_crate_path */
};

/* The environment variables that decide a thag-auto dependency: a build that resolved one
 * depends on their values (NULL-terminated). */
extern const char *const thag_auto_variables[];

/* Resolve every thag-auto dependency in the dependency tables of a manifest (root, target
 * tables included).  Returns the number resolved, or -1 after "cthag: SCRIPT:LINE: problem"
 * (THAG_DEV_PATH without the crate in it). */
/* "1, thag-auto": the length of the version before the comma, trimmed ("1", from *start); 0
 * when the value has no marker (or no version before it). */
size_t thag_marker_version(const struct toml_value *version, size_t *start);
int thag_resolve_auto(struct toml_value *root, const char *script_name,
                      const struct thag_sources *src);

/* The path dependency { path = ".." } for one of thag's magic proc-macro crates, or NULL when
 * crate is none of them.  *missing is set (and NULL returned) when it is one but its directory
 * is not there; *missing then names where it was looked for (free it). */
struct toml_value *thag_proc_macro_dependency(const char *crate, const char *script_dir,
                                              const struct thag_sources *src, char **missing);

#endif
