/* Internal to cli/ (main.c dispatches, parse.c reads the command line): the command line read
 * against the option table, and the usage and --help texts made from it.  A usage error is said
 * in one line and exits with EXIT_BAD_INPUT.  Not for other modules. */
#ifndef CTHAG_CLI_PARSE_H
#define CTHAG_CLI_PARSE_H

#include "options.h"

#include <stdio.h>

/* Fill o from the command line: the options, the script and its arguments (o->script_args
 * points into argv).  What o holds lives as long as the process. */
void parse_command_line(int argc, char **argv, struct options *o);

/* --help on stdout: the usage, every option's row by group, the environment. */
void print_help(void);

/* The usage lines and what cthag does, as --help starts. */
void print_usage(FILE *out);

/* "cthag: " fmt (with arg) " (see cthag --help)", then exit(EXIT_BAD_INPUT). */
_Noreturn void usage_error(const char *fmt, const char *arg);

#endif
