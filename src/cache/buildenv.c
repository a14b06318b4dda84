#include "cache/buildenv.h"

#include "cache/freshness.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* ---- the environment ---- */

/* Variables that choose the toolchain, the tools or where cargo's and cthag's configuration
 * live. */
static const char *const config_names[] = {
    "CARGO", "CARGO_HOME", "CARGO_ENCODED_RUSTFLAGS", "RUSTC", "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER", "RUSTC_BOOTSTRAP", "RUSTFLAGS", "RUSTUP_TOOLCHAIN", "RUSTUP_HOME",
    "HOME", "XDG_CONFIG_HOME", NULL,
};
/* Families of cargo's configuration in the environment (CARGO_<TABLE>_<KEY>). */
static const char *const config_prefixes[] = {
    "CARGO_BUILD_",  "CARGO_PROFILE_",   "CARGO_TARGET_",  "CARGO_UNSTABLE_", "CARGO_REGISTRIES_",
    "CARGO_REGISTRY_", "CARGO_SOURCE_", "CARGO_RESOLVER_", "CARGO_PATCH_", "__CARGO_", NULL,
};
/* Matching names that do not change what is built: cthag overrides the target directory and
 * triple for cargo, the job count only changes the order of work, and credentials are no part
 * of a build (and a token rotated must not rebuild every script). */
static const char *const config_ignored[] = {
    "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR", "CARGO_BUILD_TARGET", "CARGO_BUILD_JOBS",
    "CARGO_TARGET_TMPDIR", NULL,
};

static int name_is(const char *entry, size_t len, const char *name)
{
    return strlen(name) == len && !memcmp(entry, name, len);
}

static int ends_with(const char *entry, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && !memcmp(entry + len - n, suffix, n);
}

