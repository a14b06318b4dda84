/* Fuzz dependency inference (and the Rust lexer under it). */
#include "infer.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strlist crates = STRLIST_INIT;
    infer_crates((const char *)data, size, &crates);
    strlist_release(&crates);
    return 0;
}
