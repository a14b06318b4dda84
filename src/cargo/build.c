#include "cargo/build.h"

#include "cargo/command.h"
#include "cargo/relay.h"

#include "util/die.h"
#include "util/fs.h"
#include "util/passwd.h"
#include "util/strlist.h"
#include "util/json.h"
#include "util/spawn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A cargo cthag runs is the user's or root's: one another user owns would run their code with
 * the user's rights (sudo -E: root with another user's PATH or $CARGO). */
static int owned_by_user_or_root(const char *path, struct strbuf *why)
{
    struct stat st;
    if (stat(path, &st)) {
        strbuf_addf(why, "cannot run %s: %s", path, strerror(errno));
        return 0;
    }
    if (st.st_uid == geteuid() || st.st_uid == 0)
        return 1;
    strbuf_addf(why, "%s is owned by uid %ld, not you or root; refusing to run it", path,
                (long)st.st_uid);
    return 0;
}

/* ~/.cargo/bin/cargo of the user cthag runs as: the home from the user database, by uid, not
 * $HOME (which sudo -E keeps as another user's). */
static int find_in_own_home(struct strbuf *cargo)
{
    if (passwd_home(getuid(), cargo))
        return -1;
    strbuf_addstr(cargo, "/.cargo/bin/cargo");
    return access(cargo->buf, X_OK) ? -1 : 0;
}

int build_locate_cargo(struct strbuf *cargo, struct strbuf *why)
{
    const char *env = getenv("CARGO");
    if (env && *env) {
        /* Absolute: cargo is started from another directory (see build_run_cargo). */
        char *real = strchr(env, '/') ? realpath(env, NULL) : NULL;
        strbuf_addstr(cargo, real ? real : env);
        free(real);
        if (!strchr(cargo->buf, '/') && fs_which(env, cargo))
            strbuf_addstr(cargo, env);
    } else if (fs_which("cargo", cargo) && find_in_own_home(cargo)) {
        return -1;
    }
    struct strbuf ignored = STRBUF_INIT;
    int ok = owned_by_user_or_root(cargo->buf, why ? why : &ignored);
    strbuf_release(&ignored);
    return ok ? 0 : -1;
}

int build_find_cargo(struct strbuf *cargo)
{
    struct strbuf why = STRBUF_INIT;
    int result = 0;
    if (build_locate_cargo(cargo, &why))
        result = why.len ? error("%s", why.buf)
                         : error("cargo not found (not in $CARGO, on PATH or in ~/.cargo/bin): "
                                 "install Rust from https://rustup.rs or your system's cargo "
                                 "package");
    strbuf_release(&why);
    return result;
}

/* What cargo's JSON messages on stdout turn into. */
struct message_sink {
    const struct build_request *r;
    struct relay relay; /* cargo's stderr, and the diagnostics in order with it */
    int parse_json;     /* stdout has cargo's messages (else it is plain text) */
};

static void show_diagnostic(struct message_sink *sink, const struct json *message)
{
    struct strbuf text = STRBUF_INIT;
    if (sink->r->diag)
        diag_message(sink->r->diag, message, &text);
    else if (json_get_string(message, "rendered"))
        strbuf_addstr(&text, json_get_string(message, "rendered"));
    relay_text(&sink->relay, text.buf, text.len);
    strbuf_release(&text);
}

