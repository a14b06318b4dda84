/* What the command line asked for, as main.c parsed it. */
#ifndef CTHAG_OPTIONS_H
#define CTHAG_OPTIONS_H

enum mode { MODE_RUN, MODE_CLEAN, MODE_STATS, MODE_GC, MODE_HELP, MODE_VERSION };

enum infer_level { INFER_NONE, INFER_MAX };

struct options {
    enum mode mode;
    const char *script;       /* as the user wrote it */
    char **script_args;
    int nscript_args;
    int force;                /* -f: rebuild even when fresh */
    int gen_only;             /* -g: generate the project, do not build */
    int build_only;           /* -b: build, do not run */
    int release;
    int offline;
    int quiet;                /* -q: cargo's output only when the build fails */
    const char *features;
    const char *toolchain;    /* from +toolchain */
    const char *registry_dir; /* absolute */
    enum infer_level infer;
    const char *clean_what;
    int stats_json;           /* --cache-stats=json */
    const char *max_size;     /* --gc --max-size, as given */
    const char *max_age;      /* --gc --max-age, as given */
    int deep;                 /* --gc --deep */
};

#endif
