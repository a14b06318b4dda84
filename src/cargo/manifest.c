#include "cargo/manifest.h"

#include "cargo/inferred.h"
#include "cargo/registry.h"
#include "cargo/thag.h"
#include "toml/toml.h"
#include "util/die.h"
#include "util/suggest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Tables whose shape cargo insists on; anything else in them is the user's business. */
static const char *const must_be_tables[] = {"package", "dependencies", "dev-dependencies",
                                             "build-dependencies", "features", "profile",
                                             "target", "workspace", NULL};

/* Targets cthag defines itself: the script is the one binary. */
static const char *const replaced_keys[] = {"bin", "lib", "example", "test", "bench", NULL};

static int check_shapes(const struct manifest_input *in, const struct toml_value *root)
{
    for (const char *const *key = must_be_tables; *key; key++) {
        const struct toml_value *v = toml_get(root, *key);
        if (v && v->type != TOML_TABLE)
            return error("%s:%d: [%s] must be a table", in->script_name, v->line, *key);
    }
    return 0;
}

/* The keys cargo reads at a manifest's top level: anything else at -M's top level is a
 * dependency written without its [dependencies] header. */
static const char *const top_level_keys[] = {
    "cargo-features", "package", "project", "lib", "bin", "example", "test", "bench",
    "dependencies", "dev-dependencies", "dev_dependencies", "build-dependencies",
    "build_dependencies", "target", "features", "patch", "replace", "profile", "workspace",
    "badges", "lints", NULL};

static int is_listed(const char *key, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(key, *list))
            return 1;
    return 0;
}

/* -M 'regex = "1"': top-level keys no manifest has, given a dependency's value, go to
 * [dependencies] (unless that table names them itself). */
static void move_bare_dependencies(struct toml_value *root)
{
    for (size_t i = 0; i < root->count; i++) {
        const struct toml_value *v = root->items[i];
        if (is_listed(root->keys[i], top_level_keys) ||
            !(v->type == TOML_STRING || (v->type == TOML_TABLE && v->is_inline)))
            continue;
        struct toml_value *deps = toml_table(root, "dependencies");
        if (!deps)
            return; /* not a table: check_shapes says so */
        if (!toml_get(deps, root->keys[i]))
            toml_set(deps, root->keys[i], toml_clone(v));
        toml_remove(root, root->keys[i--]);
    }
}

/* An identifier list after `-` or `+`: dot-separated, none empty. */
static size_t skip_identifiers(const char *s, size_t len)
{
    size_t i = 0;
    for (;;) {
        size_t start = i;
        while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '-'))
            i++;
        if (i == start)
            return 0;
        if (i == len || s[i] != '.')
            return i;
        i++;
    }
}

/* One comparator of a version requirement, as cargo's semver reads it: [op] N[.N[.N]], each
 * part a number without leading zeros or a wildcard (`*`, x; not the first after an
 * operator), a pre-release and build metadata only after three numbers. */
static int is_comparator(const char *s, size_t len)
{
    size_t i = strspn(s, "=<>~^"), parts = 0, numbers = 0;
    int op = i > 0;
    if (i > 2 || i > len)
        return 0;
    while (i < len && s[i] == ' ')
        i++;
    for (;;) {
        size_t digits = strspn(s + i, "0123456789");
        if (digits > len - i)
            digits = len - i;
        if (digits > 1 && s[i] == '0')
            return 0;
        numbers += digits > 0;
        if (!digits && i < len && strchr("*xX", s[i]) && !(op && !parts))
            digits = 1;
        if (!digits || ++parts > 3)
            return 0;
        i += digits;
        if (i >= len || s[i] != '.')
            break;
        i++;
    }
    for (const char *mark = "-+"; *mark; mark++) {
        if (i < len && s[i] == *mark) {
            size_t n = numbers == 3 ? skip_identifiers(s + i + 1, len - i - 1) : 0;
            if (!n)
                return 0;
            i += 1 + n;
        }
    }
    return i == len;
}

/* cargo's version requirements: `*`, or comparators separated by commas. */
int manifest_is_version_req(const char *req)
{
    for (const char *p = req;;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, ",");
        while (len && p[len - 1] == ' ')
            len--;
        if (!(len == 1 && *p == '*') && !is_comparator(p, len))
            return 0;
        p += strcspn(p, ",");
        if (!*p++)
            return 1;
    }
}

