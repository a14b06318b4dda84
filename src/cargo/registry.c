#include "cargo/registry.h"

#include "cargo/build.h"
#include "toml/toml.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/spawn.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* Does the directory source hold NAME-<version>? */
static int directory_has(const char *registry_dir, const char *name)
{
    DIR *dir = opendir(registry_dir);
    if (!dir)
        return 0;
    size_t n = strlen(name);
    int found = 0;
    struct dirent *de;
    while (!found && (de = readdir(dir)))
        found = !strncmp(de->d_name, name, n) && de->d_name[n] == '-' &&
                de->d_name[n + 1] >= '0' && de->d_name[n + 1] <= '9';
    closedir(dir);
    return found;
}

/* Has cargo fetched the crate's index entry from a registry (crates.io or its replacement)? */
static int index_cache_has(const char *cargo_home, const char *name)
{
    struct strbuf dir_path = STRBUF_INIT, file = STRBUF_INIT, rel = STRBUF_INIT;
    strbuf_addf(&dir_path, "%s/registry/index", cargo_home);
    registry_index_path(name, &rel);
    DIR *dir = opendir(dir_path.buf);
    struct dirent *de;
    struct stat st;
    int found = 0;
    while (dir && !found && (de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue;
        strbuf_reset(&file);
        strbuf_addf(&file, "%s/%s/.cache/%s", dir_path.buf, de->d_name, rel.buf);
        found = !stat(file.buf, &st) && S_ISREG(st.st_mode);
    }
    if (dir)
        closedir(dir);
    strbuf_release(&dir_path);
    strbuf_release(&file);
    strbuf_release(&rel);
    return found;
}

static int registry_has(const struct registry *r, const char *name)
{
    if (r->registry_dir)
        return directory_has(r->registry_dir, name);
    return r->cargo_home && index_cache_has(r->cargo_home, name);
}

/* The names cargo tries, in its order: as given, every '_' as '-', every '-' as '_'.  Leaves
 * the one the registry has in out and returns 0, or -1. */
static int find_variant(const struct registry *r, const char *name, struct strbuf *out)
{
    static const char swaps[][2] = {{0, 0}, {'_', '-'}, {'-', '_'}};
    for (size_t v = 0; v < sizeof(swaps) / sizeof(*swaps); v++) {
        strbuf_reset(out);
        strbuf_addstr(out, name);
        for (size_t i = 0; v && i < out->len; i++)
            if (out->buf[i] == swaps[v][0])
                out->buf[i] = swaps[v][1];
        if ((!v || strcmp(out->buf, name)) && registry_has(r, out->buf))
            return 0;
    }
    return -1;
}

/* A scratch project depending on name: cargo's lookup of it fills the index cache. */
static int write_probe(const char *dir, const char *name)
{
    struct strbuf path = STRBUF_INIT, manifest = STRBUF_INIT;
    strbuf_addstr(&manifest, "[package]\nname = \"cthag-names\"\nversion = \"0.0.0\"\n"
                             "edition = \"2021\"\n[lib]\npath = \"lib.rs\"\n[dependencies]\n");
    toml_write_string(&manifest, name, strlen(name));
    strbuf_addstr(&manifest, " = \"*\"\n[workspace]\n");
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

/* Ask cargo to look the crate up (it tries the '-'/'_' variants itself); its output is not
 * shown: a crate that does not exist is reported by the build. */
static void ask_cargo(const struct registry *r, const char *name)
{
    struct strbuf cargo = STRBUF_INIT, dir = STRBUF_INIT, manifest = STRBUF_INIT;
    struct strbuf toolchain = STRBUF_INIT, output = STRBUF_INIT;
    const char *tmp = getenv("TMPDIR");
    strbuf_addf(&dir, "%s/cthag-names-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
    if (build_locate_cargo(&cargo, NULL) || !mkdtemp(dir.buf)) {
        strbuf_release(&cargo);
        strbuf_release(&dir);
        return;
    }
    note("crate %s: not in cargo's index cache; asking cargo for the name crates.io has", name);
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
    argv[argc++] = "--quiet";
    argv[argc] = NULL;
    struct spawn_opts opts = {.capture = &output, .cwd = "/"}; /* as builds: no toolchain file */
    if (!write_probe(dir.buf, name))
        spawn_wait(argv, &opts);
    fs_remove_tree(dir.buf);
    strbuf_release(&cargo);
    strbuf_release(&dir);
    strbuf_release(&manifest);
    strbuf_release(&toolchain);
    strbuf_release(&output);
}

void registry_crate_name(const struct registry *r, const char *name, struct strbuf *out)
{
    int separated = strpbrk(name, "-_") != NULL;
    int found = separated && !find_variant(r, name, out);
    if (!found && separated && !r->registry_dir && !r->offline && !spawn_interrupted) {
        ask_cargo(r, name);
        found = !find_variant(r, name, out);
    }
    if (!found) {
        strbuf_reset(out);
        strbuf_addstr(out, name);
    } else if (strcmp(out->buf, name)) {
        note("crate %s is called %s in %s", name, out->buf,
             r->registry_dir ? r->registry_dir : "crates.io");
    }
}

static const char *string_of(const struct toml_value *table, const char *key)
{
    const struct toml_value *v = toml_get(table, key);
    return v && v->type == TOML_STRING ? v->text : NULL;
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
