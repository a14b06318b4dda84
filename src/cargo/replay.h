/* The script crate's rustc command, as cargo ran it (captured by cargo/wrapper.h), kept in the
 * entry and run again by cthag itself when only the script crate's own files changed: a build
 * at rustc's speed, without cargo or cargo's lock (DESIGN §4). */
#ifndef CTHAG_CARGO_REPLAY_H
#define CTHAG_CARGO_REPLAY_H

#include "util/strbuf.h"
#include "util/strlist.h"

/* One rustc command: where it ran, what ran, with which environment. */
struct rustc_command {
    struct strbuf cwd;
    struct strbuf libstd;  /* the libstd it links dynamically, or empty (linked statically) */
    struct strlist argv;   /* [wrapper...] rustc args... */
    struct strlist env;    /* the whole environment, "NAME=value" */
};
#define RUSTC_COMMAND_INIT {STRBUF_INIT, STRBUF_INIT, STRLIST_INIT, STRLIST_INIT}

/* Read what the wrapper captured at path; -1 when it is missing or not a capture. */
int replay_read_capture(const char *path, struct rustc_command *cmd);
void rustc_command_release(struct rustc_command *cmd);

#endif
