#include "config.h"

#include "script/infer.h"
#include "toml/toml.h"
#include "util/die.h"
#include "util/editor.h"
#include "util/fs.h"
#include "util/suggest.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void config_path(struct strbuf *path)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg == '/')
        strbuf_addf(path, "%s/cthag/config.toml", xdg);
    else
        strbuf_addf(path, "%s/.config/cthag/config.toml", home ? home : "");
}

int config_parse_size(const char *text, uint64_t *bytes)
{
    static const struct {
        const char *suffix;
        double factor;
    } units[] = {
        {"", 1},         {"b", 1},           {"k", 1e3},         {"kb", 1e3},
        {"kib", 1024.0}, {"m", 1e6},         {"mb", 1e6},        {"mib", 1048576.0},
        {"g", 1e9},      {"gb", 1e9},        {"gib", 1073741824.0},
        {"t", 1e12},     {"tb", 1e12},       {"tib", 1099511627776.0},
    };
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || errno || !(value >= 0) || isinf(value))
        return -1;
    while (*end == ' ')
        end++;
    char unit[8];
    size_t n = strlen(end);
    if (n >= sizeof(unit))
        return -1;
    for (size_t i = 0; i <= n; i++)
        unit[i] = (char)(end[i] >= 'A' && end[i] <= 'Z' ? end[i] - 'A' + 'a' : end[i]);
    for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++) {
        if (strcmp(unit, units[i].suffix))
            continue;
        double result = value * units[i].factor;
        if (result >= 1.8e19)
            return -1;
        *bytes = (uint64_t)result;
        return 0;
    }
    return -1;
}

static int read_cache_table(struct config *cfg, const char *path, const struct toml_value *cache)
{
    const struct toml_value *size = toml_get(cache, "max-size");
    if (size) {
        int64_t bytes = -1;
        char digits[32];
        /* A number of bytes in any of TOML's forms (0x..., 1_000_000), or a size string. */
        if (!toml_integer(size, &bytes))
            snprintf(digits, sizeof(digits), "%lld", (long long)bytes);
        const char *text = size->type == TOML_STRING ? size->text : bytes >= 0 ? digits : NULL;
        if (!text || config_parse_size(text, &cfg->max_cache_size))
            return error("%s:%d: [cache] max-size must be a size such as \"2GiB\" or \"500MB\"",
                         path, size->line);
        snprintf(cfg->max_size_from, sizeof(cfg->max_size_from), "%s", path);
    }
    const struct toml_value *age = toml_get(cache, "max-age-days");
    if (age) {
        int64_t days = -1;
        toml_integer(age, &days);
        if (days < 0 || days > 100000)
            return error("%s:%d: [cache] max-age-days must be a whole number of days", path,
                         age->line);
        cfg->max_age_days = (int)days;
        snprintf(cfg->max_age_from, sizeof(cfg->max_age_from), "%s", path);
    }
    return 0;
}

/* [infer] features tables: every value must be an array of strings. */
static int read_infer_table(struct config *cfg, const char *path, const struct toml_value *infer)
{
    const char *names[] = {"features", "max-features"};
    struct toml_value **slots[] = {&cfg->infer_features, &cfg->infer_max_features};
    for (int t = 0; t < 2; t++) {
        const struct toml_value *table = toml_get(infer, names[t]);
        if (!table)
            continue;
        if (table->type != TOML_TABLE)
            return error("%s:%d: [infer.%s] must be a table", path, table->line, names[t]);
        for (size_t i = 0; i < table->count; i++) {
            const struct toml_value *list = table->items[i];
            int ok = list->type == TOML_ARRAY;
            for (size_t j = 0; ok && j < list->count; j++)
                ok = list->items[j]->type == TOML_STRING;
            if (!ok)
                return error("%s:%d: [infer.%s] %s must be a list of feature names", path,
                             list->line, names[t], table->keys[i]);
        }
        *slots[t] = toml_clone(table);
    }
    return 0;
}

/* A string setting: *slot takes a copy.  absolute: it must be an absolute path. */
static int read_string(const char *path, const struct toml_value *table, const char *table_name,
                       const char *key, int absolute, char **slot)
{
    const struct toml_value *v = toml_get(table, key);
    if (!v)
        return 0;
    if (v->type != TOML_STRING || !*v->text || (absolute && v->text[0] != '/'))
        return error("%s:%d: [%s] %s must be %s", path, v->line, table_name, key,
                     absolute ? "an absolute path" : "a non-empty string");
    free(*slot);
    *slot = xstrdup(v->text);
    return 0;
}

