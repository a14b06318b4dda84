#include "run.h"

#include "util/die.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int run_exec(const char *executable, const char *script_name, char *const *args, int nargs)
{
    /* No free on success: execv replaces the process. */
    char **argv = xcalloc((size_t)nargs + 2, sizeof(char *));
    argv[0] = (char *)script_name;
    for (int i = 0; i < nargs; i++)
        argv[i + 1] = args[i];
    execv(executable, argv);
    int saved = errno;
    free(argv);
    errno = saved;
    return -1;
}
