/* Questions about generated code (wrap.h): where a generated line, column or span is in the
 * script's terms, and what of a line is the script's own text. */
#include "script/wrap.h"

#include "util/utf8.h"

#include <string.h>

/* Index of the first segment on a generated line (nsegments when there is none). */
static size_t first_segment(const struct wrapped *w, int line)
{
    size_t lo = 0, hi = w->nsegments;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->segments[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int wrap_script_line(const struct wrapped *w, int generated_line)
{
    for (size_t i = first_segment(w, generated_line);
         i < w->nsegments && w->segments[i].line == generated_line; i++) {
        const struct wrap_segment *s = &w->segments[i];
        if ((s->role == WRAP_COPY || s->role == WRAP_REPLACED) && s->part == WRAP_PART_MAIN)
            return s->part_line;
    }
    return 0;
}

static int is_script_text(const struct wrap_segment *s)
{
    return s->role == WRAP_COPY || s->role == WRAP_REPLACED;
}

/* The part position of column col of a segment holding script text. */
static struct wrap_position script_position(const struct wrap_segment *s, unsigned col)
{
    struct wrap_position pos = {s->part, s->part_line, s->part_col, s->role};
    unsigned into = col > s->col ? col - s->col : 0;
    if (into > s->len)
        into = s->len;
    unsigned original = s->original ? utf8_count_chars(s->original, strlen(s->original)) : 0;
    if (s->role == WRAP_COPY)
        pos.col += into;
    else /* in a rewritten literal: its start, its end, or within the original */
        pos.col += into == s->len ? original : into < original ? into : original ? original - 1 : 0;
    return pos;
}

void wrap_locate(const struct wrapped *w, int line, unsigned col, struct wrap_position *pos)
{
    const struct wrap_segment *found = NULL;
    for (size_t i = first_segment(w, line); i < w->nsegments && w->segments[i].line == line;
         i++) {
        found = &w->segments[i];
        if (col < found->col + found->len || (!found->len && col == found->col))
            break;
    }
    if (!found)
        *pos = (struct wrap_position){WRAP_PART_MAIN, 0, 0, WRAP_SUPPORT};
    else if (is_script_text(found))
        *pos = script_position(found, col);
    else
        *pos = (struct wrap_position){found->part, found->part_line, found->part_col, found->role};
}

/* An empty span: the script text it touches (ending or starting there), else what is there. */
static void locate_point(const struct wrapped *w, int line, unsigned col, struct wrap_span *span)
{
    for (size_t i = first_segment(w, line); i < w->nsegments && w->segments[i].line == line;
         i++) {
        const struct wrap_segment *s = &w->segments[i];
        if (is_script_text(s) && col >= s->col && col <= s->col + s->len) {
            span->start = span->end = script_position(s, col);
            return;
        }
    }
    wrap_locate(w, line, col, &span->start);
    span->end = span->start;
    span->own = span->start.role != WRAP_COPY && span->start.role != WRAP_REPLACED;
    span->role = span->start.role;
}

void wrap_locate_span(const struct wrapped *w, int line_start, unsigned col_start, int line_end,
                      unsigned col_end, struct wrap_span *span)
{
    memset(span, 0, sizeof(*span));
    if (line_start == line_end && col_start >= col_end) {
        locate_point(w, line_start, col_start, span);
        return;
    }
    int found = 0;
    for (size_t i = first_segment(w, line_start); i < w->nsegments && w->segments[i].line <= line_end;
         i++) {
        const struct wrap_segment *s = &w->segments[i];
        unsigned from = s->line == line_start && col_start > s->col ? col_start : s->col;
        unsigned to = s->line == line_end && col_end < s->col + s->len ? col_end : s->col + s->len;
        if (from >= to && !(s->len == 0 && from == to && s->line > line_start && s->line < line_end))
            continue;
        if (!is_script_text(s)) {
            span->cut = 1;
            if (!found && !span->own) {
                span->own = 1;
                span->start = span->end = (struct wrap_position){s->part, s->part_line,
                                                                 s->part_col, s->role};
                span->role = s->role;
            }
            if (s->role == WRAP_VALUE)
                span->role = WRAP_VALUE;
            continue;
        }
        if (found && s->part != span->start.part)
            break;
        if (!found)
            span->start = script_position(s, from);
        span->end = script_position(s, to);
        found = 1;
    }
    if (found)
        span->own = 0;
    else if (!span->own)
        locate_point(w, line_start, col_start, span);
}

/* The start of a generated line's text, or NULL. */
static const char *generated_line(const struct wrapped *w, int line)
{
    const char *p = w->code.buf, *end = w->code.buf + w->code.len;
    for (int l = 1; l < line && p; l++) {
        p = memchr(p, '\n', (size_t)(end - p));
        p = p ? p + 1 : NULL;
    }
    return p;
}

/* Past n characters of UTF-8 text. */
static const char *skip_chars(const char *p, const char *end, unsigned n)
{
    while (n-- && p < end) {
        p++;
        while (p < end && ((unsigned char)*p & 0xC0) == 0x80)
            p++;
    }
    return p;
}

int wrap_part_line(const struct wrapped *w, enum wrap_part part, int line, struct strbuf *out)
{
    int found = 0;
    const char *end = w->code.buf + w->code.len;
    for (size_t i = 0; i < w->nsegments; i++) {
        const struct wrap_segment *s = &w->segments[i];
        if (!is_script_text(s) || s->part != part || s->part_line != line)
            continue;
        found = 1;
        if (s->role == WRAP_REPLACED) {
            strbuf_addstr(out, s->original);
            continue;
        }
        const char *p = generated_line(w, s->line);
        if (!p)
            continue;
        p = skip_chars(p, end, s->col);
        strbuf_add(out, p, (size_t)(skip_chars(p, end, s->len) - p));
    }
    return found ? 0 : -1;
}

int wrap_line_is_verbatim(const struct wrapped *w, int line)
{
    size_t i = first_segment(w, line);
    return i < w->nsegments && w->segments[i].line == line &&
           w->segments[i].role == WRAP_COPY && w->segments[i].part == WRAP_PART_MAIN &&
           w->segments[i].part_line == line && w->segments[i].col == 0 &&
           w->segments[i].part_col == 0 &&
           (i + 1 == w->nsegments || w->segments[i + 1].line != line);
}
