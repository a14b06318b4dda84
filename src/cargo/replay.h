/* The script crate's rustc command, as cargo ran it (captured by cargo/wrapper.h), kept in the
 * entry and run again by cthag itself when only the script crate's own files changed: a build
 * at rustc's speed, without cargo or cargo's lock (DESIGN §4).
 *
 * The spec (projects/<entry>/rustc) holds the command (compiler, arguments, working directory),
 * the variables cargo added to the environment it was given (CARGO_PKG_NAME, CARGO_MANIFEST_DIR,
 * ...; its jobserver's left out), what the command reads besides the script crate's own files
 * (the compiler, each --extern library, the libstd it links) with their stat data, the script
 * crate's own files (from rustc's dep-info), and the configuration key it is valid for (the
 * generated manifest and lock, the options, the registry: cache/identity.h).
 *
 * A replay runs the same command with --out-dir set to a private directory of the entry, so that
 * cargo's own outputs in the shared target are never touched (cargo rebuilds the script crate
 * when it next builds the entry anyway: its source is newer than cargo's record of it).
 *
 * Templates: the spec of a dependency-free entry serves a new entry whose generated manifest is
 * the same but for its names (a new script, an -e/-s/-l expression, a cthag -r entry): the names
 * (package, binary, project directory, source file, script path, metadata hash) are replaced, and
 * any trace of the old entry left after that refuses the template.  So even a first build of a
 * dependency-free script runs no cargo. */
#ifndef CTHAG_CARGO_REPLAY_H
#define CTHAG_CARGO_REPLAY_H

#include "cargo/diag.h"
#include "util/hash.h"
#include "util/strbuf.h"
#include "util/strlist.h"

/* One rustc command: where it ran, what ran, with which environment. */
struct rustc_command {
    struct strbuf cwd;
    struct strbuf libstd;  /* the libstd it links dynamically, or empty (linked statically) */
    struct strlist argv;   /* [wrapper...] rustc args... */
    struct strlist env;    /* a capture: the whole environment; a spec: cargo's additions */
};
#define RUSTC_COMMAND_INIT {STRBUF_INIT, STRBUF_INIT, STRLIST_INIT, STRLIST_INIT}

/* Read what the wrapper captured at path (or parse its bytes); -1 when it is missing or not a
 * capture.  cmd needs rustc_command_release() either way. */
int replay_read_capture(const char *path, struct rustc_command *cmd);
int replay_parse_capture(const char *buf, size_t len, struct rustc_command *cmd);
void rustc_command_release(struct rustc_command *cmd);

/* The names of an entry that appear in its command. */
struct replay_names {
    const char *entry;    /* <stem>-<id16> */
    const char *package;  /* its package name */
    const char *bin;      /* its [[bin]]'s name (cache_bin_name(): the script's stem) */
    const char *project;  /* its project directory (the working directory) */
    const char *source;   /* the crate root as the manifest's [[bin]] path names it */
    const char *script;   /* the script's canonical path (what --remap-path-prefix maps to), or
                             NULL for -e/-s/-l */
};

struct rustc_spec {
    char config[HASH_HEX_LEN + 1]; /* the configuration key it was captured under */
    struct strbuf entry, package, bin, project, source, script;
    struct rustc_command cmd;      /* env: cargo's additions only */
    struct strlist unset;          /* variables cargo removed */
    struct strlist deps;           /* what the command reads besides the crate's own files */
    struct strlist dep_stats;      /* their stat data, one per dep ("dev:ino:size:mtime") */
    struct strlist own;            /* the script crate's own files */
    int complete;                  /* loaded with its end marker */
};
void replay_spec_init(struct rustc_spec *spec);
void replay_spec_release(struct rustc_spec *spec);

/* A spec from a capture of a successful build: cargo's additions are the captured environment
 * minus handed (the environment cthag gave cargo; NULL-terminated); the crate's own files are
 * read from the dep-info rustc wrote.  -1 (nothing to keep) when the capture is not of a
 * command cthag can run again. */
int replay_spec_from_capture(const struct rustc_command *capture, char *const *handed,
                             const struct replay_names *names, const char *config,
                             struct rustc_spec *spec);
/* Store (atomically, not durably: only valid whole) and load (or format and parse the bytes);
 * load and parse are -1 when absent or malformed (spec needs replay_spec_release() either way). */
int replay_spec_store(const char *path, const struct rustc_spec *spec);
int replay_spec_load(const char *path, struct rustc_spec *spec);
void replay_spec_format(const struct rustc_spec *spec, struct strbuf *out);
int replay_spec_parse(const char *buf, size_t len, struct rustc_spec *spec);

/* The first thing the command reads besides the crate's own files that changed since the spec
 * was made (its path), or NULL when none did. */
const char *replay_deps_changed(const struct rustc_spec *spec);
/* The compiler of the spec's command (the last word before its options), or NULL. */
const char *replay_compiler(const struct rustc_spec *spec);
/* Is the spec's command dependency-free (no --extern), and so usable as a template? */
int replay_is_template(const struct rustc_spec *spec);
/* The spec of a new entry from a template's (see above); -1 when the names cannot be replaced
 * cleanly. */
int replay_derive(const struct rustc_spec *tmpl, const struct replay_names *names,
                  const char *config, struct rustc_spec *spec);

/* Where cargo put the executable of the spec's command (deps/<crate><extra>, and the copy cargo
 * makes of it under the binary's name), into out. */
void replay_cargo_outputs(const struct rustc_spec *spec, struct strlist *out);

/* How a replay runs. */
struct replay_run {
    const char *const *env;     /* the environment cthag gives cargo ("NAME=v", "NAME" unset) */
    const char *out_dir;        /* the private output directory (created by the caller) */
    const struct diag_map *diag;
    int quiet, color;
    struct strbuf *executable;  /* out: the linked executable */
    struct strbuf *depinfo;     /* out: rustc's dep-info of the build */
};
/* Run the spec's command.  Returns rustc's exit status (its diagnostics shown in the script's
 * terms, or kept until it fails with quiet), -1 when it could not start (error printed). */
int replay_run(const struct rustc_spec *spec, const struct replay_run *r);

#endif
