/* Recording a build (cache/freshness.h): what the build read, unit by unit, and what of it can
 * be vouched for as what the compiler read. */
#include "cache/buildenv.h"
#include "cache/freshness.h"
#include "cache/freshness_internal.h"

#include "cargo/depinfo.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/hash.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The group name of the script's own crate in a record. */
#define SCRIPT_UNIT "script"
/* A build script that names no file it reads depends on its whole package (cargo's rule): a
 * package larger than this is not tracked file by file, and the entry is not cached. */
#define PACKAGE_FILES_MAX 2000

struct build_state {
    struct entry_record previous; /* the entry's record before this build (empty when none) */
    struct stat *before;          /* its inputs' stat data just before the build */
    unsigned char *before_ok;     /* ... when the file was there */
    int config_unchanged;         /* its configuration group, all as recorded */
    int retried;                  /* cargo was asked again for stale units */
};

/* One build's recording in progress. */
struct recorder {
    struct build_inputs *in;
    struct entry_record *rec;
    struct strlist env_deps;      /* NAME=value / NAME, from every unit */
    struct strbuf untrackable;    /* the first file that cannot be tracked, and why */
    struct strlist stale;         /* units cargo kept that may be stale: forget, build again */
    struct strlist set_by_scripts; /* variables build scripts set for rustc (rustc-env) */
};

/* When a unit's files were read: during this build (compiled now), or since a time. */
struct unit_time {
    int compiled_now;
    long long since;              /* when cargo began compiling it; 0 when unknown */
    const char *name;             /* the unit's group name in the record */
};

/* ---- the script, as cthag read it ---- */

void freshness_set_script(struct build_inputs *in, const char *path, const struct stat *st,
                          const char *text, size_t len)
{
    in->script = path;
    in->script_st = *st;
    freshness_hash_text(text, len, in->script_hash);
}

static int is_script(const struct build_inputs *in, const char *path)
{
    return in->script && !strcmp(path, in->script);
}

/* Files under the cache root are cthag's own (the generated project): not inputs to watch. */
static int is_cache_file(const struct build_inputs *in, const char *path)
{
    size_t len = in->entry->root.len;
    return !strncmp(path, in->entry->root.buf, len) && path[len] == '/';
}

/* ---- forgetting a unit: cargo compiles it again ---- */

/* target/<profile>/.fingerprint/<fingerprint> of a unit named <profile>/<fingerprint>. */
static int fingerprint_dir(const struct build_inputs *in, const char *unit, struct strbuf *dir)
{
    const char *slash = strchr(unit, '/');
    if (!slash || slash == unit || !slash[1] || strchr(slash + 1, '/') || strstr(unit, ".."))
        return -1;
    strbuf_reset(dir);
    strbuf_addf(dir, "%s/target/%.*s/.fingerprint/%s", in->entry->root.buf,
                (int)(slash - unit), unit, slash + 1);
    return 0;
}

/* The script's own package is cthag's generated one, whose name the user never sees: its units
 * (the build script) are the script's. */
static const char *unit_label(const struct build_inputs *in, const char *unit)
{
    const char *slash = strchr(unit, '/'), *fingerprint = slash ? slash + 1 : unit;
    size_t n = in->entry->package.len;
    return n && !strncmp(fingerprint, in->entry->package.buf, n) && fingerprint[n] == '-'
               ? "its build script"
               : unit;
}

static void forget_unit(const struct build_inputs *in, const char *unit)
{
    struct strbuf dir = STRBUF_INIT;
    if (!fingerprint_dir(in, unit, &dir)) {
        note("%s: making cargo compile %s again (its files changed)", in->script_name,
             unit_label(in, unit));
        fs_remove_tree(dir.buf);
    }
    strbuf_release(&dir);
}

/* ---- before the build ---- */

/* Did a file of the group change since the previous build (or is its content unknown)? */
static int group_changed(const struct entry_record *old, unsigned group)
{
    struct stat st;
    for (size_t i = 0; i < old->ninputs; i++) {
        const struct record_input *input = &old->inputs[i];
        if (input->group != group)
            continue;
        enum input_state state = freshness_check_input(input, old->stamp_ns, &st);
        if (state != INPUT_FRESH && !freshness_same_content(input, state))
            return 1;
    }
    return 0;
}

