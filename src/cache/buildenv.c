#include "cache/buildenv.h"

#include "cache/freshness.h"
#include "toml/toml.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/spawn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* ---- the environment ---- */

/* The variables of the build configuration: exact names (that choose the toolchain, the tools
 * or where cargo's and cthag's configuration live) and families of cargo's configuration
 * (CARGO_<TABLE>_<KEY>).  Lengths given: this runs over the whole environment on every cached
 * run. */
#define NAME(s) {s, sizeof(s) - 1, 0}
#define FAMILY(s) {s, sizeof(s) - 1, 1}
static const struct config_name {
    const char *name;
    size_t len;
    int family;
} config_names[] = {
    NAME("CARGO"), NAME("CARGO_HOME"), NAME("CARGO_ENCODED_RUSTFLAGS"), NAME("RUSTC"),
    NAME("RUSTC_WRAPPER"), NAME("RUSTC_WORKSPACE_WRAPPER"), NAME("RUSTC_BOOTSTRAP"),
    NAME("RUSTFLAGS"), NAME("RUSTUP_TOOLCHAIN"), NAME("RUSTUP_HOME"), NAME("HOME"),
    NAME("XDG_CONFIG_HOME"), FAMILY("CARGO_BUILD_"), FAMILY("CARGO_PROFILE_"),
    FAMILY("CARGO_TARGET_"), FAMILY("CARGO_UNSTABLE_"), FAMILY("CARGO_REGISTRIES_"),
    FAMILY("CARGO_REGISTRY_"), FAMILY("CARGO_SOURCE_"), FAMILY("CARGO_RESOLVER_"),
    FAMILY("CARGO_PATCH_"), FAMILY("__CARGO_"),
    /* Matching names that do not change what is built: cthag overrides the target directory
     * and triple for cargo, the job count only changes the order of work, and credentials are
     * no part of a build (a token rotated must not rebuild every script). */
    {"CARGO_TARGET_DIR", 16, -1}, {"CARGO_BUILD_TARGET_DIR", 22, -1},
    {"CARGO_BUILD_TARGET", 18, -1}, {"CARGO_BUILD_JOBS", 16, -1}, {"CARGO_TARGET_TMPDIR", 19, -1},
};
#undef NAME
#undef FAMILY

static int ends_with(const char *entry, size_t len, const char *suffix, size_t n)
{
    return len >= n && !memcmp(entry + len - n, suffix, n);
}

