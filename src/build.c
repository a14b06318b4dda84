#include "build.h"

#include "util/die.h"
#include "util/spawn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_executable_file(const char *path)
{
    return !access(path, X_OK);
}

static int find_in_path(const char *name, struct strbuf *out)
{
    const char *path = getenv("PATH");
    while (path && *path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        strbuf_reset(out);
        if (len)
            strbuf_add(out, path, len);
        else
            strbuf_addch(out, '.');
        strbuf_addf(out, "/%s", name);
        if (is_executable_file(out->buf))
            return 0;
        path = colon ? colon + 1 : path + len;
    }
    return -1;
}

int build_find_cargo(struct strbuf *cargo)
{
    const char *env = getenv("CARGO");
    if (env && *env) {
        strbuf_addstr(cargo, env);
        return 0;
    }
    if (!find_in_path("cargo", cargo))
        return 0;
    const char *home = getenv("HOME");
    strbuf_reset(cargo);
    strbuf_addf(cargo, "%s/.cargo/bin/cargo", home ? home : "");
    if (home && is_executable_file(cargo->buf))
        return 0;
    return error("cargo not found (not in $CARGO, on PATH or in ~/.cargo/bin): install Rust "
                 "from https://rustup.rs or your system's cargo package");
}

void build_output_path(const struct cache_entry *e, const struct build_opts *o, struct strbuf *out)
{
    strbuf_addf(out, "%s/target/%s/%s", e->root.buf, o->release ? "release" : "debug",
                e->package.buf);
}

/* --config values are TOML: a quoted string keeps any path intact. */
static char *config_string(const char *key, const char *value)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s=", key);
    strbuf_add_toml_string(&sb, value, strlen(value));
    return strbuf_detach(&sb);
}

struct cargo_argv {
    const char *argv[24];
    int argc;
    char *owned[4];
    int nowned;
};

static void push_owned(struct cargo_argv *a, char *arg)
{
    a->owned[a->nowned++] = arg;
    a->argv[a->argc++] = arg;
}

static void cargo_argv_build(struct cargo_argv *a, const char *cargo, const char *manifest,
                             const struct build_opts *o)
{
    memset(a, 0, sizeof(*a));
    a->argv[a->argc++] = cargo;
    if (o->toolchain) {
        struct strbuf toolchain = STRBUF_INIT;
        strbuf_addf(&toolchain, "+%s", o->toolchain);
        push_owned(a, strbuf_detach(&toolchain));
    }
    a->argv[a->argc++] = "build";
    a->argv[a->argc++] = "--manifest-path";
    a->argv[a->argc++] = manifest;
    if (o->release)
        a->argv[a->argc++] = "--release";
    if (o->features) {
        a->argv[a->argc++] = "--features";
        a->argv[a->argc++] = o->features;
    }
    if (o->offline || o->registry_dir)
        a->argv[a->argc++] = "--offline";
    if (o->registry_dir) {
        a->argv[a->argc++] = "--config";
        a->argv[a->argc++] = "source.crates-io.replace-with=\"cthag-registry-dir\"";
        a->argv[a->argc++] = "--config";
        push_owned(a, config_string("source.cthag-registry-dir.directory", o->registry_dir));
    }
    a->argv[a->argc] = NULL;
}

static void cargo_argv_release(struct cargo_argv *a)
{
    for (int i = 0; i < a->nowned; i++)
        free(a->owned[i]);
}

int build_project(const struct cache_entry *e, const struct build_opts *o, const char *script_name)
{
    struct strbuf cargo = STRBUF_INIT, manifest = STRBUF_INIT, target_env = STRBUF_INIT;
    if (build_find_cargo(&cargo)) {
        strbuf_release(&cargo);
        return -1;
    }
    strbuf_addf(&manifest, "%s/Cargo.toml", e->project_dir.buf);
    strbuf_addf(&target_env, "CARGO_TARGET_DIR=%s/target", e->root.buf);
    const char *env[] = {target_env.buf, NULL};
    struct strbuf output = STRBUF_INIT;
    struct spawn_opts spawn = {env, o->quiet ? &output : NULL, NULL};
    struct cargo_argv args;
    cargo_argv_build(&args, cargo.buf, manifest.buf, o);
    note("running %s build --manifest-path %s with %s", cargo.buf, manifest.buf, target_env.buf);
    int status = spawn_wait(args.argv, &spawn);
    int result = 0;
    if (status < 0) {
        result = error("cannot run %s: %s", cargo.buf, strerror(errno));
    } else if (status) {
        fwrite(output.buf, 1, output.len, stderr);
        if (status > 128)
            result = error("%s: build failed: cargo was killed by signal %d", script_name,
                           status - 128);
        else
            result = error("%s: build failed (cargo exited with status %d)", script_name, status);
    }
    cargo_argv_release(&args);
    strbuf_release(&output);
    strbuf_release(&cargo);
    strbuf_release(&manifest);
    strbuf_release(&target_env);
    return result;
}
