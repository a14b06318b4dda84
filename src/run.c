/* Linux first: fexecve of an O_CLOEXEC descriptor (execveat with AT_EMPTY_PATH underneath). */
#define _GNU_SOURCE
#include "run.h"

#include "util/die.h"
#include "util/spawn.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* --wrapper's words, or none. */
static char *const *wrapper;
static int wrapper_count;

/* Is name a command: a path to an executable file, or one found on PATH? */
static int is_command(const char *name)
{
    if (strchr(name, '/'))
        return !access(name, X_OK);
    const char *path = getenv("PATH");
    struct strbuf candidate = STRBUF_INIT;
    int found = 0;
    while (path && !found) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        strbuf_reset(&candidate);
        strbuf_addf(&candidate, "%.*s/%s", (int)len, len ? path : ".", name);
        found = !access(candidate.buf, X_OK);
        path = colon ? colon + 1 : NULL;
    }
    strbuf_release(&candidate);
    return found;
}

int run_set_wrapper(char *const *words, int count)
{
    if (count < 1)
        return error("--wrapper: the command is empty");
    if (!is_command(words[0]))
        return error("--wrapper: %s: command not found", words[0]);
    wrapper = words;
    wrapper_count = count;
    return 0;
}

/* argv of the script, or of its wrapper (whose argv holds the executable's path). */
static char **script_argv(const struct run_request *r)
{
    char **argv = xcalloc((size_t)wrapper_count + (size_t)r->nargs + 2, sizeof(char *));
    int n = 0;
    for (int i = 0; i < wrapper_count; i++)
        argv[n++] = wrapper[i];
    argv[n++] = (char *)(wrapper_count ? r->executable_path : r->script_name);
    for (int i = 0; i < r->nargs; i++)
        argv[n++] = r->args[i];
    return argv;
}

/* The exec itself: the open executable, or the wrapper command found on PATH. */
static void exec_request(int executable, char **argv, char **env)
{
    if (wrapper_count) {
        environ = env;
        execvp(argv[0], argv);
    } else {
        fexecve(executable, argv, env);
    }
}

int run_exec(int executable, const struct run_request *r)
{
    /* No free on success: the exec replaces the process. */
    char **argv = script_argv(r);
    char **env = spawn_environment(r->env);
    exec_request(executable, argv, env);
    int saved = errno;
    free(argv);
    free(env);
    errno = saved;
    return -1;
}

int run_wait(int executable, const struct run_request *r, int *exec_errno)
{
    int report[2];
    *exec_errno = 0;
    if (pipe(report))
        return -1;
    fcntl(report[0], F_SETFD, FD_CLOEXEC);
    fcntl(report[1], F_SETFD, FD_CLOEXEC);
    char **argv = script_argv(r);
    char **env = spawn_environment(r->env);
    pid_t pid = fork();
    if (pid == 0) {
        /* The child tells the parent through the close-on-exec pipe why the exec failed. */
        close(report[0]);
        exec_request(executable, argv, env);
        int e = errno;
        ssize_t ignored = write(report[1], &e, sizeof(e));
        (void)ignored;
        _exit(127);
    }
    int saved = errno;
    free(argv);
    free(env);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        errno = saved;
        return -1;
    }
    if (read(report[0], exec_errno, sizeof(*exec_errno)) != sizeof(*exec_errno))
        *exec_errno = 0;
    close(report[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (*exec_errno) {
        errno = *exec_errno;
        return -1;
    }
    return status;
}

/* ---- what the script sees, how it is timed, what an exec failure means ---- */

/* NAME=VALUE and a NUL onto t; where it starts. */
static size_t add_variable(struct strbuf *t, const char *name_eq, const char *value, size_t len)
{
    size_t start = t->len;
    strbuf_addstr(t, name_eq);
    strbuf_add(t, value, len);
    strbuf_addch(t, '\0');
    return start;
}

/* The length of a script file's stem as Rust's Path::file_stem takes it (rust-script's "safe
 * name"): up to the last dot, unless the name starts with its only dot. */
static size_t stem_length(const char *base)
{
    const char *dot = strrchr(base, '.');
    return dot && dot != base && strcmp(base, "..") ? (size_t)(dot - base) : strlen(base);
}

/* rust-script's package name of a safe name: lowercase ASCII letters, digits, '_' and '-' kept
 * (a leading digit gets a '_' before it), capitals lowered, any other character one '_'. */
static void add_package_name(struct strbuf *t, const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c >= 0x80 && c < 0xc0 && i > 0)
            continue; /* the rest of a character already written */
        if (c >= '0' && c <= '9' && i == 0)
            strbuf_addch(t, '_');
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_' || c == '-')
            strbuf_addch(t, (char)c);
        else if (c >= 'A' && c <= 'Z')
            strbuf_addch(t, (char)(c - 'A' + 'a'));
        else
            strbuf_addch(t, '_');
    }
}

