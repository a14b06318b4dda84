#include "cargo/action.h"

#include "cargo/manifest.h"
#include "util/die.h"
#include "util/utf8.h"

#include <string.h>
#include <sys/stat.h>

#define DEBIAN_REGISTRY "/usr/share/cargo/registry"

int action_formats_script(const struct options *o)
{
    return o->action == ACTION_CARGO && o->nscript_args && !strcmp(o->script_args[0], "fmt");
}

/* The copy is <stem>.rs in the project, which cargo names relative to it; rustc takes FROM=TO
 * split at the last '=', and only UTF-8 arguments.  --remap-path-scope: for panics, file!() and
 * debug info only; diagnostics keep the copy's name, which diag.c maps. */
void action_remap_copy_paths(const char *script, const char *copy_name, const char *project_dir,
                             struct strbuf args[2], const char *argv[4])
{
    argv[0] = NULL;
    if (!copy_name || !script || strchr(script, '=') || !utf8_valid(script, strlen(script)) ||
        !utf8_valid(project_dir, strlen(project_dir)))
        return;
    strbuf_addf(&args[0], "--remap-path-prefix=%s=%s", copy_name, script);
    strbuf_addf(&args[1], "--remap-path-prefix=%s/%s=%s", project_dir, copy_name, script);
    argv[0] = "--remap-path-scope=macro,debuginfo";
    argv[1] = args[0].buf;
    argv[2] = args[1].buf;
    argv[3] = NULL;
}

void action_explain_failure(const struct cache_entry *e, const char *registry_dir,
                            const char *manifest, const char *script_name)
{
    struct strbuf lock = STRBUF_INIT;
    struct stat st;
    strbuf_addf(&lock, "%s/Cargo.lock", e->project_dir.buf);
    int resolved = !stat(lock.buf, &st);
    strbuf_release(&lock);
    if (resolved || registry_dir || !manifest_uses_registry(manifest))
        return;
    int debian = !stat(DEBIAN_REGISTRY, &st) && S_ISDIR(st.st_mode);
    error("%s: cargo could not fetch the dependencies: is crates.io reachable (no network?)%s%s%s",
          script_name, debian ? "; crates installed from Debian's librust-*-dev packages work "
                                "offline: cthag --registry-dir " DEBIAN_REGISTRY " "
                              : "",
          debian ? script_name : "", debian ? "" : "; --registry-dir DIR uses a local registry");
}

/* -A subcommands that rewrite the files cargo compiles: fmt, fix, clippy --fix. */
static int edits_sources(const struct options *o)
{
    if (o->action != ACTION_CARGO || !o->nscript_args)
        return 0;
    const char *sub = o->script_args[0];
    int fix = !strcmp(sub, "fix") || !strcmp(sub, "fmt");
    for (int i = 1; !fix && !strcmp(sub, "clippy") && i < o->nscript_args; i++)
        fix = !strcmp(o->script_args[i], "--fix");
    return fix;
}

/* Changes meant for the script must never land in cthag's copy of it. */
static int refuse_editing_copy(const struct options *o, int in_place)
{
    if (!edits_sources(o) || in_place)
        return 0;
    if (action_formats_script(o))
        return error("%s: -A fmt: %s is %s, which rustfmt cannot format (only programs with "
                     "fn main are formatted, in place)", o->script, o->script,
                     o->kind == SOURCE_FILE ? "a snippet" : "not a file");
    return error("%s: -A %s: cthag compiles a copy of this script (a snippet, a program with "
                 "a frontmatter manifest, or a script from a URL), so fixes would not reach it; "
                 "-A %s -- clippy shows the suggestions", o->script, o->script_args[0], o->script);
}

int action_run(const struct options *o, const struct cache_entry *e, const struct build_opts *bo,
               const struct diag_map *diag, int in_place)
{
    enum cargo_action action = o->action == ACTION_CHECK  ? CARGO_CHECK
                               : o->action == ACTION_TEST ? CARGO_TEST
                                                          : CARGO_OTHER;
    struct build_request req = {.action = action,
                                .args = o->script_args,
                                .nargs = o->nscript_args,
                                .diag = diag};
    if (refuse_editing_copy(o, in_place))
        return EXIT_BAD_INPUT;
    int status = build_run_cargo(e, bo, &req, o->script);
    if (status < 0)
        return EXIT_BUILD_FAILED;
    if (action == CARGO_CHECK && status)
        return EXIT_BUILD_FAILED;
    return status; /* cargo test's and the subcommand's own status */
}
