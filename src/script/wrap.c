#include "script/wrap.h"

#include "script/chunks.h"
#include "script/copy_paths.h"
#include "script/rustlex.h"
#include "script/wrap_edit.h"
#include "util/chars.h"
#include "util/die.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- generated text, cut into segments ---- */

/* Invariant: w->lines == number of '\n' in w->code; col counts the characters after the last. */
struct writer {
    struct wrapped *w;
    unsigned col;
};

/* A position in a part: where cthag's text is reported, or where copied text comes from. */
struct place {
    enum wrap_part part;
    int line;
    unsigned col;
};

static void add_segment(struct writer *wr, unsigned len, enum wrap_role role,
                        const struct place *at, char *original)
{
    struct wrapped *w = wr->w;
    if (w->nsegments == w->alloc) {
        w->alloc = w->alloc ? w->alloc * 2 : 32;
        w->segments = xrealloc(w->segments, w->alloc * sizeof(*w->segments));
    }
    w->segments[w->nsegments++] = (struct wrap_segment){
        (int)w->lines + 1, wr->col, len, role, at->part, at->line, at->col, original};
    wr->col += len;
}

static void new_line(struct writer *wr)
{
    strbuf_addch(&wr->w->code, '\n');
    wr->w->lines++;
    wr->col = 0;
}

static void end_line(struct writer *wr)
{
    if (wr->col || (wr->w->code.len && wr->w->code.buf[wr->w->code.len - 1] != '\n'))
        new_line(wr);
}

/* cthag's own text; it stands for `at` in the script's terms. */
static void write_own(struct writer *wr, const char *text, enum wrap_role role,
                      const struct place *at)
{
    while (*text) {
        size_t len = strcspn(text, "\n");
        if (len) {
            add_segment(wr, utf8_count_chars(text, len), role, at, NULL);
            strbuf_add(&wr->w->code, text, len);
        }
        text += len;
        if (*text == '\n') {
            new_line(wr);
            text++;
        }
    }
}

/* A part's text [from, to) that starts at *pos; *pos moves to its end.  Every line of the part
 * gets a segment, an empty one for an empty line. */
static void write_copy(struct writer *wr, const char *text, size_t from, size_t to,
                       struct place *pos)
{
    while (from < to) {
        const char *nl = memchr(text + from, '\n', to - from);
        size_t end = nl ? (size_t)(nl - text) : to;
        if (end > from || (pos->col == 0 && nl)) {
            add_segment(wr, utf8_count_chars(text + from, end - from), WRAP_COPY, pos, NULL);
            strbuf_add(&wr->w->code, text + from, end - from);
            pos->col += utf8_count_chars(text + from, end - from);
        }
        from = end;
        if (nl) {
            new_line(wr);
            pos->line++;
            pos->col = 0;
            from++;
        }
    }
}

/* The part's text [from, to) (one line) replaced by text. */
static void write_replaced(struct writer *wr, const char *part_text, size_t from, size_t to,
                           const char *text, struct place *pos)
{
    add_segment(wr, utf8_count_chars(text, strlen(text)), WRAP_REPLACED, pos,
                xmemdupz(part_text + from, to - from));
    strbuf_addstr(&wr->w->code, text);
    pos->col += utf8_count_chars(part_text + from, to - from);
}

/* Line and column of a byte offset in a part. */
static struct place place_of(enum wrap_part part, const char *text, size_t offset)
{
    struct place p = {part, 1, 0};
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            p.line++;
            p.col = 0;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            p.col++;
        }
    }
    return p;
}

static int compare_edits(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (int)x->order - (int)y->order;
}

/* Write a whole part with its edits applied. */
static void write_part(struct writer *wr, enum wrap_part part, const char *text, size_t len,
                       struct edit_list *edits)
{
    if (edits->count)
        qsort(edits->items, edits->count, sizeof(*edits->items), compare_edits);
    struct place pos = {part, 1, 0};
    size_t cursor = 0;
    for (size_t i = 0; i < edits->count; i++) {
        const struct edit *e = &edits->items[i];
        if (e->at < cursor)
            continue; /* overlapping edits cannot happen; never write text twice */
        write_copy(wr, text, cursor, e->at, &pos);
        if (e->remove) {
            write_replaced(wr, text, e->at, e->at + e->remove, e->text, &pos);
        } else {
            struct place anchor = place_of(part, text, e->anchor);
            write_own(wr, e->text, e->role, &anchor);
        }
        cursor = e->at + e->remove;
    }
    write_copy(wr, text, cursor, len, &pos);
}

