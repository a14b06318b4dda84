#include "util/spawn.h"

#include "util/die.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

volatile pid_t spawn_current_child;
volatile sig_atomic_t spawn_interrupted;

/* Ctrl-C (or SIGTERM, SIGHUP) while cargo runs: pass it on to cargo, remember it, and let the
 * caller finish cleanly once cargo has stopped.  (From a terminal cargo gets SIGINT too.) */
static void forward_signal(int sig)
{
    spawn_interrupted = sig;
    if (spawn_current_child > 0)
        kill(spawn_current_child, sig);
}

static const int forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void catch_signals(struct sigaction *saved)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = forward_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; i++) {
        sigaction(forwarded_signals[i], NULL, &saved[i]);
        /* A signal ignored by whoever started cthag (nohup, a background job) stays ignored. */
        if (saved[i].sa_handler != SIG_IGN)
            sigaction(forwarded_signals[i], &sa, NULL);
    }
}

static void restore_signals(const struct sigaction *saved)
{
    for (int i = 0; i < 3; i++)
        sigaction(forwarded_signals[i], &saved[i], NULL);
}

/* Do two NAME=VALUE entries (or a bare NAME) name the same variable?  Compared up to the first
 * difference only: a launch compares every variable with every extra one. */
static int same_name(const char *a, const char *b)
{
    while (*a && *a == *b && *a != '=')
        a++, b++;
    return (!*a || *a == '=') && (!*b || *b == '=');
}

char **spawn_environment(const char *const *extra)
{
    size_t base = 0, more = 0;
    while (environ[base])
        base++;
    while (extra && extra[more])
        more++;
    char **env = xcalloc(base + more + 1, sizeof(char *));
    size_t n = 0;
    for (size_t i = 0; i < base; i++) {
        int replaced = 0;
        for (size_t j = 0; j < more && !replaced; j++)
            replaced = same_name(environ[i], extra[j]);
        if (!replaced)
            env[n++] = environ[i];
    }
    for (size_t j = 0; j < more; j++)
        if (strchr(extra[j], '='))
            env[n++] = (char *)extra[j]; /* "NAME" alone only removes NAME */
    return env;
}

/* Split what arrives into lines for on_line; a last line without newline counts too. */
struct line_reader {
    struct strbuf pending;
    const struct spawn_opts *opts;
};

static void feed_lines(struct line_reader *lr, const char *data, size_t len, int at_end)
{
    strbuf_add(&lr->pending, data, len);
    size_t start = 0;
    for (size_t i = 0; i < lr->pending.len; i++) {
        if (lr->pending.buf[i] != '\n')
            continue;
        lr->pending.buf[i] = '\0';
        lr->opts->on_line(lr->opts->ctx, lr->pending.buf + start, i - start);
        start = i + 1;
    }
    if (at_end && start < lr->pending.len) {
        lr->opts->on_line(lr->opts->ctx, lr->pending.buf + start, lr->pending.len - start);
        start = lr->pending.len;
    }
    memmove(lr->pending.buf, lr->pending.buf + start, lr->pending.len - start);
    strbuf_setlen(&lr->pending, lr->pending.len - start);
}

/* Read the child's pipes until both are closed: fds[0] is stdout (lines or capture), fds[1]
 * stderr (capture); -1 for a stream not piped. */
static void read_pipes(int fds[2], const struct spawn_opts *opts)
{
    struct line_reader lr = {STRBUF_INIT, opts};
    char buf[8192];
    while (fds[0] >= 0 || fds[1] >= 0) {
        struct pollfd pfd[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
        int ready = poll(pfd, 2, opts->on_tick ? opts->tick_ms : -1);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (!ready) {
            opts->on_tick(opts->ctx);
            continue;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i] < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t got = read(fds[i], buf, sizeof(buf));
            if (got < 0 && errno == EINTR)
                continue;
            int done = got <= 0;
            if (i == 0 && opts->on_line)
                feed_lines(&lr, buf, done ? 0 : (size_t)got, done);
            else if (i == 1 && !opts->capture && !done)
                opts->on_stderr(opts->ctx, buf, (size_t)got);
            else if (!done)
                strbuf_add(i == 0 && opts->out ? opts->out : opts->capture, buf, (size_t)got);
            if (i == 0 && opts->out && opts->out_max && opts->out->len > opts->out_max)
                done = 1;
            if (done) {
                close(fds[i]);
                fds[i] = -1;
            }
        }
    }
    strbuf_release(&lr.pending);
}

static int wait_child(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    spawn_current_child = 0;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* Pipe for one child stream, its write end dup'ed onto target in the child. */
static int add_pipe(posix_spawn_file_actions_t *actions, int target, int *read_end, int *write_end)
{
    int p[2];
    if (pipe(p))
        return -1;
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    posix_spawn_file_actions_adddup2(actions, p[1], target);
    *read_end = p[0];
    *write_end = p[1];
    return 0;
}

int spawn_wait(const char *const *argv, const struct spawn_opts *opts)
{
    static const struct spawn_opts none = {.env = NULL};
    if (!opts)
        opts = &none;
    int reads[2] = {-1, -1}, writes[2] = {-1, -1};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    int failed = 0;
    if (opts->on_line || opts->capture || opts->out)
        failed |= add_pipe(&actions, STDOUT_FILENO, &reads[0], &writes[0]);
    if (opts->on_line && opts->stderr_lines && writes[0] >= 0)
        posix_spawn_file_actions_adddup2(&actions, writes[0], STDERR_FILENO);
    if (opts->capture || opts->on_stderr)
        failed |= add_pipe(&actions, STDERR_FILENO, &reads[1], &writes[1]);
    char **env = spawn_environment(opts->env);
    pid_t pid = 0;
    /* The child starts in opts->cwd: changed here and back, as posix_spawn has no portable
     * way to do it in the child. */
    int here = opts->cwd ? open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (opts->cwd && (here < 0 || chdir(opts->cwd)))
        failed = 1;
    int rc = failed ? errno : posix_spawnp(&pid, argv[0], &actions, NULL, (char *const *)argv, env);
    if (here >= 0) {
        if (fchdir(here))
            rc = rc ? rc : errno;
        close(here);
    }
    posix_spawn_file_actions_destroy(&actions);
    free(env);
    for (int i = 0; i < 2; i++)
        if (writes[i] >= 0)
            close(writes[i]);
    if (rc) {
        for (int i = 0; i < 2; i++)
            if (reads[i] >= 0)
                close(reads[i]);
        errno = rc;
        return -1;
    }
    struct sigaction saved[3];
    spawn_current_child = pid;
    catch_signals(saved);
    read_pipes(reads, opts);
    int status = wait_child(pid);
    restore_signals(saved);
    return status;
}
