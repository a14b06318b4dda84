/* The stages strung together (DESIGN §2, pipeline.h): the cached path, else the slow path
 * source → infer → manifest → wrap (generate.h) → cache → build → run.  The decisions are the
 * stages' own: identity and build key (cache/identity.h), freshness (cache/freshness.h), what
 * cargo is asked (cargo/), how the script runs (run.h). */
#include "pipeline.h"

#include "cache/cache.h"
#include "cache/freshness.h"
#include "cache/gc.h"
#include "cache/identity.h"
#include "cargo/action.h"
#include "cargo/build.h"
#include "cargo/lockseed.h"
#include "cargo/pin.h"
#include "cargo/registry.h"
#include "cargo/replay.h"
#include "cargo/wrapper.h"
#include "config.h"
#include "direct.h"
#include "fetch/fetch.h"
#include "generate.h"
#include "install.h"
#include "run.h"
#include "script/source.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct job {
    const struct options *o;
    struct strbuf root;
    struct strbuf content;      /* the text of -e/-s sources */
    struct entry_identity id;
    struct cache_entry entry;
    struct run_environment env; /* the script's variables, at compile time and at run time */
    int heal;                   /* the cached executable could not be executed: rebuild it */
    struct run_timings times;
    struct config cfg;          /* read on the slow path only */
    struct strbuf config_file;  /* where cfg is read from (an input of every build) */
    struct settings set;
    struct fetch_result fetched; /* a URL's text: fetched (to store), or the copy's meta */
    struct strbuf url_copy;     /* a URL's copy, which the slow path reads as a script file */
    /* Held on the slow path until exec (close-on-exec releases it): the root lock, shared, so
     * no --clean removes the cache under the build.  -1 when not held.  (Between the build and
     * the exec the executable is held by an open fd: a --gc meanwhile cannot take it away.) */
    int root_lock;
};

/* -e/-s/-l: the text that identifies the source.  -s reads standard input here. */
static int read_content(struct job *job)
{
    const struct options *o = job->o;
    struct strbuf *c = &job->content;
    if (o->kind == SOURCE_STDIN && fs_read_fd_max(STDIN_FILENO, c, SOURCE_MAX_BYTES))
        return errno == EFBIG ? error("<stdin>: too large for a script (more than %d MiB)",
                                      SOURCE_MAX_BYTES >> 20)
                              : error("<stdin>: cannot read standard input: %s", strerror(errno));
    if (o->kind == SOURCE_EXPR)
        strbuf_addstr(c, o->text);
    return 0;
}

static int job_start(struct job *job, const struct options *o)
{
    memset(job, 0, sizeof(*job));
    job->o = o;
    job->root_lock = -1;
    job->times.start = run_clock_ms();
    if (cache_root(&job->root) || read_content(job))
        return -1;
    identity_init(&job->id, &job->entry, o, job->root.buf, job->content.buf, job->content.len);
    if (job->id.source)
        run_environment(&job->env, o->kind == SOURCE_FILE ? job->id.source : NULL,
                        o->kind == SOURCE_URL ? job->entry.stem.buf : identity_kind_name(o->kind));
    if (o->kind == SOURCE_URL)
        fetch_body_path(job->entry.project_dir.buf, &job->url_copy);
    return 0;
}

/* What the fetch stage is asked for a script from a URL: its copy lives in the entry. */
static struct fetch_request url_request(const struct job *job)
{
    const struct options *o = job->o;
    return (struct fetch_request){o->script, o->url, job->entry.project_dir.buf, o->offline,
                                  SOURCE_MAX_BYTES};
}

/* A script from a URL: its text from the server, or its copy in the entry (fetch.h).  First:
 * the cached path then finds the entry fresh when the copy is the text it was built from. */
static int fetch_url(struct job *job)
{
    struct fetch_request req = url_request(job);
    return job->o->kind == SOURCE_URL ? fetch_script(&req, &job->fetched) : 0;
}

/* New text from a URL goes into the entry before the slow path reads it as a script file;
 * under the root lock, as everything the build writes (held from now on). */
static int store_fetched(struct job *job)
{
    const struct options *o = job->o;
    struct fetch_request req = url_request(job);
    if (o->kind != SOURCE_URL || job->fetched.state != FETCH_NEW)
        return 0;
    job->root_lock = cache_prepare_locked(job->root.buf);
    return job->root_lock < 0 || fetch_store(&req, &job->fetched) ? -1 : 0;
}

