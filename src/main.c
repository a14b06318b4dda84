/* cthag: run Rust scripts through one shared cargo target and an executable cache.
 * This file only parses the command line and dispatches. */
#include "build.h"
#include "cache.h"
#include "cachegc.h"
#include "config.h"
#include "edit.h"
#include "options.h"
#include "pipeline.h"
#include "rapid.h"
#include "util/die.h"
#include "util/strbuf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CTHAG_VERSION "0.1.0"

static const char usage_text[] =
    "Usage: cthag [+TOOLCHAIN] [OPTIONS] SCRIPT.rs [--] [ARGS...]\n"
    "       cthag [OPTIONS] -e EXPR | -s < SCRIPT | -l FILTER [-B PRE] [-E POST] [-- ARGS...]\n"
    "       cthag -r                      an interactive Rust session\n"
    "       cthag --clean [bins|target|all] | --cache-stats[=json] | --gc [--deep] ...\n"
    "\n"
    "Runs a Rust script: a program with fn main, or a snippet of statements whose last\n"
    "expression's value is printed. The first run generates a cargo project in the cache and\n"
    "builds it in one target directory shared by all scripts; later runs of the unchanged\n"
    "script execute the cached binary directly. Dependencies come from an embedded manifest\n"
    "(/*[toml] block, //! ```cargo block, // cargo-deps: line or --- frontmatter) or are\n"
    "inferred from the code's paths.\n"
    "\n"
    "Processing:\n"
    "  -f, --force             rebuild even if the cached executable is fresh\n"
    "      --update            rebuild (as -f) with the newest versions of the dependencies,\n"
    "                          not those other scripts already compiled (as cargo update)\n"
    "      --release           build with the release profile (default: dev, as cargo)\n"
    "  -F, --features F        enable the script's features F (comma-separated)\n"
    "  +TOOLCHAIN              use this rustup toolchain (first argument, as with cargo)\n"
    "  -i, --infer LEVEL       dependency inference: none, min (names only), config (default:\n"
    "                          plus [infer.features] from the config file) or max (plus\n"
    "                          [infer.max-features])\n"
    "  -m, --multimain         allow more than one `fn main` in the script\n"
    "      --offline           run cargo offline\n"
    "      --registry-dir DIR  use DIR as a directory source in place of crates.io (offline);\n"
    "                          e.g. Debian's /usr/share/cargo/registry\n"
    "      --wrapper PROGRAM   compile through PROGRAM (RUSTC_WRAPPER), e.g. sccache, to share\n"
    "                          compiled dependencies across cache roots and machines\n"
    "\n"
    "Dynamic (no script file):\n"
    "  -e, --expr EXPR         evaluate a Rust expression or block; its value is printed\n"
    "  -s, --stdin             read the script from standard input\n"
    "  -l, --loop FILTER       run FILTER for every line of standard input, with `line`\n"
    "                          (String) and `i` (its 1-based number) in scope; a non-() value\n"
    "                          is printed\n"
    "  -B, --begin PRE         with -l: statements run before the first line\n"
    "  -E, --end POST          with -l: statements run after the last line\n"
    "  -M, --toml TOML         manifest lines for -e, -s and -l, e.g. '[dependencies] ...'\n"
    "  -u, --unquote           print a final String or &str value without quotes\n"
    "  -d, --edit              open the script (or the -e/-s/-l code) in $VISUAL/$EDITOR\n"
    "                          first; run it if it was saved\n"
    "\n"
    "Interactive:\n"
    "  -r, --rapid             a session (--repl: the same): each entry is evaluated like -e;\n"
    "                          items and `use` stay for later entries; :help lists commands\n"
    "\n"
    "No-run:\n"
    "  -g, --gen               generate the project only; print its directory\n"
    "  -b, --build             build (if needed) but do not run (-n, --norun: the same)\n"
    "  -c, --check             cargo check the script\n"
    "  -T, --test-only         run the script's own #[test]s (ARGS go to the test binary)\n"
    "  -A, --cargo             run a cargo subcommand on the generated project:\n"
    "                          cthag -A SCRIPT.rs -- tree --depth 1\n"
    "  -x, --executable        build in release mode and install as ~/.cargo/bin/NAME\n"
    "      --install-dir DIR   with -x: install into DIR instead\n"
    "\n"
    "Output:\n"
    "      --color WHEN        auto (default), always or never; also NO_COLOR, CLICOLOR,\n"
    "                          CLICOLOR_FORCE; passed on to cargo\n"
    "  -v, --verbose           say what cthag decides and why (fresh, stale, build key)\n"
    "  -q, --quiet             hide cargo's output unless the build fails\n"
    "  -t, --timings           print how long generating, building and running took\n"
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
    "Config:\n"
    "      --config-path       print where the config file is read from\n"
    "      --print-config      print the effective settings and where each comes from\n"
    "\n"
    "Environment: CTHAG_CACHE_DIR (cache root, default $XDG_CACHE_HOME/cthag or\n"
    "~/.cache/cthag), CTHAG_MAX_CACHE_SIZE, CARGO (the cargo to run), NO_COLOR.\n"
    "Config: $XDG_CONFIG_HOME/cthag/config.toml ([build], [infer] and [cache] tables).\n"
    "Exit status: the script's own; 1 when the build fails; 2 for bad usage or input;\n"
    "with -T or -A, cargo's.\n";

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
    static const char *const levels[] = {"none", "min", "config", "max"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(value, levels[i]))
            return (enum infer_level)i;
    usage_error("unknown inference level `%s` (expected none, min, config or max)", value);
}

