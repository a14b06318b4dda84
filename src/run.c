/* Linux first: fexecve of an O_CLOEXEC descriptor (execveat with AT_EMPTY_PATH underneath). */
#define _GNU_SOURCE
#include "run.h"

#include "util/die.h"
#include "util/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char **script_argv(const char *script_name, char *const *args, int nargs)
{
    char **argv = xcalloc((size_t)nargs + 2, sizeof(char *));
    argv[0] = (char *)script_name;
    for (int i = 0; i < nargs; i++)
        argv[i + 1] = args[i];
    return argv;
}

int run_exec(int executable, const struct run_request *r)
{
    /* No free on success: the exec replaces the process. */
    char **argv = script_argv(r->script_name, r->args, r->nargs);
    char **env = spawn_environment(r->env);
    fexecve(executable, argv, env);
    int saved = errno;
    free(argv);
    free(env);
    errno = saved;
    return -1;
}

int run_wait(int executable, const struct run_request *r, int *exec_errno)
{
    char **argv = script_argv(r->script_name, r->args, r->nargs);
    char **env = spawn_environment(r->env);
    int report[2];
    *exec_errno = 0;
    if (pipe(report) || fcntl(report[0], F_SETFD, FD_CLOEXEC) ||
        fcntl(report[1], F_SETFD, FD_CLOEXEC)) {
        free(argv);
        free(env);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        /* The child tells the parent through the close-on-exec pipe why the exec failed. */
        close(report[0]);
        fexecve(executable, argv, env);
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
