/* Fuzz the config reader. */
#include "config.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.infer_level = -1;
    config_parse(&cfg, "config.toml", (const char *)data, size);
    config_release(&cfg);
    return 0;
}