static void job_finish(struct job *job)
{
    cache_unlock(job->root_lock);
    config_release(&job->cfg);
    strbuf_release(&job->config_file);
    strbuf_release(&job->root);
    identity_release(&job->id);
    strbuf_release(&job->content);
    run_environment_release(&job->env);
    cache_entry_release(&job->entry);
    if (job->o->kind == SOURCE_URL)
        fetch_result_release(&job->fetched);
    strbuf_release(&job->url_copy);
}

/* Hand over to the executable.  Returns only when it cannot be executed, with errno set. */
static void exec_entry(struct job *job, int executable)
{
    const struct options *o = job->o;
    int named = o->kind == SOURCE_FILE || o->kind == SOURCE_URL; /* by its path or its URL */
    const char *argv0 = named ? run_argv0(o->script) : identity_kind_name(o->kind);
    struct run_request r = {argv0, o->script_args, o->nscript_args, job->env.vars,
                            job->entry.bin_path.buf};
    if (!o->timings) {
        run_exec(executable, &r);
        return;
    }
    /* The script may run for long: the root lock goes now (a --clean may wait for it). */
    cache_unlock(job->root_lock);
    job->root_lock = -1;
    run_timed(executable, &r, &job->times);
}

/* ---- the cached path: open the root, read the record, stat the inputs, exec ---- */

/* Not inlined, nor is slow_path: the record (9 KiB) and the slow path's buffers would otherwise
 * share one frame with realpath's, and each cached run would fault more stack pages in. */
__attribute__((noinline)) static void try_cached_run(struct job *job)
{
    const struct options *o = job->o;
    if (o->force || o->action != ACTION_RUN || !job->id.source)
        return;
    int rootfd = cache_open_root(job->root.buf, 0);
    if (rootfd < 0)
        return;
    struct entry_record rec;
    struct stat record_st;
    int fd = freshness_open_cached(rootfd, &job->entry, &job->id, o->script, &rec, &record_st);
    close(rootfd);
    if (fd >= 0) {
        note("%s: fresh (unchanged since the build of key %s); running %s", o->script, rec.key,
             job->entry.bin_path.buf);
        cache_note_used(&job->entry, &rec, &record_st);
        exec_entry(job, fd);
        /* Not a dead end: its record goes and the slow path builds it again, once. */
        run_check_exec_failure(o->script, job->entry.bin_path.buf);
        cache_drop_record(&job->entry, &record_st);
        job->heal = 1;
        close(fd);
    }
    entry_record_release(&rec);
}

/* ---- the slow path ---- */

static int needs_install(enum action action)
{
    return action == ACTION_RUN || action == ACTION_BUILD || action == ACTION_EXECUTABLE ||
           action == ACTION_PRINT_TOML;
}

/* Content unchanged (touch, identical rewrite, revert): reuse the executable, build nothing. */
static int reuse_unchanged(const struct job *job, const struct build_inputs *in)
{
    if (job->o->force || job->heal || !needs_install(job->o->action))
        return -1;
    return freshness_reuse(in);
}

/* What cargo is asked for, from the command line and the settings. */
static void build_options(const struct job *job, struct build_opts *bo)
{
    const struct options *o = job->o;
    memset(bo, 0, sizeof(*bo));
    bo->toolchain = o->toolchain;
    bo->release = job->set.release;
    bo->features = o->features;
    bo->offline = o->offline;
    bo->registry_dir = job->set.registry_dir;
    bo->quiet = o->quiet;
    bo->quiet_for_ms = verbosity > 0 ? 0 : o->quiet_for_ms;
    bo->color = job->set.color;
    bo->color_arg = job->set.color_arg;
    bo->wrapper = job->set.rustc_wrapper;
    bo->env = job->env.vars;
}

/* What version reuse (lockseed.c) needs of the job. */
struct reuse {
    struct build_opts build;
    struct registry registry;
    struct strbuf cargo_home;
    struct lockseed_request request;
};

static void reuse_start(const struct job *job, struct reuse *r)
{
    build_options(job, &r->build);
    r->registry = (struct registry){job->set.registry_dir, NULL, job->o->toolchain,
                                    job->o->offline};
    strbuf_init(&r->cargo_home);
    registry_init(&r->registry, &r->cargo_home);
    r->request = (struct lockseed_request){job->root.buf, &job->entry, &r->build, &r->registry,
                                           job->o->script};
}

/* After a build (cargo's status): a lock cargo refused before compiling anything is put back
 * as cargo would have it, and the build runs once more (1).  Not when cargo could not start or
 * was killed: the lock had nothing to do with it. */
