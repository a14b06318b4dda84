#include "pipeline.h"

#include "build.h"
#include "cache.h"
#include "cachegc.h"
#include "infer.h"
#include "manifest.h"
#include "run.h"
#include "source.h"
#include "wrap.h"
#include "util/die.h"
#include "util/fs.h"

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

struct job {
    const struct options *o;
    struct strbuf root;
    char *canonical;         /* realpath of the script */
    struct strbuf opts;      /* the options that change the build, as text */
    struct cache_entry entry;
    struct entry_record rec;
    int has_rec;
};

/* The options that make a different executable: part of the entry identity. */
static void describe_options(const struct options *o, struct strbuf *out)
{
    strbuf_addf(out, "profile=%s features=%s toolchain=%s infer=%s",
                o->release ? "release" : "debug", o->features ? o->features : "",
                o->toolchain ? o->toolchain : "", o->infer == INFER_NONE ? "none" : "max");
}

/* The entry's record, if it is there, whole, and really this script's with these options. */
static void load_record(struct job *job)
{
    job->has_rec = !entry_record_load(job->entry.record_path.buf, &job->rec) &&
                   !strcmp(job->rec.source, job->canonical) && !strcmp(job->rec.opts, job->opts.buf);
}

static int job_start(struct job *job, const struct options *o)
{
    memset(job, 0, sizeof(*job));
    job->o = o;
    if (cache_root(&job->root))
        return -1;
    job->canonical = realpath(o->script, NULL);
    if (!job->canonical)
        return 0; /* reported by the slow path, which reads the file */
    describe_options(o, &job->opts);
    struct strbuf identity = STRBUF_INIT;
    strbuf_addf(&identity, "%s\n%s", job->canonical, job->opts.buf);
    cache_entry_init(&job->entry, job->root.buf, job->canonical, identity.buf);
    strbuf_release(&identity);
    load_record(job);
    return 0;
}

