#include "rapid/session.h"

#include "cargo/manifest.h"
#include "script/rustlex.h"
#include "script/source.h"
#include "toml/toml.h"
#include "util/die.h"
#include "script/wrap.h"

#include <stdlib.h>
#include <string.h>

#define ENTRY_NAME "<entry>"

/* ---- what an item defines ---- */

struct item_lexer {
    struct lexer lx;
    struct token tok;
};

static void advance(struct item_lexer *il)
{
    lexer_next(&il->lx, &il->tok);
}

static int punct_is(const struct token *t, char c)
{
    return t->kind == TOK_PUNCT && t->len == 1 && *t->start == c;
}

static int word_is(const struct token *t, const char *word)
{
    return t->kind == TOK_IDENT && token_is(t, word);
}

/* Skip a bracketed group that starts at the current token. */
static void skip_group(struct item_lexer *il)
{
    int depth = 0;
    do {
        if (punct_is(&il->tok, '(') || punct_is(&il->tok, '[') || punct_is(&il->tok, '{'))
            depth++;
        else if (punct_is(&il->tok, ')') || punct_is(&il->tok, ']') || punct_is(&il->tok, '}'))
            depth--;
        advance(il);
    } while (depth > 0 && il->tok.kind != TOK_EOF);
}

/* Attributes, visibility and qualifiers before the item's keyword. */
static void skip_to_keyword(struct item_lexer *il)
{
    for (;;) {
        if (punct_is(&il->tok, '#')) {
            advance(il);
            if (punct_is(&il->tok, '!'))
                advance(il);
            if (punct_is(&il->tok, '['))
                skip_group(il);
        } else if (word_is(&il->tok, "pub")) {
            advance(il);
            if (punct_is(&il->tok, '('))
                skip_group(il);
        } else if (word_is(&il->tok, "unsafe") || word_is(&il->tok, "async") ||
                   word_is(&il->tok, "default") ||
                   (il->tok.kind == TOK_LITERAL && il->tok.start[0] == '"')) {
            advance(il); /* `extern "C" fn`: the ABI string after extern */
        } else {
            return;
        }
    }
}

/* Append the tokens up to (not including) a punctuation character in stop, or the end. */
static void add_tokens_until(struct item_lexer *il, const char *stop, const char *sep,
                             struct strbuf *out)
{
    size_t start = out->len;
    while (il->tok.kind != TOK_EOF &&
           !(il->tok.kind == TOK_PUNCT && il->tok.len == 1 && strchr(stop, *il->tok.start))) {
        if (out->len > start)
            strbuf_addstr(out, sep);
        strbuf_add(out, il->tok.start, il->tok.len);
        advance(il);
    }
}

/* The type an impl is for: the last name in its self type's path, generics aside. */
static void impl_self_name(const char *header, struct strbuf *name)
{
    struct item_lexer il;
    lexer_init(&il.lx, header, strlen(header));
    advance(&il);
    int angle = 0;
    for (; il.tok.kind != TOK_EOF && !word_is(&il.tok, "where"); advance(&il)) {
        if (punct_is(&il.tok, '<'))
            angle++;
        else if (punct_is(&il.tok, '>') && angle)
            angle--;
        else if (!angle && word_is(&il.tok, "for"))
            strbuf_reset(name);
        else if (!angle && il.tok.kind == TOK_IDENT && !word_is(&il.tok, "dyn") &&
                 !word_is(&il.tok, "mut")) {
            strbuf_reset(name);
            strbuf_add(name, il.tok.start, il.tok.len);
        }
    }
}

static int is_named_item_word(const struct token *t)
{
    static const char *const words[] = {"fn",    "struct", "enum",   "union",       "trait", "type",
                                        "mod",   "const",  "static", "macro_rules", NULL};
    for (const char *const *w = words; *w; w++)
        if (word_is(t, *w))
            return 1;
    return 0;
}

