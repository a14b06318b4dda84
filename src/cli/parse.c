/* The command line, read against the option table: every option is one row of option_table
 * below (its names, its value, what it sets and its --help text).  Parsing, --help, "did you
 * mean" and the checks of the man page and the completions (tests/cli/t18, t37) all read that
 * one table.  What the options mean together is main.c's (check_mode()). */
#include "cli/parse.h"

#include "fetch/url.h"
#include "script/source.h"
#include "util/die.h"
#include "util/strbuf.h"
#include "util/suggest.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_head[] =
    "Usage: cthag [+TOOLCHAIN] [OPTIONS] SCRIPT[.rs] [--] [ARGS...]\n"
    "       cthag [+TOOLCHAIN] [OPTIONS] URL [--] [ARGS...]    a script from the web\n"
    "       cthag [OPTIONS] -e EXPR | -s < SCRIPT | -l FILTER [-B PRE] [-E POST] [-- ARGS...]\n"
    "       cthag -r [OPTIONS] [-- ARGS...]     an interactive session\n"
    "       cthag --clean [bins|target|all] | --cache-stats[=json] | --gc [--deep] ...\n"
    "\n"
    "Runs a Rust script: a program with fn main, or a snippet of statements whose last\n"
    "expression's value is printed. The first run generates a cargo project in the cache and\n"
    "builds it in one target directory shared by all scripts; later runs of the unchanged\n"
    "script execute the cached binary directly. Dependencies come from an embedded manifest\n"
    "(/*[toml] block, //! ```cargo block, // cargo-deps: line or --- frontmatter) or are\n"
    "inferred from the code's paths. Options come before the script; every argument after it\n"
    "is the script's own, options included (a shebang script gets exactly its arguments), but\n"
    "for one `--` right after the script, which is dropped: `cthag x.rs -- -v` passes -v.\n"
    "SCRIPT without an extension also finds SCRIPT.ers or SCRIPT.rs. An http(s) URL is\n"
    "fetched with curl (a GitHub, GitLab, Bitbucket or Gist page as its raw file, a Playground\n"
    "link as its Gist) and kept: later runs ask the server only whether it changed, and run the\n"
    "kept copy when it cannot be reached.\n";

static const char usage_tail[] =
    "\n"
    "Environment: CTHAG_CACHE_DIR (cache root, default $XDG_CACHE_HOME/cthag or\n"
    "~/.cache/cthag), CTHAG_MAX_CACHE_SIZE, CARGO (the cargo to run), NO_COLOR,\n"
    "CTHAG_FETCH_TIMEOUT (seconds a URL's fetch may take, default 30), https_proxy,\n"
    "http_proxy, no_proxy (as curl reads them).\n"
    "Config: $XDG_CONFIG_HOME/cthag/config.toml ([build], [infer] and [cache] tables).\n"
    "Exit status: the script's own; 1 when the build fails; 2 for bad usage or input;\n"
    "with -T or -A, cargo's.\n";

_Noreturn void usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "cthag: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see cthag --help)\n");
    exit(EXIT_BAD_INPUT);
}

/* ---- the option table ---- */

struct option_row;

struct parser {
    int argc;
    char **argv;
    int i;
    struct options *o;
    const struct option_row *action_row; /* the option that chose o->action */
    const struct option_row *source_row; /* the option that chose o->kind */
    int short_letter;                    /* the option being applied was given by its letter */
};

/* How an option takes its value. */
enum arg_kind {
    ARG_NONE,     /* a flag */
    ARG_REQUIRED, /* --name VALUE, --name=VALUE, -x VALUE, -xVALUE */
    ARG_OPTIONAL, /* --name=VALUE or --name alone (the callback may take the next word) */
};

/* What an option does. */
enum option_effect {
    SET_FLAG,   /* the int at field becomes 1 */
    SET_STRING, /* the const char * at field becomes the value */
    SET_ACTION, /* o->action becomes value (one action per run) */
    SET_MODE,   /* o->mode becomes value */
    CALL,       /* callback(parser, row, value) */
    REFUSE,     /* another runner's option that cthag does not have: help says why */
    HELP_ONLY,  /* a line of --help that is not an option (+TOOLCHAIN) */
};

/* The sections of --help, in this order. */
enum option_group {
    G_PROCESSING,
    G_DYNAMIC,
    G_INTERACTIVE,
    G_NORUN,
    G_OUTPUT,
    G_CACHE,
    G_CONFIG,
    G_OTHER_RUNNERS,
    G_HIDDEN,
};

static const char *const group_titles[] = {
    "Processing", "Dynamic (no script file)", "Interactive", "No-run", "Output", "Cache", "Config",
    "Other runners' names (rust-script, thag)",
};

