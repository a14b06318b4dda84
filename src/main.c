/* cthag: run Rust scripts through one shared cargo target and an executable cache.
 * This file only parses the command line and dispatches. */
#include "cache.h"
#include "cachegc.h"
#include "config.h"
#include "options.h"
#include "pipeline.h"
#include "util/die.h"
#include "util/strbuf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CTHAG_VERSION "0.1.0"

static const char usage_text[] =
    "Usage: cthag [+TOOLCHAIN] [OPTIONS] SCRIPT.rs [--] [ARGS...]\n"
    "       cthag --clean [bins|target|all] | --cache-stats[=json] | --gc [--deep] ...\n"
    "\n"
    "Runs a Rust script: a program with fn main, or a snippet of statements. The first run\n"
    "generates a cargo project in the cache and builds it in one target directory shared by\n"
    "all scripts; later runs of the unchanged script execute the cached binary directly.\n"
    "Dependencies come from an embedded manifest (/*[toml] block, //! ```cargo block,\n"
    "// cargo-deps: line or --- frontmatter) or are inferred from the code's paths.\n"
    "\n"
    "Processing:\n"
    "  -f, --force             rebuild even if the cached executable is fresh\n"
    "      --release           build with the release profile (default: dev, as cargo)\n"
    "      --features F        enable the script's features F (comma-separated)\n"
    "  +TOOLCHAIN              use this rustup toolchain (first argument, as with cargo)\n"
    "  -i, --infer LEVEL       dependency inference: max (default) or none\n"
    "      --offline           run cargo offline\n"
    "      --registry-dir DIR  use DIR as a directory source in place of crates.io (offline);\n"
    "                          e.g. Debian's /usr/share/cargo/registry\n"
    "\n"
    "No-run:\n"
    "  -g, --gen               generate the project only; print its directory\n"
    "  -b, --build             build (if needed) but do not run\n"
    "\n"
    "Output:\n"
    "  -v, --verbose           say what cthag decides and why (fresh, stale, build key)\n"
    "  -q, --quiet             hide cargo's output unless the build fails\n"
    "  -h, --help              print this help\n"
    "  -V, --version           print the version\n"
    "\n"
    "Cache:\n"
    "      --clean [WHAT]      remove cached executables (bins), the shared target (target)\n"
    "                          or everything (all, the default)\n"
    "      --cache-stats[=json] list the entries (script, last use, binary size) and totals\n"
    "      --gc                remove entries unused for --max-age days, then the least\n"
    "                          recently used until the cache is under --max-size\n"
    "      --max-size SIZE     cap for --gc (default 2GiB, or [cache] max-size, or\n"
    "                          $CTHAG_MAX_CACHE_SIZE)\n"
    "      --max-age DAYS      age limit for --gc (default 30, or [cache] max-age-days)\n"
    "      --deep              with --gc: also remove dependency builds no entry uses\n"
    "\n"
    "Environment: CTHAG_CACHE_DIR (cache root, default $XDG_CACHE_HOME/cthag or\n"
    "~/.cache/cthag), CTHAG_MAX_CACHE_SIZE, CARGO (the cargo to run).\n"
    "Config: $XDG_CONFIG_HOME/cthag/config.toml ([cache] max-size, max-age-days).\n"
    "Exit status: the script's own; 1 when the build fails; 2 for bad usage or input.\n";

static _Noreturn void usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "cthag: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see cthag --help)\n");
    exit(EXIT_BAD_INPUT);
}

struct parser {
    int argc;
    char **argv;
    int i;
};

/* The value of an option: after '=' in "--name=value", else the next argument. */
static const char *option_value(struct parser *p, const char *name, const char *inline_value)
{
    if (inline_value)
        return inline_value;
    if (p->i + 1 >= p->argc)
        usage_error("option %s needs a value", name);
    return p->argv[++p->i];
}

static enum infer_level parse_infer_level(const char *value)
{
    if (!strcmp(value, "none"))
        return INFER_NONE;
    if (!strcmp(value, "max"))
        return INFER_MAX;
    usage_error("unknown inference level `%s` (expected none or max)", value);
}

