#include "pipeline.h"

#include "build.h"
#include "cache.h"
#include "cachegc.h"
#include "config.h"
#include "diag.h"
#include "infer.h"
#include "lockseed.h"
#include "manifest.h"
#include "run.h"
#include "source.h"
#include "wrap.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/spawn.h"
#include "util/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* A last-used time older than this is refreshed on a cached run (like go's build cache). */
#define USED_TIME_RESOLUTION 3600

/* Fault injection for the crash-safety tests: CTHAG_TEST_CRASH_AT=<point> makes cthag die by
 * SIGKILL there, as a power cut or an OOM kill would.  Only read on the building path. */
static void crash_point(const char *point)
{
    const char *at = getenv("CTHAG_TEST_CRASH_AT");
    if (at && !strcmp(at, point))
        raise(SIGKILL);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* -t: where the time went. */
struct timings {
    double start, generated, built;
};

/* The settings a build uses: the command line over the config file over the defaults. */
struct settings {
    int release;
    const char *registry_dir;
    const char *edition;
    const char *wrapper;
    enum infer_level infer;
};

struct job {
    const struct options *o;
    struct strbuf root;
    /* The script's canonical path, or "content:<hash>" for -e/-s/-l: what the record names. */
    char *identity_source;
    struct strbuf content;   /* the text of -e/-s/-l sources */
    struct strbuf opts;      /* the options that change the build, as text */
    struct cache_entry entry;
    struct entry_record rec;
    int has_rec;
    struct timings times;
    struct config cfg;     /* read on the slow path only */
    struct settings set;
};

static const char *const infer_names[] = {"none", "min", "config", "max"};

/* The options that make a different executable: part of the entry identity. */
static void describe_options(const struct options *o, struct strbuf *out)
{
    /* Only the command line: the config file is not read on the cached path. */
    strbuf_addf(out, "profile=%s features=%s toolchain=%s infer=%s%s%s",
                o->release ? "release" : "default", o->features ? o->features : "",
                o->toolchain ? o->toolchain : "", o->infer_given ? infer_names[o->infer] : "default",
                o->unquote ? " unquote" : "", o->multimain ? " multimain" : "");
}


/* The entry's record, if it is there, whole, and really this script's with these options. */
static void load_record(struct job *job)
{
    job->has_rec = !entry_record_load(job->entry.record_path.buf, &job->rec) &&
                   !strcmp(job->rec.source, job->identity_source) &&
                   !strcmp(job->rec.opts, job->opts.buf);
}

static const char *const kind_stems[] = {"script", "expr", "stdin", "loop"};

/* -e/-s/-l: the text that identifies the source.  -s reads standard input here. */
static int read_content(struct job *job)
{
    const struct options *o = job->o;
    struct strbuf *c = &job->content;
    if (o->kind == SOURCE_STDIN && fs_read_fd(STDIN_FILENO, c))
        return error("<stdin>: cannot read standard input: %s", strerror(errno));
    if (o->kind == SOURCE_EXPR)
        strbuf_addstr(c, o->text);
    return 0;
}

static void content_identity(const struct job *job, struct strbuf *identity)
{
    const struct options *o = job->o;
    struct hasher *h = hasher_new();
    char hex[HASH_HEX_LEN + 1];
    hasher_add_field(h, kind_stems[o->kind]);
    hasher_add(h, job->content.buf, job->content.len);
    hasher_add_field(h, "");
    hasher_add_field(h, o->kind == SOURCE_LOOP ? o->loop_begin : "");
    hasher_add_field(h, o->kind == SOURCE_LOOP ? o->text : "");
    hasher_add_field(h, o->kind == SOURCE_LOOP ? o->loop_end : "");
    hasher_add_field(h, o->toml ? o->toml : "");
    hasher_finish(h, hex);
    strbuf_addf(identity, "content:%s", hex);
}

static int job_start(struct job *job, const struct options *o)
{
    memset(job, 0, sizeof(*job));
    job->o = o;
    job->times.start = now_ms();
    if (cache_root(&job->root) || read_content(job))
        return -1;
    struct strbuf source = STRBUF_INIT;
    if (o->kind == SOURCE_FILE) {
        job->identity_source = realpath(o->script, NULL);
        if (!job->identity_source)
            return 0; /* reported by the slow path, which reads the file */
    } else {
        content_identity(job, &source);
        job->identity_source = strbuf_detach(&source);
    }
    describe_options(o, &job->opts);
    struct strbuf identity = STRBUF_INIT;
    strbuf_addf(&identity, "%s\n%s", job->identity_source, job->opts.buf);
    cache_entry_init(&job->entry, job->root.buf,
                     o->kind == SOURCE_FILE ? job->identity_source : kind_stems[o->kind],
                     identity.buf);
    strbuf_release(&identity);
    load_record(job);
    return 0;
}

static void job_finish(struct job *job)
{
    config_release(&job->cfg);
    strbuf_release(&job->root);
    free(job->identity_source);
    strbuf_release(&job->content);
    strbuf_release(&job->opts);
    cache_entry_release(&job->entry);
}

static void touch_used_time(struct job *job)
{
    time_t now = time(NULL);
    if (now - job->rec.used < USED_TIME_RESOLUTION)
        return;
    job->rec.used = now;
    entry_record_store(job->entry.record_path.buf, &job->rec);
}

/* argv[0] of the script: the path as the user wrote it, or the kind of source.  A path that is
 * not UTF-8 is passed with U+FFFD for its bad bytes: Rust's env::args() panics otherwise. */
static const char *script_argv0(const struct options *o)
{
    static struct strbuf lossy = STRBUF_INIT;
    if (o->kind != SOURCE_FILE)
        return kind_stems[o->kind];
    if (utf8_valid(o->script, strlen(o->script)))
        return o->script;
    strbuf_reset(&lossy);
    utf8_lossy(o->script, strlen(o->script), &lossy);
    return lossy.buf;
}

static void print_timings(const struct job *job, double run_ms)
{
    const struct timings *t = &job->times;
    if (!t->built)
        fprintf(stderr, "cthag: timings: cached lookup %.2f ms, run %.2f ms\n",
                now_ms() - t->start - run_ms, run_ms);
    else
        fprintf(stderr, "cthag: timings: generate %.2f ms, build %.2f ms, run %.2f ms\n",
                t->generated - t->start, t->built - t->generated, run_ms);
}

/* -t: run as a child to time it, then leave as it did (re-raising a fatal signal). */
static int run_timed(struct job *job)
{
    const struct options *o = job->o;
    double start = now_ms();
    int status = run_wait(job->entry.bin_path.buf, script_argv0(o), o->script_args,
                          o->nscript_args);
    if (status < 0)
        return -1;
    print_timings(job, now_ms() - start);
    if (status > 128) {
        signal(status - 128, SIG_DFL);
        raise(status - 128);
    }
    exit(status);
}

/* Returns only when the entry cannot be executed as it is. */
static void exec_entry(struct job *job)
{
    const struct options *o = job->o;
    touch_used_time(job);
    if (o->timings)
        run_timed(job);
    else
        run_exec(job->entry.bin_path.buf, script_argv0(o), o->script_args, o->nscript_args);
    note("%s: cannot execute %s: %s", o->script, job->entry.bin_path.buf, strerror(errno));
}

/* The hot path: nothing but stat calls, one record read and execv. */
static void try_fast_path(struct job *job)
{
    const struct options *o = job->o;
    struct stat st;
    if (!job->has_rec || o->force || o->action != ACTION_RUN)
        return;
    if (o->kind == SOURCE_FILE &&
        (stat(job->identity_source, &st) || !entry_record_stat_matches(&job->rec, &st))) {
        note("%s: changed since the last build (stat data differ); checking its content",
             o->script);
        return;
    }
    if (cache_check_private(job->root.buf, 0))
        return;
    note("%s: fresh (unchanged since the build of key %s); running %s", o->script, job->rec.key,
         job->entry.bin_path.buf);
    exec_entry(job);
}

/* ---- the slow path ---- */

struct generated {
    struct strbuf manifest;  /* Cargo.toml */
    struct strbuf file_name; /* <stem>.rs */
    struct wrapped code;
    struct diag_map diag;
    char key[HASH_HEX_LEN + 1];
};

static int check_mains(const struct job *job, const struct script *s)
{
    if (s->main_total > 1 && !job->o->multimain)
        return error("%s:%d: a second `fn main` (the first is at line %d); use -m/--multimain if "
                     "that is intended", s->name, s->main_lines[1], s->main_lines[0]);
    return 0;
}

/* The script's text, validated, with its manifest (or -M's) found. */
static int load_script(struct job *job, struct script *s, struct stat *st)
{
    const struct options *o = job->o;
    memset(st, 0, sizeof(*st));
    if (o->kind == SOURCE_LOOP) {
        strbuf_addf(&s->body, "%s\n%s\n%s\n", o->loop_begin, o->text, o->loop_end);
    } else {
        if (o->kind == SOURCE_FILE) {
            if (source_read(o->script, &s->text, st))
                return -1;
        } else {
            strbuf_add(&s->text, job->content.buf, job->content.len);
        }
        if (source_parse(s) || check_mains(job, s))
            return -1;
    }
    if (o->toml) {
        if (s->format != MANIFEST_NONE)
            return error("%s:%d: -M gives a manifest and so does the script's %s; use one",
                         s->name, s->manifest_block_line, source_format_name(s->format));
        strbuf_addstr(&s->manifest, o->toml);
        s->format = MANIFEST_THAG;
        s->manifest_line = 1;
    }
    return 0;
}

/* Read the config file and settle every setting of the build. */
static int settle_settings(struct job *job)
{
    const struct options *o = job->o;
    struct settings *set = &job->set;
    if (config_load(&job->cfg))
        return -1;
    set->release = o->release || (job->cfg.profile && !strcmp(job->cfg.profile, "release"));
    set->registry_dir = o->registry_dir ? o->registry_dir : job->cfg.registry_dir;
    set->edition = job->cfg.edition ? job->cfg.edition : "2021";
    set->wrapper = o->wrapper ? o->wrapper : job->cfg.wrapper;
    set->infer = o->infer_given ? o->infer
                 : job->cfg.infer_level >= 0 ? (enum infer_level)job->cfg.infer_level
                                             : INFER_CONFIG;
    struct stat st;
    if (set->registry_dir && (stat(set->registry_dir, &st) || !S_ISDIR(st.st_mode)))
        return error("registry directory %s (from the config file): not a directory",
                     set->registry_dir);
    return 0;
}

static void compute_build_key(const struct job *job, struct generated *g)
{
    struct utsname machine;
    struct hasher *h = hasher_new();
    hasher_add_field(h, "cthag-build " CACHE_FORMAT_VERSION);
    hasher_add_field(h, g->manifest.buf);
    hasher_add(h, g->code.code.buf, g->code.code.len);
    hasher_add_field(h, "");
    hasher_add_field(h, job->opts.buf);
    hasher_add_field(h, job->set.release ? "release" : "dev");
    hasher_add_field(h, job->set.registry_dir ? job->set.registry_dir : "");
    hasher_add_field(h, uname(&machine) ? "" : machine.machine);
    hasher_finish(h, g->key);
}

static void wrap_code(const struct job *job, const struct script *s, struct wrapped *code)
{
    const struct options *o = job->o;
    int flags = o->unquote ? WRAP_UNQUOTE : 0;
    if (o->kind == SOURCE_LOOP)
        wrap_loop(o->loop_begin, o->text, o->loop_end, flags, code);
    else if (s->main_count)
        wrap_program(s->body.buf, s->body.len, code);
    else
        wrap_snippet(s->body.buf, s->body.len, flags, code);
}

static int generate(const struct job *job, const struct script *s, struct generated *g)
{
    const struct options *o = job->o;
    const struct settings *set = &job->set;
    struct strlist crates = STRLIST_INIT;
    if (set->infer != INFER_NONE)
        infer_script_crates(s->name, s->body.buf, s->body.len, &crates);
    strbuf_addf(&g->file_name, "%s.rs", job->entry.stem.buf);
    struct manifest_input in = {
        .script_name = s->name,
        .toml = s->format != MANIFEST_NONE ? s->manifest.buf : NULL,
        .toml_len = s->manifest.len,
        .toml_line = s->manifest_line,
        .used_crates = set->infer != INFER_NONE ? &crates : NULL,
        .package_name = job->entry.package.buf,
        .source_file = g->file_name.buf,
        .registry_dir = set->registry_dir,
        .edition = set->edition,
        .infer_features = set->infer >= INFER_CONFIG ? job->cfg.infer_features : NULL,
        .infer_max_features = set->infer == INFER_MAX ? job->cfg.infer_max_features : NULL,
    };
    int result = manifest_generate(&in, &g->manifest);
    strlist_release(&crates);
    if (result)
        return -1;
    wrap_code(job, s, &g->code);
    g->diag = (struct diag_map){g->file_name.buf, o->script, &g->code};
    compute_build_key(job, g);
    return 0;
}

static void generated_release(struct generated *g)
{
    strbuf_release(&g->manifest);
    strbuf_release(&g->file_name);
    wrap_release(&g->code);
}

static int write_project(const struct job *job, const struct generated *g)
{
    struct strbuf path = STRBUF_INIT;
    int result = 0;
    if (fs_mkdir_private(job->entry.project_dir.buf))
        result = error("cannot create %s: %s", job->entry.project_dir.buf, strerror(errno));
    strbuf_addf(&path, "%s/%s", job->entry.project_dir.buf, g->file_name.buf);
    if (!result && fs_write_if_changed(path.buf, g->code.code.buf, g->code.code.len) < 0)
        result = -1;
    if (!result && job->o->force)
        utimensat(AT_FDCWD, path.buf, NULL, 0); /* makes cargo recompile the script's crate */
    strbuf_reset(&path);
    strbuf_addf(&path, "%s/Cargo.toml", job->entry.project_dir.buf);
    if (!result && fs_write_if_changed(path.buf, g->manifest.buf, g->manifest.len) < 0)
        result = -1;
    /* Cargo.lock pins versions found in one registry; another registry may not have them.
     * --update drops it: cargo resolves the newest versions. */
    const char *registry = job->set.registry_dir ? job->set.registry_dir : "";
    if (!result && (job->o->update || !job->has_rec || strcmp(job->rec.registry, registry))) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/Cargo.lock", job->entry.project_dir.buf);
        unlink(path.buf);
    }
    if (!result && !job->o->update &&
        lockseed_write(job->root.buf, job->entry.project_dir.buf, registry))
        result = -1;
    strbuf_release(&path);
    return result;
}