static void set_action(struct options *o, enum action action)
{
    static const char *const labels[] = {"", "-g/--gen", "-b/--build", "-c/--check",
                                         "-T/--test-only", "-A/--cargo", "-x/--executable"};
    if (o->action != ACTION_RUN && o->action != action) {
        fprintf(stderr, "cthag: %s and %s cannot be combined (see cthag --help)\n",
                labels[o->action], labels[action]);
        exit(EXIT_BAD_INPUT);
    }
    o->action = action;
}

static void set_source(struct options *o, enum source_kind kind, const char *text)
{
    static const char *const names[] = {"", "-e/--expr", "-s/--stdin", "-l/--loop"};
    if (o->kind != SOURCE_FILE && o->kind != kind) {
        fprintf(stderr, "cthag: %s and %s cannot be combined (see cthag --help)\n",
                names[o->kind], names[kind]);
        exit(EXIT_BAD_INPUT);
    }
    o->kind = kind;
    o->text = text;
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

/* Options that take a value, by long and short name. */
static const struct {
    const char *name;
    char letter;
} valued[] = {
    {"--features", 'F'}, {"--registry-dir", 0}, {"--infer", 'i'}, {"--expr", 'e'},
    {"--loop", 'l'},   {"--begin", 'B'},       {"--end", 'E'},   {"--toml", 'M'},
    {"--install-dir", 0}, {"--max-size", 0},  {"--max-age", 0},  {"--color", 0},
    {"--wrapper", 0},
};

/* Flags, by long and short name. */
static const struct {
    const char *name;
    char letter;
} flags[] = {
    {"--force", 'f'},   {"--gen", 'g'},       {"--build", 'b'},  {"--norun", 'n'},
    {"--check", 'c'},
    {"--test-only", 'T'}, {"--cargo", 'A'},   {"--executable", 'x'}, {"--release", 0},
    {"--offline", 0},   {"--verbose", 'v'},   {"--quiet", 'q'},  {"--help", 'h'},
    {"--version", 'V'}, {"--stdin", 's'},     {"--unquote", 'u'}, {"--timings", 't'},
    {"--multimain", 'm'}, {"--gc", 0},        {"--deep", 0},     {"--config-path", 0},
    {"--print-config", 0}, {"--update", 0}, {"--rapid", 'r'}, {"--repl", 0},
    {"--edit", 'd'},
};

static void apply_value(struct options *o, const char *name, const char *value)
{
    if (!strcmp(name, "--features")) o->features = value;
    else if (!strcmp(name, "--registry-dir")) o->registry_dir = absolute_directory(name, value);
    else if (!strcmp(name, "--infer")) {
        o->infer = parse_infer_level(value);
        o->infer_given = 1;
    } else if (!strcmp(name, "--color")) {
        if (strcmp(value, "auto") && strcmp(value, "always") && strcmp(value, "never"))
            usage_error("--color: `%s` is not auto, always or never", value);
        o->color = value;
    } else if (!strcmp(name, "--wrapper")) o->wrapper = value;
    else if (!strcmp(name, "--expr")) set_source(o, SOURCE_EXPR, value);
    else if (!strcmp(name, "--loop")) set_source(o, SOURCE_LOOP, value);
    else if (!strcmp(name, "--begin")) o->loop_begin = value;
    else if (!strcmp(name, "--end")) o->loop_end = value;
    else if (!strcmp(name, "--toml")) o->toml = value;
    else if (!strcmp(name, "--install-dir")) o->install_dir = value; /* created when needed */
    else if (!strcmp(name, "--max-size")) o->max_size = value;
    else if (!strcmp(name, "--max-age")) o->max_age = value;
}

static void apply_flag(struct options *o, const char *name)
{
    if (!strcmp(name, "--force")) o->force = 1;
    else if (!strcmp(name, "--update")) o->update = o->force = 1;
    else if (!strcmp(name, "--gen")) set_action(o, ACTION_GEN);
    else if (!strcmp(name, "--build") || !strcmp(name, "--norun")) set_action(o, ACTION_BUILD);
    else if (!strcmp(name, "--check")) set_action(o, ACTION_CHECK);
    else if (!strcmp(name, "--test-only")) set_action(o, ACTION_TEST);
    else if (!strcmp(name, "--cargo")) set_action(o, ACTION_CARGO);
    else if (!strcmp(name, "--executable")) set_action(o, ACTION_EXECUTABLE);
    else if (!strcmp(name, "--release")) o->release = 1;
    else if (!strcmp(name, "--offline")) o->offline = 1;
    else if (!strcmp(name, "--verbose")) verbosity = 1;
    else if (!strcmp(name, "--quiet")) o->quiet = 1;
    else if (!strcmp(name, "--help")) o->mode = MODE_HELP;
    else if (!strcmp(name, "--version")) o->mode = MODE_VERSION;
    else if (!strcmp(name, "--stdin")) set_source(o, SOURCE_STDIN, NULL);
    else if (!strcmp(name, "--unquote")) o->unquote = 1;
    else if (!strcmp(name, "--timings")) o->timings = 1;
    else if (!strcmp(name, "--multimain")) o->multimain = 1;
    else if (!strcmp(name, "--gc")) o->mode = MODE_GC;
    else if (!strcmp(name, "--deep")) o->deep = 1;
    else if (!strcmp(name, "--config-path")) o->mode = MODE_CONFIG_PATH;
    else if (!strcmp(name, "--print-config")) o->mode = MODE_PRINT_CONFIG;
    else if (!strcmp(name, "--rapid") || !strcmp(name, "--repl")) o->mode = MODE_RAPID;
    else if (!strcmp(name, "--edit")) o->edit = 1;
}

static int find_valued(const char *name, char letter)
{
    for (size_t i = 0; i < sizeof(valued) / sizeof(*valued); i++)
        if (name ? !strcmp(valued[i].name, name) : letter && valued[i].letter == letter)
            return (int)i;
    return -1;
}

static int find_flag(const char *name, char letter)
{
    for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++)
        if (name ? !strcmp(flags[i].name, name) : letter && flags[i].letter == letter)
            return (int)i;
    return -1;
}

