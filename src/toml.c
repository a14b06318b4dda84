#include "util/chars.h"
#include "toml.h"

#include "util/die.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How deeply values (arrays, inline tables, dotted keys inside them) may nest. */
#define MAX_NESTING 64

/* Parser state.  Invariant: pos <= len; every read of text[pos] checks pos < len first. */
struct parser {
    const char *text;
    size_t len, pos;
    int line;
    struct toml_error *err;
    int failed;
};

/* ---- values ---- */

static struct toml_value *new_value(enum toml_type type)
{
    struct toml_value *v = xcalloc(1, sizeof(*v));
    v->type = type;
    return v;
}

struct toml_value *toml_new_table(void)
{
    return new_value(TOML_TABLE);
}

struct toml_value *toml_new_array(void)
{
    return new_value(TOML_ARRAY);
}

static struct toml_value *new_text(enum toml_type type, const char *text, size_t len)
{
    struct toml_value *v = new_value(type);
    v->text = xmemdupz(text, len);
    v->text_len = len;
    return v;
}

struct toml_value *toml_new_string(const char *s)
{
    return new_text(TOML_STRING, s, strlen(s));
}

struct toml_value *toml_new_literal(enum toml_type type, const char *text)
{
    return new_text(type, text, strlen(text));
}

void toml_free(struct toml_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->count; i++) {
        toml_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->text);
    free(v);
}

struct toml_value *toml_clone(const struct toml_value *v)
{
    struct toml_value *copy = new_value(v->type);
    *copy = *v;
    copy->text = v->text ? xmemdupz(v->text, v->text_len) : NULL;
    copy->items = NULL;
    copy->keys = NULL;
    copy->count = copy->alloc = 0;
    for (size_t i = 0; i < v->count; i++) {
        if (v->type == TOML_TABLE)
            toml_set(copy, v->keys[i], toml_clone(v->items[i]));
        else
            toml_push(copy, toml_clone(v->items[i]));
    }
    return copy;
}

static void append_item(struct toml_value *v, char *key, struct toml_value *item)
{
    if (v->count == v->alloc) {
        v->alloc = v->alloc ? v->alloc * 2 : 4;
        v->items = xrealloc(v->items, v->alloc * sizeof(*v->items));
        if (v->type == TOML_TABLE)
            v->keys = xrealloc(v->keys, v->alloc * sizeof(*v->keys));
    }
    if (v->type == TOML_TABLE)
        v->keys[v->count] = key;
    v->items[v->count++] = item;
}

static long find_key(const struct toml_value *table, const char *key)
{
    if (!table || table->type != TOML_TABLE)
        return -1;
    for (size_t i = 0; i < table->count; i++)
        if (!strcmp(table->keys[i], key))
            return (long)i;
    return -1;
}

struct toml_value *toml_get(const struct toml_value *table, const char *key)
{
    long i = find_key(table, key);
    return i < 0 ? NULL : table->items[i];
}

void toml_set(struct toml_value *table, const char *key, struct toml_value *value)
{
    long i = find_key(table, key);
    if (i >= 0) {
        toml_free(table->items[i]);
        table->items[i] = value;
        return;
    }
    append_item(table, xstrdup(key), value);
}

void toml_remove(struct toml_value *table, const char *key)
{
    long i = find_key(table, key);
    if (i < 0)
        return;
    toml_free(table->items[i]);
    free(table->keys[i]);
    size_t rest = table->count - (size_t)i - 1;
    memmove(table->items + i, table->items + i + 1, rest * sizeof(*table->items));
    memmove(table->keys + i, table->keys + i + 1, rest * sizeof(*table->keys));
    table->count--;
}

struct toml_value *toml_table(struct toml_value *table, const char *key)
{
    struct toml_value *sub = toml_get(table, key);
    if (sub)
        return sub->type == TOML_TABLE ? sub : NULL;
    sub = toml_new_table();
    append_item(table, xstrdup(key), sub);
    return sub;
}

void toml_push(struct toml_value *array, struct toml_value *value)
{
    append_item(array, NULL, value);
}

/* ---- lexical helpers ---- */

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
    if (p->failed)
        return -1;
    p->failed = 1;
    p->err->line = p->line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
    va_end(ap);
    return -1;
}