static int is_installed(const struct job *job, const char *key)
{
    return job->has_rec && !strcmp(job->rec.key, key) && !access(job->entry.bin_path.buf, X_OK);
}

static int record_build(struct job *job, const char *key, const struct stat *script_st)
{
    struct stat bin_st;
    time_t now = time(NULL);
    struct entry_record *rec = &job->rec;
    memset(rec, 0, sizeof(*rec));
    snprintf(rec->key, sizeof(rec->key), "%s", key);
    entry_record_set_stat(rec, script_st);
    rec->built = rec->used = now;
    rec->bin_size = stat(job->entry.bin_path.buf, &bin_st) ? 0 : (unsigned long long)bin_st.st_size;
    snprintf(rec->source, sizeof(rec->source), "%s", job->identity_source);
    snprintf(rec->opts, sizeof(rec->opts), "%s", job->opts.buf);
    snprintf(rec->registry, sizeof(rec->registry), "%s",
             job->set.registry_dir ? job->set.registry_dir : "");
    job->has_rec = 1;
    return entry_record_store(job->entry.record_path.buf, rec);
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

static void build_options(const struct job *job, struct build_opts *bo)
{
    const struct options *o = job->o;
    const char *color = color_choice(o);
    bo->toolchain = o->toolchain;
    bo->release = job->set.release;
    bo->features = o->features;
    bo->offline = o->offline;
    bo->registry_dir = job->set.registry_dir;
    bo->quiet = o->quiet;
    bo->color = !strcmp(color, "always") || (!strcmp(color, "auto") && isatty(STDERR_FILENO));
    bo->color_arg = strcmp(color, "auto") ? color : NULL;
    bo->wrapper = job->set.wrapper;
}

#define DEBIAN_REGISTRY "/usr/share/cargo/registry"

/* After a failed build: when cargo could not even resolve the dependencies from crates.io (it
 * wrote no Cargo.lock), the usual cause is a machine without network; say so, and point at
 * Debian's packaged crates when they are there. */
static void suggest_registry(const struct job *job, const struct generated *g)
{
    struct strbuf lock = STRBUF_INIT;
    struct stat st;
    strbuf_addf(&lock, "%s/Cargo.lock", job->entry.project_dir.buf);
    int resolved = !stat(lock.buf, &st);
    strbuf_release(&lock);
    if (resolved || job->set.registry_dir || !manifest_uses_registry(g->manifest.buf))
        return;
    int debian = !stat(DEBIAN_REGISTRY, &st) && S_ISDIR(st.st_mode);
    error("%s: cargo could not fetch the dependencies: is crates.io reachable (no network?)%s%s%s",
          job->o->script, debian ? "; crates installed from Debian's librust-*-dev packages work "
                                   "offline: cthag --registry-dir " DEBIAN_REGISTRY " "
                                 : "",
          debian ? job->o->script : "", debian ? "" : "; --registry-dir DIR uses a local registry");
}

static int build_and_install(struct job *job, const struct generated *g, const struct stat *st)
{
    const struct options *o = job->o;
    struct build_opts bo;
    struct strbuf built = STRBUF_INIT;
    build_options(job, &bo);
    struct build_request req = {CARGO_BUILD, NULL, 0, &g->diag, &built};
    note("%s: building %s (key %s)", o->script, job->entry.project_dir.buf, g->key);
    int result = build_run_cargo(&job->entry, &bo, &req, o->script) ? -1 : 0;
    if (spawn_interrupted) {
        error("%s: interrupted; nothing was installed", o->script);
        result = -1;
    } else if (result) {
        suggest_registry(job, g);
    }
    crash_point("built");
    if (!result && (!built.len || access(built.buf, F_OK))) {
        result = error("%s: cargo succeeded but reported no executable", o->script);
    } else if (!result) {
        /* Record out first: a crash between the install and the new record must leave no
         * record rather than the old record beside the new executable. */
        unlink(job->entry.record_path.buf);
        job->has_rec = 0;
        result = cache_install(&job->entry, built.buf);
    }
    strbuf_release(&built);
    crash_point("installed");
    if (!result)
        result = record_build(job, g->key, st);
    crash_point("recorded");
    return result;
}

/* What a process killed while writing into this entry left behind. */
static void remove_stale_temps(const struct job *job)
{
    struct strbuf bins = STRBUF_INIT;
    strbuf_addf(&bins, "%s/bins", job->root.buf);
    fs_remove_stale_temps(job->entry.project_dir.buf, "");
    fs_remove_stale_temps(bins.buf, job->entry.name.buf);
    strbuf_release(&bins);
}

/* -c, -T, -A: cargo on the written project; cthag exits as the action asks. */
static int run_cargo_action(struct job *job, const struct generated *g)
{
    const struct options *o = job->o;
    struct build_opts bo;
    build_options(job, &bo);
    enum cargo_action action = o->action == ACTION_CHECK  ? CARGO_CHECK
                               : o->action == ACTION_TEST ? CARGO_TEST
                                                          : CARGO_OTHER;
    struct build_request req = {action, o->script_args, o->nscript_args, &g->diag, NULL};
    int status = build_run_cargo(&job->entry, &bo, &req, o->script);
    if (status < 0)
        return EXIT_BUILD_FAILED;
    if (action == CARGO_CHECK && status)
        return EXIT_BUILD_FAILED;
    return status; /* cargo test's and the subcommand's own status */
}

/* Write the project and do what the action needs under the lock.  Returns an exit status. */
static int write_and_build(struct job *job, const struct generated *g, const struct stat *st)
{
    remove_stale_temps(job);
    if (write_project(job, g))
        return EXIT_BUILD_FAILED;
    crash_point("generated");
    switch (job->o->action) {
    case ACTION_GEN:
        printf("%s\n", job->entry.project_dir.buf);
        return 0;
    case ACTION_CHECK:
    case ACTION_TEST:
    case ACTION_CARGO:
        return run_cargo_action(job, g);
    default:
        return build_and_install(job, g, st) ? EXIT_BUILD_FAILED : 0;
    }
}

static int needs_install(enum action action)
{
    return action == ACTION_RUN || action == ACTION_BUILD || action == ACTION_EXECUTABLE;
}

/* Under the entry lock: whatever another process finished meanwhile counts. */
static int build_locked(struct job *job, const struct generated *g, const struct stat *st)
{
    int lock = cache_lock(&job->entry, job->o->script);
    if (lock < 0)
        return EXIT_BUILD_FAILED;
    load_record(job);
    int status = 0;
    if (!job->o->force && needs_install(job->o->action) && is_installed(job, g->key))
        note("%s: built meanwhile by another cthag", job->o->script);
    else
        status = write_and_build(job, g, st);
    cache_unlock(lock);
    return status;
}

/* Content unchanged (touch, identical rewrite, revert): refresh the stat data, build nothing. */
static int reuse_unchanged(struct job *job, const struct generated *g, const struct stat *st)
{
    if (job->o->force || !needs_install(job->o->action) || !is_installed(job, g->key))
        return 0;
    note("%s: content unchanged (key %s); not rebuilding", job->o->script, g->key);
    if (job->o->kind == SOURCE_FILE) {
        entry_record_set_stat(&job->rec, st);
        entry_record_store(job->entry.record_path.buf, &job->rec);
    }
    return 1;
}

/* -x: the release executable as a command of its own. */
static int install_executable(const struct job *job)
{
    const struct options *o = job->o;
    struct strbuf dir = STRBUF_INIT, dest = STRBUF_INIT;
    if (o->install_dir)
        strbuf_addstr(&dir, o->install_dir);
    else
        strbuf_addf(&dir, "%s/.cargo/bin", getenv("HOME") ? getenv("HOME") : "");
    const char *base = strrchr(o->script, '/');
    base = base ? base + 1 : o->script;
    size_t len = strlen(base);
    if (len > 3 && !strcmp(base + len - 3, ".rs"))
        len -= 3;
    strbuf_addf(&dest, "%s/%.*s", dir.buf, (int)len, base);
    int result = 0;
    if (fs_mkdir_parents(dir.buf, 0755))
        result = error("cannot create %s: %s", dir.buf, strerror(errno));
    else if (!(result = fs_install_copy(job->entry.bin_path.buf, dest.buf, 0755)))
        fprintf(stderr, "cthag: installed %s\n", dest.buf);
    strbuf_release(&dir);
    strbuf_release(&dest);
    return result ? EXIT_BUILD_FAILED : 0;
}

static int slow_path(struct job *job)
{
    const struct options *o = job->o;
    struct script s = {.name = o->script, .text = STRBUF_INIT, .body = STRBUF_INIT,
                       .manifest = STRBUF_INIT};
    struct generated g;
    memset(&g, 0, sizeof(g));
    struct stat st;
    int status = EXIT_BAD_INPUT;
    if (load_script(job, &s, &st))
        goto done;
    if (!job->identity_source) {
        error("%s: %s", o->script, strerror(errno));
        goto done;
    }
    if (cache_prepare(job->root.buf) || settle_settings(job) || generate(job, &s, &g))
        goto done;
    job->times.generated = now_ms();
    status = 0;
    if (!reuse_unchanged(job, &g, &st)) {
        status = build_locked(job, &g, &st);
        job->times.built = now_ms();
        /* The cache only grows when something is built: the place for the daily trim. */
        if (!status && needs_install(o->action))
            cache_auto_trim(job->root.buf);
    }
    if (status || o->action != ACTION_RUN) {
        if (!status && o->action == ACTION_EXECUTABLE)
            status = install_executable(job);
        goto done;
    }
    exec_entry(job);
    error("%s: cannot execute %s: %s", o->script, job->entry.bin_path.buf, strerror(errno));
    status = EXIT_BUILD_FAILED;
done:
    generated_release(&g);
    source_release(&s);
    return status;
}

int pipeline_run(const struct options *o)
{
    struct job job;
    int status = EXIT_BAD_INPUT;
    if (!job_start(&job, o)) {
        if (job.identity_source)
            try_fast_path(&job);
        status = slow_path(&job);
    }
    job_finish(&job);
    if (spawn_interrupted) {
        /* Leave as the interrupted command we are: killed by that signal (the lock is released). */
        signal(spawn_interrupted, SIG_DFL);
        raise(spawn_interrupted);
    }
    return status;
}
