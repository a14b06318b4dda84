/* Fuzz snippet, program, snippet-after-code (-B with -e) and loop wrapping.  The invariants are the line map's guarantees: the
 * segments tile each generated line; every line of the script is on the generated line of the
 * same number (snippets and programs); and leaving cthag's text out of a generated line gives
 * the script's line back, for every part.  The delimiter check runs on any bytes: what it
 * reports is on a line of the text and names delimiters. */
#include "script/wrap.h"

#include "util/utf8.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_segments(const struct wrapped *w)
{
    size_t lines = 0;
    for (size_t i = 0; i < w->code.len; i++)
        lines += w->code.buf[i] == '\n';
    if (lines != w->lines)
        __builtin_trap();
    for (size_t i = 0; i < w->nsegments; i++) {
        const struct wrap_segment *s = &w->segments[i];
        if (s->line < 1 || (size_t)s->line > w->lines)
            __builtin_trap();
        if (i && (s->line < s[-1].line ||
                  (s->line == s[-1].line && s->col != s[-1].col + s[-1].len)))
            __builtin_trap();
    }
}

static void check_part(const struct wrapped *w, enum wrap_part part, const char *text,
                       int same_numbers)
{
    struct strbuf got = STRBUF_INIT;
    for (int line = 1; *text; line++) {
        size_t len = strcspn(text, "\n");
        strbuf_reset(&got);
        if (wrap_part_line(w, part, line, &got) || got.len != len || memcmp(got.buf, text, len))
            __builtin_trap();
        if (same_numbers && wrap_script_line(w, line) != line)
            __builtin_trap();
        text += len;
        if (*text)
            text++;
    }
    strbuf_release(&got);
}

static void check_delimiters(const char *text, size_t len)
{
    struct wrap_unbalanced u;
    if (!wrap_check_delimiters(text, len, &u))
        return;
    int lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    if (u.line < 1 || u.line > lines || (u.opener && (u.open_line < 1 || u.open_line > u.line)) ||
        (!u.closer && !u.opener) || (u.closer && !strchr(")]}", u.closer)) ||
        (u.opener && !strchr("([{", u.opener)))
        __builtin_trap();
    struct strbuf message = STRBUF_INIT;
    wrap_describe_unbalanced(&u, "the script", &message);
    strbuf_release(&message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_delimiters((const char *)data, size);
    /* cthag only wraps what source_parse accepted: UTF-8 without NUL. */
    if (memchr(data, 0, size) || !utf8_valid((const char *)data, size))
        return 0;
    struct strbuf text = STRBUF_INIT;
    strbuf_add(&text, data, size);
    struct wrap_options o = {size % 2 ? WRAP_UNQUOTE : 0, size % 3 ? "/tmp/d\"ir" : NULL};
    struct wrapped w;
    wrap_snippet(text.buf, text.len, &o, &w);
    check_segments(&w);
    check_part(&w, WRAP_PART_MAIN, text.buf, 1);
    wrap_release(&w);
    wrap_program(text.buf, text.len, &o, &w);
    check_segments(&w);
    check_part(&w, WRAP_PART_MAIN, text.buf, 1);
    wrap_release(&w);
    wrap_snippet_after(text.buf, text.buf, text.len, &o, &w);
    check_segments(&w);
    check_part(&w, WRAP_PART_BEGIN, text.buf, 0);
    check_part(&w, WRAP_PART_MAIN, text.buf, 0);
    wrap_release(&w);
    wrap_loop(text.buf, text.buf, text.buf, &o, &w);
    check_segments(&w);
    check_part(&w, WRAP_PART_BEGIN, text.buf, 0);
    check_part(&w, WRAP_PART_MAIN, text.buf, 0);
    check_part(&w, WRAP_PART_END, text.buf, 0);
    wrap_release(&w);
    strbuf_release(&text);
    return 0;
}