static int peek(const struct parser *p)
{
    return p->pos < p->len ? (unsigned char)p->text[p->pos] : -1;
}

static int peek_at(const struct parser *p, size_t ahead)
{
    return p->pos + ahead < p->len ? (unsigned char)p->text[p->pos + ahead] : -1;
}

static int starts_with(const struct parser *p, const char *s)
{
    size_t n = strlen(s);
    return p->len - p->pos >= n && !memcmp(p->text + p->pos, s, n);
}

static void advance(struct parser *p)
{
    if (p->pos < p->len && p->text[p->pos++] == '\n')
        p->line++;
}

static void skip_blanks(struct parser *p)
{
    while (peek(p) == ' ' || peek(p) == '\t')
        advance(p);
}

static void skip_comment(struct parser *p)
{
    if (peek(p) == '#')
        while (peek(p) != -1 && peek(p) != '\n')
            advance(p);
}

/* Blanks, comments and newlines: between statements and inside arrays. */
static void skip_space(struct parser *p)
{
    for (;;) {
        skip_blanks(p);
        skip_comment(p);
        if (peek(p) == '\n' || (peek(p) == '\r' && peek_at(p, 1) == '\n'))
            advance(p);
        else
            return;
    }
}

/* After a statement only a comment may follow on its line. */
static int expect_line_end(struct parser *p)
{
    skip_blanks(p);
    skip_comment(p);
    if (peek(p) == '\r')
        advance(p);
    if (peek(p) == -1 || peek(p) == '\n')
        return 0;
    return fail(p, "unexpected `%c` after value (one key = value per line)", peek(p));
}

static int is_bare_key_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

/* ---- strings ---- */

static int parse_unicode_escape(struct parser *p, int digits, struct strbuf *out)
{
    unsigned long cp = 0;
    for (int i = 0; i < digits; i++) {
        int c = peek(p);
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0)
            return fail(p, "bad \\%c escape: expected %d hex digits", digits == 4 ? 'u' : 'U',
                        digits);
        cp = cp * 16 + (unsigned long)v;
        advance(p);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return fail(p, "escape is not a Unicode scalar value");
    strbuf_add_utf8(out, cp);
    return 0;
}

static int parse_escape(struct parser *p, int multiline, struct strbuf *out)
{
    advance(p); /* the backslash */
    int c = peek(p);
    const char *from = "btnfr\"\\e", *to = "\b\t\n\f\r\"\\\033";
    const char *hit = c > 0 ? strchr(from, c) : NULL;
    if (hit) {
        strbuf_addch(out, to[hit - from]);
        advance(p);
        return 0;
    }
    if (c == 'u' || c == 'U') {
        advance(p);
        return parse_unicode_escape(p, c == 'u' ? 4 : 8, out);
    }
    if (multiline && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        /* Line-ending backslash: drop the newline and the whitespace that follows. */
        while (peek(p) == ' ' || peek(p) == '\t' || peek(p) == '\n' || peek(p) == '\r')
            advance(p);
        return 0;
    }
    return fail(p, "unknown escape `\\%c` in string", c > 0 ? c : ' ');
}

static int parse_string_body(struct parser *p, char quote, int multiline, struct strbuf *out)
{
    for (;;) {
        int c = peek(p);
        if (c == -1 || (c == '\n' && !multiline))
            return fail(p, "unterminated string");
        if (c == quote) {
            if (!multiline) {
                advance(p);
                return 0;
            }
            if (peek_at(p, 1) == quote && peek_at(p, 2) == quote) {
                /* Up to two extra quotes right before the closing delimiter belong to the string. */
                int extra = 0;
                while (extra < 2 && peek_at(p, 3 + (size_t)extra) == quote)
                    extra++;
                for (int i = 0; i < extra; i++)
                    strbuf_addch(out, quote);
                for (int i = 0; i < 3 + extra; i++)
                    advance(p);
                return 0;
            }
        }
        if (c == '\\' && quote == '"') {
            if (parse_escape(p, multiline, out))
                return -1;
            continue;
        }
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return fail(p, "control character in string");
        strbuf_addch(out, c);
        advance(p);
    }
}

