#include "util/chars.h"
#include "toml/toml.h"

#include "toml/internal.h"
#include "toml/literal.h"
#include "util/die.h"
#include "util/utf8.h"

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

/* The same, reported at a given line (a key's, when its value spanned lines). */
static int fail_at(struct parser *p, int line, const char *what, const char *name)
{
    int saved = p->line;
    p->line = line;
    fail(p, what, name);
    p->line = saved;
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

static void advance_by(struct parser *p, size_t n)
{
    while (n--)
        advance(p);
}

/* A newline here: LF or CRLF (a carriage return alone is not one). */
static int at_newline(const struct parser *p)
{
    return peek(p) == '\n' || (peek(p) == '\r' && peek_at(p, 1) == '\n');
}

static void skip_newline(struct parser *p)
{
    advance_by(p, peek(p) == '\r' ? 2 : 1);
}

/* TOML's control characters: all below U+0020 but tab, and DEL. */
static int is_control(int c)
{
    return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
}

static int control_error(struct parser *p, const char *where)
{
    if (peek(p) == '\r')
        return fail(p, "a carriage return in %s must be followed by a newline", where);
    return fail(p, "control character U+%04X in %s", (unsigned)peek(p), where);
}

static void skip_blanks(struct parser *p)
{
    while (peek(p) == ' ' || peek(p) == '\t')
        advance(p);
}

/* A comment, up to (not including) its newline. */
static int skip_comment(struct parser *p)
{
    if (peek(p) != '#')
        return 0;
    for (advance(p); peek(p) != -1 && !at_newline(p); advance(p))
        if (is_control(peek(p)))
            return control_error(p, "a comment");
    return 0;
}

/* Blanks, comments and newlines: between statements, and inside arrays and inline tables. */
static int skip_space(struct parser *p)
{
    for (;;) {
        skip_blanks(p);
        if (skip_comment(p))
            return -1;
        if (!at_newline(p))
            return peek(p) == '\r' ? control_error(p, "the document") : 0;
        skip_newline(p);
    }
}

/* After a statement only a comment may follow on its line. */
static int expect_line_end(struct parser *p)
{
    skip_blanks(p);
    if (skip_comment(p))
        return -1;
    if (peek(p) == -1 || at_newline(p))
        return 0;
    if (peek(p) == '\r')
        return control_error(p, "the document");
    return fail(p, "unexpected `%c` after value (one key = value per line)", peek(p));
}


/* ---- strings ---- */

static int parse_hex_escape(struct parser *p, char letter, int digits, struct strbuf *out)
{
    unsigned long cp = 0;
    for (int i = 0; i < digits; i++) {
        int c = peek(p);
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0)
            return fail(p, "bad \\%c escape: expected %d hex digits", letter, digits);
        cp = cp * 16 + (unsigned long)v;
        advance(p);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return fail(p, "escape is not a Unicode scalar value");
    strbuf_add_utf8(out, cp);
    return 0;
}

/* A line-ending backslash: blanks, a newline, then every blank and newline after it go. */
static int parse_line_continuation(struct parser *p)
{
    skip_blanks(p);
    if (!at_newline(p))
        return fail(p, "a backslash followed by a blank must end the line (\\<space> is no escape)");
    while (peek(p) == ' ' || peek(p) == '\t' || at_newline(p))
        advance_by(p, peek(p) == '\r' ? 2 : 1);
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
    if (c == 'x' || c == 'u' || c == 'U') {
        advance(p);
        return parse_hex_escape(p, (char)c, c == 'x' ? 2 : c == 'u' ? 4 : 8, out);
    }
    if (multiline && (c == ' ' || c == '\t' || at_newline(p)))
        return parse_line_continuation(p);
    if (c == ' ' || c == '\t')
        return fail(p, "unknown escape `\\%c` in string", c);
    return fail(p, "unknown escape `\\%c` in string", c > 0x20 && c < 0x7f ? c : '?');
}

static int parse_string_body(struct parser *p, char quote, int multiline, struct strbuf *out)
{
    for (;;) {
        int c = peek(p);
        if (c == -1 || (at_newline(p) && !multiline))
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
                advance_by(p, 3 + (size_t)extra);
                return 0;
            }
        }
        if (c == '\\' && quote == '"') {
            if (parse_escape(p, multiline, out))
                return -1;
            continue;
        }
        if (multiline && at_newline(p)) {
            strbuf_addch(out, '\n');
            skip_newline(p);
            continue;
        }
        if (is_control(c))
            return control_error(p, "a string");
        strbuf_addch(out, c);
        advance(p);
    }
}

/* A string starting at the current quote. */
static int parse_string(struct parser *p, struct strbuf *out)
{
    char quote = (char)peek(p);
    int multiline = starts_with(p, quote == '"' ? "\"\"\"" : "'''");
    advance_by(p, multiline ? 3 : 1);
    if (multiline && at_newline(p))
        skip_newline(p); /* a newline right after the opening delimiter is not content */
    return parse_string_body(p, quote, multiline, out);
}