static void on_cargo_line(void *ctx, char *line, size_t len)
{
    struct message_sink *sink = ctx;
    struct json *msg = sink->parse_json && line[0] == '{' ? json_parse(line, len) : NULL;
    const char *reason = json_get_string(msg, "reason");
    if (!reason) {
        /* Not a message: the output of a test binary, say, whose panics name the file, or of
         * -A tree, which names the package. */
        struct strbuf text = STRBUF_INIT;
        strbuf_add(&text, line, len);
        relay_rename(&sink->relay, &text);
        if (sink->r->diag)
            diag_rename(sink->r->diag, &text);
        strbuf_addch(&text, '\n');
        fwrite(text.buf, 1, text.len, stdout);
        strbuf_release(&text);
    } else if (!strcmp(reason, "compiler-message")) {
        if (sink->r->compiled)
            ++*sink->r->compiled;
        show_diagnostic(sink, json_get(msg, "message"));
    } else if (!strcmp(reason, "compiler-artifact") && sink->r->compiled) {
        ++*sink->r->compiled;
    }
    if (reason && !strcmp(reason, "compiler-artifact") && sink->r->executable) {
        const char *exe = json_get_string(msg, "executable");
        if (exe) {
            strbuf_reset(sink->r->executable);
            strbuf_addstr(sink->r->executable, exe);
        }
    }
    if (reason && sink->r->units)
        cargo_units_add_message(sink->r->units, msg);
    json_free(msg);
}

/* cthag as RUSTC_WRAPPER for the script's crate (cargo/wrapper.h), chaining to the wrapper
 * cargo would have used: its environment entries into owned; 0, or -1 when it cannot be. */
static int add_wrapper(const struct build_opts *o, const struct build_request *r,
                       struct strlist *owned)
{
    struct strbuf next = STRBUF_INIT;
    wrapper_user_wrapper(o->wrapper, &next);
    struct wrapper_request w = *r->wrap;
    w.next = next.len ? next.buf : NULL;
    int result = wrapper_environment(&w, owned);
    strbuf_release(&next);
    return result;
}

/* The user's environment must not move the build out of the shared target or change its target
 * triple behind the cache's back: those variables are removed ("NAME" alone), the compiler
 * wrapper and the script's own variables added.  Strings made here go into owned. */
static const char **cargo_environment(const struct build_opts *o, const struct build_request *r,
                                      struct strlist *owned)
{
    static const char *const removed[] = {"CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR",
                                          "CARGO_BUILD_BUILD_DIR", "CARGO_BUILD_TARGET", NULL};
    size_t n = 0, extra = 0;
    if (!(r->wrap && !add_wrapper(o, r, owned)) && o->wrapper) {
        struct strbuf wrapper = STRBUF_INIT;
        strbuf_addf(&wrapper, "RUSTC_WRAPPER=%s", o->wrapper);
        strlist_add(owned, wrapper.buf);
        strbuf_release(&wrapper);
    }
    while (o->env && o->env[extra])
        extra++;
    const char **env = xcalloc(extra + owned->count + 5, sizeof(char *));
    for (const char *const *name = removed; *name; name++)
        env[n++] = *name;
    for (size_t i = 0; i < owned->count; i++)
        env[n++] = owned->items[i];
    for (size_t i = 0; i < extra; i++)
        env[n++] = o->env[i];
    return env;
}

static void on_cargo_stderr(void *ctx, const char *data, size_t len)
{
    relay_stderr(&((struct message_sink *)ctx)->relay, data, len);
}

static void on_cargo_tick(void *ctx)
{
    relay_tick(&((struct message_sink *)ctx)->relay);
}

/* -A subcommands whose plain output names the package. */
static int renames_stdout(const struct build_request *r)
{
    return r->action == CARGO_OTHER && !strcmp(r->args[0], "tree");
}

/* The names cargo writes for the generated project, and the script's in their place (longest
 * first: the manifest and the copy inside the project directory before the directory; the
 * package, unique in the shared target, as the binary is named). */