/* A string starting at the current quote; NULL on error. */
static int parse_string(struct parser *p, struct strbuf *out)
{
    char quote = (char)peek(p);
    int multiline = starts_with(p, quote == '"' ? "\"\"\"" : "'''");
    for (int i = 0; i < (multiline ? 3 : 1); i++)
        advance(p);
    if (multiline && peek(p) == '\n')
        advance(p);
    else if (multiline && peek(p) == '\r' && peek_at(p, 1) == '\n') {
        advance(p);
        advance(p);
    }
    return parse_string_body(p, quote, multiline, out);
}

/* ---- keys ---- */

struct key_path {
    char **parts;
    size_t count;
};

static void key_path_release(struct key_path *k)
{
    for (size_t i = 0; i < k->count; i++)
        free(k->parts[i]);
    free(k->parts);
    k->parts = NULL;
    k->count = 0;
}

static int parse_simple_key(struct parser *p, struct strbuf *out)
{
    int c = peek(p);
    if (c == '"' || c == '\'') {
        if (starts_with(p, "\"\"\"") || starts_with(p, "'''"))
            return fail(p, "a key cannot be a multi-line string");
        return parse_string(p, out);
    }
    if (!is_bare_key_char(c)) {
        if (c == -1 || c == '\n')
            return fail(p, "expected a key");
        return fail(p, "unexpected `%c` where a key was expected", c);
    }
    while (is_bare_key_char(peek(p))) {
        strbuf_addch(out, peek(p));
        advance(p);
    }
    return 0;
}

static int parse_key_path(struct parser *p, struct key_path *key)
{
    for (;;) {
        struct strbuf part = STRBUF_INIT;
        skip_blanks(p);
        if (parse_simple_key(p, &part) ||
            (memchr(part.buf, '\0', part.len) && fail(p, "a key cannot contain \\u0000"))) {
            strbuf_release(&part);
            return -1;
        }
        key->parts = xrealloc(key->parts, (key->count + 1) * sizeof(char *));
        key->parts[key->count++] = strbuf_detach(&part);
        skip_blanks(p);
        if (peek(p) != '.')
            return 0;
        advance(p);
    }
}

/* ---- values ---- */

static struct toml_value *parse_value(struct parser *p, int depth);

static struct toml_value *parse_array(struct parser *p, int depth)
{
    struct toml_value *array = toml_new_array();
    array->is_inline = 1;
    advance(p); /* [ */
    for (;;) {
        skip_space(p);
        if (peek(p) == ']') {
            advance(p);
            return array;
        }
        struct toml_value *item = parse_value(p, depth + 1);
        if (!item)
            break;
        toml_push(array, item);
        skip_space(p);
        if (peek(p) == ',') {
            advance(p);
            continue;
        }
        if (peek(p) == ']') {
            advance(p);
            return array;
        }
        fail(p, "expected `,` or `]` in array");
        break;
    }
    toml_free(array);
    return NULL;
}

static int insert_dotted(struct parser *p, struct toml_value *table, struct key_path *key,
                         struct toml_value *value);

static struct toml_value *parse_inline_table(struct parser *p, int depth)
{
    struct toml_value *table = toml_new_table();
    advance(p); /* { */
    skip_space(p);
    if (peek(p) == '}') {
        advance(p);
        table->is_inline = 1;
        return table;
    }
    for (;;) {
        struct key_path key = {NULL, 0};
        skip_space(p);
        if (parse_key_path(p, &key) || (skip_blanks(p), peek(p) != '=')) {
            if (!p->failed)
                fail(p, "expected `=` after key in inline table");
            key_path_release(&key);
            break;
        }
        advance(p);
        skip_blanks(p);
        /* A dotted key in an inline table nests a table per part (written back inline): it
         * counts towards the same limit as nested values, so what is read can be written. */
        struct toml_value *value = parse_value(p, depth + (int)key.count);
        int bad = !value || insert_dotted(p, table, &key, value);
        key_path_release(&key);
        if (bad)
            break;
        skip_space(p);
        if (peek(p) == ',') {
            advance(p);
            continue;
        }
        if (peek(p) == '}') {
            advance(p);
            table->is_inline = 1;
            return table;
        }
        fail(p, "expected `,` or `}` in inline table");
        break;
    }
    toml_free(table);
    return NULL;
}