/* --clean [WHAT] and --cache-stats[=json]: options whose value is optional. */
static int parse_optional_valued(struct parser *p, struct options *o, const char *name,
                                 const char *value)
{
    if (!strcmp(name, "--cache-stats")) {
        o->mode = MODE_STATS;
        if (value && strcmp(value, "json"))
            usage_error("--cache-stats: unknown format `%s` (expected json)", value);
        o->stats_json = value != NULL;
        return 1;
    }
    if (strcmp(name, "--clean"))
        return 0;
    o->mode = MODE_CLEAN;
    /* The part is optional: take the next argument only when it does not look like an option. */
    if (!value && p->i + 1 < p->argc && p->argv[p->i + 1][0] != '-')
        value = p->argv[++p->i];
    if (value && !is_clean_part(value))
        usage_error("--clean: unknown part `%s` (expected bins, target or all)", value);
    o->clean_what = value ? value : "all";
    return 1;
}

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
    if (parse_optional_valued(p, o, name, value))
        return;
    int v = find_valued(name, 0);
    if (v >= 0) {
        apply_value(o, valued[v].name, option_value(p, name, value));
        return;
    }
    if (find_flag(name, 0) < 0)
        usage_error("unknown option %s", name);
    if (value)
        usage_error("option %s takes no value", name);
    apply_flag(o, name);
}

