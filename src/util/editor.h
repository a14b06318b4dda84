/* The user's editor, run on a file as git runs it, and whether the user saved the file. */
#ifndef CTHAG_UTIL_EDITOR_H
#define CTHAG_UTIL_EDITOR_H

/* $VISUAL, else $EDITOR, else "vi" (an empty variable does not count). */
const char *editor_command(void);

/* Open path in the editor and wait.  The command is run by the shell with the path as its
 * argument (`sh -c 'CMD "$@"' CMD path`), on the terminal: /dev/tty stands in for standard
 * input and output when they are not one.  *saved is set when the file was written meanwhile
 * (other bytes, other stat data or a new inode; a file that did not exist and now does).
 * Returns 0, or -1 with the error printed (the editor could not start or failed). */
int editor_edit(const char *path, int *saved);

#endif
