#include "cargo/replay.h"

#include "cargo/depinfo.h"
#include "cargo/wrapper.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/spawn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CAPTURE_MAGIC "cthag-capture 1"
#define SPEC_MAGIC "cthag-rustc 1"

void rustc_command_release(struct rustc_command *cmd)
{
    strbuf_release(&cmd->cwd);
    strbuf_release(&cmd->libstd);
    strlist_release(&cmd->argv);
    strlist_release(&cmd->env);
}

/* The capture's fields: magic, cwd, libstd, argv..., "", env... (each NUL-terminated). */
int replay_parse_capture(const char *buf, size_t len, struct rustc_command *cmd)
{
    if (!len || buf[len - 1])
        return -1;
    const char *p = buf, *end = buf + len;
    int field = 0, in_env = 0;
    for (; p < end; p += strlen(p) + 1, field++) {
        if (field == 0 && strcmp(p, CAPTURE_MAGIC))
            return -1;
        else if (field == 1)
            strbuf_addstr(&cmd->cwd, p);
        else if (field == 2)
            strbuf_addstr(&cmd->libstd, p);
        else if (field > 2 && !in_env && !*p)
            in_env = 1;
        else if (field > 2)
            strlist_add(in_env ? &cmd->env : &cmd->argv, p);
    }
    return in_env && cmd->argv.count && cmd->cwd.len ? 0 : -1;
}

int replay_read_capture(const char *path, struct rustc_command *cmd)
{
    struct strbuf text = STRBUF_INIT;
    int result = fs_read_file(path, &text) ? -1 : replay_parse_capture(text.buf, text.len, cmd);
    strbuf_release(&text);
    return result;
}

void replay_spec_init(struct rustc_spec *spec)
{
    memset(spec, 0, sizeof(*spec));
    strbuf_init(&spec->entry);
    strbuf_init(&spec->package);
    strbuf_init(&spec->bin);
    strbuf_init(&spec->project);
    strbuf_init(&spec->source);
    strbuf_init(&spec->script);
    strbuf_init(&spec->cmd.cwd);
    strbuf_init(&spec->cmd.libstd);
}

void replay_spec_release(struct rustc_spec *spec)
{
    strbuf_release(&spec->entry);
    strbuf_release(&spec->package);
    strbuf_release(&spec->bin);
    strbuf_release(&spec->project);
    strbuf_release(&spec->source);
    strbuf_release(&spec->script);
    rustc_command_release(&spec->cmd);
    strlist_release(&spec->unset);
    strlist_release(&spec->deps);
    strlist_release(&spec->dep_stats);
    strlist_release(&spec->own);
}

/* ---- reading the command ---- */

/* Where the compiler's own options start: argv holds [WRAPPER...] RUSTC first. */
static size_t options_start(const struct strlist *argv)
{
    size_t i = 0;
    while (i < argv->count && argv->items[i][0] != '-')
        i++;
    return i;
}

/* The value of the option at argv[i] when it is name (as "name value" or "name=value"); NULL
 * otherwise.  *i moves past a separate value. */
static const char *option_value(const struct strlist *argv, size_t *i, const char *name)
{
    const char *a = argv->items[*i];
    size_t len = strlen(name);
    if (strncmp(a, name, len))
        return NULL;
    if (a[len] == '=')
        return a + len + 1;
    if (a[len] || *i + 1 >= argv->count)
        return NULL;
    return argv->items[++*i];
}

/* -C name=value (or -Cname=value) at argv[i]: its value, or NULL. */
static const char *codegen_option(const struct strlist *argv, size_t i, const char *name)
{
    const char *a = argv->items[i], *opt = NULL;
    if (!strcmp(a, "-C") && i + 1 < argv->count)
        opt = argv->items[i + 1];
    else if (!strncmp(a, "-C", 2))
        opt = a + 2;
    size_t len = strlen(name);
    return opt && !strncmp(opt, name, len) && opt[len] == '=' ? opt + len + 1 : NULL;
}

