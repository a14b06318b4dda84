#include "run.h"

#include "util/die.h"
#include "util/strbuf.h"

#include <errno.h>
#include <string.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
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
static char **script_argv(const char *executable, const char *script_name, char *const *args,
                          int nargs)
{
    char **argv = xcalloc((size_t)wrapper_count + (size_t)nargs + 2, sizeof(char *));
    int n = 0;
    for (int i = 0; i < wrapper_count; i++)
        argv[n++] = wrapper[i];
    argv[n++] = (char *)(wrapper_count ? executable : script_name);
    for (int i = 0; i < nargs; i++)
        argv[n++] = args[i];
    return argv;
}

int run_exec(const char *executable, const char *script_name, char *const *args, int nargs)
{
    /* No free on success: execv replaces the process. */
    char **argv = script_argv(executable, script_name, args, nargs);
    if (wrapper_count)
        execvp(argv[0], argv);
    else
        execv(executable, argv);
    int saved = errno;
    free(argv);
    errno = saved;
    return -1;
}

int run_wait(const char *executable, const char *script_name, char *const *args, int nargs)
{
    char **argv = script_argv(executable, script_name, args, nargs);
    pid_t pid;
    int rc = wrapper_count ? posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ)
                           : posix_spawn(&pid, executable, NULL, NULL, argv, environ);
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