struct option_row {
    const char *name;       /* long name without "--" */
    char letter;            /* short name, or 0 */
    enum arg_kind arg;
    const char *value_name; /* how --help shows the value: "LEVEL", "[=json]" */
    enum option_group group;
    enum option_effect effect;
    size_t field;           /* SET_FLAG, SET_STRING: offsetof(struct options, ...) */
    int value;              /* SET_ACTION, SET_MODE */
    void (*callback)(struct parser *p, const struct option_row *row, const char *value);
    const char *help;       /* --help's text, lines separated by \n; REFUSE: why, one line */
};

#define FLAG(name, letter, field, group, help)                                                     \
    {name, letter, ARG_NONE, NULL, group, SET_FLAG, offsetof(struct options, field), 0, NULL, help}
#define STRING(name, letter, value_name, field, group, help)                                      \
    {name, letter, ARG_REQUIRED, value_name, group, SET_STRING, offsetof(struct options, field),  \
     0, NULL, help}
#define ACTION(name, letter, action, group, help)                                                  \
    {name, letter, ARG_NONE, NULL, group, SET_ACTION, 0, action, NULL, help}
#define MODE(name, letter, mode, group, help)                                                      \
    {name, letter, ARG_NONE, NULL, group, SET_MODE, 0, mode, NULL, help}
#define CALLBACK(name, letter, arg, value_name, callback, group, help)                             \
    {name, letter, arg, value_name, group, CALL, 0, 0, callback, help}
/* why: one line; "%s" in it stands for the script the command line names (else SCRIPT). */
#define REFUSED(name, letter, arg, why) {name, letter, arg, NULL, G_HIDDEN, REFUSE, 0, 0, NULL, why}
#define HELP_LINE(name, group, help) {name, 0, ARG_NONE, NULL, group, HELP_ONLY, 0, 0, NULL, help}

static void opt_infer(struct parser *p, const struct option_row *row, const char *value);
static void opt_registry_dir(struct parser *p, const struct option_row *row, const char *value);
static void opt_color(struct parser *p, const struct option_row *row, const char *value);
static void opt_source(struct parser *p, const struct option_row *row, const char *value);
static void opt_verbose(struct parser *p, const struct option_row *row, const char *value);
static void opt_normal(struct parser *p, const struct option_row *row, const char *value);
static void opt_clean(struct parser *p, const struct option_row *row, const char *value);
static void opt_cache_stats(struct parser *p, const struct option_row *row, const char *value);
static void opt_toolchain(struct parser *p, const struct option_row *row, const char *value);
static void opt_profile(struct parser *p, const struct option_row *row, const char *value);
static void opt_update(struct parser *p, const struct option_row *row, const char *value);
static void opt_print_toml(struct parser *p, const struct option_row *row, const char *value);
static void opt_dep(struct parser *p, const struct option_row *row, const char *value);
static void opt_quiet_for(struct parser *p, const struct option_row *row, const char *value);
static void opt_edit(struct parser *p, const struct option_row *row, const char *value);
static void opt_unquote(struct parser *p, const struct option_row *row, const char *value);

