#include "config.h"

#include "toml.h"
#include "util/die.h"
#include "util/fs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        int ok = size->type == TOML_STRING || size->type == TOML_INTEGER;
        if (!ok || config_parse_size(size->text, &cfg->max_cache_size))
            return error("%s:%d: [cache] max-size must be a size such as \"2GiB\" or \"500MB\"",
                         path, size->line);
        snprintf(cfg->max_size_from, sizeof(cfg->max_size_from), "%s", path);
    }
    const struct toml_value *age = toml_get(cache, "max-age-days");
    if (age) {
        char *end;
        long days = age->type == TOML_INTEGER ? strtol(age->text, &end, 10) : -1;
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

static int read_file_settings(struct config *cfg, const char *path)
{
    struct strbuf text = STRBUF_INIT;
    if (fs_read_file(path, &text)) {
        strbuf_release(&text);
        return errno == ENOENT ? 0 : error("%s: cannot read: %s", path, strerror(errno));
    }
    struct toml_error err;
    struct toml_value *root = toml_parse(text.buf, text.len, 1, &err);
    strbuf_release(&text);
    if (!root)
        return error("%s:%d: %s", path, err.line, err.message);
    const struct toml_value *cache = toml_get(root, "cache");
    const struct toml_value *infer = toml_get(root, "infer");
    int result = 0;
    if (cache && cache->type != TOML_TABLE)
        result = error("%s:%d: [cache] must be a table", path, cache->line);
    else if (infer && infer->type != TOML_TABLE)
        result = error("%s:%d: [infer] must be a table", path, infer->line);
    else
        result = (cache && read_cache_table(cfg, path, cache)) ||
                         (infer && read_infer_table(cfg, path, infer))
                     ? -1
                     : 0;
    toml_free(root);
    return result;
}

void config_release(struct config *cfg)
{
    toml_free(cfg->infer_features);
    toml_free(cfg->infer_max_features);
    cfg->infer_features = cfg->infer_max_features = NULL;
}

int config_load(struct config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->max_cache_size = CONFIG_DEFAULT_MAX_SIZE;
    cfg->max_age_days = CONFIG_DEFAULT_MAX_AGE_DAYS;
    strcpy(cfg->max_size_from, "default");
    strcpy(cfg->max_age_from, "default");
    struct strbuf path = STRBUF_INIT;
    config_path(&path);
    int result = read_file_settings(cfg, path.buf);
    strbuf_release(&path);
    const char *env = getenv("CTHAG_MAX_CACHE_SIZE");
    if (!result && env && *env) {
        if (config_parse_size(env, &cfg->max_cache_size))
            return error("CTHAG_MAX_CACHE_SIZE=%s is not a size (e.g. 2GiB, 500MB)", env);
        strcpy(cfg->max_size_from, "CTHAG_MAX_CACHE_SIZE");
    }
    return result;
}