static int looks_like_datetime(const char *s, size_t n)
{
    /* 1979-05-27, 07:32:00, 1979-05-27T07:32:00Z ... */
    return (n >= 5 && s[4] == '-' && s[0] >= '0' && s[0] <= '9') ||
           (n >= 3 && s[2] == ':' && s[0] >= '0' && s[0] <= '9');
}

/* Digits with single underscores between them, from *p; returns how many digits. */
static int scan_digits(const char **p, const char *end)
{
    int digits = 0;
    while (*p < end && ((**p >= '0' && **p <= '9') ||
                        (**p == '_' && digits && *p + 1 < end && (*p)[1] >= '0' && (*p)[1] <= '9'))) {
        digits += **p != '_';
        (*p)++;
    }
    return digits;
}

/* TOML integer (decimal, 0x/0o/0b) or float; sets *type. */
static int valid_number(const char *s, size_t n, enum toml_type *type)
{
    const char *p = s, *end = s + n;
    int signed_ = p < end && (*p == '+' || *p == '-');
    p += signed_;
    if ((size_t)(end - p) == 3 && (!memcmp(p, "inf", 3) || !memcmp(p, "nan", 3))) {
        *type = TOML_FLOAT;
        return 1;
    }
    *type = TOML_INTEGER;
    if (!signed_ && end - p > 2 && p[0] == '0' && char_in(p[1], "xob")) {
        for (p += 2; p < end; p++)
            if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
                  (*p >= 'A' && *p <= 'F') || *p == '_'))
                return 0;
        return 1;
    }
    if (!scan_digits(&p, end))
        return 0;
    if (p < end && *p == '.') {
        p++;
        *type = TOML_FLOAT;
        if (!scan_digits(&p, end))
            return 0;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        *type = TOML_FLOAT;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (!scan_digits(&p, end))
            return 0;
    }
    return p == end;
}

static struct toml_value *parse_scalar(struct parser *p)
{
    size_t start = p->pos;
    while (peek(p) != -1 && (is_bare_key_char(peek(p)) || char_in(peek(p), "+.:")))
        advance(p);
    /* A date-time may have a space between date and time. */
    if (p->pos - start == 10 && peek(p) == ' ' && peek_at(p, 1) >= '0' && peek_at(p, 1) <= '9' &&
        looks_like_datetime(p->text + start, 10)) {
        advance(p);
        while (peek(p) != -1 && (is_bare_key_char(peek(p)) || char_in(peek(p), "+.:")))
            advance(p);
    }
    const char *s = p->text + start;
    size_t n = p->pos - start;
    if (n == 0) {
        int c = peek(p);
        if (c == -1 || c == '\n' || c == '#')
            fail(p, "expected a value after `=`");
        else
            fail(p, "unexpected `%c` where a value was expected", c);
        return NULL;
    }
    if ((n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5)))
        return new_text(TOML_BOOL, s, n);
    if (looks_like_datetime(s, n))
        return new_text(TOML_DATETIME, s, n);
    enum toml_type type;
    if (valid_number(s, n, &type))
        return new_text(type, s, n);
    fail(p, "invalid value `%.*s` (strings need quotes)", (int)(n > 40 ? 40 : n), s);
    return NULL;
}

static struct toml_value *parse_value(struct parser *p, int depth)
{
    if (depth > MAX_NESTING) {
        fail(p, "values nested too deeply");
        return NULL;
    }
    int line = p->line;
    struct toml_value *v;
    int c = peek(p);
    if (c == '"' || c == '\'') {
        struct strbuf s = STRBUF_INIT;
        if (parse_string(p, &s)) {
            strbuf_release(&s);
            return NULL;
        }
        v = new_text(TOML_STRING, s.buf, s.len);
        strbuf_release(&s);
    } else if (c == '[') {
        v = parse_array(p, depth);
    } else if (c == '{') {
        v = parse_inline_table(p, depth);
    } else {
        v = parse_scalar(p);
    }
    if (v)
        v->line = line;
    return v;
}

/* ---- tables ---- */