/* ---- comments between tokens ---- */

/* Offset of the end of the trivia (whitespace and comments) starting at i. */
static size_t skip_comment(const char *text, size_t len, size_t i)
{
    if (i + 1 < len && text[i] == '/' && text[i + 1] == '/') {
        while (i < len && text[i] != '\n')
            i++;
        return i;
    }
    int depth = 0;
    do {
        if (i + 1 < len && text[i] == '/' && text[i + 1] == '*') {
            depth++;
            i += 2;
        } else if (i + 1 < len && text[i] == '*' && text[i + 1] == '/') {
            depth--;
            i += 2;
        } else {
            i++;
        }
    } while (depth > 0 && i < len);
    return i;
}

static int is_comment_start(const char *text, size_t len, size_t i)
{
    return i + 1 < len && text[i] == '/' && (text[i + 1] == '/' || text[i + 1] == '*');
}

/* Inner doc comments (slash slash bang, slash star bang): the crate's own docs, which must come
 * before any item. */
static int is_inner_doc(const char *text, size_t len, size_t i)
{
    return i + 2 < len && text[i + 2] == '!';
}

/* Outer doc comments (three slashes but not four; slash and two stars, but neither three stars
 * nor the empty block comment): documentation of the next item. */
static int is_outer_doc(const char *text, size_t len, size_t i)
{
    if (i + 2 >= len || text[i + 2] != text[i + 1])
        return 0;
    if (text[i + 1] == '/')
        return i + 3 >= len || text[i + 3] != '/';
    return i + 3 < len && text[i + 3] != '*' && text[i + 3] != '/';
}

/* Does the text end inside a // comment (so that what follows on its line would be comment)? */
static int ends_in_line_comment(const char *text, size_t len)
{
    struct lexer lx;
    struct token t;
    size_t end = 0;
    lexer_init(&lx, text, len);
    while (lexer_next(&lx, &t) != TOK_EOF)
        end = t.offset + t.len;
    while (end < len) {
        if (is_comment_start(text, len, end)) {
            size_t after = skip_comment(text, len, end);
            if (text[end + 1] == '/' && after == len)
                return 1;
            end = after;
        } else {
            end++;
        }
    }
    return 0;
}

static int is_blank_line(const char *text, size_t to, size_t start)
{
    while (start < to && char_in((unsigned char)text[start], " \t\r"))
        start++;
    return start < to && text[start] == '\n';
}

/* Where cthag's text that must come before the first token at `to` (and after `from`, the end of
 * the inner attributes) goes: outside comments, after the crate's inner doc comments, before any
 * doc comment of the first item, and on an earlier line than `to` when there is such a place
 * (then no line with code changes): best on a blank line (a shebang's, a manifest's), else at the
 * end of a line without code.  Otherwise right before the token. */
static size_t pick_place_before(const char *text, size_t from, size_t to)
{
    size_t blank = to, other = to, lowest = from, highest = to;
    int line = 1, to_line = 1, in_line_comment = 0;
    for (size_t i = 0; i < to; i++)
        to_line += text[i] == '\n';
    for (size_t i = 0; i < from; i++)
        line += text[i] == '\n';
    if (line < to_line)
        other = from;
    for (size_t i = from; i <= to && line < to_line;) {
        int line_start = i == 0 || text[i - 1] == '\n';
        if (line_start && i >= lowest && i <= highest && blank == to && is_blank_line(text, to, i))
            blank = i;
        if (i == to)
            break;
        if (is_comment_start(text, to, i)) {
            size_t after = skip_comment(text, to, i);
            in_line_comment = text[i + 1] == '/';
            if (is_inner_doc(text, to, i)) {
                lowest = after;
                blank = other = to;
            } else if (is_outer_doc(text, to, i) && i < highest) {
                highest = i;
            }
            for (size_t j = i; j < after; j++)
                line += text[j] == '\n';
            i = after;
            continue;
        }
        if (text[i] == '\n') {
            if (i >= lowest && i <= highest && !in_line_comment)
                other = i; /* the end of a line without code */
            else if (i + 1 >= lowest && i + 1 <= highest && line + 1 < to_line)
                other = i + 1; /* the start of the next one */
            line++;
        }
        in_line_comment = 0;
        i++;
    }
    size_t best = blank < to ? blank : other;
    return best > highest ? highest : best;
}

