/* Fuzz snippet and loop wrapping; the line map must have one entry per generated line and
 * point only at lines the input has. */
#include "wrap.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct wrapped *w, size_t input_lines)
{
    size_t lines = 0;
    for (size_t i = 0; i < w->code.len; i++)
        lines += w->code.buf[i] == '\n';
    if (lines != w->lines)
        __builtin_trap();
    for (size_t i = 0; i < w->lines; i++)
        if (w->line_map[i] < 0 || (size_t)w->line_map[i] > input_lines + 1)
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strbuf text = STRBUF_INIT;
    strbuf_add(&text, data, size); /* NUL-terminated, as cthag's sources are */
    size_t input_lines = 0;
    for (size_t i = 0; i < size; i++)
        input_lines += data[i] == '\n';
    struct wrapped w;
    wrap_snippet(text.buf, text.len, size % 2 ? WRAP_UNQUOTE : 0, &w);
    check(&w, input_lines);
    wrap_release(&w);
    wrap_loop("", text.buf, "", 0, &w);
    check(&w, input_lines);
    wrap_release(&w);
    strbuf_release(&text);
    return 0;
}
