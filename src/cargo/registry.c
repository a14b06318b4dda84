#include "cargo/registry.h"

#include "cargo/build.h"
#include "cargo/semver.h"
#include "toml/toml.h"
#include "util/json.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/spawn.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *string_of(const struct toml_value *table, const char *key)
{
    const struct toml_value *v = toml_get(table, key);
    return v && v->type == TOML_STRING ? v->text : NULL;
}

static void add_toml_keys(const struct toml_value *table, struct strlist *names)
{
    for (size_t i = 0; table && table->type == TOML_TABLE && i < table->count; i++)
        strlist_add_unique(names, table->keys[i]);
}

void registry_init(struct registry *r, struct strbuf *home)
{
    const char *cargo_home = getenv("CARGO_HOME"), *user_home = getenv("HOME");
    strbuf_reset(home);
    if (cargo_home && *cargo_home)
        strbuf_addstr(home, cargo_home);
    else if (user_home && *user_home)
        strbuf_addf(home, "%s/.cargo", user_home);
    r->cargo_home = home->len ? home->buf : NULL;
}

void registry_index_path(const char *name, struct strbuf *out)
{
    size_t n = strlen(name);
    strbuf_reset(out);
    if (n <= 2)
        strbuf_addf(out, "%zu/", n);
    else if (n == 3)
        strbuf_addf(out, "3/%c/", name[0]);
    else
        strbuf_addf(out, "%.2s/%.2s/", name, name + 2);
    strbuf_addstr(out, name);
    for (size_t i = 0; i < out->len; i++)
        if (out->buf[i] >= 'A' && out->buf[i] <= 'Z')
            out->buf[i] = (char)(out->buf[i] - 'A' + 'a');
}

/* The version in a directory source's entry NAME-VERSION, or NULL when it is another crate's
 * (foo-bar-extra-1.0.0 is not foo-bar's). */
static const char *entry_version(const char *entry, const char *name)
{
    size_t n = strlen(name);
    struct semver v;
    if (strncmp(entry, name, n) || entry[n] != '-' || semver_parse(entry + n + 1, &v))
        return NULL;
    return entry + n + 1;
}

/* Is version a better newest than best: a release above a pre-release, else the higher. */
static int newer_release(const char *version, const char *best)
{
    struct semver v, b;
    if (semver_parse(version, &v))
        return 0;
    if (semver_parse(best, &b))
        return 1;
    if (!v.pre_len != !b.pre_len)
        return !v.pre_len;
    return semver_compare(&v, &b) > 0;
}

/* Does the directory source hold NAME-<version>?  With newest, the highest it holds (a
 * pre-release only when it holds nothing else). */
static int directory_has(const char *registry_dir, const char *name, struct strbuf *newest)
{
    DIR *dir = opendir(registry_dir);
    if (!dir)
        return 0;
    int found = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        const char *version = entry_version(de->d_name, name);
        if (!version)
            continue;
        found = 1;
        if (!newest)
            break;
        if (!newest->len || newer_release(version, newest->buf)) {
            strbuf_reset(newest);
            strbuf_addstr(newest, version);
        }
    }
    closedir(dir);
    return found;
}

/* cargo's index cache file for the crate: of the registries cargo keeps (crates.io, or what
 * replaces it), the one it wrote last.  0 with path set, or -1. */
