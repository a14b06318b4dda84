/* Fuzz the TOML reader, and check that what the writer makes of a document reads back as the
 * same document (write(read(write(read(x)))) == write(read(x))). */
#include "toml/toml.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct toml_error err;
    struct toml_value *root = toml_parse((const char *)data, size, 1, &err);
    if (!root)
        return 0;
    struct strbuf first = STRBUF_INIT, second = STRBUF_INIT;
    toml_write(root, &first);
    struct toml_value *again = toml_parse(first.buf, first.len, 1, &err);
    if (!again)
        __builtin_trap();
    toml_write(again, &second);
    if (first.len != second.len || memcmp(first.buf, second.buf, first.len))
        __builtin_trap();
    toml_free(again);
    toml_free(root);
    strbuf_release(&first);
    strbuf_release(&second);
    return 0;
}
