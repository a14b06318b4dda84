#include "script/wrap.h"

#include "script/rustlex.h"
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

static unsigned count_chars(const char *s, size_t len)
{
    unsigned n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

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
            add_segment(wr, count_chars(text, len), role, at, NULL);
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
            add_segment(wr, count_chars(text + from, end - from), WRAP_COPY, pos, NULL);
            strbuf_add(&wr->w->code, text + from, end - from);
            pos->col += count_chars(text + from, end - from);
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
    add_segment(wr, count_chars(text, strlen(text)), WRAP_REPLACED, pos,
                xmemdupz(part_text + from, to - from));
    strbuf_addstr(&wr->w->code, text);
    pos->col += count_chars(part_text + from, to - from);
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

/* ---- edits of a part: cthag's text inserted, or the part's text replaced, on one line ---- */

/* Edits at the same offset are applied in this order (a replacement last: it moves past). */
enum edit_order {
    ORDER_MAIN,        /* fn main's opening */
    ORDER_VALUE,       /* the printing's opening */
    ORDER_VALUE_PAREN, /* the ( right before the value */
    ORDER_PATH,        /* #[path] before an out-of-line module */
    ORDER_LET_END,     /* the ; a final `let` lacked */
    ORDER_REPLACE,     /* the part's text rewritten */
};

struct edit {
    size_t at, remove; /* the part's bytes [at, at + remove) (remove == 0: an insertion) */
    char *text;        /* owned */
    enum wrap_role role;
    enum edit_order order;
    size_t anchor;     /* an insertion: the part's offset it stands for */
};

struct edit_list {
    struct edit *items;
    size_t count, alloc;
};

static void add_edit(struct edit_list *list, size_t at, size_t remove, char *text,
                     enum wrap_role role, enum edit_order order, size_t anchor)
{
    if (list->count == list->alloc) {
        list->alloc = list->alloc ? list->alloc * 2 : 8;
        list->items = xrealloc(list->items, list->alloc * sizeof(*list->items));
    }
    list->items[list->count++] = (struct edit){at, remove, text, role, order, anchor};
}

static void release_edits(struct edit_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].text);
    free(list->items);
    memset(list, 0, sizeof(*list));
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

/* ---- chunks: top-level items and statements (to find the final expression) ---- */

enum chunk_kind { CHUNK_ITEM, CHUNK_STATEMENT, CHUNK_TAIL };

struct chunk {
    size_t from, to; /* bytes of the body, leading comments included */
    enum chunk_kind kind;
    int returns;     /* a tail that is an Ok(..)/Err(..) value: main's result */
};

struct chunker {
    struct lexer lx;
    struct token tok;   /* current token */
    struct token ahead; /* the one after it */
    size_t last_end;    /* end offset of the last token consumed */
};

static void chunker_advance(struct chunker *c)
{
    if (c->tok.kind != TOK_EOF)
        c->last_end = (size_t)(c->tok.start - c->lx.text) + c->tok.len;
    c->tok = c->ahead;
    if (c->tok.kind != TOK_EOF)
        lexer_next(&c->lx, &c->ahead);
}

static void chunker_init(struct chunker *c, const char *body, size_t len)
{
    lexer_init(&c->lx, body, len);
    c->tok.kind = TOK_EOF;
    c->last_end = 0;
    lexer_next(&c->lx, &c->ahead);
    chunker_advance(c);
}

static int is_punct(const struct token *t, char ch)
{
    return t->kind == TOK_PUNCT && t->len == 1 && *t->start == ch;
}

static int is_word(const struct token *t, const char *word)
{
    return t->kind == TOK_IDENT && token_is(t, word);
}

static int is_open(const struct token *t)
{
    return is_punct(t, '(') || is_punct(t, '[') || is_punct(t, '{');
}

static int is_close(const struct token *t)
{
    return is_punct(t, ')') || is_punct(t, ']') || is_punct(t, '}');
}