static void parse_short(struct parser *p, struct options *o, const char *arg)
{
    for (const char *c = arg + 1; *c; c++) {
        char flag[3] = {'-', *c, '\0'};
        int v = find_valued(NULL, *c);
        if (v >= 0) {
            /* "-inone" or "-i none" */
            apply_value(o, valued[v].name, c[1] ? c + 1 : option_value(p, flag, NULL));
            return;
        }
        int f = find_flag(NULL, *c);
        if (f < 0)
            usage_error("unknown option %s", flag);
        apply_flag(o, flags[f].name);
    }
}

static void parse_command_line(int argc, char **argv, struct options *o)
{
    struct parser p = {argc, argv, 1};
    memset(o, 0, sizeof(*o));
    o->infer = INFER_CONFIG;
    if (argc > 1 && argv[1][0] == '+') {
        if (!argv[1][1])
            usage_error("`%s`: a toolchain name must follow +", argv[1]);
        o->toolchain = argv[1] + 1;
        p.i = 2;
    }
    int separated = 0;
    for (; p.i < argc; p.i++) {
        const char *arg = argv[p.i];
        if (!strcmp(arg, "--")) {
            p.i++;
            separated = 1;
            break;
        }
        if (arg[0] != '-' || !arg[1])
            break;
        if (arg[1] == '-')
            parse_long(&p, o, arg);
        else
            parse_short(&p, o, arg);
    }
    /* cthag -r -- ARGS: arguments for every entry's program, not a script. */
    if (o->kind == SOURCE_FILE && p.i < argc && !(separated && o->mode == MODE_RAPID)) {
        o->script = argv[p.i++];
        /* Arguments after the script belong to it; a "--" right after the script is a separator. */
        if (p.i < argc && !strcmp(argv[p.i], "--"))
            p.i++;
    } else if (o->kind != SOURCE_FILE && !separated && p.i < argc) {
        usage_error("`%s`: -e, -s and -l take no script file; put the arguments for the code "
                    "after --", argv[p.i]);
    }
    o->script_args = argv + p.i;
    o->nscript_args = argc - p.i;
    /* -q silences cthag's warnings too, unless -v asked to hear its decisions. */
    if (o->quiet && verbosity == 0)
        verbosity = -1;
}

static const char *const source_names[] = {NULL, "<expr>", "<stdin>", "<loop>"};

/* Combinations that make no sense, each a one-line error with exit 2. */
static void check_dynamic(struct options *o)
{
    if (o->kind == SOURCE_FILE) {
        if (o->toml)
            usage_error("%s", "-M/--toml goes with -e, -s or -l; a script file has its own manifest");
        return;
    }
    if (o->kind == SOURCE_EXPR && !*o->text)
        usage_error("%s", "-e: empty expression");
    if (o->kind == SOURCE_LOOP && !*o->text)
        usage_error("%s", "-l: empty filter");
    if (o->action == ACTION_GEN || o->action == ACTION_EXECUTABLE || o->action == ACTION_CARGO)
        usage_error("%s", "-g, -x and -A need a script file, not -e, -s or -l");
    if (o->kind == SOURCE_LOOP || o->kind == SOURCE_STDIN) {
        struct stat st;
        if (fstat(STDIN_FILENO, &st))
            usage_error("%s", o->kind == SOURCE_LOOP ? "-l: no standard input to read lines from"
                                                     : "-s: no standard input to read the script from");
        if (isatty(STDIN_FILENO))
            usage_error("%s", o->kind == SOURCE_LOOP
                                  ? "-l reads lines from standard input, which is a terminal; "
                                    "pipe some input in"
                                  : "-s reads the script from standard input, which is a terminal");
    }
    o->script = source_names[o->kind];
}