/* ---- delimiters ---- */

static char closer_of(char opener)
{
    return opener == '(' ? ')' : opener == '[' ? ']' : '}';
}

struct open_delimiter {
    char opener;
    int line;
};

int wrap_check_delimiters(const char *part, size_t len, struct wrap_unbalanced *u)
{
    struct lexer lx;
    struct token tok;
    struct open_delimiter *open = NULL;
    size_t depth = 0, alloc = 0;
    int result = 0;
    memset(u, 0, sizeof(*u));
    lexer_init(&lx, part, len);
    while (!result && lexer_next(&lx, &tok) != TOK_EOF) {
        if (tok.kind != TOK_PUNCT || tok.len != 1)
            continue;
        char c = *tok.start;
        if (c == '(' || c == '[' || c == '{') {
            ALLOC_GROW(open, depth + 1, alloc);
            open[depth++] = (struct open_delimiter){c, tok.line};
        } else if (c == ')' || c == ']' || c == '}') {
            if (depth && closer_of(open[depth - 1].opener) == c) {
                depth--;
                continue;
            }
            *u = (struct wrap_unbalanced){tok.line, c, depth ? open[depth - 1].opener : 0,
                                          depth ? open[depth - 1].line : 0};
            result = -1;
        }
    }
    /* An unterminated string or comment swallowed the rest: rustc reports where it starts. */
    if (!result && depth && !lx.unterminated_line) {
        *u = (struct wrap_unbalanced){open[depth - 1].line, 0, open[depth - 1].opener,
                                      open[depth - 1].line};
        result = -1;
    }
    free(open);
    return result;
}

void wrap_describe_unbalanced(const struct wrap_unbalanced *u, const char *what,
                              struct strbuf *out)
{
    if (!u->closer)
        strbuf_addf(out, "unclosed `%c` (%s ends before it is closed)", u->opener, what);
    else if (!u->opener)
        strbuf_addf(out, "unexpected `%c` (nothing open to close)", u->closer);
    else
        strbuf_addf(out, "`%c` closes the `%c` opened on line %d", u->closer, u->opener,
                    u->open_line);
}

/* ---- #[macro_use] extern crate in a snippet ---- */

/* rustc takes a macro-loading `extern crate` only at the crate's top level, and a snippet is
 * main's body: the #[macro_use] attribute is blanked where it is (its columns stay) and the
 * declaration repeated after the script, at the top level, where the macros it loads are seen
 * throughout the crate (the macro_use prelude is not textual). */
struct hoist {
    size_t at;  /* the attribute in the part: what the repeated declaration stands for */
    char *text; /* "#[macro_use] extern crate name;\n" */
};

struct hoist_list {
    struct hoist *items;
    size_t count, alloc;
};

static void add_hoist(struct hoist_list *list, size_t at, char *text)
{
    if (list->count == list->alloc) {
        list->alloc = list->alloc ? list->alloc * 2 : 4;
        list->items = xrealloc(list->items, list->alloc * sizeof(*list->items));
    }
    list->items[list->count++] = (struct hoist){at, text};
}

/* `#[macro_use...] extern crate name` at token i, at the snippet's top level: hoisted. */
static void hoist_macro_use(const char *text, const struct token_list *tl, size_t i,
                            struct edit_list *edits, struct hoist_list *hoists)
{
    size_t end = skip_tokens_group(tl, i + 1);
    const struct token *last = tok_at(tl, end - 1), *name = tok_at(tl, end + 2);
    size_t from = tok_at(tl, i)->offset, to = last->offset + last->len;
    if (!tok_word(tl, end, "extern") || !tok_word(tl, end + 1, "crate") ||
        name->kind != TOK_IDENT || memchr(text + from, '\n', to - from))
        return;
    struct strbuf blank = STRBUF_INIT, decl = STRBUF_INIT;
    for (unsigned n = utf8_count_chars(text + from, to - from); n; n--)
        strbuf_addch(&blank, ' ');
    add_edit(edits, from, to - from, strbuf_detach(&blank), WRAP_REPLACED, ORDER_REPLACE,
             from);
    strbuf_addf(&decl, "%.*s extern crate %.*s;\n", (int)(to - from), text + from,
                (int)name->len, name->start);
    add_hoist(hoists, from, strbuf_detach(&decl));
}

