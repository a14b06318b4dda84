#include "util/json.h"

#include "util/die.h"
#include "util/strbuf.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 128

/* Every value of a tree, its strings and its arrays live in the chunks of one arena, which
 * the root owns: a parse costs a few allocations, not several per value (cargo's fingerprint
 * files are read by the thousand in a --gc --deep). */
struct json_chunk {
    struct json_chunk *next;
    size_t used, size;
    alignas(max_align_t) char data[];
};

struct reader {
    const char *p, *end;
    struct json_chunk *arena;
    struct strbuf scratch; /* a string being decoded */
};

static void *arena_alloc(struct reader *r, size_t n)
{
    n = (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    struct json_chunk *c = r->arena;
    if (!c || c->size - c->used < n) {
        size_t size = c ? c->size * 2 : 4096;
        while (size < n)
            size *= 2;
        c = xmalloc(sizeof(*c) + size);
        c->next = r->arena;
        c->used = 0;
        c->size = size;
        r->arena = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

static char *arena_strndup(struct reader *r, const char *s, size_t len)
{
    char *copy = arena_alloc(r, len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_ws(struct reader *r)
{
    while (r->p < r->end && is_ws(*r->p))
        r->p++;
}

static struct json *new_json(struct reader *r, enum json_type type)
{
    struct json *v = arena_alloc(r, sizeof(*v));
    memset(v, 0, sizeof(*v));
    v->type = type;
    return v;
}

/* Append item (and its key) to container v, whose arrays have room for *room. */
static void push(struct reader *r, struct json *v, size_t *room, char *key, struct json *item)
{
    if (v->count == *room) {
        size_t grown = *room ? *room * 2 : 8;
        struct json **items = arena_alloc(r, grown * sizeof(*items));
        if (v->count)
            memcpy(items, v->items, v->count * sizeof(*items));
        v->items = items;
        if (v->type == JSON_OBJECT) {
            char **keys = arena_alloc(r, grown * sizeof(*keys));
            if (v->count)
                memcpy(keys, v->keys, v->count * sizeof(*keys));
            v->keys = keys;
        }
        *room = grown;
    }
    if (v->type == JSON_OBJECT)
        v->keys[v->count] = key;
    v->items[v->count++] = item;
}

static int hex4(struct reader *r, unsigned *out)
{
    if (r->end - r->p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = r->p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + (unsigned)d;
    }
    r->p += 4;
    *out = v;
    return 0;
}

static int unicode_escape(struct reader *r, struct strbuf *out)
{
    unsigned hi, lo;
    if (hex4(r, &hi))
        return -1;
    unsigned long cp = hi;
    if (hi >= 0xD800 && hi <= 0xDBFF) {
        if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
            return -1;
        r->p += 2;
        if (hex4(r, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return -1;
        cp = 0x10000 + ((unsigned long)(hi - 0xD800) << 10) + (lo - 0xDC00);
    } else if (hi >= 0xDC00 && hi <= 0xDFFF) {
        return -1;
    }
    strbuf_add_utf8(out, cp);
    return 0;
}

/* The string at r->p decoded into the arena (*out, *len); -1 when it is not valid. */
static int read_string(struct reader *r, char **out, size_t *len)
{
    struct strbuf *sb = &r->scratch;
    strbuf_reset(sb);
    r->p++; /* opening quote */
    while (r->p < r->end) {
        const char *span = r->p;
        while (r->p < r->end && *r->p != '"' && *r->p != '\\' && (unsigned char)*r->p >= 0x20)
            r->p++;
        strbuf_add(sb, span, (size_t)(r->p - span));
        if (r->p >= r->end)
            return -1;
        char c = *r->p++;
        if (c == '"') {
            *out = arena_strndup(r, sb->buf, sb->len);
            *len = sb->len;
            return 0;
        }
        if (c != '\\' || r->p >= r->end)
            return -1; /* a control character, or a backslash at the end */
        char e = *r->p++;
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *hit = strchr(from, e);
        if (e && hit)
            strbuf_addch(sb, to[hit - from]);
        else if (e != 'u' || unicode_escape(r, sb))
            return -1;
    }
    return -1;
}

static struct json *read_value(struct reader *r, int depth);

static struct json *read_container(struct reader *r, int depth, int is_object)
{
    struct json *v = new_json(r, is_object ? JSON_OBJECT : JSON_ARRAY);
    size_t room = 0;
    char close = is_object ? '}' : ']';
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return v;
    }
    for (;;) {
        char *key = NULL;
        size_t key_len;
        skip_ws(r);
        if (is_object) {
            if (r->p >= r->end || *r->p != '"' || read_string(r, &key, &key_len))
                return NULL;
            skip_ws(r);
            if (r->p >= r->end || *r->p++ != ':')
                return NULL;
        }
        struct json *item = read_value(r, depth + 1);
        if (!item)
            return NULL;
        push(r, v, &room, key, item);
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return v;
        }
        return NULL;
    }
}

static int read_literal(struct reader *r, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
        return -1;
    r->p += n;
    return 0;
}

static int is_number_char(char c)
{
    return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E';
}

static struct json *read_number(struct reader *r)
{
    const char *start = r->p;
    while (r->p < r->end && is_number_char(*r->p))
        r->p++;
    if (r->p == start)
        return NULL;
    struct json *v = new_json(r, JSON_NUMBER);
    v->len = (size_t)(r->p - start);
    v->text = arena_strndup(r, start, v->len);
    return v;
}

static struct json *read_value(struct reader *r, int depth)
{
    skip_ws(r);
    if (r->p >= r->end || depth > MAX_DEPTH)
        return NULL;
    struct json *v;
    switch (*r->p) {
    case '{':
    case '[':
        return read_container(r, depth, *r->p == '{');
    case '"': {
        char *text;
        size_t len;
        if (read_string(r, &text, &len))
            return NULL;
        v = new_json(r, JSON_STRING);
        v->text = text;
        v->len = len;
        return v;
    }
    case 't':
    case 'f': {
        int boolean = *r->p == 't';
        if (read_literal(r, boolean ? "true" : "false"))
            return NULL;
        v = new_json(r, JSON_BOOL);
        v->boolean = boolean;
        return v;
    }
    case 'n':
        return read_literal(r, "null") ? NULL : new_json(r, JSON_NULL);
    default:
        return read_number(r);
    }
}

static void free_chunks(struct json_chunk *c)
{
    while (c) {
        struct json_chunk *next = c->next;
        free(c);
        c = next;
    }
}

struct json *json_parse(const char *text, size_t len)
{
    struct reader r = {text, text + len, NULL, STRBUF_INIT};
    struct json *v = read_value(&r, 0);
    skip_ws(&r);
    strbuf_release(&r.scratch);
    if (!v || r.p != r.end) {
        free_chunks(r.arena);
        return NULL;
    }
    v->arena = r.arena;
    return v;
}

void json_free(struct json *v)
{
    if (v)
        free_chunks(v->arena);
}

const struct json *json_get(const struct json *object, const char *key)
{
    if (!object || object->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < object->count; i++)
        if (!strcmp(object->keys[i], key))
            return object->items[i];
    return NULL;
}

const char *json_get_string(const struct json *object, const char *key)
{
    const struct json *v = json_get(object, key);
    return v && v->type == JSON_STRING ? v->text : NULL;
}

void json_add_string(struct strbuf *sb, const char *s)
{
    strbuf_addch(sb, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            strbuf_addf(sb, "\\%c", c);
        else if (c == '\n')
            strbuf_addstr(sb, "\\n");
        else if (c < 0x20 || c == 0x7f)
            strbuf_addf(sb, "\\u%04x", c);
        else
            strbuf_addch(sb, c);
    }
    strbuf_addch(sb, '"');
}
