/* Writing TOML (toml.h): a canonical form Cargo reads back as the same document. */
#include "toml/internal.h"

#include <string.h>

void toml_write_string(struct strbuf *out, const char *s, size_t len)
{
    strbuf_addch(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': strbuf_addstr(out, "\\\""); break;
        case '\\': strbuf_addstr(out, "\\\\"); break;
        case '\n': strbuf_addstr(out, "\\n"); break;
        case '\t': strbuf_addstr(out, "\\t"); break;
        case '\r': strbuf_addstr(out, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                strbuf_addf(out, "\\u%04x", c);
            else
                strbuf_addch(out, c);
        }
    }
    strbuf_addch(out, '"');
}

static void write_key(struct strbuf *out, const char *key, size_t len)
{
    int bare = len > 0;
    for (size_t i = 0; i < len && bare; i++)
        bare = toml_is_bare_key_char((unsigned char)key[i]);
    if (bare)
        strbuf_add(out, key, len);
    else
        toml_write_string(out, key, len);
}

static void write_inline(struct strbuf *out, const struct toml_value *v)
{
    switch (v->type) {
    case TOML_STRING:
        toml_write_string(out, v->text, v->text_len);
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
            write_key(out, v->keys[i], v->key_lens[i]);
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
static void header_path(struct strbuf *out, const char *prefix, const char *key, size_t len)
{
    strbuf_addstr(out, prefix);
    if (*prefix)
        strbuf_addch(out, '.');
    write_key(out, key, len);
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
        header_path(&header, prefix, table->keys[i], table->key_lens[i]);
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
        write_key(out, table->keys[i], table->key_lens[i]);
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
