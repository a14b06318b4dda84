/* Line editing on the terminal (Debian's libedit): Emacs keys, a history kept in a file,
 * Ctrl-R to search it, Ctrl-C to cancel the line being typed. */
#ifndef CTHAG_RAPID_LINEEDIT_H
#define CTHAG_RAPID_LINEEDIT_H

#include "util/strbuf.h"

struct line_editor;

/* $XDG_STATE_HOME/cthag/history, else ~/.local/state/cthag/history; -1 when neither is known. */
int lineedit_history_path(struct strbuf *path);

/* Start editing on the terminal; history_path (may be NULL) is loaded and saved after each
 * line.  NULL (error printed) when libedit cannot start. */
struct line_editor *lineedit_open(const char *history_path);
/* Read one line (without its newline) after prompt.  NULL at the end of input (Ctrl-D on an
 * empty line).  *cancelled is set when Ctrl-C cancelled the line, which is then "". */
const char *lineedit_read(struct line_editor *le, const char *prompt, int *cancelled);
/* Add a line to the history and save the history file. */
void lineedit_remember(struct line_editor *le, const char *line);
/* The history, oldest first, one numbered line each. */
void lineedit_list_history(struct line_editor *le, struct strbuf *out);
void lineedit_close(struct line_editor *le);

#endif