static int read_build_table(struct config *cfg, const char *path, const struct toml_value *build)
{
    if (read_string(path, build, "build", "profile", 0, &cfg->profile) ||
        read_string(path, build, "build", "registry-dir", 1, &cfg->registry_dir) ||
        read_string(path, build, "build", "edition", 0, &cfg->edition) ||
        read_string(path, build, "build", "wrapper", 0, &cfg->wrapper))
        return -1;
    if (cfg->profile && strcmp(cfg->profile, "dev") && strcmp(cfg->profile, "release"))
        return error("%s:%d: [build] profile must be \"dev\" or \"release\"", path,
                     toml_get(build, "profile")->line);
    return 0;
}

/* thag's [proc_macros] table, under thag's own key names. */
static int read_proc_macros_table(struct config *cfg, const char *path,
                                  const struct toml_value *table)
{
    return read_string(path, table, "proc_macros", "demo_proc_macro_crate_path", 0,
                       &cfg->demo_proc_macros) ||
           read_string(path, table, "proc_macros", "bank_proc_macro_crate_path", 0,
                       &cfg->bank_proc_macros);
}

static int read_infer_level(struct config *cfg, const char *path, const struct toml_value *infer)
{
    char *level = NULL;
    if (read_string(path, infer, "infer", "level", 0, &level))
        return -1;
    if (!level)
        return 0;
    static const char *const levels[] = {"none", "min", "config", "max"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(level, levels[i]))
            cfg->infer_level = i;
    free(level);
    if (cfg->infer_level < 0)
        return error("%s:%d: [infer] level must be none, min, config or max", path,
                     toml_get(infer, "level")->line);
    return 0;
}

/* What the config file may hold, table by table: anything else is warned about (it would
 * otherwise be ignored in silence), with the nearest known name. */
static const char *const top_names[] = {"build", "infer", "cache", "proc_macros", NULL};
static const char *const build_names[] = {"profile", "registry-dir", "edition", "wrapper", NULL};
static const char *const infer_names[] = {"level", "features", "max-features", NULL};
static const char *const cache_names[] = {"max-size", "max-age-days", NULL};
static const char *const proc_macros_names[] = {"demo_proc_macro_crate_path",
                                                "bank_proc_macro_crate_path", NULL};

static int is_one_of(const char *name, const char *const *names)
{
    for (; *names; names++)
        if (!strcmp(name, *names))
            return 1;
    return 0;
}

/* Warn about each key of table (named table_name, NULL at the top) that names know nothing of. */
static void warn_unknown(const char *path, const struct toml_value *table, const char *table_name,
                         const char *const *names)
{
    for (size_t i = 0; table && i < table->count; i++) {
        const char *key = table->keys[i];
        if (is_one_of(key, names))
            continue;
        const char *guess = suggest_nearest(key, names);
        int line = table->items[i]->line;
        if (table_name)
            warning("%s:%d: unknown key `%s` in [%s], ignored%s%s%s", path, line, key, table_name,
                    guess ? "; did you mean `" : "", guess ? guess : "", guess ? "`?" : "");
        else if (table->items[i]->type == TOML_TABLE)
            warning("%s:%d: unknown table [%s], ignored%s%s%s", path, line, key,
                    guess ? "; did you mean [" : "", guess ? guess : "", guess ? "]?" : "");
        else
            warning("%s:%d: unknown key `%s`, ignored (settings go in [build], [infer] or [cache])",
                    path, line, key);
    }
}

/* A table of the config file, or an error when the key holds something else. */
static int get_table(const char *path, const struct toml_value *root, const char *name,
                     const struct toml_value **table)
{
    *table = toml_get(root, name);
    if (*table && (*table)->type != TOML_TABLE)
        return error("%s:%d: [%s] must be a table", path, (*table)->line, name);
    return 0;
}

static int read_file_settings(struct config *cfg, const char *path)
{
    struct strbuf text = STRBUF_INIT;
    if (fs_read_file(path, &text)) {
        strbuf_release(&text);
        return errno == ENOENT ? 0 : error("%s: cannot read: %s", path, strerror(errno));
    }
    int result = config_parse(cfg, path, text.buf, text.len);
    strbuf_release(&text);
    return result;
}

