/* Fuzz the entry-record reader (what the cached path trusts). */
#include "cache.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct entry_record rec;
    if (!entry_record_parse((const char *)data, size, &rec) && rec.key[32] != '\0')
        __builtin_trap();
    return 0;
}