/* RUST_SCRIPT_SAFE_NAME (not-UTF-8 bytes as U+FFFD, as rust-script's lossy file stem) and
 * RUST_SCRIPT_PKG_NAME of name[0, len). */
static void add_names(struct strbuf *t, size_t *offsets, size_t *n, const char *name, size_t len)
{
    offsets[(*n)++] = t->len;
    strbuf_addstr(t, "RUST_SCRIPT_SAFE_NAME=");
    utf8_lossy(name, len, t);
    strbuf_addch(t, '\0');
    offsets[(*n)++] = t->len;
    strbuf_addstr(t, "RUST_SCRIPT_PKG_NAME=");
    add_package_name(t, name, len);
    strbuf_addch(t, '\0');
}

void run_environment(struct run_environment *env, const char *path, const char *kind_name)
{
    struct strbuf *t = &env->text;
    size_t offsets[RUN_ENV_MAX], n = 0;
    strbuf_init(t);
    if (path) {
        size_t path_len = strlen(path);
        const char *slash = strrchr(path, '/');
        size_t dir_len = slash == path ? 1 : (size_t)(slash - path);
        offsets[n++] = add_variable(t, "CTHAG_SCRIPT_PATH=", path, path_len);
        offsets[n++] = add_variable(t, "CTHAG_SCRIPT_DIR=", path, dir_len);
        offsets[n++] = add_variable(t, "RUST_SCRIPT_PATH=", path, path_len);
        offsets[n++] = add_variable(t, "RUST_SCRIPT_BASE_PATH=", path, dir_len);
        add_names(t, offsets, &n, slash + 1, stem_length(slash + 1));
    } else {
        /* Not a PATH_MAX buffer here: this frame is above realpath's on every cached run. */
        char *cwd = realpath(".", NULL);
        const char *dir = cwd ? cwd : ".";
        offsets[n++] = add_variable(t, "RUST_SCRIPT_PATH=", "", 0);
        offsets[n++] = add_variable(t, "RUST_SCRIPT_BASE_PATH=", dir, strlen(dir));
        free(cwd);
        add_names(t, offsets, &n, kind_name, strlen(kind_name));
    }
    for (size_t i = 0; i < n; i++)
        env->vars[i] = t->buf + offsets[i];
    env->vars[n] = NULL;
}

void run_environment_release(struct run_environment *env)
{
    strbuf_release(&env->text);
}

const char *run_argv0(const char *script)
{
    static struct strbuf lossy = STRBUF_INIT;
    if (utf8_valid(script, strlen(script)))
        return script;
    strbuf_reset(&lossy);
    utf8_lossy(script, strlen(script), &lossy);
    return lossy.buf;
}

double run_clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void print_timings(const struct run_timings *t, double run_ms)
{
    if (!t->built)
        fprintf(stderr, "cthag: timings: cached lookup %.2f ms, run %.2f ms\n",
                run_clock_ms() - t->start - run_ms, run_ms);
    else
        fprintf(stderr, "cthag: timings: generate %.2f ms, build %.2f ms, run %.2f ms\n",
                t->generated - t->start, t->built - t->generated, run_ms);
}

void run_timed(int executable, const struct run_request *r, const struct run_timings *t)
{
    double start = run_clock_ms();
    int exec_errno;
    int status = run_wait(executable, r, &exec_errno);
    if (status < 0)
        return;
    print_timings(t, run_clock_ms() - start);
    if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        raise(WTERMSIG(status));
    }
    exit(WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_BUILD_FAILED);
}

void run_check_exec_failure(const char *script, const char *executable_path)
{
    int saved = errno;
    if (saved != ENOEXEC && saved != EACCES && saved != ENOENT && saved != ETXTBSY)
        die("%s: cannot execute %s: %s", script, executable_path, strerror(saved));
    fprintf(stderr, "cthag: %s: the cached executable cannot be run (%s); rebuilding it\n", script,
            strerror(saved));
    errno = saved;
}
