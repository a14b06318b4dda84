/* Settings from the config file ($XDG_CONFIG_HOME/cthag/config.toml, else
 * ~/.config/cthag/config.toml) and the environment.  Read only when cthag has work to do
 * (a build, --gc, --cache-stats): never on the cached-run path. */
#ifndef CTHAG_CONFIG_H
#define CTHAG_CONFIG_H

#include "cargo/thag.h"
#include "options.h"
#include "util/strbuf.h"

#include <stdint.h>

struct toml_value;

struct config {
    uint64_t max_cache_size;  /* bytes; [cache] max-size, $CTHAG_MAX_CACHE_SIZE */
    int max_age_days;         /* [cache] max-age-days */
    /* [infer.features] crate = ["f", ...]: features an inferred crate gets at -i config and max,
     * the built-in defaults (infer.h) merged under the file's by config_load (a list's line is
     * 0 when built in); [infer.max-features]: more it gets at -i max.  Owned here, or NULL. */
    struct toml_value *infer_features;
    struct toml_value *infer_max_features;
    /* [build] profile ("dev"/"release"), registry-dir, edition, wrapper; [infer] level; NULL or
     * -1 when not set (the defaults apply). */
    char *profile;
    char *registry_dir;
    char *edition;
    char *wrapper;
    int infer_level;
    /* [proc_macros] demo_proc_macro_crate_path, bank_proc_macro_crate_path (thag's keys), NULL
     * when not set; THAG_DEV_PATH made absolute, NULL when not set. */
    char *demo_proc_macros;
    char *bank_proc_macros;
    char *thag_dev_path;
    /* Where each value came from, for messages: "default", the file path, or the variable. */
    char max_size_from[256];
    char max_age_from[256];
    int file_found;           /* the config file exists (and was read) */
};

#define CONFIG_DEFAULT_MAX_SIZE (2ULL << 30)
#define CONFIG_DEFAULT_MAX_AGE_DAYS 30

/* "default", the config file or the variable a setting came from: for --print-config. */
#define CONFIG_FROM_DEFAULT "default"

/* The config file's path (it need not exist). */
void config_path(struct strbuf *path);
/* Defaults, then the file, then the environment.  Prints "cthag: FILE:LINE: problem" and returns
 * -1 for a malformed file or value (leaving nothing to release). */
int config_load(struct config *cfg);
void config_release(struct config *cfg);
/* thag's -C: open the config file in the user's editor (a new one starts from a commented
 * example, removed again if it is not saved) and check what was saved.  Prints its error. */
int config_edit(void);
/* The settings of a config file's text (path names it in messages), over those in cfg. */
int config_parse(struct config *cfg, const char *path, const char *text, size_t len);
/* --print-config: every effective setting and where it came from. */
void config_print(const struct config *cfg, const char *cache_root, const char *cargo);
/* Every setting a build uses, resolved once: command line > environment > config file >
 * default.  Nothing downstream reads raw options or the config file for a build decision. */
struct settings {
    int release;
    const char *registry_dir;  /* absolute directory source, or NULL for crates.io */
    const char *edition;       /* for scripts whose manifest gives none */
    const char *rustc_wrapper; /* RUSTC_WRAPPER for cargo, or NULL for the environment's */
    enum infer_level infer;
    int color;                 /* diagnostics with ANSI colours */
    const char *color_arg;     /* "always"/"never" for cargo's --color, or NULL (auto) */
    struct thag_sources thag;  /* where thag's own crates come from (thag-auto, proc macros) */
};

/* Load the config file into cfg and settle s from o, the environment and cfg (which must outlive
 * s).  Prints its error and returns -1 for a bad config file or a registry that is not there. */
int config_settle(const struct options *o, struct config *cfg, struct settings *s);

/* Parse "2GiB", "500M", "1.5G", "123456" (bytes) into *bytes; -1 when it is not a size. */
int config_parse_size(const char *text, uint64_t *bytes);

#endif