static void find_macro_use(const char *text, size_t len, struct edit_list *edits,
                           struct hoist_list *hoists)
{
    struct token_list tl = {NULL, 0, 0};
    lex_all(text, len, &tl);
    int depth = 0;
    for (size_t i = 0; tok_at(&tl, i)->kind != TOK_EOF; i++) {
        depth += tok_punct(&tl, i, '{') - tok_punct(&tl, i, '}');
        if (!depth && tok_punct(&tl, i, '#') && tok_punct(&tl, i + 1, '[') &&
            tok_word(&tl, i + 2, "macro_use"))
            hoist_macro_use(text, &tl, i, edits, hoists);
    }
    free(tl.items);
}

static void write_hoisted(struct writer *wr, const char *text, struct hoist_list *hoists)
{
    for (size_t i = 0; i < hoists->count; i++) {
        struct place at = place_of(WRAP_PART_MAIN, text, hoists->items[i].at);
        write_own(wr, hoists->items[i].text, WRAP_SUPPORT, &at);
        free(hoists->items[i].text);
    }
    free(hoists->items);
}

/* ---- snippets: one part planned ---- */

/* main: the opening of a snippet.  Its type is an alias among the helpers after the script, to
 * keep the first line short (panics on line 1 report columns shifted by this much). */
static const char main_open[] = "fn main()->__CthagResult{";

/* -l: the loop around the filter, whose value is printed; `i` outlives it, for -E. */
static const char loop_open[] =
    "let mut i: usize = 0; "
    "for line in ::std::io::BufRead::lines(::std::io::stdin().lock()) { "
    "#[allow(unused_variables)] let line: ::std::string::String = match line { Ok(l) => l, "
    "Err(e) => __cthag_read_error(i + 1, e) }; i += 1; "
    "#[allow(unused_variables)] let i = i; __cthag_show(&({";
static const char loop_close[] = "}));}";

/* -l, rust-script's form: the filter is code whose value is a closure, evaluated once before the
 * loop and called with each line as rust-script passes it (read_line's buffer: the newline kept);
 * a value other than () is printed, as rust-script does.  `i` comes after the closure, which
 * cannot capture it, and counts lines for -E. */
static const char closure_open[] =
    "#[allow(unused_braces)] let mut __cthag_filter = __cthag_line_closure({";
static const char closure_close[] =
    "}); let mut i: usize = 0; let mut __cthag_line = ::std::string::String::new(); "
    "while { __cthag_line.clear(); match ::std::io::BufRead::read_line(&mut "
    "::std::io::stdin().lock(), &mut __cthag_line) { Ok(n) => n != 0, Err(e) => "
    "__cthag_read_error(i + 1, e) } } { i += 1; #[allow(unused_variables)] let i = i; "
    "__cthag_show(&__cthag_filter(&__cthag_line)); }";
/* Gives the closure's parameter its type, as rust-script's enforce_closure does. */
static const char closure_helper[] =
    "#[doc(hidden)]\n"
    "fn __cthag_line_closure<F: FnMut(&str) -> T, T>(filter: F) -> F {\n"
    "    filter\n"
    "}\n";

/* -l: a line that cannot be read (not UTF-8: a String cannot hold it) ends the loop with a
 * message naming the line, not std's raw Debug form of the error. */
static const char read_error_helper[] =
    "#[doc(hidden)]\n"
    "fn __cthag_read_error(line: usize, error: ::std::io::Error) -> ! {\n"
    "    if error.kind() == ::std::io::ErrorKind::InvalidData {\n"
    "        ::std::eprintln!(\"cthag: <stdin>:{}: invalid UTF-8 (-l reads lines of text)\", line);\n"
    "    } else {\n"
    "        ::std::eprintln!(\"cthag: <stdin>:{}: cannot read: {}\", line, error);\n"
    "    }\n"
    "    ::std::process::exit(1)\n"
    "}\n";

