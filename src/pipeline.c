#include "pipeline.h"

#include "cargo/build.h"
#include "cache/cache.h"
#include "cache/gc.h"
#include "cli/config.h"
#include "cargo/depinfo.h"
#include "cargo/diag.h"
#include "script/infer.h"
#include "install.h"
#include "cargo/lockseed.h"
#include "cargo/manifest.h"
#include "cargo/pin.h"
#include "cargo/registry.h"
#include "run.h"
#include "script/source.h"
#include "version.h"
#include "script/wrap.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/spawn.h"
#include "util/utf8.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A last-used time older than this is refreshed on a cached run (like go's build cache). */
#define USED_TIME_RESOLUTION 3600
/* Options longer than this are kept in the record as their hash. */
#define OPTS_TEXT_MAX 512

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

struct job {
    const struct options *o;
    struct strbuf root;
    long long stamp;         /* the clock before cargo read anything: inputs newer are racy */
    /* The script's canonical path, or "content:<hash>" for -e/-s/-l: what the record names. */
    char *identity_source;
    struct strbuf content;   /* the text of -e/-s/-l sources */
    struct strbuf opts;      /* the options that change the build, as text (or its hash) */
    struct cache_entry entry;
    struct strbuf env_text;  /* the script's variables, NUL-separated */
    const char *env[8];      /* pointers into env_text, NULL-terminated */
    int heal;                /* the cached executable could not be executed: rebuild it */
    struct timings times;
    struct config cfg;       /* read on the slow path only */
    struct settings set;
    /* Held on the slow path until exec (close-on-exec releases it): the root lock, shared, so
     * no --clean removes the cache under the build.  -1 when not held.  (Between the build and
     * the exec the executable is held by an open fd: a --gc meanwhile cannot take it away.) */
    int root_lock;
};

static const char *const infer_names[] = {"none", "min", "config", "max"};
static const char *const kind_stems[] = {"script", "expr", "stdin", "loop"};

/* The options that make a different executable: part of the entry identity. */
static void describe_options(const struct options *o, struct strbuf *out)
{
    /* Only the command line: the config file is not read on the cached path (and no
     * formatting: "cthag=V profile=P features=F toolchain=T infer=I[ unquote][ multimain]").
     * cthag's release first: another release's entries are not this one's (version.h). */
    const char *parts[] = {"cthag=" CTHAG_VERSION " profile=", o->release ? "release" : "default",
                           " features=", o->features ? o->features : "",
                           " toolchain=", o->toolchain ? o->toolchain : "",
                           " infer=", o->infer_given ? infer_names[o->infer] : "default",
                           o->unquote ? " unquote" : "", o->multimain ? " multimain" : ""};
    for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++)
        strbuf_addstr(out, parts[i]);
    for (int i = 0; i < o->ndeps; i++) {
        strbuf_addstr(out, " dep=");
        strbuf_addstr(out, o->deps[i]);
    }
    if (out->len > OPTS_TEXT_MAX) {
        char hex[HASH_HEX_LEN + 1];
        struct hasher *h = hasher_new();
        hasher_add(h, out->buf, out->len);
        hasher_finish(h, hex);
        strbuf_reset(out);
        strbuf_addf(out, "options-xxh3 %s", hex);
    }
}

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

/* NAME=VALUE and a NUL onto t; where it starts. */
static size_t add_variable(struct strbuf *t, const char *name_eq, const char *value, size_t len)
{
    size_t start = t->len;
    strbuf_addstr(t, name_eq);
    strbuf_add(t, value, len);
    strbuf_addch(t, '\0');
    return start;
}

/* The variables a script sees at compile time (env!) and at run time, as the peers set them:
 * cthag's own, and rust-script's with rust-script's meanings. */
static void script_environment(struct job *job)
{
    struct strbuf *t = &job->env_text;
    const char *path = job->identity_source;
    size_t offsets[8], n = 0, path_len = strlen(path);
    if (job->o->kind == SOURCE_FILE) {
        const char *slash = strrchr(path, '/');
        size_t dir_len = slash == path ? 1 : (size_t)(slash - path);
        const char *base = slash + 1;
        size_t base_len = strlen(base);
        if (base_len > 3 && !strcmp(base + base_len - 3, ".rs"))
            base_len -= 3;
        offsets[n++] = add_variable(t, "CTHAG_SCRIPT_PATH=", path, path_len);
        offsets[n++] = add_variable(t, "CTHAG_SCRIPT_DIR=", path, dir_len);
        offsets[n++] = add_variable(t, "RUST_SCRIPT_PATH=", path, path_len);
        offsets[n++] = add_variable(t, "RUST_SCRIPT_BASE_PATH=", path, dir_len);
        offsets[n++] = add_variable(t, "RUST_SCRIPT_SAFE_NAME=", base, base_len);
    } else {
        /* Not a PATH_MAX buffer here: this frame is above realpath's on every cached run. */
        char *cwd = realpath(".", NULL);
        const char *dir = cwd ? cwd : ".";
        offsets[n++] = add_variable(t, "RUST_SCRIPT_BASE_PATH=", dir, strlen(dir));
        free(cwd);
    }
    offsets[n++] = add_variable(t, "RUST_SCRIPT_PKG_NAME=", job->entry.package.buf,
                                job->entry.package.len);
    for (size_t i = 0; i < n; i++)
        job->env[i] = t->buf + offsets[i];
    job->env[n] = NULL;
}

