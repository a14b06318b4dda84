#include "util/chars.h"
#include "wrap.h"

#include "rustlex.h"
#include "util/die.h"

#include <stdlib.h>
#include <string.h>

/* ---- output with a line map ---- */

/* Invariant: w->lines == number of '\n' in w->code; open_line_source is the script line of the
 * unfinished last line (0 = cthag's own text, -1 = nothing written on it yet). */
struct writer {
    struct wrapped *w;
    int open_line_source;
};

static void end_line(struct writer *wr)
{
    struct wrapped *w = wr->w;
    if (w->lines == w->alloc) {
        w->alloc = w->alloc ? w->alloc * 2 : 64;
        w->line_map = xrealloc(w->line_map, w->alloc * sizeof(int));
    }
    w->line_map[w->lines++] = wr->open_line_source > 0 ? wr->open_line_source : 0;
    strbuf_addch(&w->code, '\n');
    wr->open_line_source = -1;
}

/* Append text that starts on script line `line` (0 for cthag's own text). */
static void write_text(struct writer *wr, const char *text, size_t len, int line)
{
    for (size_t i = 0; i < len; i++) {
        if (wr->open_line_source < 0 || (wr->open_line_source == 0 && line > 0))
            wr->open_line_source = line;
        if (text[i] == '\n') {
            end_line(wr);
            if (line > 0)
                line++;
        } else {
            strbuf_addch(&wr->w->code, text[i]);
        }
    }
}

static void write_own(struct writer *wr, const char *text)
{
    write_text(wr, text, strlen(text), 0);
}

static void start_fresh_line(struct writer *wr)
{
    if (wr->open_line_source != -1)
        end_line(wr);
}

/* ---- chunks: top-level items and statements ---- */

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

/* ---- emitting ---- */

/* Where the prefix that must stay first ends: leading comments and inner attributes #![...]. */
static size_t prefix_end(const char *body, size_t len)
{
    struct chunker c;
    chunker_init(&c, body, len);
    while (is_punct(&c.tok, '#') && is_punct(&c.ahead, '!')) {
        chunker_advance(&c);
        chunker_advance(&c);
        if (is_punct(&c.tok, '['))
            skip_group(&c);
    }
    return c.tok.kind == TOK_EOF ? len : c.tok.offset;
}

/* A forward-only cursor that knows the line and column of an offset in the body. */
struct position {
    const char *body;
    size_t offset, line_start;
    int line;
};

static void position_move(struct position *p, size_t offset)
{
    for (; p->offset < offset; p->offset++) {
        if (p->body[p->offset] == '\n') {
            p->line++;
            p->line_start = p->offset + 1;
        }
    }
}

/* Column of the cursor in characters (UTF-8 continuation bytes do not count). */
static size_t position_column(const struct position *p)
{
    size_t column = 0;
    for (size_t i = p->line_start; i < p->offset; i++)
        column += ((unsigned char)p->body[i] & 0xC0) != 0x80;
    return column;
}

/* Copy body[from, to) onto a fresh line, padded so the text keeps its original column. */
static void emit_span(struct writer *wr, struct position *pos, size_t from, size_t to)
{
    /* Whitespace that ends the previous chunk's line belongs to nobody. */
    size_t skip = from;
    while (skip < to && char_in((unsigned char)pos->body[skip], " \t\r"))
        skip++;
    if (skip < to && pos->body[skip] == '\n')
        from = skip + 1;
    position_move(pos, from);
    start_fresh_line(wr);
    size_t column = position_column(pos);
    for (size_t i = 0; i < column; i++)
        write_text(wr, " ", 1, pos->line);
    write_text(wr, pos->body + from, to - from, pos->line);
    position_move(pos, to);
}

static const char snippet_main_open[] =
    "#[allow(unreachable_code)]\n"
    "fn main() -> ::std::result::Result<(), ::std::boxed::Box<dyn ::std::error::Error>> {\n";

/* Printing a value by its type, chosen by method resolution (autoref specialisation): impls for
 * exact types (nothing for (); text for strings with -u) are found before the Debug fallback. */
static const char show_helpers[] =
    "#[doc(hidden)]\n"
    "struct __CthagShow<T>(T);\n"
    "#[doc(hidden)]\n"
    "trait __CthagShowExact { fn __cthag_show(&self); }\n"
    "impl __CthagShowExact for __CthagShow<()> { fn __cthag_show(&self) {} }\n"
    "#[doc(hidden)]\n"
    "trait __CthagShowDebug { fn __cthag_show(&self); }\n"
    "impl<T: ::std::fmt::Debug> __CthagShowDebug for &__CthagShow<T> {\n"
    "    fn __cthag_show(&self) { ::std::println!(\"{:?}\", self.0); }\n"
    "}\n";