/* The configuration group as recorded, stat data and all: the toolchain found then is the one
 * cargo finds now. */
static int config_unchanged(const struct entry_record *old)
{
    struct stat st;
    if (!old->rustc || freshness_settings_changed(old))
        return 0;
    for (size_t i = 0; i < old->ninputs; i++)
        if (old->inputs[i].group == RECORD_CONFIG_GROUP &&
            freshness_check_input(&old->inputs[i], old->stamp_ns, &st) != INPUT_FRESH)
            return 0;
    return 1;
}

static void look_at_previous(struct build_inputs *in, struct build_state *state)
{
    struct entry_record *old = &state->previous;
    state->before = xcalloc(old->ninputs + 1, sizeof(*state->before));
    state->before_ok = xcalloc(old->ninputs + 1, 1);
    for (size_t i = 0; i < old->ninputs; i++)
        state->before_ok[i] = !stat(old->inputs[i].path, &state->before[i]);
    state->config_unchanged = config_unchanged(old);
    /* cargo's mtime check cannot see content that changed to an older mtime (cp -p, tar,
     * rsync -a, a symlinked directory retargeted): the units whose files changed are compiled
     * again, and with -f every one. */
    for (size_t g = 0; g < old->units.count; g++)
        if (strcmp(old->units.items[g], SCRIPT_UNIT) &&
            (in->force || group_changed(old, (unsigned)g + 1)))
            forget_unit(in, old->units.items[g]);
}

void freshness_before_build(struct build_inputs *in)
{
    struct build_state *state = xcalloc(1, sizeof(*state));
    in->state = state;
    if (!entry_record_load(in->entry->record_path.buf, &state->previous) &&
        identity_owns_record(in->id, &state->previous)) {
        look_at_previous(in, state);
    } else {
        entry_record_release(&state->previous);
        memset(&state->previous, 0, sizeof(state->previous));
    }
    in->stamp = freshness_clock_settled();
}

void freshness_record_file(const struct build_inputs *in, const char *path,
                           struct entry_record *rec)
{
    struct stat st;
    (void)in;
    for (size_t i = 0; i < rec->ninputs; i++)
        if (rec->inputs[i].group == RECORD_CONFIG_GROUP && !strcmp(rec->inputs[i].path, path))
            return; /* the previous build's configuration, reused */
    if (stat(path, &st))
        entry_record_add_absent(rec, RECORD_CONFIG_GROUP, path);
    else
        entry_record_add_input(rec, RECORD_CONFIG_GROUP, path, &st, NULL)->kind = INPUT_STAT;
}

void freshness_build_done(struct build_inputs *in)
{
    struct build_state *state = in->state;
    if (!state)
        return;
    entry_record_release(&state->previous);
    free(state->before);
    free(state->before_ok);
    free(state);
    in->state = NULL;
}

/* ---- was it what the compiler read? ---- */

/* Something on the way to path was replaced at or after since: a symbolic link made (or
 * retargeted), a directory renamed into place (its ctime moves, its mtime does not), the file
 * itself changed.  Looked at along the path as written, then as resolved. */
static int path_changed_since(const char *path, long long since)
{
    struct strbuf prefix = STRBUF_INIT;
    struct stat st;
    int changed = 0, via_link = 0;
    for (const char *p = path + 1; !changed && *p; p++) {
        if (*p != '/' && p[1])
            continue;
        strbuf_reset(&prefix);
        strbuf_add(&prefix, path, (size_t)(p - path) + (*p != '/'));
        if (lstat(prefix.buf, &st))
            continue;
        long long ctime = fs_timespec_ns(&st.st_ctim), mtime = fs_timespec_ns(&st.st_mtim);
        via_link |= S_ISLNK(st.st_mode);
        changed = ctime >= since && (S_ISLNK(st.st_mode) || (S_ISDIR(st.st_mode) && mtime < since));
    }
    char *real = via_link && !changed ? realpath(path, NULL) : NULL;
    if (real)
        changed = path_changed_since(real, since);
    free(real);
    strbuf_release(&prefix);
    return changed;
}