static int job_start(struct job *job, const struct options *o)
{
    memset(job, 0, sizeof(*job));
    job->o = o;
    job->root_lock = -1;
    job->times.start = now_ms();
    job->stamp = record_clock_now();
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
    strbuf_addstr(&identity, job->identity_source);
    strbuf_addch(&identity, '\n');
    strbuf_addstr(&identity, job->opts.buf);
    cache_entry_init(&job->entry, job->root.buf,
                     o->kind == SOURCE_FILE ? job->identity_source : kind_stems[o->kind],
                     identity.buf);
    strbuf_release(&identity);
    script_environment(job);
    return 0;
}

static void job_finish(struct job *job)
{
    cache_unlock(job->root_lock);
    config_release(&job->cfg);
    strbuf_release(&job->root);
    free(job->identity_source);
    strbuf_release(&job->content);
    strbuf_release(&job->opts);
    strbuf_release(&job->env_text);
    cache_entry_release(&job->entry);
}

/* The record is this entry's: the same script (or content) with the same options. */
static int is_own_record(const struct job *job, const struct entry_record *rec)
{
    return !strcmp(rec->source, job->identity_source) && !strcmp(rec->opts, job->opts.buf);
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

/* -t: run as a child to time it, then leave exactly as it did: the same exit status, or death
 * by the same signal. */
static void run_timed(struct job *job, int executable, const struct run_request *r)
{
    /* The script may run for long: the root lock goes now (a --clean may wait for it). */
    cache_unlock(job->root_lock);
    job->root_lock = -1;
    double start = now_ms();
    int exec_errno;
    int status = run_wait(executable, r, &exec_errno);
    if (status < 0)
        return;
    print_timings(job, now_ms() - start);
    if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        raise(WTERMSIG(status));
    }
    exit(WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_BUILD_FAILED);
}

/* Hand over to the executable.  Returns only when it cannot be executed, with errno set. */
static void exec_entry(struct job *job, int executable)
{
    const struct options *o = job->o;
    struct run_request r = {script_argv0(o), o->script_args, o->nscript_args, job->env,
                            job->entry.bin_path.buf};
    if (o->timings)
        run_timed(job, executable, &r);
    else
        run_exec(executable, &r);
}

/* ---- the cached path: open the root, read the record, stat the inputs, exec ---- */

/* An executable that cannot be executed (truncated by a crash, removed meanwhile) is not a
 * dead end: its record goes and the slow path builds it again, once. */
static void heal_after_exec_failure(struct job *job, const struct stat *record_st)
{
    int saved = errno;
    if (saved != ENOEXEC && saved != EACCES && saved != ENOENT && saved != ETXTBSY)
        die("%s: cannot execute %s: %s", job->o->script, job->entry.bin_path.buf,
            strerror(saved));
    fprintf(stderr, "cthag: %s: the cached executable cannot be run (%s); rebuilding it\n",
            job->o->script, strerror(saved));
    cache_drop_record(&job->entry, record_st);
    job->heal = 1;
}

static void refresh_used_time(struct job *job, struct entry_record *rec, const struct stat *st)
{
    time_t now = time(NULL);
    if (now - rec->used < USED_TIME_RESOLUTION)
        return;
    rec->used = now;
    cache_refresh_record(&job->entry, rec, st);
}

/* The record, if it is there, whole, this entry's, and everything it lists unchanged. */
static int load_fresh_record(struct job *job, int rootfd, struct entry_record *rec,
                             struct stat *st)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addstr(&path, "projects/");
    strbuf_addstr(&path, job->entry.name.buf);
    strbuf_addstr(&path, "/entry");
    int loaded = !entry_record_load_at(rootfd, path.buf, rec, st);
    strbuf_release(&path);
    const char *why = NULL;
    if (!loaded || !is_own_record(job, rec))
        return 0;
    if (!record_is_fresh(rec, &why)) {
        note("%s: %s changed since the last build (or is too recent to trust its stat data); "
             "checking its content", job->o->script, why);
        return 0;
    }
    return 1;
}

