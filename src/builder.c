/* The build stage (builder.h): reuse, a build without cargo, or cargo's build recorded and
 * committed, each under the entry lock. */
#include "builder.h"

#include "cargo/action.h"
#include "cargo/build.h"
#include "cargo/lockseed.h"
#include "cargo/registry.h"
#include "cargo/replay.h"
#include "cargo/wrapper.h"
#include "direct.h"
#include "util/die.h"
#include "util/spawn.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int builder_needs_install(enum action action)
{
    return action == ACTION_RUN || action == ACTION_BUILD || action == ACTION_EXECUTABLE ||
           action == ACTION_PRINT_TOML;
}

int builder_reuse_unchanged(const struct builder_job *b, const struct build_inputs *in)
{
    if (b->o->force || b->heal || !builder_needs_install(b->o->action))
        return -1;
    return freshness_reuse(in);
}

/* What cargo is asked for, from the command line and the settings. */
static void build_options(const struct builder_job *b, struct build_opts *bo)
{
    const struct options *o = b->o;
    memset(bo, 0, sizeof(*bo));
    bo->toolchain = o->toolchain;
    bo->release = b->set->release;
    bo->features = o->features;
    bo->offline = o->offline;
    bo->registry_dir = b->set->registry_dir;
    bo->quiet = o->quiet;
    bo->quiet_for_ms = verbosity > 0 ? 0 : o->quiet_for_ms;
    bo->color = b->set->color;
    bo->color_arg = b->set->color_arg;
    bo->wrapper = b->set->rustc_wrapper;
    bo->env = b->env;
}

/* What version reuse (lockseed.c) needs of the job. */
struct reuse {
    struct build_opts build;
    struct registry registry;
    struct strbuf cargo_home;
    struct lockseed_request request;
};

static void reuse_start(const struct builder_job *b, struct reuse *r)
{
    build_options(b, &r->build);
    r->registry = (struct registry){b->set->registry_dir, NULL, b->o->toolchain,
                                    b->o->offline};
    strbuf_init(&r->cargo_home);
    registry_init(&r->registry, &r->cargo_home);
    r->request = (struct lockseed_request){b->root, b->entry, &r->build, &r->registry,
                                           b->o->script};
}

/* After a build (cargo's status): a lock cargo refused before compiling anything is put back
 * as cargo would have it, and the build runs once more (1).  Not when cargo could not start or
 * was killed: the lock had nothing to do with it. */