/* Skip a bracketed group starting at the current opening token. */
static void skip_group(struct chunker *c)
{
    int depth = 0;
    do {
        if (is_open(&c->tok))
            depth++;
        else if (is_close(&c->tok))
            depth--;
        chunker_advance(c);
    } while (depth > 0 && c->tok.kind != TOK_EOF);
}

/* How a chunk that starts with the current token ends. */
enum ending {
    ENDS_AT_SEMICOLON,  /* let, use, const X, expression statements */
    ENDS_AT_BRACE,      /* fn, struct, impl, ...: `;` or a `}` back at depth 0 */
    ENDS_AT_BLOCK,      /* if/match/loop/{...}/brace macro: a `}` at depth 0 unless continued */
};

static const char *const item_words[] = {"fn", "struct", "enum", "trait", "impl", "mod",
                                         "macro_rules", "union", "auto", NULL};
static const char *const declaration_words[] = {"use", "type", "const", "static", "extern", NULL};
static const char *const block_words[] = {"if", "match", "for", "while", "loop", "unsafe", NULL};

static int word_in(const struct token *t, const char *const *words)
{
    for (; *words; words++)
        if (is_word(t, *words))
            return 1;
    return 0;
}

/* Classify by the first tokens after attributes; *is_item tells item from statement. */
static enum ending classify_start(struct chunker *c, int *is_item)
{
    const struct token *t = &c->tok, *next = &c->ahead;
    if (is_word(t, "unsafe") || is_word(t, "async"))
        *is_item = is_word(next, "fn") || is_word(next, "impl") || is_word(next, "trait") ||
                   is_word(next, "extern");
    else if (is_word(t, "const"))
        *is_item = !is_punct(next, '{');
    else if (is_word(t, "static"))
        *is_item = next->kind == TOK_IDENT && !is_word(next, "move");
    else if (is_word(t, "union") || is_word(t, "auto"))
        *is_item = next->kind == TOK_IDENT;
    else if (is_word(t, "macro_rules"))
        *is_item = is_punct(next, '!');
    else
        *is_item = word_in(t, item_words) || word_in(t, declaration_words);
    if (*is_item)
        return word_in(t, declaration_words) && !is_word(next, "fn") && !is_punct(next, '"')
                   ? ENDS_AT_SEMICOLON
                   : ENDS_AT_BRACE;
    if (word_in(t, block_words) || is_punct(t, '{') || t->kind == TOK_LIFETIME)
        return ENDS_AT_BLOCK;
    return ENDS_AT_SEMICOLON;
}

/* Inside an ENDS_AT_SEMICOLON statement: `name! {` or `a::b! {` at depth 0 makes it a brace
 * macro statement, which ends at its closing brace. */
static int starts_brace_macro(const struct token *prev, const struct token *t)
{
    return prev && is_punct(prev, '!') && is_punct(t, '{');
}

/* Outer attributes and a visibility (`pub`, `pub(crate)`) before an item or statement. */
static int skip_attributes_and_visibility(struct chunker *c)
{
    while (is_punct(&c->tok, '#') && is_punct(&c->ahead, '[')) {
        chunker_advance(c);
        skip_group(c);
    }
    if (!is_word(&c->tok, "pub"))
        return 0;
    chunker_advance(c);
    if (is_punct(&c->tok, '('))
        skip_group(c);
    return 1;
}