/* `const fn f`, `extern crate x`, `extern "C" fn f`: step to fn or crate. */
static void skip_const_or_extern(struct item_lexer *il)
{
    if (!word_is(&il->tok, "const") && !word_is(&il->tok, "extern"))
        return;
    struct item_lexer after = *il;
    advance(&after);
    skip_to_keyword(&after);
    if (word_is(&after.tok, "fn") || word_is(&after.tok, "crate"))
        *il = after;
}

/* Named items: fn, struct, ..., macro_rules! NAME. */
static int named_identity(struct item_lexer *il, struct strbuf *key, struct strbuf *name)
{
    struct token keyword = il->tok;
    if (!is_named_item_word(&keyword))
        return 0;
    advance(il);
    if ((word_is(&keyword, "macro_rules") && punct_is(&il->tok, '!')) ||
        (word_is(&keyword, "static") && word_is(&il->tok, "mut")))
        advance(il);
    if (il->tok.kind != TOK_IDENT)
        return 0;
    strbuf_addstr(key, word_is(&keyword, "macro_rules") ? "macro " : "item ");
    strbuf_add(key, il->tok.start, il->tok.len);
    strbuf_add(name, il->tok.start, il->tok.len);
    return 1;
}

/* key and name of an item's text (see struct session_item). */
static void item_identity(const char *text, struct strbuf *key, struct strbuf *name)
{
    struct item_lexer il;
    lexer_init(&il.lx, text, strlen(text));
    advance(&il);
    skip_to_keyword(&il);
    skip_const_or_extern(&il);
    int is_use = word_is(&il.tok, "use"), is_crate = word_is(&il.tok, "crate");
    if (is_use || is_crate) {
        advance(&il);
        add_tokens_until(&il, ";", "", name);
        strbuf_addf(key, "%s %s", is_use ? "use" : "extern crate", name->buf);
    } else if (word_is(&il.tok, "impl")) {
        add_tokens_until(&il, "{;", " ", key);
        impl_self_name(key->buf, name);
    } else if (!named_identity(&il, key, name)) {
        /* Anything else (an extern block, ...) is known by its text. */
        struct item_lexer all;
        lexer_init(&all.lx, text, strlen(text));
        advance(&all);
        strbuf_addstr(key, "text ");
        add_tokens_until(&all, "", " ", key);
        strbuf_addstr(name, key->buf + 5);
    }
}

/* ---- manifests ---- */

/* Tables merge key by key; any other value (an inline table too) replaces the old one. */
static void merge_tables(struct toml_value *into, const struct toml_value *from)
{
    for (size_t i = 0; i < from->count; i++) {
        const struct toml_value *value = from->items[i];
        struct toml_value *old = toml_get(into, from->keys[i]);
        if (old && old->type == TOML_TABLE && !old->is_inline && value->type == TOML_TABLE &&
            !value->is_inline)
            merge_tables(old, value);
        else
            toml_set(into, from->keys[i], toml_clone(value));
    }
}

static struct toml_value *parse_manifest(const char *text, size_t len, const char *where,
                                         int first_line)
{
    struct toml_error err;
    struct toml_value *root = toml_parse(text, len, first_line, &err);
    if (!root)
        error("%s:%d: %s", where, err.line, err.message);
    return root;
}

/* The session's manifest with the entry's block merged in, as TOML text. */
static int merge_manifest(const struct session *s, const struct script *entry, struct strbuf *out)
{
    struct toml_value *session = parse_manifest(s->toml.buf, s->toml.len, "the session's toml", 1);
    struct toml_value *block = session ? parse_manifest(entry->manifest.buf, entry->manifest.len,
                                                        ENTRY_NAME, entry->manifest_line)
                                       : NULL;
    if (block) {
        merge_tables(session, block);
        toml_write(session, out);
    }
    toml_free(session);
    toml_free(block);
    return block ? 0 : -1;
}