/* The type each key of a dependency's table must have (cargo's TomlDetailedDependency). */
static const struct {
    const char *key;
    enum toml_type type;
} dependency_keys[] = {
    {"version", TOML_STRING}, {"registry", TOML_STRING}, {"registry-index", TOML_STRING},
    {"path", TOML_STRING}, {"base", TOML_STRING}, {"git", TOML_STRING}, {"branch", TOML_STRING},
    {"tag", TOML_STRING}, {"rev", TOML_STRING}, {"features", TOML_ARRAY}, {"optional", TOML_BOOL},
    {"default-features", TOML_BOOL}, {"default_features", TOML_BOOL}, {"package", TOML_STRING},
    {"public", TOML_BOOL}, {"artifact", TOML_STRING}, {"lib", TOML_BOOL}, {"target", TOML_STRING},
    {"workspace", TOML_BOOL}, {NULL, TOML_STRING}};

static const char *const type_words[] = {"a string", "an integer", "a number", "true or false",
                                         "a date", "a list", "a table"};

static int dependency_key(const char *key)
{
    for (int k = 0; dependency_keys[k].key; k++)
        if (!strcmp(key, dependency_keys[k].key))
            return k;
    return -1;
}

/* A key cargo ignores in a dependency's table (a typo: "unused manifest key"): warned about at
 * the script's line, and dropped so that cargo does not warn about its copy's. */
static void drop_unknown_key(const struct manifest_input *in, const char *where,
                             const char *name, struct toml_value *dep, size_t k)
{
    const char *keys[sizeof(dependency_keys) / sizeof(*dependency_keys)];
    for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
        keys[i] = dependency_keys[i].key;
    const char *meant = suggest_nearest(dep->keys[k], keys);
    warning("%s:%d: unused manifest key: %s.%s.%s (cargo ignores it)%s%s%s", in->script_name,
            dep->items[k]->line, where, name, dep->keys[k], meant ? "; did you mean `" : "",
            meant ? meant : "", meant ? "`?" : "");
    toml_remove(dep, dep->keys[k]);
}

/* A dependency's table: each key of the type cargo reads, unknown keys dropped. */
static int check_dependency_table(const struct manifest_input *in, const char *where,
                                  const char *name, struct toml_value *dep)
{
    for (size_t k = 0; k < dep->count; k++) {
        int known = dependency_key(dep->keys[k]);
        const struct toml_value *v = dep->items[k];
        if (known < 0) {
            drop_unknown_key(in, where, name, dep, k--);
            continue;
        }
        int ok = v->type == dependency_keys[known].type ||
                 (!strcmp(dep->keys[k], "artifact") && v->type == TOML_ARRAY);
        for (size_t j = 0; ok && v->type == TOML_ARRAY && j < v->count; j++)
            ok = v->items[j]->type == TOML_STRING;
        if (!ok)
            return error("%s:%d: dependency `%s`: %s must be %s%s", in->script_name, v->line,
                         name, dep->keys[k], type_words[dependency_keys[known].type],
                         dependency_keys[known].type == TOML_ARRAY ? " of strings, e.g. "
                                                                     "features = [\"derive\"]"
                                                                   : "");
    }
    return 0;
}

/* Every dependency of one table: a version requirement or a table, as cargo reads them. */
static int check_dependencies(const struct manifest_input *in, const char *where,
                              struct toml_value *deps)
{
    for (size_t i = 0; deps && deps->type == TOML_TABLE && i < deps->count; i++) {
        struct toml_value *dep = deps->items[i];
        const struct toml_value *version = dep->type == TOML_TABLE ? toml_get(dep, "version") : dep;
        if (dep->type != TOML_STRING && dep->type != TOML_TABLE)
            return error("%s:%d: dependency `%s` must be a version string or a table "
                         "(e.g. %s = \"1\")", in->script_name, dep->line, deps->keys[i],
                         deps->keys[i]);
        if (dep->type == TOML_TABLE && check_dependency_table(in, where, deps->keys[i], dep))
            return -1;
        size_t start = 0, len = in->thag_format ? thag_marker_version(version, &start) : 0;
        char *req = version && version->type == TOML_STRING
                        ? len ? xstrndup(version->text + start, len) : xstrdup(version->text)
                        : NULL;
        int bad = req && !manifest_is_version_req(req);
        free(req);
        if (bad)
            return error("%s:%d: failed to parse the version requirement `%s` for dependency "
                         "`%s` (e.g. \"1\", \"1.2.3\", \">=1.2, <2\", \"*\")",
                         in->script_name, version->line, version->text, deps->keys[i]);
    }
    return 0;
}