/* Every --extern library path (name=path; a bare name is the sysroot's). */
static void extern_paths(const struct strlist *argv, struct strlist *out)
{
    for (size_t i = options_start(argv); i < argv->count; i++) {
        const char *v = option_value(argv, &i, "--extern"), *eq = v ? strchr(v, '=') : NULL;
        if (eq)
            strlist_add(out, eq + 1);
    }
}

/* rustc's dep-info of the command: <out-dir>/<crate-name><extra-filename>.d */
static int depinfo_path(const struct strlist *argv, struct strbuf *out)
{
    const char *dir = NULL, *crate = NULL, *extra = "";
    for (size_t i = options_start(argv); i < argv->count; i++) {
        const char *v;
        if ((v = codegen_option(argv, i, "extra-filename")))
            extra = v;
        else if ((v = option_value(argv, &i, "--out-dir")))
            dir = v;
        else if ((v = option_value(argv, &i, "--crate-name")))
            crate = v;
    }
    if (!dir || !crate)
        return -1;
    strbuf_addf(out, "%s/%s%s.d", dir, crate, extra);
    return 0;
}

/* The value of the variable cargo added (or NULL). */
static const char *added_value(const struct rustc_spec *spec, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < spec->cmd.env.count; i++) {
        const char *e = spec->cmd.env.items[i];
        if (!strncmp(e, name, len) && e[len] == '=')
            return e + len + 1;
    }
    return NULL;
}

void replay_cargo_outputs(const struct rustc_spec *spec, struct strlist *out)
{
    struct strbuf path = STRBUF_INIT;
    const char *bin = added_value(spec, "CARGO_BIN_NAME");
    if (!depinfo_path(&spec->cmd.argv, &path)) {
        strbuf_setlen(&path, path.len - 2); /* the executable beside its dep-info */
        strlist_add(out, path.buf);
        const char *slash = strrchr(path.buf, '/');
        strbuf_setlen(&path, (size_t)(slash - path.buf));
        slash = strrchr(path.buf, '/');
        if (bin && slash && !strcmp(slash, "/deps")) {
            strbuf_setlen(&path, (size_t)(slash - path.buf));
            strbuf_addf(&path, "/%s", bin);
            strlist_add(out, path.buf);
        }
    }
    strbuf_release(&path);
}

/* ---- what the command reads besides the crate's own files ---- */

