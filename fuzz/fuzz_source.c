/* Fuzz the script reader: validation, the four manifest formats, the shebang, main detection. */
#include "script/source.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct script s = {.name = "fuzz.rs", .text = STRBUF_INIT, .body = STRBUF_INIT,
                       .manifest = STRBUF_INIT};
    strbuf_add(&s.text, data, size);
    if (!source_parse(&s)) {
        /* The body keeps every line where it was. */
        size_t text_lines = 0, body_lines = 0;
        for (size_t i = 0; i < s.text.len; i++)
            text_lines += s.text.buf[i] == '\n';
        for (size_t i = 0; i < s.body.len; i++)
            body_lines += s.body.buf[i] == '\n';
        if (text_lines != body_lines)
            __builtin_trap();
    }
    source_release(&s);
    return 0;
}