/* Printing a final value: `__cthag_show(&` may end the previous line, but the `(` starts the
 * value's own line, right before it: the value's span (which takes the parentheses' span) is
 * then on its own line, the one panics and backtraces report. */
static const char value_open[] = "__cthag_show(&";
/* The same for a value that starts with `(` or `*`: clippy would take cthag's `&(` for the
 * script's (`&((a, b))` has double parentheses, `&(*r)` derefs a reference to borrow it again). */
static const char value_open_quiet[] =
    "#[allow(clippy::double_parens, clippy::borrow_deref_ref)] __cthag_show(&";
static const char value_close[] = "));";

/* thag's prelude: at the crate's top level, so the script's own imports (inside main) shadow
 * them rather than clash. */
static const char prelude[] =
    "#[allow(unused_imports)]\n"
    "use ::std::error::Error;\n"
    "#[allow(unused_imports)]\n"
    "use ::std::io;\n"
    "#[allow(unused_imports)]\n"
    "use ::std::io::prelude::*;\n"
    "#[doc(hidden)]\n"
    "type __CthagResult = ::std::result::Result<(), ::std::boxed::Box<dyn ::std::error::Error>>;\n";

/* Printing a final value with {:?}, nothing for ().  A plain function with a Debug bound: a value
 * that cannot be printed is rustc's own "`T` doesn't implement `Debug`" at the expression. */
static const char show_helper[] =
    "#[doc(hidden)]\n"
    "fn __cthag_show<T: ::std::fmt::Debug + ?Sized>(value: &T) {\n"
    "    if ::std::any::type_name::<T>() != \"()\" {\n"
    "        ::std::println!(\"{:?}\", value);\n"
    "    }\n"
    "}\n";

/* -u: text types printed as text.  Their {:?} form is quoted and escaped; undone here. */
static const char show_unquoted_helper[] =
    "#[doc(hidden)]\n"
    "fn __cthag_show<T: ::std::fmt::Debug + ?Sized>(value: &T) {\n"
    "    fn unescape(s: &str) -> ::std::string::String {\n"
    "        let mut out = ::std::string::String::new();\n"
    "        let mut chars = s.chars();\n"
    "        while let Some(c) = chars.next() {\n"
    "            match if c == '\\\\' { chars.next() } else { out.push(c); continue } {\n"
    "                Some('n') => out.push('\\n'),\n"
    "                Some('r') => out.push('\\r'),\n"
    "                Some('t') => out.push('\\t'),\n"
    "                Some('0') => out.push('\\0'),\n"
    "                Some('u') => {\n"
    "                    let hex: ::std::string::String =\n"
    "                        chars.by_ref().skip(1).take_while(|&c| c != '}').collect();\n"
    "                    out.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));\n"
    "                }\n"
    "                Some(other) => out.push(other),\n"
    "                None => {}\n"
    "            }\n"
    "        }\n"
    "        out\n"
    "    }\n"
    "    let mut name = ::std::any::type_name::<T>();\n"
    "    while let Some(rest) = name.strip_prefix('&') {\n"
    "        name = rest.strip_prefix(\"mut \").unwrap_or(rest);\n"
    "    }\n"
    "    let text = ::std::format!(\"{:?}\", value);\n"
    "    let textual = [\"str\", \"alloc::string::String\", \"alloc::borrow::Cow<'_, str>\",\n"
    "        \"alloc::borrow::Cow<str>\", \"alloc::boxed::Box<str>\", \"alloc::rc::Rc<str>\",\n"
    "        \"alloc::sync::Arc<str>\"];\n"
    "    if name == \"()\" {\n"
    "    } else if textual.contains(&name) && text.len() >= 2 && text.starts_with('\"') {\n"
    "        ::std::println!(\"{}\", unescape(&text[1..text.len() - 1]));\n"
    "    } else {\n"
    "        ::std::println!(\"{}\", text);\n"
    "    }\n"
    "}\n";

enum tail_kind {
    TAIL_NONE,   /* the part ends with a statement or an item */
    TAIL_VALUE,  /* a final expression: printed */
    TAIL_RESULT, /* Ok(..) or Err(..): main's result */
    TAIL_LET,    /* a `let` without its `;`: given one */
};