static const char *absolute_directory(const char *option, const char *dir)
{
    static char path[PATH_MAX]; /* lives as long as the process; one such option exists */
    struct stat st;
    const char *problem = !realpath(dir, path)                       ? strerror(errno)
                          : stat(path, &st) || !S_ISDIR(st.st_mode) ? "not a directory"
                                                                    : NULL;
    if (problem) {
        fprintf(stderr, "cthag: %s %s: %s\n", option, dir, problem);
        exit(EXIT_BAD_INPUT);
    }
    return path;
}

static int is_clean_part(const char *s)
{
    return !strcmp(s, "bins") || !strcmp(s, "target") || !strcmp(s, "all");
}

/* One long option (without its leading dashes split off yet). */
static void parse_long(struct parser *p, struct options *o, const char *arg)
{
    char name[64];
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    if (len >= sizeof(name))
        usage_error("unknown option %s", arg);
    memcpy(name, arg, len);
    name[len] = '\0';
    const char *value = eq ? eq + 1 : NULL;
    int takes_value = !strcmp(name, "--features") || !strcmp(name, "--registry-dir") ||
                      !strcmp(name, "--infer") || !strcmp(name, "--clean") ||
                      !strcmp(name, "--cache-stats") || !strcmp(name, "--max-size") ||
                      !strcmp(name, "--max-age");
    if (value && !takes_value)
        usage_error("option %s takes no value", name);
    if (!strcmp(name, "--force")) o->force = 1;
    else if (!strcmp(name, "--gen")) o->gen_only = 1;
    else if (!strcmp(name, "--build")) o->build_only = 1;
    else if (!strcmp(name, "--release")) o->release = 1;
    else if (!strcmp(name, "--offline")) o->offline = 1;
    else if (!strcmp(name, "--verbose")) verbosity = 1;
    else if (!strcmp(name, "--quiet")) o->quiet = 1;
    else if (!strcmp(name, "--help")) o->mode = MODE_HELP;
    else if (!strcmp(name, "--version")) o->mode = MODE_VERSION;
    else if (!strcmp(name, "--features")) o->features = option_value(p, name, value);
    else if (!strcmp(name, "--infer")) o->infer = parse_infer_level(option_value(p, name, value));
    else if (!strcmp(name, "--registry-dir"))
        o->registry_dir = absolute_directory(name, option_value(p, name, value));
    else if (!strcmp(name, "--gc")) o->mode = MODE_GC;
    else if (!strcmp(name, "--deep")) o->deep = 1;
    else if (!strcmp(name, "--max-size")) o->max_size = option_value(p, name, value);
    else if (!strcmp(name, "--max-age")) o->max_age = option_value(p, name, value);
    else if (!strcmp(name, "--cache-stats")) {
        o->mode = MODE_STATS;
        if (value && strcmp(value, "json"))
            usage_error("--cache-stats: unknown format `%s` (expected json)", value);
        o->stats_json = value != NULL;
    } else if (!strcmp(name, "--clean")) {
        o->mode = MODE_CLEAN;
        /* The part is optional: take the next argument only when it names one. */
        if (!value && p->i + 1 < p->argc && p->argv[p->i + 1][0] != '-')
            value = p->argv[++p->i];
        if (value && !is_clean_part(value))
            usage_error("--clean: unknown part `%s` (expected bins, target or all)", value);
        o->clean_what = value ? value : "all";
    } else
        usage_error("unknown option %s", name);
}

static void parse_short(struct parser *p, struct options *o, const char *arg)
{
    for (const char *c = arg + 1; *c; c++) {
        char flag[3] = {'-', *c, '\0'};
        switch (*c) {
        case 'f': o->force = 1; break;
        case 'g': o->gen_only = 1; break;
        case 'b': o->build_only = 1; break;
        case 'v': verbosity = 1; break;
        case 'q': o->quiet = 1; break;
        case 'h': o->mode = MODE_HELP; break;
        case 'V': o->mode = MODE_VERSION; break;
        case 'i':
            /* "-inone" or "-i none" */
            o->infer = parse_infer_level(c[1] ? c + 1 : option_value(p, flag, NULL));
            return;
        default:
            usage_error("unknown option %s", flag);
        }
    }
}

