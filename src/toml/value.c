/* The TOML tree (toml.h): making, reading and changing values. */
#include "toml/internal.h"
#include "toml/literal.h"

#include "util/die.h"

#include <stdlib.h>
#include <string.h>

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

struct toml_value *toml_new_text(enum toml_type type, const char *text, size_t len)
{
    struct toml_value *v = new_value(type);
    v->text = xmemdupz(text, len);
    v->text_len = len;
    return v;
}

struct toml_value *toml_new_string(const char *s)
{
    return toml_new_text(TOML_STRING, s, strlen(s));
}

struct toml_value *toml_new_literal(enum toml_type type, const char *text)
{
    return toml_new_text(type, text, strlen(text));
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
    free(v->key_lens);
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
    copy->key_lens = NULL;
    copy->count = copy->alloc = 0;
    for (size_t i = 0; i < v->count; i++) {
        if (v->type == TOML_TABLE)
            toml_append_item(copy, xmemdupz(v->keys[i], v->key_lens[i]), v->key_lens[i],
                             toml_clone(v->items[i]));
        else
            toml_push(copy, toml_clone(v->items[i]));
    }
    return copy;
}

void toml_append_item(struct toml_value *v, char *key, size_t key_len, struct toml_value *item)
{
    if (v->count == v->alloc) {
        v->alloc = v->alloc ? v->alloc * 2 : 4;
        v->items = xrealloc(v->items, v->alloc * sizeof(*v->items));
        if (v->type == TOML_TABLE) {
            v->keys = xrealloc(v->keys, v->alloc * sizeof(*v->keys));
            v->key_lens = xrealloc(v->key_lens, v->alloc * sizeof(*v->key_lens));
        }
    }
    if (v->type == TOML_TABLE) {
        v->keys[v->count] = key;
        v->key_lens[v->count] = key_len;
    }
    v->items[v->count++] = item;
}

static long find_key(const struct toml_value *table, const char *key, size_t len)
{
    if (!table || table->type != TOML_TABLE)
        return -1;
    for (size_t i = 0; i < table->count; i++)
        if (table->key_lens[i] == len && !memcmp(table->keys[i], key, len))
            return (long)i;
    return -1;
}

int toml_integer(const struct toml_value *v, int64_t *out)
{
    struct toml_literal lit;
    char problem[160];
    if (!v || v->type != TOML_INTEGER ||
        toml_literal_read(v->text, v->text_len, &lit, problem, sizeof(problem)) ||
        lit.kind != LITERAL_INTEGER)
        return -1;
    *out = lit.integer;
    return 0;
}

struct toml_value *toml_get_n(const struct toml_value *table, const char *key, size_t len)
{
    long i = find_key(table, key, len);
    return i < 0 ? NULL : table->items[i];
}

struct toml_value *toml_get(const struct toml_value *table, const char *key)
{
    return toml_get_n(table, key, strlen(key));
}

void toml_set(struct toml_value *table, const char *key, struct toml_value *value)
{
    long i = find_key(table, key, strlen(key));
    if (i >= 0) {
        toml_free(table->items[i]);
        table->items[i] = value;
        return;
    }
    toml_append_item(table, xstrdup(key), strlen(key), value);
}

void toml_remove(struct toml_value *table, const char *key)
{
    long i = find_key(table, key, strlen(key));
    if (i < 0)
        return;
    toml_free(table->items[i]);
    free(table->keys[i]);
    size_t rest = table->count - (size_t)i - 1;
    memmove(table->items + i, table->items + i + 1, rest * sizeof(*table->items));
    memmove(table->keys + i, table->keys + i + 1, rest * sizeof(*table->keys));
    memmove(table->key_lens + i, table->key_lens + i + 1, rest * sizeof(*table->key_lens));
    table->count--;
}

struct toml_value *toml_table(struct toml_value *table, const char *key)
{
    struct toml_value *sub = toml_get(table, key);
    if (sub)
        return sub->type == TOML_TABLE ? sub : NULL;
    sub = toml_new_table();
    toml_append_item(table, xstrdup(key), strlen(key), sub);
    return sub;
}

void toml_push(struct toml_value *array, struct toml_value *value)
{
    toml_append_item(array, NULL, 0, value);
}