struct part_plan {
    const char *text;
    size_t len;
    int has_code;
    size_t attrs_end; /* end of the inner attributes (0 when none) */
    size_t first;     /* the first token after them */
    size_t opening;   /* where cthag's text before the code goes (see pick_place_before) */
    size_t end;       /* end of the last token */
    enum tail_kind tail;
    size_t tail_first, tail_end;
    size_t value_at;  /* where the printing's opening goes */
};

static size_t first_token_at(const char *text, size_t from, size_t to)
{
    struct lexer lx;
    struct token t;
    lexer_init(&lx, text + from, to - from);
    return lexer_next(&lx, &t) == TOK_EOF ? to : from + t.offset;
}

static int line_of(const char *text, size_t offset)
{
    int line = 1;
    for (size_t i = 0; i < offset; i++)
        line += text[i] == '\n';
    return line;
}

static int starts_with_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    unsigned char next = (unsigned char)s[strncmp(s, word, n) ? 0 : n];
    return !strncmp(s, word, n) && !(next == '_' || next >= 0x80 || (next >= '0' && next <= '9') ||
                                     ((next | 0x20) >= 'a' && (next | 0x20) <= 'z'));
}

/* thag's rule: code that is items only (a braced macro call, `items! { .. }`, being one, as
 * are `name!(..);` calls) has no value, even when it ends in such a call; after any statement
 * the final braced call is the value. */
static int only_items(const struct chunk_list *chunks)
{
    const struct chunk *last = &chunks->items[chunks->count - 1];
    if (last->macro_call != '{')
        return 0;
    for (size_t i = 0; i + 1 < chunks->count; i++)
        if (chunks->items[i].kind != CHUNK_ITEM && !chunks->items[i].macro_call)
            return 0;
    return 1;
}

static void plan_tail(struct part_plan *p, const struct chunk_list *chunks)
{
    const struct chunk *last = chunks->count ? &chunks->items[chunks->count - 1] : NULL;
    p->tail = TAIL_NONE;
    if (!last || last->kind != CHUNK_TAIL || only_items(chunks))
        return;
    p->tail_first = first_token_at(p->text, last->from, last->to);
    p->tail_end = last->to;
    p->tail = last->returns ? TAIL_RESULT
              : starts_with_word(p->text + p->tail_first, "let")
                  ? TAIL_LET
                  : TAIL_VALUE;
    /* Put the printing's opening at the end of the previous line when the expression starts a
     * line of its own: its own line then keeps its columns. */
    size_t before = chunks->count > 1 ? chunks->items[chunks->count - 2].to : p->opening;
    p->value_at = line_of(p->text, before) < line_of(p->text, p->tail_first) ? before
                                                                             : p->tail_first;
}

static void plan_part(const char *text, size_t len, struct part_plan *p)
{
    memset(p, 0, sizeof(*p));
    p->text = text;
    p->len = len;
    p->has_code = skip_inner_attributes(text, len, &p->attrs_end, &p->first);
    p->opening = p->has_code ? pick_place_before(text, p->attrs_end, p->first) : len;
    struct chunk_list chunks = {NULL, 0, 0};
    split_chunks(text, len, p->first, &chunks);
    p->end = chunks.count ? chunks.items[chunks.count - 1].to : p->attrs_end;
    plan_tail(p, &chunks);
    free(chunks.items);
}

/* Is the part's final expression a closure: `|..| ..`, `|| ..`, `move |..| ..`? */
static int tail_is_closure(const struct part_plan *p)
{
    struct lexer lx;
    struct token t;
    if (p->tail != TAIL_VALUE)
        return 0;
    lexer_init(&lx, p->text + p->tail_first, p->tail_end - p->tail_first);
    lexer_next(&lx, &t);
    if (t.kind == TOK_IDENT && token_is(&t, "move"))
        lexer_next(&lx, &t);
    return t.kind == TOK_PUNCT && t.len == 1 && *t.start == '|';
}

int wrap_loop_is_closure(const char *filter, size_t len)
{
    struct part_plan p;
    plan_part(filter, len, &p);
    return tail_is_closure(&p);
}

