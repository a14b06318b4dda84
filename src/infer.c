#include "infer.h"

#include "rustlex.h"

#include <string.h>

struct scan {
    struct lexer lx;
    struct token tok, prev;
    struct strlist from_use;   /* roots of use paths and extern crate names */
    struct strlist from_paths; /* first segments of foo::bar paths */
    struct strlist defined;    /* the script's own modules and items */
    struct strlist imported;   /* names a `use` or `extern crate .. as` brings into scope */
};

static const char *const never_crates[] = {
    "std", "core", "alloc", "proc_macro", "test", "crate", "self", "super", "Self",
    "bool", "char", "str", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16",
    "u32", "u64", "u128", "usize", "f32", "f64", "_", NULL};

static const char *const defining_keywords[] = {"mod", "struct", "enum", "trait", "type",
                                                "union", "fn", "const", "static", NULL};

static int in_list(const struct token *t, const char *const *words)
{
    for (; *words; words++)
        if (token_is(t, *words))
            return 1;
    return 0;
}

static void advance(struct scan *s)
{
    s->prev = s->tok;
    lexer_next(&s->lx, &s->tok);
}

static int is_punct(const struct token *t, const char *p)
{
    return t->kind == TOK_PUNCT && token_is(t, p);
}

static void add_name(struct strlist *list, const struct token *t)
{
    if (t->kind != TOK_IDENT || in_list(t, never_crates))
        return;
    char name[256];
    size_t n = t->len < sizeof(name) - 1 ? t->len : sizeof(name) - 1;
    memcpy(name, t->start, n);
    name[n] = '\0';
    strlist_add_unique(list, name);
}

static void scan_use_tree(struct scan *s, int at_root, int depth);

/* After `{` of a use group: trees separated by commas up to `}`. */
static void scan_use_group(struct scan *s, int at_root, int depth)
{
    advance(s);
    while (s->tok.kind != TOK_EOF && !is_punct(&s->tok, "}")) {
        scan_use_tree(s, at_root, depth + 1);
        if (is_punct(&s->tok, ","))
            advance(s);
        else if (!is_punct(&s->tok, "}"))
            return;
    }
    advance(s);
}

/* One use tree: [::] a::b::{..} | a::b::* | a::b [as c]. at_root: its first segment is a crate. */
static void scan_use_tree(struct scan *s, int at_root, int depth)
{
    if (depth > 32)
        return;
    if (is_punct(&s->tok, "::"))
        advance(s);
    if (is_punct(&s->tok, "{")) {
        scan_use_group(s, at_root, depth);
        return;
    }
    if (s->tok.kind != TOK_IDENT)
        return;
    if (at_root)
        add_name(&s->from_use, &s->tok);
    struct token last = s->tok;
    advance(s);
    while (is_punct(&s->tok, "::")) {
        advance(s);
        if (is_punct(&s->tok, "{")) {
            scan_use_group(s, 0, depth);
            return;
        }
        if (s->tok.kind != TOK_IDENT)
            break; /* `*` */
        if (!token_is(&s->tok, "self"))
            last = s->tok;
        advance(s);
    }
    if (s->tok.kind == TOK_IDENT && token_is(&s->tok, "as")) {
        advance(s);
        last = s->tok;
        advance(s);
    }
    add_name(&s->imported, &last);
}

static void scan_extern_crate(struct scan *s)
{
    advance(s); /* crate */
    add_name(&s->from_use, &s->tok);
    advance(s);
    if (s->tok.kind == TOK_IDENT && token_is(&s->tok, "as")) {
        advance(s);
        add_name(&s->imported, &s->tok);
    }
}

static int starts_path(const struct scan *s, const struct token *next)
{
    if (s->tok.kind != TOK_IDENT || !is_punct(next, "::"))
        return 0;
    if (is_punct(&s->prev, "::") || is_punct(&s->prev, ".") || is_punct(&s->prev, "$"))
        return 0;
    return !(s->tok.start[0] >= 'A' && s->tok.start[0] <= 'Z');
}

static void scan_tokens(struct scan *s)
{
    lexer_next(&s->lx, &s->tok);
    while (s->tok.kind != TOK_EOF) {
        if (s->tok.kind == TOK_IDENT && token_is(&s->tok, "use")) {
            advance(s);
            scan_use_tree(s, 1, 0);
            continue;
        }
        if (s->tok.kind == TOK_IDENT && token_is(&s->tok, "extern")) {
            struct lexer peek_lx = s->lx;
            struct token next;
            lexer_next(&peek_lx, &next);
            if (next.kind == TOK_IDENT && token_is(&next, "crate")) {
                advance(s);
                scan_extern_crate(s);
                continue;
            }
        }
        if (s->prev.kind == TOK_IDENT && in_list(&s->prev, defining_keywords))
            add_name(&s->defined, &s->tok);
        if (s->tok.kind == TOK_IDENT) {
            struct lexer peek_lx = s->lx;
            struct token next;
            lexer_next(&peek_lx, &next);
            if (starts_path(s, &next))
                add_name(&s->from_paths, &s->tok);
        }
        advance(s);
    }
}

void infer_crates(const char *body, size_t len, struct strlist *crates)
{
    struct scan s;
    memset(&s, 0, sizeof(s));
    lexer_init(&s.lx, body, len);
    scan_tokens(&s);
    for (size_t i = 0; i < s.from_use.count; i++)
        if (!strlist_contains(&s.defined, s.from_use.items[i]))
            strlist_add_unique(crates, s.from_use.items[i]);
    for (size_t i = 0; i < s.from_paths.count; i++) {
        const char *name = s.from_paths.items[i];
        if (!strlist_contains(&s.defined, name) && !strlist_contains(&s.imported, name))
            strlist_add_unique(crates, name);
    }
    strlist_release(&s.from_use);
    strlist_release(&s.from_paths);
    strlist_release(&s.defined);
    strlist_release(&s.imported);
}
