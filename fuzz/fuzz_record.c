/* Fuzz the entry-record reader (what the cached path trusts): no crash, and whatever it accepts
 * is written back to text that reads as the same record. */
#include "cache/record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct entry_record rec, back;
    if (!entry_record_parse((const char *)data, size, &rec)) {
        struct strbuf text = STRBUF_INIT, again = STRBUF_INIT;
        entry_record_format(&rec, &text);
        if (entry_record_parse(text.buf, text.len, &back))
            abort();
        entry_record_format(&back, &again);
        if (text.len != again.len || memcmp(text.buf, again.buf, text.len))
            abort();
        entry_record_release(&back);
        strbuf_release(&text);
        strbuf_release(&again);
    }
    entry_record_release(&rec);
    return 0;
}