/* Consume one chunk; returns 0 at the end of input with nothing consumed. */
static int next_chunk(struct chunker *c, size_t from, struct chunk *out)
{
    if (c->tok.kind == TOK_EOF)
        return 0;
    int is_public = skip_attributes_and_visibility(c);
    int is_item;
    enum ending ending = classify_start(c, &is_item);
    is_item |= is_public;
    int returns = (is_word(&c->tok, "Ok") || is_word(&c->tok, "Err")) &&
                  (is_punct(&c->ahead, '(') || token_is(&c->ahead, "::"));
    int depth = 0, simple_path = 1, ended = 0;
    struct token prev = {TOK_PUNCT, "", 0, 0, 0};
    while (c->tok.kind != TOK_EOF && !ended) {
        struct token t = c->tok;
        if (!depth && ending == ENDS_AT_SEMICOLON && !is_item && simple_path &&
            starts_brace_macro(&prev, &t))
            ending = ENDS_AT_BLOCK;
        if (!(t.kind == TOK_IDENT || token_is(&t, "::") || is_punct(&t, '!')))
            simple_path = 0;
        if (is_open(&t))
            depth++;
        else if (is_close(&t) && depth)
            depth--;
        chunker_advance(c);
        if (!depth && is_punct(&t, ';'))
            ended = 1;
        else if (!depth && is_punct(&t, '}') && ending == ENDS_AT_BRACE)
            ended = 1;
        else if (!depth && is_punct(&t, '}') && ending == ENDS_AT_BLOCK) {
            if (is_punct(&c->tok, '.') || is_punct(&c->tok, '?'))
                ending = ENDS_AT_SEMICOLON;
            else if (is_punct(&c->tok, ';'))
                ending = ENDS_AT_SEMICOLON; /* `unsafe { f() };`: the `;` is part of it */
            else if (!is_word(&c->tok, "else"))
                ended = 1;
        }
        prev = t;
    }
    out->from = from;
    out->to = c->last_end;
    out->returns = returns;
    if (is_item)
        out->kind = CHUNK_ITEM;
    else if (c->tok.kind == TOK_EOF && !is_punct(&prev, ';'))
        out->kind = CHUNK_TAIL;
    else
        out->kind = CHUNK_STATEMENT;
    return 1;
}

struct chunk_list {
    struct chunk *items;
    size_t count, alloc;
};

static void split_chunks(const char *body, size_t len, size_t start, struct chunk_list *list)
{
    struct chunker c;
    chunker_init(&c, body, len);
    while (c.tok.kind != TOK_EOF && c.tok.offset < start)
        chunker_advance(&c);
    size_t from = start;
    struct chunk chunk;
    while (next_chunk(&c, from, &chunk)) {
        if (list->count == list->alloc) {
            list->alloc = list->alloc ? list->alloc * 2 : 16;
            list->items = xrealloc(list->items, list->alloc * sizeof(*list->items));
        }
        list->items[list->count++] = chunk;
        from = chunk.to;
    }
}

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

/* The tokens of a part, for lookahead. */
struct token_list {
    struct token *items;
    size_t count, alloc;
};

static void lex_all(const char *text, size_t len, struct token_list *list)
{
    struct lexer lx;
    struct token t;
    lexer_init(&lx, text, len);
    do {
        lexer_next(&lx, &t);
        if (list->count == list->alloc) {
            list->alloc = list->alloc ? list->alloc * 2 : 64;
            list->items = xrealloc(list->items, list->alloc * sizeof(*list->items));
        }
        list->items[list->count++] = t;
    } while (t.kind != TOK_EOF);
}

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

/* The i-th token (the last one, TOK_EOF, past the end). */
static const struct token *tok_at(const struct token_list *tl, size_t i)
{
    return &tl->items[i < tl->count ? i : tl->count - 1];
}

static int tok_punct(const struct token_list *tl, size_t i, char c)
{
    const struct token *t = tok_at(tl, i);
    return t->kind == TOK_PUNCT && t->len == 1 && t->start[0] == c;
}

static int tok_word(const struct token_list *tl, size_t i, const char *word)
{
    const struct token *t = tok_at(tl, i);
    return t->kind == TOK_IDENT && token_is(t, word);
}

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

