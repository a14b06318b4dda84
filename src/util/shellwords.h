/* Splitting a command given as one string (`--wrapper 'valgrind -q'`) into its words, as a POSIX
 * shell would split it, without expanding anything. */
#ifndef CTHAG_UTIL_SHELLWORDS_H
#define CTHAG_UTIL_SHELLWORDS_H

#include "util/strlist.h"

/* Add the words of text to words: blanks separate words; '...' keeps its text as it is; "..."
 * keeps its text but lets a backslash escape $ ` " \ and a newline; outside quotes a backslash
 * keeps the next character (a backslash-newline is removed).  Returns 0, or -1 with *problem
 * naming what is wrong (an unterminated quote, a trailing backslash); words may then hold some. */
int shell_split(const char *text, struct strlist *words, const char **problem);

#endif
