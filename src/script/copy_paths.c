/* A copy of a script compiled elsewhere (a snippet wrapped, a program with frontmatter) must
 * still find what the script names by relative path: out-of-line `mod x;` (with or without
 * #[path]) and include!, include_str! and include_bytes! of a relative string literal get the
 * absolute path rustc would use for the original file (copy_paths.h). */
#include "script/copy_paths.h"

#include "util/chars.h"
#include "util/die.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- string literals (for paths) ---- */

static int hex_value(int c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* \u{...}: s points after the 'u'; returns the characters used, 0 if malformed. */
static size_t decode_unicode_escape(const char *s, size_t n, struct strbuf *out)
{
    unsigned long value = 0;
    size_t i = 1, digits = 0;
    if (!n || s[0] != '{')
        return 0;
    for (; i < n && s[i] != '}'; i++) {
        if (s[i] == '_')
            continue;
        if (hex_value((unsigned char)s[i]) < 0 || ++digits > 6)
            return 0;
        value = value * 16 + (unsigned long)hex_value((unsigned char)s[i]);
    }
    if (i >= n || !digits || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return 0;
    strbuf_add_utf8(out, value);
    return i + 1;
}

static int simple_escape(int c)
{
    switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case '\\': case '"': case '\'': return c;
    default: return -1;
    }
}

/* The body of a "..." literal (between the quotes) decoded; -1 for what a path never holds. */
static int decode_escapes(const char *s, size_t n, struct strbuf *out)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            strbuf_addch(out, s[i]);
            continue;
        }
        if (++i >= n)
            return -1;
        int high = i + 2 < n ? hex_value((unsigned char)s[i + 1]) : -1;
        int low = i + 2 < n ? hex_value((unsigned char)s[i + 2]) : -1;
        if (simple_escape((unsigned char)s[i]) >= 0) {
            strbuf_addch(out, simple_escape((unsigned char)s[i]));
        } else if (s[i] == 'x' && high >= 0 && high < 8 && low >= 0 && (high || low)) {
            strbuf_addch(out, high * 16 + low);
            i += 2;
        } else if (s[i] == 'u') {
            size_t used = decode_unicode_escape(s + i + 1, n - i - 1, out);
            if (!used)
                return -1;
            i += used;
        } else if (s[i] == '\n') {
            while (i + 1 < n && char_in((unsigned char)s[i + 1], " \t\r\n"))
                i++;
        } else {
            return -1;
        }
    }
    return 0;
}

/* A string literal token ("..." or r#"..."#) decoded; -1 for anything else. */
static int decode_string_literal(const struct token *t, struct strbuf *out)
{
    const char *s = t->start;
    size_t n = t->len;
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
        return decode_escapes(s + 1, n - 2, out);
    if (n < 3 || s[0] != 'r')
        return -1;
    size_t hashes = 1;
    while (hashes < n && s[hashes] == '#')
        hashes++;
    hashes--;
    if (n < 2 * hashes + 3 || s[hashes + 1] != '"' || s[n - hashes - 1] != '"')
        return -1;
    strbuf_add(out, s + hashes + 2, n - 2 * hashes - 3);
    return 0;
}

/* A Rust string literal holding s; -1 when s is not UTF-8 (a literal cannot hold it). */
static int encode_string_literal(const char *s, struct strbuf *out)
{
    if (!utf8_valid(s, strlen(s)))
        return -1;
    strbuf_addch(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            strbuf_addch(out, '\\');
        if (*s == '\n' || *s == '\r' || *s == '\t')
            strbuf_addf(out, "\\%c", *s == '\n' ? 'n' : *s == '\r' ? 'r' : 't');
        else
            strbuf_addch(out, *s);
    }
    strbuf_addch(out, '"');
    return 0;
}

/* ---- relative paths: resolved as rustc resolves them for the original file ---- */

/* A module's directory, as rustc's module loader keeps it: where its out-of-line children
 * are looked for.  Inside a block (a fn body) children need a #[path] ("unowned"). */
struct module_dir {
    char *dir;
    int owned;
    int is_module; /* a `mod x { }` (popped with its brace), not a block */
};

