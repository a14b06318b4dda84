#include "spawn.h"

#include "die.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

volatile pid_t spawn_current_child;

static size_t env_name_len(const char *entry)
{
    const char *eq = strchr(entry, '=');
    return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* environ with the given overrides applied: a new array of borrowed pointers. */
static char **merged_environment(const char *const *extra)
{
    size_t base = 0, more = 0;
    while (environ[base])
        base++;
    while (extra && extra[more])
        more++;
    char **env = xcalloc(base + more + 1, sizeof(char *));
    size_t n = 0;
    for (size_t i = 0; i < base; i++) {
        size_t len = env_name_len(environ[i]);
        int replaced = 0;
        for (size_t j = 0; j < more && !replaced; j++)
            replaced = env_name_len(extra[j]) == len && !strncmp(extra[j], environ[i], len);
        if (!replaced)
            env[n++] = environ[i];
    }
    for (size_t j = 0; j < more; j++)
        env[n++] = (char *)extra[j];
    return env;
}

static void drain_pipe(int fd, struct strbuf *out)
{
    char buf[8192];
    for (;;) {
        ssize_t got = read(fd, buf, sizeof(buf));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        strbuf_add(out, buf, (size_t)got);
    }
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

int spawn_wait(const char *const *argv, const struct spawn_opts *opts)
{
    struct strbuf *sink = opts && opts->capture ? opts->capture
                          : opts                ? opts->capture_stdout
                                                : NULL;
    int fds[2] = {-1, -1};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (sink) {
        if (pipe(fds))
            return -1;
        fcntl(fds[0], F_SETFD, FD_CLOEXEC);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        if (opts->capture)
            posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
        posix_spawn_file_actions_addclose(&actions, fds[1]);
    }
    char **env = merged_environment(opts ? opts->env : NULL);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &actions, NULL, (char *const *)argv, env);
    posix_spawn_file_actions_destroy(&actions);
    free(env);
    if (sink)
        close(fds[1]);
    if (rc) {
        if (sink)
            close(fds[0]);
        errno = rc;
        return -1;
    }
    spawn_current_child = pid;
    if (sink) {
        drain_pipe(fds[0], sink);
        close(fds[0]);
    }
    return wait_child(pid);
}