static int retry_without_reuse(const struct job *job, int status, int compiled)
{
    if (job->o->update)
        return 0;
    struct reuse r;
    reuse_start(job, &r);
    int retry = lockseed_after_build(&r.request, status > 0 && status < 128, compiled);
    strbuf_release(&r.cargo_home);
    return retry;
}

/* After cargo's build: the record of what it read, with the toolchain's libstd when the
 * executable links it dynamically (a toolchain update or removal then rebuilds it).  Returns
 * freshness_record_build()'s answer: 1 when cargo must be asked once more. */
static int record_build(struct build_inputs *in, const char *built, const char *capture,
                        const struct cargo_units *units, struct entry_record *rec)
{
    struct rustc_command cmd = RUSTC_COMMAND_INIT;
    int again = freshness_record_build(in, built, units, rec);
    if (!replay_read_capture(capture, &cmd) && cmd.libstd.len)
        freshness_record_file(in, cmd.libstd.buf, rec);
    rustc_command_release(&cmd);
    return again;
}

static void direct_request(const struct job *job, const struct generated *g,
                           struct build_inputs *in, const struct build_opts *bo,
                           struct direct_request *dr)
{
    struct direct_project p = {g->manifest.buf, g->in_place, g->in_place ? NULL : g->file_name.buf,
                               g->code.code.buf, g->code.code.len, &g->diag, &g->inferred};
    *dr = (struct direct_request){job->o, &job->entry, &job->id, p, in, bo};
}

/* The script crate's rustc command of this build, kept for the next builds (src/direct.h). */
static void keep_command(const struct job *job, const struct generated *g, struct build_inputs *in,
                         const struct build_opts *bo, const struct build_request *req,
                         const char *capture, const struct entry_record *rec)
{
    struct direct_request dr;
    struct strlist owned = STRLIST_INIT;
    const char **handed = build_environment(bo, req, &owned);
    direct_request(job, g, in, bo, &dr);
    direct_keep(&dr, capture, handed, rec);
    free(handed);
    strlist_release(&owned);
}

/* cargo build, recording what it read.  A unit cargo kept although its files changed at an
 * mtime it does not look at is forgotten by the recording, and cargo asked once more. */
static int build_and_record(struct job *job, const struct generated *g, struct build_inputs *in,
                            struct entry_record *rec)
{
    const struct options *o = job->o;
    struct build_opts bo;
    struct strbuf built = STRBUF_INIT, capture = STRBUF_INIT;
    struct strbuf remap[2] = {STRBUF_INIT, STRBUF_INIT};
    const char *rustc_args[4];
    build_options(job, &bo);
    /* Panics and file!() name the script: its path, or its URL. */
    int named = o->kind == SOURCE_FILE || o->kind == SOURCE_URL;
    action_remap_copy_paths(named ? job->id.source : NULL,
                            g->in_place ? NULL : g->file_name.buf, job->entry.project_dir.buf,
                            remap, rustc_args);
    int fetch_failed = 0;
    strbuf_addf(&capture, "%s/rustc.capture", job->entry.project_dir.buf);
    /* -x installs a program that must outlive the toolchain it was built with: static. */
    struct strbuf hint = STRBUF_INIT;
    direct_libstd_hint(&job->entry, &hint);
    struct wrapper_request wrap = {
        job->entry.package.buf,
        o->action == ACTION_EXECUTABLE ? WRAPPER_LINK_STATIC : WRAPPER_LINK_DYNAMIC,
        capture.buf, NULL, hint.len ? hint.buf : NULL};
    int result = 0, again = 1;
    for (int round = 0; again && !result && round < 2; round++) {
        struct cargo_units units = CARGO_UNITS_INIT;
        int compiled = 0;
        struct build_request req = {.action = CARGO_BUILD,
                                    .diag = &g->diag,
                                    .executable = &built,
                                    .rustc_args = rustc_args[0] ? rustc_args : NULL,
                                    .compiled = &compiled,
                                    .fetch_failed = &fetch_failed,
                                    .wrap = &wrap,
                                    .units = &units};
        unlink(capture.buf);
        strbuf_reset(&built);
        int status = build_run_cargo(&job->entry, &bo, &req, o->script);
        result = status ? -1 : 0;
        /* A lock cargo refused before compiling anything: once more, without the reuse. */
        if (!spawn_interrupted && retry_without_reuse(job, status, compiled)) {
            unlink(capture.buf);
            result = build_run_cargo(&job->entry, &bo, &req, o->script) ? -1 : 0;
        }
        if (spawn_interrupted) {
            result = error("%s: interrupted; nothing was installed", o->script);
        } else if (result) {
            if (fetch_failed)
                action_explain_failure(&job->entry, job->set.registry_dir, g->manifest.buf,
                                       o->script);
        } else if (!built.len || access(built.buf, F_OK)) {
            result = error("%s: cargo succeeded but reported no executable", o->script);
        } else {
            if (round)
                entry_record_release(rec);
            again = record_build(in, built.buf, capture.buf, &units, rec);
        }
        cargo_units_release(&units);
    }
    test_crash_point("built");
    if (!result)
        result = cache_commit(&job->entry, built.buf, rec);
    if (!result) {
        cache_drop_artifacts(&job->entry, built.buf);
        struct build_request req = {.action = CARGO_BUILD, .diag = &g->diag, .wrap = &wrap};
        keep_command(job, g, in, &bo, &req, capture.buf, rec);
    }
    unlink(capture.buf);
    strbuf_release(&hint);
    strbuf_release(&built);
    strbuf_release(&capture);
    strbuf_release(&remap[0]);
    strbuf_release(&remap[1]);
    return result;
}