static const char *const dependency_tables[] = {"dependencies", "dev-dependencies",
                                                "build-dependencies", NULL};

static int check_dependency_tables(const struct manifest_input *in, struct toml_value *root)
{
    struct strbuf where = STRBUF_INIT;
    int result = 0;
    for (const char *const *t = dependency_tables; *t && !result; t++)
        result = check_dependencies(in, *t, toml_get(root, *t));
    struct toml_value *targets = toml_get(root, "target");
    for (size_t i = 0; !result && targets && targets->type == TOML_TABLE && i < targets->count;
         i++) {
        for (const char *const *t = dependency_tables; *t && !result; t++) {
            strbuf_reset(&where);
            strbuf_addf(&where, "target.%s.%s", targets->keys[i], *t);
            result = check_dependencies(in, where.buf, toml_get(targets->items[i], *t));
        }
    }
    strbuf_release(&where);
    return result;
}

static void normalise_crate_name(const char *name, char *out, size_t size)
{
    size_t i = 0;
    for (; name[i] && i + 1 < size; i++)
        out[i] = name[i] == '-' ? '_' : name[i];
    out[i] = '\0';
}

static int table_declares(const struct toml_value *deps, const char *crate)
{
    char want[256], have[256];
    normalise_crate_name(crate, want, sizeof(want));
    for (size_t i = 0; deps && deps->type == TOML_TABLE && i < deps->count; i++) {
        normalise_crate_name(deps->keys[i], have, sizeof(have));
        if (!strcmp(want, have))
            return 1;
    }
    return 0;
}

/* Declared in any dependency table, [target.X.*] ones included: such a crate is never added
 * again (a dev-dependency used in #[cfg(test)] code stays one). */
static int is_declared(const struct toml_value *root, const char *crate)
{
    const struct toml_value *targets = toml_get(root, "target");
    for (const char *const *t = dependency_tables; *t; t++) {
        if (table_declares(toml_get(root, *t), crate))
            return 1;
        for (size_t i = 0; targets && targets->type == TOML_TABLE && i < targets->count; i++)
            if (table_declares(toml_get(targets->items[i], *t), crate))
                return 1;
    }
    return 0;
}

void manifest_registry_name(const char *registry_dir, const char *name, struct strbuf *out)
{
    struct registry r = {registry_dir, NULL, NULL, 1};
    if (registry_dir) {
        registry_crate_name(&r, name, out);
        return;
    }
    strbuf_reset(out);
    strbuf_addstr(out, name);
}

/* The features configured for crate in a table of crate = [...] (names compared as cargo
 * does, '-' and '_' alike), appended to features. */
static void add_configured_features(const struct manifest_input *in,
                                    const struct toml_value *table, const char *table_name,
                                    const char *crate, struct toml_value *features)
{
    char want[256], have[256];
    normalise_crate_name(crate, want, sizeof(want));
    for (size_t i = 0; table && i < table->count; i++) {
        normalise_crate_name(table->keys[i], have, sizeof(have));
        const struct toml_value *list = table->items[i];
        if (strcmp(want, have) || list->type != TOML_ARRAY)
            continue;
        struct strbuf names = STRBUF_INIT;
        for (size_t j = 0; j < list->count; j++) {
            toml_push(features, toml_clone(list->items[j]));
            strbuf_addf(&names, "%s%s", j ? ", " : "", list->items[j]->text);
        }
        note("%s: inferred crate %s gets features [%s] from %s (%s)", in->script_name, crate,
             names.buf, table_name, list->line ? "config file" : "built-in");
        strbuf_release(&names);
    }
}

