/* Internal to the wrap module (wrap.c, copy_paths.c): the edits that turn a part of a script
 * into generated text, and the token list they are found in.  Not for other modules. */
#ifndef CTHAG_SCRIPT_WRAP_EDIT_H
#define CTHAG_SCRIPT_WRAP_EDIT_H

#include "script/rustlex.h"
#include "script/wrap.h"

#include <stddef.h>

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

/* Add an edit; the list takes text (malloc'd). */
void add_edit(struct edit_list *list, size_t at, size_t remove, char *text, enum wrap_role role,
              enum edit_order order, size_t anchor);
void release_edits(struct edit_list *list);

/* The tokens of a part, for lookahead. */
struct token_list {
    struct token *items;
    size_t count, alloc;
};

/* Append every token of text, TOK_EOF last. */
void lex_all(const char *text, size_t len, struct token_list *list);
/* The i-th token (the last one, TOK_EOF, past the end). */
const struct token *tok_at(const struct token_list *tl, size_t i);
/* Is the i-th token the punctuation c, or the identifier word? */
int tok_punct(const struct token_list *tl, size_t i, char c);
int tok_word(const struct token_list *tl, size_t i, const char *word);
/* Index after the bracket group that opens at i. */
size_t skip_tokens_group(const struct token_list *tl, size_t i);

#endif