/* Is the environment entry NAME=value part of the build configuration? */
static int is_config_variable(const char *entry)
{
    size_t len = strcspn(entry, "=");
    if (!entry[len])
        return 0;
    int listed = 0;
    for (const char *const *name = config_names; *name && !listed; name++)
        listed = name_is(entry, len, *name);
    for (const char *const *p = config_prefixes; *p && !listed; p++)
        listed = len > strlen(*p) && !strncmp(entry, *p, strlen(*p));
    if (!listed || ends_with(entry, len, "_TOKEN") || ends_with(entry, len, "_CREDENTIAL_PROVIDER"))
        return 0;
    for (const char *const *name = config_ignored; *name; name++)
        if (name_is(entry, len, *name))
            return 0;
    return 1;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int buildenv_which(const char *name, struct strbuf *out)
{
    const char *path = getenv("PATH");
    size_t name_len = strlen(name);
    while (path && *path) {
        size_t len = strcspn(path, ":");
        strbuf_reset(out);
        if (len)
            strbuf_add(out, path, len);
        else
            strbuf_addch(out, '.');
        strbuf_addch(out, '/');
        strbuf_add(out, name, name_len);
        if (!access(out->buf, X_OK))
            return 0;
        path += len + (path[len] == ':');
    }
    strbuf_reset(out);
    return -1;
}

/* Which cargo or rustc a build would start, when no variable names it (buildenv_which). */
static void add_tool(struct hasher *h, const char *variable, const char *tool)
{
    const char *set = getenv(variable);
    if (set && *set)
        return; /* the variable is hashed itself */
    struct strbuf found = STRBUF_INIT;
    buildenv_which(tool, &found);
    hasher_add_field(h, tool);
    hasher_add_field(h, found.buf);
    strbuf_release(&found);
}

void buildenv_config_hash(char out[HASH_HEX_LEN + 1])
{
    /* Sorted: the same variables in another order are the same configuration. */
    const char *local[64], **matches = local;
    size_t n = 0, alloc = sizeof(local) / sizeof(*local);
    for (char **e = environ; e && *e; e++) {
        if (!is_config_variable(*e))
            continue;
        if (n == alloc) {
            const char **more = xcalloc(alloc * 2, sizeof(*more));
            memcpy(more, matches, n * sizeof(*more));
            if (matches != local)
                free(matches);
            matches = more;
            alloc *= 2;
        }
        matches[n++] = *e;
    }
    qsort(matches, n, sizeof(*matches), compare_strings);
    struct hasher *h = hasher_new();
    hasher_add_field(h, "cthag-config 1");
    for (size_t i = 0; i < n; i++)
        hasher_add_field(h, matches[i]);
    if (matches != local)
        free(matches);
    add_tool(h, "CARGO", "cargo");
    add_tool(h, "RUSTC", "rustc");
    hasher_finish(h, out);
}

/* ---- the files ---- */

/* A configuration file cargo, rustup or cthag may read: its content, or its absence; anything
 * else there (a directory) by its stat data. */
static void add_config_file(struct entry_record *rec, const char *path, long long stamp)
{
    struct stat st;
    char hash[HASH_HEX_LEN + 1];
    if (stat(path, &st)) {
        entry_record_add_absent(rec, RECORD_CONFIG_GROUP, path);
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        entry_record_add_input(rec, RECORD_CONFIG_GROUP, path, &st, NULL)->kind = INPUT_STAT;
        return;
    }
    /* Hash first, stat second: a change in between shows in the stat data. */
    int hashed = !freshness_hash_file(path, hash);
    if (stat(path, &st))
        entry_record_add_absent(rec, RECORD_CONFIG_GROUP, path);
    else
        entry_record_add_input(rec, RECORD_CONFIG_GROUP, path, &st,
                               hashed && !freshness_stat_racy(&st, stamp) ? hash : NULL);
}

/* A file or directory compared by its stat data alone (it is large, or a directory). */
static void add_stat_probe(struct entry_record *rec, const char *path)
{
    struct stat st;
    if (stat(path, &st))
        entry_record_add_absent(rec, RECORD_CONFIG_GROUP, path);
    else
        entry_record_add_input(rec, RECORD_CONFIG_GROUP, path, &st, NULL)->kind = INPUT_STAT;
}

static void home_dir(const char *variable, const char *under_home, struct strbuf *out)
{
    const char *set = getenv(variable), *home = getenv("HOME");
    if (set && *set)
        strbuf_addstr(out, set);
    else
        strbuf_addf(out, "%s/%s", home ? home : "", under_home);
}

/* The config files cargo reads when started in "/" (build.c starts it there), rust-toolchain
 * files rustup reads there, and "/" itself: a file appearing there changes its stat data. */
static void add_cargo_config(struct entry_record *rec, long long stamp)
{
    static const char *const at_root[] = {"/rust-toolchain", "/rust-toolchain.toml",
                                          "/.cargo/config", "/.cargo/config.toml", NULL};
    struct strbuf path = STRBUF_INIT;
    struct stat st;
    add_stat_probe(rec, "/");
    int dot_cargo = !lstat("/.cargo", &st);
    for (const char *const *p = at_root; *p; p++)
        if (strncmp(*p, "/.cargo/", 8) ? !stat(*p, &st) : dot_cargo)
            add_config_file(rec, *p, stamp);
    home_dir("CARGO_HOME", ".cargo", &path);
    size_t len = path.len;
    strbuf_addstr(&path, "/config");
    add_config_file(rec, path.buf, stamp);
    strbuf_setlen(&path, len);
    strbuf_addstr(&path, "/config.toml");
    add_config_file(rec, path.buf, stamp);
    strbuf_release(&path);
}

/* ---- the toolchain ---- */

/* The first line a tool prints. */
static void first_line(void *ctx, char *line, size_t len)
{
    struct strbuf *out = ctx;
    if (!out->len)
        strbuf_add(out, line, len);
}

/* Run argv from "/", as cargo runs (with +toolchain as rustup's variable): its first line of
 * output in out, or -1. */
static int ask(const char *const *argv, const char *toolchain, struct strbuf *out)
{
    struct strbuf env_toolchain = STRBUF_INIT, errors = STRBUF_INIT;
    const char *env[] = {NULL, NULL};
    if (toolchain) {
        strbuf_addf(&env_toolchain, "RUSTUP_TOOLCHAIN=%s", toolchain);
        env[0] = env_toolchain.buf;
    }
    struct spawn_opts opts = {env, &errors, first_line, out, "/"};
    strbuf_reset(out);
    int status = spawn_wait(argv, &opts);
    strbuf_release(&env_toolchain);
    strbuf_release(&errors);
    return status || !out->len || out->buf[0] != '/' ? -1 : 0;
}

/* rustup, if it is installed: on PATH, else in cargo's home. */
static int find_rustup(struct strbuf *rustup)
{
    if (!buildenv_which("rustup", rustup))
        return 0;
    home_dir("CARGO_HOME", ".cargo", rustup);
    strbuf_addstr(rustup, "/bin/rustup");
    return access(rustup->buf, X_OK);
}

/* The rustc cargo runs: $RUSTC, else rustup's choice, else rustc on PATH. */
static int resolve_rustc(const char *toolchain, struct strbuf *rustc, int *from_rustup)
{
    const char *env = getenv("RUSTC");
    struct strbuf rustup = STRBUF_INIT;
    int result = -1;
    *from_rustup = 0;
    if (env && *env) {
        strbuf_addstr(rustc, env);
        result = strchr(env, '/') ? 0 : buildenv_which(env, rustc);
    } else if (!find_rustup(&rustup)) {
        const char *argv[] = {rustup.buf, "which", "rustc", NULL};
        result = ask(argv, toolchain, rustc);
        *from_rustup = !result;
    }
    if (result && !(env && *env))
        result = buildenv_which("rustc", rustc);
    strbuf_release(&rustup);
    return result;
}

/* A rustup toolchain's rustc is <toolchain>/bin/rustc; any other is asked. */
static int resolve_sysroot(const char *rustc, int from_rustup, const char *toolchain,
                           struct strbuf *sysroot)
{
    static const char tail[] = "/bin/rustc";
    size_t len = strlen(rustc), tail_len = sizeof(tail) - 1;
    if (from_rustup && len > tail_len && !strcmp(rustc + len - tail_len, tail)) {
        strbuf_add(sysroot, rustc, len - tail_len);
        return 0;
    }
    const char *argv[] = {rustc, "--print", "sysroot", NULL};
    return ask(argv, toolchain, sysroot);
}

/* <sysroot>/lib/librustc_driver-*.so: the compiler itself (rustc is a small launcher). */
static void add_driver(struct entry_record *rec, const char *sysroot)
{
    static const char prefix[] = "librustc_driver-";
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/lib", sysroot);
    DIR *d = opendir(path.buf);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strncmp(de->d_name, prefix, sizeof(prefix) - 1))
            continue;
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/lib/%s", sysroot, de->d_name);
        add_stat_probe(rec, path.buf);
    }
    if (d)
        closedir(d);
    strbuf_release(&path);
}

