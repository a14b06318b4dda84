/* Inference's walk (see infer.h for what counts as a crate): one pass over the script's tokens
 * that records blocks, the names bound in them and the candidate crate names (use trees, extern
 * crate, paths; the keyword, std-module and tool tables it decides by), then hands the scan to
 * infer_resolve() (infer_resolve.c).  Also the built-in feature table and
 * infer_module_defines(). */
#include "script/infer.h"

#include "script/infer_scan.h"
#include "script/rustlex.h"
#include "util/die.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

static const char *const keywords[] = {
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
    "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true",
    "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final",
    "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield", NULL};

/* The crates every program has, and the primitive types (`u8::MAX`, `str::from_utf8`). */
static const char *const never_crates[] = {
    "std", "core", "alloc", "proc_macro", "test", "bool", "char", "str", "i8", "i16", "i32",
    "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f16", "f32", "f64",
    "f128", NULL};

/* Tools whose attributes and lints are paths: #[rustfmt::skip], #[allow(clippy::x)]. */
static const char *const tools[] = {"clippy", "rustfmt", "rustdoc", "diagnostic", "miri",
                                    "rust_analyzer", "rustc", NULL};

/* Module paths of std (core and alloc have subsets) and the modules a glob import of each
 * brings into scope: what `use std::collections::*;` makes of `hash_map::Entry`. */
static const struct {
    const char *module;
    const char *children;
} std_modules[] = {
    {"", "alloc any arch array ascii assert_matches async_iter backtrace borrow boxed cell char "
         "clone cmp collections convert default env error f16 f32 f64 f128 ffi fmt fs future hash "
         "hint i8 i16 i32 i64 i128 intrinsics io isize iter marker mem net num ops option os "
         "panic pat path pin prelude primitive process ptr random range rc result simd slice str "
         "string sync task thread time u8 u16 u32 u64 u128 usize vec"},
    {"collections", "binary_heap btree_map btree_set hash_map hash_set linked_list vec_deque"},
    {"os", "fd raw unix linux windows wasi android darwin"},
    {"os::unix", "ffi fs io net prelude process raw thread"},
    {"os::linux", "fs net process raw"},
    {"os::windows", "ffi fs io prelude process raw thread"},
    {"sync", "atomic mpsc mpmc"},
    {"io", "prelude"},
    {"ffi", "c_str os_str"},
    {"str", "pattern"},
    {"env", "consts"},
    {"f32", "consts"},
    {"f64", "consts"},
    {"prelude", "v1 rust_2015 rust_2018 rust_2021 rust_2024"},
    {"arch", "x86 x86_64 aarch64 arm wasm32 wasm64 riscv32 riscv64"},
    {"simd", "prelude num ptr"},
};

const struct infer_features infer_builtin_features[] = {
    /* thag's default config ([dependencies.feature_overrides] required_features), plus
     * serde's derive, which thag adds as one of its always_include_features. */
    {"async-std", "attributes"},
    {"clap", "cargo derive"},
    {"hyper", "full"},
    {"iced", "image debug"},
    {"nanorand", "getrandom"},
    {"nu-ansi-term", "derive_serde_style"},
    {"owo-colors", "supports-colors"},
    {"proc-macro2", "span-locations"},
    {"ratatui", "crossterm"},
    {"reqwest", "blocking json"},
    {"rug", "integer std"},
    {"rustix", "fs"},
    {"serde", "derive"},
    {"strum", "derive"},
    {"syn", "extra-traits fold full parsing visit visit-mut"},
    {"tokio", "full"},
    {"tui-textarea", "crossterm search"},
    {"winapi", "consoleapi processenv winbase"},
    {NULL, NULL},
};

static int in_list(const struct token *t, const char *const *words)
{
    for (; *words; words++)
        if (token_is(t, *words))
            return 1;
    return 0;
}

static int is_punct(const struct token *t, const char *p)
{
    return t->kind == TOK_PUNCT && token_is(t, p);
}

/* An r#ident: the lexer's token starts after the r#. */
static int is_raw(const struct scan *s, const struct token *t)
{
    return t->start != s->lx.text + t->offset;
}