/* Walk/create the intermediate tables of a dotted key inside table (key/value pairs). */
static int insert_dotted(struct parser *p, struct toml_value *table, struct key_path *key,
                         struct toml_value *value)
{
    for (size_t i = 0; i + 1 < key->count; i++) {
        struct toml_value *next = toml_get(table, key->parts[i]);
        if (!next) {
            next = toml_new_table();
            next->is_defined = 1;
            next->line = p->line;
            append_item(table, xstrdup(key->parts[i]), next);
        } else if (next->type != TOML_TABLE || next->is_inline) {
            toml_free(value);
            return fail(p, "key `%s` is already defined as a value", key->parts[i]);
        }
        table = next;
    }
    const char *last = key->parts[key->count - 1];
    if (toml_get(table, last)) {
        toml_free(value);
        return fail(p, "duplicate key `%s`", last);
    }
    append_item(table, xstrdup(last), value);
    return 0;
}

/* Descend through a header's intermediate keys, creating implicit tables. */
static struct toml_value *descend(struct parser *p, struct toml_value *table, const char *part)
{
    struct toml_value *next = toml_get(table, part);
    if (!next) {
        next = toml_new_table();
        next->line = p->line;
        append_item(table, xstrdup(part), next);
        return next;
    }
    if (next->type == TOML_ARRAY && next->is_table_array && next->count)
        return next->items[next->count - 1];
    if (next->type != TOML_TABLE || next->is_inline) {
        fail(p, "key `%s` is already defined as a value", part);
        return NULL;
    }
    return next;
}

/* The table a header's last key goes into: its other keys walked (and created) from root. */
static struct toml_value *header_parent(struct parser *p, struct toml_value *root,
                                        struct key_path *key)
{
    struct toml_value *table = root;
    for (size_t i = 0; table && i + 1 < key->count; i++)
        table = descend(p, table, key->parts[i]);
    return table;
}

static struct toml_value *open_table(struct parser *p, struct toml_value *root, struct key_path *key)
{
    struct toml_value *table = header_parent(p, root, key);
    if (!table)
        return NULL;
    const char *last = key->parts[key->count - 1];
    struct toml_value *found = toml_get(table, last);
    if (!found) {
        found = toml_new_table();
        found->line = p->line;
        append_item(table, xstrdup(last), found);
    } else if (found->type != TOML_TABLE || found->is_inline) {
        fail(p, "key `%s` is already defined as a value", last);
        return NULL;
    } else if (found->is_defined) {
        fail(p, "table [%s] is defined twice", last);
        return NULL;
    }
    found->is_defined = 1;
    return found;
}

static struct toml_value *open_table_array(struct parser *p, struct toml_value *root,
                                           struct key_path *key)
{
    struct toml_value *table = header_parent(p, root, key);
    if (!table)
        return NULL;
    const char *last = key->parts[key->count - 1];
    struct toml_value *array = toml_get(table, last);
    if (!array) {
        array = toml_new_array();
        array->is_table_array = 1;
        array->line = p->line;
        append_item(table, xstrdup(last), array);
    } else if (array->type != TOML_ARRAY || !array->is_table_array) {
        fail(p, "key `%s` is already defined and is not an array of tables", last);
        return NULL;
    }
    struct toml_value *element = toml_new_table();
    element->is_defined = 1;
    element->line = p->line;
    toml_push(array, element);
    return element;
}

static struct toml_value *parse_header(struct parser *p, struct toml_value *root)
{
    int is_array = starts_with(p, "[[");
    advance(p);
    if (is_array)
        advance(p);
    struct key_path key = {NULL, 0};
    struct toml_value *table = NULL;
    if (!parse_key_path(p, &key)) {
        skip_blanks(p);
        if (is_array ? !starts_with(p, "]]") : peek(p) != ']') {
            fail(p, "expected `%s` to close the table header", is_array ? "]]" : "]");
        } else {
            advance(p);
            if (is_array)
                advance(p);
            table = is_array ? open_table_array(p, root, &key) : open_table(p, root, &key);
        }
    }
    key_path_release(&key);
    if (table && expect_line_end(p))
        return NULL;
    return table;
}

static int parse_key_value(struct parser *p, struct toml_value *table)
{
    struct key_path key = {NULL, 0};
    int result = -1;
    if (!parse_key_path(p, &key)) {
        skip_blanks(p);
        if (peek(p) != '=') {
            fail(p, "expected `=` after key `%s`", key.parts[key.count - 1]);
        } else {
            advance(p);
            skip_blanks(p);
            struct toml_value *value = parse_value(p, 0);
            if (value && !insert_dotted(p, table, &key, value))
                result = expect_line_end(p);
        }
    }
    key_path_release(&key);
    return result;
}