static int build_and_commit(struct job *job, const struct generated *g, struct build_inputs *in)
{
    struct entry_record rec;
    memset(&rec, 0, sizeof(rec));
    note("%s: building %s (key %s)", job->o->script, job->entry.project_dir.buf, g->key);
    /* cargo's mtime check can miss a same-second edit (or a damaged executable): cthag has
     * decided to build, so the script's own crate is compiled again (and, by freshness, every
     * local unit whose files changed). */
    cache_forget_fingerprint(&job->entry);
    freshness_before_build(in);
    int result = build_and_record(job, g, in, &rec);
    entry_record_release(&rec);
    freshness_build_done(in);
    return result;
}

static int write_project(const struct job *job, const struct generated *g)
{
    struct entry_record old;
    const char *registry = job->set.registry_dir ? job->set.registry_dir : "";
    int new_registry = entry_record_load(job->entry.record_path.buf, &old) ||
                       strcmp(old.registry, registry);
    entry_record_release(&old);
    /* --update drops the lock: cargo resolves the newest versions.  Otherwise the lock is
     * seeded with what other entries already compiled into the shared target. */
    if (cache_write_project(&job->entry, g->manifest.buf, g->manifest.len,
                            g->in_place ? NULL : g->file_name.buf, g->code.code.buf,
                            g->code.code.len, new_registry || job->o->update))
        return -1;
    inferred_commit(job->o->script, job->entry.project_dir.buf, job->set.registry_dir,
                    &g->inferred);
    if (job->o->update)
        return 0;
    struct reuse r;
    reuse_start(job, &r);
    int result = lockseed_prepare(&r.request);
    strbuf_release(&r.cargo_home);
    return result;
}

/* Without cargo, when only the script crate's own files changed (src/direct.h). */
static enum direct_result build_direct(const struct job *job, const struct generated *g,
                                       struct build_inputs *in)
{
    if (job->heal || !needs_install(job->o->action))
        return DIRECT_CARGO;
    struct build_opts bo;
    struct direct_request dr;
    build_options(job, &bo);
    direct_request(job, g, in, &bo, &dr);
    return direct_build(&dr);
}

/* Write the project and do what the action needs, under the entry lock.  *executable gets an
 * fd of the installed executable when the action runs it: opened under the lock, so that no
 * --gc or --clean between the unlock and the exec can take it away.  Returns an exit status. */