/* The keyword w, as a keyword (not r#w). */
static int is_word(const struct scan *s, const struct token *t, const char *w)
{
    return t->kind == TOK_IDENT && !is_raw(s, t) && token_is(t, w);
}

static int is_keyword(const struct scan *s, const struct token *t)
{
    return t->kind == TOK_IDENT && !is_raw(s, t) && in_list(t, keywords);
}

/* A token after which `::` continues a path rather than starting a global one. */
static int continues_path(const struct scan *s, const struct token *t)
{
    if (is_punct(t, ">"))
        return 1;
    if (t->kind != TOK_IDENT)
        return 0;
    return !is_keyword(s, t) || is_word(s, t, "self") || is_word(s, t, "super") || is_word(s, t, "crate") ||
           is_word(s, t, "Self");
}

static void advance(struct scan *s)
{
    s->before_prev = s->prev;
    s->prev = s->tok;
    s->prev_leading = s->tok_leading;
    s->tok = s->next;
    lexer_next(&s->lx, &s->next);
    s->tok_leading = is_punct(&s->tok, "::") && !continues_path(s, &s->prev);
}

static char *token_text(const struct token *t)
{
    return xmemdupz(t->start, t->len);
}

static int push_block(struct scan *s, int generics)
{
    ALLOC_GROW(s->blocks, s->nblocks + 1, s->blocks_alloc);
    s->blocks[s->nblocks] = (struct block){s->current, generics, s->nest, 0};
    s->current = (int)s->nblocks++;
    return s->current;
}

static void pop_block(struct scan *s)
{
    if (s->current > 0)
        s->current = s->blocks[s->current].parent;
}

static void bind(struct scan *s, const struct token *name, int decl)
{
    if (name->kind != TOK_IDENT || token_is(name, "_") || is_word(s, name, "self"))
        return;
    ALLOC_GROW(s->bindings, s->nbindings + 1, s->bindings_alloc);
    s->bindings[s->nbindings++] = (struct binding){token_text(name), s->current, decl, -1};
}

static void bind_word(struct scan *s, const char *word, size_t len, int decl)
{
    struct token t = {.kind = TOK_IDENT, .start = word, .len = len};
    bind(s, &t, decl);
}

/* Could this identifier name a crate at all, wherever it is? */
static int could_be_crate(const struct scan *s, const struct token *t)
{
    if (t->kind != TOK_IDENT || is_keyword(s, t) || in_list(t, never_crates))
        return 0;
    return !(t->start[0] >= 'A' && t->start[0] <= 'Z');
}

static void add_candidate(struct scan *s, const struct token *name, char *path, char *next,
                          enum crate_use_kind kind, int decl, int global)
{
    ALLOC_GROW(s->candidates, s->ncandidates + 1, s->candidates_alloc);
    s->candidates[s->ncandidates++] = (struct candidate){
        token_text(name), path, next, kind, s->current, decl, name->line, global};
}

/* ---- use declarations and extern crate ---- */

/* `use PREFIX::*;` where PREFIX is a std, core or alloc module: bind the modules it holds.
 * Where PREFIX starts with a name that may be a crate (its use tree's root candidate), the
 * names it brings cannot be known: remember it. */
static void bind_glob(struct scan *s, const char *prefix, int decl)
{
    const char *roots[] = {"std", "core", "alloc"};
    const char *module = NULL;
    for (size_t i = 0; i < 3 && !module; i++) {
        size_t n = strlen(roots[i]);
        if (!strncmp(prefix, roots[i], n) && (!prefix[n] || !strncmp(prefix + n, "::", 2)))
            module = prefix[n] ? prefix + n + 2 : prefix + n;
    }
    if (!module && s->use_root != (size_t)-1) {
        struct strbuf text = STRBUF_INIT;
        strbuf_addf(&text, "%s::*", prefix);
        ALLOC_GROW(s->globs, s->nglobs + 1, s->globs_alloc);
        s->globs[s->nglobs++] = (struct glob){s->use_root, strbuf_detach(&text), s->current};
    }
    for (size_t i = 0; module && i < sizeof(std_modules) / sizeof(*std_modules); i++) {
        if (strcmp(module, std_modules[i].module))
            continue;
        for (const char *p = std_modules[i].children; *p;) {
            size_t n = strcspn(p, " ");
            bind_word(s, p, n, decl);
            p += n + (p[n] == ' ');
        }
    }
}