/* Replace the [toml] block (found by source_parse) by the newlines it held. */
static void blank_manifest_block(const struct script *entry, struct strbuf *body)
{
    size_t start = 0;
    for (int line = 1; line < entry->manifest_block_line; line++)
        start = (size_t)(strchr(body->buf + start, '\n') - body->buf) + 1;
    const char *open = strstr(body->buf + start, "/*[toml]");
    size_t from = (size_t)(open - body->buf);
    size_t to = from + strlen("/*[toml]") + entry->manifest.len + strlen("*/");
    for (size_t i = from; i < to; i++)
        if (body->buf[i] != '\n')
            body->buf[i] = ' ';
}

int session_set_toml(struct session *s, const char *text, const char *where)
{
    struct strbuf manifest = STRBUF_INIT;
    manifest_from_option(text, &manifest);
    struct toml_value *root = parse_manifest(manifest.buf, manifest.len, where, 1);
    if (!root) {
        strbuf_release(&manifest);
        return -1;
    }
    toml_free(root);
    strbuf_release(&s->toml);
    s->toml = manifest;
    strbuf_rtrim(&s->toml);
    if (s->toml.len)
        strbuf_addch(&s->toml, '\n');
    return 0;
}

/* ---- entries ---- */

static void trimmed(const char *text, size_t len, struct strbuf *out)
{
    while (len && strchr(" \t\r\n", *text)) {
        text++;
        len--;
    }
    strbuf_add(out, text, len);
    strbuf_rtrim(out);
}

static void add_entry_item(struct entry *e, const char *text, size_t len)
{
    struct strbuf item = STRBUF_INIT, key = STRBUF_INIT, name = STRBUF_INIT;
    trimmed(text, len, &item);
    item_identity(item.buf, &key, &name);
    if (!strcmp(key.buf, "item main")) { /* a program's main is run, not kept */
        e->is_program = 1;
        strbuf_release(&item);
        strbuf_release(&key);
        strbuf_release(&name);
        return;
    }
    e->items = xrealloc(e->items, (e->count + 1) * sizeof(*e->items));
    e->items[e->count++] = (struct session_item){strbuf_detach(&key), strbuf_detach(&name),
                                                 strbuf_detach(&item)};
}

static int entry_defines(const struct entry *e, const char *key)
{
    for (size_t i = 0; i < e->count; i++)
        if (!strcmp(e->items[i].key, key))
            return 1;
    return 0;
}

/* Replayed statements run with stdout and stderr on /dev/null (their output was shown when they
 * ran): these point them there and back, through libc's dup/dup2 (no crate needed). */
static const char quiet_helpers[] =
    "#[doc(hidden)]\n"
    "fn __cthag_rapid_quiet() -> [i32; 2] {\n"
    "    unsafe extern \"C\" { fn dup(fd: i32) -> i32; fn dup2(from: i32, to: i32) -> i32; }\n"
    "    let Ok(null) = ::std::fs::OpenOptions::new().write(true).open(\"/dev/null\") else {\n"
    "        return [-1, -1];\n"
    "    };\n"
    "    let fd = ::std::os::fd::AsRawFd::as_raw_fd(&null);\n"
    "    unsafe { let saved = [dup(1), dup(2)]; dup2(fd, 1); dup2(fd, 2); saved }\n"
    "}\n"
    "#[doc(hidden)]\n"
    "fn __cthag_rapid_loud(saved: [i32; 2]) {\n"
    "    unsafe extern \"C\" { fn dup2(from: i32, to: i32) -> i32; fn close(fd: i32) -> i32; }\n"
    "    let _ = ::std::io::Write::flush(&mut ::std::io::stdout());\n"
    "    if saved[0] >= 0 && saved[1] >= 0 {\n"
    "        unsafe { dup2(saved[0], 1); dup2(saved[1], 2); close(saved[0]); close(saved[1]); }\n"
    "    }\n"
    "}\n";

static int starts_with_let(const char *text, size_t len)
{
    struct lexer lx;
    struct token t;
    lexer_init(&lx, text, len);
    lexer_next(&lx, &t);
    return t.kind == TOK_IDENT && token_is(&t, "let");
}