static int index_cache_file(const char *cargo_home, const char *name, struct strbuf *path)
{
    struct strbuf dir_path = STRBUF_INIT, file = STRBUF_INIT, rel = STRBUF_INIT;
    strbuf_addf(&dir_path, "%s/registry/index", cargo_home);
    registry_index_path(name, &rel);
    DIR *dir = opendir(dir_path.buf);
    struct dirent *de;
    struct stat st;
    struct timespec newest = {0, 0};
    int found = 0;
    while (dir && (de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue;
        strbuf_reset(&file);
        strbuf_addf(&file, "%s/%s/.cache/%s", dir_path.buf, de->d_name, rel.buf);
        if (stat(file.buf, &st) || !S_ISREG(st.st_mode) ||
            (found && (st.st_mtim.tv_sec < newest.tv_sec ||
                       (st.st_mtim.tv_sec == newest.tv_sec &&
                        st.st_mtim.tv_nsec <= newest.tv_nsec))))
            continue;
        found = 1;
        newest = st.st_mtim;
        strbuf_reset(path);
        strbuf_add(path, file.buf, file.len);
    }
    if (dir)
        closedir(dir);
    strbuf_release(&dir_path);
    strbuf_release(&file);
    strbuf_release(&rel);
    return found ? 0 : -1;
}

/* The releases in an index cache file: a header (format 3 and later: a version byte, a 32-bit
 * index format, the index file's own version and a NUL; before: a version byte and that
 * string), then for each release its version, a NUL, its JSON line, a NUL.  Calls fn for each
 * until it returns non-zero; returns that. */
static int index_cache_each(const struct strbuf *text,
                            int (*fn)(void *ctx, const char *version, const char *json,
                                      size_t len),
                            void *ctx)
{
    const char *p = text->buf, *end = text->buf + text->len;
    size_t header = text->len && (unsigned char)p[0] >= 3 ? 5 : 1;
    if (text->len < header)
        return 0;
    p += header;
    const char *nul = memchr(p, '\0', (size_t)(end - p));
    p = nul ? nul + 1 : end;
    while (p < end) {
        const char *version = p, *json;
        if (!(nul = memchr(p, '\0', (size_t)(end - p))))
            break;
        json = nul + 1;
        if (!(nul = memchr(json, '\0', (size_t)(end - json))))
            break;
        int stop = fn(ctx, version, json, (size_t)(nul - json));
        if (stop)
            return stop;
        p = nul + 1;
    }
    return 0;
}

static int is_yanked(const struct json *release)
{
    const struct json *y = json_get(release, "yanked");
    return y && y->type == JSON_BOOL && y->boolean;
}

static int newest_in_index(void *ctx, const char *version, const char *json, size_t len)
{
    struct strbuf *newest = ctx;
    if (newest->len && !newer_release(version, newest->buf))
        return 0;
    struct json *release = json_parse(json, len);
    if (release && !is_yanked(release)) {
        strbuf_reset(newest);
        strbuf_addstr(newest, version);
    }
    json_free(release);
    return 0;
}

/* Has cargo fetched the crate's index entry?  With newest, its newest release not yanked. */
static int index_cache_has(const char *cargo_home, const char *name, struct strbuf *newest)
{
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    int found = !index_cache_file(cargo_home, name, &path);
    if (found && newest && !fs_read_file(path.buf, &text))
        index_cache_each(&text, newest_in_index, newest);
    strbuf_release(&path);
    strbuf_release(&text);
    return found;
}

static int registry_has(const struct registry *r, const char *name, struct strbuf *newest)
{
    if (r->registry_dir)
        return directory_has(r->registry_dir, name, newest);
    return r->cargo_home && index_cache_has(r->cargo_home, name, newest);
}

/* The names cargo tries, in its order: as given, every '_' as '-', every '-' as '_'.  Calls fn
 * with each distinct one until it returns non-zero. */
static int each_variant(const char *name, int (*fn)(void *ctx, const char *variant), void *ctx)
{
    static const char swaps[][2] = {{0, 0}, {'_', '-'}, {'-', '_'}};
    struct strbuf v = STRBUF_INIT;
    int stop = 0;
    for (size_t i = 0; !stop && i < sizeof(swaps) / sizeof(*swaps); i++) {
        strbuf_reset(&v);
        strbuf_addstr(&v, name);
        for (size_t j = 0; i && j < v.len; j++)
            if (v.buf[j] == swaps[i][0])
                v.buf[j] = swaps[i][1];
        if (!i || strcmp(v.buf, name))
            stop = fn(ctx, v.buf);
    }
    strbuf_release(&v);
    return stop;
}

struct variant_search {
    const struct registry *r;
    struct strbuf *name, *newest;
};

static int try_variant(void *ctx, const char *variant)
{
    struct variant_search *s = ctx;
    if (s->newest)
        strbuf_reset(s->newest);
    if (!registry_has(s->r, variant, s->newest))
        return 0;
    strbuf_reset(s->name);
    strbuf_addstr(s->name, variant);
    return 1;
}

/* The spelling the registry has in out (and its newest release), 0; or -1. */
static int find_variant(const struct registry *r, const char *name, struct strbuf *out,
                        struct strbuf *newest)
{
    struct variant_search s = {r, out, newest};
    return each_variant(name, try_variant, &s) ? 0 : -1;
}

struct probe_manifest {
    struct strbuf *text;
    size_t deps;
};

static int add_probe_dependency(void *ctx, const char *variant)
{
    struct probe_manifest *m = ctx;
    strbuf_addf(m->text, "d%zu = { package = ", m->deps++);
    toml_write_string(m->text, variant, strlen(variant));
    strbuf_addstr(m->text, ", version = \">=999999999\" }\n");
    return 0;
}

/* A scratch project depending on every spelling of the names, at a version no crate has: cargo
 * fetches their index entries, all at once, and stops there. */
static int write_probe(const char *dir, const struct registry_crate *crates, size_t n)
{
    struct strbuf path = STRBUF_INIT, manifest = STRBUF_INIT;
    struct probe_manifest m = {&manifest, 0};
    strbuf_addstr(&manifest, "[package]\nname = \"cthag-names\"\nversion = \"0.0.0\"\n"
                             "edition = \"2021\"\n[lib]\npath = \"lib.rs\"\n[dependencies]\n");
    for (size_t i = 0; i < n; i++)
        each_variant(crates[i].code_name, add_probe_dependency, &m);
    strbuf_addstr(&manifest, "[workspace]\n");
    strbuf_addf(&path, "%s/Cargo.toml", dir);
    int result = fs_write_atomic(path.buf, manifest.buf, manifest.len, 0600);
    strbuf_reset(&path);
    strbuf_addf(&path, "%s/lib.rs", dir);
    if (!result)
        result = fs_write_atomic(path.buf, "", 0, 0600);
    strbuf_release(&path);
    strbuf_release(&manifest);
    return result;
}

/* Ask cargo to fetch the crates' index entries.  Its output is not shown; whether it reached
 * the registry is: it then says that no version fits ("failed to select a version") or that a
 * name does not exist ("no matching package"), rather than that it could not download, and not
 * that it is offline (CARGO_NET_OFFLINE, net.offline). */
static int refresh_index(const struct registry *r, const struct registry_crate *crates, size_t n)
{
    struct strbuf cargo = STRBUF_INIT, dir = STRBUF_INIT, manifest = STRBUF_INIT;
    struct strbuf toolchain = STRBUF_INIT, output = STRBUF_INIT;
    const char *tmp = getenv("TMPDIR");
    int reached = 0;
    strbuf_addf(&dir, "%s/cthag-names-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
    if (build_locate_cargo(&cargo, NULL) || !mkdtemp(dir.buf)) {
        strbuf_release(&cargo);
        strbuf_release(&dir);
        return 0;
    }
    note("asking cargo for crates.io's entries of %zu crate%s (%s%s)", n, n == 1 ? "" : "s",
         crates[0].code_name, n > 1 ? ", ..." : "");
    strbuf_addf(&manifest, "%s/Cargo.toml", dir.buf);
    if (r->toolchain)
        strbuf_addf(&toolchain, "+%s", r->toolchain);
    const char *argv[8];
    int argc = 0;
    argv[argc++] = cargo.buf;
    if (r->toolchain)
        argv[argc++] = toolchain.buf;
    argv[argc++] = "generate-lockfile";
    argv[argc++] = "--manifest-path";
    argv[argc++] = manifest.buf;
    argv[argc] = NULL;
    struct spawn_opts opts = {.capture = &output, .cwd = "/"}; /* as builds: no toolchain file */
    if (!write_probe(dir.buf, crates, n) && spawn_wait(argv, &opts) >= 0)
        reached = (strstr(output.buf, "failed to select a version") ||
                   strstr(output.buf, "no matching package")) &&
                  !strstr(output.buf, "offline mode"); /* net.offline: only the cache answered */
    fs_remove_tree(dir.buf);
    strbuf_release(&cargo);
    strbuf_release(&dir);
    strbuf_release(&manifest);
    strbuf_release(&toolchain);
    strbuf_release(&output);
    return reached;
}

void registry_crate_name(const struct registry *r, const char *name, struct strbuf *out)
{
    int separated = strpbrk(name, "-_") != NULL;
    int found = separated && !find_variant(r, name, out, NULL);
    if (!found && separated && !r->registry_dir && !r->offline && !spawn_interrupted) {
        struct registry_crate probe = {name, STRBUF_INIT, STRBUF_INIT, REGISTRY_UNKNOWN};
        note("crate %s: not in cargo's index cache; asking cargo for the name crates.io has",
             name);
        refresh_index(r, &probe, 1);
        found = !find_variant(r, name, out, NULL);
    }
    if (!found) {
        strbuf_reset(out);
        strbuf_addstr(out, name);
    } else if (strcmp(out->buf, name)) {
        note("crate %s is called %s in %s", name, out->buf,
             r->registry_dir ? r->registry_dir : "crates.io");
    }
}

void registry_lookup(const struct registry *r, struct registry_crate *crates, size_t n)
{
    /* crates.io changes: its answer is asked for (a directory source is what it is). */
    int asked = n && !r->registry_dir && !r->offline && !spawn_interrupted &&
                refresh_index(r, crates, n);
    for (size_t i = 0; i < n; i++) {
        struct registry_crate *c = &crates[i];
        strbuf_reset(&c->name);
        strbuf_reset(&c->newest);
        if (!find_variant(r, c->code_name, &c->name, &c->newest)) {
            /* every release yanked: cargo will say so */
            c->answer = c->newest.len ? REGISTRY_FOUND : REGISTRY_UNKNOWN;
            if (strcmp(c->name.buf, c->code_name))
                note("crate %s is called %s in %s", c->code_name, c->name.buf,
                     r->registry_dir ? r->registry_dir : "crates.io");
            continue;
        }
        strbuf_addstr(&c->name, c->code_name);
        c->answer = r->registry_dir || asked ? REGISTRY_ABSENT : REGISTRY_UNKNOWN;
    }
}

/* ---- names the registry has, for "did you mean" ---- */

static void add_directory_names(const char *registry_dir, struct strlist *names)
{
    DIR *dir = opendir(registry_dir);
    struct dirent *de;
    while (dir && (de = readdir(dir))) {
        /* NAME-VERSION: the name ends at the last '-' before a digit that starts a version */
        const char *cut = NULL;
        for (const char *p = de->d_name; (p = strchr(p, '-')); p++) {
            struct semver v;
            if (!semver_parse(p + 1, &v)) {
                cut = p;
                break;
            }
        }
        if (cut) {
            char *name = xstrndup(de->d_name, (size_t)(cut - de->d_name));
            strlist_add_unique(names, name);
            free(name);
        }
    }
    if (dir)
        closedir(dir);
}

/* The file names under an index cache directory (1/, 2/, 3/x/, ab/cd/: at most two levels). */
static void add_cache_names(const char *dir_path, int depth, struct strlist *names)
{
    DIR *dir = opendir(dir_path);
    struct dirent *de;
    struct strbuf sub = STRBUF_INIT;
    struct stat st;
    while (dir && (de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue;
        strbuf_reset(&sub);
        strbuf_addf(&sub, "%s/%s", dir_path, de->d_name);
        if (stat(sub.buf, &st))
            continue;
        if (S_ISDIR(st.st_mode) && depth < 2)
            add_cache_names(sub.buf, depth + 1, names);
        else if (S_ISREG(st.st_mode))
            strlist_add_unique(names, de->d_name);
    }
    if (dir)
        closedir(dir);
    strbuf_release(&sub);
}

void registry_known_names(const struct registry *r, struct strlist *names)
{
    if (r->registry_dir) {
        add_directory_names(r->registry_dir, names);
        return;
    }
    if (!r->cargo_home)
        return;
    struct strbuf index = STRBUF_INIT, cache = STRBUF_INIT;
    strbuf_addf(&index, "%s/registry/index", r->cargo_home);
    DIR *dir = opendir(index.buf);
    struct dirent *de;
    while (dir && (de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue;
        strbuf_reset(&cache);
        strbuf_addf(&cache, "%s/%s/.cache", index.buf, de->d_name);
        add_cache_names(cache.buf, 0, names);
    }
    if (dir)
        closedir(dir);
    strbuf_release(&index);
    strbuf_release(&cache);
}

/* ---- one release: its dependencies, features, checksum ---- */

static struct registry_dep *add_dep(struct registry_release *rel, const char *package,
                                    const char *req, enum registry_dep_kind kind, int optional)
{
    ALLOC_GROW(rel->deps, rel->ndeps + 1, rel->deps_alloc);
    struct registry_dep *d = &rel->deps[rel->ndeps++];
    memset(d, 0, sizeof(*d));
    d->package = xstrdup(package);
    d->req = xstrdup(req && *req ? req : "*");
    d->kind = kind;
    d->optional = optional;
    return d;
}

void registry_release_free(struct registry_release *rel)
{
    for (size_t i = 0; i < rel->ndeps; i++) {
        free(rel->deps[i].package);
        free(rel->deps[i].req);
        strlist_release(&rel->deps[i].features);
    }
    free(rel->deps);
    free(rel->checksum);
    strlist_release(&rel->features);
    memset(rel, 0, sizeof(*rel));
}

static enum registry_dep_kind kind_of(const char *kind)
{
    if (kind && !strcmp(kind, "build"))
        return REGISTRY_DEP_BUILD;
    return kind && !strcmp(kind, "dev") ? REGISTRY_DEP_DEV : REGISTRY_DEP_NORMAL;
}

static int json_true(const struct json *object, const char *key, int otherwise)
{
    const struct json *v = json_get(object, key);
    return v && v->type == JSON_BOOL ? v->boolean : otherwise;
}

static void add_json_keys(const struct json *object, struct strlist *names)
{
    for (size_t i = 0; object && object->type == JSON_OBJECT && i < object->count; i++)
        strlist_add_unique(names, object->keys[i]);
}

/* A release's line in the index: {"name", "vers", "deps": [{"name", "req", "features",
 * "optional", "default_features", "target", "kind", "package"}], "features", "features2",
 * "cksum", "yanked"}. */
static void release_from_json(const struct json *j, struct registry_release *rel)
{
    const struct json *deps = json_get(j, "deps");
    for (size_t i = 0; deps && deps->type == JSON_ARRAY && i < deps->count; i++) {
        const struct json *d = deps->items[i];
        const char *name = json_get_string(d, "name"), *package = json_get_string(d, "package");
        if (!name)
            continue;
        struct registry_dep *dep = add_dep(rel, package ? package : name,
                                           json_get_string(d, "req"),
                                           kind_of(json_get_string(d, "kind")),
                                           json_true(d, "optional", 0));
        const struct json *features = json_get(d, "features");
        for (size_t k = 0; features && features->type == JSON_ARRAY && k < features->count; k++)
            if (features->items[k]->type == JSON_STRING)
                strlist_add_unique(&dep->features, features->items[k]->text);
        if (json_true(d, "default_features", 1))
            strlist_add_unique(&dep->features, "default");
        if (dep->optional)
            strlist_add_unique(&rel->features, name);
    }
    add_json_keys(json_get(j, "features"), &rel->features);
    add_json_keys(json_get(j, "features2"), &rel->features);
    const char *sum = json_get_string(j, "cksum");
    rel->checksum = sum ? xstrdup(sum) : NULL;
    rel->yanked = is_yanked(j);
}

struct release_search {
    const char *version;
    struct registry_release *out;
    int found;
};

static int read_index_release(void *ctx, const char *version, const char *json, size_t len)
{
    struct release_search *s = ctx;
    if (strcmp(version, s->version))
        return 0;
    struct json *j = json_parse(json, len);
    if (j) {
        release_from_json(j, s->out);
        s->found = 1;
    }
    json_free(j);
    return 1;
}

static int bool_of(const struct toml_value *table, const char *key, int otherwise)
{
    const struct toml_value *v = toml_get(table, key);
    return v && v->type == TOML_BOOL ? !strcmp(v->text, "true") : otherwise;
}

/* One [dependencies]-like table of a Cargo.toml. */
static void add_toml_deps(const struct toml_value *deps, enum registry_dep_kind kind,
                          struct registry_release *rel)
{
    for (size_t i = 0; deps && deps->type == TOML_TABLE && i < deps->count; i++) {
        const struct toml_value *d = deps->items[i];
        const char *key = deps->keys[i], *req = d->type == TOML_STRING ? d->text : NULL;
        const char *package = NULL;
        int optional = 0, defaults = 1;
        if (d->type == TOML_TABLE) {
            req = string_of(d, "version");
            package = string_of(d, "package");
            optional = bool_of(d, "optional", 0);
            defaults = bool_of(d, "default-features", bool_of(d, "default_features", 1));
        }
        struct registry_dep *dep = add_dep(rel, package ? package : key, req, kind, optional);
        dep->local = d->type == TOML_TABLE && (toml_get(d, "path") || toml_get(d, "git"));
        const struct toml_value *features = toml_get(d, "features");
        for (size_t k = 0; features && features->type == TOML_ARRAY && k < features->count; k++)
            if (features->items[k]->type == TOML_STRING)
                strlist_add_unique(&dep->features, features->items[k]->text);
        if (defaults)
            strlist_add_unique(&dep->features, "default");
        if (optional)
            strlist_add_unique(&rel->features, key);
    }
}

/* The dependency tables of a Cargo.toml (or of one [target.X]): both spellings cargo reads. */
static void add_toml_dep_tables(const struct toml_value *holder, struct registry_release *rel)
{
    static const struct {
        const char *key;
        enum registry_dep_kind kind;
    } tables[] = {{"dependencies", REGISTRY_DEP_NORMAL},     {"build-dependencies", REGISTRY_DEP_BUILD},
                  {"build_dependencies", REGISTRY_DEP_BUILD}, {"dev-dependencies", REGISTRY_DEP_DEV},
                  {"dev_dependencies", REGISTRY_DEP_DEV}};
    for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++)
        add_toml_deps(toml_get(holder, tables[i].key), tables[i].kind, rel);
}

/* The dependencies and features of a parsed Cargo.toml. */
static void release_from_toml(const struct toml_value *doc, struct registry_release *rel)
{
    add_toml_dep_tables(doc, rel);
    const struct toml_value *targets = toml_get(doc, "target");
    for (size_t i = 0; targets && targets->type == TOML_TABLE && i < targets->count; i++)
        add_toml_dep_tables(targets->items[i], rel);
    add_toml_keys(toml_get(doc, "features"), &rel->features);
}

/* [features] entries "dep/feature" (or "dep?/feature") ask dep for feature. */
static void add_feature_requests(const struct toml_value *features, struct registry_release *rel)
{
    for (size_t i = 0; features && features->type == TOML_TABLE && i < features->count; i++) {
        const struct toml_value *list = features->items[i];
        for (size_t k = 0; list->type == TOML_ARRAY && k < list->count; k++) {
            const char *f = list->items[k]->type == TOML_STRING ? list->items[k]->text : "";
            const char *slash = strchr(f, '/');
            size_t n = slash ? (size_t)(slash - f) : 0;
            if (n && f[n - 1] == '?')
                n--;
            for (size_t d = 0; slash && d < rel->ndeps; d++)
                if (strlen(rel->deps[d].package) == n && !strncmp(rel->deps[d].package, f, n))
                    strlist_add_unique(&rel->deps[d].features, slash + 1);
        }
    }
}

int registry_release_from_manifest(const char *manifest, struct registry_release *out)
{
    struct toml_error err;
    struct toml_value *doc = toml_parse(manifest, strlen(manifest), 1, &err);
    memset(out, 0, sizeof(*out));
    if (!doc)
        return -1;
    release_from_toml(doc, out);
    add_feature_requests(toml_get(doc, "features"), out);
    toml_free(doc);
    return 0;
}

/* A directory source's release: its Cargo.toml and .cargo-checksum.json. */
static int read_directory_release(const char *registry_dir, const char *name,
                                  const char *version, struct registry_release *rel)
{
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    struct toml_error err;
    strbuf_addf(&path, "%s/%s-%s/Cargo.toml", registry_dir, name, version);
    struct toml_value *doc = fs_read_file(path.buf, &text) ? NULL
                                                            : toml_parse(text.buf, text.len, 1, &err);
    if (doc) {
        release_from_toml(doc, rel);
        strbuf_reset(&path);
        strbuf_reset(&text);
        strbuf_addf(&path, "%s/%s-%s/.cargo-checksum.json", registry_dir, name, version);
        struct json *sums = fs_read_file(path.buf, &text) ? NULL : json_parse(text.buf, text.len);
        const char *sum = json_get_string(sums, "package");
        rel->checksum = sum ? xstrdup(sum) : NULL;
        json_free(sums);
    }
    toml_free(doc);
    strbuf_release(&path);
    strbuf_release(&text);
    return doc ? 0 : -1;
}

int registry_release_read(const struct registry *r, const char *name, const char *version,
                          struct registry_release *out)
{
    memset(out, 0, sizeof(*out));
    if (r->registry_dir)
        return read_directory_release(r->registry_dir, name, version, out);
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    struct release_search s = {version, out, 0};
    if (r->cargo_home && !index_cache_file(r->cargo_home, name, &path) &&
        !fs_read_file(path.buf, &text))
        index_cache_each(&text, read_index_release, &s);
    strbuf_release(&path);
    strbuf_release(&text);
    return s.found ? 0 : -1;
}


/* The lock's [[package]] named name (and with that version, when given); NULL if none or
 * several match. */
static const struct toml_value *find_package(const struct toml_value *packages, const char *name,
                                             const char *version, size_t version_len)
{
    const struct toml_value *found = NULL;
    for (size_t i = 0; packages && packages->type == TOML_ARRAY && i < packages->count; i++) {
        const struct toml_value *p = packages->items[i];
        const char *n = string_of(p, "name"), *v = string_of(p, "version");
        if (!n || !v || strcmp(n, name) ||
            (version && (strlen(v) != version_len || strncmp(v, version, version_len))))
            continue;
        if (found)
            return NULL;
        found = p;
    }
    return found;
}

int registry_locked_version(const char *lock, size_t len, const char *root, const char *crate,
                            struct strbuf *version)
{
    struct toml_error err;
    struct toml_value *doc = toml_parse(lock, len, 1, &err);
    const struct toml_value *packages = toml_get(doc, "package");
    const struct toml_value *deps = toml_get(find_package(packages, root, NULL, 0), "dependencies");
    int result = -1;
    for (size_t i = 0; result && deps && deps->type == TOML_ARRAY && i < deps->count; i++) {
        /* "name", or "name version" when the lock holds several versions of name */
        const char *dep = deps->items[i]->type == TOML_STRING ? deps->items[i]->text : "";
        size_t n = strcspn(dep, " ");
        if (strlen(crate) != n || strncmp(dep, crate, n))
            continue;
        const char *v = dep[n] ? dep + n + 1 : NULL;
        const struct toml_value *p = find_package(packages, crate, v, v ? strcspn(v, " ") : 0);
        if (p) {
            strbuf_addstr(version, string_of(p, "version"));
            result = 0;
        }
    }
    toml_free(doc);
    return result;
}
