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

/* The configuration a record was built with (generated manifest and lock, registry, options,
 * toolchain, cargo's configuration): a kept command is valid for the one it was kept with.
 * Whether that configuration is still today's is the freshness module's to say. */
static void spec_key(const struct entry_record *rec, char key[HASH_HEX_LEN + 1])
{
    struct hasher *h = hasher_new();
    hasher_add_field(h, "cthag-rustc-config " CACHE_FORMAT_VERSION);
    hasher_add_field(h, rec->manifest);
    hasher_add_field(h, rec->lock);
    hasher_add_field(h, rec->config);
    hasher_add_field(h, rec->rustc ? rec->rustc : "");
    hasher_add_field(h, rec->sysroot ? rec->sysroot : "");
    hasher_add_field(h, rec->registry);
    hasher_add_field(h, rec->opts);
    hasher_finish(h, key);
}

/* What a template's command depends on besides the manifest's shape. */
static void hash_setting(const struct direct_request *r, struct hasher *h)
{
    struct utsname machine;
    hasher_add_field(h, r->id->opts.buf);
    hasher_add_field(h, r->bo->release ? "release" : "dev");
    hasher_add_field(h, r->bo->registry_dir ? r->bo->registry_dir : "");
    hasher_add_field(h, r->bo->features ? r->bo->features : "");
    hasher_add_field(h, uname(&machine) ? "" : machine.machine);
    hasher_add_field(h, r->p.in_place ? "in place" : "copy");
    /* A script's copy has its path remapped, an expression's has none. */
    hasher_add_field(h, r->o->kind == SOURCE_FILE || r->o->kind == SOURCE_URL ? "file" : "text");
}

/* The manifest with the entry's names (package, binary, source, label) made placeholders: entries
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
    /* what --cache-stats shows for the entry (the script's path, "-e TEXT") */
    struct toml_value *label = toml_get(toml_get(package, "metadata"), "cthag");
    if (label && label->type == TOML_TABLE && toml_get(label, "source"))
        toml_set(label, "source", toml_new_string("@label@"));
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