/* The previous record's input for path (in any group), or NULL. */
static const struct record_input *previous_input(const struct build_state *state,
                                                 const char *path, size_t *index)
{
    const struct entry_record *old = &state->previous;
    for (size_t i = 0; i < old->ninputs; i++)
        if (old->inputs[i].kind == INPUT_CONTENT && !strcmp(old->inputs[i].path, path)) {
            *index = i;
            return &old->inputs[i];
        }
    return NULL;
}

/* A file the build read now is what the compiler read when nothing about it changed while
 * the build ran: not racy against the stamp, the same file as just before the build (for one
 * the previous build read), nothing on its way replaced. */
static int read_unchanged(const struct build_inputs *in, const char *path, const struct stat *st)
{
    size_t i;
    if (freshness_stat_racy(st, in->stamp))
        return 0;
    if (previous_input(in->state, path, &i) &&
        (!in->state->before_ok[i] || !freshness_same_stat(&in->state->before[i], st)))
        return 0;
    return !path_changed_since(path, in->stamp);
}

/* A unit cargo did not compile again was compiled from what its files held then.  The hash
 * for path when that is vouched for: by this entry's previous record (the same stat data in the
 * same unit), or by nothing having changed since the unit's compile began. */
static const char *kept_unit_hash(const struct recorder *r, const struct unit_time *u,
                                  const char *path, const struct stat *st, const char *hash)
{
    const struct entry_record *old = &r->in->state->previous;
    for (size_t i = 0; i < old->ninputs; i++) {
        const struct record_input *input = &old->inputs[i];
        if (input->group && input->hash[0] && !strcmp(input->path, path) &&
            !strcmp(old->units.items[input->group - 1], u->name) &&
            freshness_input_has_stat(input, st))
            return input->hash;
    }
    if (!u->since || fs_timespec_ns(&st->st_ctim) >= u->since ||
        fs_timespec_ns(&st->st_mtim) >= u->since || path_changed_since(path, u->since))
        return NULL;
    return hash;
}

/* ---- adding what a unit read ---- */

static void untrackable(struct recorder *r, const char *path, const char *why)
{
    if (!r->untrackable.len)
        strbuf_addf(&r->untrackable, "cannot track %s (%s)", path, why);
}

static int recorded_in(const struct entry_record *rec, unsigned group, const char *path)
{
    for (size_t i = 0; i < rec->ninputs; i++)
        if (rec->inputs[i].group == group && !strcmp(rec->inputs[i].path, path))
            return 1;
    return 0;
}

/* The script: what cthag read, if it is still that (stat data from before the read). */
static void add_script(struct recorder *r, unsigned group)
{
    struct stat st;
    char hash[HASH_HEX_LEN + 1];
    int hashed = !freshness_hash_file(r->in->script, hash);
    if (stat(r->in->script, &st))
        return untrackable(r, r->in->script, "it vanished during the build");
    int known = hashed && freshness_same_stat(&st, &r->in->script_st) &&
                !strcmp(hash, r->in->script_hash) && !path_changed_since(r->in->script, r->in->stamp);
    entry_record_add_input(r->rec, group, r->in->script, &st, known ? hash : NULL);
}

/* A file a unit read.  Hash first, stat second: a change in between shows in the stat data. */
static void add_read_file(struct recorder *r, unsigned group, const struct unit_time *u,
                          const char *path)
{
    struct stat st;
    char hash[HASH_HEX_LEN + 1];
    /* rustc names files relative to where cargo started it: the project's directory for the
     * script's crate (a generated copy there is cthag's own), absolute paths otherwise. */
    if (path[0] != '/' || is_cache_file(r->in, path) || recorded_in(r->rec, group, path))
        return;
    if (is_script(r->in, path))
        return add_script(r, group);
    int hashed = !freshness_hash_file(path, hash);
    if (stat(path, &st))
        return untrackable(r, path, "it vanished during the build");
    if (!S_ISREG(st.st_mode))
        return untrackable(r, path, "not a regular file");
    const char *known = NULL;
    if (hashed && u->compiled_now)
        known = read_unchanged(r->in, path, &st) ? hash : NULL;
    else if (hashed && !(known = kept_unit_hash(r, u, path, &st, hash)))
        strlist_add_unique(&r->stale, u->name);
    entry_record_add_input(r->rec, group, path, &st, known);
}