struct use_tree {
    struct strbuf prefix; /* the path so far, "std::collections" */
    int decl;
};

static void scan_use_tree(struct scan *s, struct use_tree *u, int root, int global, int depth);

/* After the `{` of a group: trees separated by commas, up to the `}`. */
static void scan_use_group(struct scan *s, struct use_tree *u, int root, int global, int depth)
{
    advance(s);
    while (s->tok.kind != TOK_EOF && !is_punct(&s->tok, "}") && !is_punct(&s->tok, ";")) {
        size_t before = s->tok.offset;
        scan_use_tree(s, u, root, global, depth + 1);
        if (is_punct(&s->tok, ","))
            advance(s);
        else if (s->tok.offset == before)
            advance(s); /* not a tree: skip it */
    }
    if (is_punct(&s->tok, "}"))
        advance(s);
}

static void append_segment(struct strbuf *prefix, const struct token *t)
{
    if (prefix->len)
        strbuf_addstr(prefix, "::");
    strbuf_add(prefix, t->start, t->len);
}

/* The segment a use tree names after its first: b in a::b, the first of a::{b, ..}; NULL for
 * a::* or a alone. */
static char *use_next_segment(const struct scan *s)
{
    struct lexer lx = s->lx;
    struct token t = s->next;
    if (!is_punct(&t, "::"))
        return NULL;
    lexer_next(&lx, &t);
    if (is_punct(&t, "{"))
        lexer_next(&lx, &t);
    return t.kind == TOK_IDENT && !token_is(&t, "self") ? token_text(&t) : NULL;
}

/* The first segment of a use tree at the root of the declaration: a crate unless bound. */
static void use_root(struct scan *s, const struct use_tree *u, int global)
{
    if (!could_be_crate(s, &s->tok))
        return;
    struct strbuf path = STRBUF_INIT;
    char *next = use_next_segment(s);
    strbuf_addf(&path, "use %s%.*s", global ? "::" : "", (int)s->tok.len, s->tok.start);
    if (is_punct(&s->next, "::"))
        strbuf_addf(&path, "::%s", next && !is_punct(&s->next, "{") ? next : "..");
    s->use_root = s->ncandidates;
    add_candidate(s, &s->tok, strbuf_detach(&path), next, CRATE_USE_DECLARATION, u->decl, global);
}

/* The name a simple tree binds: its alias, its last segment, or for `self` the prefix's. */
static void bind_use_name(struct scan *s, struct use_tree *u, const struct token *last,
                          size_t base)
{
    if (is_word(s, &s->tok, "as")) {
        advance(s);
        bind(s, &s->tok, u->decl);
        if (s->tok.kind == TOK_IDENT)
            advance(s);
        return;
    }
    if (!is_word(s, last, "self")) {
        bind(s, last, u->decl);
        return;
    }
    const char *seg = u->prefix.buf, *sep;
    while ((sep = strstr(seg, "::")) && sep < u->prefix.buf + base)
        seg = sep + 2;
    bind_word(s, seg, (size_t)(u->prefix.buf + base - seg), u->decl);
}

