/* Fuzz the rewriting of rendered diagnostics onto the script's lines. */
#include "diag.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char snippet[] = "use std::fmt;\nlet a = 1;\nfn f() {}\na + 1\n";
    struct wrapped code;
    wrap_snippet(snippet, sizeof(snippet) - 1, 0, &code);
    struct diag_map map = {"fuzz.rs", "script.rs", &code};
    struct strbuf rendered = STRBUF_INIT, out = STRBUF_INIT;
    strbuf_add(&rendered, data, size);
    diag_rewrite(&map, rendered.buf, &out);
    strbuf_release(&rendered);
    strbuf_release(&out);
    wrap_release(&code);
    return 0;
}