/* The entry's names; bin holds its binary's. */
static void entry_names(const struct direct_request *r, struct replay_names *n, struct strbuf *bin)
{
    const struct options *o = r->o;
    cache_bin_name(r->entry->stem.buf, bin);
    n->entry = r->entry->name.buf;
    n->package = r->entry->package.buf;
    n->bin = bin->buf;
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

/* What a direct build goes by: the command, and the record whose configuration (and, for the
 * entry's own, other units) it carries over. */
struct plan {
    struct rustc_spec spec;
    struct entry_record base;
    int has_base, base_is_entry;
    const char *how;
};

/* The entry's own command: kept with its record, and since then only the script crate's own
 * files changed.  0 when it applies; 1 when the entry has a record that rules a direct build
 * out (the reason noted); -1 when there is no command to go by. */
static int own_command(const struct direct_request *r, struct plan *p)
{
    struct strbuf path = STRBUF_INIT;
    char key[HASH_HEX_LEN + 1];
    spec_path(r->entry, &path);
    p->has_base = !entry_record_load(r->entry->record_path.buf, &p->base) &&
                  identity_owns_record(r->id, &p->base);
    int loaded = p->has_base && !replay_spec_load(path.buf, &p->spec);
    strbuf_release(&path);
    if (!loaded)
        return -1;
    spec_key(&p->base, key);
    if (strcmp(key, p->spec.config))
        return -1;
    p->base_is_entry = 1;
    p->how = "the rustc command cargo ran for it";
    if (p->base.uncacheable || freshness_classify(r->in, &p->base) == CHANGED_MORE) {
        note("%s: more than the script crate's own files changed since its last build (its "
             "manifest, lock, toolchain, configuration or a path dependency); building with "
             "cargo", r->o->script);
        return 1;
    }
    return 0;
}

/* The template of the entry's shape, as stored (its path into path): 0, or -1 when there is
 * none. */
static int load_template(const struct direct_request *r, struct rustc_spec *tmpl,
                         struct strbuf *path)
{
    char shape[HASH_HEX_LEN + 1];
    if (shape_key(r, shape))
        return -1;
    template_path(r->entry, shape, path);
    return replay_spec_load(path->buf, tmpl);
}

/* A template's command, made the entry's: a dependency-free entry's of the same shape, whose
 * record says its configuration is still today's. */
static int template_command(const struct direct_request *r, struct plan *p)
{
    struct rustc_spec tmpl;
    struct replay_names names;
    struct strbuf path = STRBUF_INIT, record = STRBUF_INIT, bin = STRBUF_INIT;
    int found = 0;
    replay_spec_init(&tmpl);
    replay_spec_release(&p->spec);
    replay_spec_init(&p->spec);
    entry_record_release(&p->base);
    memset(&p->base, 0, sizeof(p->base));
    p->has_base = p->base_is_entry = 0;
    if (!load_template(r, &tmpl, &path)) {
        strbuf_addf(&record, "%s/projects/%s/entry", r->entry->root.buf, tmpl.entry.buf);
        p->has_base = !entry_record_load(record.buf, &p->base);
        if (!p->has_base && access(record.buf, F_OK) && errno == ENOENT)
            unlink(path.buf); /* its entry is gone (--gc): a later cargo build makes another */
        entry_names(r, &names, &bin);
        found = p->has_base && !p->base.uncacheable && p->base.units.count == 1 &&
                freshness_config_holds(&p->base) && !replay_derive(&tmpl, &names, "", &p->spec);
    }
    p->how = "the rustc command of a dependency-free script like it";
    replay_spec_release(&tmpl);
    strbuf_release(&path);
    strbuf_release(&record);
    strbuf_release(&bin);
    return found ? 0 : -1;
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

/* Keep the command with the record it was committed with. */
static void store_spec(const struct direct_request *r, struct rustc_spec *spec,
                       const struct entry_record *rec)
{
    struct strbuf path = STRBUF_INIT;
    spec_key(rec, spec->config);
    spec_path(r->entry, &path);
    if (replay_spec_store(path.buf, spec))
        unlink(path.buf);
    strbuf_release(&path);
}

/* Install the executable, remove the private directory it was built in (so that no crash after
 * the install leaves it behind), then write the record, and keep the command. */
static int commit_direct(const struct direct_request *r, struct plan *p, const char *out_dir,
                         const char *exe, const char *depinfo)
{
    struct entry_record rec;
    freshness_record_direct(r->in, depinfo, p->has_base ? &p->base : NULL, p->base_is_entry, &rec);
    if (p->spec.cmd.libstd.len)
        freshness_record_file(r->in, p->spec.cmd.libstd.buf, &rec);
    update_own_files(&p->spec, depinfo);
    test_crash_point("built");
    int result = cache_commit_install(r->entry, exe, &rec);
    fs_remove_tree(out_dir);
    if (!result)
        result = cache_commit_record(r->entry, &rec);
    if (!result) {
        remove_cargo_outputs(r, &p->spec);
        store_spec(r, &p->spec, &rec);
    }
    entry_record_release(&rec);
    return result;
}

/* Run the command into a private directory of the entry, and commit what it built. */
static enum direct_result run_command(const struct direct_request *r, struct plan *p)
{
    struct strbuf out_dir = STRBUF_INIT, exe = STRBUF_INIT, depinfo = STRBUF_INIT;
    struct strlist owned = STRLIST_INIT;
    struct build_request req = {.action = CARGO_BUILD, .diag = r->p.diag};
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
    int status = replay_run(&p->spec, &run);
    const char *changed = status >= 0 ? replay_deps_changed(&p->spec) : NULL;
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
        result = commit_direct(r, p, out_dir.buf, exe.buf, depinfo.buf) ? DIRECT_FAILED
                                                                         : DIRECT_BUILT;
    }
    freshness_build_done(r->in);
done:
    fs_remove_tree(out_dir.buf);
    strbuf_release(&out_dir);
    strbuf_release(&exe);
    strbuf_release(&depinfo);
    strlist_release(&owned);
    free(env);
    return result;
}

/* The command to go by, checked: 0, or -1 (the reason noted). */
static int plan_build(const struct direct_request *r, struct plan *p)
{
    int own = own_command(r, p);
    if (own > 0)
        return -1;
    if (own < 0 && template_command(r, p)) {
        note("%s: no rustc command for this configuration yet; building with cargo",
             r->o->script);
        return -1;
    }
    const char *why = replay_deps_changed(&p->spec);
    if (why) {
        note("%s: %s changed since the build it was compiled for; building with cargo",
             r->o->script, why);
        return -1;
    }
    return 0;
}

enum direct_result direct_build(const struct direct_request *r)
{
    const struct options *o = r->o;
    if (!may_skip_cargo(o))
        return DIRECT_CARGO;
    struct plan p;
    memset(&p, 0, sizeof(p));
    replay_spec_init(&p.spec);
    enum direct_result result = DIRECT_CARGO;
    if (!plan_build(r, &p)) {
        note("%s: building with rustc directly (%s; no cargo, no cargo lock)", o->script, p.how);
        if (!cache_write_project(r->entry, r->p.manifest, strlen(r->p.manifest),
                                 r->p.in_place ? NULL : r->p.copy_name, r->p.code,
                                 r->p.code_len, 0)) {
            inferred_commit(o->script, r->entry->project_dir.buf, r->bo->registry_dir,
                            r->p.inferred);
            result = run_command(r, &p);
        }
    }
    entry_record_release(&p.base);
    replay_spec_release(&p.spec);
    return result;
}

/* ---- keeping cargo's command ---- */

void direct_libstd_hint(const struct cache_entry *e, struct strbuf *hint)
{
    struct rustc_spec spec;
    struct strbuf path = STRBUF_INIT;
    replay_spec_init(&spec);
    spec_path(e, &path);
    const char *compiler = !replay_spec_load(path.buf, &spec) ? replay_compiler(&spec) : NULL;
    if (compiler && spec.cmd.libstd.len && !strchr(compiler, '\n') &&
        !strchr(spec.cmd.libstd.buf, '\n'))
        strbuf_addf(hint, "%s\n%s", compiler, spec.cmd.libstd.buf);
    replay_spec_release(&spec);
    strbuf_release(&path);
}

static void keep_template(const struct direct_request *r, const struct rustc_spec *spec)
{
    char shape[HASH_HEX_LEN + 1];
    struct strbuf path = STRBUF_INIT;
    template_path(r->entry, NULL, &path);
    if (!shape_key(r, shape) && !fs_mkdir_private(path.buf)) {
        strbuf_addf(&path, "/%s", shape);
        replay_spec_store(path.buf, spec);
    }
    strbuf_release(&path);
}

void direct_keep(const struct direct_request *r, const char *capture, const char *const *handed,
                 const struct entry_record *rec)
{
    struct rustc_command cmd = RUSTC_COMMAND_INIT;
    struct rustc_spec spec;
    struct replay_names names;
    struct strbuf path = STRBUF_INIT, bin = STRBUF_INIT;
    char key[HASH_HEX_LEN + 1];
    replay_spec_init(&spec);
    spec_path(r->entry, &path);
    entry_names(r, &names, &bin);
    spec_key(rec, key);
    char **env = spawn_environment(handed);
    if (!rec->uncacheable && !replay_read_capture(capture, &cmd) &&
        !replay_spec_from_capture(&cmd, env, &names, key, &spec) &&
        !replay_spec_store(path.buf, &spec)) {
        if (replay_is_template(&spec) && rec->units.count == 1)
            keep_template(r, &spec);
    } else {
        unlink(path.buf); /* no command to replay: the next build goes through cargo too */
    }
    free(env);
    rustc_command_release(&cmd);
    replay_spec_release(&spec);
    strbuf_release(&path);
    strbuf_release(&bin);
}
