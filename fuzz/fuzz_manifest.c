/* Fuzz manifest generation from an embedded manifest, with inferred crates to merge. */
#include "cargo/manifest.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strlist crates = STRLIST_INIT;
    strlist_add(&crates, "rand");
    strlist_add(&crates, "num_bigint");
    struct strbuf toml = STRBUF_INIT, out = STRBUF_INIT;
    strbuf_add(&toml, data, size);
    struct manifest_input in = {
        .script_name = "fuzz.rs",
        .toml = toml.buf,
        .toml_len = toml.len,
        .toml_line = 1,
        .used_crates = &crates,
        .package_name = "fuzz_0123456789abcdef",
        .source_file = "fuzz.rs",
        .edition = "2021",
    };
    if (!manifest_generate(&in, &out))
        manifest_uses_registry(out.buf);
    strbuf_release(&toml);
    strbuf_release(&out);
    strlist_release(&crates);
    return 0;
}
