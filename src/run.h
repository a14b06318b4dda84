/* Handing over to the built script: the last thing cthag does on a successful run.  The
 * executable is an open descriptor (opened relative to the verified cache root), so a path
 * swapped or removed after the check cannot change what runs.  Also decided here: the variables
 * the script sees (at compile time too), its argv[0], -t's timings, and which exec failures a
 * rebuild can heal. */
#ifndef CTHAG_RUN_H
#define CTHAG_RUN_H

#include "util/strbuf.h"

struct run_request {
    const char *script_name;     /* argv[0] */
    char *const *args;
    int nargs;
    const char *const *env;      /* "NAME=value" added to the environment, NULL-terminated */
    const char *executable_path; /* what a --wrapper command is given to run */
};

/* Run the executable under a command from now on (rust-script's --wrapper, e.g. valgrind -q):
 * the command's words, then the executable's path (argv[0] of the script is then that path),
 * then the script's arguments.  words must outlive the run.  Returns -1 (after an error naming
 * the option) when words is empty or its command is not found on PATH. */
int run_set_wrapper(char *const *words, int count);
/* Replace cthag by the executable (or its wrapper).  Returns only on failure, with errno set. */
int run_exec(int executable, const struct run_request *r);
/* Run it as a child and wait (for -t, which reports after the run): the raw wait status, or -1
 * with errno set when it could not be started (*exec_errno then says why the exec failed, or 0
 * when the process could not even be created). */
int run_wait(int executable, const struct run_request *r, int *exec_errno);

/* The variables a script sees at compile time (env!) and at run time, as the peers set them:
 * cthag's own (CTHAG_SCRIPT_PATH, CTHAG_SCRIPT_DIR) and rust-script's with rust-script's
 * meanings (RUST_SCRIPT_PATH, _BASE_PATH, _SAFE_NAME, _PKG_NAME). */
#define RUN_ENV_MAX 7
struct run_environment {
    struct strbuf text;                 /* the variables, NUL-separated */
    const char *vars[RUN_ENV_MAX + 1];  /* pointers into text, NULL-terminated */
};
/* path: the script file's canonical path, or NULL for -e/-s/-l (then the current directory is
 * the base path, RUST_SCRIPT_PATH is empty and the names are kind_name's: "expr", "stdin",
 * "loop"). */
void run_environment(struct run_environment *env, const char *path, const char *kind_name);
void run_environment_release(struct run_environment *env);
/* argv[0] of a script file: the path as the user wrote it, with U+FFFD for bytes that are not
 * UTF-8 (Rust's env::args() panics otherwise).  Valid until the next call. */
const char *run_argv0(const char *script);

/* -t: where the time went (run_clock_ms() readings; built is 0 on the cached path). */
struct run_timings {
    double start, generated, built;
};
/* A monotonic clock in ms. */
double run_clock_ms(void);
/* -t: run as a child to time it, report, then leave exactly as it did: the same exit status, or
 * death by the same signal.  Returns only when it could not be started, with errno set. */
void run_timed(int executable, const struct run_request *r, const struct run_timings *t);
/* After run_exec() failed (errno says why): an executable a rebuild can heal (truncated by a
 * crash, removed meanwhile) is reported as being rebuilt; any other failure dies. */
void run_check_exec_failure(const char *script, const char *executable_path);

#endif
