/* The Cargo.toml cthag generates for a script: the script's own embedded manifest (any format,
 * already turned into TOML by source.c) with [package] name, [[bin]] and [workspace] imposed, and
 * the crates the code uses but does not declare added at the ranges inferred.c chose
 * (`rand = "0.10"`), with the features configured for them. */
#ifndef CTHAG_CARGO_MANIFEST_H
#define CTHAG_CARGO_MANIFEST_H

#include "script/infer.h"
#include "util/strbuf.h"
#include "util/strlist.h"

struct inferred_list;
struct registry;
struct thag_sources;
struct toml_value;

struct manifest_input {
    const char *script_name;   /* for messages */
    const char *toml;          /* the embedded manifest, or NULL */
    size_t toml_len;
    int toml_line;             /* script line of its first line */
    const struct strlist *used_crates; /* from infer_crates(), added as "*"; or NULL */
    const struct inferred_list *inferred; /* or crates with their ranges (inferred.c); or NULL */
    const char *package_name;  /* unique per cache entry */
    const char *bin_name;      /* the [[bin]]'s (cache_bin_name()); NULL: the package's */
    /* What the entry is for people (the script's path, "-e 1 + 2"): [package.metadata.cthag]
     * source, which --cache-stats shows; NULL for none. */
    const char *source_label;
    const char *source_file;   /* the [[bin]] path, relative to the project */
    const char *registry_dir;  /* a directory source to resolve foo_bar vs foo-bar, or NULL */
    /* Where inferred crates get their real names (crates.io included); NULL: registry_dir's. */
    const struct registry *registry;
    const char *edition;       /* when the script gives none */
    /* Say so, as cargo does for an embedded manifest, when the script gives none. */
    int warn_default_edition;
    /* Relative `path =` of dependencies and `build =` resolve here (absolute), as they would
     * beside the script; NULL leaves them as written. */
    const char *script_dir;
    /* The script came from a URL: it has no directory, and a relative path is an error. */
    int no_directory;
    /* Features for inferred crates: tables of crate = ["feature", ...], or NULL. */
    const struct toml_value *infer_features;
    const struct toml_value *infer_max_features;
    /* The manifest came from -M: keys at its top level that no manifest has (`regex = "1"`)
     * are [dependencies], as thag users write them. */
    int bare_keys_are_dependencies;
    /* --dep NAME or NAME=VERSION (rust-script's -d): [dependencies] NAME = "VERSION" (or "*"),
     * over what the script declares for NAME. */
    const char *const *deps;
    size_t ndeps;
    /* The manifest is thag's (its block, or -M): thag's own crates are resolved as thag does
     * (cargo/thag.h) from these sources. */
    int thag_format;
    const struct thag_sources *thag;
    /* Gets the names of the environment variables the manifest was decided by (thag-auto's):
     * the build depends on their values.  NULL: not wanted. */
    struct strlist *env_used;
};

/* Append the generated manifest to out.  Prints "cthag: NAME:LINE: problem" and returns -1 when
 * the embedded manifest is malformed.  A key cargo would ignore in a dependency's table (a typo
 * such as `featurs`) is warned about at its line, as cargo would, and left out. */
int manifest_generate(const struct manifest_input *in, struct strbuf *out);

/* -M's text as manifest TOML: as typed, but for a [table] header with more on its line (the one
 * line `[dependencies] regex = "1"`), which is split after the header. */
void manifest_from_option(const char *text, struct strbuf *out);

/* Is req a version requirement cargo reads ("1.2", ">=1, <2", "*")? */
int manifest_is_version_req(const char *req);

/* Drop the uses of crates the embedded manifest declares (in any dependency table), saying so
 * with -v: those are not inferred.  A malformed manifest drops nothing (generating reports it). */
void manifest_drop_declared(const struct manifest_input *in, struct crate_uses *uses);

/* Is crate one the manifest adds itself rather than the registry's (thag's local proc-macro
 * crates, for a thag manifest)?  in is the manifest_input, as a callback's context. */
int manifest_is_local_crate(void *in, const char *crate);

/* Does the generated manifest take any dependency from a registry (not a path or git)? */
int manifest_uses_registry(const char *manifest);

/* The name under which a directory registry holds the crate code calls `name`: name itself,
 * or with '_' and '-' swapped, whichever the registry has; name when it has neither. */
void manifest_registry_name(const char *registry_dir, const char *name, struct strbuf *out);

#endif
