/* The dep-info (.d) files rustc and cargo write beside a build's outputs: which files the build
 * read and which environment variables it looked at.  Makefile syntax:
 *
 *     /t/debug/x: /s/x.rs /s/helper.rs /s/my\ data.txt
 *     # env-dep:NAME=value            (a variable env!/option_env! read; value escaped)
 *     # env-dep:UNSET_NAME            (read, and not set)
 *
 * Spaces in paths are escaped as "\ ", a tab is written as it is (prerequisites are separated by
 * spaces), a newline cannot be written (the text no longer parses, or names relative paths: the
 * caller cannot track such a path); in env-dep values rustc writes "\n" for a newline and "\\"
 * for a backslash. */
#ifndef CTHAG_CARGO_DEPINFO_H
#define CTHAG_CARGO_DEPINFO_H

#include "util/strlist.h"

struct depinfo {
    struct strlist files;    /* prerequisites, in order, each once */
    struct strlist env;      /* "NAME=value" for a set variable, "NAME" for an unset one */
};
#define DEPINFO_INIT {STRLIST_INIT, STRLIST_INIT}

/* Add what the dep-info text says to info (files of every rule, env-dep lines).  -1 when the
 * text is not dep-info (a line that is neither a rule, a comment nor empty). */
int depinfo_parse(const char *text, size_t len, struct depinfo *info);
void depinfo_release(struct depinfo *info);

#endif