/* range, or { version = range, features = [...] } when the config gives features. */
static struct toml_value *inferred_dependency(const struct manifest_input *in, const char *crate,
                                              const char *range)
{
    struct toml_value *features = toml_new_array();
    features->is_inline = 1;
    add_configured_features(in, in->infer_features, "[infer.features]", crate, features);
    add_configured_features(in, in->infer_max_features, "[infer.max-features]", crate, features);
    if (!features->count) {
        toml_free(features);
        return toml_new_string(range);
    }
    struct toml_value *dep = toml_new_table();
    dep->is_inline = 1;
    toml_set(dep, "version", toml_new_string(range));
    toml_set(dep, "features", features);
    return dep;
}

/* --dep NAME[=VERSION]: over what the script says for NAME. */
static void add_option_deps(const struct manifest_input *in, struct toml_value *root)
{
    struct toml_value *deps = in->ndeps ? toml_table(root, "dependencies") : NULL;
    for (size_t i = 0; deps && i < in->ndeps; i++) {
        const char *eq = strchr(in->deps[i], '=');
        char *name = eq ? xstrndup(in->deps[i], (size_t)(eq - in->deps[i])) : xstrdup(in->deps[i]);
        toml_set(deps, name, toml_new_string(eq ? eq + 1 : "*"));
        free(name);
    }
}

/* thag's local proc-macro crates are path dependencies: 1 when crate is one (added, or -1
 * after an error when its directory is not there), 0 when it is not. */
static int add_thag_proc_macros(const struct manifest_input *in, struct toml_value *root,
                                const char *crate)
{
    char *missing;
    const char *dir = in->script_dir ? in->script_dir : ".";
    struct toml_value *dep = in->thag ? thag_proc_macro_dependency(crate, dir, in->thag, &missing)
                                      : NULL;
    if (dep) {
        note("%s: crate %s is thag's local proc-macro crate: path %s", in->script_name, crate,
             toml_get(dep, "path")->text);
        toml_set(toml_table(root, "dependencies"), crate, dep);
        return 1;
    }
    if (!in->thag || !missing)
        return 0;
    error("%s: %s is thag's local proc-macro crate, looked for in %s: not a directory (give its "
          "path as [proc_macros] %s_proc_macro_crate_path in the config file, cthag "
          "--config-path)", in->script_name, crate, missing,
          strstr(crate, "bank") ? "bank" : "demo");
    free(missing);
    return -1;
}

int manifest_is_local_crate(void *ctx, const char *crate)
{
    const struct manifest_input *in = ctx;
    char *missing = NULL;
    struct toml_value *dep = in->thag ? thag_proc_macro_dependency(
                                            crate, in->script_dir ? in->script_dir : ".",
                                            in->thag, &missing)
                                      : NULL;
    int local = dep || missing;
    toml_free(dep);
    free(missing);
    return local;
}

static int add_inferred(const struct manifest_input *in, struct toml_value *root)
{
    struct strbuf name = STRBUF_INIT;
    for (size_t i = 0; in->inferred && i < in->inferred->count; i++) {
        const struct inferred_crate *c = &in->inferred->items[i];
        if (is_declared(root, c->code_name))
            continue;
        if (c->local && add_thag_proc_macros(in, root, c->code_name) < 0) {
            strbuf_release(&name);
            return -1;
        }
        if (!c->local)
            toml_set(toml_table(root, "dependencies"), c->name,
                     inferred_dependency(in, c->name, c->range));
    }
    for (size_t i = 0; in->used_crates && i < in->used_crates->count; i++) {
        const char *crate = in->used_crates->items[i];
        if (is_declared(root, crate)) {
            note("%s: crate %s is declared by the script's manifest: not added", in->script_name,
                 crate);
            continue;
        }
        int local = add_thag_proc_macros(in, root, crate);
        if (local < 0) {
            strbuf_release(&name);
            return -1;
        }
        if (local)
            continue;
        if (in->registry)
            registry_crate_name(in->registry, crate, &name);
        else
            manifest_registry_name(in->registry_dir, crate, &name);
        toml_set(toml_table(root, "dependencies"), name.buf,
                 inferred_dependency(in, name.buf, "*"));
    }
    strbuf_release(&name);
    return 0;
}