static void job_finish(struct job *job)
{
    strbuf_release(&job->root);
    free(job->canonical);
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

/* Returns only when the entry cannot be executed as it is. */
static void exec_entry(struct job *job)
{
    touch_used_time(job);
    run_exec(job->entry.bin_path.buf, job->o->script, job->o->script_args, job->o->nscript_args);
    note("%s: cannot execute %s: %s", job->o->script, job->entry.bin_path.buf, strerror(errno));
}

/* The hot path: nothing but stat calls, one record read and execv. */
static void try_fast_path(struct job *job)
{
    const struct options *o = job->o;
    struct stat st;
    if (!job->has_rec || o->force || o->gen_only || o->build_only)
        return;
    if (stat(job->canonical, &st) || !entry_record_stat_matches(&job->rec, &st)) {
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
    char key[HASH_HEX_LEN + 1];
};

static void compute_build_key(const struct job *job, struct generated *g)
{
    struct utsname machine;
    struct hasher *h = hasher_new();
    hasher_add_field(h, "cthag-build " CACHE_FORMAT_VERSION);
    hasher_add_field(h, g->manifest.buf);
    hasher_add(h, g->code.code.buf, g->code.code.len);
    hasher_add_field(h, "");
    hasher_add_field(h, job->opts.buf);
    hasher_add_field(h, job->o->registry_dir ? job->o->registry_dir : "");
    hasher_add_field(h, uname(&machine) ? "" : machine.machine);
    hasher_finish(h, g->key);
}

static int generate(const struct job *job, const struct script *s, struct generated *g)
{
    struct strlist crates = STRLIST_INIT;
    if (job->o->infer != INFER_NONE)
        infer_crates(s->body.buf, s->body.len, &crates);
    strbuf_addf(&g->file_name, "%s.rs", job->entry.stem.buf);
    struct manifest_input in = {
        .script_name = s->name,
        .toml = s->format != MANIFEST_NONE ? s->manifest.buf : NULL,
        .toml_len = s->manifest.len,
        .toml_line = s->manifest_line,
        .used_crates = job->o->infer != INFER_NONE ? &crates : NULL,
        .package_name = job->entry.package.buf,
        .source_file = g->file_name.buf,
        .registry_dir = job->o->registry_dir,
        .edition = "2021",
    };
    int result = manifest_generate(&in, &g->manifest);
    strlist_release(&crates);
    if (result)
        return -1;
    if (s->main_count)
        wrap_program(s->body.buf, s->body.len, &g->code);
    else
        wrap_snippet(s->body.buf, s->body.len, &g->code);
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
    /* Cargo.lock pins versions found in one registry; another registry may not have them. */
    const char *registry = job->o->registry_dir ? job->o->registry_dir : "";
    if (!result && (!job->has_rec || strcmp(job->rec.registry, registry))) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/Cargo.lock", job->entry.project_dir.buf);
        unlink(path.buf);
    }
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
    snprintf(rec->source, sizeof(rec->source), "%s", job->canonical);
    snprintf(rec->opts, sizeof(rec->opts), "%s", job->opts.buf);
    snprintf(rec->registry, sizeof(rec->registry), "%s",
             job->o->registry_dir ? job->o->registry_dir : "");
    job->has_rec = 1;
    return entry_record_store(job->entry.record_path.buf, rec);
}

static int build_and_install(struct job *job, const struct generated *g, const struct stat *st)
{
    const struct options *o = job->o;
    struct build_opts bo = {o->toolchain, o->release, o->features, o->offline, o->registry_dir,
                            o->quiet};
    note("%s: building %s (key %s)", o->script, job->entry.project_dir.buf, g->key);
    if (build_project(&job->entry, &bo, o->script))
        return -1;
    struct strbuf built = STRBUF_INIT;
    build_output_path(&job->entry, &bo, &built);
    crash_point("built");
    int result = 0;
    if (access(built.buf, F_OK)) {
        result = error("%s: cargo succeeded but left no executable at %s", o->script, built.buf);
    } else {
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

/* Write the project and, unless -g, build and install it.  Returns an exit status. */
static int write_and_build(struct job *job, const struct generated *g, const struct stat *st)
{
    remove_stale_temps(job);
    if (write_project(job, g))
        return EXIT_BUILD_FAILED;
    crash_point("generated");
    if (job->o->gen_only) {
        printf("%s\n", job->entry.project_dir.buf);
        return 0;
    }
    return build_and_install(job, g, st) ? EXIT_BUILD_FAILED : 0;
}

/* Under the entry lock: whatever another process finished meanwhile counts. */
static int build_locked(struct job *job, const struct generated *g, const struct stat *st)
{
    int lock = cache_lock(&job->entry, job->o->script);
    if (lock < 0)
        return EXIT_BUILD_FAILED;
    load_record(job);
    int status = 0;
    if (!job->o->force && !job->o->gen_only && is_installed(job, g->key))
        note("%s: built meanwhile by another cthag", job->o->script);
    else
        status = write_and_build(job, g, st);
    cache_unlock(lock);
    return status;
}

/* Content unchanged (touch, identical rewrite, revert): refresh the stat data, build nothing. */
static int reuse_unchanged(struct job *job, const struct generated *g, const struct stat *st)
{
    if (job->o->force || job->o->gen_only || !is_installed(job, g->key))
        return 0;
    note("%s: content unchanged (key %s); not rebuilding", job->o->script, g->key);
    entry_record_set_stat(&job->rec, st);
    entry_record_store(job->entry.record_path.buf, &job->rec);
    return 1;
}

static int slow_path(struct job *job)
{
    const struct options *o = job->o;
    struct script s = {.name = o->script, .text = STRBUF_INIT, .body = STRBUF_INIT,
                       .manifest = STRBUF_INIT};
    struct generated g = {STRBUF_INIT, STRBUF_INIT, {STRBUF_INIT, NULL, 0, 0}, ""};
    struct stat st;
    int status = EXIT_BAD_INPUT;
    if (source_read(o->script, &s.text, &st) || source_parse(&s))
        goto done;
    if (!job->canonical) {
        error("%s: %s", o->script, strerror(errno));
        goto done;
    }
    if (cache_prepare(job->root.buf) || generate(job, &s, &g))
        goto done;
    status = 0;
    if (!reuse_unchanged(job, &g, &st)) {
        status = build_locked(job, &g, &st);
        /* The cache only grows when something is built: the place for the daily trim. */
        if (!status && !o->gen_only)
            cache_auto_trim(job->root.buf);
    }
    if (status || o->gen_only || o->build_only)
        goto done;
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
    if (job_start(&job, o)) {
        job_finish(&job);
        return EXIT_BAD_INPUT;
    }
    if (job.canonical)
        try_fast_path(&job);
    int status = slow_path(&job);
    job_finish(&job);
    return status;
}