/* Index after the bracket group that opens at i. */
static size_t skip_tokens_group(const struct token_list *tl, size_t i)
{
    int depth = 0;
    do {
        const struct token *t = tok_at(tl, i);
        if (t->kind == TOK_EOF)
            return i;
        if (t->kind == TOK_PUNCT && t->len == 1 && strchr("([{", t->start[0]))
            depth++;
        else if (t->kind == TOK_PUNCT && t->len == 1 && strchr(")]}", t->start[0]))
            depth--;
        i++;
    } while (depth > 0);
    return i;
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

/* Edits that make the part's relative module and include paths absolute. */
static void find_path_edits(const char *text, size_t len, const char *script_dir,
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
    for (unsigned n = count_chars(text + from, to - from); n; n--)
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

static void plan_tail(struct part_plan *p, const struct chunk_list *chunks)
{
    const struct chunk *last = chunks->count ? &chunks->items[chunks->count - 1] : NULL;
    p->tail = TAIL_NONE;
    if (!last || last->kind != CHUNK_TAIL)
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
    struct chunker c;
    chunker_init(&c, text, len);
    while (is_punct(&c.tok, '#') && is_punct(&c.ahead, '!')) {
        chunker_advance(&c);
        chunker_advance(&c);
        if (is_punct(&c.tok, '['))
            skip_group(&c);
        p->attrs_end = c.last_end;
    }
    p->has_code = c.tok.kind != TOK_EOF;
    p->first = p->has_code ? c.tok.offset : len;
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
    return is_punct(&t, '|');
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

int wrap_in_prelude(const char *name)
{
    return !strcmp(name, "io") || !strcmp(name, "Error");
}

/* ---- questions about the result ---- */

/* Index of the first segment on a generated line (nsegments when there is none). */
static size_t first_segment(const struct wrapped *w, int line)
{
    size_t lo = 0, hi = w->nsegments;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->segments[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int wrap_script_line(const struct wrapped *w, int generated_line)
{
    for (size_t i = first_segment(w, generated_line);
         i < w->nsegments && w->segments[i].line == generated_line; i++) {
        const struct wrap_segment *s = &w->segments[i];
        if ((s->role == WRAP_COPY || s->role == WRAP_REPLACED) && s->part == WRAP_PART_MAIN)
            return s->part_line;
    }
    return 0;
}

static int is_script_text(const struct wrap_segment *s)
{
    return s->role == WRAP_COPY || s->role == WRAP_REPLACED;
}

/* The part position of column col of a segment holding script text. */
static struct wrap_position script_position(const struct wrap_segment *s, unsigned col)
{
    struct wrap_position pos = {s->part, s->part_line, s->part_col, s->role};
    unsigned into = col > s->col ? col - s->col : 0;
    if (into > s->len)
        into = s->len;
    unsigned original = s->original ? count_chars(s->original, strlen(s->original)) : 0;
    if (s->role == WRAP_COPY)
        pos.col += into;
    else /* in a rewritten literal: its start, its end, or within the original */
        pos.col += into == s->len ? original : into < original ? into : original ? original - 1 : 0;
    return pos;
}

void wrap_locate(const struct wrapped *w, int line, unsigned col, struct wrap_position *pos)
{
    const struct wrap_segment *found = NULL;
    for (size_t i = first_segment(w, line); i < w->nsegments && w->segments[i].line == line;
         i++) {
        found = &w->segments[i];
        if (col < found->col + found->len || (!found->len && col == found->col))
            break;
    }
    if (!found)
        *pos = (struct wrap_position){WRAP_PART_MAIN, 0, 0, WRAP_SUPPORT};
    else if (is_script_text(found))
        *pos = script_position(found, col);
    else
        *pos = (struct wrap_position){found->part, found->part_line, found->part_col, found->role};
}

/* An empty span: the script text it touches (ending or starting there), else what is there. */
static void locate_point(const struct wrapped *w, int line, unsigned col, struct wrap_span *span)
{
    for (size_t i = first_segment(w, line); i < w->nsegments && w->segments[i].line == line;
         i++) {
        const struct wrap_segment *s = &w->segments[i];
        if (is_script_text(s) && col >= s->col && col <= s->col + s->len) {
            span->start = span->end = script_position(s, col);
            return;
        }
    }
    wrap_locate(w, line, col, &span->start);
    span->end = span->start;
    span->own = span->start.role != WRAP_COPY && span->start.role != WRAP_REPLACED;
    span->role = span->start.role;
}

void wrap_locate_span(const struct wrapped *w, int line_start, unsigned col_start, int line_end,
                      unsigned col_end, struct wrap_span *span)
{
    memset(span, 0, sizeof(*span));
    if (line_start == line_end && col_start >= col_end) {
        locate_point(w, line_start, col_start, span);
        return;
    }
    int found = 0;
    for (size_t i = first_segment(w, line_start); i < w->nsegments && w->segments[i].line <= line_end;
         i++) {
        const struct wrap_segment *s = &w->segments[i];
        unsigned from = s->line == line_start && col_start > s->col ? col_start : s->col;
        unsigned to = s->line == line_end && col_end < s->col + s->len ? col_end : s->col + s->len;
        if (from >= to && !(s->len == 0 && from == to && s->line > line_start && s->line < line_end))
            continue;
        if (!is_script_text(s)) {
            span->cut = 1;
            if (!found && !span->own) {
                span->own = 1;
                span->start = span->end = (struct wrap_position){s->part, s->part_line,
                                                                 s->part_col, s->role};
                span->role = s->role;
            }
            if (s->role == WRAP_VALUE)
                span->role = WRAP_VALUE;
            continue;
        }
        if (found && s->part != span->start.part)
            break;
        if (!found)
            span->start = script_position(s, from);
        span->end = script_position(s, to);
        found = 1;
    }
    if (found)
        span->own = 0;
    else if (!span->own)
        locate_point(w, line_start, col_start, span);
}

/* The start of a generated line's text, or NULL. */
static const char *generated_line(const struct wrapped *w, int line)
{
    const char *p = w->code.buf, *end = w->code.buf + w->code.len;
    for (int l = 1; l < line && p; l++) {
        p = memchr(p, '\n', (size_t)(end - p));
        p = p ? p + 1 : NULL;
    }
    return p;
}

/* Past n characters of UTF-8 text. */
static const char *skip_chars(const char *p, const char *end, unsigned n)
{
    while (n-- && p < end) {
        p++;
        while (p < end && ((unsigned char)*p & 0xC0) == 0x80)
            p++;
    }
    return p;
}

int wrap_part_line(const struct wrapped *w, enum wrap_part part, int line, struct strbuf *out)
{
    int found = 0;
    const char *end = w->code.buf + w->code.len;
    for (size_t i = 0; i < w->nsegments; i++) {
        const struct wrap_segment *s = &w->segments[i];
        if (!is_script_text(s) || s->part != part || s->part_line != line)
            continue;
        found = 1;
        if (s->role == WRAP_REPLACED) {
            strbuf_addstr(out, s->original);
            continue;
        }
        const char *p = generated_line(w, s->line);
        if (!p)
            continue;
        p = skip_chars(p, end, s->col);
        strbuf_add(out, p, (size_t)(skip_chars(p, end, s->len) - p));
    }
    return found ? 0 : -1;
}

int wrap_line_is_verbatim(const struct wrapped *w, int line)
{
    size_t i = first_segment(w, line);
    return i < w->nsegments && w->segments[i].line == line &&
           w->segments[i].role == WRAP_COPY && w->segments[i].part == WRAP_PART_MAIN &&
           w->segments[i].part_line == line && w->segments[i].col == 0 &&
           w->segments[i].part_col == 0 &&
           (i + 1 == w->nsegments || w->segments[i + 1].line != line);
}

void wrap_release(struct wrapped *w)
{
    for (size_t i = 0; i < w->nsegments; i++)
        free(w->segments[i].original);
    free(w->segments);
    strbuf_release(&w->code);
    memset(w, 0, sizeof(*w));
}