/* rustup's choice lives in settings.toml (the default, overrides) and toolchains/ (which names
 * exist, where a linked one points). */
static void add_rustup_home(struct entry_record *rec, long long stamp)
{
    struct strbuf path = STRBUF_INIT;
    home_dir("RUSTUP_HOME", ".rustup", &path);
    size_t len = path.len;
    strbuf_addstr(&path, "/settings.toml");
    add_config_file(rec, path.buf, stamp);
    strbuf_setlen(&path, len);
    strbuf_addstr(&path, "/toolchains");
    add_stat_probe(rec, path.buf);
    strbuf_release(&path);
}

static void add_toolchain(const char *toolchain, struct entry_record *rec, long long stamp)
{
    struct strbuf rustc = STRBUF_INIT, sysroot = STRBUF_INIT, rustup = STRBUF_INIT;
    int from_rustup;
    if (resolve_rustc(toolchain, &rustc, &from_rustup) ||
        resolve_sysroot(rustc.buf, from_rustup, toolchain, &sysroot)) {
        entry_record_set(&rec->uncacheable, "cthag cannot tell which rustc cargo ran");
    } else {
        entry_record_set(&rec->rustc, rustc.buf);
        entry_record_set(&rec->sysroot, sysroot.buf);
        add_stat_probe(rec, rustc.buf);
        add_driver(rec, sysroot.buf);
    }
    if (!find_rustup(&rustup))
        add_rustup_home(rec, stamp);
    strbuf_release(&rustc);
    strbuf_release(&sysroot);
    strbuf_release(&rustup);
}

/* The previous record's answer, still true: its configuration group as it was. */
static void reuse_toolchain(const struct entry_record *old, struct entry_record *rec)
{
    entry_record_set(&rec->rustc, old->rustc);
    entry_record_set(&rec->sysroot, old->sysroot);
    for (size_t i = 0; i < old->ninputs; i++) {
        const struct record_input *in = &old->inputs[i];
        if (in->group != RECORD_CONFIG_GROUP)
            continue;
        struct stat none;
        memset(&none, 0, sizeof(none));
        struct record_input *copy = entry_record_add_input(rec, RECORD_CONFIG_GROUP, in->path,
                                                           &none, NULL);
        char *path = copy->path;
        *copy = *in;
        copy->path = path;
    }
}

void buildenv_snapshot(const struct buildenv_request *req, struct entry_record *rec)
{
    buildenv_config_hash(rec->config);
    if (req->unchanged && req->unchanged->rustc) {
        reuse_toolchain(req->unchanged, rec);
        return;
    }
    add_toolchain(req->toolchain, rec, req->stamp);
    add_cargo_config(rec, req->stamp);
    if (req->config_file)
        add_config_file(rec, req->config_file, req->stamp);
}