/* One tree: [::] a::b::{..} | a::b::* | a::b [as c] | self [as c]. */
static void scan_use_tree(struct scan *s, struct use_tree *u, int root, int global, int depth)
{
    size_t base = u->prefix.len;
    if (depth > 32)
        return;
    if (is_punct(&s->tok, "::")) {
        global |= root;
        advance(s);
    }
    if (is_punct(&s->tok, "{")) {
        scan_use_group(s, u, root, global, depth);
        return;
    }
    if (is_punct(&s->tok, "*")) {
        bind_glob(s, u->prefix.buf, u->decl);
        advance(s);
        return;
    }
    if (s->tok.kind != TOK_IDENT)
        return;
    if (root)
        use_root(s, u, global);
    struct token last = s->tok;
    if (!is_word(s, &s->tok, "self"))
        append_segment(&u->prefix, &s->tok);
    advance(s);
    int simple = 1;
    while (simple && is_punct(&s->tok, "::")) {
        advance(s);
        if (is_punct(&s->tok, "{") || is_punct(&s->tok, "*")) {
            scan_use_tree(s, u, 0, 0, depth + 1);
            simple = 0;
        } else if (s->tok.kind == TOK_IDENT) {
            append_segment(&u->prefix, &s->tok);
            last = s->tok;
            advance(s);
        } else {
            break;
        }
    }
    if (simple)
        bind_use_name(s, u, &last, base);
    strbuf_setlen(&u->prefix, base);
}

static void scan_use(struct scan *s)
{
    struct use_tree u = {STRBUF_INIT, ++s->decls};
    advance(s); /* use */
    s->use_root = (size_t)-1;
    scan_use_tree(s, &u, 1, 0, 0);
    s->use_root = (size_t)-1;
    strbuf_release(&u.prefix);
}

/* extern crate foo [as bar]; names crate foo whatever is in scope. */
static void scan_extern_crate(struct scan *s)
{
    int decl = ++s->decls;
    advance(s); /* extern */
    advance(s); /* crate */
    struct token name = s->tok;
    if (could_be_crate(s, &name)) {
        struct strbuf path = STRBUF_INIT;
        strbuf_addf(&path, "extern crate %.*s", (int)name.len, name.start);
        add_candidate(s, &name, strbuf_detach(&path), NULL, CRATE_USE_EXTERN, decl, 1);
    }
    if (name.kind == TOK_IDENT)
        advance(s);
    if (is_word(s, &s->tok, "as")) {
        advance(s);
        bind(s, &s->tok, decl);
    } else {
        bind(s, &name, decl);
    }
}

/* ---- paths ---- */

struct path_shape {
    struct strbuf text; /* up to three segments */
    char *next;         /* the second segment */
    int turbofish;      /* first::<..>: a generic function or type, not a crate */
    int macro;          /* a::b!(..) */
};

/* Look ahead from the path's first segment (the current token) without consuming. */
static void peek_path(const struct scan *s, int global, struct path_shape *shape)
{
    struct lexer lx = s->lx;
    struct token t = s->next, after;
    int segments = 1;
    strbuf_addf(&shape->text, "%s%.*s", global ? "::" : "", (int)s->tok.len, s->tok.start);
    while (is_punct(&t, "::")) {
        lexer_next(&lx, &t);
        if (is_punct(&t, "<")) {
            shape->turbofish = segments == 1;
            return;
        }
        if (t.kind != TOK_IDENT)
            return;
        if (segments == 1)
            shape->next = token_text(&t);
        if (++segments <= 3)
            strbuf_addf(&shape->text, "::%.*s", (int)t.len, t.start);
        lexer_next(&lx, &t);
    }
    lexer_next(&lx, &after);
    shape->macro = is_punct(&t, "!") && (is_punct(&after, "(") || is_punct(&after, "[") ||
                                         is_punct(&after, "{"));
}

/* The current identifier is followed by `::`: is it a path's first segment naming a crate? */
static void consider_path(struct scan *s)
{
    int global = is_punct(&s->prev, "::") && s->prev_leading;
    if ((is_punct(&s->prev, "::") && !global) || is_punct(&s->prev, ".") ||
        is_punct(&s->prev, "$") || !could_be_crate(s, &s->tok))
        return;
    /* A macro_rules! fragment specifier: ($a:ident :: $b:ident) */
    if (is_punct(&s->prev, ":") && s->before_prev.kind == TOK_IDENT &&
        s->before_prev.offset > 0 && s->lx.text[s->before_prev.offset - 1] == '$')
        return;
    if (s->in_attr && in_list(&s->tok, tools))
        return;
    struct path_shape shape = {STRBUF_INIT, NULL, 0, 0};
    peek_path(s, global, &shape);
    if (shape.turbofish) {
        strbuf_release(&shape.text);
        free(shape.next);
        return;
    }
    enum crate_use_kind kind = s->in_attr ? CRATE_USE_ATTRIBUTE
                               : shape.macro ? CRATE_USE_MACRO
                                             : CRATE_USE_PATH;
    add_candidate(s, &s->tok, strbuf_detach(&shape.text), shape.next, kind, 0, global);
}

