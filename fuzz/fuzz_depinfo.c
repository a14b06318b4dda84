/* libFuzzer harness for the dep-info reader: no crash, no leak, and every path it returns is
 * non-empty. */
#include "cargo/depinfo.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct depinfo info = DEPINFO_INIT;
    depinfo_parse((const char *)data, size, &info);
    for (size_t i = 0; i < info.files.count; i++)
        if (!info.files.items[i][0])
            abort();
    depinfo_release(&info);
    return 0;
}