static int stat_text(const char *path, struct strbuf *out)
{
    struct stat st;
    if (stat(path, &st))
        return -1;
    strbuf_reset(out);
    strbuf_addf(out, "%llu:%llu:%llu:%lld", (unsigned long long)st.st_dev,
                (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
                fs_timespec_ns(&st.st_mtim));
    return 0;
}

static int add_dep(struct rustc_spec *spec, const char *path)
{
    struct strbuf st = STRBUF_INIT;
    int result = stat_text(path, &st);
    if (!result) {
        strlist_add(&spec->deps, path);
        strlist_add(&spec->dep_stats, st.buf);
    }
    strbuf_release(&st);
    return result;
}

/* The compiler (and the wrappers before it, when named by path), the --extern libraries, the
 * linked libstd: each must be there with its stat data. */
static int collect_deps(struct rustc_spec *spec)
{
    const struct strlist *argv = &spec->cmd.argv;
    size_t start = options_start(argv);
    if (!start || argv->items[start - 1][0] != '/')
        return -1; /* a compiler looked up in PATH could change under the same name */
    for (size_t i = 0; i < start; i++)
        if (argv->items[i][0] == '/' && add_dep(spec, argv->items[i]))
            return -1;
    struct strlist externs = STRLIST_INIT;
    extern_paths(argv, &externs);
    int result = 0;
    for (size_t i = 0; i < externs.count && !result; i++)
        result = add_dep(spec, externs.items[i]);
    strlist_release(&externs);
    if (!result && spec->cmd.libstd.len)
        result = add_dep(spec, spec->cmd.libstd.buf);
    return result;
}

const char *replay_deps_changed(const struct rustc_spec *spec)
{
    struct strbuf st = STRBUF_INIT;
    const char *changed = NULL;
    for (size_t i = 0; i < spec->deps.count && !changed; i++)
        if (stat_text(spec->deps.items[i], &st) || strcmp(st.buf, spec->dep_stats.items[i]))
            changed = spec->deps.items[i];
    strbuf_release(&st);
    return changed;
}

const char *replay_compiler(const struct rustc_spec *spec)
{
    size_t start = options_start(&spec->cmd.argv);
    return start ? spec->cmd.argv.items[start - 1] : NULL;
}

int replay_is_template(const struct rustc_spec *spec)
{
    struct strlist externs = STRLIST_INIT;
    extern_paths(&spec->cmd.argv, &externs);
    int none = externs.count == 0;
    strlist_release(&externs);
    return none;
}

/* ---- from a capture ---- */

static size_t name_length(const char *entry)
{
    const char *eq = strchr(entry, '=');
    return eq ? (size_t)(eq - entry) : strlen(entry);
}

static int has_name(const struct strlist *env, const char *name, size_t len)
{
    for (size_t i = 0; i < env->count; i++)
        if (name_length(env->items[i]) == len && !strncmp(env->items[i], name, len))
            return 1;
    return 0;
}

/* The variables naming a jobserver. cargo's (gone with that cargo) is never passed on, nor the
 * one cthag was given: under cargo, rustc takes cargo's CARGO_MAKEFLAGS before MAKEFLAGS, so a
 * make's jobserver never reaches it, and its descriptors are not open in cthag's children anyway
 * (rustc would warn "failed to connect to jobserver" on every build). */
static const char *const jobserver_names[] = {"CARGO_MAKEFLAGS", "MAKEFLAGS", "MFLAGS", NULL};

static int is_jobserver(const char *entry)
{
    for (const char *const *n = jobserver_names; *n; n++)
        if (name_length(entry) == strlen(*n) && !strncmp(entry, *n, strlen(*n)))
            return 1;
    return 0;
}

static void environment_changes(const struct strlist *captured, char *const *handed,
                                struct rustc_spec *spec)
{
    for (size_t i = 0; i < captured->count; i++) {
        const char *e = captured->items[i];
        int same = 0;
        for (char *const *h = handed; h && *h && !same; h++)
            same = !strcmp(*h, e);
        if (!same && !is_jobserver(e))
            strlist_add(&spec->cmd.env, e);
    }
    for (char *const *h = handed; h && *h; h++) {
        size_t len = name_length(*h);
        if (!has_name(captured, *h, len) && !wrapper_is_protocol_variable(*h)) {
            char *name = xstrndup(*h, len);
            strlist_add(&spec->unset, name);
            free(name);
        }
    }
}

static void set_names(struct rustc_spec *spec, const struct replay_names *n)
{
    strbuf_addstr(&spec->entry, n->entry);
    strbuf_addstr(&spec->package, n->package);
    strbuf_addstr(&spec->bin, n->bin ? n->bin : "");
    strbuf_addstr(&spec->project, n->project);
    strbuf_addstr(&spec->source, n->source);
    strbuf_addstr(&spec->script, n->script ? n->script : "");
}

/* The script crate's own files, from rustc's dep-info of the build. */
static int read_own_files(struct rustc_spec *spec)
{
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    struct depinfo info = DEPINFO_INIT;
    int result = depinfo_path(&spec->cmd.argv, &path) || fs_read_file(path.buf, &text) ||
                 depinfo_parse(text.buf, text.len, &info)
                     ? -1
                     : 0;
    for (size_t i = 0; !result && i < info.files.count; i++)
        strlist_add(&spec->own, info.files.items[i]);
    depinfo_release(&info);
    strbuf_release(&path);
    strbuf_release(&text);
    return result;
}

int replay_spec_from_capture(const struct rustc_command *capture, char *const *handed,
                             const struct replay_names *names, const char *config,
                             struct rustc_spec *spec)
{
    snprintf(spec->config, sizeof(spec->config), "%s", config);
    set_names(spec, names);
    strbuf_addstr(&spec->cmd.cwd, capture->cwd.buf);
    strbuf_addstr(&spec->cmd.libstd, capture->libstd.buf);
    for (size_t i = 0; i < capture->argv.count; i++)
        strlist_add(&spec->cmd.argv, capture->argv.items[i]);
    environment_changes(&capture->env, handed, spec);
    return collect_deps(spec) || read_own_files(spec) ? -1 : 0;
}

/* ---- storing ---- */

static void add_field(struct strbuf *sb, const char *tag, const char *value)
{
    strbuf_add(sb, tag, strlen(tag) + 1);
    strbuf_add(sb, value, strlen(value) + 1);
}

static void add_list(struct strbuf *sb, const char *tag, const struct strlist *list)
{
    for (size_t i = 0; i < list->count; i++)
        add_field(sb, tag, list->items[i]);
}

void replay_spec_format(const struct rustc_spec *spec, struct strbuf *out)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_add(&sb, SPEC_MAGIC, sizeof(SPEC_MAGIC));
    add_field(&sb, "config", spec->config);
    add_field(&sb, "entry", spec->entry.buf);
    add_field(&sb, "package", spec->package.buf);
    add_field(&sb, "bin", spec->bin.buf);
    add_field(&sb, "project", spec->project.buf);
    add_field(&sb, "source", spec->source.buf);
    add_field(&sb, "script", spec->script.buf);
    add_field(&sb, "cwd", spec->cmd.cwd.buf);
    add_field(&sb, "libstd", spec->cmd.libstd.buf);
    add_list(&sb, "arg", &spec->cmd.argv);
    add_list(&sb, "env", &spec->cmd.env);
    add_list(&sb, "unset", &spec->unset);
    for (size_t i = 0; i < spec->deps.count; i++) {
        add_field(&sb, "dep", spec->deps.items[i]);
        add_field(&sb, "stat", spec->dep_stats.items[i]);
    }
    add_list(&sb, "own", &spec->own);
    /* Not made durable (a lost spec only means a build by cargo), so a power cut may leave it
     * short: it is only valid with its end. */
    add_field(&sb, "end", "");
    strbuf_add(out, sb.buf, sb.len);
    strbuf_release(&sb);
}