/* ---- items, generics and blocks ---- */

static void open_brace(struct scan *s)
{
    struct block *outer = &s->blocks[s->current];
    if (outer->generics && outer->nest == s->nest && !s->generics_depth)
        outer->has_body = 1;
    push_block(s, 0);
}

static void close_brace(struct scan *s)
{
    while (s->current > 0 && s->blocks[s->current].generics)
        pop_block(s); /* a generic list whose item never opened a body */
    pop_block(s);
    if (s->current > 0 && s->blocks[s->current].generics && s->blocks[s->current].has_body)
        pop_block(s); /* the body of a generic item ended: so does its parameters' scope */
    s->generics_depth = 0;
}

static void semicolon(struct scan *s)
{
    const struct block *b = &s->blocks[s->current];
    if (s->current > 0 && b->generics && b->nest == s->nest && !s->generics_depth)
        pop_block(s); /* fn f<T>(); type A<T> = ..; struct S<T>(T); */
}

static void open_nest(struct scan *s)
{
    if (s->attr_pending && is_punct(&s->tok, "[") && !s->in_attr) {
        s->in_attr = 1;
        s->attr_base = s->nest;
    }
    s->nest++;
}

static void close_nest(struct scan *s)
{
    if (s->nest > 0)
        s->nest--;
    if (s->in_attr && s->nest <= s->attr_base)
        s->in_attr = 0;
}

/* `<` opens a generic parameter list after an item's name or `impl`; `<`/`>` nest in it. */
static void angle(struct scan *s, int open)
{
    if (s->generics_depth) {
        s->generics_depth += open ? 1 : -1;
        return;
    }
    if (open && ((s->prev.kind == TOK_IDENT && s->prev.offset == s->generics_name &&
                  s->generics_name) ||
                 is_word(s, &s->prev, "impl"))) {
        push_block(s, 1);
        s->generics_depth = 1;
    }
}

static void scan_punct(struct scan *s)
{
    const struct token *t = &s->tok;
    if (is_punct(t, "{"))
        open_brace(s);
    else if (is_punct(t, "}"))
        close_brace(s);
    else if (is_punct(t, "(") || is_punct(t, "["))
        open_nest(s);
    else if (is_punct(t, ")") || is_punct(t, "]"))
        close_nest(s);
    else if (is_punct(t, ";"))
        semicolon(s);
    else if (is_punct(t, "<") || is_punct(t, ">"))
        angle(s, is_punct(t, "<"));
    int attr_start = is_punct(t, "#") && (is_punct(&s->next, "[") || is_punct(&s->next, "!"));
    s->attr_pending = attr_start || (s->attr_pending && is_punct(t, "!"));
}

/* Items whose name lives in the type namespace, and those that take generic parameters. */
static const char *const type_items[] = {"mod", "struct", "enum", "union", "trait", "type", NULL};
static const char *const generic_items[] = {"fn", "struct", "enum", "union", "trait", "type",
                                            NULL};

static void scan_ident(struct scan *s)
{
    const struct token *t = &s->tok;
    if (!is_raw(s, t) && s->next.kind == TOK_IDENT) {
        if (in_list(t, type_items) && !(token_is(t, "union") && is_keyword(s, &s->next)))
            bind(s, &s->next, 0);
        if (in_list(t, generic_items))
            s->generics_name = s->next.offset;
    }
    /* A generic parameter: first in its list or after a comma (`const N` too). */
    if (s->generics_depth == 1 && s->nest == s->blocks[s->current].nest &&
        (is_punct(&s->prev, "<") || is_punct(&s->prev, ",") || is_word(s, &s->prev, "const")) &&
        !is_word(s, t, "const"))
        bind(s, t, 0);
    if (is_punct(&s->next, "::"))
        consider_path(s);
}