static void relay_names(const struct cache_entry *e, const char *script_name,
                        struct strbuf paths[4], struct relay_name *names)
{
    size_t n = 0;
    strbuf_addf(&paths[0], "%s/Cargo.toml", e->project_dir.buf);
    strbuf_addf(&paths[1], "%s/%s.rs", e->project_dir.buf, e->stem.buf);
    /* cargo runs in / and names files there relative to it: "root/.cache/...". */
    strbuf_addf(&paths[2], "%s/Cargo.toml", e->project_dir.buf + 1);
    for (size_t i = 0; i < 3; i++)
        names[n++] = (struct relay_name){paths[i].buf, script_name};
    names[n++] = (struct relay_name){e->project_dir.buf, script_name};
    cache_bin_name(e->stem.buf, &paths[3]);
    names[n++] = (struct relay_name){e->package.buf, paths[3].buf};
    names[n] = (struct relay_name){NULL, NULL};
}

const char **build_environment(const struct build_opts *o, const struct build_request *r,
                               struct strlist *owned)
{
    return cargo_environment(o, r, owned);
}

int build_run_cargo(const struct cache_entry *e, const struct build_opts *o,
                    const struct build_request *r, const char *script_name)
{
    struct strbuf cargo = STRBUF_INIT, manifest = STRBUF_INIT, target = STRBUF_INIT;
    struct strlist owned = STRLIST_INIT;
    if (build_find_cargo(&cargo)) {
        strbuf_release(&cargo);
        return -1;
    }
    strbuf_addf(&manifest, "%s/Cargo.toml", e->project_dir.buf);
    strbuf_addf(&target, "%s/target", e->root.buf);
    const char **env = cargo_environment(o, r, &owned);
    /* -q hides a build's output unless it fails; -A's output is what the user asked for. */
    int hold_ms = r->output ? -1 : r->action == CARGO_OTHER ? 0 : o->quiet ? -1 : o->quiet_for_ms;
    struct build_opts with_bar = *o;
    int terminal = hold_ms >= 0 && relay_wants_bar(&with_bar.bar_width);
    if (!terminal)
        with_bar.bar_width = 0;
    struct strbuf paths[4] = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
    struct relay_name names[RELAY_NAMES];
    relay_names(e, script_name, paths, names);
    struct message_sink sink = {.r = r, .parse_json = command_reads_messages(r)};
    relay_init(&sink.relay, names, terminal, hold_ms);
    struct spawn_opts spawn = {
        .env = env,
        .on_line = sink.parse_json || renames_stdout(r) ? on_cargo_line : NULL,
        .capture = r->output,
        .on_stderr = r->output ? NULL : on_cargo_stderr,
        .on_tick = on_cargo_tick,
        .tick_ms = 100,
        .ctx = &sink,
        .cwd = "/",
    };
    struct cargo_argv args;
    command_build(&args, cargo.buf, manifest.buf, target.buf, &with_bar, r);
    note("running %s %s --manifest-path %s with the shared target %s%s%s", cargo.buf,
         command_subcommand_name(r), manifest.buf, target.buf,
         o->wrapper ? " and RUSTC_WRAPPER=" : "", o->wrapper ? o->wrapper : "");
    /* cargo and rustc write the shared target: the owner's bits are theirs to have whatever
     * the umask (under 0777 rustc could not write its own objects), others' stay the umask's. */
    mode_t umask_was = umask(0);
    umask(umask_was & 077);
    int status = spawn_wait(args.argv, &spawn);
    umask(umask_was);
    relay_finish(&sink.relay, status != 0 && !r->output);
    if (r->fetch_failed)
        *r->fetch_failed = sink.relay.fetch_failed;
    if (status < 0) {
        error("cannot run %s: %s", cargo.buf, strerror(errno));
    } else if (status) {
        if (status > 128)
            error("%s: %scargo was killed by signal %d", script_name,
                  r->action == CARGO_BUILD ? "build failed: " : "", status - 128);
        else if (r->action == CARGO_BUILD)
            error("%s: build failed (cargo exited with status %d)", script_name, status);
    }
    command_release(&args);
    for (size_t i = 0; i < 4; i++)
        strbuf_release(&paths[i]);
    strbuf_release(&cargo);
    strbuf_release(&manifest);
    strbuf_release(&target);
    strlist_release(&owned);
    free(env);
    return status;
}