size_t wrap_split(const char *body, size_t len, struct wrap_piece **pieces)
{
    struct part_plan p;
    struct chunk_list chunks = {NULL, 0, 0};
    plan_part(body, len, &p);
    split_chunks(body, len, p.first, &chunks);
    *pieces = chunks.count ? xcalloc(chunks.count, sizeof(**pieces)) : NULL;
    for (size_t i = 0; i < chunks.count; i++)
        (*pieces)[i] = (struct wrap_piece){chunks.items[i].from, chunks.items[i].to,
                                           chunks.items[i].kind == CHUNK_ITEM};
    free(chunks.items);
    return chunks.count;
}

/* The part's edits: its paths, and cthag's text that goes inside its lines. */
static void part_edits(const struct part_plan *p, const struct wrap_options *o, int opens_main,
                       int prints_value, struct edit_list *edits)
{
    if (o->script_dir)
        find_path_edits(p->text, p->len, o->script_dir, edits);
    if (opens_main && p->has_code)
        add_edit(edits, p->opening, 0, xstrdup(main_open), WRAP_START, ORDER_MAIN, p->first);
    if (p->tail == TAIL_VALUE && prints_value) {
        char first = p->text[p->tail_first];
        add_edit(edits, p->value_at, 0,
                 xstrdup(first == '(' || first == '*' ? value_open_quiet : value_open),
                 WRAP_VALUE, ORDER_VALUE, p->tail_first);
        add_edit(edits, p->tail_first, 0, xstrdup("("), WRAP_VALUE, ORDER_VALUE_PAREN,
                 p->tail_first);
    }
    if (p->tail == TAIL_LET && !prints_value)
        add_edit(edits, p->tail_end, 0, xstrdup(";"), WRAP_END, ORDER_LET_END, p->tail_end);
}

/* After a part whose final value is printed: close the printing (or end its `let`). */
static void close_value(struct writer *wr, const struct part_plan *p, enum wrap_part part,
                        const char *line_end)
{
    struct place end = place_of(part, p->text, p->end);
    if (p->tail == TAIL_VALUE || p->tail == TAIL_LET) {
        write_own(wr, p->tail == TAIL_VALUE ? value_close : ";",
                  p->tail == TAIL_VALUE ? WRAP_VALUE : WRAP_END, &end);
        write_own(wr, line_end, WRAP_END, &end);
    }
}

/* The helpers after the script; what rustc says about them (the end of the file reached, say)
 * is said at the end of the last part. */
static void write_support(struct writer *wr, int flags, int shows, const struct part_plan *last,
                          enum wrap_part part)
{
    struct place end = place_of(part, last->text, last->end);
    write_own(wr, prelude, WRAP_SUPPORT, &end);
    if (shows)
        write_own(wr, flags & WRAP_UNQUOTE ? show_unquoted_helper : show_helper, WRAP_SUPPORT,
                  &end);
}

/* End main after the last part (which ends at `end`). */
static void close_main(struct writer *wr, const struct part_plan *last, enum wrap_part part)
{
    struct place end = place_of(part, last->text, last->end);
    if (last->tail != TAIL_RESULT)
        write_own(wr, "Ok(())\n", WRAP_END, &end);
    write_own(wr, "}\n", WRAP_END, &end);
}

static void wrap_init(struct wrapped *out)
{
    memset(out, 0, sizeof(*out));
    strbuf_init(&out->code);
}

/* ---- the three shapes ---- */

void wrap_program(const char *body, size_t len, const struct wrap_options *o, struct wrapped *out)
{
    struct writer wr = {out, 0};
    struct edit_list edits = {NULL, 0, 0};
    wrap_init(out);
    if (o->script_dir)
        find_path_edits(body, len, o->script_dir, &edits);
    write_part(&wr, WRAP_PART_MAIN, body, len, &edits);
    end_line(&wr);
    release_edits(&edits);
}