struct toml_value *toml_parse(const char *text, size_t len, int first_line, struct toml_error *err)
{
    struct parser p = {text, len, 0, first_line, err, 0};
    struct toml_value *root = toml_new_table();
    struct toml_value *current = root;
    for (;;) {
        skip_space(&p);
        if (peek(&p) == -1)
            return root;
        if (peek(&p) == '[')
            current = parse_header(&p, root);
        else if (parse_key_value(&p, current))
            current = NULL;
        if (!current) {
            toml_free(root);
            return NULL;
        }
    }
}

/* ---- writer ---- */

static void write_key(struct strbuf *out, const char *key)
{
    int bare = *key != '\0';
    for (const char *c = key; *c && bare; c++)
        bare = is_bare_key_char((unsigned char)*c);
    if (bare)
        strbuf_addstr(out, key);
    else
        strbuf_add_toml_string(out, key, strlen(key));
}

static void write_inline(struct strbuf *out, const struct toml_value *v)
{
    switch (v->type) {
    case TOML_STRING:
        strbuf_add_toml_string(out, v->text, v->text_len);
        break;
    case TOML_ARRAY:
        strbuf_addch(out, '[');
        for (size_t i = 0; i < v->count; i++) {
            strbuf_addstr(out, i ? ", " : "");
            write_inline(out, v->items[i]);
        }
        strbuf_addch(out, ']');
        break;
    case TOML_TABLE:
        strbuf_addch(out, '{');
        for (size_t i = 0; i < v->count; i++) {
            strbuf_addstr(out, i ? ", " : " ");
            write_key(out, v->keys[i]);
            strbuf_addstr(out, " = ");
            write_inline(out, v->items[i]);
        }
        strbuf_addstr(out, v->count ? " }" : "}");
        break;
    default:
        strbuf_add(out, v->text, v->text_len);
    }
}

static int is_section(const struct toml_value *v)
{
    return (v->type == TOML_TABLE && !v->is_inline) || (v->type == TOML_ARRAY && v->is_table_array);
}

/* The dotted header path of key inside the table whose header path is prefix. */
static void header_path(struct strbuf *out, const char *prefix, const char *key)
{
    strbuf_addstr(out, prefix);
    if (*prefix)
        strbuf_addch(out, '.');
    write_key(out, key);
}

static void write_section_body(struct strbuf *out, const struct toml_value *table,
                               const char *prefix);

static int has_plain_values(const struct toml_value *table)
{
    for (size_t i = 0; i < table->count; i++)
        if (!is_section(table->items[i]))
            return 1;
    return 0;
}

static void write_sections(struct strbuf *out, const struct toml_value *table, const char *prefix)
{
    for (size_t i = 0; i < table->count; i++) {
        const struct toml_value *v = table->items[i];
        if (!is_section(v))
            continue;
        struct strbuf header = STRBUF_INIT;
        header_path(&header, prefix, table->keys[i]);
        if (v->type == TOML_ARRAY) {
            for (size_t j = 0; j < v->count; j++) {
                strbuf_addf(out, "\n[[%s]]\n", header.buf);
                write_section_body(out, v->items[j], header.buf);
            }
        } else {
            /* Implicit parents ([a] of [a.b]) need no header of their own. */
            if (has_plain_values(v) || v->is_defined || !v->count)
                strbuf_addf(out, "\n[%s]\n", header.buf);
            write_section_body(out, v, header.buf);
        }
        strbuf_release(&header);
    }
}

static void write_section_body(struct strbuf *out, const struct toml_value *table,
                               const char *prefix)
{
    for (size_t i = 0; i < table->count; i++) {
        if (is_section(table->items[i]))
            continue;
        write_key(out, table->keys[i]);
        strbuf_addstr(out, " = ");
        write_inline(out, table->items[i]);
        strbuf_addch(out, '\n');
    }
    write_sections(out, table, prefix);
}

void toml_write(const struct toml_value *root, struct strbuf *out)
{
    size_t start = out->len;
    write_section_body(out, root, "");
    /* Drop the blank line the first header would start with. */
    if (out->len > start && out->buf[start] == '\n') {
        memmove(out->buf + start, out->buf + start + 1, out->len - start);
        out->len--;
    }
}
