/* cthag: run Rust scripts through one shared cargo target and an executable cache.
 * This file only dispatches: the command line is read by cli/parse.c (its option table), what
 * the options mean together is checked here, then the run, a cache or config command, -r or -d. */
#include "cargo/build.h"
#include "cargo/wrapper.h"
#include "cache/cache.h"
#include "cache/clean.h"
#include "cache/gc.h"
#include "cache/stats.h"
#include "config.h"
#include "cli/edit.h"
#include "cli/parse.h"
#include "options.h"
#include "pipeline.h"
#include "cli/rapid_launch.h"
#include "fetch/url.h"
#include "version.h"
#include "run.h"
#include "script/source.h"
#include "util/die.h"
#include "util/shellwords.h"
#include "util/strbuf.h"
#include "util/strlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const source_names[] = {NULL, "<expr>", "<stdin>", "<loop>", NULL};

/* A script named by an http(s) URL: the URL of its raw text (fetch/url.h), or a usage error
 * saying why it names no script. */
static void check_url(struct options *o)
{
    static struct strbuf raw = STRBUF_INIT; /* as long as the process: o->url points into it */
    struct strbuf why = STRBUF_INIT;
    if (o->kind != SOURCE_FILE || !o->script || !url_is_remote(o->script))
        return;
    if (o->edit)
        usage_error("-d/--edit: %s is a URL; fetch it into a file to edit it", o->script);
    if (url_to_raw(o->script, &raw, &why)) {
        struct strbuf message = STRBUF_INIT;
        strbuf_addf(&message, "%s: %s", o->script, why.buf);
        usage_error("%s", message.buf);
    }
    strbuf_release(&why);
    o->kind = SOURCE_URL;
    o->url = raw.buf;
}

/* Combinations that make no sense, each a one-line error with exit 2. */
static void check_dynamic(struct options *o)
{
    if (o->kind == SOURCE_FILE) {
        struct stat st;
        const char *named = o->toml && !o->script ? source_find_script(o->toml) : NULL;
        if (named && o->action == ACTION_RUN && !stat(named, &st) && S_ISREG(st.st_mode)) {
            /* cthag --toml SCRIPT (the spelling issue 12 gives): the pinned block, as
             * --print-toml SCRIPT. Without -e, -s or -l, -M's manifest lines would have nothing
             * to apply to, so a value naming an existing file can only mean this. */
            o->script = named;
            o->toml = NULL;
            o->action = ACTION_PRINT_TOML;
            return;
        }
        if (o->toml && !o->script) /* manifest lines with nothing to apply to */
            usage_error("-M/--toml takes manifest lines for -e, -s or -l (got `%s`); to print a "
                        "block pinning the crates inference chose, use --print-toml SCRIPT",
                        o->toml);
        if (o->toml)
            usage_error("%s", "-M/--toml goes with -e, -s or -l; a script file has its own manifest");
        return;
    }
    if (o->kind == SOURCE_EXPR && !*o->text && !o->edit)
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
                        o->mode == MODE_CONFIG_PATH || o->mode == MODE_PRINT_CONFIG ||
                        o->mode == MODE_EDIT_CONFIG;
    if (cache_command && (o->script || o->kind != SOURCE_FILE))
        usage_error("cache and config commands take no script (got `%s`)",
                    o->script ? o->script : o->text);
    if (o->mode != MODE_GC && (o->max_size || o->max_age || o->deep))
        usage_error("%s", "--max-size, --max-age and --deep go with --gc");
    if (cache_command)
        return 0;
    if ((o->loop_begin && o->kind != SOURCE_LOOP && o->kind != SOURCE_EXPR) ||
        (o->loop_end && o->kind != SOURCE_LOOP))
        usage_error("%s", "-B/--begin goes with -l/--loop or -e/--expr, -E/--end with -l");
    if (o->install_dir && o->action != ACTION_EXECUTABLE)
        usage_error("%s", "--install-dir goes with -x/--executable");
    if (o->edit && o->kind == SOURCE_FILE && !o->script && !o->toml) {
        /* -d alone (thag's edit-submit): a new snippet, written in the editor, then run. */
        o->kind = SOURCE_EXPR;
        o->text = "";
        o->script = source_names[SOURCE_EXPR];
    }
    check_dynamic(o);
    check_url(o);
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
    struct gc_opts gc = {cfg.max_cache_size, cfg.max_age_days, o->deep, 0, NULL};
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
        int found = !build_locate_cargo(&cargo, NULL);
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
    if (o->mode == MODE_EDIT_CONFIG)
        return config_edit() ? EXIT_BAD_INPUT : 0;
    int refused = o->mode != MODE_CONFIG_PATH && o->mode != MODE_PRINT_CONFIG;
    /* A root that is not cthag's is bad input, for these commands as for a run (it says why). */
    if (!cache_root(&root) && !(refused && cache_check_root(root.buf) < 0)) {
        switch (o->mode) {
        case MODE_CONFIG_PATH:
        case MODE_PRINT_CONFIG:
            status = run_config_command(o, root.buf);
            break;
        case MODE_CLEAN:
            status = cache_clean(root.buf, o->clean_what) ? EXIT_BUILD_FAILED : 0;
            break;
        case MODE_STATS:
            status = cache_stats(root.buf, o->stats_json) ? EXIT_BUILD_FAILED : 0;
            break;
        case MODE_GC:
            status = run_gc(o, root.buf);
            break;
        default:
            die("internal error: mode %d is not a cache command", (int)o->mode);
        }
    }
    strbuf_release(&root);
    return status;
}

/* --wrapper CMD: the built program runs under CMD's words. */
static void set_run_wrapper(const char *command)
{
    static struct strlist words = STRLIST_INIT; /* used until the exec */
    const char *problem;
    if (shell_split(command, &words, &problem))
        usage_error("--wrapper: %s", problem);
    if (run_set_wrapper(words.items, (int)words.count))
        exit(EXIT_BAD_INPUT);
}

int main(int argc, char **argv)
{
    /* Static: what the options point to (a script name found with its extension added) lives as
     * long as the process, and stays reachable for LeakSanitizer when main returns. */
    static struct options o;
    /* cargo calling cthag back as its RUSTC_WRAPPER, during a build cthag started. */
    if (wrapper_invoked(argc, argv))
        return wrapper_main(argc, argv);
    if (argc < 2) {
        /* As thag and rust-script: the usage, on stderr, and a usage error's status. */
        print_usage(stderr);
        fputs("\nThe options: cthag --help\n", stderr);
        return EXIT_BAD_INPUT;
    }
    parse_command_line(argc, argv, &o);
    if (o.mode == MODE_HELP) {
        print_help();
        return 0;
    }
    if (o.mode == MODE_VERSION) {
        printf("cthag %s (cache format %s)\n", CTHAG_VERSION, CACHE_FORMAT_VERSION);
        return 0;
    }
    if (o.mode == MODE_RAPID)
        return rapid_launch(&o);
    check_mode(&o);
    if (o.run_wrapper)
        set_run_wrapper(o.run_wrapper);
    if (o.mode != MODE_RUN)
        return run_cache_command(&o);
    if (o.edit) {
        int edited = edit_source(&o);
        if (edited)
            return edited < 0 ? EXIT_BAD_INPUT : 0;
    }
    return pipeline_run(&o);
}
