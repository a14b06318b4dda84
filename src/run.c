/* Linux first: fexecve of an O_CLOEXEC descriptor (execveat with AT_EMPTY_PATH underneath). */
#define _GNU_SOURCE
#include "run.h"

#include "util/die.h"
#include "util/spawn.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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