int replay_spec_store(const char *path, const struct rustc_spec *spec)
{
    struct strbuf sb = STRBUF_INIT;
    replay_spec_format(spec, &sb);
    int result = fs_write_replace(path, sb.buf, sb.len, 0600);
    strbuf_release(&sb);
    return result;
}

/* One tag and its value into the spec; -1 for an unknown tag. */
static int load_field(struct rustc_spec *spec, const char *tag, const char *value)
{
    struct {
        const char *tag;
        struct strbuf *buf;
        struct strlist *list;
    } fields[] = {
        {"entry", &spec->entry, NULL},     {"package", &spec->package, NULL},
        {"bin", &spec->bin, NULL},
        {"project", &spec->project, NULL}, {"source", &spec->source, NULL},
        {"script", &spec->script, NULL},   {"cwd", &spec->cmd.cwd, NULL},
        {"libstd", &spec->cmd.libstd, NULL}, {"arg", NULL, &spec->cmd.argv},
        {"env", NULL, &spec->cmd.env},     {"unset", NULL, &spec->unset},
        {"dep", NULL, &spec->deps},        {"stat", NULL, &spec->dep_stats},
        {"own", NULL, &spec->own},
    };
    if (!strcmp(tag, "end"))
        return spec->complete = 1, 0;
    if (spec->complete)
        return -1; /* nothing after the end */
    if (!strcmp(tag, "config")) {
        snprintf(spec->config, sizeof(spec->config), "%s", value);
        return hash_is_hex(value, strlen(value)) && strlen(value) == HASH_HEX_LEN ? 0 : -1;
    }
    for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
        if (strcmp(tag, fields[i].tag))
            continue;
        if (fields[i].buf)
            strbuf_addstr(fields[i].buf, value);
        else
            strlist_add(fields[i].list, value);
        return 0;
    }
    return -1;
}

