/* Fuzz the readers of a kept rustc command and of a wrapper's capture (cargo/replay.h): no
 * crash, and whatever the command reader accepts is written back to bytes that read as the
 * same command. */
#include "cargo/replay.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rustc_command cmd = RUSTC_COMMAND_INIT;
    replay_parse_capture((const char *)data, size, &cmd);
    rustc_command_release(&cmd);
    struct rustc_spec spec, back;
    replay_spec_init(&spec);
    replay_spec_init(&back);
    if (!replay_spec_parse((const char *)data, size, &spec)) {
        struct strbuf text = STRBUF_INIT, again = STRBUF_INIT;
        replay_spec_format(&spec, &text);
        if (replay_spec_parse(text.buf, text.len, &back))
            abort();
        replay_spec_format(&back, &again);
        if (text.len != again.len || memcmp(text.buf, again.buf, text.len))
            abort();
        strbuf_release(&text);
        strbuf_release(&again);
    }
    replay_spec_release(&spec);
    replay_spec_release(&back);
    return 0;
}
