#include "cargo/wrapper.h"

#include "toml/toml.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

#define ENV_PACKAGE "CTHAG_WRAP_PACKAGE"
#define ENV_LINK "CTHAG_WRAP_LINK"
#define ENV_CAPTURE "CTHAG_WRAP_CAPTURE"
#define ENV_NEXT "CTHAG_WRAP_NEXT"
#define ENV_LIBSTD "CTHAG_WRAP_LIBSTD"
#define CAPTURE_MAGIC "cthag-capture 1"

static const char *const protocol_variables[] = {ENV_PACKAGE, ENV_LINK,   ENV_CAPTURE,
                                                 ENV_NEXT,    ENV_LIBSTD, NULL};

int wrapper_is_protocol_variable(const char *entry)
{
    for (const char *const *name = protocol_variables; *name; name++) {
        size_t len = strlen(*name);
        if (!strncmp(entry, *name, len) && (entry[len] == '=' || !entry[len]))
            return 1;
    }
    return 0;
}

/* cargo calls the wrapper with the compiler as its first argument: a path or a command name,
 * never an option. */
int wrapper_invoked(int argc, char **argv)
{
    return argc >= 2 && argv[1][0] && argv[1][0] != '-' && getenv(ENV_PACKAGE);
}

/* ---- reading rustc's arguments ---- */

/* The value of codegen option name (-C name=v, -Cname=v, --codegen name=v, --codegen=name=v)
 * at args[*i], or NULL; *i moves past a separate value. */
static const char *codegen_value(const char *const *args, int nargs, int *i, const char *name)
{
    const char *a = args[*i], *opt = NULL;
    if ((!strcmp(a, "-C") || !strcmp(a, "--codegen")) && *i + 1 < nargs)
        opt = args[++*i];
    else if (!strncmp(a, "-C", 2))
        opt = a + 2;
    else if (!strncmp(a, "--codegen=", 10))
        opt = a + 10;
    size_t len = strlen(name);
    if (!opt || strncmp(opt, name, len))
        return NULL;
    return opt[len] == '=' ? opt + len + 1 : opt[len] ? NULL : "";
}

static int is_off(const char *v)
{
    static const char *const off[] = {"off", "no", "n", "false", NULL};
    for (const char *const *o = off; *o; o++)
        if (!strcmp(v, *o))
            return 1;
    return 0;
}

int wrapper_args_need_static(const char *const *args, int nargs)
{
    for (int i = 0; i < nargs; i++) {
        int at = i;
        const char *v;
        if ((v = codegen_value(args, nargs, &i, "lto")) && !is_off(v))
            return 1;
        i = at;
        if ((v = codegen_value(args, nargs, &i, "panic")) && !strcmp(v, "abort"))
            return 1;
        i = at;
        if ((v = codegen_value(args, nargs, &i, "target-feature")) && strstr(v, "+crt-static"))
            return 1;
        i = at;
        if (codegen_value(args, nargs, &i, "prefer-dynamic"))
            return 1; /* already chosen by the user's flags */
        i = at;
        /* Skip over the value of an option that takes one, so that it is not read as a flag. */
        codegen_value(args, nargs, &i, "");
    }
    return 0;
}

/* Is this the compilation of the script's own executable?  Its package is named by cargo's
 * CARGO_PKG_NAME (the binary may be named otherwise). */
static int is_script_crate(const char *const *args, int nargs, const char *package)
{
    const char *name = getenv("CARGO_PKG_NAME");
    int bin = 0;
    for (int i = 0; i + 1 < nargs; i++)
        if (!strcmp(args[i], "--crate-type"))
            bin |= !strcmp(args[i + 1], "bin");
    return bin && name && !strcmp(name, package);
}

/* ---- the toolchain's libstd ---- */

static void on_libdir_line(void *ctx, char *line, size_t len)
{
    struct strbuf *out = ctx;
    if (!out->len && len)
        strbuf_add(out, line, len);
}

/* The one libstd-*.so in dir, into out. */
static int find_libstd_in(const char *dir, struct strbuf *out)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int found = 0;
    while (d && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (strncmp(de->d_name, "libstd-", 7) || n < 10 || strcmp(de->d_name + n - 3, ".so"))
            continue;
        strbuf_reset(out);
        strbuf_addf(out, "%s/%s", dir, de->d_name);
        found++;
    }
    if (d)
        closedir(d);
    return found == 1 ? 0 : -1;
}

/* Arguments that change where rustc finds the standard library (RUSTFLAGS may hold them). */
static int is_sysroot_option(const char *arg, int *separate)
{
    static const char *const options[] = {"--sysroot", "--target", NULL};
    for (const char *const *o = options; *o; o++) {
        size_t len = strlen(*o);
        if (!strncmp(arg, *o, len) && (!arg[len] || arg[len] == '=')) {
            *separate = !arg[len];
            return 1;
        }
    }
    return 0;
}