/* A statement as replayed: a final expression's value is bound to `_` (its printing, and a
 * block-like expression's type, are the entry's own business); a final `let` without its `;`
 * gets one. */
static void add_replayed(struct strbuf *replay, const char *text, size_t len, int is_last)
{
    struct strbuf statement = STRBUF_INIT;
    trimmed(text, len, &statement);
    int open_end = is_last && statement.len && statement.buf[statement.len - 1] != ';';
    if (open_end && starts_with_let(statement.buf, statement.len))
        strbuf_addf(replay, "%s;\n", statement.buf);
    else if (open_end)
        strbuf_addf(replay, "let _ = (%s);\n", statement.buf);
    else if (statement.len)
        strbuf_addf(replay, "%s\n", statement.buf);
    strbuf_release(&statement);
}

/* The entry's pieces: items to e->items, statements to e->statements and e->replay. */
static void split_entry(struct entry *e, const struct strbuf *body, size_t *prefix)
{
    struct wrap_piece *pieces;
    size_t n = wrap_split(body->buf, body->len, &pieces), last = n;
    *prefix = n ? pieces[0].from : body->len;
    for (size_t i = 0; i < n; i++)
        if (!pieces[i].is_item)
            last = i;
    for (size_t i = 0; i < n; i++) {
        const char *text = body->buf + pieces[i].from;
        size_t len = pieces[i].to - pieces[i].from;
        if (pieces[i].is_item) {
            add_entry_item(e, text, len);
        } else {
            strbuf_add(&e->statements, text, len);
            add_replayed(&e->replay, text, len, i == last);
            e->binds |= starts_with_let(text, len);
        }
    }
    free(pieces);
    struct strbuf statements = STRBUF_INIT;
    trimmed(e->statements.buf, e->statements.len, &statements);
    strbuf_release(&e->statements);
    e->statements = statements;
}

static void add_kept_items(const struct session *s, const struct entry *e, struct strbuf *out)
{
    for (size_t i = 0; i < s->count; i++)
        if (!entry_defines(e, s->items[i].key))
            strbuf_addf(out, "%s\n", s->items[i].text);
}

/* context (-B) = allow line, the entry's inner attributes, kept items, the replay with its
 * output discarded; code (-e) = the rest of the entry.  A program: all of it in code. */
static void compose_code(const struct session *s, struct entry *e, const struct strbuf *body)
{
    size_t prefix;
    split_entry(e, body, &prefix);
    struct strbuf *head = e->is_program ? &e->code : &e->context;
    strbuf_addstr(head, SESSION_ALLOW_LINE);
    strbuf_add(head, body->buf, prefix);
    if (prefix && body->buf[prefix - 1] != '\n')
        strbuf_addch(head, '\n');
    add_kept_items(s, e, head);
    if (e->is_program) {
        strbuf_reset(&e->replay);
    } else {
        if (s->replay.len || s->last_replay.len)
            strbuf_addf(head, "%slet __cthag_saved = __cthag_rapid_quiet();\n%s%s"
                              "__cthag_rapid_loud(__cthag_saved);\n",
                        quiet_helpers, s->replay.buf, s->last_replay.buf);
        /* The inner attributes went to the context: their lines stay, blank, so that the entry
         * keeps its line numbers. */
        for (size_t i = 0; i < prefix; i++)
            strbuf_addch(&e->code, body->buf[i] == '\n' ? '\n' : ' ');
    }
    strbuf_add(&e->code, body->buf + prefix, body->len - prefix);
}