int replay_spec_parse(const char *buf, size_t len, struct rustc_spec *spec)
{
    if (!len || buf[len - 1] || strcmp(buf, SPEC_MAGIC))
        return -1;
    const char *p = buf + sizeof(SPEC_MAGIC), *end = buf + len;
    int result = 0;
    while (p < end && !result) {
        const char *tag = p, *value = p + strlen(p) + 1;
        if (value >= end)
            return -1;
        result = load_field(spec, tag, value);
        p = value + strlen(value) + 1;
    }
    if (!result && (!spec->complete || !spec->config[0] || !spec->cmd.argv.count ||
                    !spec->cmd.cwd.len || spec->deps.count != spec->dep_stats.count))
        result = -1;
    return result;
}

int replay_spec_load(const char *path, struct rustc_spec *spec)
{
    struct strbuf text = STRBUF_INIT;
    int result = fs_read_file(path, &text) ? -1 : replay_spec_parse(text.buf, text.len, spec);
    strbuf_release(&text);
    return result;
}

/* ---- a template's spec for another entry ---- */

/* s with every from replaced by to (from non-empty), into out. */
static void replace_all(const char *s, const char *from, const char *to, struct strbuf *out)
{
    size_t len = strlen(from);
    strbuf_reset(out);
    for (const char *hit; len && (hit = strstr(s, from)); s = hit + len) {
        strbuf_add(out, s, (size_t)(hit - s));
        strbuf_addstr(out, to);
    }
    strbuf_addstr(out, s);
}

/* A path-holding value with the old entry's project directory and script path made the new's. */
static void rename_paths(const char *value, const struct replay_names *old,
                         const struct replay_names *now, struct strbuf *out)
{
    struct strbuf tmp = STRBUF_INIT;
    replace_all(value, old->project, now->project, &tmp);
    if (old->script && now->script)
        replace_all(tmp.buf, old->script, now->script, out);
    else
        strbuf_addstr(out, tmp.buf);
    strbuf_release(&tmp);
}

/* --remap-path-prefix=FROM=TO (split at the last '='): the copy's names are the new entry's. */
static void rename_remap(const char *arg, const struct replay_names *old,
                         const struct replay_names *now, struct strbuf *out)
{
    const char *value = arg + strlen("--remap-path-prefix="), *eq = strrchr(value, '=');
    struct strbuf from = STRBUF_INIT, old_full = STRBUF_INIT;
    strbuf_add(&from, value, eq ? (size_t)(eq - value) : strlen(value));
    strbuf_addf(&old_full, "%s/%s", old->project, old->source);
    strbuf_addstr(out, "--remap-path-prefix=");
    if (!strcmp(from.buf, old->source))
        strbuf_addstr(out, now->source);
    else if (!strcmp(from.buf, old_full.buf))
        strbuf_addf(out, "%s/%s", now->project, now->source);
    else
        strbuf_addstr(out, from.buf);
    if (eq) {
        strbuf_addch(out, '=');
        strbuf_addstr(out, old->script && now->script && !strcmp(eq + 1, old->script)
                               ? now->script
                               : eq + 1);
    }
    strbuf_release(&from);
    strbuf_release(&old_full);
}

/* 16 hex digits of what names the new entry: its own -C metadata and extra-filename. */
static void new_hash(const char *entry, const char *salt, char out[17])
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s\n%s", entry, salt);
    hash64_hex(sb.buf, sb.len, out);
    strbuf_release(&sb);
}