static void set_default(struct toml_value *table, const char *key, struct toml_value *value)
{
    if (toml_get(table, key))
        toml_free(value);
    else
        toml_set(table, key, value);
}

/* [package]: the user's keys, with the name cthag needs and defaults for the rest. */
static struct toml_value *package_table(const struct manifest_input *in, struct toml_value *user)
{
    struct toml_value *package = user ? toml_clone(user) : toml_new_table();
    package->is_defined = 1;
    toml_set(package, "name", toml_new_string(in->package_name));
    set_default(package, "version", toml_new_string("0.1.0"));
    if (!toml_get(package, "edition") && in->warn_default_edition)
        warning("%s: `package.edition` is unspecified, defaulting to `%s`", in->script_name,
                in->edition);
    set_default(package, "edition", toml_new_string(in->edition));
    set_default(package, "publish", toml_new_literal(TOML_BOOL, "false"));
    /* A script named build.rs must not also be run as the package's build script. */
    set_default(package, "build", toml_new_literal(TOML_BOOL, "false"));
    /* The project directory holds only the script: keep cargo from looking for more targets. */
    const char *autos[] = {"autobins", "autoexamples", "autotests", "autobenches"};
    for (size_t i = 0; i < sizeof(autos) / sizeof(*autos); i++)
        toml_set(package, autos[i], toml_new_literal(TOML_BOOL, "false"));
    toml_remove(package, "workspace");
    toml_remove(package, "default-run");
    struct toml_value *metadata = in->source_label ? toml_table(package, "metadata") : NULL;
    struct toml_value *ours = metadata ? toml_table(metadata, "cthag") : NULL;
    if (ours)
        toml_set(ours, "source", toml_new_string(in->source_label));
    return package;
}

static struct toml_value *bin_targets(const struct manifest_input *in)
{
    struct toml_value *bin = toml_new_table();
    bin->is_defined = 1;
    toml_set(bin, "name", toml_new_string(in->bin_name ? in->bin_name : in->package_name));
    toml_set(bin, "path", toml_new_string(in->source_file));
    struct toml_value *bins = toml_new_array();
    bins->is_table_array = 1;
    toml_push(bins, bin);
    return bins;
}

static int is_replaced(const char *key)
{
    for (const char *const *r = replaced_keys; *r; r++)
        if (!strcmp(key, *r))
            return 1;
    return !strcmp(key, "package");
}

/* [profile.dev.package."*"]: the dependencies (every package but the script's), compiled once
 * for all scripts in the shared target, are optimized, without debug assertions, overflow
 * checks or debug info.  opt-level 1 in one codegen unit, by measurement (README, Performance):
 * ibig's F(1,000,000) runs in 34 ms instead of 559 (opt-level 3: 32), and a cold build with
 * dependencies costs 1.4-1.7x the unoptimized one in wall time (opt-level 3: 2.0-2.6x; syn and
 * the other proc-macro crates are dependencies too).  Keys the script sets, in [profile.dev] or
 * in this table, win. */
static void add_dependency_defaults(struct toml_value *dev)
{
    static const struct {
        const char *key;
        enum toml_type type;
        const char *value;
    } defaults[] = {
        {"opt-level", TOML_INTEGER, "1"},
        {"codegen-units", TOML_INTEGER, "1"},
        {"debug", TOML_BOOL, "false"},
        {"debug-assertions", TOML_BOOL, "false"},
        {"overflow-checks", TOML_BOOL, "false"},
    };
    struct toml_value *all = toml_table(toml_table(dev, "package"), "*");
    if (!all)
        return;
    for (size_t i = 0; i < sizeof(defaults) / sizeof(*defaults); i++)
        if (!toml_get(dev, defaults[i].key))
            set_default(all, defaults[i].key,
                        toml_new_literal(defaults[i].type, defaults[i].value));
}

/* [profile.dev] defaults for scripts (a script's own keys win): line tables only, so that panics
 * and RUST_BACKTRACE=1 name the script's file and line while the executable stays small and quick
 * to link (full debuginfo costs far more; figures in README, measured by make bench), and no
 * incremental data (~600 KB per script that a script rarely gains from).  Every script gets the
 * same, so dependencies stay shared. */