/* Is the environment entry NAME=value part of the build configuration? */
static int is_config_variable(const char *entry)
{
    switch (entry[0]) {
    case 'C': case 'R': case 'H': case 'X': case '_':
        break;
    default:
        return 0;
    }
    size_t len = strcspn(entry, "=");
    int listed = 0;
    for (size_t i = 0; i < sizeof(config_names) / sizeof(*config_names); i++) {
        const struct config_name *c = &config_names[i];
        if (c->family == 1 ? len > c->len && !memcmp(entry, c->name, c->len)
                           : len == c->len && !memcmp(entry, c->name, len))
            listed = c->family >= 0;
    }
    return listed && entry[len] && !ends_with(entry, len, "_TOKEN", 6) &&
           !ends_with(entry, len, "_CREDENTIAL_PROVIDER", 20);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first directory of path (PATH's value) holding an executable name, into out (size
 * bytes): 0, or -1. */
static int which_in(const char *path, const char *name, char *out, size_t size)
{
    size_t name_len = strlen(name);
    while (path && *path) {
        size_t len = strcspn(path, ":");
        const char *dir = len ? path : ".";
        size_t dir_len = len ? len : 1;
        if (dir_len + name_len + 2 <= size) {
            memcpy(out, dir, dir_len);
            out[dir_len] = '/';
            memcpy(out + dir_len + 1, name, name_len + 1);
            if (!access(out, X_OK))
                return 0;
        }
        path += len + (path[len] == ':');
    }
    out[0] = '\0';
    return -1;
}


/* The configuration hashed: NUL-terminated fields one after the other, on the stack unless
 * the environment is unusually large. */
struct fields {
    char local[512];
    struct strbuf heap;
    size_t len;
};

static void add_field(struct fields *f, const char *s)
{
    size_t n = strlen(s) + 1;
    if (!f->heap.len && f->len + n <= sizeof(f->local)) {
        memcpy(f->local + f->len, s, n);
        f->len += n;
        return;
    }
    if (!f->heap.len)
        strbuf_add(&f->heap, f->local, f->len);
    strbuf_add(&f->heap, s, n);
}

/* Which cargo or rustc a build would start, when no variable names it (set: its value, which
 * is hashed itself). */
static void add_tool(struct fields *f, const char *set, const char *path, const char *tool)
{
    if (set && *set)
        return;
    char found[1024]; /* small: this is on the stack of every cached run */
    add_field(f, tool);
    if (!which_in(path, tool, found, sizeof(found))) {
        add_field(f, found);
    } else {
        struct strbuf heap = STRBUF_INIT; /* a directory on PATH longer than that */
        fs_which(tool, &heap);
        add_field(f, heap.buf);
        strbuf_release(&heap);
    }
}

/* The value of an environment entry, when it is NAME=value. */
static const char *value_of(const char *entry, const char *name, size_t len)
{
    return !strncmp(entry, name, len) && entry[len] == '=' ? entry + len + 1 : NULL;
}

void buildenv_config_hash(char out[HASH_HEX_LEN + 1])
{
    /* Sorted: the same variables in another order are the same configuration.  One pass over
     * the environment (no getenv: each is another). */
    const char *local[32], **matches = local, *path = NULL, *cargo = NULL, *rustc = NULL, *v;
    size_t n = 0, alloc = sizeof(local) / sizeof(*local);
    for (char **e = environ; e && *e; e++) {
        if ((v = value_of(*e, "PATH", 4)))
            path = v;
        if (!is_config_variable(*e))
            continue;
        if ((v = value_of(*e, "CARGO", 5)))
            cargo = v;
        if ((v = value_of(*e, "RUSTC", 5)))
            rustc = v;
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
    struct fields f;
    f.len = 0;
    strbuf_init(&f.heap);
    add_field(&f, "cthag-config 1");
    for (size_t i = 0; i < n; i++)
        add_field(&f, matches[i]);
    if (matches != local)
        free(matches);
    add_tool(&f, cargo, path, "cargo");
    add_tool(&f, rustc, path, "rustc");
    hash128_hex(f.heap.len ? f.heap.buf : f.local, f.heap.len ? f.heap.len : f.len, out);
    strbuf_release(&f.heap);
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

/* A file in cargo's or rustup's home ($VARIABLE, else ~/under_home): its content (or absence),
 * or its stat data alone (stat_only). */
static void add_in_home(struct entry_record *rec, const char *variable, const char *under_home,
                        const char *name, int stat_only, long long stamp)
{
    struct strbuf path = STRBUF_INIT;
    home_dir(variable, under_home, &path);
    strbuf_addf(&path, "/%s", name);
    if (stat_only)
        add_stat_probe(rec, path.buf);
    else
        add_config_file(rec, path.buf, stamp);
    strbuf_release(&path);
}

/* Nested includes followed at most this deep (cargo refuses a cycle; cthag stops). */
#define CONFIG_INCLUDE_DEPTH 8

static void add_cargo_config_file(struct entry_record *rec, const char *path, long long stamp,
                                  int depth);

/* One entry of a config file's `include`: a path, or a table with one (and `optional`). */
static void add_include(struct entry_record *rec, const char *from, const struct toml_value *v,
                        long long stamp, int depth)
{
    if (v && v->type == TOML_TABLE)
        v = toml_get(v, "path");
    if (!v || v->type != TOML_STRING || !*v->text)
        return;
    struct strbuf path = STRBUF_INIT;
    const char *slash = strrchr(from, '/');
    if (v->text[0] != '/' && slash)
        strbuf_addf(&path, "%.*s/", (int)(slash - from), from);
    strbuf_addstr(&path, v->text);
    add_cargo_config_file(rec, path.buf, stamp, depth + 1);
    strbuf_release(&path);
}

/* A cargo config file, and the files its `include` key names (stable in cargo 1.95:
 * `include = "more.toml"`, a list of paths, or of tables with a `path`), relative to its
 * directory: what they set is cargo's configuration as much as the file's own keys. */
static void add_cargo_config_file(struct entry_record *rec, const char *path, long long stamp,
                                  int depth)
{
    struct strbuf text = STRBUF_INIT;
    struct toml_error err;
    add_config_file(rec, path, stamp);
    if (depth < CONFIG_INCLUDE_DEPTH && !fs_read_file(path, &text)) {
        struct toml_value *root = toml_parse(text.buf, text.len, 1, &err);
        const struct toml_value *inc = toml_get(root, "include");
        if (inc && inc->type == TOML_ARRAY)
            for (size_t i = 0; i < inc->count; i++)
                add_include(rec, path, inc->items[i], stamp, depth);
        else
            add_include(rec, path, inc, stamp, depth);
        toml_free(root);
    }
    strbuf_release(&text);
}

/* A cargo config file in cargo's home ($CARGO_HOME, else ~/.cargo). */
static void add_cargo_home_config(struct entry_record *rec, const char *name, long long stamp)
{
    struct strbuf path = STRBUF_INIT;
    home_dir("CARGO_HOME", ".cargo", &path);
    strbuf_addf(&path, "/%s", name);
    add_cargo_config_file(rec, path.buf, stamp, 0);
    strbuf_release(&path);
}

/* The config files cargo reads when started in "/" (build.c starts it there) and the
 * rust-toolchain files rustup reads there, each by its own name (present or absent), with /.cargo
 * as a directory (a file appearing in it changes its stat data).  Not "/" itself: anything made
 * or removed right under it (a container's /cache, another program's files) would make every
 * entry stale. */
static void add_cargo_config(struct entry_record *rec, long long stamp)
{
    struct stat st;
    add_config_file(rec, "/rust-toolchain", stamp);
    add_config_file(rec, "/rust-toolchain.toml", stamp);
    add_stat_probe(rec, "/.cargo");
    if (!stat("/.cargo", &st)) {
        add_cargo_config_file(rec, "/.cargo/config", stamp, 0);
        add_cargo_config_file(rec, "/.cargo/config.toml", stamp, 0);
    }
    add_cargo_home_config(rec, "config", stamp);
    add_cargo_home_config(rec, "config.toml", stamp);
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
    struct spawn_opts opts = {.env = env, .capture = &errors, .on_line = first_line, .ctx = out,
                              .cwd = "/"};
    strbuf_reset(out);
    int status = spawn_wait(argv, &opts);
    strbuf_release(&env_toolchain);
    strbuf_release(&errors);
    return status || !out->len || out->buf[0] != '/' ? -1 : 0;
}

/* rustup, if it is installed: on PATH, else in cargo's home. */
static int find_rustup(struct strbuf *rustup)
{
    if (!fs_which("rustup", rustup))
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
        result = strchr(env, '/') ? 0 : fs_which(env, rustc);
    } else if (!find_rustup(&rustup)) {
        const char *argv[] = {rustup.buf, "which", "rustc", NULL};
        result = ask(argv, toolchain, rustc);
        *from_rustup = !result;
    }
    if (result && !(env && *env))
        result = fs_which("rustc", rustc);
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

/* rustup's choice lives in settings.toml (the default, overrides) and toolchains/ (which names
 * exist, where a linked one points). */
static void add_rustup_home(struct entry_record *rec, long long stamp)
{
    add_in_home(rec, "RUSTUP_HOME", ".rustup", "settings.toml", 0, stamp);
    add_in_home(rec, "RUSTUP_HOME", ".rustup", "toolchains", 1, stamp);
}

static void add_toolchain(const char *toolchain, struct entry_record *rec, long long stamp)
{
    struct strbuf rustc = STRBUF_INIT, sysroot = STRBUF_INIT, rustup = STRBUF_INIT;
    int from_rustup;
    if (resolve_rustc(toolchain, &rustc, &from_rustup) ||
        resolve_sysroot(rustc.buf, from_rustup, toolchain, &sysroot)) {
        entry_record_set(rec, &rec->uncacheable, "cthag cannot tell which rustc cargo ran");
    } else {
        entry_record_set(rec, &rec->rustc, rustc.buf);
        entry_record_set(rec, &rec->sysroot, sysroot.buf);
        /* An update replaces the toolchain's files (rustup installs them anew, a package
         * manager too): the compiler's new inode shows it. */
        add_stat_probe(rec, rustc.buf);
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
    entry_record_set(rec, &rec->rustc, old->rustc);
    entry_record_set(rec, &rec->sysroot, old->sysroot);
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
