#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int diag_script_line(const struct diag_map *map, int generated_line)
{
    int lines = (int)map->code->lines;
    for (int distance = 0; distance <= lines; distance++) {
        int after = wrap_script_line(map->code, generated_line + distance);
        if (after)
            return after;
        int before = wrap_script_line(map->code, generated_line - distance);
        if (before)
            return before;
    }
    return generated_line;
}

/* A line of rendered output with its ANSI escapes set aside: visible[i] came from raw[at[i]]. */
struct visible_line {
    const char *raw;
    size_t raw_len;
    char *visible;
    size_t *at;
    size_t len;
};

static void visible_init(struct visible_line *v, const char *raw, size_t len)
{
    v->raw = raw;
    v->raw_len = len;
    v->visible = malloc(len + 1);
    v->at = malloc((len + 1) * sizeof(size_t));
    v->len = 0;
    for (size_t i = 0; i < len;) {
        if (raw[i] == '\033' && i + 1 < len && raw[i + 1] == '[') {
            i += 2;
            while (i < len && !(raw[i] >= '@' && raw[i] <= '~'))
                i++;
            i++;
            continue;
        }
        v->at[v->len] = i;
        v->visible[v->len++] = raw[i++];
    }
    v->at[v->len] = len;
    v->visible[v->len] = '\0';
}

static void visible_release(struct visible_line *v)
{
    free(v->visible);
    free(v->at);
}

/* Copy the raw line, replacing the raw bytes behind visible[from, to) with text. */
static void splice(const struct visible_line *v, size_t from, size_t to, const char *text,
                   struct strbuf *out)
{
    strbuf_add(out, v->raw, v->at[from]);
    strbuf_addstr(out, text);
    size_t rest = to < v->len ? v->at[to] : v->raw_len;
    strbuf_add(out, v->raw + rest, v->raw_len - rest);
}

static size_t skip_spaces(const char *s, size_t i)
{
    while (s[i] == ' ')
        i++;
    return i;
}

static size_t skip_digits(const char *s, size_t i)
{
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* "  --> file:line:col" or "  ::: file:line:col".  Sets *ours; returns 1 when rewritten. */
static int rewrite_location(const struct diag_map *map, const struct visible_line *v, int *ours,
                            struct strbuf *out)
{
    size_t i = skip_spaces(v->visible, 0);
    if (strncmp(v->visible + i, "--> ", 4) && strncmp(v->visible + i, "::: ", 4))
        return 0;
    size_t path = skip_spaces(v->visible, i + 4);
    size_t name_len = strlen(map->generated_name);
    const char *colon = strchr(v->visible + path, ':');
    *ours = colon && (size_t)(colon - (v->visible + path)) == name_len &&
            !strncmp(v->visible + path, map->generated_name, name_len);
    if (!*ours)
        return 0;
    size_t line_start = path + name_len + 1, line_end = skip_digits(v->visible, line_start);
    if (line_end == line_start)
        return 0;
    char text[4352];
    snprintf(text, sizeof(text), "%s:%d", map->script_name,
             diag_script_line(map, atoi(v->visible + line_start)));
    splice(v, path, line_end, text, out);
    return 1;
}

/* " 12 |    code" while inside our file: the gutter's number, keeping the bar's column.  Only
 * the digits' bytes change (colour codes around them stay): a shorter number is padded after
 * its digits, a longer one takes spaces from before the bar (keeping one). */
static int rewrite_gutter(const struct diag_map *map, const struct visible_line *v,
                          struct strbuf *out)
{
    size_t start = skip_spaces(v->visible, 0), end = skip_digits(v->visible, start);
    size_t bar = skip_spaces(v->visible, end);
    if (end == start || v->visible[bar] != '|')
        return 0;
    char number[16];
    int width = snprintf(number, sizeof(number), "%d",
                         diag_script_line(map, atoi(v->visible + start)));
    int digits = (int)(end - start), spaces = (int)(bar - end);
    int pad = width < digits ? digits - width : 0;
    int drop = width > digits ? width - digits : 0;
    if (drop > spaces - 1)
        drop = spaces > 1 ? spaces - 1 : 0;
    strbuf_add(out, v->raw, v->at[start]);
    strbuf_addf(out, "%s%*s", number, pad, "");
    /* Digits are one byte each and adjacent in the raw text. */
    size_t raw = v->at[end - 1] + 1;
    for (; raw < v->raw_len; raw++) {
        int visible_space = 0;
        for (size_t i = end; i < end + (size_t)drop; i++)
            visible_space |= v->at[i] == raw;
        if (!visible_space)
            strbuf_addch(out, v->raw[raw]);
    }
    return 1;
}

void diag_rewrite(const struct diag_map *map, const char *rendered, struct strbuf *out)
{
    int ours = 0;
    const char *p = rendered;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        struct visible_line v;
        visible_init(&v, p, len);
        if (!v.visible || !v.at) {
            strbuf_add(out, p, len);
        } else if (!rewrite_location(map, &v, &ours, out) &&
                   !(ours && rewrite_gutter(map, &v, out))) {
            strbuf_add(out, p, len);
        }
        visible_release(&v);
        if (!nl)
            break;
        strbuf_addch(out, '\n');
        p = nl + 1;
    }
}
