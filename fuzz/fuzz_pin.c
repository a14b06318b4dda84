/* Fuzz --print-toml's readers: the input is a Cargo.lock for registry_locked_version() and, up
 * to its first NUL (or whole), the script's manifest for pin_block(). */
#include "cargo/pin.h"
#include "cargo/registry.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char generated[] = "[package]\nname = \"app\"\nversion = \"0.1.0\"\n"
                                "[dependencies]\nrand = \"*\"\nfoo-bar = { version = \"*\", "
                                "features = [\"x\"] }\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct strbuf version = STRBUF_INIT, block = STRBUF_INIT;
    if (!registry_locked_version(text, size, "app", "rand", &version) && !version.len)
        abort(); /* a version found is never empty */
    size_t user_len = strnlen(text, size);
    char *user = malloc(user_len + 1);
    memcpy(user, text, user_len);
    user[user_len] = '\0';
    struct pin_input in = {"fuzz.rs", user, user_len, generated, text, size, "app", PIN_THAG};
    if (pin_block(&in, &block) >= 0 && strncmp(block.buf, "/*[toml]\n", 9))
        abort();
    free(user);
    strbuf_release(&version);
    strbuf_release(&block);
    return 0;
}