/* The crate's name of a binary's name: rustc's --crate-name, CARGO_CRATE_NAME. */
static void crate_name(const char *bin, struct strbuf *out)
{
    strbuf_reset(out);
    for (const char *c = bin; *c; c++)
        strbuf_addch(out, *c == '-' ? '_' : *c);
}

/* value is the old binary's name (as_crate: as its crate's); its new one into out, or 0. */
static int rename_bin(const char *value, int as_crate, const struct replay_names *old,
                      const struct replay_names *now, struct strbuf *out)
{
    struct strbuf was = STRBUF_INIT, is = STRBUF_INIT;
    if (as_crate) {
        crate_name(old->bin, &was);
        crate_name(now->bin, &is);
    } else {
        strbuf_addstr(&was, old->bin);
        strbuf_addstr(&is, now->bin);
    }
    int same = !strcmp(value, was.buf);
    if (same)
        strbuf_addstr(out, is.buf);
    strbuf_release(&was);
    strbuf_release(&is);
    return same;
}

static void derive_arg(const struct strlist *argv, size_t i, const struct replay_names *old,
                       const struct replay_names *now, struct strbuf *out)
{
    const char *a = argv->items[i], *prev = i ? argv->items[i - 1] : "";
    char hex[17];
    strbuf_reset(out);
    if (!strcmp(a, old->source)) {
        strbuf_addstr(out, now->source);
    } else if (!strcmp(prev, "--crate-name") && rename_bin(a, 1, old, now, out)) {
        /* the binary's crate, named for the script */
    } else if (!strcmp(prev, "-C") && !strncmp(a, "metadata=", 9)) {
        new_hash(now->entry, "metadata", hex);
        strbuf_addf(out, "metadata=%s", hex);
    } else if (!strcmp(prev, "-C") && !strncmp(a, "extra-filename=", 15)) {
        new_hash(now->entry, "extra-filename", hex);
        strbuf_addf(out, "extra-filename=-%s", hex);
    } else if (!strncmp(a, "--remap-path-prefix=", 20)) {
        rename_remap(a, old, now, out);
    } else {
        rename_paths(a, old, now, out);
    }
}

/* CARGO_PKG_NAME and its kin name the package; the others may hold paths. */
static void derive_env(const char *entry, const struct replay_names *old,
                       const struct replay_names *now, struct strbuf *out)
{
    static const char *const names[] = {"CARGO_PKG_NAME", "CARGO_CRATE_NAME", "CARGO_BIN_NAME",
                                        NULL};
    size_t len = name_length(entry);
    const char *value = entry[len] ? entry + len + 1 : NULL;
    strbuf_reset(out);
    for (size_t n = 0; names[n] && value; n++) {
        if (len != strlen(names[n]) || strncmp(entry, names[n], len))
            continue;
        strbuf_addf(out, "%s=", names[n]);
        if (!strcmp(value, old->package))
            strbuf_addstr(out, now->package);
        else if (n == 0 || !rename_bin(value, n == 1, old, now, out))
            break;
        return;
    }
    rename_paths(entry, old, now, out);
}

/* Anything left that names the old entry refuses the template. */
static int names_old_entry(const char *s, const struct replay_names *old)
{
    return strstr(s, old->entry) || strstr(s, old->project) || strstr(s, old->package) ||
           (old->script && *old->script && strstr(s, old->script));
}