void wrap_snippet(const char *body, size_t len, const struct wrap_options *o, struct wrapped *out)
{
    struct writer wr = {out, 0};
    struct edit_list edits = {NULL, 0, 0};
    struct part_plan p;
    wrap_init(out);
    struct hoist_list hoists = {NULL, 0, 0};
    plan_part(body, len, &p);
    part_edits(&p, o, 1, 1, &edits);
    find_macro_use(body, len, &edits, &hoists);
    write_part(&wr, WRAP_PART_MAIN, body, len, &edits);
    end_line(&wr);
    if (!p.has_code) {
        struct place end = place_of(WRAP_PART_MAIN, body, len);
        write_own(&wr, main_open, WRAP_START, &end);
        write_own(&wr, "\n", WRAP_START, &end);
    }
    close_value(&wr, &p, WRAP_PART_MAIN, "\n");
    close_main(&wr, &p, WRAP_PART_MAIN);
    write_support(&wr, o->flags, p.tail == TAIL_VALUE, &p, WRAP_PART_MAIN);
    write_hoisted(&wr, body, &hoists);
    release_edits(&edits);
}

/* Write a part of -l and what follows it on its line (a new line if it ends in a comment). */
static void write_loop_part(struct writer *wr, enum wrap_part part, const struct part_plan *p,
                            const struct wrap_options *o, int opens_main, int prints_value)
{
    struct edit_list edits = {NULL, 0, 0};
    part_edits(p, o, opens_main, prints_value, &edits);
    write_part(wr, part, p->text, p->len, &edits);
    release_edits(&edits);
    if (ends_in_line_comment(p->text, p->len))
        new_line(wr);
}

void wrap_loop(const char *pre, const char *filter, const char *post,
               const struct wrap_options *o, struct wrapped *out)
{
    struct writer wr = {out, 0};
    struct part_plan b, f, e;
    wrap_init(out);
    plan_part(pre, strlen(pre), &b);
    plan_part(filter, strlen(filter), &f);
    plan_part(post, strlen(post), &e);
    struct place filter_start = place_of(WRAP_PART_MAIN, filter, f.first);
    struct place filter_end = place_of(WRAP_PART_MAIN, filter, f.end);
    write_loop_part(&wr, WRAP_PART_BEGIN, &b, o, 1, 1);
    close_value(&wr, &b, WRAP_PART_BEGIN, "");
    if (!b.has_code)
        write_own(&wr, main_open, WRAP_START, &filter_start);
    int closure = tail_is_closure(&f);
    write_own(&wr, closure ? closure_open : loop_open, WRAP_START, &filter_start);
    write_loop_part(&wr, WRAP_PART_MAIN, &f, o, 0, 0);
    write_own(&wr, closure ? closure_close : loop_close, WRAP_END, &filter_end);
    write_loop_part(&wr, WRAP_PART_END, &e, o, 0, 1);
    end_line(&wr);
    close_value(&wr, &e, WRAP_PART_END, "\n");
    close_main(&wr, &e, WRAP_PART_END);
    write_support(&wr, o->flags, 1, &e, WRAP_PART_END);
    struct place end = place_of(WRAP_PART_END, e.text, e.end);
    write_own(&wr, read_error_helper, WRAP_SUPPORT, &end);
    if (closure)
        write_own(&wr, closure_helper, WRAP_SUPPORT, &end);
}

void wrap_snippet_after(const char *pre, const char *body, size_t len,
                        const struct wrap_options *o, struct wrapped *out)
{
    struct writer wr = {out, 0};
    struct part_plan b, m;
    wrap_init(out);
    plan_part(pre, strlen(pre), &b);
    plan_part(body, len, &m);
    struct place main_start = place_of(WRAP_PART_MAIN, body, m.first);
    write_loop_part(&wr, WRAP_PART_BEGIN, &b, o, 1, 1);
    close_value(&wr, &b, WRAP_PART_BEGIN, "");
    if (!b.has_code)
        write_own(&wr, main_open, WRAP_START, &main_start);
    write_loop_part(&wr, WRAP_PART_MAIN, &m, o, 0, 1);
    end_line(&wr);
    close_value(&wr, &m, WRAP_PART_MAIN, "\n");
    close_main(&wr, &m, WRAP_PART_MAIN);
    write_support(&wr, o->flags, 1, &m, WRAP_PART_MAIN);
}

int wrap_in_prelude(const char *name)
{
    return !strcmp(name, "io") || !strcmp(name, "Error");
}

void wrap_release(struct wrapped *w)
{
    for (size_t i = 0; i < w->nsegments; i++)
        free(w->segments[i].original);
    free(w->segments);
    strbuf_release(&w->code);
    memset(w, 0, sizeof(*w));
}
