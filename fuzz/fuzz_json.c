/* Fuzz the JSON reader used for cargo's messages. */
#include "util/json.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json *v = json_parse((const char *)data, size);
    json_get_string(v, "reason");
    json_get(json_get(v, "message"), "rendered");
    json_free(v);
    return 0;
}