/* One row per option; keep one line per row (several people add options at once). */
static const struct option_row option_table[] = {
    HELP_LINE("+TOOLCHAIN", G_PROCESSING, "use this rustup toolchain (first argument, as with cargo)"),
    FLAG("force", 'f', force, G_PROCESSING, "rebuild even if the cached executable is fresh"),
    CALLBACK("update", 0, ARG_NONE, NULL, opt_update, G_PROCESSING, "rebuild (as -f) with the newest versions of the dependencies,\nnot those other scripts already compiled (as cargo update)"),
    CALLBACK("release", 0, ARG_NONE, NULL, opt_profile, G_PROCESSING, "build with the release profile (default: dev, as cargo)"),
    STRING("features", 'F', "F", features, G_PROCESSING, "enable the script's features F (comma-separated)"),
    CALLBACK("infer", 'i', ARG_REQUIRED, "LEVEL", opt_infer, G_PROCESSING, "dependency inference: none, min (names only), config (default:\nplus [infer.features] from the config file) or max (plus\n[infer.max-features])"),
    FLAG("multimain", 'm', multimain, G_PROCESSING, "allow more than one `fn main` in the script"),
    FLAG("offline", 0, offline, G_PROCESSING, "run cargo offline; a script from a URL runs from the copy kept\nin the cache, without asking the server"),
    CALLBACK("registry-dir", 0, ARG_REQUIRED, "DIR", opt_registry_dir, G_PROCESSING, "use DIR as a directory source in place of crates.io (offline);\ne.g. Debian's /usr/share/cargo/registry"),
    STRING("rustc-wrapper", 0, "PROGRAM", wrapper, G_PROCESSING, "compile through PROGRAM (RUSTC_WRAPPER), e.g. sccache, to share\ncompiled dependencies across cache roots and machines"),
    CALLBACK("dep", 0, ARG_REQUIRED, "NAME[=VER]", opt_dep, G_PROCESSING, "add a dependency: NAME (any version) or NAME=VER, as\nrust-script's --dep and -d NAME[=VER]; repeatable"),
    STRING("wrapper", 'w', "CMD", run_wrapper, G_PROCESSING, "run the built program under CMD (split into words as a shell\nwould): --wrapper 'valgrind -q', hyperfine, rust-lldb"),
    CALLBACK("expr", 'e', ARG_REQUIRED, "EXPR", opt_source, G_DYNAMIC, "evaluate a Rust expression or block; its value is printed"),
    CALLBACK("stdin", 's', ARG_NONE, NULL, opt_source, G_DYNAMIC, "read the script from standard input"),
    CALLBACK("loop", 'l', ARG_REQUIRED, "FILTER", opt_source, G_DYNAMIC, "run FILTER for every line of standard input, with `line`\n(String) and `i` (its 1-based number) in scope; a non-() value\nis printed"),
    STRING("begin", 'B', "PRE", loop_begin, G_DYNAMIC, "with -l: statements run before the first line; with -e:\nstatements and items before the expression, in its scope"),
    STRING("end", 'E', "POST", loop_end, G_DYNAMIC, "with -l: statements run after the last line"),
    STRING("toml", 'M', "TOML", toml, G_DYNAMIC, "manifest for -e, -s and -l; bare lines are [dependencies]:\n-M 'regex = \"1\"'  -M $'[dependencies]\\nregex = \"1\"'\n(--toml SCRIPT alone: the same as --print-toml SCRIPT)"),
    CALLBACK("unquote", 'u', ARG_OPTIONAL, "[=BOOL]", opt_unquote, G_DYNAMIC, "print a final String or &str value without quotes\n(--unquote=false, -u false: with quotes, as thag)"),
    MODE("rapid", 'r', MODE_RAPID, G_INTERACTIVE, "a session: each entry is evaluated like -e once its brackets\nand quotes are closed; items and `use` stay for later entries;\n:help lists the commands"),
    MODE("repl", 0, MODE_RAPID, G_INTERACTIVE, "the same as -r"),
    CALLBACK("edit", 'd', ARG_NONE, NULL, opt_edit, G_INTERACTIVE, "open the script (or the -e/-s/-l code, or alone a new snippet)\nin $VISUAL/$EDITOR first; run it if it was saved"),
    ACTION("gen", 'g', ACTION_GEN, G_NORUN, "generate the project only; print its directory"),
    ACTION("build", 'b', ACTION_BUILD, G_NORUN, "build (if needed) but do not run"),
    ACTION("norun", 'n', ACTION_BUILD, G_NORUN, "the same as -b"),
    ACTION("check", 'c', ACTION_CHECK, G_NORUN, "cargo check the script"),
    ACTION("test-only", 'T', ACTION_TEST, G_NORUN, "run the script's own #[test]s (ARGS go to the test binary)"),
    ACTION("cargo", 'A', ACTION_CARGO, G_NORUN, "run a cargo subcommand on the generated project:\ncthag -A SCRIPT.rs -- tree --depth 1"),
    ACTION("executable", 'x', ACTION_EXECUTABLE, G_NORUN, "build in release mode and install as $CARGO_HOME/bin/NAME\n(never over the script, nor a file cthag did not install\nthere unless -f)"),
    STRING("install-dir", 0, "DIR", install_dir, G_NORUN, "with -x: install into DIR instead"),
    {"print-toml", 0, ARG_OPTIONAL, "[=frontmatter]", G_NORUN, CALL, 0, ACTION_PRINT_TOML, opt_print_toml, "build (if needed), then print a /*[toml] block (or --- frontmatter)\nthat pins the inferred crates at the versions cargo chose"},
    CALLBACK("color", 0, ARG_REQUIRED, "WHEN", opt_color, G_OUTPUT, "auto (default), always or never; also NO_COLOR, CLICOLOR,\nCLICOLOR_FORCE; passed on to cargo"),
    CALLBACK("verbose", 'v', ARG_NONE, NULL, opt_verbose, G_OUTPUT, "say what cthag decides and why (fresh, stale, build key)"),
    FLAG("quiet", 'q', quiet, G_OUTPUT, "hide cargo's output unless the build fails"),
    FLAG("timings", 't', timings, G_OUTPUT, "print how long generating, building and running took"),
    MODE("help", 'h', MODE_HELP, G_OUTPUT, "print this help"),
    MODE("version", 'V', MODE_VERSION, G_OUTPUT, "print the version"),
    CALLBACK("clean", 0, ARG_OPTIONAL, "[WHAT]", opt_clean, G_CACHE, "remove cached executables (bins), the shared target (target)\nor everything (all, the default)"),
    CALLBACK("cache-stats", 0, ARG_OPTIONAL, "[=json]", opt_cache_stats, G_CACHE, "list the entries (script, last use, binary size) and totals"),
    MODE("gc", 0, MODE_GC, G_CACHE, "remove entries unused for --max-age days, then the least\nrecently used until the cache is under --max-size"),
    STRING("max-size", 0, "SIZE", max_size, G_CACHE, "cap for --gc (default 2GiB, or [cache] max-size, or\n$CTHAG_MAX_CACHE_SIZE)"),
    STRING("max-age", 0, "DAYS", max_age, G_CACHE, "age limit for --gc (default 30, or [cache] max-age-days)"),
    FLAG("deep", 0, deep, G_CACHE, "with --gc: also remove dependency builds no entry uses"),
    MODE("config", 'C', MODE_EDIT_CONFIG, G_CONFIG, "edit the config file in $VISUAL/$EDITOR (as thag's -C)"),
    MODE("config-path", 0, MODE_CONFIG_PATH, G_CONFIG, "print where the config file is read from"),
    MODE("print-config", 0, MODE_PRINT_CONFIG, G_CONFIG, "print the effective settings and where each comes from"),
    ACTION("package", 'p', ACTION_GEN, G_OTHER_RUNNERS, "= -g (rust-script; also --gen-pkg-only)"),
    ACTION("gen-pkg-only", 0, ACTION_GEN, G_HIDDEN, "= -g (older rust-script)"),
    ACTION("test", 0, ACTION_TEST, G_OTHER_RUNNERS, "= -T (rust-script)"),
    CALLBACK("toolchain", 0, ARG_REQUIRED, "NAME", opt_toolchain, G_OTHER_RUNNERS, "= +NAME (rust-script)"),
    CALLBACK("debug", 0, ARG_NONE, NULL, opt_profile, G_OTHER_RUNNERS, "the dev profile, cthag's default (rust-script builds release)"),
    CALLBACK("clear-cache", 0, ARG_NONE, NULL, opt_clean, G_OTHER_RUNNERS, "= --clean all (rust-script)"),
    CALLBACK("cargo-output", 0, ARG_NONE, NULL, opt_normal, G_OTHER_RUNNERS, "show cargo's output, cthag's default (rust-script)"),
    CALLBACK("normal", 'N', ARG_NONE, NULL, opt_normal, G_OTHER_RUNNERS, "normal output: cancels -v and -q (thag)"),
    MODE("iter", 0, MODE_RAPID, G_OTHER_RUNNERS, "= -r (thag)"),
    CALLBACK("quiet-for", 0, ARG_REQUIRED, "MS", opt_quiet_for, G_HIDDEN, "(cthag -r's build step) show cargo's output only once the build has taken MS milliseconds, or failed"),
    REFUSED("extern", 0, ARG_REQUIRED, "rust-script's --extern is not cthag's: write `use NAME;` or `extern crate NAME;` in the code (and --dep NAME if it is not inferred)"),
    REFUSED("unstable-feature", 0, ARG_REQUIRED, "rust-script's --unstable-feature is not cthag's: write #![feature(...)] at the top of the script and run cthag +nightly %s"),
    REFUSED("pkg-path", 0, ARG_REQUIRED, "rust-script's --pkg-path is not cthag's: the project lives in the cache (cthag -g %s prints where)"),
    REFUSED("base-path", 0, ARG_REQUIRED, "rust-script's --base-path is not cthag's: a script's relative paths resolve against its own directory (RUST_SCRIPT_BASE_PATH), as cargo resolves them"),
    REFUSED("bench", 0, ARG_NONE, "rust-script's --bench is not cthag's: cthag -A %s -- bench runs cargo bench"),
    REFUSED("count", 0, ARG_NONE, "rust-script's --count is not cthag's: with -l, `i` is the line's number"),
    REFUSED("expand", 'X', ARG_NONE, "thag's -X/--expand is not cthag's: cthag -A %s -- expand runs cargo expand (cargo install cargo-expand)"),
};