int replay_derive(const struct rustc_spec *tmpl, const struct replay_names *names,
                  const char *config, struct rustc_spec *spec)
{
    const struct replay_names old = {tmpl->entry.buf,   tmpl->package.buf, tmpl->bin.buf,
                                     tmpl->project.buf, tmpl->source.buf,
                                     tmpl->script.len ? tmpl->script.buf : NULL};
    struct strbuf sb = STRBUF_INIT;
    /* (A template without its binary's name cannot be renamed: its crate would keep it.) */
    int clean = replay_is_template(tmpl) && (!old.script) == (!names->script) &&
                tmpl->bin.len && names->bin && *names->bin;
    snprintf(spec->config, sizeof(spec->config), "%s", config);
    set_names(spec, names);
    rename_paths(tmpl->cmd.cwd.buf, &old, names, &spec->cmd.cwd);
    strbuf_addstr(&spec->cmd.libstd, tmpl->cmd.libstd.buf);
    for (size_t i = 0; clean && i < tmpl->cmd.argv.count; i++) {
        derive_arg(&tmpl->cmd.argv, i, &old, names, &sb);
        clean = !names_old_entry(sb.buf, &old);
        strlist_add(&spec->cmd.argv, sb.buf);
    }
    for (size_t i = 0; clean && i < tmpl->cmd.env.count; i++) {
        derive_env(tmpl->cmd.env.items[i], &old, names, &sb);
        clean = !names_old_entry(sb.buf, &old);
        strlist_add(&spec->cmd.env, sb.buf);
    }
    for (size_t i = 0; i < tmpl->unset.count; i++)
        strlist_add(&spec->unset, tmpl->unset.items[i]);
    for (size_t i = 0; i < tmpl->deps.count; i++) {
        strlist_add(&spec->deps, tmpl->deps.items[i]);
        strlist_add(&spec->dep_stats, tmpl->dep_stats.items[i]);
    }
    strbuf_release(&sb);
    return clean && !names_old_entry(spec->cmd.cwd.buf, &old) ? 0 : -1;
}

/* ---- running it ---- */

struct replay_sink {
    const struct replay_run *r;
    struct strbuf *held; /* quiet: what to show if it fails */
};

static void show(struct replay_sink *sink, const char *text, size_t len)
{
    if (sink->held) {
        strbuf_add(sink->held, text, len);
        return;
    }
    fflush(stdout);
    fwrite(text, 1, len, stderr);
}

static void on_artifact(struct replay_sink *sink, const struct json *msg)
{
    const char *path = json_get_string(msg, "artifact"), *emit = json_get_string(msg, "emit");
    struct strbuf *to = !emit || !path            ? NULL
                        : !strcmp(emit, "link")     ? sink->r->executable
                        : !strcmp(emit, "dep-info") ? sink->r->depinfo
                                                    : NULL;
    if (to) {
        strbuf_reset(to);
        strbuf_addstr(to, path);
    }
}

/* rustc's closing count ("aborting due to 1 previous error", "2 warnings emitted"). */
static int is_summary(const char *message)
{
    static const char *const endings[] = {"warning emitted", "warnings emitted", NULL};
    if (!message)
        return 0;
    if (!strncmp(message, "aborting due to", 15))
        return 1;
    size_t len = strlen(message);
    for (const char *const *e = endings; *e; e++)
        if (len >= strlen(*e) && !strcmp(message + len - strlen(*e), *e))
            return 1;
    return 0;
}

/* One line of rustc's stderr: a JSON diagnostic or artifact notice, or plain text (an internal
 * compiler error, a linker's words) shown as it is. */
static void on_rustc_line(void *ctx, char *line, size_t len)
{
    struct replay_sink *sink = ctx;
    struct json *msg = line[0] == '{' ? json_parse(line, len) : NULL;
    const char *type = json_get_string(msg, "$message_type");
    if (type && !strcmp(type, "diagnostic") && is_summary(json_get_string(msg, "message"))) {
        /* cargo drops these too (it counts the diagnostics itself) */
    } else if (type && !strcmp(type, "diagnostic")) {
        struct strbuf text = STRBUF_INIT;
        if (sink->r->diag)
            diag_message(sink->r->diag, msg, &text);
        else if (json_get_string(msg, "rendered"))
            strbuf_addstr(&text, json_get_string(msg, "rendered"));
        show(sink, text.buf, text.len);
        strbuf_release(&text);
    } else if (type && !strcmp(type, "artifact")) {
        on_artifact(sink, msg);
    } else if (!type) {
        show(sink, line, len);
        show(sink, "\n", 1);
    }
    json_free(msg);
}

