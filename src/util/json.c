#include "json.h"

#include "chars.h"

#include "die.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 128

struct reader {
    const char *p, *end;
};

static void skip_ws(struct reader *r)
{
    while (r->p < r->end && char_in(*r->p, " \t\r\n"))
        r->p++;
}

static struct json *new_json(enum json_type type)
{
    struct json *v = xcalloc(1, sizeof(*v));
    v->type = type;
    return v;
}

static void push(struct json *v, char *key, struct json *item)
{
    v->items = xrealloc(v->items, (v->count + 1) * sizeof(*v->items));
    if (v->type == JSON_OBJECT)
        v->keys = xrealloc(v->keys, (v->count + 1) * sizeof(*v->keys));
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

static int read_string(struct reader *r, struct strbuf *out)
{
    r->p++; /* opening quote */
    while (r->p < r->end) {
        char c = *r->p++;
        if (c == '"')
            return 0;
        if ((unsigned char)c < 0x20)
            return -1;
        if (c != '\\') {
            strbuf_addch(out, c);
            continue;
        }
        if (r->p >= r->end)
            return -1;
        char e = *r->p++;
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *hit = strchr(from, e);
        if (e && hit)
            strbuf_addch(out, to[hit - from]);
        else if (e != 'u' || unicode_escape(r, out))
            return -1;
    }
    return -1;
}

static struct json *read_value(struct reader *r, int depth);

static struct json *read_container(struct reader *r, int depth, int is_object)
{
    struct json *v = new_json(is_object ? JSON_OBJECT : JSON_ARRAY);
    char close = is_object ? '}' : ']';
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return v;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(r);
        if (is_object) {
            struct strbuf k = STRBUF_INIT;
            if (r->p >= r->end || *r->p != '"' || read_string(r, &k)) {
                strbuf_release(&k);
                break;
            }
            key = strbuf_detach(&k);
            skip_ws(r);
            if (r->p >= r->end || *r->p++ != ':') {
                free(key);
                break;
            }
        }
        struct json *item = read_value(r, depth + 1);
        if (!item) {
            free(key);
            break;
        }
        push(v, key, item);
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return v;
        }
        break;
    }
    json_free(v);
    return NULL;
}

static int read_literal(struct reader *r, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
        return -1;
    r->p += n;
    return 0;
}

static struct json *read_number(struct reader *r)
{
    const char *start = r->p;
    while (r->p < r->end && char_in(*r->p, "+-0123456789.eE"))
        r->p++;
    if (r->p == start)
        return NULL;
    struct json *v = new_json(JSON_NUMBER);
    v->text = xstrndup(start, (size_t)(r->p - start));
    v->len = (size_t)(r->p - start);
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
        struct strbuf s = STRBUF_INIT;
        if (read_string(r, &s)) {
            strbuf_release(&s);
            return NULL;
        }
        v = new_json(JSON_STRING);
        v->len = s.len;
        v->text = strbuf_detach(&s);
        return v;
    }
    case 't':
    case 'f':
        v = new_json(JSON_BOOL);
        v->boolean = *r->p == 't';
        if (!read_literal(r, v->boolean ? "true" : "false"))
            return v;
        json_free(v);
        return NULL;
    case 'n':
        return read_literal(r, "null") ? NULL : new_json(JSON_NULL);
    default:
        return read_number(r);
    }
}

struct json *json_parse(const char *text, size_t len)
{
    struct reader r = {text, text + len};
    struct json *v = read_value(&r, 0);
    skip_ws(&r);
    if (v && r.p != r.end) {
        json_free(v);
        return NULL;
    }
    return v;
}

void json_free(struct json *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->count; i++) {
        json_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->text);
    free(v);
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