int config_parse(struct config *cfg, const char *path, const char *text, size_t len)
{
    struct toml_error err;
    struct toml_value *root = toml_parse(text, len, 1, &err);
    if (!root)
        return error("%s:%d: %s", path, err.line, err.message);
    const struct toml_value *cache, *infer, *build, *proc_macros;
    int result = get_table(path, root, "cache", &cache) || get_table(path, root, "infer", &infer) ||
                         get_table(path, root, "build", &build) ||
                         get_table(path, root, "proc_macros", &proc_macros) ||
                         (cache && read_cache_table(cfg, path, cache)) ||
                         (infer && (read_infer_table(cfg, path, infer) ||
                                    read_infer_level(cfg, path, infer))) ||
                         (build && read_build_table(cfg, path, build)) ||
                         (proc_macros && read_proc_macros_table(cfg, path, proc_macros))
                     ? -1
                     : 0;
    if (!result) {
        cfg->file_found = 1;
        warn_unknown(path, root, NULL, top_names);
        warn_unknown(path, build, "build", build_names);
        warn_unknown(path, infer, "infer", infer_names);
        warn_unknown(path, cache, "cache", cache_names);
        warn_unknown(path, proc_macros, "proc_macros", proc_macros_names);
    }
    toml_free(root);
    return result;
}

void config_release(struct config *cfg)
{
    toml_free(cfg->infer_features);
    toml_free(cfg->infer_max_features);
    free(cfg->profile);
    free(cfg->registry_dir);
    free(cfg->edition);
    free(cfg->wrapper);
    free(cfg->demo_proc_macros);
    free(cfg->bank_proc_macros);
    free(cfg->thag_dev_path);
    memset(cfg, 0, sizeof(*cfg));
    cfg->infer_level = -1;
}

/* Crate names as cargo compares them: '-' and '_' alike. */
static int same_crate(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (*a != *b && !(strchr("-_", *a) && strchr("-_", *b)))
            return 0;
    return *a == *b;
}

/* [infer.features]: the built-in defaults (infer.h) under the file's entries, each crate the
 * file names taking the file's list (`serde = []` removes serde's).  A list's line says where
 * it came from: 0 for built-in, its line in the file otherwise. */
static void add_builtin_features(struct config *cfg)
{
    struct toml_value *merged = toml_new_table(), *file = cfg->infer_features;
    for (const struct infer_features *f = infer_builtin_features; f->crate; f++) {
        struct toml_value *list = toml_new_array();
        list->is_inline = 1;
        for (const char *p = f->features; *p;) {
            size_t n = strcspn(p, " ");
            char *feature = xstrndup(p, n);
            toml_push(list, toml_new_string(feature));
            free(feature);
            p += n + (p[n] == ' ');
        }
        toml_set(merged, f->crate, list);
    }
    for (size_t i = 0; file && i < file->count; i++) {
        for (size_t j = merged->count; j-- > 0;)
            if (same_crate(merged->keys[j], file->keys[i]))
                toml_remove(merged, merged->keys[j]);
        toml_set(merged, file->keys[i], toml_clone(file->items[i]));
    }
    toml_free(file);
    cfg->infer_features = merged;
}

int config_load(struct config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->infer_level = -1;
    cfg->max_cache_size = CONFIG_DEFAULT_MAX_SIZE;
    cfg->max_age_days = CONFIG_DEFAULT_MAX_AGE_DAYS;
    strcpy(cfg->max_size_from, "default");
    strcpy(cfg->max_age_from, "default");
    struct strbuf path = STRBUF_INIT;
    config_path(&path);
    int result = read_file_settings(cfg, path.buf);
    strbuf_release(&path);
    add_builtin_features(cfg);
    /* thag-auto's checkout, absolute: cargo reads the manifest elsewhere. */
    const char *dev = getenv("THAG_DEV_PATH");
    char cwd[PATH_MAX];
    if (dev && *dev) {
        struct strbuf abs = STRBUF_INIT;
        if (*dev != '/' && getcwd(cwd, sizeof(cwd)))
            strbuf_addf(&abs, "%s/", cwd);
        strbuf_addstr(&abs, dev);
        cfg->thag_dev_path = strbuf_detach(&abs);
    }
    const char *env = getenv("CTHAG_MAX_CACHE_SIZE");
    if (!result && env && *env) {
        if (config_parse_size(env, &cfg->max_cache_size))
            result = error("CTHAG_MAX_CACHE_SIZE=%s is not a size (e.g. 2GiB, 500MB)", env);
        else
            strcpy(cfg->max_size_from, "CTHAG_MAX_CACHE_SIZE");
    }
    if (result)
        config_release(cfg); /* a failed load leaves nothing to release */
    return result;
}