#define OPTION_COUNT (sizeof(option_table) / sizeof(*option_table))

/* "-e/--expr", "--release", "-N/--normal": how messages name an option. */
static const char *option_label(const struct option_row *row)
{
    static char label[2][80];
    static int which;
    char *out = label[which ^= 1];
    if (row->letter)
        snprintf(out, sizeof(label[0]), "-%c/--%s", row->letter, row->name);
    else
        snprintf(out, sizeof(label[0]), "--%s", row->name);
    return out;
}

static enum infer_level parse_infer_level(const char *value)
{
    static const char *const levels[] = {"none", "min", "config", "max"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(value, levels[i]))
            return (enum infer_level)i;
    usage_error("unknown inference level `%s` (expected none, min, config or max)", value);
}

static void opt_infer(struct parser *p, const struct option_row *row, const char *value)
{
    (void)row;
    p->o->infer = parse_infer_level(value);
    p->o->infer_given = 1;
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

static void opt_registry_dir(struct parser *p, const struct option_row *row, const char *value)
{
    (void)row;
    p->o->registry_dir = absolute_directory("--registry-dir", value);
}

static void opt_color(struct parser *p, const struct option_row *row, const char *value)
{
    (void)row;
    if (strcmp(value, "auto") && strcmp(value, "always") && strcmp(value, "never"))
        usage_error("--color: `%s` is not auto, always or never", value);
    p->o->color = value;
}

/* -e, -s and -l: where the script comes from, once. */
static void opt_source(struct parser *p, const struct option_row *row, const char *value)
{
    enum source_kind kind = row->letter == 'e' ? SOURCE_EXPR
                            : row->letter == 's' ? SOURCE_STDIN
                                                 : SOURCE_LOOP;
    if (p->source_row && p->o->kind != kind) {
        fprintf(stderr, "cthag: %s and %s cannot be combined (see cthag --help)\n",
                option_label(p->source_row), option_label(row));
        exit(EXIT_BAD_INPUT);
    }
    p->source_row = row;
    p->o->kind = kind;
    p->o->text = value;
}

static void set_action(struct parser *p, const struct option_row *row)
{
    if (p->action_row && p->o->action != (enum action)row->value) {
        fprintf(stderr, "cthag: %s and %s cannot be combined (see cthag --help)\n",
                option_label(p->action_row), option_label(row));
        exit(EXIT_BAD_INPUT);
    }
    p->action_row = row;
    p->o->action = (enum action)row->value;
}

static void opt_verbose(struct parser *p, const struct option_row *row, const char *value)
{
    (void)p, (void)row, (void)value;
    verbosity = 1;
}

/* -N/--normal (thag), --cargo-output (rust-script): cthag's usual output. */
static void opt_normal(struct parser *p, const struct option_row *row, const char *value)
{
    (void)row, (void)value;
    verbosity = 0;
    p->o->quiet = 0;
}

/* --release and --debug: the last one given wins over the config file's profile. */
static void opt_profile(struct parser *p, const struct option_row *row, const char *value)
{
    (void)value;
    p->o->release = !strcmp(row->name, "release");
    p->o->debug = !p->o->release;
}

/* --update: a rebuild that also asks for the newest dependency versions. */
static void opt_update(struct parser *p, const struct option_row *row, const char *value)
{
    (void)row, (void)value;
    p->o->update = p->o->force = 1;
}

static int is_clean_part(const char *s)
{
    return !strcmp(s, "bins") || !strcmp(s, "target") || !strcmp(s, "all");
}

/* --clean [WHAT], and rust-script's --clear-cache (everything). */
static void opt_clean(struct parser *p, const struct option_row *row, const char *value)
{
    p->o->mode = MODE_CLEAN;
    /* The part is optional: take the next argument only when it does not look like an option. */
    if (row->arg == ARG_OPTIONAL && !value && p->i + 1 < p->argc && p->argv[p->i + 1][0] != '-')
        value = p->argv[++p->i];
    if (value && !is_clean_part(value))
        usage_error("--clean: unknown part `%s` (expected bins, target or all)", value);
    p->o->clean_what = value ? value : "all";
}

/* --print-toml[=frontmatter]: an action of its own (thag prints such blocks with -v; its
 * --toml is cthag's -M, so the name here is --print-toml, like --print-config). */
static void opt_print_toml(struct parser *p, const struct option_row *row, const char *value)
{
    if (value && strcmp(value, "frontmatter"))
        usage_error("--print-toml: unknown format `%s` (expected frontmatter)", value);
    set_action(p, row);
    p->o->pin_frontmatter = value != NULL;
}

static void opt_cache_stats(struct parser *p, const struct option_row *row, const char *value)
{
    (void)row;
    p->o->mode = MODE_STATS;
    if (value && strcmp(value, "json"))
        usage_error("--cache-stats: unknown format `%s` (expected json)", value);
    p->o->stats_json = value != NULL;
}

/* rust-script's --toolchain NAME: cargo's +NAME. */
static void opt_toolchain(struct parser *p, const struct option_row *row, const char *value)
{
    (void)row;
    if (!*value)
        usage_error("%s", "--toolchain: the toolchain name is empty");
    if (p->o->toolchain && strcmp(p->o->toolchain, value)) {
        fprintf(stderr, "cthag: +%s and --toolchain %s disagree (see cthag --help)\n",
                p->o->toolchain, value);
        exit(EXIT_BAD_INPUT);
    }
    p->o->toolchain = value;
}

/* The script the command line names after position i (the first word that is not an option),
 * for messages that spell out the command to type instead; "SCRIPT" when there is none. */
static const char *script_named_after(const struct parser *p, int i)
{
    for (; i < p->argc && strcmp(p->argv[i], "--"); i++)
        if (p->argv[i][0] != '-')
            return p->argv[i];
    return "SCRIPT";
}

/* A refused option's text with its "%s" (if any) replaced by the script named after position
 * i, after what the message starts with; then exit. */
static _Noreturn void refuse_option(const struct parser *p, int i, const char *start,
                                    const char *why)
{
    const char *at = strstr(why, "%s");
    fprintf(stderr, "cthag: %s", start);
    if (at)
        fprintf(stderr, "%.*s%s%s\n", (int)(at - why), why, script_named_after(p, i), at + 2);
    else
        fprintf(stderr, "%s\n", why);
    exit(EXIT_BAD_INPUT);
}

/* Does word name a script file (a regular file, as source_find_script finds it)? */
static int names_script(const char *word)
{
    struct stat st;
    return !stat(source_find_script(word), &st) && S_ISREG(st.st_mode);
}

static const struct option_row *find_long(const char *name, size_t len);

/* --dep NAME[=VER]: rust-script's dependency option (also -d NAME[=VER], see opt_edit). */
static int is_dep_spec(const char *spec)
{
    size_t name = strspn(spec, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
    return name && spec[0] != '-' && (!spec[name] || (spec[name] == '=' && spec[name + 1]));
}

static void opt_dep(struct parser *p, const struct option_row *row, const char *value)
{
    (void)row;
    if (!is_dep_spec(value))
        usage_error("--dep: `%s` is not NAME or NAME=VERSION (e.g. regex or regex=1.10)", value);
    p->o->deps = xrealloc(p->o->deps, (size_t)(p->o->ndeps + 1) * sizeof(*p->o->deps));
    p->o->deps[p->o->ndeps++] = value;
}

/* Is the word after -d rust-script's dependency rather than the script thag's -d edits?  It is
 * when it says NAME=VER, or names a crate (no file of that name) and a script or -e, -s or -l
 * follows. */
static int dep_follows(const struct parser *p)
{
    if (p->i + 1 >= p->argc || !is_dep_spec(p->argv[p->i + 1]))
        return 0;
    const char *word = p->argv[p->i + 1];
    if (strchr(word, '='))
        return 1;
    if (names_script(word))
        return 0;
    for (int i = p->i + 2; i < p->argc && strcmp(p->argv[i], "--"); i++)
        if (p->argv[i][0] != '-' || strchr("esl", p->argv[i][1]) || !strncmp(p->argv[i], "--e", 3) ||
            !strcmp(p->argv[i], "--stdin") || !strncmp(p->argv[i], "--loop", 6))
            return 1;
    return 0;
}

/* -d: thag's --edit, or rust-script's -d NAME[=VER] (--dep) when a dependency follows. */
static void opt_edit(struct parser *p, const struct option_row *row, const char *value)
{
    (void)value;
    if (!strcmp(row->name, "edit") && p->short_letter && dep_follows(p)) {
        p->i++;
        opt_dep(p, find_long("dep", 3), p->argv[p->i]);
        return;
    }
    p->o->edit = 1;
}

/* -u[=BOOL], --unquote[=BOOL]: thag's optional true/false. */
static void opt_unquote(struct parser *p, const struct option_row *row, const char *value)
{
    (void)row;
    if (!value && p->i + 1 < p->argc &&
        (!strcmp(p->argv[p->i + 1], "true") || !strcmp(p->argv[p->i + 1], "false")))
        value = p->argv[++p->i];
    if (value && strcmp(value, "true") && strcmp(value, "false"))
        usage_error("--unquote: `%s` is not true or false", value);
    p->o->unquote = !value || !strcmp(value, "true");
}

/* rust-script's short options that take a value where thag's (cthag's) letter is a flag:
 * `-t nightly x.rs` would run a script named nightly.  When the word after the letter is no
 * script and another word follows, say what the rust-script option is here. */
static void check_short_clash(const struct parser *p, char letter)
{
    static const struct {
        char letter;
        const char *ours, *theirs;
    } clashes[] = {{'t', "timings", "toolchain"},
                   {'b', "build", "base-path"},
                   {'x', "executable", "extern"},
                   {'u', "unquote", "unstable-feature"}};
    if (p->i + 2 >= p->argc || p->argv[p->i + 1][0] == '-' || names_script(p->argv[p->i + 1]))
        return;
    for (size_t i = 0; i < sizeof(clashes) / sizeof(*clashes); i++) {
        if (clashes[i].letter != letter)
            continue;
        const char *value = p->argv[p->i + 1];
        struct strbuf start = STRBUF_INIT;
        strbuf_addf(&start, "-%c is --%s here (thag's letter), so `%s` would be the script; ",
                    letter, clashes[i].ours, value);
        if (letter == 't') {
            strbuf_addf(&start, "rust-script's -t %s is: cthag +%s ", value, value);
            refuse_option(p, p->i + 2, start.buf, "%s");
        }
        refuse_option(p, p->i + 2, start.buf,
                      find_long(clashes[i].theirs, strlen(clashes[i].theirs))->help);
    }
}

static void opt_quiet_for(struct parser *p, const struct option_row *row, const char *value)
{
    (void)row;
    char *end;
    long ms = strtol(value, &end, 10);
    if (*end || end == value || ms < 0 || ms > 3600000)
        usage_error("--quiet-for: `%s` is not a number of milliseconds", value);
    p->o->quiet_for_ms = (int)ms;
}

static void apply_option(struct parser *p, const struct option_row *row, const char *value)
{
    char *base = (char *)p->o;
    switch (row->effect) {
    case SET_FLAG: *(int *)(base + row->field) = 1; break;
    case SET_STRING: *(const char **)(base + row->field) = value; break;
    case SET_ACTION: set_action(p, row); break;
    case SET_MODE: p->o->mode = (enum mode)row->value; break;
    case CALL: row->callback(p, row, value); break;
    case REFUSE: refuse_option(p, p->i + 1, "", row->help);
    case HELP_ONLY: break;
    }
}

/* ---- finding options, and near misses ---- */

static const struct option_row *find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        const struct option_row *row = &option_table[i];
        if (row->effect != HELP_ONLY && strlen(row->name) == len && !memcmp(row->name, name, len))
            return row;
    }
    return NULL;
}

