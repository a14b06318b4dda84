/* Fuzz the showing of diagnostics in the script's terms: rendered text (locations renamed) and
 * rustc's JSON messages (cthag's own rendering), against a wrapped snippet and a -l loop. */
#include "cargo/diag.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void show(const struct wrapped *code, const char *text, size_t len)
{
    struct diag_map map = {"fuzz.rs",
                           {{"script.rs", "the script"}, {"<begin>", "-B"}, {"<end>", "-E"}},
                           code};
    struct strbuf out = STRBUF_INIT;
    struct json *message = json_parse(text, len);
    if (message)
        diag_message(&map, message, &out);
    else
        diag_rewrite(&map, text, &out);
    json_free(message);
    strbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char snippet[] = "use std::fmt;\nlet a = 1;\nfn f() {}\na + 1\n";
    struct wrap_options o = {0, "/d"};
    struct strbuf input = STRBUF_INIT;
    strbuf_add(&input, data, size);
    struct wrapped code;
    wrap_snippet(snippet, sizeof(snippet) - 1, &o, &code);
    show(&code, input.buf, input.len);
    wrap_release(&code);
    wrap_loop("let mut n = 0;", "n += 1; line", "n", &o, &code);
    show(&code, input.buf, input.len);
    wrap_release(&code);
    strbuf_release(&input);
    return 0;
}
