/* Handing over to the built script: the last thing cthag does on a successful run.  The
 * executable is an open descriptor (opened relative to the verified cache root), so a path
 * swapped or removed after the check cannot change what runs. */
#ifndef CTHAG_RUN_H
#define CTHAG_RUN_H

struct run_request {
    const char *script_name;     /* argv[0] */
    char *const *args;
    int nargs;
    const char *const *env;      /* "NAME=value" added to the environment, NULL-terminated */
    const char *executable_path; /* what a --wrapper command is given to run */
};

/* Run the executable under a command from now on (rust-script's --wrapper, e.g. valgrind -q):
 * the command's words, then the executable's path (argv[0] of the script is then that path),
 * then the script's arguments.  words must outlive the run.  Returns -1 (after an error naming
 * the option) when words is empty or its command is not found on PATH. */
int run_set_wrapper(char *const *words, int count);
/* Replace cthag by the executable (or its wrapper).  Returns only on failure, with errno set. */
int run_exec(int executable, const struct run_request *r);
/* Run it as a child and wait (for -t, which reports after the run): the raw wait status, or -1
 * with errno set when it could not be started (*exec_errno then says why the exec failed, or 0
 * when the process could not even be created). */
int run_wait(int executable, const struct run_request *r, int *exec_errno);

#endif
