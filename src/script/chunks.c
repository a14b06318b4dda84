#include "script/chunks.h"

#include "script/rustlex.h"
#include "util/die.h"

#include <string.h>

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

/* Is body[from, to) one macro call, `a::b!(..)`, `a![..];`, `a! {..}`: its opening bracket, or 0. */
static char macro_call(const char *body, size_t from, size_t to)
{
    struct chunker c;
    chunker_init(&c, body + from, to - from);
    if (token_is(&c.tok, "::"))
        chunker_advance(&c);
    while (c.tok.kind == TOK_IDENT && token_is(&c.ahead, "::")) {
        chunker_advance(&c);
        chunker_advance(&c);
    }
    if (c.tok.kind != TOK_IDENT || !is_punct(&c.ahead, '!'))
        return 0;
    chunker_advance(&c);
    chunker_advance(&c);
    char opener = is_open(&c.tok) ? *c.tok.start : 0;
    if (!opener)
        return 0;
    skip_group(&c);
    if (is_punct(&c.tok, ';'))
        chunker_advance(&c);
    return c.tok.kind == TOK_EOF ? opener : 0;
}

void split_chunks(const char *body, size_t len, size_t start, struct chunk_list *list)
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
        chunk.macro_call = macro_call(body, chunk.from, chunk.to);
        list->items[list->count++] = chunk;
        from = chunk.to;
    }
}


int skip_inner_attributes(const char *text, size_t len, size_t *attrs_end, size_t *first)
{
    struct chunker c;
    chunker_init(&c, text, len);
    *attrs_end = 0;
    while (is_punct(&c.tok, '#') && is_punct(&c.ahead, '!')) {
        chunker_advance(&c);
        chunker_advance(&c);
        if (is_punct(&c.tok, '['))
            skip_group(&c);
        *attrs_end = c.last_end;
    }
    *first = c.tok.kind != TOK_EOF ? c.tok.offset : len;
    return c.tok.kind != TOK_EOF;
}