static void add_profile_defaults(struct toml_value *root)
{
    struct toml_value *dev = toml_table(toml_table(root, "profile"), "dev");
    if (!dev)
        return;
    /* Before the script's defaults: a key the script set for its whole dev profile is its
     * choice for the dependencies too, as cargo would apply it. */
    add_dependency_defaults(dev);
    set_default(dev, "debug", toml_new_string("line-tables-only"));
    set_default(dev, "incremental", toml_new_literal(TOML_BOOL, "false"));
}

/* ---- relative paths: the manifest is written into the cache, but its relative paths mean
 * the script's directory, as they would for a Cargo.toml beside the script; a script from a URL
 * has no directory, so there a relative path is an error naming its line ---- */

struct path_fixer {
    const struct manifest_input *in;
    int refused; /* an error was reported */
};

static void make_absolute(struct path_fixer *f, struct toml_value *holder, const char *key)
{
    const struct toml_value *v = toml_get(holder, key);
    if (f->refused || !v || v->type != TOML_STRING || !v->text_len || v->text[0] == '/' ||
        strlen(v->text) != v->text_len)
        return;
    if (f->in->no_directory) {
        f->refused = 1;
        error("%s:%d: %s = \"%s\" is relative, and a script from a URL has no directory: use "
              "an absolute path (or a git or registry dependency)",
              f->in->script_name, v->line, key, v->text);
        return;
    }
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", f->in->script_dir, v->text);
    toml_set(holder, key, toml_new_string(path.buf));
    strbuf_release(&path);
}

/* Every `path = "..."` of a table of dependencies (or of [patch.X], [replace]). */
static void absolute_dependency_paths(struct path_fixer *f, struct toml_value *deps)
{
    for (size_t i = 0; deps && deps->type == TOML_TABLE && i < deps->count; i++)
        if (deps->items[i]->type == TOML_TABLE)
            make_absolute(f, deps->items[i], "path");
}

static void absolute_tables(struct path_fixer *f, struct toml_value *holder)
{
    for (const char *const *t = dependency_tables; *t; t++)
        absolute_dependency_paths(f, toml_get(holder, *t));
}

/* 0, or -1 after reporting a relative path that has no directory to resolve against. */
static int absolute_paths(const struct manifest_input *in, struct toml_value *root)
{
    struct path_fixer f = {in, 0};
    absolute_tables(&f, root);
    absolute_tables(&f, toml_get(root, "workspace"));
    struct toml_value *targets = toml_get(root, "target");
    for (size_t i = 0; targets && targets->type == TOML_TABLE && i < targets->count; i++)
        absolute_tables(&f, targets->items[i]);
    struct toml_value *patches = toml_get(root, "patch");
    for (size_t i = 0; patches && patches->type == TOML_TABLE && i < patches->count; i++)
        absolute_dependency_paths(&f, patches->items[i]);
    absolute_dependency_paths(&f, toml_get(root, "replace"));
    struct toml_value *package = toml_get(root, "package");
    if (package && package->type == TOML_TABLE)
        make_absolute(&f, package, "build");
    return f.refused ? -1 : 0;
}

/* thag-auto dependencies: resolved, and the build then depends on the variables that decided. */
static int resolve_thag_auto(const struct manifest_input *in, struct toml_value *root)
{
    if (!in->thag_format || !in->thag)
        return 0;
    int resolved = thag_resolve_auto(root, in->script_name, in->thag);
    for (const char *const *v = thag_auto_variables; resolved > 0 && in->env_used && *v; v++)
        strlist_add_unique(in->env_used, *v);
    return resolved < 0 ? -1 : 0;
}

/* The generated manifest, or NULL after an error. */
static struct toml_value *assemble(const struct manifest_input *in, const struct toml_value *user)
{
    struct toml_value *root = toml_new_table();
    toml_set(root, "package", package_table(in, user ? toml_get(user, "package") : NULL));
    toml_set(root, "bin", bin_targets(in));
    for (size_t i = 0; user && i < user->count; i++)
        if (!is_replaced(user->keys[i]))
            toml_set(root, user->keys[i], toml_clone(user->items[i]));
    add_option_deps(in, root);
    if (resolve_thag_auto(in, root) || add_inferred(in, root)) {
        toml_free(root);
        return NULL;
    }
    add_profile_defaults(root);
    if ((in->script_dir || in->no_directory) && absolute_paths(in, root)) {
        toml_free(root);
        return NULL;
    }
    /* An empty [workspace] makes the project its own root: cargo never climbs into a parent
     * directory's Cargo.toml, and the [profile]s given here apply. */
    toml_table(root, "workspace");
    return root;
}

