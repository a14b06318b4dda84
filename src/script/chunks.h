/* A snippet cut into its top-level pieces, over the lexer's tokens: items (fn, struct, use,
 * ...; with their attributes, visibility and the comments before them), statements, and the
 * final expression, whose value a snippet prints.  Part of the wrap module. */
#ifndef CTHAG_SCRIPT_CHUNKS_H
#define CTHAG_SCRIPT_CHUNKS_H

#include <stddef.h>

enum chunk_kind { CHUNK_ITEM, CHUNK_STATEMENT, CHUNK_TAIL };

struct chunk {
    size_t from, to; /* bytes of the body, leading comments included */
    enum chunk_kind kind;
    int returns;     /* a tail that is an Ok(..)/Err(..) value: main's result */
    /* The chunk is only a macro call, `path::to::name!(..)` with its `;` if any: the opening
     * bracket of its arguments ('(', '[' or '{'); 0 for anything else. */
    char macro_call;
};

struct chunk_list {
    struct chunk *items;
    size_t count, alloc;
};

/* The end of the part's inner attributes (#![...]; 0 when none) and the offset of its first
 * token after them (len when there is none).  Returns 1 when there is such a token (code). */
int skip_inner_attributes(const char *text, size_t len, size_t *attrs_end, size_t *first);
/* Append the pieces of body from offset start on (list->items is malloc'd). */
void split_chunks(const char *body, size_t len, size_t start, struct chunk_list *list);

#endif
