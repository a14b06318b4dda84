/* Evaluating an entry by running cthag itself: `cthag OPTIONS -b [-B CONTEXT] -e CODE [-M TOML]`
 * builds it (cargo's output as cthag shows it, after a second; nothing when it is cached), then
 * `cthag OPTIONS [-B CONTEXT] -e CODE [-M TOML] [-- ARGS]` runs the cached executable.  Two steps, so that the session knows whether
 * the entry built (and keeps its items) whatever the program's own exit status. */
#ifndef CTHAG_RAPID_EVAL_H
#define CTHAG_RAPID_EVAL_H

#include "rapid/session.h"

struct evaluator {
    const char *cthag;          /* the cthag to run */
    const char *const *options; /* its options for every entry */
    size_t noptions;
    const char *rebuild;        /* "--force" or "--update" for the build step, or NULL */
    /* "--quiet-for=MS" for the build step: cargo's lines only for a build that takes that long
     * (or fails); NULL under -q or -v */
    const char *quiet_for;
    const char *const *args;    /* the program's arguments */
    size_t nargs;
};

struct evaluation {
    int built;  /* the build step succeeded */
    int status; /* the build's status when it failed, else the program's (128+N: signal N) */
};

/* Build and run e; -1 when cthag could not be started (error printed). */
int eval_entry(const struct evaluator *ev, const struct entry *e, struct evaluation *out);

#endif
