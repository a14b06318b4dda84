/* Fuzz the fetch stage's readers: the URL rewriter (any argument a user may type), curl's
 * output (whatever a server sends back), and the copy's meta file.  The first byte picks one.
 * No crash; a raw URL has no fragment, no control byte and stays under the length limit; a
 * meta file that reads is written back to text that reads the same. */
#include "fetch/fetch.h"
#include "fetch/http.h"
#include "fetch/url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_url(const char *text)
{
    struct strbuf raw = STRBUF_INIT, why = STRBUF_INIT, name = STRBUF_INIT;
    if (!url_to_raw(text, &raw, &why)) {
        if (strchr(raw.buf, '#') || raw.len > 2 * URL_MAX_BYTES || why.len)
            abort();
        for (size_t i = 0; i < raw.len; i++)
            if ((unsigned char)raw.buf[i] <= ' ')
                abort();
        url_script_name(raw.buf, &name);
        if (!name.len)
            abort();
    } else if (!why.len || raw.len) {
        abort();
    }
    strbuf_release(&raw);
    strbuf_release(&why);
    strbuf_release(&name);
}

static void fuzz_meta(const char *data, size_t size)
{
    struct fetch_meta m, back;
    fetch_meta_init(&m);
    fetch_meta_init(&back);
    if (!fetch_meta_parse(data, size, &m)) {
        struct strbuf text = STRBUF_INIT, again = STRBUF_INIT;
        fetch_meta_format(&m, &text);
        if (fetch_meta_parse(text.buf, text.len, &back))
            abort();
        fetch_meta_format(&back, &again);
        if (text.len != again.len || memcmp(text.buf, again.buf, text.len))
            abort();
        strbuf_release(&text);
        strbuf_release(&again);
    }
    fetch_meta_release(&m);
    fetch_meta_release(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    struct http_response r;
    struct strbuf why = STRBUF_INIT;
    switch (data[0] % 3) {
    case 0:
        fuzz_url(text);
        break;
    case 1:
        http_response_init(&r);
        if (!http_parse_output(text, size - 1, &r))
            fetch_judge(&r, 1, &why);
        http_response_release(&r);
        break;
    default:
        fuzz_meta(text, size - 1);
    }
    strbuf_release(&why);
    free(text);
    return 0;
}