/* In a package's own directory, what cargo leaves out of it: its target directory and hidden
 * files (.git and the like). */
static int outside_package(const char *name, int depth)
{
    return name[0] == '.' || (depth == 0 && !strcmp(name, "target"));
}

/* A path a build script says it reads (rerun-if-changed): a file, every file of a directory,
 * or a file whose absence counts.  package: path is the package's whole directory. */
static void add_declared_path(struct recorder *r, unsigned group, const struct unit_time *u,
                              const char *path, int depth, int package)
{
    struct stat st;
    if (stat(path, &st)) {
        if (!recorded_in(r->rec, group, path))
            entry_record_add_absent(r->rec, group, path);
        return;
    }
    if (!S_ISDIR(st.st_mode))
        return add_read_file(r, group, u, path);
    DIR *d = depth < 32 ? opendir(path) : NULL;
    struct dirent *de;
    struct strbuf child = STRBUF_INIT;
    while (d && (de = readdir(d)) && !r->untrackable.len) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
            (package && outside_package(de->d_name, depth)))
            continue;
        strbuf_reset(&child);
        strbuf_addf(&child, "%s/%s", path, de->d_name);
        add_declared_path(r, group, u, child.buf, depth + 1, package);
        if (r->rec->ninputs > PACKAGE_FILES_MAX)
            untrackable(r, path, "more files than cthag tracks for one build script");
    }
    if (d)
        closedir(d);
    strbuf_release(&child);
}

/* ---- the units ---- */

/* Everything a dep-info file says: files into the group, env-dep lines into the recorder.
 * files NULL: the environment only (a unit that is not local). */
static int read_depinfo(struct recorder *r, const char *path, struct depinfo *info)
{
    struct strbuf text = STRBUF_INIT;
    int result = fs_read_file(path, &text) || depinfo_parse(text.buf, text.len, info) ? -1 : 0;
    for (size_t i = 0; i < info->env.count; i++)
        strlist_add_unique(&r->env_deps, info->env.items[i]);
    strbuf_release(&text);
    return result;
}

static void add_depinfo_files(struct recorder *r, unsigned group, const struct unit_time *u,
                              const char *path)
{
    struct depinfo info = DEPINFO_INIT;
    if (read_depinfo(r, path, &info))
        untrackable(r, path, "dep-info that cthag cannot read: a newline in a file name?");
    for (size_t i = 0; i < info.files.count; i++)
        add_read_file(r, group, u, info.files.items[i]);
    depinfo_release(&info);
}

/* rustc's own dep-info for the script's crate: deps/<bin>-<hash>.d in the shared target, beside
 * the unit's executable, which is the very file cargo copied into the entry's project as built
 * (one inode: found by it, not by the name, which entries of one stem share; see HACKING.md,
 * "What the user sees"). */
static int script_depinfo(const struct build_inputs *in, const char *built,
                          struct strbuf *depinfo)
{
    struct stat exe, st;
    const char *bin = strrchr(built, '/') + 1, *profile_end = bin - 1, *profile = profile_end;
    while (profile > built && profile[-1] != '/')
        profile--;
    if (stat(built, &exe))
        return -1;
    struct strbuf deps = STRBUF_INIT;
    strbuf_addf(&deps, "%s/target/%.*s/deps", in->entry->root.buf, (int)(profile_end - profile),
                profile);
    size_t len = strlen(bin);
    DIR *d = opendir(deps.buf);
    struct dirent *de;
    while (d && !depinfo->len && (de = readdir(d))) {
        if (strncmp(de->d_name, bin, len) || de->d_name[len] != '-' ||
            strlen(de->d_name + len + 1) != 16 || !hash_is_hex(de->d_name + len + 1, 16) ||
            fstatat(dirfd(d), de->d_name, &st, 0) || st.st_dev != exe.st_dev ||
            st.st_ino != exe.st_ino)
            continue;
        strbuf_addf(depinfo, "%s/%s.d", deps.buf, de->d_name);
    }
    if (d)
        closedir(d);
    strbuf_release(&deps);
    return depinfo->len ? 0 : -1;
}