static int check_mode(struct options *o)
{
    int cache_command = o->mode == MODE_CLEAN || o->mode == MODE_STATS || o->mode == MODE_GC ||
                        o->mode == MODE_CONFIG_PATH || o->mode == MODE_PRINT_CONFIG;
    if (cache_command && (o->script || o->kind != SOURCE_FILE))
        usage_error("cache and config commands take no script (got `%s`)",
                    o->script ? o->script : o->text);
    if (o->mode != MODE_GC && (o->max_size || o->max_age || o->deep))
        usage_error("%s", "--max-size, --max-age and --deep go with --gc");
    if (cache_command)
        return 0;
    if ((o->loop_begin || o->loop_end) && o->kind != SOURCE_LOOP)
        usage_error("%s", "-B/--begin and -E/--end go with -l/--loop");
    if (o->install_dir && o->action != ACTION_EXECUTABLE)
        usage_error("%s", "--install-dir goes with -x/--executable");
    check_dynamic(o);
    if (o->kind == SOURCE_FILE && !o->script)
        usage_error("%s", "no script given");
    if (o->action == ACTION_CARGO && !o->nscript_args)
        usage_error("-A needs a cargo subcommand after the script: cthag -A %s -- tree", o->script);
    if (o->action == ACTION_EXECUTABLE)
        o->release = 1;
    if (!o->loop_begin)
        o->loop_begin = "";
    if (!o->loop_end)
        o->loop_end = "";
    return 0;
}

/* --gc: the config's caps, overridden by the command line. */
static int run_gc(const struct options *o, const char *root)
{
    struct config cfg;
    if (config_load(&cfg))
        return EXIT_BAD_INPUT;
    struct gc_opts gc = {cfg.max_cache_size, cfg.max_age_days, o->deep, 0};
    config_release(&cfg);
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

/* --config-path and --print-config. */
static int run_config_command(const struct options *o, const char *root)
{
    struct strbuf path = STRBUF_INIT, cargo = STRBUF_INIT;
    struct config cfg;
    int status = 0;
    if (o->mode == MODE_CONFIG_PATH) {
        config_path(&path);
        printf("%s\n", path.buf);
    } else if (config_load(&cfg)) {
        status = EXIT_BAD_INPUT;
    } else {
        int found = !build_locate_cargo(&cargo);
        config_print(&cfg, root, found ? cargo.buf : NULL);
        config_release(&cfg);
    }
    strbuf_release(&path);
    strbuf_release(&cargo);
    return status;
}

/* The cache and config commands: --clean, --cache-stats, --gc, --config-path, --print-config. */
static int run_cache_command(const struct options *o)
{
    struct strbuf root = STRBUF_INIT;
    int status = EXIT_BAD_INPUT;
    if (!cache_root(&root)) {
        if (o->mode == MODE_CONFIG_PATH || o->mode == MODE_PRINT_CONFIG)
            status = run_config_command(o, root.buf);
        else if (o->mode == MODE_CLEAN)
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
    if (o.mode == MODE_RAPID)
        return rapid_launch(&o);
    check_mode(&o);
    if (o.mode != MODE_RUN)
        return run_cache_command(&o);
    if (o.edit) {
        int edited = edit_source(&o);
        if (edited)
            return edited < 0 ? EXIT_BAD_INPUT : 0;
    }
    return pipeline_run(&o);
}
