/* The command line cargo runs with, for each kind of request (build.h): the subcommand, the
 * project's manifest, the shared target and the package source as --config options (placed
 * where the subcommand takes them: -A's external tools get them before their name), the message
 * format cthag reads, and the user's arguments.  Part of running cargo (build.c). */
#ifndef CTHAG_CARGO_COMMAND_H
#define CTHAG_CARGO_COMMAND_H

#include "cargo/build.h"

/* An argv under construction; owned strings are freed with it. */
struct cargo_argv {
    const char **argv; /* NULL-terminated */
    int argc, alloc;
    char *owned[12];
    int nowned;
};

/* The argv of cargo (its path) for request r on the project whose Cargo.toml is manifest. */
void command_build(struct cargo_argv *a, const char *cargo, const char *manifest,
                   const char *target_dir, const struct build_opts *o,
                   const struct build_request *r);
void command_release(struct cargo_argv *a);
/* The subcommand cargo runs: "build", "rustc" (a build with rustc arguments), "check", "test",
 * or -A's. */
const char *command_subcommand_name(const struct build_request *r);
/* Does cthag read the subcommand's messages (--message-format=json) to show them against the
 * script?  Always, except for an -A subcommand that reports none or whose format the user
 * chose. */
int command_reads_messages(const struct build_request *r);

#endif