/* The script's crate: the script and what rustc's dep-info lists (rustc's, not cargo's beside the
 * executable: cargo splits rustc's paths at tabs too).  cthag always has cargo compile it. */
static void record_script_unit(struct recorder *r, const char *built)
{
    struct unit_time now = {1, 0, SCRIPT_UNIT};
    struct strbuf path = STRBUF_INIT;
    unsigned group = entry_record_unit(r->rec, SCRIPT_UNIT);
    if (r->in->script)
        add_script(r, group);
    const char *slash = strrchr(built, '/');
    strbuf_add(&path, built, (size_t)(slash - built));
    struct strbuf depinfo = STRBUF_INIT;
    if (script_depinfo(r->in, built, &depinfo))
        untrackable(r, path.buf, "no dep-info for the script's crate");
    else
        add_depinfo_files(r, group, &now, depinfo.buf);
    strbuf_release(&depinfo);
    strbuf_release(&path);
}

/* Where a unit cargo reported keeps its account: its name in the record (the fingerprint
 * directory, relative to target/), its dep-info (or a build script's output), and the file
 * whose mtime says when cargo began it. */
struct unit_place {
    struct strbuf name, depinfo, stamp, profile, scratch;
};

static void strip_last(struct strbuf *path)
{
    char *slash = strrchr(path->buf, '/');
    strbuf_setlen(path, slash ? (size_t)(slash - path->buf) : 0);
}