/* Not inlined, nor is slow_path: the record (9 KiB) and the slow path's buffers would otherwise
 * share one frame with realpath's, and each cached run would fault more stack pages in. */
__attribute__((noinline)) static void try_cached_run(struct job *job)
{
    const struct options *o = job->o;
    if (o->force || o->action != ACTION_RUN || !job->identity_source)
        return;
    int rootfd = cache_open_root(job->root.buf, 0);
    if (rootfd < 0)
        return;
    struct entry_record rec;
    struct stat record_st, bin_st;
    int fd = -1;
    if (load_fresh_record(job, rootfd, &rec, &record_st)) {
        struct strbuf path = STRBUF_INIT;
        strbuf_addstr(&path, "bins/");
        strbuf_addstr(&path, job->entry.name.buf);
        fd = openat(rootfd, path.buf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        strbuf_release(&path);
        /* The record vouches for one file: the one it was committed with. */
        if (fd >= 0 && (fstat(fd, &bin_st) || bin_st.st_ino != rec.bin_inode)) {
            close(fd);
            fd = -1;
        }
    }
    close(rootfd);
    if (fd >= 0) {
        note("%s: fresh (unchanged since the build of key %s); running %s", o->script, rec.key,
             job->entry.bin_path.buf);
        refresh_used_time(job, &rec, &record_st);
        exec_entry(job, fd);
        heal_after_exec_failure(job, &record_st);
        close(fd);
    }
    entry_record_release(&rec);
}

/* ---- the slow path ---- */

struct generated {
    struct strbuf script_dir; /* where the script's relative paths point */
    struct strbuf manifest;  /* Cargo.toml */
    struct strbuf file_name; /* <stem>.rs, when the script's text had to change */
    const char *in_place;    /* the script's canonical path when compiled where it lives */
    struct wrapped code;
    struct diag_map diag;
    char key[HASH_HEX_LEN + 1];
    char content_hash[HASH_HEX_LEN + 1]; /* of the script's bytes as read */
    struct stat script_st;   /* the script's stat data from before it was read */
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
        manifest_from_option(o->toml, &s->manifest);
        s->format = MANIFEST_THAG;
        s->manifest_line = 1;
    }
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

/* The script's directory (the current one for -e, -s and -l). */
static void script_directory(const struct job *job, struct strbuf *dir)
{
    char cwd[PATH_MAX];
    const char *slash = strrchr(job->identity_source, '/');
    if (job->o->kind == SOURCE_FILE && slash)
        strbuf_add(dir, job->identity_source, slash > job->identity_source
                                                  ? (size_t)(slash - job->identity_source)
                                                  : 1);
    else if (getcwd(cwd, sizeof(cwd)))
        strbuf_addstr(dir, cwd);
}

/* The source cargo compiles; script_dir: where relative paths resolve in a copy (or NULL). */
static void wrap_code(const struct job *job, const struct script *s, const char *script_dir,
                      struct wrapped *code)
{
    const struct options *o = job->o;
    struct wrap_options wo = {o->unquote ? WRAP_UNQUOTE : 0, script_dir};
    if (o->kind == SOURCE_LOOP)
        wrap_loop(o->loop_begin, o->text, o->loop_end, &wo, code);
    else if (s->main_count)
        wrap_program(s->body.buf, s->body.len, &wo, code);
    else
        wrap_snippet(s->body.buf, s->body.len, &wo, code);
}

/* Names thag's snippet prelude brings into scope (io::stdin()) are no crates. */
static void drop_prelude_names(struct strlist *crates)
{
    struct strlist kept = STRLIST_INIT;
    for (size_t i = 0; i < crates->count; i++)
        if (!wrap_in_prelude(crates->items[i]))
            strlist_add(&kept, crates->items[i]);
    strlist_release(crates);
    *crates = kept;
}

/* How diagnostics name the script's parts. */
static void diag_parts(const struct options *o, struct diag_part *parts)
{
    static const char *const whats[] = {"the script", "the expression", "the script", "the filter"};
    parts[WRAP_PART_MAIN] = (struct diag_part){o->script, whats[o->kind]};
    parts[WRAP_PART_BEGIN] = (struct diag_part){"<begin>", "the -B code"};
    parts[WRAP_PART_END] = (struct diag_part){"<end>", "the -E code"};
}

static int check_part_delimiters(const char *name, const char *what, const char *part,
                                 size_t len)
{
    struct wrap_unbalanced u;
    if (!wrap_check_delimiters(part, len, &u))
        return 0;
    struct strbuf message = STRBUF_INIT;
    wrap_describe_unbalanced(&u, what, &message);
    error("%s:%d: %s", name, u.line, message.buf);
    strbuf_release(&message);
    return -1;
}

/* Code cthag wraps must pair its delimiters up in itself: rustc would pair them with the braces
 * of cthag's fn main and point at those.  A program is rustc's to judge, as it is. */
static int check_delimiters(const struct job *job, const struct script *s)
{
    const struct options *o = job->o;
    struct diag_part parts[WRAP_PARTS];
    diag_parts(o, parts);
    if (o->kind != SOURCE_LOOP)
        return s->main_count ? 0
                             : check_part_delimiters(parts[WRAP_PART_MAIN].name,
                                                     parts[WRAP_PART_MAIN].what, s->body.buf,
                                                     s->body.len);
    static const enum wrap_part order[] = {WRAP_PART_BEGIN, WRAP_PART_MAIN, WRAP_PART_END};
    const char *texts[WRAP_PARTS];
    texts[WRAP_PART_MAIN] = o->text;
    texts[WRAP_PART_BEGIN] = o->loop_begin;
    texts[WRAP_PART_END] = o->loop_end;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const struct diag_part *p = &parts[order[i]];
        if (check_part_delimiters(p->name, p->what, texts[order[i]], strlen(texts[order[i]])))
            return -1;
    }
    return 0;
}

