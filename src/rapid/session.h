/* The state of a cthag -r session, and what an entry becomes before cthag evaluates it.
 *
 * A session keeps the items and `use` declarations its entries defined, the statements of the
 * entries that ran (so that their `let` bindings are there for later entries), and the manifest
 * lines (`-M`) entries are built with.  An entry is evaluated as `cthag -B CONTEXT -e ENTRY`:
 * the context is an allow line for the lints a replay provokes, the entry's inner attributes,
 * the kept items (less those the entry redefines) and then, with their output discarded (stdout
 * and stderr pointed at /dev/null around them), the statements of the earlier entries that ran
 * successfully, each final value bound to `_`, as irust replays (from the first that binds a
 * `let` on: before it, nothing the entry could use needs replaying, and entries stay cached as
 * typed: `2 + 3` twice builds once); the entry keeps its own line
 * numbers in messages.  An entry that is a program (it defines `fn main`) gets the kept items
 * in its code and nothing replayed.  An entry may hold a `[toml]` comment block: its lines are
 * merged into the session's manifest for this entry and, once it builds, for later ones. */
#ifndef CTHAG_RAPID_SESSION_H
#define CTHAG_RAPID_SESSION_H

#include "util/strbuf.h"

#include <stddef.h>

struct session_item {
    char *key;  /* what it defines: "fn f", "struct P", "impl Display for P", "use std::fmt" */
    char *name; /* the name :forget NAME matches: "f", "P", "P", "std::fmt" */
    char *text; /* its source: comments and attributes before it included, trimmed */
};

struct session {
    struct session_item *items;
    size_t count, alloc;
    struct strbuf toml;       /* manifest lines (TOML), empty for none */
    struct strbuf last;       /* the last entry that built, as typed */
    struct strbuf statements; /* the last that ran: its statements (no items, no manifest) */
    struct strbuf replay;     /* the statements of those before it that ran, as replayed */
    struct strbuf last_replay; /* the last one's, as replayed (joins replay at the next) */
};
#define SESSION_INIT {NULL, 0, 0, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT}

/* One entry, ready for cthag. */
struct entry {
    struct strbuf text;       /* as typed */
    struct strbuf code;       /* what `cthag -e` evaluates */
    struct strbuf context;    /* what `-B` gets: what runs before it (empty: no -B) */
    struct strbuf toml;       /* what `-M` gets (empty: no -M) */
    struct strbuf statements; /* the entry without its items and its manifest block */
    struct strbuf replay;     /* its statements as later entries replay them */
    struct session_item *items; /* the entry's own items */
    size_t count;
    int is_program;           /* it defines `fn main`: run as a program, nothing replayed */
    int binds;                /* a statement of its own is a `let` */
};
#define ENTRY_INIT {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, \
                    NULL, 0, 0, 0}

/* The first line of every entry's code: lints that kept items, replayed statements (a final
 * value bound to `_`, an `x + 1;`) and short entries would raise. */
#define SESSION_ALLOW_LINE                                                                        \
    "#![allow(dead_code, unused_imports, unused_variables, unused_mut, unused_assignments, "     \
    "unused_must_use, unused_parens, path_statements, redundant_semicolons)]\n"

/* Prepare text as an entry of session s.  Prints "cthag: <entry>:LINE: problem" and returns -1
 * when it cannot be evaluated (invalid UTF-8, a malformed manifest block, another manifest
 * format). */
int session_prepare(const struct session *s, const char *text, struct entry *e);
/* The entry built: keep its items (replacing those with the same key), its manifest and it as
 * the last entry; when it also ran successfully (ran), its statements are replayed before later
 * entries.  Empties e's items. */
void session_commit(struct session *s, struct entry *e, int ran);
void entry_release(struct entry *e);

/* Replace the manifest lines by text after checking it is TOML (empty text: none).  Prints
 * "cthag: WHERE:LINE: problem" and returns -1 when it is not. */
int session_set_toml(struct session *s, const char *text, const char *where);
/* Drop the items named name (by name or key), or all items and the replayed statements when
 * name is NULL or empty.  Returns how many items were dropped. */
size_t session_forget(struct session *s, const char *name);
/* The session as a script: its `[toml]` comment block, its items, then the statements of the
 * entries that ran, the last one's as typed (what :save writes; :list shows the toml and the
 * items). */
void session_script(const struct session *s, int with_statements, struct strbuf *out);
void session_release(struct session *s);

#endif
