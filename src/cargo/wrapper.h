/* cthag as cargo's RUSTC_WRAPPER, for the builds of a script's executable.
 *
 * cargo runs `cthag [WRAPPER] RUSTC ARGS...` for every crate it compiles (RUSTC_WRAPPER leaves
 * cargo's fingerprints alone, unlike RUSTC_WORKSPACE_WRAPPER; a user's wrapper, sccache say,
 * comes next in the chain).  Every crate but the script's own is handed on untouched.  For the
 * script's crate the wrapper
 *   - links the standard library dynamically (-C prefer-dynamic, with an rpath to the
 *     toolchain's libstd), unless asked for a static executable (-x) or the arguments rule it
 *     out (LTO, panic=abort, a static C runtime): a hello world is 25 KB instead of 4.3 MB,
 *     links faster, and its backtraces still name the script's lines;
 *   - records the exact command, working directory and environment cargo gave rustc (the
 *     "capture"), from which cthag later runs that crate's rustc itself (cargo/replay.h).
 * What the wrapper is told comes in CTHAG_WRAP_* variables, which it removes before it hands on:
 * rustc, the linker and the user's wrapper never see them. */
#ifndef CTHAG_CARGO_WRAPPER_H
#define CTHAG_CARGO_WRAPPER_H

#include "util/strbuf.h"
#include "util/strlist.h"

/* How the script's executable links the standard library. */
enum wrapper_link { WRAPPER_LINK_DYNAMIC, WRAPPER_LINK_STATIC };

struct wrapper_request {
    const char *package;      /* the script's package name (cargo's CARGO_PKG_NAME) */
    enum wrapper_link link;
    const char *capture;      /* where to record the script crate's command, or NULL */
    const char *next;         /* the user's RUSTC_WRAPPER to chain to, or NULL */
    /* "COMPILER\nLIBSTD": the libstd a previous build of the entry linked with that compiler,
     * taken (while it is there) instead of asking rustc for its library directory; or NULL. */
    const char *libstd_hint;
};

/* Is this process cargo's call of cthag as the wrapper?  (Checked first thing in main.) */
int wrapper_invoked(int argc, char **argv);
/* Be the wrapper: hand the call on to rustc (through the user's wrapper), as described above.
 * Returns only when that cannot be started: an exit status. */
int wrapper_main(int argc, char **argv);

/* The environment entries ("NAME=value"; owned by out) that make cargo call cthag as the
 * wrapper for r; 0, or -1 (nothing added) when cthag cannot name its own executable. */
int wrapper_environment(const struct wrapper_request *r, struct strlist *out);
/* The wrapper cargo would use without cthag's (cthag's --rustc-wrapper setting given, else
 * RUSTC_WRAPPER, CARGO_BUILD_RUSTC_WRAPPER, build.rustc-wrapper in cargo's config files), into
 * out; empty when none. */
void wrapper_user_wrapper(const char *given, struct strbuf *out);
/* Does an environment entry belong to the wrapper's protocol (not cargo's, not the user's)? */
int wrapper_is_protocol_variable(const char *entry);

/* rustc arguments that rule out linking the standard library dynamically (LTO, panic=abort,
 * +crt-static, an explicit -C prefer-dynamic). */
int wrapper_args_need_static(const char *const *args, int nargs);
/* The toolchain's libstd (<target-libdir>/libstd-<hash>.so) for the rustc command prefix
 * (RUSTC, or WRAPPER RUSTC) and the compile's arguments args (their --sysroot and --target
 * count): its path into out, 0; -1 when there is none. */
int wrapper_find_libstd(const char *const *prefix, int nprefix, const char *const *args,
                        int nargs, struct strbuf *out);

#endif