static const char config_example[] =
    "# cthag's settings (cthag --print-config shows them in effect, and where each comes from)\n"
    "# [build]\n"
    "# profile = \"dev\"          # or \"release\"\n"
    "# registry-dir = \"/usr/share/cargo/registry\"\n"
    "# edition = \"2021\"\n"
    "# wrapper = \"sccache\"\n"
    "# [infer]\n"
    "# level = \"config\"         # none, min, config, max\n"
    "# [cache]\n"
    "# max-size = \"2GiB\"\n"
    "# max-age-days = 30\n";

int config_edit(void)
{
    struct strbuf path = STRBUF_INIT, dir = STRBUF_INIT;
    struct stat st;
    int saved = 0, created = 0, result = -1;
    config_path(&path);
    strbuf_add(&dir, path.buf, (size_t)(strrchr(path.buf, '/') - path.buf));
    if (fs_mkdir_parents(dir.buf, 0700)) {
        error("cannot create %s: %s", dir.buf, strerror(errno));
        goto out;
    }
    if (lstat(path.buf, &st)) {
        if (fs_write_atomic(path.buf, config_example, sizeof(config_example) - 1, 0600))
            goto out;
        created = 1;
    }
    if (editor_edit(path.buf, &saved))
        goto out;
    if (!saved) {
        if (created)
            unlink(path.buf);
        fprintf(stderr, "cthag: %s: not saved; nothing changed\n", path.buf);
        result = 0;
        goto out;
    }
    struct config cfg;
    result = config_load(&cfg);
    if (!result)
        config_release(&cfg);
out:
    strbuf_release(&path);
    strbuf_release(&dir);
    return result;
}

/* One line of --print-config: the setting, its value, where it came from. */
static void print_setting(const char *name, const char *value, const char *from)
{
    printf("%-20s %-44s (%s)\n", name, value, from);
}

static const char *file_or_default(const struct config *cfg, const void *set)
{
    return set && cfg->file_found ? "config file" : CONFIG_FROM_DEFAULT;
}

/* One line per crate, as the config file would say it, and where it comes from: built in
 * (line 0) or the file. */
static void print_features(const char *name, const struct toml_value *table, const char *path)
{
    struct strbuf line = STRBUF_INIT;
    for (size_t i = 0; table && i < table->count; i++) {
        const struct toml_value *list = table->items[i];
        strbuf_reset(&line);
        strbuf_addf(&line, "%s = [", table->keys[i]);
        for (size_t j = 0; j < list->count; j++) {
            strbuf_addstr(&line, j ? ", " : "");
            toml_write_string(&line, list->items[j]->text, list->items[j]->text_len);
        }
        strbuf_addch(&line, ']');
        print_setting(name, line.buf, list->line ? path : "built-in");
    }
    if (!table || !table->count)
        print_setting(name, "(none)", CONFIG_FROM_DEFAULT);
    strbuf_release(&line);
}

static const char *nonempty_env(const char *name)
{
    const char *value = getenv(name);
    return value && *value ? value : NULL;
}

/* Where thag's crates come from: thag-auto's choice and the proc-macro crates' directories. */
static void print_thag(const struct config *cfg)
{
    struct strbuf line = STRBUF_INIT;
    const char *ref = nonempty_env("THAG_GIT_REF"), *repo = nonempty_env("THAG_GIT_REPO");
    if (cfg->thag_dev_path)
        strbuf_addf(&line, "path %s", cfg->thag_dev_path);
    else if (ref)
        strbuf_addf(&line, "git %s, ref %s", repo ? repo : "(thag's GitHub repository)", ref);
    else
        strbuf_addstr(&line, "the registry, at the version given");
    print_setting("thag-auto", line.buf,
                  cfg->thag_dev_path ? "THAG_DEV_PATH" : ref ? "THAG_GIT_REF" : "default");
    const char *names[] = {"proc_macros.demo_proc_macro_crate_path",
                           "proc_macros.bank_proc_macro_crate_path"};
    const char *values[] = {cfg->demo_proc_macros, cfg->bank_proc_macros};
    for (int i = 0; i < 2; i++)
        print_setting(names[i], values[i] ? values[i] : "(none: proc_macros/ beside the script)",
                      file_or_default(cfg, values[i]));
    strbuf_release(&line);
}