static const struct option_row *find_short(char letter)
{
    for (size_t i = 0; i < OPTION_COUNT; i++)
        if (option_table[i].letter == letter)
            return &option_table[i];
    return NULL;
}

/* The option an unknown long name most likely meant: the only one it starts, else the nearest
 * within two edits (and fewer edits than it has letters), or NULL. */
static const struct option_row *nearest_long(const char *name, size_t len)
{
    const struct option_row *prefixed = NULL, *nearest = NULL;
    size_t prefixes = 0, best = 3;
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        const struct option_row *row = &option_table[i];
        if (row->effect == HELP_ONLY || row->effect == REFUSE || row->group == G_HIDDEN)
            continue;
        size_t n = strlen(row->name);
        if (len && len < n && !memcmp(row->name, name, len)) {
            prefixed = row;
            prefixes++;
        }
        size_t d = suggest_distance(name, len, row->name, n);
        if (d < best && d < len) {
            best = d;
            nearest = row;
        }
    }
    return prefixes == 1 ? prefixed : nearest;
}

static _Noreturn void unknown_option(const char *arg, const struct option_row *guess)
{
    if (guess)
        fprintf(stderr, "cthag: unknown option %s; did you mean --%s? (see cthag --help)\n", arg,
                guess->name);
    else
        fprintf(stderr, "cthag: unknown option %s (see cthag --help)\n", arg);
    exit(EXIT_BAD_INPUT);
}