int wrapper_find_libstd(const char *const *prefix, int nprefix, const char *const *args,
                        int nargs, struct strbuf *out)
{
    const char **argv = xcalloc((size_t)(nprefix + nargs) + 3, sizeof(char *));
    int n = 0;
    for (int i = 0; i < nprefix; i++)
        argv[n++] = prefix[i];
    for (int i = 0, separate; i < nargs; i++) {
        if (!is_sysroot_option(args[i], &separate))
            continue;
        argv[n++] = args[i];
        if (separate && i + 1 < nargs)
            argv[n++] = args[++i];
    }
    argv[n++] = "--print";
    argv[n++] = "target-libdir";
    struct strbuf libdir = STRBUF_INIT, ignored = STRBUF_INIT;
    struct spawn_opts opts = {.capture = &ignored, .on_line = on_libdir_line, .ctx = &libdir};
    int result = -1;
    if (!spawn_wait(argv, &opts) && libdir.len && libdir.buf[0] == '/')
        result = find_libstd_in(libdir.buf, out);
    strbuf_release(&libdir);
    strbuf_release(&ignored);
    free(argv);
    return result;
}

/* The hint's libstd, when it is for this compiler, still there, and no --sysroot or --target
 * may point elsewhere: 0 and the path in out. */
static int hinted_libstd(const char *compiler, const char *const *args, int nargs,
                         struct strbuf *out)
{
    const char *hint = getenv(ENV_LIBSTD), *nl = hint ? strchr(hint, '\n') : NULL;
    int separate;
    for (int i = 0; i < nargs; i++)
        if (is_sysroot_option(args[i], &separate))
            return -1;
    size_t len = strlen(compiler);
    if (!nl || len != (size_t)(nl - hint) || strncmp(hint, compiler, len) || access(nl + 1, F_OK))
        return -1;
    strbuf_addstr(out, nl + 1);
    return 0;
}

/* ---- the capture ---- */

static void add_field(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s) + 1);
}

/* The script crate's command as it will run, where it runs and its environment: NUL-separated
 * fields, read by cargo/replay.c.  Best effort: without it cthag simply keeps using cargo. */
static void write_capture(const char *path, const char *libstd, const char *const *argv,
                          char **env)
{
    struct strbuf sb = STRBUF_INIT;
    char cwd[4096];
    if (!getcwd(cwd, sizeof(cwd))) {
        unlink(path);
        return;
    }
    add_field(&sb, CAPTURE_MAGIC);
    add_field(&sb, cwd);
    add_field(&sb, libstd ? libstd : "");
    for (; *argv; argv++)
        add_field(&sb, *argv);
    add_field(&sb, "");
    for (; *env; env++)
        add_field(&sb, *env);
    if (fs_write_replace(path, sb.buf, sb.len, 0600))
        unlink(path);
    strbuf_release(&sb);
}

/* ---- handing on ---- */

/* The environment without the protocol's variables (they would reach the linker, a build
 * script's compiler, the user's wrapper). */
static char **handed_on_environment(void)
{
    size_t n = 0, kept = 0;
    while (environ[n])
        n++;
    char **env = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        if (!wrapper_is_protocol_variable(environ[i]))
            env[kept++] = environ[i];
    return env;
}

/* The user's wrapper, then the compiler and its arguments, then the link flags (if any). */
static const char **handed_on_argv(int argc, char **argv, const char *next, const char *rpath)
{
    const char **out = xcalloc((size_t)argc + 6, sizeof(char *));
    int n = 0;
    if (next && *next)
        out[n++] = next;
    for (int i = 1; i < argc; i++)
        out[n++] = argv[i];
    if (rpath) {
        out[n++] = "-C";
        out[n++] = "prefer-dynamic";
        out[n++] = "-C";
        out[n++] = rpath;
    }
    return out;
}

/* The compiler and what precedes its options: RUSTC, or a workspace wrapper and RUSTC. */
static int compiler_prefix_length(int argc, char **argv)
{
    int n = 1;
    while (n < argc && argv[n][0] != '-')
        n++;
    return n - 1;
}

int wrapper_main(int argc, char **argv)
{
    const char *package = getenv(ENV_PACKAGE), *link = getenv(ENV_LINK);
    const char *capture = getenv(ENV_CAPTURE), *next = getenv(ENV_NEXT);
    const char *const *args = (const char *const *)argv + 1;
    struct strbuf libstd = STRBUF_INIT, rpath = STRBUF_INIT;
    int script = is_script_crate(args, argc - 1, package);
    int prefix = compiler_prefix_length(argc, argv);
    if (script && link && !strcmp(link, "dynamic") && !wrapper_args_need_static(args, argc - 1) &&
        (!hinted_libstd(args[prefix - 1], args + prefix, argc - 1 - prefix, &libstd) ||
         !wrapper_find_libstd(args, prefix, args + prefix, argc - 1 - prefix, &libstd))) {
        const char *slash = strrchr(libstd.buf, '/');
        strbuf_addf(&rpath, "link-arg=-Wl,-rpath,%.*s", (int)(slash - libstd.buf), libstd.buf);
    }
    const char **out = handed_on_argv(argc, argv, next, rpath.len ? rpath.buf : NULL);
    char **env = handed_on_environment();
    if (script && capture && *capture)
        write_capture(capture, libstd.len ? libstd.buf : NULL, out, env);
    environ = env; /* execvp looks the program up in PATH and passes environ on */
    execvp(out[0], (char *const *)out);
    int saved = errno;
    fprintf(stderr, "cthag: cannot run %s: %s\n", out[0], strerror(saved));
    return saved == ENOENT ? 127 : 126;
}