struct path_walk {
    const char *text;
    const char *script_dir;
    struct token_list toks;
    struct module_dir *stack;
    size_t depth, alloc;
    struct edit_list *edits;
};

static void push_dir(struct path_walk *pw, char *dir, int owned, int is_module)
{
    if (pw->depth == pw->alloc) {
        pw->alloc = pw->alloc ? pw->alloc * 2 : 8;
        pw->stack = xrealloc(pw->stack, pw->alloc * sizeof(*pw->stack));
    }
    pw->stack[pw->depth++] = (struct module_dir){dir, owned, is_module};
}

static const struct module_dir *current_dir(const struct path_walk *pw)
{
    return &pw->stack[pw->depth - 1];
}

static void join_path(const char *dir, const char *path, struct strbuf *out)
{
    if (path[0] == '/')
        strbuf_addstr(out, path);
    else
        strbuf_addf(out, "%s/%s", dir, path);
}

/* Replace a relative path literal by the absolute path under dir. */
static void make_literal_absolute(struct path_walk *pw, const struct token *lit, const char *dir)
{
    struct strbuf path = STRBUF_INIT, abs = STRBUF_INIT, literal = STRBUF_INIT;
    if (!decode_string_literal(lit, &path) && path.len && path.buf[0] != '/' &&
        strlen(path.buf) == path.len && !memchr(lit->start, '\n', lit->len)) {
        join_path(dir, path.buf, &abs);
        if (!encode_string_literal(abs.buf, &literal))
            add_edit(pw->edits, lit->offset, lit->len, strbuf_detach(&literal), WRAP_REPLACED,
                     ORDER_REPLACE, lit->offset);
    }
    strbuf_release(&path);
    strbuf_release(&abs);
    strbuf_release(&literal);
}

static int is_file(const char *path)
{
    struct stat st;
    return !stat(path, &st);
}

/* `mod name;` with no #[path] in a module at dir: name.rs or name/mod.rs there, as rustc picks;
 * both existing is rustc's error E0761, kept as an error. */
static void resolve_module_file(struct path_walk *pw, const struct token *name, size_t at,
                                size_t anchor, const char *dir)
{
    struct strbuf file = STRBUF_INIT, second = STRBUF_INIT, text = STRBUF_INIT;
    strbuf_addf(&file, "%s/%.*s.rs", dir, (int)name->len, name->start);
    strbuf_addf(&second, "%s/%.*s/mod.rs", dir, (int)name->len, name->start);
    int first_exists = is_file(file.buf), second_exists = is_file(second.buf);
    struct strbuf *chosen = !first_exists && second_exists ? &second : &file;
    if (first_exists && second_exists) {
        struct strbuf message = STRBUF_INIT;
        strbuf_addf(&message, "file for module `%.*s` found at both \"%s\" and \"%s\"",
                    (int)name->len, name->start, file.buf, second.buf);
        strbuf_addstr(&text, "::std::compile_error!(");
        if (encode_string_literal(message.buf, &text))
            strbuf_setlen(&text, 0);
        else
            strbuf_addstr(&text, "); ");
        strbuf_release(&message);
    }
    strbuf_addstr(&text, "#[path = ");
    if (!encode_string_literal(chosen->buf, &text)) {
        strbuf_addstr(&text, "] ");
        add_edit(pw->edits, at, 0, strbuf_detach(&text), WRAP_PATH, ORDER_PATH, anchor);
    }
    strbuf_release(&file);
    strbuf_release(&second);
    strbuf_release(&text);
}

/* `[#[path = "p"]] [pub] mod name` at i (the first attribute or the visibility or `mod`):
 * returns the index after what it handled. */