/* ---- parsing ---- */

/* The value of an option: after '=' in "--name=value", else the next argument. */
static const char *option_value(struct parser *p, const char *name, const char *inline_value)
{
    if (inline_value)
        return inline_value;
    if (p->i + 1 >= p->argc)
        usage_error("option %s needs a value", name);
    return p->argv[++p->i];
}

static void parse_long(struct parser *p, const char *arg)
{
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const char *value = eq ? eq + 1 : NULL;
    const struct option_row *row = find_long(name, len);
    if (!row) {
        char shown[80];
        snprintf(shown, sizeof(shown), "--%.*s", (int)(len < 60 ? len : 60), name);
        unknown_option(shown, nearest_long(name, len));
    }
    if (row->arg == ARG_NONE && value)
        usage_error("option %s takes no value", option_label(row));
    if (row->arg == ARG_REQUIRED)
        value = option_value(p, arg, value);
    apply_option(p, row, value);
}

/* Letters that are all flags (a cluster such as -dq), not a value. */
static int only_flags(const char *letters)
{
    for (; *letters; letters++) {
        const struct option_row *row = find_short(*letters);
        if (!row || row->arg == ARG_REQUIRED)
            return 0;
    }
    return 1;
}

static void parse_short(struct parser *p, const char *arg)
{
    /* -release: a long option written with one dash, even when its letters are short options
     * (-r -e lease). */
    const struct option_row *whole = find_long(arg + 1, strlen(arg + 1));
    if (whole && arg[2] && whole->group != G_HIDDEN && whole->effect != REFUSE)
        unknown_option(arg, whole);
    for (const char *c = arg + 1; *c; c++) {
        char flag[3] = {'-', *c, '\0'};
        const struct option_row *row = find_short(*c);
        if (!row) {
            /* -release: a long option written with one dash. */
            const struct option_row *meant = find_long(arg + 1, strlen(arg + 1));
            unknown_option(flag, meant && meant->group != G_HIDDEN ? meant : NULL);
        }
        if (row->arg == ARG_REQUIRED) {
            /* "-inone" or "-i none" */
            apply_option(p, row, c[1] ? c + 1 : option_value(p, flag, NULL));
            return;
        }
        if (*c == 'd' && c[1] && !only_flags(c + 1) && is_dep_spec(c + 1)) {
            /* -dregex, -dregex=1: rust-script's -d NAME[=VER] */
            opt_dep(p, find_long("dep", 3), c + 1);
            return;
        }
        p->short_letter = !c[1];
        apply_option(p, row, NULL);
        p->short_letter = 0;
        if (!c[1])
            check_short_clash(p, *c);
    }
}

