#include "cargo/replay.h"

#include "util/fs.h"

#include <string.h>

#define CAPTURE_MAGIC "cthag-capture 1"

void rustc_command_release(struct rustc_command *cmd)
{
    strbuf_release(&cmd->cwd);
    strbuf_release(&cmd->libstd);
    strlist_release(&cmd->argv);
    strlist_release(&cmd->env);
}

/* The capture's fields: magic, cwd, libstd, argv..., "", env... (each NUL-terminated). */
int replay_read_capture(const char *path, struct rustc_command *cmd)
{
    struct strbuf text = STRBUF_INIT;
    int result = -1;
    if (fs_read_file(path, &text) || !text.len || text.buf[text.len - 1]) {
        strbuf_release(&text);
        return -1;
    }
    const char *p = text.buf, *end = text.buf + text.len;
    int field = 0, in_env = 0;
    for (; p < end; p += strlen(p) + 1, field++) {
        if (field == 0 && strcmp(p, CAPTURE_MAGIC))
            break;
        else if (field == 1)
            strbuf_addstr(&cmd->cwd, p);
        else if (field == 2)
            strbuf_addstr(&cmd->libstd, p);
        else if (field > 2 && !in_env && !*p)
            in_env = 1;
        else if (field > 2)
            strlist_add(in_env ? &cmd->env : &cmd->argv, p);
    }
    if (p == end && in_env && cmd->argv.count && cmd->cwd.len)
        result = 0;
    strbuf_release(&text);
    return result;
}