static size_t walk_module(struct path_walk *pw, size_t i)
{
    size_t path_lit = 0, item = i;
    int has_path = 0;
    while (tok_punct(&pw->toks, i, '#') && tok_punct(&pw->toks, i + 1, '[')) {
        if (tok_word(&pw->toks, i + 2, "path") && tok_punct(&pw->toks, i + 3, '=') &&
            tok_at(&pw->toks, i + 4)->kind == TOK_LITERAL && tok_punct(&pw->toks, i + 5, ']')) {
            has_path = 1;
            path_lit = i + 4;
        }
        i = skip_tokens_group(&pw->toks, i + 1);
        item = i;
    }
    if (tok_word(&pw->toks, i, "pub")) {
        i++;
        if (tok_punct(&pw->toks, i, '('))
            i = skip_tokens_group(&pw->toks, i);
    }
    if (!tok_word(&pw->toks, i, "mod") || tok_at(&pw->toks, i + 1)->kind != TOK_IDENT)
        return i > item ? i : item + 1;
    const struct token *name = tok_at(&pw->toks, i + 1);
    const struct module_dir *here = current_dir(pw);
    struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT;
    if (tok_punct(&pw->toks, i + 2, '{')) {
        if (has_path && !decode_string_literal(tok_at(&pw->toks, path_lit), &path))
            join_path(here->dir, path.buf, &dir);
        else
            strbuf_addf(&dir, "%s/%.*s", here->dir, (int)name->len, name->start);
        push_dir(pw, strbuf_detach(&dir), here->owned, 1);
    } else if (tok_punct(&pw->toks, i + 2, ';') && has_path) {
        make_literal_absolute(pw, tok_at(&pw->toks, path_lit), here->dir);
    } else if (tok_punct(&pw->toks, i + 2, ';') && here->owned) {
        resolve_module_file(pw, name, tok_at(&pw->toks, item)->offset, tok_at(&pw->toks, i)->offset, here->dir);
    }
    strbuf_release(&dir);
    strbuf_release(&path);
    return i + 3;
}

static int is_include_macro(const struct token *t)
{
    return t->kind == TOK_IDENT &&
           (token_is(t, "include") || token_is(t, "include_str") || token_is(t, "include_bytes"));
}

/* include!("rel"), include_str!["rel"], include_bytes!{"rel",}: relative to the script's own
 * directory (the file the invocation is in), whatever module it is in. */
static size_t walk_include(struct path_walk *pw, size_t i)
{
    const struct token *lit = tok_at(&pw->toks, i + 3);
    size_t close = i + 4 + tok_punct(&pw->toks, i + 4, ',');
    if (tok_punct(&pw->toks, i + 1, '!') &&
        (tok_punct(&pw->toks, i + 2, '(') || tok_punct(&pw->toks, i + 2, '[') || tok_punct(&pw->toks, i + 2, '{')) &&
        lit->kind == TOK_LITERAL &&
        (tok_punct(&pw->toks, close, ')') || tok_punct(&pw->toks, close, ']') || tok_punct(&pw->toks, close, '}')))
        make_literal_absolute(pw, lit, pw->script_dir);
    return i + 1;
}

static void pop_dir(struct path_walk *pw)
{
    if (pw->depth > 1)
        free(pw->stack[--pw->depth].dir);
}

void find_path_edits(const char *text, size_t len, const char *script_dir,
                            struct edit_list *edits)
{
    struct path_walk pw = {text, script_dir, {NULL, 0, 0}, NULL, 0, 0, edits};
    lex_all(text, len, &pw.toks);
    push_dir(&pw, xstrdup(script_dir), 1, 1);
    size_t i = 0;
    while (tok_at(&pw.toks, i)->kind != TOK_EOF) {
        if (tok_punct(&pw.toks, i, '#') && tok_punct(&pw.toks, i + 1, '!'))
            i = skip_tokens_group(&pw.toks, i + 2);
        else if ((tok_punct(&pw.toks, i, '#') && tok_punct(&pw.toks, i + 1, '[')) || tok_word(&pw.toks, i, "pub") ||
                 tok_word(&pw.toks, i, "mod"))
            i = walk_module(&pw, i);
        else if (is_include_macro(tok_at(&pw.toks, i)))
            i = walk_include(&pw, i);
        else if (tok_punct(&pw.toks, i, '{'))
            push_dir(&pw, xstrdup(current_dir(&pw)->dir), 0, 0), i++;
        else if (tok_punct(&pw.toks, i, '}'))
            pop_dir(&pw), i++;
        else
            i++;
    }
    while (pw.depth)
        free(pw.stack[--pw.depth].dir);
    free(pw.stack);
    free(pw.toks.items);
}
