/* Handing over to the built script: the last thing cthag does on a successful run. */
#ifndef CTHAG_RUN_H
#define CTHAG_RUN_H

/* Run the executable under a command from now on (rust-script's --wrapper, e.g. valgrind -q):
 * the command's words, then the executable (argv[0] of the script is then its path), then the
 * script's arguments.  words must outlive the run.  Returns -1 (after an error naming the
 * option) when words is empty or its command is not found on PATH. */
int run_set_wrapper(char *const *words, int count);
/* execv the executable with argv[0] = script_name and the script's own arguments.
 * Returns only on failure, with errno set. */
int run_exec(const char *executable, const char *script_name, char *const *args, int nargs);
/* Run it as a child and wait (for -t, which reports after the run): the script's exit
 * status, 128+N when it was killed by signal N, or -1 with errno set when it did not start. */
int run_wait(const char *executable, const char *script_name, char *const *args, int nargs);

#endif
