/* Handing over to the built script: the last thing cthag does on a successful run. */
#ifndef CTHAG_RUN_H
#define CTHAG_RUN_H

/* execv the executable with argv[0] = script_name and the script's own arguments.
 * Returns only on failure, with errno set. */
int run_exec(const char *executable, const char *script_name, char *const *args, int nargs);

#endif