struct declared {
    const struct manifest_input *in;
    struct toml_value *user;
};

static int is_undeclared(void *ctx, const char *crate)
{
    const struct declared *d = ctx;
    if (!is_declared(d->user, crate))
        return 1;
    note("%s: crate %s is declared by the script's manifest: not added", d->in->script_name,
         crate);
    return 0;
}

void manifest_drop_declared(const struct manifest_input *in, struct crate_uses *uses)
{
    struct toml_error err;
    struct declared d = {in, in->toml ? toml_parse(in->toml, in->toml_len, in->toml_line, &err)
                                      : NULL};
    if (d.user)
        crate_uses_filter(uses, is_undeclared, &d);
    toml_free(d.user);
}

static int table_uses_registry(const struct toml_value *deps)
{
    for (size_t i = 0; deps && deps->type == TOML_TABLE && i < deps->count; i++) {
        const struct toml_value *dep = deps->items[i];
        if (dep->type == TOML_STRING || (dep->type == TOML_TABLE && !toml_get(dep, "path") &&
                                         !toml_get(dep, "git")))
            return 1;
    }
    return 0;
}

/* The length of a [header] (or [[header]]) at line, 0 when the line is not one. */
static size_t header_length(const char *line)
{
    size_t n = strspn(line, " \t");
    if (line[n] != '[')
        return 0;
    while (line[n] && line[n] != ']' && line[n] != '\n' && line[n] != '"' && line[n] != '\'' &&
           line[n] != '#' && line[n] != '=')
        n++;
    if (line[n] != ']')
        return 0;
    return line[n + 1] == ']' ? n + 2 : n + 1;
}

void manifest_from_option(const char *text, struct strbuf *out)
{
    int in_multiline = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line + 1) : strlen(line);
        size_t header = in_multiline ? 0 : header_length(line);
        size_t rest = header + strspn(line + header, " \t");
        if (header && rest < len && line[rest] != '\n' && line[rest] != '#' && line[rest] != '\r') {
            strbuf_add(out, line, header);
            strbuf_addch(out, '\n');
            strbuf_add(out, line + rest, len - rest);
        } else {
            strbuf_add(out, line, len);
        }
        /* A header inside a multi-line string is not one. */
        for (const char *q = line; q + 2 < line + len; q++)
            if ((q[0] == '"' || q[0] == '\'') && q[1] == q[0] && q[2] == q[0]) {
                in_multiline = !in_multiline;
                q += 2;
            }
        line += len;
    }
}

int manifest_uses_registry(const char *manifest)
{
    struct toml_error err;
    struct toml_value *root = toml_parse(manifest, strlen(manifest), 1, &err);
    int uses = table_uses_registry(toml_get(root, "dependencies"));
    const struct toml_value *targets = toml_get(root, "target");
    for (size_t i = 0; !uses && targets && targets->type == TOML_TABLE && i < targets->count; i++)
        uses = table_uses_registry(toml_get(targets->items[i], "dependencies"));
    toml_free(root);
    return uses;
}

int manifest_generate(const struct manifest_input *in, struct strbuf *out)
{
    struct toml_value *user = NULL;
    if (in->toml) {
        struct toml_error err;
        user = toml_parse(in->toml, in->toml_len, in->toml_line, &err);
        if (!user)
            return error("%s:%d: bad manifest: %s", in->script_name, err.line, err.message);
        if (in->bare_keys_are_dependencies)
            move_bare_dependencies(user);
        if (check_shapes(in, user) || check_dependency_tables(in, user)) {
            toml_free(user);
            return -1;
        }
    }
    struct toml_value *root = assemble(in, user);
    toml_free(user);
    if (!root)
        return -1;
    toml_write(root, out);
    toml_free(root);
    return 0;
}
