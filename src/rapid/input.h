/* Reading a session's input: when an entry is complete, and which lines are commands. */
#ifndef CTHAG_RAPID_INPUT_H
#define CTHAG_RAPID_INPUT_H

#include <stddef.h>

/* 1 when text has code (not only comments, such as a manifest block), every bracket, brace and
 * parenthesis in it is closed and no string or block comment is left open (by the Rust lexer's
 * reading): an entry is evaluated then. */
int input_is_complete(const char *text, size_t len);

/* 1 when text holds nothing but whitespace. */
int input_is_blank(const char *text);

enum command {
    CMD_NONE,    /* not a command: Rust code */
    CMD_UNKNOWN, /* `:` and a word no command has */
    CMD_HELP,
    CMD_QUIT,
    CMD_EDIT,
    CMD_TOML,
    CMD_LIST,
    CMD_SAVE,
    CMD_HISTORY,
    CMD_CLEAR,
    CMD_FORGET,
};

struct command_line {
    enum command command;
    int bang;         /* `:save! FILE` */
    const char *word; /* the command as typed, for messages (points into the line) */
    size_t word_len;
    const char *arg;  /* what follows the command, trimmed, into the line ("" when nothing) */
    size_t arg_len;
};

/* Parse a line as a command: `:name[!] [argument]` (`::path` is Rust, not a command). */
void input_parse_command(const char *line, struct command_line *out);

/* One line per command, for :help. */
extern const char input_help[];

#endif