/* --json=...: rendered diagnostics in colour or not, as cthag shows them now. */
static void json_option(const char *value, int color, struct strbuf *out)
{
    strbuf_addstr(out, "--json=");
    int first = 1;
    if (color) {
        strbuf_addstr(out, "diagnostic-rendered-ansi");
        first = 0;
    }
    for (const char *p = value; *p;) {
        size_t n = strcspn(p, ",");
        if (n && strncmp(p, "diagnostic-rendered-ansi", n)) {
            strbuf_addf(out, "%s%.*s", first ? "" : ",", (int)n, p);
            first = 0;
        }
        p += n + (p[n] == ',');
    }
}

/* The spec's arguments as they run now: output into the private directory, diagnostics for
 * this terminal (no width cargo measured for another). */
static void run_arguments(const struct rustc_spec *spec, const struct replay_run *r,
                          struct strlist *out)
{
    const struct strlist *argv = &spec->cmd.argv;
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < argv->count; i++) {
        const char *a = argv->items[i];
        strbuf_reset(&sb);
        if (!strcmp(a, "--out-dir") && i + 1 < argv->count) {
            strlist_add(out, a);
            strlist_add(out, r->out_dir);
            i++;
            continue;
        }
        if (!strncmp(a, "--out-dir=", 10))
            strbuf_addf(&sb, "--out-dir=%s", r->out_dir);
        else if (!strncmp(a, "--json=", 7))
            json_option(a + 7, r->color, &sb);
        else if (!strncmp(a, "--diagnostic-width", 18))
            continue;
        else
            strbuf_addstr(&sb, a);
        strlist_add(out, sb.buf);
    }
    strbuf_release(&sb);
}

/* cthag's environment for cargo, with what cargo added and removed. */
static const char **run_environment(const struct rustc_spec *spec, const char *const *env)
{
    size_t n = 0, base = 0;
    while (env && env[base])
        base++;
    size_t removed = sizeof(jobserver_names) / sizeof(*jobserver_names) - 1;
    const char **out =
        xcalloc(base + removed + spec->cmd.env.count + spec->unset.count + 1, sizeof(char *));
    for (size_t i = 0; i < base; i++)
        if (!has_name(&spec->cmd.env, env[i], name_length(env[i])) && !is_jobserver(env[i]))
            out[n++] = env[i]; /* cargo's value, not the one it was given, is rustc's */
    for (size_t i = 0; i < removed; i++)
        out[n++] = jobserver_names[i]; /* a name alone removes it from the environment */
    for (size_t i = 0; i < spec->unset.count; i++)
        out[n++] = spec->unset.items[i];
    for (size_t i = 0; i < spec->cmd.env.count; i++)
        out[n++] = spec->cmd.env.items[i];
    return out;
}

int replay_run(const struct rustc_spec *spec, const struct replay_run *r)
{
    struct strlist args = STRLIST_INIT;
    struct strbuf held = STRBUF_INIT;
    run_arguments(spec, r, &args);
    const char **argv = xcalloc(args.count + 1, sizeof(char *));
    for (size_t i = 0; i < args.count; i++)
        argv[i] = args.items[i];
    const char **env = run_environment(spec, r->env);
    struct replay_sink sink = {r, r->quiet ? &held : NULL};
    struct spawn_opts opts = {.env = env, .on_line = on_rustc_line, .ctx = &sink,
                              .cwd = spec->cmd.cwd.buf, .stderr_lines = 1};
    strbuf_reset(r->executable);
    strbuf_reset(r->depinfo);
    int status = spawn_wait(argv, &opts);
    if (status < 0)
        error("cannot run %s: %s", argv[0], strerror(errno));
    else if (status)
        fwrite(held.buf, 1, held.len, stderr);
    free(argv);
    free(env);
    strlist_release(&args);
    strbuf_release(&held);
    return status;
}