static const char *last_part(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* build/<pkg>-<hash>/{build-script-build,out}: the unit is named after that directory. */
static void place_build_dir(const struct cargo_unit *u, struct unit_place *p)
{
    struct strbuf *dir = &p->scratch;
    strbuf_addstr(dir, u->file);
    strip_last(dir);
    const char *fingerprint = last_part(dir->buf), *hash = strrchr(fingerprint, '-');
    strbuf_addstr(&p->profile, dir->buf);
    strip_last(&p->profile);
    strip_last(&p->profile);
    if (u->kind == UNIT_SCRIPT_RUN) {
        strbuf_addf(&p->depinfo, "%s/output", dir->buf);
        strbuf_addf(&p->stamp, "%s/invoked.timestamp", dir->buf);
    } else {
        strbuf_addf(&p->depinfo, "%s/", dir->buf);
        for (const char *c = u->target_name; *c; c++)
            strbuf_addch(&p->depinfo, *c == '-' ? '_' : *c);
        strbuf_addf(&p->depinfo, "%s.d", hash ? hash : "");
        strbuf_addf(&p->stamp, "%s/.fingerprint/%s/invoked.timestamp", p->profile.buf,
                    fingerprint);
    }
    strbuf_addstr(&p->name, fingerprint);
}

/* deps/lib<crate>-<hash>.<ext>: the unit is <package>-<hash>. */
static int place_library(const struct cargo_unit *u, struct unit_place *p)
{
    const char *base = last_part(u->file);
    if (!strncmp(base, "lib", 3))
        base += 3;
    const char *dot = strchr(base, '.'), *dash = NULL;
    for (const char *c = base; *c && c != dot; c++)
        if (*c == '-')
            dash = c;
    if (!dash)
        return -1;
    size_t hash_len = dot ? (size_t)(dot - dash) : strlen(dash);
    strbuf_addstr(&p->profile, u->file);
    strip_last(&p->profile);
    strbuf_addf(&p->depinfo, "%s/%.*s.d", p->profile.buf, (int)(dash - base + hash_len), base);
    strip_last(&p->profile);
    cargo_package_name(u->package_id, &p->scratch);
    strbuf_addf(&p->name, "%s%.*s", p->scratch.buf, (int)hash_len, dash);
    strbuf_addf(&p->stamp, "%s/.fingerprint/%s/invoked.timestamp", p->profile.buf, p->name.buf);
    return 0;
}

/* The unit's place; -1 when cargo's account is not laid out as cthag knows it. */
static int place_unit(const struct build_inputs *in, const struct cargo_unit *u,
                      struct unit_place *p)
{
    const char *target = in->entry->root.buf;
    size_t len = in->entry->root.len;
    if (u->kind == UNIT_SCRIPT_RUN || !strcmp(u->target_kind, "custom-build"))
        place_build_dir(u, p);
    else if (place_library(u, p))
        return -1;
    /* Named relative to the shared target: <profile>/<fingerprint>. */
    if (strncmp(p->profile.buf, target, len) || strncmp(p->profile.buf + len, "/target/", 8))
        return -1;
    struct strbuf name = STRBUF_INIT;
    strbuf_addf(&name, "%s/%s", p->profile.buf + len + 8, p->name.buf);
    strbuf_release(&p->name);
    p->name = name;
    return strstr(p->name.buf, "..") ? -1 : 0;
}

static void unit_place_release(struct unit_place *p)
{
    strbuf_release(&p->name);
    strbuf_release(&p->depinfo);
    strbuf_release(&p->stamp);
    strbuf_release(&p->profile);
    strbuf_release(&p->scratch);
}

/* "cargo:KEY=VALUE" or "cargo::KEY=VALUE" of a build script's output: VALUE, or NULL. */
static const char *directive(const char *line, const char *key)
{
    if (strncmp(line, "cargo:", 6))
        return NULL;
    line += 6 + (line[6] == ':');
    size_t n = strlen(key);
    return !strncmp(line, key, n) && line[n] == '=' ? line + n + 1 : NULL;
}

/* A build script's run: the variables and files it declared; none declared: its package. */
static void record_script_run(struct recorder *r, unsigned group, const struct unit_time *t,
                              const char *output, const char *package_dir, int walk_package)
{
    struct strbuf text = STRBUF_INIT, path = STRBUF_INIT;
    int declared = 0;
    fs_read_file(output, &text);
    for (char *line = text.buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        const char *value;
        if ((value = directive(line, "rerun-if-env-changed")) && *value) {
            strlist_add_unique(&r->env_deps, value);
            declared = 1;
        } else if ((value = directive(line, "rerun-if-changed")) && *value) {
            strbuf_reset(&path);
            if (*value != '/')
                strbuf_addf(&path, "%s/", package_dir);
            strbuf_addstr(&path, value);
            if (group)
                add_declared_path(r, group, t, path.buf, 0, 0);
            declared = 1;
        } else if ((value = directive(line, "rustc-env")) && strchr(value, '=')) {
            /* cargo sets it for rustc: the environment's value is not what the build saw */
            strbuf_reset(&path);
            strbuf_add(&path, value, strcspn(value, "="));
            strlist_add_unique(&r->set_by_scripts, path.buf);
        }
        line = nl ? nl + 1 : NULL;
    }
    /* cargo's rule: a build script that declares nothing it depends on depends on its package.
     * The script's own package is cthag's project, whose files are the key's and the script
     * unit's (and its record, rewritten by every build): not walked. */
    if (group && !declared && walk_package)
        add_declared_path(r, group, t, package_dir, 0, 1);
    strbuf_release(&text);
    strbuf_release(&path);
}

static long long file_mtime(const char *path)
{
    struct stat st;
    return stat(path, &st) ? 0 : fs_timespec_ns(&st.st_mtim);
}

/* One unit cargo reported.  Every unit's declared variables count; the files of a local one
 * (a path dependency's) are recorded in its own group.  The script's crate is recorded apart. */
static void record_unit(struct recorder *r, const struct cargo_unit *u)
{
    struct unit_place p = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
    struct strbuf dir = STRBUF_INIT;
    int local = !cargo_package_dir(u->package_id, &dir);
    /* The script's package: its crate is recorded apart; its build script (`package.build`) is
     * a unit of its own, whose files and run count as a path dependency's. */
    int own = local && !strcmp(dir.buf, r->in->entry->project_dir.buf);
    if (own && u->kind == UNIT_COMPILED && strcmp(u->target_kind, "custom-build")) {
        /* the script's own crate */
    } else if (place_unit(r->in, u, &p)) {
        if (local)
            untrackable(r, u->package_id, "cargo's account of it is not laid out as cthag knows");
    } else {
        unsigned group = local ? entry_record_unit(r->rec, p.name.buf) : 0;
        long long since = file_mtime(p.stamp.buf);
        struct unit_time t = {u->kind == UNIT_COMPILED ? !u->fresh : since >= r->in->stamp,
                              since, local ? r->rec->units.items[group - 1] : NULL};
        if (u->kind == UNIT_SCRIPT_RUN) {
            record_script_run(r, group, &t, p.depinfo.buf, dir.buf, !own);
        } else if (local) {
            add_depinfo_files(r, group, &t, p.depinfo.buf);
        } else {
            struct depinfo info = DEPINFO_INIT;
            read_depinfo(r, p.depinfo.buf, &info); /* its variables only */
            depinfo_release(&info);
        }
    }
    unit_place_release(&p);
    strbuf_release(&dir);
}

/* ---- the record ---- */

/* Set by cargo for rustc, or by cthag for the script: the same for every build of the entry. */
static int is_builder_variable(const char *name, size_t len)
{
    static const char *const prefixes[] = {"CARGO_", "CTHAG_SCRIPT_", "RUST_SCRIPT_", NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (len >= strlen(*p) && !strncmp(name, *p, strlen(*p)))
            return 1;
    return len == 7 && !strncmp(name, "OUT_DIR", 7);
}

/* The declared variables, with their values now (unset: the name alone). */
static void record_env(struct entry_record *rec, const struct recorder *r)
{
    struct strbuf entry = STRBUF_INIT;
    for (size_t i = 0; i < r->env_deps.count; i++) {
        const char *dep = r->env_deps.items[i];
        size_t len = strcspn(dep, "=");
        if (!len || is_builder_variable(dep, len))
            continue;
        strbuf_reset(&entry);
        strbuf_add(&entry, dep, len);
        if (strlist_contains(&r->set_by_scripts, entry.buf))
            continue;
        const char *value = getenv(entry.buf);
        int seen = 0;
        for (size_t j = 0; j < rec->env.count && !seen; j++)
            seen = !strncmp(rec->env.items[j], entry.buf, len) &&
                   (rec->env.items[j][len] == '=' || !rec->env.items[j][len]);
        if (value)
            strbuf_addf(&entry, "=%s", value);
        if (!seen)
            strlist_add(&rec->env, entry.buf);
    }
    strbuf_release(&entry);
}

static void start_record(const struct build_inputs *in, struct entry_record *rec)
{
    struct strbuf lock = STRBUF_INIT;
    memset(rec, 0, sizeof(*rec));
    snprintf(rec->key, sizeof(rec->key), "%s", in->key);
    rec->built = rec->used = time(NULL);
    rec->stamp_ns = freshness_clock_now();
    snprintf(rec->source, sizeof(rec->source), "%s", in->id->source);
    snprintf(rec->opts, sizeof(rec->opts), "%s", in->id->opts.buf);
    snprintf(rec->registry, sizeof(rec->registry), "%s", in->registry);
    entry_record_set(rec, &rec->config_registry, in->config_registry);
    if (in->manifest)
        freshness_hash_text(in->manifest, strlen(in->manifest), rec->manifest);
    strbuf_addf(&lock, "%s/Cargo.lock", in->entry->project_dir.buf);
    if (freshness_hash_file(lock.buf, rec->lock))
        rec->lock[0] = '\0';
    strbuf_release(&lock);
}

/* Units cargo kept that may be stale: forgotten, for one more cargo run. */
static int retry_stale(struct recorder *r)
{
    struct build_state *state = r->in->state;
    if (!r->stale.count || state->retried)
        return 0;
    state->retried = 1;
    for (size_t i = 0; i < r->stale.count; i++) {
        note("%s: %s changed since cargo compiled it, at an mtime cargo does not look at",
             r->in->script_name, r->stale.items[i]);
        forget_unit(r->in, r->stale.items[i]);
    }
    return 1;
}

/* The variables the build declared, and (final: no retry coming) what could not be tracked
 * made the record's uncacheable reason; the recorder released. */
static void finish_recording(struct recorder *r, int final)
{
    struct build_inputs *in = r->in;
    for (size_t i = 0; in->generated_env && i < in->generated_env->count; i++)
        strlist_add_unique(&r->env_deps, in->generated_env->items[i]);
    record_env(r->rec, r);
    if (final && r->untrackable.len && !r->rec->uncacheable) {
        entry_record_set(r->rec, &r->rec->uncacheable, r->untrackable.buf);
        warning("%s: %s: it is built again on every run", in->script_name, r->untrackable.buf);
    }
    strlist_release(&r->env_deps);
    strlist_release(&r->stale);
    strlist_release(&r->set_by_scripts);
    strbuf_release(&r->untrackable);
}

int freshness_record_build(struct build_inputs *in, const char *built,
                           const struct cargo_units *units, struct entry_record *rec)
{
    struct recorder r = {in, rec, STRLIST_INIT, STRBUF_INIT, STRLIST_INIT, STRLIST_INIT};
    if (!in->state)
        in->state = xcalloc(1, sizeof(*in->state)); /* no previous record to compare with */
    struct build_state *state = in->state;
    start_record(in, rec);
    record_script_unit(&r, built);
    for (size_t i = 0; units && i < units->count; i++)
        record_unit(&r, &units->items[i]);
    struct buildenv_request req = {in->toolchain, in->config_file,
                                   state->config_unchanged ? &state->previous : NULL, in->stamp};
    buildenv_snapshot(&req, rec);
    int again = retry_stale(&r);
    finish_recording(&r, !again);
    return again;
}

/* ---- a build cthag ran without cargo ---- */

int freshness_config_holds(const struct entry_record *rec)
{
    return config_unchanged(rec);
}

/* An input of base, as recorded, into group of rec. */
static void copy_input(struct entry_record *rec, unsigned group, const struct record_input *in)
{
    struct stat none;
    memset(&none, 0, sizeof(none));
    struct record_input *copy = entry_record_add_input(rec, group, in->path, &none, NULL);
    char *path = copy->path;
    *copy = *in;
    copy->path = path;
    copy->group = group;
}

/* The units of base other than the script's, with their files as recorded, and the names of
 * the variables it declared. */
static void carry_other_units(struct recorder *r, const struct entry_record *base)
{
    for (size_t g = 0; g < base->units.count; g++) {
        if (!strcmp(base->units.items[g], SCRIPT_UNIT))
            continue;
        unsigned group = entry_record_unit(r->rec, base->units.items[g]);
        for (size_t i = 0; i < base->ninputs; i++)
            if (base->inputs[i].group == (unsigned)g + 1)
                copy_input(r->rec, group, &base->inputs[i]);
    }
    for (size_t i = 0; i < base->env.count; i++) {
        char *name = xstrndup(base->env.items[i], strcspn(base->env.items[i], "="));
        strlist_add_unique(&r->env_deps, name);
        free(name);
    }
}

void freshness_record_direct(struct build_inputs *in, const char *depinfo,
                             const struct entry_record *base, int base_is_entry,
                             struct entry_record *rec)
{
    struct recorder r = {in, rec, STRLIST_INIT, STRBUF_INIT, STRLIST_INIT, STRLIST_INIT};
    struct unit_time now = {1, 0, SCRIPT_UNIT};
    if (!in->state)
        in->state = xcalloc(1, sizeof(*in->state));
    start_record(in, rec);
    unsigned group = entry_record_unit(rec, SCRIPT_UNIT);
    if (in->script)
        add_script(&r, group);
    add_depinfo_files(&r, group, &now, depinfo);
    if (base && base_is_entry)
        carry_other_units(&r, base);
    struct buildenv_request req = {in->toolchain, in->config_file,
                                   base && config_unchanged(base) ? base : NULL, in->stamp};
    buildenv_snapshot(&req, rec);
    finish_recording(&r, 1);
}
