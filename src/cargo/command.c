/* The command line cargo runs with (command.h). */
#include "cargo/command.h"

#include "toml/toml.h"
#include "util/die.h"

#include <stdlib.h>
#include <string.h>

/* --config values are TOML: a quoted string keeps any path intact. */
static char *config_string(const char *key, const char *value)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s=", key);
    toml_write_string(&sb, value, strlen(value));
    return strbuf_detach(&sb);
}

static void push(struct cargo_argv *a, const char *arg)
{
    if (a->argc + 2 > a->alloc) {
        a->alloc = a->alloc ? a->alloc * 2 : 32;
        a->argv = xrealloc(a->argv, (size_t)a->alloc * sizeof(char *));
    }
    a->argv[a->argc++] = arg;
    a->argv[a->argc] = NULL;
}

static void push_owned(struct cargo_argv *a, char *arg)
{
    a->owned[a->nowned++] = arg;
    push(a, arg);
}

static const char *const action_names[] = {"build", "check", "test"};

const char *command_subcommand_name(const struct build_request *r)
{
    if (r->action == CARGO_OTHER)
        return r->args[0];
    return r->action == CARGO_BUILD && r->rustc_args ? "rustc" : action_names[r->action];
}

/* Options every subcommand gets: which source to use and whether to go online. */
static void push_source_options(struct cargo_argv *a, const struct build_opts *o)
{
    if (o->offline || o->registry_dir)
        push(a, "--offline");
    if (o->registry_dir) {
        push(a, "--config");
        push(a, "source.crates-io.replace-with=\"cthag-registry-dir\"");
        push(a, "--config");
        push_owned(a, config_string("source.cthag-registry-dir.directory", o->registry_dir));
    }
}

/* Subcommands that take cargo's own build options (--config, --offline) after their name:
 * cargo's built-in ones, and clippy, which hands them to cargo check.  Others (fmt, external
 * tools) may refuse them there: they get them before their name, where cargo takes them. */
static const char *const takes_cargo_options[] = {
    "build", "b", "check", "c", "clippy", "doc", "d", "run", "r", "test", "t", "bench", "rustc",
    "rustdoc", "fix", "tree", "metadata", "fetch", "update", "generate-lockfile", "clean",
    "package", "pkgid", "vendor", "add", "remove", "info", "locate-project", "verify-project",
    NULL};

/* Subcommands whose compiler messages cthag reads (--message-format=json) to show them against
 * the script, unless the user chose a format. */
static const char *const reports_diagnostics[] = {"build", "b", "check", "c", "clippy", "run",
                                                  "r", "test", "t", "bench", "rustc", "doc",
                                                  "d", "fix", NULL};

static int listed(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (!strcmp(*list, name))
            return 1;
    return 0;
}

int command_reads_messages(const struct build_request *r)
{
    if (r->action != CARGO_OTHER)
        return 1;
    for (int i = 1; i < r->nargs && strcmp(r->args[i], "--"); i++)
        if (!strncmp(r->args[i], "--message-format", 16))
            return 0;
    return listed(reports_diagnostics, r->args[0]);
}

/* The shared target and the package source, as cargo options. */
static void push_cargo_options(struct cargo_argv *a, const char *manifest, const char *target_dir,
                               const struct build_opts *o)
{
    /* The shared target as a --config, not CARGO_TARGET_DIR: cargo passes CARGO_* variables on
     * to rustc, and sccache hashes them, so every cache root would miss its dependencies.  It
     * is cargo's build directory, where every unit lives under its metadata hash; what cargo
     * copies out of it (the executable, "uplifted") goes to the entry's own project directory:
     * the binary is named for the script (cache_bin_name), and two scripts of one name built
     * at once would otherwise write the same target/debug/<name> (see HACKING.md). */
    struct strbuf artifacts = STRBUF_INIT;
    strbuf_add(&artifacts, manifest, (size_t)(strrchr(manifest, '/') - manifest));
    strbuf_addstr(&artifacts, "/target");
    push(a, "--config");
    push_owned(a, config_string("build.build-dir", target_dir));
    push(a, "--config");
    push_owned(a, config_string("build.target-dir", artifacts.buf));
    strbuf_release(&artifacts);
    push_source_options(a, o);
    if (o->bar_width) {
        /* cargo's bar in the pipe (relay.h).  After the subcommand's name: given before it,
         * cargo 1.95 ignores term.progress.width and draws no bar. */
        struct strbuf width = STRBUF_INIT;
        strbuf_addf(&width, "term.progress.width=%d", o->bar_width);
        push(a, "--config");
        push(a, "term.progress.when=\"always\"");
        push(a, "--config");
        push_owned(a, strbuf_detach(&width));
    }
}

static void push_message_format(struct cargo_argv *a, const struct build_opts *o)
{
    push(a, o->color ? "--message-format=json-diagnostic-rendered-ansi" : "--message-format=json");
}

/* -A: the subcommand and the user's arguments, cargo's options where it takes them. */
static void push_subcommand(struct cargo_argv *a, const char *manifest, const char *target_dir,
                            const struct build_opts *o, const struct build_request *r)
{
    int after = listed(takes_cargo_options, r->args[0]);
    if (!after) {
        if (o->quiet)
            push(a, "--quiet");
        push_cargo_options(a, manifest, target_dir, o);
    }
    push(a, r->args[0]);
    push(a, "--manifest-path");
    push(a, manifest);
    if (after) {
        if (o->quiet)
            push(a, "--quiet");
        push_cargo_options(a, manifest, target_dir, o);
    }
    if (command_reads_messages(r))
        push_message_format(a, o);
    for (int i = 1; i < r->nargs; i++)
        push(a, r->args[i]);
}

void command_build(struct cargo_argv *a, const char *cargo, const char *manifest,
                   const char *target_dir, const struct build_opts *o,
                   const struct build_request *r)
{
    memset(a, 0, sizeof(*a));
    push(a, cargo);
    if (o->toolchain) {
        struct strbuf toolchain = STRBUF_INIT;
        strbuf_addf(&toolchain, "+%s", o->toolchain);
        push_owned(a, strbuf_detach(&toolchain));
    }
    if (o->color_arg || o->bar_width) {
        /* cargo's stderr is a pipe (relay.h): whether it colours is cthag's decision. */
        push(a, "--color");
        push(a, o->color_arg ? o->color_arg : o->color ? "always" : "never");
    }
    if (r->action == CARGO_OTHER) {
        push_subcommand(a, manifest, target_dir, o, r);
        return;
    }
    push(a, command_subcommand_name(r));
    push(a, "--manifest-path");
    push(a, manifest);
    push_cargo_options(a, manifest, target_dir, o);
    if (o->release)
        push(a, "--release");
    if (o->features) {
        push(a, "--features");
        push(a, o->features);
    }
    push_message_format(a, o);
    if (r->action == CARGO_TEST && r->nargs) {
        push(a, "--");
        for (int i = 0; i < r->nargs; i++)
            push(a, r->args[i]);
    }
    if (r->action == CARGO_BUILD && r->rustc_args) {
        push(a, "--");
        for (const char *const *arg = r->rustc_args; *arg; arg++)
            push(a, *arg);
    }
}

void command_release(struct cargo_argv *a)
{
    for (int i = 0; i < a->nowned; i++)
        free(a->owned[i]);
    free(a->argv);
}
