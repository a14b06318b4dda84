#include "script/lines.h"

#include "util/chars.h"
#include "util/die.h"

#include <string.h>

int source_next_line(const struct strbuf *text, size_t *pos, struct line *line)
{
    if (*pos >= text->len)
        return 0;
    line->start = text->buf + *pos;
    const char *nl = memchr(line->start, '\n', text->len - *pos);
    line->end = nl ? nl : text->buf + text->len;
    *pos = (size_t)(line->end - text->buf) + (nl ? 1 : 0);
    line->number++;
    return 1;
}

const char *source_skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p;
}

int source_line_starts_with(const struct line *l, const char *prefix)
{
    const char *p = source_skip_ws(l->start, l->end);
    size_t n = strlen(prefix);
    return (size_t)(l->end - p) >= n && !memcmp(p, prefix, n);
}

void source_blank_lines(struct script *s, int from, int to)
{
    struct strbuf out = STRBUF_INIT;
    size_t pos = 0;
    struct line l = {0};
    while (source_next_line(&s->body, &pos, &l)) {
        if (l.number < from || l.number > to)
            strbuf_add(&out, l.start, (size_t)(l.end - l.start));
        if (l.end < s->body.buf + s->body.len)
            strbuf_addch(&out, '\n');
    }
    strbuf_release(&s->body);
    s->body = out;
}

int source_set_manifest(struct script *s, enum manifest_format format, int block_line,
                        int toml_line)
{
    if (s->format != MANIFEST_NONE) {
        int first = s->manifest_block_line < block_line;
        return error("%s:%d: two embedded manifests: %s at line %d and %s at line %d (keep one)",
                     s->name, first ? block_line : s->manifest_block_line,
                     source_format_name(first ? s->format : format),
                     first ? s->manifest_block_line : block_line,
                     source_format_name(first ? format : s->format),
                     first ? block_line : s->manifest_block_line);
    }
    s->format = format;
    s->manifest_block_line = block_line;
    s->manifest_line = toml_line;
    return 0;
}

int source_is_blank_run(const char *p, const char *end)
{
    while (p < end && char_in((unsigned char)*p, " \t\r\v\f"))
        p++;
    return p == end;
}

void source_trim_span(const char *p, const char *end, const char **from, const char **to)
{
    while (p < end && char_in((unsigned char)*p, " \t\r\v\f"))
        p++;
    while (end > p && char_in((unsigned char)end[-1], " \t\r\v\f"))
        end--;
    *from = p;
    *to = end;
}

void source_first_content_line(const struct strbuf *body, size_t *pos, struct line *l)
{
    l->start = NULL;
    l->number = 0;
    while (source_next_line(body, pos, l) && source_is_blank_run(l->start, l->end))
        ;
    if (l->start && source_is_blank_run(l->start, l->end))
        l->start = NULL;
}
