/* The stages strung together (DESIGN §2, pipeline.h): the cached path, else the slow path
 * source → infer → manifest → wrap (generate.h) → cache → build (builder.h) → run.  The
 * decisions are the stages' own: identity and build key (cache/identity.h), freshness
 * (cache/freshness.h), how an entry is built (builder.h), how the script runs (run.h). */
#include "pipeline.h"

#include "builder.h"
#include "cache/cache.h"
#include "cache/freshness.h"
#include "cache/gc.h"
#include "cache/identity.h"
#include "cargo/pin.h"
#include "config.h"
#include "fetch/fetch.h"
#include "generate.h"
#include "install.h"
#include "run.h"
#include "script/source.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/spawn.h"

#include <errno.h>
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
    struct builder_job b = {o, &job->set, job->root.buf, &job->id, &job->entry, job->env.vars,
                            job->heal};
    executable = builder_reuse_unchanged(&b, &in);
    if (executable < 0) {
        status = builder_build_locked(&b, &g, &in, &executable);
        job->times.built = run_clock_ms();
        /* The cache only grows when something is built: the place for the daily trim. */
        if (!status && builder_needs_install(o->action))
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
