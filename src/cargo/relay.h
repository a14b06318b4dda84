/* cargo's own output (its stderr: status lines, errors, the progress bar) as the user sees it.
 *
 * cthag reads it through a pipe and writes it on, so that
 *   - cargo's names for the generated project never show: the package `<stem>_<id>` becomes the
 *     script's name, the project directory in the cache (and its Cargo.toml) the script's path;
 *   - on a terminal, cthag is the one writer of the last line: cargo's progress bar (which cargo
 *     draws for a pipe only when told to: term.progress.when = "always") is erased before any
 *     line is written, cargo's or cthag's (util/die.h's report_write());
 *   - output can be held back and shown only if the build fails (-q), or shown only once the
 *     build has taken longer than a while (cthag -r's build step).
 * Compiler diagnostics come from cargo's JSON on stdout (build.c) and are written through the
 * relay, so that held output keeps their order. */
#ifndef CTHAG_CARGO_RELAY_H
#define CTHAG_CARGO_RELAY_H

#include "util/strbuf.h"

/* A name cargo writes and what the user sees instead. */
struct relay_name {
    const char *from, *to;
};

#define RELAY_NAMES 8

struct relay {
    struct relay_name names[RELAY_NAMES]; /* longest first; unused ones NULL */
    int terminal;       /* stderr is a terminal on which cargo is told to draw its bar */
    int holding;        /* output goes to held, not to the terminal */
    int brief;          /* held for a while only: a failure shows no cargo status line */
    double live_at;     /* holding until this time (ms, monotonic), then live; 0: to the end */
    struct strbuf held; /* renamed lines held back */
    struct strbuf partial; /* the end of what cargo wrote, not yet a whole line */
    int bar_shown;      /* the terminal's last line is cargo's bar */
    int fetch_failed;   /* cargo said it could not fetch a dependency (no network?) */
};

/* Would cargo draw its progress bar on this stderr (a terminal, not TERM=dumb, not CI, not
 * turned off in CARGO_TERM_PROGRESS_WHEN)?  Then cthag tells it to draw it into the pipe, at
 * the terminal's width (*width). */
int relay_wants_bar(int *width);

/* Start: names as given (from/to pairs, NULL-terminated list of at most RELAY_NAMES); terminal
 * as relay_wants_bar() said; hold_ms < 0: hold everything, 0: nothing, > 0: for that long. */
void relay_init(struct relay *r, const struct relay_name *names, int terminal, int hold_ms);
/* What cargo wrote on stderr. */
void relay_stderr(struct relay *r, const char *data, size_t len);
/* A line (or lines) of cthag's own, in order with cargo's: a rendered diagnostic. */
void relay_text(struct relay *r, const char *text, size_t len);
/* Time passes with nothing from cargo: a held relay may go live, a partial line is shown. */
void relay_tick(struct relay *r);
/* cargo has exited: what is left is written; held output is shown when show_held is set (the
 * build failed), else dropped.  Held for a while only (hold_ms > 0), the failure shows without
 * cargo's status lines (Compiling, Finished, "could not compile"): the diagnostics say it. */
void relay_finish(struct relay *r, int show_held);
/* The names replaced in text (cargo's stdout lines, for -A tree). */
void relay_rename(const struct relay *r, struct strbuf *text);

#endif