/* Macros whose input is code as data, turned into tokens for another program: quote!,
 * quote_spanned!, parse_quote!, parse_quote_spanned!. */
static const char *const quoting_macros[] = {"quote", "quote_spanned", "parse_quote",
                                             "parse_quote_spanned", NULL};

/* At a quoting macro's name followed by `!` and its delimited input: skip all of it. */
static int skip_quoted(struct scan *s)
{
    if (s->tok.kind != TOK_IDENT || !in_list(&s->tok, quoting_macros) || !is_punct(&s->next, "!"))
        return 0;
    struct lexer lx = s->lx;
    struct token open;
    lexer_next(&lx, &open);
    if (!is_punct(&open, "(") && !is_punct(&open, "[") && !is_punct(&open, "{"))
        return 0;
    advance(s); /* the name */
    advance(s); /* ! */
    for (int depth = 0; s->tok.kind != TOK_EOF;) {
        if (is_punct(&s->tok, "(") || is_punct(&s->tok, "[") || is_punct(&s->tok, "{"))
            depth++;
        else if (is_punct(&s->tok, ")") || is_punct(&s->tok, "]") || is_punct(&s->tok, "}"))
            depth--;
        advance(s);
        if (depth <= 0)
            break;
    }
    s->attr_pending = 0;
    return 1;
}

static void scan_tokens(struct scan *s)
{
    while (s->tok.kind != TOK_EOF) {
        if (skip_quoted(s))
            continue;
        if (is_word(s, &s->tok, "use")) {
            scan_use(s);
            continue;
        }
        if (is_word(s, &s->tok, "extern") && is_word(s, &s->next, "crate")) {
            scan_extern_crate(s);
            continue;
        }
        if (s->tok.kind == TOK_PUNCT)
            scan_punct(s);
        else
            s->attr_pending = 0;
        if (s->tok.kind == TOK_IDENT)
            scan_ident(s);
        advance(s);
    }
}

static void scan_release(struct scan *s)
{
    for (size_t i = 0; i < s->nbindings; i++)
        free(s->bindings[i].name);
    for (size_t i = 0; i < s->ncandidates; i++) {
        free(s->candidates[i].name);
        free(s->candidates[i].path);
        free(s->candidates[i].next);
    }
    for (size_t i = 0; i < s->nglobs; i++)
        free(s->globs[i].text);
    free(s->globs);
    free(s->bindings);
    free(s->candidates);
    free(s->blocks);
}

void infer_uses(const char *body, size_t len, struct crate_uses *uses)
{
    struct scan s;
    memset(&s, 0, sizeof(s));
    s.current = -1;
    s.use_root = (size_t)-1;
    push_block(&s, 0); /* the root: block 0, parent -1 */
    lexer_init(&s.lx, body, len);
    lexer_next(&s.lx, &s.next);
    advance(&s);
    scan_tokens(&s);
    infer_resolve(&s, uses);
    scan_release(&s);
}

void infer_crates(const char *body, size_t len, struct strlist *crates)
{
    struct crate_uses uses = CRATE_USES_INIT;
    infer_uses(body, len, &uses);
    for (size_t i = 0; i < uses.count; i++)
        if (!uses.items[i].glob)
            strlist_add_unique(crates, uses.items[i].crate);
    crate_uses_release(&uses);
}

/* Items whose name a path's second segment can be: helpers::g names `fn g`, `struct g`, .. */
static const char *const named_items[] = {"fn", "struct", "enum", "union", "trait", "type",
                                          "mod", "const", "static", NULL};

int infer_module_defines(const char *text, size_t len, const char *item)
{
    struct lexer lx;
    struct token prev = {0}, tok;
    int has_main = 0;
    lexer_init(&lx, text, len);
    while (lexer_next(&lx, &tok) != TOK_EOF) {
        int after_item = prev.kind == TOK_IDENT && in_list(&prev, named_items);
        if (after_item && tok.kind == TOK_IDENT && item && token_is(&tok, item))
            return 1;
        has_main |= after_item && token_is(&prev, "fn") && token_is(&tok, "main");
        prev = tok;
    }
    return !item && !has_main;
}