int session_prepare(const struct session *s, const char *text, struct entry *e)
{
    struct script entry = {ENTRY_NAME, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, 0, 0,
                           MANIFEST_NONE, 0, 0, {0, 0}};
    int result = -1;
    strbuf_addstr(&e->text, text);
    strbuf_addstr(&entry.text, text);
    if (source_parse(&entry))
        goto out;
    if (entry.format != MANIFEST_NONE && entry.format != MANIFEST_THAG) {
        error("%s:%d: in a session, dependencies go in a /*[toml] block or :toml, not a %s",
              ENTRY_NAME, entry.manifest_block_line, source_format_name(entry.format));
        goto out;
    }
    if (entry.format == MANIFEST_THAG) {
        if (merge_manifest(s, &entry, &e->toml))
            goto out;
        blank_manifest_block(&entry, &entry.body);
    } else {
        strbuf_add(&e->toml, s->toml.buf, s->toml.len);
    }
    compose_code(s, e, &entry.body);
    result = 0;
out:
    source_release(&entry);
    return result;
}

static void item_release(struct session_item *item)
{
    free(item->key);
    free(item->name);
    free(item->text);
}

static void drop_item(struct session *s, size_t i)
{
    item_release(&s->items[i]);
    memmove(s->items + i, s->items + i + 1, (s->count - i - 1) * sizeof(*s->items));
    s->count--;
}

static void copy_into(struct strbuf *to, const struct strbuf *from)
{
    strbuf_reset(to);
    strbuf_add(to, from->buf, from->len);
}

void session_commit(struct session *s, struct entry *e, int ran)
{
    for (size_t i = 0; i < e->count; i++) {
        for (size_t j = 0; j < s->count; j++)
            if (!strcmp(s->items[j].key, e->items[i].key))
                drop_item(s, j--);
        if (s->count == s->alloc) {
            s->alloc = s->alloc ? s->alloc * 2 : 16;
            s->items = xrealloc(s->items, s->alloc * sizeof(*s->items));
        }
        s->items[s->count++] = e->items[i];
    }
    free(e->items);
    e->items = NULL;
    e->count = 0;
    copy_into(&s->toml, &e->toml);
    copy_into(&s->last, &e->text);
    if (!ran)
        return;
    copy_into(&s->statements, &e->statements);
    if (!s->replay.len && !s->last_replay.len && !e->binds)
        return; /* nothing bound yet: nothing a later entry could use */
    strbuf_add(&s->replay, s->last_replay.buf, s->last_replay.len);
    copy_into(&s->last_replay, &e->replay);
}

void entry_release(struct entry *e)
{
    for (size_t i = 0; i < e->count; i++)
        item_release(&e->items[i]);
    free(e->items);
    strbuf_release(&e->text);
    strbuf_release(&e->code);
    strbuf_release(&e->context);
    strbuf_release(&e->toml);
    strbuf_release(&e->statements);
    strbuf_release(&e->replay);
    e->items = NULL;
    e->count = 0;
}

/* ---- the session ---- */

size_t session_forget(struct session *s, const char *name)
{
    size_t dropped = 0;
    if (!name || !*name) {
        strbuf_reset(&s->replay);
        strbuf_reset(&s->last_replay);
        strbuf_reset(&s->statements);
    }
    for (size_t i = 0; i < s->count; i++) {
        if (name && *name && strcmp(s->items[i].name, name) && strcmp(s->items[i].key, name))
            continue;
        drop_item(s, i--);
        dropped++;
    }
    return dropped;
}

void session_script(const struct session *s, int with_statements, struct strbuf *out)
{
    if (s->toml.len)
        strbuf_addf(out, "/*[toml]\n%s*/\n", s->toml.buf);
    for (size_t i = 0; i < s->count; i++)
        strbuf_addf(out, "%s\n", s->items[i].text);
    if (with_statements)
        strbuf_add(out, s->replay.buf, s->replay.len);
    if (with_statements && s->statements.len)
        strbuf_addf(out, "%s\n", s->statements.buf);
}

void session_release(struct session *s)
{
    session_forget(s, NULL);
    free(s->items);
    s->items = NULL;
    s->alloc = 0;
    strbuf_release(&s->toml);
    strbuf_release(&s->last);
    strbuf_release(&s->statements);
    strbuf_release(&s->replay);
    strbuf_release(&s->last_replay);
}
