#include "script/wrap_edit.h"

#include "util/die.h"

#include <stdlib.h>
#include <string.h>

/* ---- edits ---- */

void add_edit(struct edit_list *list, size_t at, size_t remove, char *text, enum wrap_role role,
              enum edit_order order, size_t anchor)
{
    if (list->count == list->alloc) {
        list->alloc = list->alloc ? list->alloc * 2 : 8;
        list->items = xrealloc(list->items, list->alloc * sizeof(*list->items));
    }
    list->items[list->count++] = (struct edit){at, remove, text, role, order, anchor};
}

void release_edits(struct edit_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].text);
    free(list->items);
    memset(list, 0, sizeof(*list));
}

/* ---- the token list ---- */

void lex_all(const char *text, size_t len, struct token_list *list)
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

const struct token *tok_at(const struct token_list *tl, size_t i)
{
    return &tl->items[i < tl->count ? i : tl->count - 1];
}

int tok_punct(const struct token_list *tl, size_t i, char c)
{
    const struct token *t = tok_at(tl, i);
    return t->kind == TOK_PUNCT && t->len == 1 && t->start[0] == c;
}

int tok_word(const struct token_list *tl, size_t i, const char *word)
{
    const struct token *t = tok_at(tl, i);
    return t->kind == TOK_IDENT && token_is(t, word);
}

size_t skip_tokens_group(const struct token_list *tl, size_t i)
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