static const char show_unquoted_helpers[] =
    "impl __CthagShowExact for __CthagShow<::std::string::String> {\n"
    "    fn __cthag_show(&self) { ::std::println!(\"{}\", self.0); }\n"
    "}\n"
    "impl __CthagShowExact for __CthagShow<&::std::string::String> {\n"
    "    fn __cthag_show(&self) { ::std::println!(\"{}\", self.0); }\n"
    "}\n"
    "impl __CthagShowExact for __CthagShow<&str> {\n"
    "    fn __cthag_show(&self) { ::std::println!(\"{}\", self.0); }\n"
    "}\n";

static void write_show_helpers(struct writer *wr, int flags)
{
    write_own(wr, show_helpers);
    if (flags & WRAP_UNQUOTE)
        write_own(wr, show_unquoted_helpers);
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

static void emit_tail(struct writer *wr, struct position *pos, const struct chunk *tail)
{
    if (tail->returns) {
        emit_span(wr, pos, tail->from, tail->to);
        start_fresh_line(wr);
        return;
    }
    start_fresh_line(wr);
    write_own(wr, "(&__CthagShow(\n");
    emit_span(wr, pos, tail->from, tail->to);
    start_fresh_line(wr);
    write_own(wr, ")).__cthag_show();\n");
}

void wrap_snippet(const char *body, size_t len, int flags, struct wrapped *out)
{
    memset(out, 0, sizeof(*out));
    struct writer wr = {out, -1};
    struct position pos = {body, 0, 0, 1};
    size_t prefix = prefix_end(body, len);
    struct chunk_list chunks = {NULL, 0, 0};
    split_chunks(body, len, prefix, &chunks);
    write_text(&wr, body, prefix, 1);
    position_move(&pos, prefix);
    /* Items first (moving them above main changes nothing for the compiler), then main. */
    for (size_t i = 0; i < chunks.count; i++) {
        if (chunks.items[i].kind == CHUNK_ITEM)
            emit_span(&wr, &pos, chunks.items[i].from, chunks.items[i].to);
    }
    start_fresh_line(&wr);
    write_own(&wr, snippet_main_open);
    pos = (struct position){body, 0, 0, 1};
    const struct chunk *tail = NULL;
    for (size_t i = 0; i < chunks.count; i++) {
        if (chunks.items[i].kind == CHUNK_STATEMENT)
            emit_span(&wr, &pos, chunks.items[i].from, chunks.items[i].to);
        else if (chunks.items[i].kind == CHUNK_TAIL)
            tail = &chunks.items[i];
    }
    if (tail)
        emit_tail(&wr, &pos, tail);
    start_fresh_line(&wr);
    write_own(&wr, tail && tail->returns ? "}\n" : "Ok(())\n}\n");
    if (tail && !tail->returns)
        write_show_helpers(&wr, flags);
    free(chunks.items);
}

size_t wrap_split(const char *body, size_t len, struct wrap_piece **pieces)
{
    struct chunk_list chunks = {NULL, 0, 0};
    split_chunks(body, len, prefix_end(body, len), &chunks);
    *pieces = chunks.count ? xcalloc(chunks.count, sizeof(**pieces)) : NULL;
    for (size_t i = 0; i < chunks.count; i++)
        (*pieces)[i] = (struct wrap_piece){chunks.items[i].from, chunks.items[i].to,
                                           chunks.items[i].kind == CHUNK_ITEM};
    free(chunks.items);
    return chunks.count;
}

void wrap_loop(const char *pre, const char *filter, const char *post, int flags,
               struct wrapped *out)
{
    memset(out, 0, sizeof(*out));
    struct writer wr = {out, -1};
    write_own(&wr, "#[allow(unreachable_code, unused_variables, unused_mut)]\n");
    write_own(&wr, snippet_main_open);
    write_own(&wr, "use ::std::io::BufRead as _;\n");
    write_own(&wr, pre);
    start_fresh_line(&wr);
    write_own(&wr, "for (__cthag_i, __cthag_line) in ::std::io::stdin().lock().lines().enumerate() {\n"
                   "let line: ::std::string::String = __cthag_line?;\n"
                   "let i: usize = __cthag_i + 1;\n"
                   "(&__CthagShow({\n");
    write_text(&wr, filter, strlen(filter), 1);
    start_fresh_line(&wr);
    write_own(&wr, "})).__cthag_show();\n}\n");
    write_own(&wr, post);
    start_fresh_line(&wr);
    write_own(&wr, "Ok(())\n}\n");
    write_show_helpers(&wr, flags);
}

void wrap_program(const char *body, size_t len, struct wrapped *out)
{
    memset(out, 0, sizeof(*out));
    struct writer wr = {out, -1};
    write_text(&wr, body, len, 1);
    if (wr.open_line_source != -1)
        end_line(&wr);
}

int wrap_script_line(const struct wrapped *w, int generated_line)
{
    if (generated_line < 1 || (size_t)generated_line > w->lines)
        return 0;
    return w->line_map[generated_line - 1];
}

void wrap_release(struct wrapped *w)
{
    strbuf_release(&w->code);
    free(w->line_map);
    memset(w, 0, sizeof(*w));
}
