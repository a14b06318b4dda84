/* -d/--edit: the user edits the code in $VISUAL/$EDITOR before cthag runs it. */
#ifndef CTHAG_CLI_EDIT_H
#define CTHAG_CLI_EDIT_H

#include "options.h"

/* The user left the editor without saving: there is nothing to run. */
#define EDIT_NOT_SAVED 1

/* Open the script in the user's editor.  The code of -e, -s or -l (the filter) is first copied
 * into a temporary file in the cache (<root>/edit/, removed afterwards) and o then holds the
 * edited code: o->text for -e and -l, standard input for -s.  Returns 0 when the file was saved
 * (run it), EDIT_NOT_SAVED when it was not (said on stderr), or -1 with the error printed. */
int edit_source(struct options *o);

#endif
