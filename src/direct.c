#include "direct.h"

#include "cache/record.h"
#include "cargo/depinfo.h"
#include "cargo/replay.h"
#include "toml/toml.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/spawn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

/* ---- what a command is valid for ---- */

/* Variables that change what cargo asks of rustc (or which rustc): RUSTFLAGS and its kin,
 * cargo's CARGO_* configuration, rustup's choice of toolchain. */
static int is_build_variable(const char *entry)
{
    static const char *const prefixes[] = {"CARGO_", "RUSTUP_", "RUSTC", "RUSTFLAGS=",
                                           "RUSTDOCFLAGS=", NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (!strncmp(entry, *p, strlen(*p)))
            return 1;
    return 0;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void hash_build_variables(struct hasher *h)
{
    struct strlist vars = STRLIST_INIT;
    for (char **e = environ; *e; e++)
        if (is_build_variable(*e))
            strlist_add(&vars, *e);
    if (vars.count)
        qsort(vars.items, vars.count, sizeof(char *), by_string);
    for (size_t i = 0; i < vars.count; i++)
        hasher_add_field(h, vars.items[i]);
    strlist_release(&vars);
}

static void hash_file(struct hasher *h, const char *path)
{
    struct strbuf text = STRBUF_INIT;
    hasher_add_field(h, path);
    if (!fs_read_file(path, &text))
        hasher_add(h, text.buf, text.len);
    hasher_add_field(h, "");
    strbuf_release(&text);
}

/* The configuration files cargo (run from "/") and rustup read. */
static void hash_config_files(struct hasher *h)
{
    const char *home = getenv("HOME"), *cargo = getenv("CARGO_HOME"),
               *rustup = getenv("RUSTUP_HOME");
    struct strbuf cargo_home = STRBUF_INIT, rustup_home = STRBUF_INIT, path = STRBUF_INIT;
    strbuf_addf(&cargo_home, "%s", cargo && *cargo ? cargo : "");
    if (!cargo_home.len && home)
        strbuf_addf(&cargo_home, "%s/.cargo", home);
    strbuf_addf(&rustup_home, "%s", rustup && *rustup ? rustup : "");
    if (!rustup_home.len && home)
        strbuf_addf(&rustup_home, "%s/.rustup", home);
    const char *files[] = {"/.cargo/config", "/.cargo/config.toml", "/rust-toolchain",
                           "/rust-toolchain.toml"};
    for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
        hash_file(h, files[i]);
    const char *names[] = {"config", "config.toml"};
    for (size_t i = 0; i < 2; i++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", cargo_home.buf, names[i]);
        hash_file(h, path.buf);
    }
    strbuf_reset(&path);
    strbuf_addf(&path, "%s/settings.toml", rustup_home.buf);
    hash_file(h, path.buf);
    strbuf_release(&cargo_home);
    strbuf_release(&rustup_home);
    strbuf_release(&path);
}

/* The cargo cthag would run (another cargo may ask rustc otherwise): its path and stat data. */
static void hash_cargo(struct hasher *h)
{
    struct strbuf cargo = STRBUF_INIT;
    struct stat st;
    if (!build_locate_cargo(&cargo) && !stat(cargo.buf, &st))
        strbuf_addf(&cargo, " %llu:%llu:%llu:%lld", (unsigned long long)st.st_dev,
                    (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
                    fs_timespec_ns(&st.st_mtim));
    hasher_add_field(h, cargo.buf);
    strbuf_release(&cargo);
}

/* What any build's key covers besides the manifest and the lock. */
static void hash_setting(const struct direct_request *r, struct hasher *h)
{
    struct utsname machine;
    hash_cargo(h);
    hasher_add_field(h, r->id->opts.buf);
    hasher_add_field(h, r->bo->release ? "release" : "dev");
    hasher_add_field(h, r->bo->registry_dir ? r->bo->registry_dir : "");
    hasher_add_field(h, r->bo->features ? r->bo->features : "");
    hasher_add_field(h, uname(&machine) ? "" : machine.machine);
    hasher_add_field(h, r->p.in_place ? "in place" : "copy");
    /* A script's copy has its path remapped, an expression's has none. */
    hasher_add_field(h, r->o->kind == SOURCE_FILE || r->o->kind == SOURCE_URL ? "file" : "text");
    hash_build_variables(h);
    hash_config_files(h);
}

/* The configuration key of the entry's command: its generated manifest and lock, and setting. */
static void config_key(const struct direct_request *r, char key[HASH_HEX_LEN + 1])
{
    struct hasher *h = hasher_new();
    struct strbuf lock = STRBUF_INIT;
    strbuf_addf(&lock, "%s/Cargo.lock", r->entry->project_dir.buf);
    hasher_add_field(h, "cthag-rustc-config " CACHE_FORMAT_VERSION);
    hasher_add_field(h, r->p.manifest);
    hash_file(h, lock.buf);
    hash_setting(r, h);
    hasher_finish(h, key);
    strbuf_release(&lock);
}

/* The manifest with the entry's names (package, binary, source) made placeholders: entries
 * with the same shape get the same command but for those names. */
static int shape_key(const struct direct_request *r, char key[HASH_HEX_LEN + 1])
{
    struct toml_error err;
    const char *manifest = r->p.manifest;
    struct toml_value *root = toml_parse(manifest, strlen(manifest), 1, &err);
    struct toml_value *package = toml_get(root, "package"), *bins = toml_get(root, "bin");
    if (!package || !bins || bins->type != TOML_ARRAY || bins->count != 1) {
        toml_free(root);
        return -1;
    }
    toml_set(package, "name", toml_new_string("@package@"));
    toml_set(bins->items[0], "name", toml_new_string("@bin@"));
    toml_set(bins->items[0], "path", toml_new_string("@source@"));
    struct strbuf shape = STRBUF_INIT;
    toml_write(root, &shape);
    toml_free(root);
    struct hasher *h = hasher_new();
    hasher_add_field(h, "cthag-rustc-shape " CACHE_FORMAT_VERSION);
    hasher_add_field(h, shape.buf);
    hash_setting(r, h);
    hasher_finish(h, key);
    strbuf_release(&shape);
    return 0;
}

/* ---- where commands are kept ---- */

static void spec_path(const struct cache_entry *e, struct strbuf *out)
{
    strbuf_addf(out, "%s/rustc", e->project_dir.buf);
}

static void template_path(const struct cache_entry *e, const char *shape, struct strbuf *out)
{
    strbuf_addf(out, "%s/projects/.templates", e->root.buf);
    if (shape)
        strbuf_addf(out, "/%s", shape);
}

static void entry_names(const struct direct_request *r, struct replay_names *n)
{
    const struct options *o = r->o;
    n->entry = r->entry->name.buf;
    n->package = r->entry->package.buf;
    n->project = r->entry->project_dir.buf;
    n->source = r->p.in_place ? r->p.in_place : r->p.copy_name;
    n->script = o->kind == SOURCE_FILE || o->kind == SOURCE_URL ? r->id->source : NULL;
}

/* ---- choosing ---- */

static int may_skip_cargo(const struct options *o)
{
    return !o->force && !o->update &&
           (o->action == ACTION_RUN || o->action == ACTION_BUILD ||
            o->action == ACTION_EXECUTABLE || o->action == ACTION_PRINT_TOML);
}

/* The entry's own command, valid for key, or a template's made the entry's; 0 when there is
 * one.  how says which. */
static int find_command(const struct direct_request *r, const char *key, struct rustc_spec *spec,
                        const char **how)
{
    struct strbuf path = STRBUF_INIT;
    char shape[HASH_HEX_LEN + 1];
    spec_path(r->entry, &path);
    int found = !replay_spec_load(path.buf, spec) && !strcmp(spec->config, key);
    *how = "the rustc command cargo ran for it";
    if (!found && !shape_key(r, shape)) {
        struct rustc_spec tmpl;
        struct replay_names names;
        replay_spec_init(&tmpl);
        entry_names(r, &names);
        strbuf_reset(&path);
        template_path(r->entry, shape, &path);
        replay_spec_release(spec);
        replay_spec_init(spec);
        found = !replay_spec_load(path.buf, &tmpl) && !replay_derive(&tmpl, &names, key, spec);
        *how = "the rustc command of a dependency-free script like it";
        replay_spec_release(&tmpl);
    }
    strbuf_release(&path);
    return found ? 0 : -1;
}

/* Is the command still what cargo would run?  The libraries it reads are the ones it read, and
 * the entry's other inputs (path dependencies) have not changed.  old gets the entry's record
 * (has_old: loaded). */
static int command_still_valid(const struct direct_request *r, const struct rustc_spec *spec,
                               struct entry_record *old, int *has_old)
{
    const char *why = replay_deps_changed(spec);
    if (why) {
        note("%s: %s changed since the build it was compiled for; building with cargo",
             r->o->script, why);
        return 0;
    }
    *has_old = !entry_record_load(r->entry->record_path.buf, old) &&
               identity_owns_record(r->id, old);
    if (*has_old && !freshness_others_unchanged(r->in, old, &spec->own, &why)) {
        note("%s: %s, not a file of the script's own crate, changed; building with cargo",
             r->o->script, why);
        return 0;
    }
    /* The entry's own command without a record would leave its other inputs unknown. */
    if (!*has_old && spec->own.count) {
        note("%s: no record of the entry's inputs; building with cargo", r->o->script);
        return 0;
    }
    return 1;
}

/* ---- building ---- */

/* rustc's dep-info lists the crate's own files: the spec's, from now on. */
static void update_own_files(struct rustc_spec *spec, const char *depinfo)
{
    struct strbuf text = STRBUF_INIT;
    struct depinfo info = DEPINFO_INIT;
    if (!fs_read_file(depinfo, &text) && !depinfo_parse(text.buf, text.len, &info)) {
        strlist_release(&spec->own);
        spec->own = info.files;
        info.files = (struct strlist)STRLIST_INIT;
    }
    depinfo_release(&info);
    strbuf_release(&text);
}

/* The executable cargo last built for the entry is outdated now: removed, so that the cache
 * keeps one copy of each executable (cargo builds the crate again when it next builds the
 * entry: cthag makes it, and the output is missing). */
static void remove_cargo_outputs(const struct direct_request *r, const struct rustc_spec *spec)
{
    struct strlist outputs = STRLIST_INIT;
    struct strbuf target = STRBUF_INIT;
    strbuf_addf(&target, "%s/target/", r->entry->root.buf);
    replay_cargo_outputs(spec, &outputs);
    for (size_t i = 0; i < outputs.count; i++)
        if (!strncmp(outputs.items[i], target.buf, target.len))
            unlink(outputs.items[i]);
    strlist_release(&outputs);
    strbuf_release(&target);
}

/* Install the executable, remove the private directory it was built in (so that no crash after
 * the install leaves it behind), then write the record, and keep the command. */
static int commit_direct(const struct direct_request *r, struct rustc_spec *spec,
                         const struct entry_record *old, const char *out_dir, const char *exe,
                         const char *depinfo)
{
    struct entry_record rec;
    freshness_record_direct(r->in, depinfo, old, &spec->own, &rec);
    if (spec->cmd.libstd.len)
        freshness_record_file(r->in, spec->cmd.libstd.buf, &rec);
    update_own_files(spec, depinfo);
    test_crash_point("built");
    int result = cache_commit_install(r->entry, exe, &rec);
    fs_remove_tree(out_dir);
    if (!result)
        result = cache_commit_record(r->entry, &rec);
    entry_record_release(&rec);
    if (!result) {
        struct strbuf path = STRBUF_INIT;
        remove_cargo_outputs(r, spec);
        spec_path(r->entry, &path);
        replay_spec_store(path.buf, spec);
        strbuf_release(&path);
    }
    return result;
}

/* Run the command into a private directory of the entry, and commit what it built. */
static enum direct_result run_command(const struct direct_request *r, struct rustc_spec *spec,
                                      const struct entry_record *old)
{
    struct strbuf out_dir = STRBUF_INIT, exe = STRBUF_INIT, depinfo = STRBUF_INIT;
    struct strlist owned = STRLIST_INIT;
    struct build_request req = {CARGO_BUILD, NULL, 0, r->p.diag, NULL, NULL, NULL};
    const char **env = build_environment(r->bo, &req, &owned);
    strbuf_addf(&out_dir, "%s/rustc-out.tmp.%ld", r->entry->project_dir.buf, (long)getpid());
    fs_remove_tree(out_dir.buf);
    enum direct_result result = DIRECT_CARGO;
    if (fs_mkdir_private(out_dir.buf)) {
        error("cannot create %s: %s", out_dir.buf, strerror(errno));
        goto done;
    }
    struct replay_run run = {env, out_dir.buf, r->p.diag, r->bo->quiet, r->bo->color, &exe,
                             &depinfo};
    freshness_before_build(r->in);
    int status = replay_run(spec, &run);
    const char *changed = status >= 0 ? replay_deps_changed(spec) : NULL;
    if (spawn_interrupted) {
        error("%s: interrupted; nothing was installed", r->o->script);
        result = DIRECT_FAILED;
    } else if (status < 0 || changed) {
        note("%s: %s; building with cargo", r->o->script,
             changed ? "a library changed during rustc's build" : "rustc did not start");
    } else if (status) {
        error("%s: build failed (rustc exited with status %d)", r->o->script, status);
        result = DIRECT_FAILED;
    } else if (!exe.len || !depinfo.len) {
        note("%s: rustc reported no executable; building with cargo", r->o->script);
    } else {
        result = commit_direct(r, spec, old, out_dir.buf, exe.buf, depinfo.buf) ? DIRECT_FAILED
                                                                                   : DIRECT_BUILT;
    }
done:
    fs_remove_tree(out_dir.buf);
    strbuf_release(&out_dir);
    strbuf_release(&exe);
    strbuf_release(&depinfo);
    strlist_release(&owned);
    free(env);
    return result;
}

enum direct_result direct_build(const struct direct_request *r)
{
    const struct options *o = r->o;
    if (!may_skip_cargo(o))
        return DIRECT_CARGO;
    char key[HASH_HEX_LEN + 1];
    const char *how;
    struct rustc_spec spec;
    struct entry_record old;
    int has_old = 0;
    memset(&old, 0, sizeof(old));
    replay_spec_init(&spec);
    config_key(r, key);
    enum direct_result result = DIRECT_CARGO;
    if (find_command(r, key, &spec, &how)) {
        note("%s: no rustc command for this configuration yet; building with cargo", o->script);
    } else if (command_still_valid(r, &spec, &old, &has_old)) {
        note("%s: building with rustc directly (%s; no cargo, no cargo lock)", o->script, how);
        if (!cache_write_project(r->entry, r->p.manifest, strlen(r->p.manifest),
                                 r->p.in_place ? NULL : r->p.copy_name, r->p.code,
                                 r->p.code_len, 0))
            result = run_command(r, &spec, has_old ? &old : NULL);
    }
    if (has_old)
        entry_record_release(&old);
    replay_spec_release(&spec);
    return result;
}

/* ---- keeping cargo's command ---- */

static void keep_template(const struct direct_request *r, const struct rustc_spec *spec)
{
    char shape[HASH_HEX_LEN + 1];
    struct strbuf path = STRBUF_INIT;
    template_path(r->entry, NULL, &path);
    if (!shape_key(r, shape) && (!fs_mkdir_private(path.buf) || errno == EEXIST)) {
        strbuf_reset(&path);
        template_path(r->entry, shape, &path);
        replay_spec_store(path.buf, spec);
    }
    strbuf_release(&path);
}

void direct_keep(const struct direct_request *r, const char *capture, const char *const *handed)
{
    struct rustc_command cmd = RUSTC_COMMAND_INIT;
    struct rustc_spec spec;
    struct replay_names names;
    struct strbuf path = STRBUF_INIT;
    char key[HASH_HEX_LEN + 1];
    replay_spec_init(&spec);
    spec_path(r->entry, &path);
    entry_names(r, &names);
    config_key(r, key);
    char **env = spawn_environment(handed);
    if (!replay_read_capture(capture, &cmd) &&
        !replay_spec_from_capture(&cmd, env, &names, key, &spec) &&
        !replay_spec_store(path.buf, &spec)) {
        if (replay_is_template(&spec))
            keep_template(r, &spec);
    } else {
        unlink(path.buf); /* no command to replay: the next build goes through cargo too */
    }
    free(env);
    rustc_command_release(&cmd);
    replay_spec_release(&spec);
    strbuf_release(&path);
}
