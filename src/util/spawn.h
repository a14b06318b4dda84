/* Running other programs (cargo) with an explicit argv and environment; never through a shell. */
#ifndef CTHAG_UTIL_SPAWN_H
#define CTHAG_UTIL_SPAWN_H

#include "util/strbuf.h"

#include <signal.h>
#include <sys/types.h>

struct spawn_opts {
    /* "NAME=value" strings added to (or replacing in) the environment, "NAME" alone removing
     * it; NULL-terminated or NULL. */
    const char *const *env;
    /* When set, the child's stderr goes here instead of to the terminal (and its stdout too,
     * unless on_line takes it). */
    struct strbuf *capture;
    /* When set, the child's stdout is read line by line (newline removed) as it comes. */
    void (*on_line)(void *ctx, char *line, size_t len);
    /* When set (and capture is not), the child's stderr is handed here as it comes. */
    void (*on_stderr)(void *ctx, const char *data, size_t len);
    /* When set, called after tick_ms without anything from the child. */
    void (*on_tick)(void *ctx);
    int tick_ms;
    void *ctx;
    /* The directory the child starts in, or NULL for cthag's own. */
    const char *cwd;
    /* When set, the child's stdout goes here, byte for byte (capture then gets stderr only). */
    struct strbuf *out;
    /* With out, when not 0: once out holds more than this, the rest of stdout is not read (the
     * pipe is closed: the child's next write fails), so that a child's endless output cannot
     * fill memory.  out->len > out_max tells the caller. */
    size_t out_max;
    /* With on_line: the child's stderr is read into the same lines (rustc writes its JSON
     * diagnostics there). */
    int stderr_lines;
};

/* environ with the overrides of spawn_opts.env applied: a new array of borrowed pointers (free
 * the array only). */
char **spawn_environment(const char *const *extra);

/* Run argv[0] (looked up in PATH when it has no slash), wait for it.
 * Returns the exit status, 128+N when killed by signal N, or -1 (errno set) if it did not start. */
int spawn_wait(const char *const *argv, const struct spawn_opts *opts);

/* The pid of the child spawn_wait() is waiting for, or 0: for signal handlers. */
extern volatile pid_t spawn_current_child;
/* The signal (SIGINT, SIGTERM, SIGHUP) that arrived while a child ran and was passed on to it;
 * 0 when none did.  The caller stops at the next safe point. */
extern volatile sig_atomic_t spawn_interrupted;

#endif
