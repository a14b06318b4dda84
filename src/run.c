#include "run.h"

#include "util/die.h"

#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char **script_argv(const char *script_name, char *const *args, int nargs)
{
    char **argv = xcalloc((size_t)nargs + 2, sizeof(char *));
    argv[0] = (char *)script_name;
    for (int i = 0; i < nargs; i++)
        argv[i + 1] = args[i];
    return argv;
}

int run_exec(const char *executable, const char *script_name, char *const *args, int nargs)
{
    /* No free on success: execv replaces the process. */
    char **argv = script_argv(script_name, args, nargs);
    execv(executable, argv);
    int saved = errno;
    free(argv);
    errno = saved;
    return -1;
}

int run_wait(const char *executable, const char *script_name, char *const *args, int nargs)
{
    char **argv = script_argv(script_name, args, nargs);
    pid_t pid;
    int rc = posix_spawn(&pid, executable, NULL, NULL, argv, environ);
    free(argv);
    if (rc) {
        errno = rc;
        return -1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
