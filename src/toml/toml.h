/* A reader and writer for TOML 1.1, the language cargo 1.95 reads: what cargo accepts is
 * accepted and what it rejects is rejected (invalid dates, leading zeros, digits outside the
 * base, misplaced underscores, integers beyond 64 bits, control characters, bare carriage
 * returns, tables extended against the rules), so a manifest's mistakes are reported against
 * the script's own lines.  Numbers, booleans and date-times keep their text as written.
 * Difference from cargo: integers beyond 64 bits are refused wherever they appear (cargo refuses
 * them only where it reads them).  A key may hold U+0000 (key_lens[] has its length); the
 * functions that take a key as a C string cannot name such a key.
 *
 * The reader reports the first error with its line number and never crashes on any input.
 * The writer emits a canonical form that Cargo reads back as the same document. */
#ifndef CTHAG_TOML_TOML_H
#define CTHAG_TOML_TOML_H

#include "util/strbuf.h"

#include <stddef.h>
#include <stdint.h>

enum toml_type { TOML_STRING, TOML_INTEGER, TOML_FLOAT, TOML_BOOL, TOML_DATETIME, TOML_ARRAY, TOML_TABLE };

struct toml_value {
    enum toml_type type;
    /* Decoded string, or the literal text of a number, boolean or date-time. */
    char *text;
    size_t text_len;
    /* Array elements, or table values with their keys in keys[]. */
    struct toml_value **items;
    char **keys;       /* NUL-terminated copies; a key holding U+0000 reads short as a C string */
    size_t *key_lens;  /* each key's length */
    size_t count, alloc;
    int line;
    unsigned is_inline : 1;      /* written as {...} or as an array value: closed to additions */
    unsigned is_defined : 1;     /* has its own [header] or was made by dotted keys */
    unsigned is_dotted : 1;      /* made by dotted keys: only dotted keys may add to it */
    unsigned is_table_array : 1; /* an array made by [[header]] */
};

struct toml_error {
    int line;
    char message[160];
};

/* Parse text; its first line is numbered first_line in error reports.
 * Returns the root table (free with toml_free) or NULL with err filled. */
struct toml_value *toml_parse(const char *text, size_t len, int first_line, struct toml_error *err);
void toml_free(struct toml_value *value);

/* The value of an integer (any base, underscores and all); -1 when v is not an integer. */
int toml_integer(const struct toml_value *v, int64_t *out);

/* Value under key in a table, or NULL. */
struct toml_value *toml_get(const struct toml_value *table, const char *key);
/* Store value under key (replacing and freeing any previous value); the table takes ownership. */
void toml_set(struct toml_value *table, const char *key, struct toml_value *value);
/* Remove key from a table (freeing its value); no-op when absent. */
void toml_remove(struct toml_value *table, const char *key);
/* The sub-table under key, created when absent (written with a [header] of its own only if it
 * has plain values or nothing at all); NULL if key holds a non-table. */
struct toml_value *toml_table(struct toml_value *table, const char *key);
/* Append to an array (which takes ownership). */
void toml_push(struct toml_value *array, struct toml_value *value);

struct toml_value *toml_new_table(void);
struct toml_value *toml_new_array(void);
struct toml_value *toml_new_string(const char *s);
/* A boolean, integer or date-time from its literal text. */
struct toml_value *toml_new_literal(enum toml_type type, const char *text);
/* Deep copy. */
struct toml_value *toml_clone(const struct toml_value *value);

/* Append a TOML basic string literal, quotes included, escaping as TOML requires. */
void toml_write_string(struct strbuf *out, const char *s, size_t len);
/* Append the document to out: simple keys first, then [tables] and [[arrays of tables]]. */
void toml_write(const struct toml_value *root, struct strbuf *out);

#endif
