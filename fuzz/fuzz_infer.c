/* Fuzz dependency inference (and the Rust lexer under it): every use it reports must name a
 * crate that could be spelled in the input, with a line inside it. */
#include "script/infer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct crate_uses uses = CRATE_USES_INIT;
    infer_uses((const char *)data, size, &uses);
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    for (size_t i = 0; i < uses.count; i++) {
        const struct crate_use *u = &uses.items[i];
        if (!*u->crate || u->line < 1 || (size_t)u->line > lines || !strstr(u->path, u->crate))
            abort();
    }
    crate_uses_release(&uses);
    return 0;
}