static int formats_script(const struct options *o)
{
    return o->action == ACTION_CARGO && o->nscript_args && !strcmp(o->script_args[0], "fmt");
}

/* -A subcommands that rewrite the files cargo compiles: fmt, fix, clippy --fix. */
static int edits_sources(const struct options *o)
{
    if (o->action != ACTION_CARGO || !o->nscript_args)
        return 0;
    const char *sub = o->script_args[0];
    int fix = !strcmp(sub, "fix") || !strcmp(sub, "fmt");
    for (int i = 1; !fix && !strcmp(sub, "clippy") && i < o->nscript_args; i++)
        fix = !strcmp(o->script_args[i], "--fix");
    return fix;
}

/* Changes meant for the script must never land in cthag's copy of it. */
static int refuse_editing_copy(const struct job *job, const struct generated *g)
{
    const struct options *o = job->o;
    if (!edits_sources(o) || g->in_place)
        return 0;
    if (formats_script(o))
        return error("%s: -A fmt: %s is %s, which rustfmt cannot format (only programs with "
                     "fn main are formatted, in place)", o->script, o->script,
                     o->kind == SOURCE_FILE ? "a snippet" : "not a file");
    return error("%s: -A %s: cthag compiles a copy of this script (a snippet, or a program "
                 "with a frontmatter manifest), so fixes would not reach it; -A %s -- clippy "
                 "shows the suggestions", o->script, o->script_args[0], o->script);
}

/* A program file whose text cargo can take as it is is compiled where it lives: `mod x;`,
 * include_str!, panics, file!() and backtraces are then the script's own.  The body differs
 * from the text only where source.c blanked a shebang or dropped a byte-order mark (which rustc
 * skips itself) or a frontmatter block (which stable rustc cannot read). */
static int compiles_in_place(const struct job *job, const struct script *s,
                             const struct generated *g)
{
    const char *path = job->identity_source;
    /* -A fmt compiles nothing and rustfmt reads frontmatter: it formats the script itself. */
    if (formats_script(job->o) && job->o->kind == SOURCE_FILE && s->main_count &&
        utf8_valid(path, strlen(path)))
        return 1;
    /* Cargo.toml is UTF-8: a path that is not cannot be named there. */
    return job->o->kind == SOURCE_FILE && s->main_count && s->format != MANIFEST_FRONTMATTER &&
           utf8_valid(path, strlen(path)) && g->code.code.len == s->body.len &&
           !memcmp(g->code.code.buf, s->body.buf, s->body.len);
}