/* ---- the user's own wrapper, which cthag's RUSTC_WRAPPER replaces and so must call ---- */

/* build.rustc-wrapper of one cargo config file (relative paths with a slash are relative to the
 * directory holding .cargo/, as cargo reads them); 0 when found. */
static int config_file_wrapper(const char *path, const char *base, struct strbuf *out)
{
    struct strbuf text = STRBUF_INIT;
    struct toml_error err;
    struct toml_value *root = NULL;
    int found = -1;
    if (!fs_read_file(path, &text))
        root = toml_parse(text.buf, text.len, 1, &err);
    const struct toml_value *v = toml_get(toml_get(root, "build"), "rustc-wrapper");
    if (v && v->type == TOML_STRING && strlen(v->text) == v->text_len) {
        found = 0;
        strbuf_reset(out);
        if (v->text[0] != '/' && strchr(v->text, '/'))
            strbuf_addf(out, "%s/", base);
        strbuf_addstr(out, v->text);
    }
    toml_free(root);
    strbuf_release(&text);
    return found;
}

/* The wrapper set in a cargo configuration directory (config.toml, else config); 0 when set. */
static int config_dir_wrapper(const char *dir, struct strbuf *out)
{
    static const char *const names[] = {"config.toml", "config"};
    struct strbuf path = STRBUF_INIT, base = STRBUF_INIT;
    const char *slash = strrchr(dir, '/');
    strbuf_add(&base, dir, slash && slash != dir ? (size_t)(slash - dir) : 1);
    int found = -1;
    for (size_t i = 0; i < 2 && found; i++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", dir, names[i]);
        found = config_file_wrapper(path.buf, base.buf, out);
    }
    strbuf_release(&path);
    strbuf_release(&base);
    return found;
}

/* cargo runs from "/" (cargo/build.c): its config files are /.cargo/'s and $CARGO_HOME's. */
static void config_files_wrapper(struct strbuf *out)
{
    const char *cargo_home = getenv("CARGO_HOME"), *home = getenv("HOME");
    struct strbuf dir = STRBUF_INIT;
    if (cargo_home && *cargo_home)
        strbuf_addstr(&dir, cargo_home);
    else if (home)
        strbuf_addf(&dir, "%s/.cargo", home);
    if (config_dir_wrapper("/.cargo", out) && dir.len)
        config_dir_wrapper(dir.buf, out);
    strbuf_release(&dir);
}

void wrapper_user_wrapper(const char *given, struct strbuf *out)
{
    const char *env = getenv("RUSTC_WRAPPER"), *build = getenv("CARGO_BUILD_RUSTC_WRAPPER");
    strbuf_reset(out);
    if (given)
        strbuf_addstr(out, given);
    else if (env && *env)
        strbuf_addstr(out, env);
    else if (build && *build)
        strbuf_addstr(out, build);
    else
        config_files_wrapper(out);
}

/* ---- for cargo's environment ---- */

/* cthag's own executable, to be called back by cargo. */
static int self_path(struct strbuf *out)
{
    char *real = realpath("/proc/self/exe", NULL);
    if (!real)
        return -1;
    strbuf_addstr(out, real);
    free(real);
    return 0;
}

static void add_entry(struct strlist *out, const char *name, const char *value)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s=%s", name, value);
    strlist_add(out, sb.buf);
    strbuf_release(&sb);
}

int wrapper_environment(const struct wrapper_request *r, struct strlist *out)
{
    struct strbuf self = STRBUF_INIT;
    if (self_path(&self)) {
        strbuf_release(&self);
        return -1;
    }
    add_entry(out, "RUSTC_WRAPPER", self.buf);
    add_entry(out, ENV_PACKAGE, r->package);
    add_entry(out, ENV_LINK, r->link == WRAPPER_LINK_STATIC ? "static" : "dynamic");
    add_entry(out, ENV_CAPTURE, r->capture ? r->capture : "");
    add_entry(out, ENV_NEXT, r->next ? r->next : "");
    if (r->libstd_hint)
        add_entry(out, ENV_LIBSTD, r->libstd_hint);
    strbuf_release(&self);
    return 0;
}
