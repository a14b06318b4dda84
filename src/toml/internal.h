/* Internal to the TOML module (toml.c reads, value.c holds the tree, write.c writes): what the
 * reader and the writer share beyond toml.h.  Not for other modules. */
#ifndef CTHAG_TOML_INTERNAL_H
#define CTHAG_TOML_INTERNAL_H

#include "toml/toml.h"

#include <stddef.h>

/* A string (decoded) or literal value of type holding a copy of text[0..len). */
struct toml_value *toml_new_text(enum toml_type type, const char *text, size_t len);
/* Append item under key[0..key_len) (key owned by v now, NUL-terminated; NULL for an array
 * element), without checking for a duplicate: the reader checks before, by its own rules. */
void toml_append_item(struct toml_value *v, char *key, size_t key_len, struct toml_value *item);
/* The value under key[0..len) (which may hold U+0000), or NULL. */
struct toml_value *toml_get_n(const struct toml_value *table, const char *key, size_t len);

/* Characters of a bare key: A-Z a-z 0-9 _ -. */
static inline int toml_is_bare_key_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

#endif