/* ---- keys ---- */

struct key_path {
    char **parts;  /* NUL-terminated; a part may hold U+0000 itself */
    size_t *lens;
    size_t count;
    int line;
};

static void key_path_release(struct key_path *k)
{
    for (size_t i = 0; i < k->count; i++)
        free(k->parts[i]);
    free(k->parts);
    free(k->lens);
    k->parts = NULL;
    k->lens = NULL;
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
    if (!toml_is_bare_key_char(c)) {
        if (c == -1 || at_newline(p))
            return fail(p, "expected a key");
        return fail(p, c >= 0x20 && c < 0x7f ? "unexpected `%c` where a key was expected"
                                             : "unexpected byte 0x%02X where a key was expected",
                    c);
    }
    while (toml_is_bare_key_char(peek(p))) {
        strbuf_addch(out, peek(p));
        advance(p);
    }
    return 0;
}

static int parse_key_path(struct parser *p, struct key_path *key)
{
    key->line = p->line;
    for (;;) {
        struct strbuf part = STRBUF_INIT;
        skip_blanks(p);
        if (parse_simple_key(p, &part)) {
            strbuf_release(&part);
            return -1;
        }
        key->parts = xrealloc(key->parts, (key->count + 1) * sizeof(char *));
        key->lens = xrealloc(key->lens, (key->count + 1) * sizeof(size_t));
        key->lens[key->count] = part.len;
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
        if (skip_space(p))
            break;
        if (peek(p) == ']') {
            advance(p);
            return array;
        }
        struct toml_value *item = parse_value(p, depth + 1);
        if (!item)
            break;
        toml_push(array, item);
        if (skip_space(p))
            break;
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

/* One key = value of an inline table. */
static int parse_inline_entry(struct parser *p, struct toml_value *table, int depth)
{
    struct key_path key = {NULL, NULL, 0, 0};
    int result = -1;
    if (!parse_key_path(p, &key)) {
        skip_blanks(p);
        if (peek(p) != '=') {
            fail(p, "expected `=` after key in inline table");
        } else {
            advance(p);
            skip_blanks(p);
            /* A dotted key in an inline table nests a table per part (written back inline): it
             * counts towards the same limit as nested values, so what is read can be written. */
            struct toml_value *value = parse_value(p, depth + (int)key.count);
            result = !value || insert_dotted(p, table, &key, value) ? -1 : 0;
        }
    }
    key_path_release(&key);
    return result;
}

/* TOML 1.1: newlines, comments and a trailing comma are allowed inside the braces. */
static struct toml_value *parse_inline_table(struct parser *p, int depth)
{
    struct toml_value *table = toml_new_table();
    advance(p); /* { */
    int expect_entry = 1, entries = 0;
    for (;;) {
        if (skip_space(p))
            break;
        if (peek(p) == '}') {
            advance(p);
            table->is_inline = 1;
            return table;
        }
        if (!expect_entry) {
            fail(p, "expected `,` or `}` in inline table");
            break;
        }
        if (peek(p) == ',') {
            fail(p, entries ? "two commas in a row in inline table" : "a comma before the first key in inline table");
            break;
        }
        if (parse_inline_entry(p, table, depth))
            break;
        entries++;
        if (skip_space(p))
            break;
        expect_entry = peek(p) == ',';
        if (expect_entry)
            advance(p);
    }
    toml_free(table);
    return NULL;
}

static struct toml_value *parse_scalar(struct parser *p)
{
    const char *s = p->text + p->pos;
    size_t n = toml_literal_span(s, p->text + p->len);
    if (n == 0) {
        int c = peek(p);
        if (c == -1 || at_newline(p) || c == '#')
            fail(p, "expected a value after `=`");
        else
            fail(p, c >= 0x20 && c < 0x7f ? "unexpected `%c` where a value was expected"
                                          : "unexpected byte 0x%02X where a value was expected",
                 c);
        return NULL;
    }
    struct toml_literal lit;
    if (toml_literal_read(s, n, &lit, p->err->message, sizeof(p->err->message))) {
        char message[sizeof(p->err->message)];
        memcpy(message, p->err->message, sizeof(message));
        fail(p, "%s", message);
        return NULL;
    }
    advance_by(p, n);
    enum toml_type type = lit.kind == LITERAL_INTEGER ? TOML_INTEGER
                          : lit.kind == LITERAL_FLOAT ? TOML_FLOAT
                          : lit.kind == LITERAL_BOOL  ? TOML_BOOL
                                                      : TOML_DATETIME;
    return toml_new_text(type, s, n);
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
        v = toml_new_text(TOML_STRING, s.buf, s.len);
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

/* ---- tables ----
 *
 * Who may add to a table (TOML's rules, as cargo applies them): a [header] defines a table once
 * (is_defined), also one that an earlier header only implied as a parent; dotted keys define
 * tables too (is_defined and is_dotted), and only dotted keys may add to those again, while a
 * [header] may define new sub-tables under them; nothing adds to an inline table or value. */

/* Walk/create the intermediate tables of a dotted key inside table (key/value pairs). */
static int insert_dotted(struct parser *p, struct toml_value *table, struct key_path *key,
                         struct toml_value *value)
{
    for (size_t i = 0; i + 1 < key->count; i++) {
        struct toml_value *next = toml_get_n(table, key->parts[i], key->lens[i]);
        if (!next) {
            next = toml_new_table();
            next->is_defined = next->is_dotted = 1;
            next->line = key->line;
            toml_append_item(table, xmemdupz(key->parts[i], key->lens[i]), key->lens[i], next);
        } else if (next->type != TOML_TABLE || next->is_inline) {
            toml_free(value);
            return fail_at(p, key->line, "key `%s` is already defined as a value", key->parts[i]);
        } else if (!next->is_dotted) {
            toml_free(value);
            return fail_at(p, key->line, "table `%s` comes from a [header]; dotted keys cannot add to it",
                           key->parts[i]);
        }
        table = next;
    }
    const char *last = key->parts[key->count - 1];
    size_t last_len = key->lens[key->count - 1];
    if (toml_get_n(table, last, last_len)) {
        toml_free(value);
        return fail_at(p, key->line, "duplicate key `%s`", last);
    }
    toml_append_item(table, xmemdupz(last, last_len), last_len, value);
    return 0;
}

/* Descend through a header's intermediate keys, creating implicit tables. */
static struct toml_value *descend(struct parser *p, struct toml_value *table, const char *part,
                                  size_t len)
{
    struct toml_value *next = toml_get_n(table, part, len);
    if (!next) {
        next = toml_new_table();
        next->line = p->line;
        toml_append_item(table, xmemdupz(part, len), len, next);
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
        table = descend(p, table, key->parts[i], key->lens[i]);
    return table;
}

static struct toml_value *open_table(struct parser *p, struct toml_value *root, struct key_path *key)
{
    struct toml_value *table = header_parent(p, root, key);
    if (!table)
        return NULL;
    const char *last = key->parts[key->count - 1];
    size_t last_len = key->lens[key->count - 1];
    struct toml_value *found = toml_get_n(table, last, last_len);
    if (!found) {
        found = toml_new_table();
        found->line = p->line;
        toml_append_item(table, xmemdupz(last, last_len), last_len, found);
    } else if (found->type != TOML_TABLE || found->is_inline) {
        fail(p, found->is_table_array ? "table [%s] is already an array of tables ([[...]])"
                                      : "key `%s` is already defined as a value",
             last);
        return NULL;
    } else if (found->is_dotted) {
        fail(p, "table [%s] is already defined by dotted keys", last);
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
    size_t last_len = key->lens[key->count - 1];
    struct toml_value *array = toml_get_n(table, last, last_len);
    if (!array) {
        array = toml_new_array();
        array->is_table_array = 1;
        array->line = p->line;
        toml_append_item(table, xmemdupz(last, last_len), last_len, array);
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
    advance_by(p, is_array ? 2 : 1);
    struct key_path key = {NULL, NULL, 0, 0};
    struct toml_value *table = NULL;
    if (!parse_key_path(p, &key)) {
        skip_blanks(p);
        if (is_array ? !starts_with(p, "]]") : peek(p) != ']') {
            fail(p, "expected `%s` to close the table header", is_array ? "]]" : "]");
        } else {
            advance_by(p, is_array ? 2 : 1);
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
    struct key_path key = {NULL, NULL, 0, 0};
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

/* The document must be UTF-8; a byte-order mark before it is not content. */
static int check_encoding(struct parser *p)
{
    if (p->len >= 3 && !memcmp(p->text, "\xEF\xBB\xBF", 3))
        p->pos = 3;
    long bad = utf8_invalid_at(p->text + p->pos, p->len - p->pos);
    if (bad < 0)
        return 0;
    for (size_t i = p->pos; i < p->pos + (size_t)bad; i++)
        p->line += p->text[i] == '\n';
    return fail(p, "invalid UTF-8 (TOML is UTF-8)");
}

struct toml_value *toml_parse(const char *text, size_t len, int first_line, struct toml_error *err)
{
    struct parser p = {text, len, 0, first_line, err, 0};
    if (check_encoding(&p))
        return NULL;
    struct toml_value *root = toml_new_table();
    struct toml_value *current = root;
    for (;;) {
        if (skip_space(&p)) {
            toml_free(root);
            return NULL;
        }
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
