/* What the command line asked for, as main.c parsed it. */
#ifndef CTHAG_OPTIONS_H
#define CTHAG_OPTIONS_H

enum mode {
    MODE_RUN,
    MODE_CLEAN,
    MODE_STATS,
    MODE_GC,
    MODE_HELP,
    MODE_VERSION,
    MODE_CONFIG_PATH,
    MODE_PRINT_CONFIG,
    MODE_RAPID,        /* -r: the interactive session (rapid.h) */
    MODE_EDIT_CONFIG,  /* -C/--config: the config file in the user's editor (thag's -C) */
};

/* Where the script comes from (SOURCE_URL: an http(s) URL, fetch/fetch.h). */
enum source_kind { SOURCE_FILE, SOURCE_EXPR, SOURCE_STDIN, SOURCE_LOOP, SOURCE_URL };

/* What to do with it. */
enum action {
    ACTION_RUN,        /* build if needed, then run (the default) */
    ACTION_GEN,        /* -g: generate the project only */
    ACTION_BUILD,      /* -b: build, do not run */
    ACTION_CHECK,      /* -c: cargo check */
    ACTION_TEST,       /* -T: cargo test, the script's own #[test]s */
    ACTION_CARGO,      /* -A: a cargo subcommand on the project */
    ACTION_EXECUTABLE, /* -x: release build installed as a command */
    ACTION_PRINT_TOML, /* --print-toml: build, then print a manifest pinning inferred crates */
};

/* thag's inference levels. */
enum infer_level { INFER_NONE, INFER_MIN, INFER_CONFIG, INFER_MAX };

struct options {
    enum mode mode;
    enum source_kind kind;
    enum action action;
    const char *script;       /* the file (or URL) as the user wrote it, or how messages name the
                                 source */
    const char *url;          /* SOURCE_URL: the URL of the script's raw text (fetch/url.h) */
    const char *text;         /* -e expression or -l filter */
    const char *loop_begin;   /* -B */
    const char *loop_end;     /* -E */
    const char *toml;         /* -M: manifest lines for -e/-s/-l */
    const char **deps;        /* --dep NAME[=VER] (rust-script's -d), in order given */
    int ndeps;
    char **script_args;
    int nscript_args;
    int force;                /* -f: rebuild even when fresh */
    int update;               /* --update: newest dependency versions, not those the cache has */
    int pin_frontmatter;      /* --print-toml=frontmatter: --- frontmatter, not a [toml] block */
    int release;
    int offline;
    int quiet;                /* -q: cargo's output only when the build fails */
    int quiet_for_ms;         /* --quiet-for MS (cthag -r's builds): cargo's output after MS */
    int unquote;              /* -u[=BOOL]: print a final String/&str without quotes */
    int timings;              /* -t */
    int multimain;            /* -m */
    const char *features;
    const char *toolchain;    /* from +toolchain */
    const char *registry_dir; /* absolute */
    const char *install_dir;  /* -x destination */
    enum infer_level infer;
    int infer_given;          /* -i given: else the config file's level (or config) */
    const char *color;        /* --color auto|always|never, or NULL */
    const char *wrapper;      /* --rustc-wrapper: RUSTC_WRAPPER for cargo, e.g. sccache */
    const char *run_wrapper;  /* --wrapper: the command the built program runs under */
    int debug;                /* --debug: the dev profile even if the config file says release */
    const char *clean_what;
    int stats_json;           /* --cache-stats=json */
    const char *max_size;     /* --gc --max-size, as given */
    const char *max_age;      /* --gc --max-age, as given */
    int deep;                 /* --gc --deep */
    int edit;                 /* -d: edit the code in $VISUAL/$EDITOR first (edit.h) */
};

#endif
