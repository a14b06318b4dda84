/* A small Rust tokenizer: enough to find items, statements and paths in a script without
 * understanding types.  Comments are skipped; string, char and number literals are single tokens;
 * `::`, `->` and `=>` are single punctuation tokens.  Never reads past the end of its input. */
#ifndef CTHAG_SCRIPT_RUSTLEX_H
#define CTHAG_SCRIPT_RUSTLEX_H

#include <stddef.h>

enum token_kind { TOK_EOF, TOK_IDENT, TOK_LIFETIME, TOK_LITERAL, TOK_PUNCT };

struct token {
    enum token_kind kind;
    const char *start; /* points into the lexer's text; for r#ident, at the name after r# */
    size_t len;
    size_t offset;     /* byte offset of the token's first byte (r# included) */
    int line;          /* 1-based line of the token's first byte */
};

struct lexer {
    const char *text;
    size_t len, pos;
    int line;
    /* Set when a string or block comment runs to the end of the input: its line. */
    int unterminated_line;
};

void lexer_init(struct lexer *lx, const char *text, size_t len);
/* Next token (TOK_EOF at the end, forever). */
enum token_kind lexer_next(struct lexer *lx, struct token *tok);
/* Token text equals s. */
int token_is(const struct token *tok, const char *s);

#endif
