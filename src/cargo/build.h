/* Running cargo on a generated project, always with the one shared target directory, and
 * showing its compiler diagnostics against the script's own lines.  The command line is
 * command.h's; what a job asks of cargo (-c, -T, -A, a build from a copy) is action.h's. */
#ifndef CTHAG_CARGO_BUILD_H
#define CTHAG_CARGO_BUILD_H

#include "cache/cache.h"
#include "cargo/diag.h"
#include "cargo/units.h"
#include "cargo/wrapper.h"
#include "util/strbuf.h"
#include "util/strlist.h"

enum cargo_action {
    CARGO_BUILD, /* cargo build: the executable to install */
    CARGO_CHECK, /* cargo check (-c) */
    CARGO_TEST,  /* cargo test (-T); extra args go after "--" to the test binary */
    CARGO_OTHER, /* -A: extra args are the subcommand and its arguments */
};

struct build_opts {
    const char *toolchain;    /* "+nightly" passes "nightly"; NULL for the default */
    int release;
    const char *features;     /* --features value or NULL */
    int offline;
    const char *registry_dir; /* absolute path of a directory source, or NULL */
    int quiet;                /* hold cargo's output back; show it only if the build fails */
    int quiet_for_ms;         /* hold it back that long, then show it (cthag -r's builds) */
    int bar_width;            /* (set by build.c) cargo draws its bar this wide into the pipe */
    int color;                /* diagnostics with ANSI colours */
    const char *color_arg;    /* "always" or "never" for cargo's --color, or NULL (auto) */
    const char *wrapper;      /* RUSTC_WRAPPER for cargo, or NULL to leave the environment's */
    const char *const *env;   /* more "NAME=value" for cargo (and rustc): the script's variables */
};

struct build_request {
    enum cargo_action action;
    char *const *args;        /* see enum cargo_action */
    int nargs;
    const struct diag_map *diag;
    struct strbuf *executable; /* CARGO_BUILD: where cargo says it put the executable */
    /* CARGO_BUILD: more arguments for the script's own rustc only (cargo rustc instead of
     * cargo build, so the shared dependencies keep their fingerprints), NULL-terminated; or NULL */
    const char *const *rustc_args;
    /* When set, cargo's output goes here, never to the terminal (also when it fails). */
    struct strbuf *output;
    /* When set, counts what rustc reported (artifacts and messages): 0 after a failure means
     * cargo failed before compiling anything. */
    int *compiled;
    int *fetch_failed;        /* when set: 1 if cargo could not fetch a dependency (no network?) */
    /* CARGO_BUILD: cthag as RUSTC_WRAPPER (cargo/wrapper.h) for the script's crate, or NULL;
     * its next wrapper is filled in here (build_opts.wrapper, else the user's). */
    const struct wrapper_request *wrap;
    /* CARGO_BUILD: where what cargo said about each unit goes (its artifacts, the build
     * scripts it ran), or NULL. */
    struct cargo_units *units;
};

/* $CARGO, else cargo on PATH, else ~/.cargo/bin/cargo of the user cthag runs as (its home from
 * the user database, not $HOME); a cargo owned by another user than the user and root is
 * refused.  -1 (silently) when there is none, or why (may be NULL) says why it was refused. */
int build_locate_cargo(struct strbuf *cargo, struct strbuf *why);
/* The same, printing why it was refused, or how to install Rust when there is none. */
int build_find_cargo(struct strbuf *cargo);
/* The environment changes cthag gives cargo for r ("NAME=value" set, "NAME" removed;
 * NULL-terminated; free the array, release owned, which holds the strings made for it). */
const char **build_environment(const struct build_opts *o, const struct build_request *r,
                               struct strlist *owned);
/* Run cargo for the entry's project.  Returns cargo's exit status (0 = success; when not 0,
 * the reason has been printed), or -1 when cargo could not be started (reason printed). */
int build_run_cargo(const struct cache_entry *e, const struct build_opts *o,
                    const struct build_request *r, const char *script_name);

#endif