void config_print(const struct config *cfg, const char *cache_root, const char *cargo)
{
    struct strbuf path = STRBUF_INIT;
    char size[32], days[32];
    config_path(&path);
    printf("%-20s %s (%s)\n", "config file", path.buf, cfg->file_found ? "read" : "not found");
    const char *root_from = getenv("CTHAG_CACHE_DIR") && *getenv("CTHAG_CACHE_DIR")
                                ? "CTHAG_CACHE_DIR"
                            : getenv("XDG_CACHE_HOME") && *getenv("XDG_CACHE_HOME") == '/'
                                ? "XDG_CACHE_HOME"
                                : "default: ~/.cache/cthag";
    print_setting("cache.root", cache_root, root_from);
    print_setting("cache.max-size", fs_human_size(cfg->max_cache_size, size),
                  !strcmp(cfg->max_size_from, "default") ? "default" : cfg->max_size_from);
    snprintf(days, sizeof(days), "%d days", cfg->max_age_days);
    print_setting("cache.max-age-days", days,
                  !strcmp(cfg->max_age_from, "default") ? "default" : cfg->max_age_from);
    print_setting("build.profile", cfg->profile ? cfg->profile : "dev",
                  file_or_default(cfg, cfg->profile));
    print_setting("build.registry-dir", cfg->registry_dir ? cfg->registry_dir : "(none: crates.io)",
                  file_or_default(cfg, cfg->registry_dir));
    print_setting("build.edition", cfg->edition ? cfg->edition : "2021",
                  file_or_default(cfg, cfg->edition));
    const char *env_wrapper = getenv("RUSTC_WRAPPER");
    print_setting("build.wrapper",
                  cfg->wrapper ? cfg->wrapper : env_wrapper && *env_wrapper ? env_wrapper : "(none)",
                  cfg->wrapper ? "config file" : env_wrapper && *env_wrapper ? "RUSTC_WRAPPER" : "default");
    static const char *const levels[] = {"none", "min", "config", "max"};
    print_setting("infer.level", cfg->infer_level >= 0 ? levels[cfg->infer_level] : "config",
                  cfg->infer_level >= 0 ? "config file" : "default");
    print_features("infer.features", cfg->infer_features, path.buf);
    print_features("infer.max-features", cfg->infer_max_features, path.buf);
    print_thag(cfg);
    const char *env_cargo = getenv("CARGO");
    print_setting("cargo", cargo ? cargo : "(not found)",
                  env_cargo && *env_cargo ? "CARGO" : "PATH, else ~/.cargo/bin");
    strbuf_release(&path);
}

static int env_set(const char *name)
{
    const char *value = getenv(name);
    return value && *value;
}

/* --color, else the conventions: CLICOLOR_FORCE (not 0) forces colour, NO_COLOR or
 * CLICOLOR=0 turn it off; otherwise colour when stderr is a terminal. */
static const char *color_choice(const struct options *o)
{
    if (o->color)
        return o->color;
    if (env_set("CLICOLOR_FORCE") && strcmp(getenv("CLICOLOR_FORCE"), "0"))
        return "always";
    if (env_set("NO_COLOR") || (env_set("CLICOLOR") && !strcmp(getenv("CLICOLOR"), "0")))
        return "never";
    return "auto";
}

int config_settle(const struct options *o, struct config *cfg, struct settings *s)
{
    memset(s, 0, sizeof(*s));
    if (config_load(cfg))
        return -1;
    s->release = o->release || (!o->debug && cfg->profile && !strcmp(cfg->profile, "release"));
    s->registry_dir = o->registry_dir ? o->registry_dir : cfg->registry_dir;
    s->edition = cfg->edition ? cfg->edition : "2021";
    s->rustc_wrapper = o->wrapper ? o->wrapper : cfg->wrapper;
    s->infer = o->infer_given ? o->infer
               : cfg->infer_level >= 0 ? (enum infer_level)cfg->infer_level
                                       : INFER_CONFIG;
    const char *color = color_choice(o);
    s->color = !strcmp(color, "always") || (!strcmp(color, "auto") && isatty(STDERR_FILENO));
    s->color_arg = strcmp(color, "auto") ? color : NULL;
    s->thag = (struct thag_sources){cfg->thag_dev_path, nonempty_env("THAG_GIT_REF"),
                                    nonempty_env("THAG_GIT_REPO"), cfg->demo_proc_macros,
                                    cfg->bank_proc_macros};
    struct stat st;
    if (s->registry_dir && (stat(s->registry_dir, &st) || !S_ISDIR(st.st_mode)))
        return error("registry directory %s (from the config file): not a directory",
                     s->registry_dir);
    return 0;
}
