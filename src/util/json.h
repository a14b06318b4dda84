/* A small JSON reader for cargo's and rustc's machine-readable messages: a tree of values,
 * strings decoded to UTF-8.  Never crashes on any input; depth is bounded.  And the one JSON
 * writing helper cthag needs (--cache-stats=json). */
#ifndef CTHAG_UTIL_JSON_H
#define CTHAG_UTIL_JSON_H

#include "util/strbuf.h"

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
    enum json_type type;
    char *text;           /* string contents, or the number's literal */
    size_t len;
    int boolean;
    struct json **items;  /* array elements or object values */
    char **keys;          /* object keys */
    size_t count;
    struct json_chunk *arena; /* the root's: where the whole tree lives */
};

/* Parse one JSON value (surrounding whitespace allowed); NULL when it is not valid JSON. */
struct json *json_parse(const char *text, size_t len);
/* Free what json_parse() returned, the whole tree (a value inside it is not freed alone). */
void json_free(struct json *value);
/* Member of an object, or NULL. */
const struct json *json_get(const struct json *object, const char *key);
/* A string member's text, or NULL when absent or not a string. */
const char *json_get_string(const struct json *object, const char *key);

/* Append a JSON string literal, quotes included. */
void json_add_string(struct strbuf *sb, const char *s);

#endif