static int retry_without_reuse(const struct builder_job *b, int status, int compiled)
{
    if (b->o->update)
        return 0;
    struct reuse r;
    reuse_start(b, &r);
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

static void direct_request(const struct builder_job *b, const struct generated *g,
                           struct build_inputs *in, const struct build_opts *bo,
                           struct direct_request *dr)
{
    struct direct_project p = {g->manifest.buf, g->in_place, g->in_place ? NULL : g->file_name.buf,
                               g->code.code.buf, g->code.code.len, &g->diag, &g->inferred};
    *dr = (struct direct_request){b->o, b->entry, b->id, p, in, bo};
}

/* The script crate's rustc command of this build, kept for the next builds (src/direct.h). */
static void keep_command(const struct builder_job *b, const struct generated *g, struct build_inputs *in,
                         const struct build_opts *bo, const struct build_request *req,
                         const char *capture, const struct entry_record *rec)
{
    struct direct_request dr;
    struct strlist owned = STRLIST_INIT;
    const char **handed = build_environment(bo, req, &owned);
    direct_request(b, g, in, bo, &dr);
    direct_keep(&dr, capture, handed, rec);
    free(handed);
    strlist_release(&owned);
}

/* cargo build, recording what it read.  A unit cargo kept although its files changed at an
 * mtime it does not look at is forgotten by the recording, and cargo asked once more. */
static int build_and_record(const struct builder_job *b, const struct generated *g, struct build_inputs *in,
                            struct entry_record *rec)
{
    const struct options *o = b->o;
    struct build_opts bo;
    struct strbuf built = STRBUF_INIT, capture = STRBUF_INIT;
    struct strbuf remap[2] = {STRBUF_INIT, STRBUF_INIT};
    const char *rustc_args[4];
    build_options(b, &bo);
    /* Panics and file!() name the script: its path, or its URL. */
    int named = o->kind == SOURCE_FILE || o->kind == SOURCE_URL;
    action_remap_copy_paths(named ? b->id->source : NULL,
                            g->in_place ? NULL : g->file_name.buf, b->entry->project_dir.buf,
                            remap, rustc_args);
    int fetch_failed = 0;
    strbuf_addf(&capture, "%s/rustc.capture", b->entry->project_dir.buf);
    /* -x installs a program that must outlive the toolchain it was built with: static. */
    struct strbuf hint = STRBUF_INIT;
    direct_libstd_hint(b->entry, &hint);
    struct wrapper_request wrap = {
        b->entry->package.buf,
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
        int status = build_run_cargo(b->entry, &bo, &req, o->script);
        result = status ? -1 : 0;
        /* A lock cargo refused before compiling anything: once more, without the reuse. */
        if (!spawn_interrupted && retry_without_reuse(b, status, compiled)) {
            unlink(capture.buf);
            result = build_run_cargo(b->entry, &bo, &req, o->script) ? -1 : 0;
        }
        if (spawn_interrupted) {
            result = error("%s: interrupted; nothing was installed", o->script);
        } else if (result) {
            if (fetch_failed)
                action_explain_failure(b->entry, b->set->registry_dir, g->manifest.buf,
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
        result = cache_commit(b->entry, built.buf, rec);
    if (!result) {
        cache_drop_artifacts(b->entry, built.buf);
        struct build_request req = {.action = CARGO_BUILD, .diag = &g->diag, .wrap = &wrap};
        keep_command(b, g, in, &bo, &req, capture.buf, rec);
    }
    unlink(capture.buf);
    strbuf_release(&hint);
    strbuf_release(&built);
    strbuf_release(&capture);
    strbuf_release(&remap[0]);
    strbuf_release(&remap[1]);
    return result;
}

static int build_and_commit(const struct builder_job *b, const struct generated *g, struct build_inputs *in)
{
    struct entry_record rec;
    memset(&rec, 0, sizeof(rec));
    note("%s: building %s (key %s)", b->o->script, b->entry->project_dir.buf, g->key);
    /* cargo's mtime check can miss a same-second edit (or a damaged executable): cthag has
     * decided to build, so the script's own crate is compiled again (and, by freshness, every
     * local unit whose files changed). */
    cache_forget_fingerprint(b->entry);
    freshness_before_build(in);
    int result = build_and_record(b, g, in, &rec);
    entry_record_release(&rec);
    freshness_build_done(in);
    return result;
}

static int write_project(const struct builder_job *b, const struct generated *g)
{
    struct entry_record old;
    const char *registry = b->set->registry_dir ? b->set->registry_dir : "";
    int new_registry = entry_record_load(b->entry->record_path.buf, &old) ||
                       strcmp(old.registry, registry);
    entry_record_release(&old);
    /* --update drops the lock: cargo resolves the newest versions.  Otherwise the lock is
     * seeded with what other entries already compiled into the shared target. */
    if (cache_write_project(b->entry, g->manifest.buf, g->manifest.len,
                            g->in_place ? NULL : g->file_name.buf, g->code.code.buf,
                            g->code.code.len, new_registry || b->o->update))
        return -1;
    inferred_commit(b->o->script, b->entry->project_dir.buf, b->set->registry_dir,
                    &g->inferred);
    if (b->o->update)
        return 0;
    struct reuse r;
    reuse_start(b, &r);
    int result = lockseed_prepare(&r.request);
    strbuf_release(&r.cargo_home);
    return result;
}

/* Without cargo, when only the script crate's own files changed (src/direct.h). */
static enum direct_result build_direct(const struct builder_job *b, const struct generated *g,
                                       struct build_inputs *in)
{
    if (b->heal || !builder_needs_install(b->o->action))
        return DIRECT_CARGO;
    struct build_opts bo;
    struct direct_request dr;
    build_options(b, &bo);
    direct_request(b, g, in, &bo, &dr);
    return direct_build(&dr);
}

int builder_build_locked(const struct builder_job *b, const struct generated *g,
                         struct build_inputs *in, int *executable)
{
    const struct options *o = b->o;
    int lock = cache_lock(b->entry, o->script);
    if (lock < 0)
        return EXIT_BUILD_FAILED;
    int status = 0;
    *executable = builder_reuse_unchanged(b, in);
    if (*executable >= 0) {
        note("%s: built meanwhile by another cthag", o->script);
    } else {
        cache_remove_stale_temps(b->entry);
        enum direct_result direct = build_direct(b, g, in);
        if (direct == DIRECT_BUILT) {
            if (o->action == ACTION_RUN)
                *executable = open(b->entry->bin_path.buf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        } else if (direct == DIRECT_FAILED) {
            status = EXIT_BUILD_FAILED;
        } else if (write_project(b, g)) {
            status = EXIT_BUILD_FAILED;
        } else if (o->action == ACTION_GEN) {
            printf("%s\n", b->entry->project_dir.buf);
        } else if (!builder_needs_install(o->action)) {
            struct build_opts bo;
            build_options(b, &bo);
            status = action_run(o, b->entry, &bo, &g->diag, g->in_place != NULL);
        } else {
            test_crash_point("generated");
            status = build_and_commit(b, g, in) ? EXIT_BUILD_FAILED : 0;
            if (!status && o->action == ACTION_RUN)
                *executable = open(b->entry->bin_path.buf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        }
    }
    cache_unlock(lock);
    return status;
}