static int generate(struct job *job, const struct script *s, struct generated *g)
{
    const struct options *o = job->o;
    const struct settings *set = &job->set;
    struct strlist crates = STRLIST_INIT;
    struct strbuf cargo_home = STRBUF_INIT;
    struct registry registry = {set->registry_dir, NULL, o->toolchain, o->offline};
    registry_init(&registry, &cargo_home);
    if (set->infer != INFER_NONE)
        infer_script_crates(s->name, s->body.buf, s->body.len, &crates);
    if (o->kind == SOURCE_LOOP || !s->main_count)
        drop_prelude_names(&crates);
    script_directory(job, &g->script_dir);
    wrap_code(job, s, NULL, &g->code);
    if (compiles_in_place(job, s, g)) {
        g->in_place = job->identity_source;
    } else {
        /* A copy: its relative paths must still mean the script's directory. */
        wrap_release(&g->code);
        wrap_code(job, s, g->script_dir.len ? g->script_dir.buf : NULL, &g->code);
        strbuf_addf(&g->file_name, "%s.rs", job->entry.stem.buf);
    }
    struct manifest_input in = {
        .script_name = s->name,
        .toml = s->format != MANIFEST_NONE ? s->manifest.buf : NULL,
        .toml_len = s->manifest.len,
        .toml_line = s->manifest_line,
        .used_crates = set->infer != INFER_NONE ? &crates : NULL,
        .package_name = job->entry.package.buf,
        .source_file = g->in_place ? g->in_place : g->file_name.buf,
        .registry_dir = set->registry_dir,
        .registry = &registry,
        .edition = set->edition,
        .script_dir = g->script_dir.len ? g->script_dir.buf : NULL,
        .infer_features = set->infer >= INFER_CONFIG ? job->cfg.infer_features : NULL,
        .infer_max_features = set->infer == INFER_MAX ? job->cfg.infer_max_features : NULL,
        .bare_keys_are_dependencies = o->toml != NULL,
        .deps = o->deps,
        .ndeps = (size_t)o->ndeps,
    };
    int result = manifest_generate(&in, &g->manifest);
    strlist_release(&crates);
    strbuf_release(&cargo_home);
    if (result)
        return -1;
    diag_parts(o, g->diag.parts);
    g->diag.generated_name = g->in_place ? g->in_place : g->file_name.buf;
    g->diag.code = &g->code;
    compute_build_key(job, g);
    struct hasher *h = hasher_new();
    hasher_add(h, s->text.buf, s->text.len);
    hasher_finish(h, g->content_hash);
    return 0;
}

static void generated_release(struct generated *g)
{
    strbuf_release(&g->script_dir);
    strbuf_release(&g->manifest);
    strbuf_release(&g->file_name);
    wrap_release(&g->code);
}

static int needs_install(enum action action)
{
    return action == ACTION_RUN || action == ACTION_BUILD || action == ACTION_EXECUTABLE ||
           action == ACTION_PRINT_TOML;
}

/* Is in the script itself (whose content the build key covers)? */
static int is_script_input(const struct job *job, const struct record_input *in)
{
    return job->o->kind == SOURCE_FILE && !strcmp(in->path, job->identity_source);
}

static int same_stat(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* A stamp for a record whose stat data of the script are trusted from now on: the clock, once
 * it has moved past the script's last change (a few ms at most on a fine-grained file system;
 * not waited for on a coarse one, whose entry simply stays racy until its tick has passed). */
