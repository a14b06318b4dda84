#include "script/rustlex.h"

#include <string.h>

void lexer_init(struct lexer *lx, const char *text, size_t len)
{
    lx->text = text;
    lx->len = len;
    lx->pos = 0;
    lx->line = 1;
    lx->unterminated_line = 0;
}

int token_is(const struct token *tok, const char *s)
{
    size_t n = strlen(s);
    return tok->len == n && !memcmp(tok->start, s, n);
}

static int at(const struct lexer *lx, size_t ahead)
{
    return lx->pos + ahead < lx->len ? (unsigned char)lx->text[lx->pos + ahead] : -1;
}

static void step(struct lexer *lx)
{
    if (lx->pos < lx->len && lx->text[lx->pos++] == '\n')
        lx->line++;
}

static int is_ident_start(int c)
{
    /* Any non-ASCII byte is taken as part of an identifier (Unicode XID, loosely). */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_ident_char(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static void skip_block_comment(struct lexer *lx)
{
    int start_line = lx->line, depth = 0;
    do {
        if (at(lx, 0) == -1) {
            lx->unterminated_line = start_line;
            return;
        }
        if (at(lx, 0) == '/' && at(lx, 1) == '*') {
            depth++;
            step(lx);
        } else if (at(lx, 0) == '*' && at(lx, 1) == '/') {
            depth--;
            step(lx);
        }
        step(lx);
    } while (depth > 0);
}

static void skip_trivia(struct lexer *lx)
{
    for (;;) {
        int c = at(lx, 0);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            step(lx);
        } else if (c == '/' && at(lx, 1) == '/') {
            while (at(lx, 0) != -1 && at(lx, 0) != '\n')
                step(lx);
        } else if (c == '/' && at(lx, 1) == '*') {
            skip_block_comment(lx);
        } else {
            return;
        }
    }
}

/* A quoted string starting at the opening quote; backslash escapes unless raw. */
static void skip_quoted(struct lexer *lx, int raw, int hashes)
{
    int start_line = lx->line;
    step(lx); /* opening quote */
    for (;;) {
        int c = at(lx, 0);
        if (c == -1) {
            lx->unterminated_line = start_line;
            return;
        }
        if (c == '\\' && !raw) {
            step(lx);
            step(lx);
            continue;
        }
        step(lx);
        if (c != '"')
            continue;
        int n = 0;
        while (n < hashes && at(lx, 0) == '#') {
            n++;
            step(lx);
        }
        if (n == hashes)
            return;
    }
}

/* r"..", r#".."#, br"..", cr"..": pos at the 'r'. Returns 0 if this is not a raw string. */
static int try_raw_string(struct lexer *lx)
{
    size_t ahead = 1;
    int hashes = 0;
    while (at(lx, ahead) == '#') {
        hashes++;
        ahead++;
    }
    if (at(lx, ahead) != '"')
        return 0;
    for (size_t i = 0; i < ahead; i++)
        step(lx);
    skip_quoted(lx, 1, hashes);
    return 1;
}

/* After a quote: a char literal ('a', '\n', '\u{1F600}', 'é') or a lifetime ('a, 'static). */
static enum token_kind lex_quote(struct lexer *lx)
{
    if (at(lx, 1) == '\\') {
        step(lx);
        step(lx);
        step(lx); /* the escaped character itself, so '\'' works */
        while (at(lx, 0) != -1 && at(lx, 0) != '\'' && at(lx, 0) != '\n')
            step(lx);
        if (at(lx, 0) == '\'')
            step(lx);
        return TOK_LITERAL;
    }
    /* One (possibly multi-byte) character then a quote: a char literal. */
    size_t width = 1;
    if (at(lx, 1) >= 0xC0)
        while (at(lx, 1 + width) >= 0x80 && at(lx, 1 + width) < 0xC0)
            width++;
    if (at(lx, 1) != -1 && at(lx, 1 + width) == '\'') {
        for (size_t i = 0; i < width + 2; i++)
            step(lx);
        return TOK_LITERAL;
    }
    step(lx);
    while (is_ident_char(at(lx, 0)))
        step(lx);
    return TOK_LIFETIME;
}

static void lex_number(struct lexer *lx)
{
    while (is_ident_char(at(lx, 0)) ||
           (at(lx, 0) == '.' && at(lx, 1) >= '0' && at(lx, 1) <= '9'))
        step(lx);
}

static enum token_kind lex_ident_or_prefixed_literal(struct lexer *lx, struct token *tok)
{
    int c = at(lx, 0), d = at(lx, 1);
    if ((c == 'b' || c == 'c') && d == '"') {
        step(lx);
        skip_quoted(lx, 0, 0);
        return TOK_LITERAL;
    }
    if (c == 'b' && d == '\'') {
        step(lx);
        lex_quote(lx);
        return TOK_LITERAL;
    }
    if (c == 'r' && (d == '"' || (d == '#' && at(lx, 2) != -1 && !is_ident_start(at(lx, 2)))) &&
        try_raw_string(lx))
        return TOK_LITERAL;
    if ((c == 'b' || c == 'c') && d == 'r') {
        step(lx);
        if (try_raw_string(lx))
            return TOK_LITERAL;
    }
    if (c == 'r' && d == '#' && is_ident_start(at(lx, 2))) {
        step(lx);
        step(lx);
        tok->start = lx->text + lx->pos;
    }
    while (is_ident_char(at(lx, 0)))
        step(lx);
    return TOK_IDENT;
}

static int is_pair(const struct lexer *lx, const char *pair)
{
    return at(lx, 0) == pair[0] && at(lx, 1) == pair[1];
}

enum token_kind lexer_next(struct lexer *lx, struct token *tok)
{
    skip_trivia(lx);
    tok->offset = lx->pos;
    tok->start = lx->text + lx->pos;
    tok->line = lx->line;
    int c = at(lx, 0);
    if (c == -1)
        tok->kind = TOK_EOF;
    else if (is_ident_start(c))
        tok->kind = lex_ident_or_prefixed_literal(lx, tok);
    else if (c >= '0' && c <= '9')
        lex_number(lx), tok->kind = TOK_LITERAL;
    else if (c == '"')
        skip_quoted(lx, 0, 0), tok->kind = TOK_LITERAL;
    else if (c == '\'')
        tok->kind = lex_quote(lx);
    else {
        tok->kind = TOK_PUNCT;
        if (is_pair(lx, "::") || is_pair(lx, "->") || is_pair(lx, "=>"))
            step(lx);
        step(lx);
    }
    tok->len = (size_t)(lx->text + lx->pos - tok->start);
    return tok->kind;
}