/* A +toolchain must come first, as for cargo; elsewhere it would be taken for the script. */
static void check_misplaced_toolchain(const char *arg)
{
    struct stat st;
    if (arg[0] == '+' && arg[1] && stat(arg, &st))
        usage_error("`%s`: a +toolchain must be the first argument, as for cargo", arg);
}

void parse_command_line(int argc, char **argv, struct options *o)
{
    struct parser p = {argc, argv, 1, o, NULL, NULL, 0};
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
        check_misplaced_toolchain(arg);
        if (arg[0] != '-' || !arg[1])
            break;
        if (arg[1] == '-')
            parse_long(&p, arg);
        else
            parse_short(&p, arg);
    }
    /* cthag -r -- ARGS: arguments for every entry's program, not a script. */
    if (o->kind == SOURCE_FILE && p.i < argc && !(separated && o->mode == MODE_RAPID)) {
        const char *arg = argv[p.i++];
        o->script = url_is_remote(arg) ? arg : source_find_script(arg);
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

/* ---- --help, from the table ---- */

void print_usage(FILE *out)
{
    fputs(usage_head, out);
}

/* Where the help text starts: options shorter than this are padded to it. */
#define HELP_COLUMN 26

static void print_help_row(const struct option_row *row)
{
    struct strbuf left = STRBUF_INIT;
    if (row->effect == HELP_ONLY)
        strbuf_addf(&left, "  %s", row->name);
    else if (row->letter)
        strbuf_addf(&left, "  -%c, --%s", row->letter, row->name);
    else
        strbuf_addf(&left, "      --%s", row->name);
    if (row->value_name)
        strbuf_addf(&left, "%s%s", row->value_name[0] == '[' && row->value_name[1] == '=' ? "" : " ",
                    row->value_name);
    if (left.len >= HELP_COLUMN - 1)
        strbuf_addf(&left, "\n%*s", HELP_COLUMN - 1, "");
    while (left.len < HELP_COLUMN - 1)
        strbuf_addch(&left, ' ');
    fputs(left.buf, stdout);
    for (const char *line = row->help; *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        printf(" %.*s\n", (int)n, line);
        if (!nl)
            break;
        line = nl + 1;
        printf("%*s", HELP_COLUMN - 1, "");
    }
    strbuf_release(&left);
}

void print_help(void)
{
    fputs(usage_head, stdout);
    for (int group = 0; group < G_HIDDEN; group++) {
        printf("\n%s:\n", group_titles[group]);
        for (size_t i = 0; i < OPTION_COUNT; i++)
            if (option_table[i].group == (enum option_group)group)
                print_help_row(&option_table[i]);
    }
    fputs(usage_tail, stdout);
}