static long long stamp_after(const struct stat *st)
{
    for (int tries = 0; tries < 20 && record_stat_racy(st, record_clock_now()); tries++) {
        if (st->st_mtim.tv_nsec == 0)
            break;
        struct timespec pause = {0, 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    return record_clock_now();
}

/* The script as it is now (hashed first, stat second) is the one cthag read: its stat data can
 * go into the record. */
static int script_still_read(const struct job *job, const struct generated *g, struct stat *st)
{
    char hash[HASH_HEX_LEN + 1];
    return !record_hash_file(job->identity_source, hash) && !strcmp(hash, g->content_hash) &&
           !stat(job->identity_source, st) && same_stat(st, &g->script_st);
}

/* Everything the last build read, unchanged?  Inputs whose stat data differ, or are racy, are
 * re-hashed after a new stamp is taken: the same content only refreshes their stat data in rec,
 * a different one means a rebuild.  Returns 1 when nothing really changed. */
static int inputs_unchanged(const struct job *job, const struct generated *g,
                            struct entry_record *rec)
{
    struct stat st;
    char hash[HASH_HEX_LEN + 1];
    if (!record_env_matches(rec))
        return 0;
    long long stamp = stamp_after(&g->script_st);
    for (size_t i = 0; i < rec->ninputs; i++) {
        struct record_input *in = &rec->inputs[i];
        if (is_script_input(job, in)) {
            /* The key matched, so the content did; its stat data are trusted if unchanged. */
            if (script_still_read(job, g, &st))
                record_input_update(in, &st, g->content_hash);
            else
                record_input_update(in, &g->script_st, NULL);
            continue;
        }
        enum input_state state = record_input_check(in, rec->stamp_ns, &st);
        if (state == INPUT_FRESH)
            continue;
        if (state == INPUT_MISSING || !in->hash[0] || record_hash_file(in->path, hash) ||
            strcmp(hash, in->hash))
            return 0;
        record_input_update(in, &st, hash);
    }
    rec->stamp_ns = stamp;
    return 1;
}

/* The cached executable, still this entry's and built from exactly this: an O_RDONLY fd of it,
 * or -1.  rec is loaded here (release it either way). */
static int open_installed(const struct job *job, const struct generated *g,
                          struct entry_record *rec, struct stat *record_st)
{
    struct stat st;
    if (entry_record_load_at(AT_FDCWD, job->entry.record_path.buf, rec, record_st) ||
        !is_own_record(job, rec) || strcmp(rec->key, g->key) || !inputs_unchanged(job, g, rec))
        return -1;
    int fd = open(job->entry.bin_path.buf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0 && (fstat(fd, &st) || st.st_ino != rec->bin_inode)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Content unchanged (touch, identical rewrite, revert): refresh the record, build nothing. */
static int reuse_unchanged(struct job *job, const struct generated *g)
{
    struct entry_record rec;
    struct stat record_st;
    if (job->o->force || job->heal || !needs_install(job->o->action))
        return -1;
    int fd = open_installed(job, g, &rec, &record_st);
    if (fd >= 0) {
        note("%s: content unchanged (key %s); not rebuilding", job->o->script, g->key);
        cache_refresh_record(&job->entry, &rec, &record_st);
    }
    entry_record_release(&rec);
    return fd;
}

/* ---- building and committing ---- */

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
    bo->color = job->set.color;
    bo->color_arg = job->set.color_arg;
    bo->wrapper = job->set.rustc_wrapper;
    bo->env = job->env;
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

/* rustc's own dep-info for the script's crate (deps/<package>-<hash>.d, the newest), which
 * lists the environment variables env!/option_env! read. */
static void read_rustc_depinfo(const struct job *job, const char *profile_dir,
                               struct depinfo *info)
{
    struct strbuf deps = STRBUF_INIT, path = STRBUF_INIT, text = STRBUF_INIT;
    strbuf_addf(&deps, "%s/deps", profile_dir);
    const char *package = job->entry.package.buf;
    size_t len = job->entry.package.len;
    struct timespec newest = {0, 0};
    DIR *d = opendir(deps.buf);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        struct stat st;
        if (strncmp(de->d_name, package, len) || de->d_name[len] != '-' || n < 2 ||
            strcmp(de->d_name + n - 2, ".d"))
            continue;
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", deps.buf, de->d_name);
        if (stat(path.buf, &st) || st.st_mtim.tv_sec < newest.tv_sec ||
            (st.st_mtim.tv_sec == newest.tv_sec && st.st_mtim.tv_nsec <= newest.tv_nsec))
            continue;
        newest = st.st_mtim;
        strbuf_reset(&text);
        if (fs_read_file(path.buf, &text))
            continue;
        strlist_release(&info->env);
        struct depinfo one = DEPINFO_INIT;
        if (!depinfo_parse(text.buf, text.len, &one)) {
            info->env = one.env;
            one.env = (struct strlist)STRLIST_INIT;
        }
        depinfo_release(&one);
    }
    if (d)
        closedir(d);
    strbuf_release(&deps);
    strbuf_release(&path);
    strbuf_release(&text);
}

/* Files under the cache root are cthag's own (the generated project): not inputs to watch. */
static int is_cache_file(const struct job *job, const char *path)
{
    size_t len = job->root.len;
    return !strncmp(path, job->root.buf, len) && path[len] == '/';
}

/* A file the build read, hashed now.  Hash first, stat second: a change in between shows in
 * the stat data.  Its content is what the compiler read only if it has not changed since
 * before the build (its stat data are not racy against the job's stamp, or, for the script,
 * they are still those from before cthag read it and so is its content). */
static void add_built_input(const struct job *job, const struct generated *g, const char *file,
                            struct entry_record *rec)
{
    struct stat st;
    char hash[HASH_HEX_LEN + 1];
    int hashed = !record_hash_file(file, hash);
    if (stat(file, &st) || !S_ISREG(st.st_mode))
        return;
    int is_script = job->o->kind == SOURCE_FILE && !strcmp(file, job->identity_source);
    int known = hashed && (is_script ? same_stat(&st, &g->script_st) &&
                                           !strcmp(hash, g->content_hash)
                                     : !record_stat_racy(&st, job->stamp));
    entry_record_add_input(rec, file, &st, known ? hash : NULL);
}

/* The inputs of a finished build, from cargo's dep-info beside the executable (every file the
 * compiler read, path dependencies included) and rustc's (the env-dep lines).  The record's
 * stamp is taken before they are hashed. */
static void collect_inputs(const struct job *job, const struct generated *g, const char *built,
                           struct entry_record *rec)
{
    struct depinfo info = DEPINFO_INIT;
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    rec->stamp_ns = record_clock_now();
    if (job->o->kind == SOURCE_FILE)
        add_built_input(job, g, job->identity_source, rec);
    strbuf_addf(&path, "%s.d", built);
    if (fs_read_file(path.buf, &text) || depinfo_parse(text.buf, text.len, &info))
        note("%s: no dep-info at %s; only the script itself is watched", job->o->script,
             path.buf);
    const char *slash = strrchr(built, '/');
    strbuf_reset(&path);
    strbuf_add(&path, built, (size_t)(slash - built));
    read_rustc_depinfo(job, path.buf, &info);
    for (size_t i = 0; i < info.files.count; i++) {
        const char *file = info.files.items[i];
        if ((job->o->kind != SOURCE_FILE || strcmp(file, job->identity_source)) &&
            !is_cache_file(job, file))
            add_built_input(job, g, file, rec);
    }
    entry_record_set_env(rec, &info.env);
    depinfo_release(&info);
    strbuf_release(&path);
    strbuf_release(&text);
}

static void fill_record(const struct job *job, const struct generated *g, const char *built,
                        struct entry_record *rec)
{
    memset(rec, 0, sizeof(*rec));
    snprintf(rec->key, sizeof(rec->key), "%s", g->key);
    rec->built = rec->used = time(NULL);
    snprintf(rec->source, sizeof(rec->source), "%s", job->identity_source);
    snprintf(rec->opts, sizeof(rec->opts), "%s", job->opts.buf);
    snprintf(rec->registry, sizeof(rec->registry), "%s",
             job->set.registry_dir ? job->set.registry_dir : "");
    collect_inputs(job, g, built, rec);
}

/* A copy of a script file: its panics, file!() and backtrace frames name the script (rustc's
 * --remap-path-prefix, for those only: its diagnostics keep the copy's name, which diag.c maps).
 * The copy is <stem>.rs in the project, which cargo names relative to it; rustc takes FROM=TO
 * split at the last '=', and only UTF-8 arguments. */
static void remap_copy_paths(const struct job *job, const struct generated *g,
                             struct strbuf *args, const char **argv)
{
    const char *script = job->identity_source;
    argv[0] = NULL;
    if (g->in_place || job->o->kind != SOURCE_FILE || strchr(script, '=') ||
        !utf8_valid(script, strlen(script)) ||
        !utf8_valid(job->entry.project_dir.buf, job->entry.project_dir.len))
        return;
    strbuf_addf(&args[0], "--remap-path-prefix=%s=%s", g->file_name.buf, script);
    strbuf_addf(&args[1], "--remap-path-prefix=%s/%s=%s", job->entry.project_dir.buf,
                g->file_name.buf, script);
    argv[0] = "--remap-path-scope=macro,debuginfo";
    argv[1] = args[0].buf;
    argv[2] = args[1].buf;
    argv[3] = NULL;
}

static int build_and_commit(struct job *job, const struct generated *g)
{
    const struct options *o = job->o;
    struct build_opts bo;
    struct strbuf built = STRBUF_INIT;
    struct strbuf remap[2] = {STRBUF_INIT, STRBUF_INIT};
    const char *rustc_args[4];
    build_options(job, &bo);
    remap_copy_paths(job, g, remap, rustc_args);
    int fetch_failed = 0;
    struct build_request req = {CARGO_BUILD, NULL, 0, &g->diag, &built,
                                rustc_args[0] ? rustc_args : NULL, &fetch_failed};
    note("%s: building %s (key %s)", o->script, job->entry.project_dir.buf, g->key);
    /* cargo's mtime check can miss a same-second edit (or a damaged executable): cthag has
     * decided to build, so the script's own crate is compiled again. */
    cache_forget_fingerprint(&job->entry);
    /* The stamp the inputs cargo reads are judged against: taken now, not at cthag's start, so
     * a file saved just before the run is not mistaken for one changed during the build. */
    job->stamp = record_clock_settled();
    int result = build_run_cargo(&job->entry, &bo, &req, o->script) ? -1 : 0;
    if (spawn_interrupted) {
        error("%s: interrupted; nothing was installed", o->script);
        result = -1;
    } else if (result && fetch_failed) {
        suggest_registry(job, g);
    }
    test_crash_point("built");
    if (!result && (!built.len || access(built.buf, F_OK))) {
        result = error("%s: cargo succeeded but reported no executable", o->script);
    } else if (!result) {
        struct entry_record rec;
        fill_record(job, g, built.buf, &rec);
        result = cache_commit(&job->entry, built.buf, &rec);
        entry_record_release(&rec);
    }
    strbuf_release(&built);
    strbuf_release(&remap[0]);
    strbuf_release(&remap[1]);
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
    struct build_request req = {action, o->script_args, o->nscript_args, &g->diag, NULL, NULL, NULL};
    if (refuse_editing_copy(job, g))
        return EXIT_BAD_INPUT;
    int status = build_run_cargo(&job->entry, &bo, &req, o->script);
    if (status < 0)
        return EXIT_BUILD_FAILED;
    if (action == CARGO_CHECK && status)
        return EXIT_BUILD_FAILED;
    return status; /* cargo test's and the subcommand's own status */
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
    return job->o->update ? 0 : lockseed_write(job->root.buf, job->entry.project_dir.buf, registry);
}

/* Write the project and do what the action needs, under the entry lock.  *executable gets an
 * fd of the installed executable when the action runs it: opened under the lock, so that no
 * --gc or --clean between the unlock and the exec can take it away.  Returns an exit status. */
static int build_locked(struct job *job, const struct generated *g, int *executable)
{
    const struct options *o = job->o;
    int lock = cache_lock(&job->entry, o->script);
    if (lock < 0)
        return EXIT_BUILD_FAILED;
    int status = 0;
    *executable = reuse_unchanged(job, g);
    if (*executable >= 0) {
        note("%s: built meanwhile by another cthag", o->script);
    } else {
        remove_stale_temps(job);
        if (write_project(job, g)) {
            status = EXIT_BUILD_FAILED;
        } else if (o->action == ACTION_GEN) {
            printf("%s\n", job->entry.project_dir.buf);
        } else if (!needs_install(o->action)) {
            status = run_cargo_action(job, g);
        } else {
            test_crash_point("generated");
            status = build_and_commit(job, g) ? EXIT_BUILD_FAILED : 0;
            if (!status && o->action == ACTION_RUN)
                *executable = open(job->entry.bin_path.buf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        }
    }
    cache_unlock(lock);
    return status;
}

/* --print-toml: the manifest block that pins what inference chose, from the built project. */
static int print_pinned(const struct job *job, const struct script *s, const struct generated *g)
{
    struct pin_input in = {s->name, s->format != MANIFEST_NONE ? s->manifest.buf : NULL,
                           s->manifest.len, g->manifest.buf, NULL, 0, job->entry.package.buf,
                           job->o->pin_frontmatter ? PIN_FRONTMATTER : PIN_THAG};
    return pin_print(&in, job->entry.project_dir.buf, job->o->quiet);
}

__attribute__((noinline)) static int slow_path(struct job *job)
{
    const struct options *o = job->o;
    struct script s = {.name = o->script, .text = STRBUF_INIT, .body = STRBUF_INIT,
                       .manifest = STRBUF_INIT};
    struct generated g;
    memset(&g, 0, sizeof(g));
    int status = EXIT_BAD_INPUT, executable = -1;
    if (load_script(job, &s, &g.script_st))
        goto done;
    /* Code that does not pair its delimiters does not compile: a build failure, as rustc's. */
    if (check_delimiters(job, &s)) {
        status = EXIT_BUILD_FAILED;
        goto done;
    }
    if (!job->identity_source) {
        error("%s: %s", o->script, strerror(errno));
        goto done;
    }
    if ((job->root_lock = cache_prepare_locked(job->root.buf)) < 0 ||
        config_settle(o, &job->cfg, &job->set) || generate(job, &s, &g))
        goto done;
    job->times.generated = now_ms();
    status = 0;
    executable = reuse_unchanged(job, &g);
    if (executable < 0) {
        status = build_locked(job, &g, &executable);
        job->times.built = now_ms();
        /* The cache only grows when something is built: the place for the daily trim. */
        if (!status && needs_install(o->action))
            cache_auto_trim(job->root.buf, job->entry.name.buf);
    }
    if (!status && o->action == ACTION_EXECUTABLE)
        status = install_executable(job->root.buf, job->entry.bin_path.buf, o->script,
                                    o->install_dir, o->force);
    if (!status && o->action == ACTION_PRINT_TOML)
        status = print_pinned(job, &s, &g);
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
    if (!job_start(&job, o)) {
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