static void parse_command_line(int argc, char **argv, struct options *o)
{
    struct parser p = {argc, argv, 1};
    memset(o, 0, sizeof(*o));
    o->infer = INFER_MAX;
    if (argc > 1 && argv[1][0] == '+') {
        if (!argv[1][1])
            usage_error("`%s`: a toolchain name must follow +", argv[1]);
        o->toolchain = argv[1] + 1;
        p.i = 2;
    }
    for (; p.i < argc; p.i++) {
        const char *arg = argv[p.i];
        if (!strcmp(arg, "--")) {
            p.i++;
            break;
        }
        if (arg[0] != '-' || !arg[1])
            break;
        if (arg[1] == '-')
            parse_long(&p, o, arg);
        else
            parse_short(&p, o, arg);
    }
    if (p.i < argc) {
        o->script = argv[p.i++];
        /* Arguments after the script belong to it; a "--" right after the script is a separator. */
        if (p.i < argc && !strcmp(argv[p.i], "--"))
            p.i++;
        o->script_args = argv + p.i;
        o->nscript_args = argc - p.i;
    }
    /* -q silences cthag's warnings too, unless -v asked to hear its decisions. */
    if (o->quiet && verbosity == 0)
        verbosity = -1;
}

static int check_mode(const struct options *o)
{
    if ((o->mode == MODE_CLEAN || o->mode == MODE_STATS || o->mode == MODE_GC) && o->script)
        usage_error("cache commands take no script (got `%s`)", o->script);
    if (o->mode != MODE_GC && (o->max_size || o->max_age || o->deep))
        usage_error("%s", "--max-size, --max-age and --deep go with --gc");
    if (o->mode == MODE_RUN && !o->script)
        usage_error("%s", "no script given");
    if (o->gen_only && o->build_only)
        usage_error("%s", "-g/--gen and -b/--build cannot be combined");
    return 0;
}

/* --gc: the config's caps, overridden by the command line. */
static int run_gc(const struct options *o, const char *root)
{
    struct config cfg;
    if (config_load(&cfg))
        return EXIT_BAD_INPUT;
    struct gc_opts gc = {cfg.max_cache_size, cfg.max_age_days, o->deep, 0};
    if (o->max_size && config_parse_size(o->max_size, &gc.max_size))
        usage_error("--max-size: `%s` is not a size (e.g. 2GiB, 500MB, 1000000)", o->max_size);
    if (o->max_age) {
        char *end;
        long days = strtol(o->max_age, &end, 10);
        if (*end || end == o->max_age || days < 0 || days > 100000)
            usage_error("--max-age: `%s` is not a number of days", o->max_age);
        gc.max_age_days = (int)days;
    }
    return cache_gc(root, &gc) ? EXIT_BUILD_FAILED : 0;
}

/* The cache commands: --clean, --cache-stats, --gc. */
static int run_cache_command(const struct options *o)
{
    struct strbuf root = STRBUF_INIT;
    int status = EXIT_BAD_INPUT;
    if (!cache_root(&root)) {
        if (o->mode == MODE_CLEAN)
            status = cache_clean(root.buf, o->clean_what) ? EXIT_BUILD_FAILED : 0;
        else if (o->mode == MODE_STATS)
            status = cache_stats(root.buf, o->stats_json) ? EXIT_BUILD_FAILED : 0;
        else
            status = run_gc(o, root.buf);
    }
    strbuf_release(&root);
    return status;
}

int main(int argc, char **argv)
{
    struct options o;
    parse_command_line(argc, argv, &o);
    if (o.mode == MODE_HELP) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (o.mode == MODE_VERSION) {
        printf("cthag %s (cache format %s)\n", CTHAG_VERSION, CACHE_FORMAT_VERSION);
        return 0;
    }
    check_mode(&o);
    if (o.mode != MODE_RUN)
        return run_cache_command(&o);
    return pipeline_run(&o);
}
