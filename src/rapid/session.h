/* The state of a cthag -r session, and what an entry becomes before cthag evaluates it.
 *
 * A session keeps the items and `use` declarations its entries defined (they have no side
 * effects, so replaying them is safe) and the manifest lines (`-M`) entries are built with.
 * Statements and `let` bindings are not replayed.  An entry's code for `cthag -e` is: an allow
 * line for the lints a replay provokes, the entry's inner attributes, the kept items (less those
 * the entry redefines), then the entry itself.  An entry may hold a `[toml]` comment block: its
 * lines are merged into the session's manifest for this entry and, once it builds, for later
 * ones. */
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
    struct strbuf statements; /* its statements (no items, no manifest block), for :save */
};
#define SESSION_INIT {NULL, 0, 0, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT}

/* One entry, ready for cthag. */
struct entry {
    struct strbuf text;       /* as typed */
    struct strbuf code;       /* what `cthag -e` evaluates */
    struct strbuf toml;       /* what `-M` gets (empty: no -M) */
    struct strbuf statements; /* the entry without its items and its manifest block */
    struct session_item *items; /* the entry's own items */
    size_t count;
};
#define ENTRY_INIT {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, NULL, 0}

/* The first line of every entry's code: lints that kept items and short entries would raise. */
#define SESSION_ALLOW_LINE "#![allow(dead_code, unused_imports, unused_variables)]\n"

/* Prepare text as an entry of session s.  Prints "cthag: <entry>:LINE: problem" and returns -1
 * when it cannot be evaluated (invalid UTF-8, a malformed manifest block, another manifest
 * format). */
int session_prepare(const struct session *s, const char *text, struct entry *e);
/* The entry built: keep its items (replacing those with the same key), its manifest and it as
 * the last entry.  Empties e's items. */
void session_commit(struct session *s, struct entry *e);
void entry_release(struct entry *e);

/* Replace the manifest lines by text after checking it is TOML (empty text: none).  Prints
 * "cthag: WHERE:LINE: problem" and returns -1 when it is not. */
int session_set_toml(struct session *s, const char *text, const char *where);
/* Drop the items named name (by name or key), or all items when name is NULL or empty.
 * Returns how many were dropped. */
size_t session_forget(struct session *s, const char *name);
/* The session as a script: its `[toml]` comment block, its items, then the last entry's statements
 * (what :save writes and :list shows, without the statements). */
void session_script(const struct session *s, int with_statements, struct strbuf *out);
void session_release(struct session *s);

#endif