static int build_locked(struct job *job, const struct generated *g, struct build_inputs *in,
                        int *executable)
{
    const struct options *o = job->o;
    int lock = cache_lock(&job->entry, o->script);
    if (lock < 0)
        return EXIT_BUILD_FAILED;
    int status = 0;
    *executable = reuse_unchanged(job, in);
    if (*executable >= 0) {
        note("%s: built meanwhile by another cthag", o->script);
    } else {
        cache_remove_stale_temps(&job->entry);
        enum direct_result direct = build_direct(job, g, in);
        if (direct == DIRECT_BUILT) {
            if (o->action == ACTION_RUN)
                *executable = open(job->entry.bin_path.buf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        } else if (direct == DIRECT_FAILED) {
            status = EXIT_BUILD_FAILED;
        } else if (write_project(job, g)) {
            status = EXIT_BUILD_FAILED;
        } else if (o->action == ACTION_GEN) {
            printf("%s\n", job->entry.project_dir.buf);
        } else if (!needs_install(o->action)) {
            struct build_opts bo;
            build_options(job, &bo);
            status = action_run(o, &job->entry, &bo, &g->diag, g->in_place != NULL);
        } else {
            test_crash_point("generated");
            status = build_and_commit(job, g, in) ? EXIT_BUILD_FAILED : 0;
            if (!status && o->action == ACTION_RUN)
                *executable = open(job->entry.bin_path.buf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        }
    }
    cache_unlock(lock);
    return status;
}

/* The script's text, checked, and everything generated from it; 0 or an exit status. */
static int generate(struct job *job, struct script *s, struct generated *g,
                    struct build_inputs *in)
{
    const struct options *o = job->o;
    struct stat st;
    const char *file = o->kind == SOURCE_URL ? job->url_copy.buf : o->script;
    if (store_fetched(job) || generate_load(o, file, &job->content, s, &st))
        return EXIT_BAD_INPUT;
    /* Code that does not pair its delimiters does not compile: a build failure, as rustc's. */
    if (generate_check(o, s))
        return EXIT_BUILD_FAILED;
    if (!job->id.source) {
        error("%s: %s", o->script, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    struct generate_request r = {o, &job->set, &job->cfg, &job->id, &job->entry};
    int generated = -1;
    if ((job->root_lock < 0 && (job->root_lock = cache_prepare_locked(job->root.buf)) < 0) ||
        config_settle(o, &job->cfg, &job->set) || (generated = generate_project(&r, s, g)))
        /* names that cannot become crates: code that does not build as it is */
        return generated == GENERATE_STOPPED ? EXIT_BUILD_FAILED : EXIT_BAD_INPUT;
    config_path(&job->config_file);
    *in = (struct build_inputs){.entry = &job->entry, .id = &job->id, .script_name = o->script,
                                .key = g->key,
                                .registry = job->set.registry_dir ? job->set.registry_dir : "",
                                .config_registry = job->cfg.registry_dir,
                                .generated_env = &g->env_used, .manifest = g->manifest.buf,
                                .toolchain = o->toolchain, .config_file = job->config_file.buf,
                                .force = o->force};
    if (o->kind == SOURCE_FILE || o->kind == SOURCE_URL)
        freshness_set_script(in, o->kind == SOURCE_URL ? file : job->id.source, &st, s->text.buf,
                             s->text.len);
    return 0;
}

__attribute__((noinline)) static int slow_path(struct job *job)
{
    const struct options *o = job->o;
    struct script s = {.name = o->script, .text = STRBUF_INIT, .body = STRBUF_INIT,
                       .manifest = STRBUF_INIT};
    struct generated g;
    struct build_inputs in;
    memset(&g, 0, sizeof(g));
    memset(&in, 0, sizeof(in));
    int executable = -1, status = generate(job, &s, &g, &in);
    if (status)
        goto done;
    job->times.generated = run_clock_ms();
    executable = reuse_unchanged(job, &in);
    if (executable < 0) {
        status = build_locked(job, &g, &in, &executable);
        job->times.built = run_clock_ms();
        /* The cache only grows when something is built: the place for the daily trim. */
        if (!status && needs_install(o->action))
            cache_auto_trim(job->root.buf, job->entry.name.buf, job->cfg.max_cache_size,
                            job->cfg.max_age_days);
    }
    if (!status && o->action == ACTION_EXECUTABLE)
        status = install_executable(job->root.buf, job->entry.bin_path.buf,
                                    o->kind == SOURCE_URL ? job->entry.stem.buf : o->script,
                                    o->install_dir, o->force);
    if (!status && o->action == ACTION_PRINT_TOML)
        status = pin_print_script(&s, g.manifest.buf, job->entry.package.buf,
                                  job->entry.project_dir.buf,
                                  o->pin_frontmatter ? PIN_FRONTMATTER : PIN_THAG, o->quiet);
    if (status || o->action != ACTION_RUN)
        goto done;
    if (executable >= 0)
        exec_entry(job, executable);
    error("%s: cannot execute %s: %s", o->script, job->entry.bin_path.buf, strerror(errno));
    status = EXIT_BUILD_FAILED;
done:
    if (executable >= 0)
        close(executable);
    generated_release(&g);
    source_release(&s);
    return status;
}

int pipeline_run(const struct options *o)
{
    struct job job;
    int status = EXIT_BAD_INPUT;
    if (!job_start(&job, o) && !fetch_url(&job)) {
        /* New text from a URL is not stored yet: the record would vouch for the old copy. */
        if (o->kind != SOURCE_URL || job.fetched.state != FETCH_NEW)
            try_cached_run(&job);
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
