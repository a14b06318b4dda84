#include "rapid/input.h"

#include "script/rustlex.h"

#include <string.h>

int input_is_complete(const char *text, size_t len)
{
    struct lexer lx;
    struct token tok;
    long depth = 0, tokens = 0;
    lexer_init(&lx, text, len);
    while (lexer_next(&lx, &tok) != TOK_EOF) {
        tokens++;
        if (tok.kind != TOK_PUNCT || tok.len != 1)
            continue;
        if (strchr("([{", *tok.start))
            depth++;
        else if (strchr(")]}", *tok.start))
            depth--;
    }
    return tokens && depth <= 0 && !lx.unterminated_line;
}

int input_is_blank(const char *text)
{
    return text[strspn(text, " \t\r\n\f\v")] == '\0';
}

static const struct {
    const char *name;
    enum command command;
} commands[] = {
    {"help", CMD_HELP},   {"h", CMD_HELP},       {"?", CMD_HELP},       {"quit", CMD_QUIT},
    {"q", CMD_QUIT},      {"exit", CMD_QUIT},    {"edit", CMD_EDIT},    {"e", CMD_EDIT},
    {"toml", CMD_TOML},   {"list", CMD_LIST},    {"save", CMD_SAVE},    {"history", CMD_HISTORY},
    {"clear", CMD_CLEAR}, {"forget", CMD_FORGET},
};

const char input_help[] =
    "Enter a Rust expression, statements or items; Enter evaluates the entry once its brackets\n"
    "and quotes are closed (a /*[toml] block may come first).  Items and `use` declarations stay\n"
    "for later entries; statements and `let` bindings do not.\n"
    "  :help             this list (also :h, :?)\n"
    "  :quit             leave (also :q, :exit, or Ctrl-D on an empty line)\n"
    "  :edit             open the entry being typed, else the last one, in $VISUAL/$EDITOR;\n"
    "                    evaluate it when saved (also :e)\n"
    "  :toml             edit the manifest lines the following entries are built with\n"
    "  :list             the session's toml and items\n"
    "  :save FILE        write the session (toml, items, the last entry's statements) as a\n"
    "                    script cthag runs; :save! FILE overwrites\n"
    "  :history          the lines entered, oldest first\n"
    "  :clear            clear the screen\n"
    "  :forget [NAME]    drop the items named NAME, or all items and `use` declarations\n"
    "Keys: Emacs editing, Up/Down and Ctrl-R search the history, Ctrl-C cancels the line or\n"
    "the build or run in progress.\n";

static size_t skip_space(const char *s, size_t i)
{
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    return i;
}

void input_parse_command(const char *line, struct command_line *out)
{
    memset(out, 0, sizeof(*out));
    out->arg = "";
    size_t i = skip_space(line, 0);
    if (line[i] != ':' || line[i + 1] == ':' || !line[i + 1] || strchr(" \t\r\n", line[i + 1]))
        return;
    size_t start = ++i;
    while (line[i] && !strchr(" \t\r\n!", line[i]))
        i++;
    out->word = line + start;
    out->word_len = i - start;
    out->command = CMD_UNKNOWN;
    for (size_t c = 0; c < sizeof(commands) / sizeof(*commands); c++)
        if (strlen(commands[c].name) == out->word_len &&
            !memcmp(commands[c].name, out->word, out->word_len))
            out->command = commands[c].command;
    if (line[i] == '!') {
        out->bang = 1;
        i++;
    }
    i = skip_space(line, i);
    size_t end = strlen(line);
    while (end > i && strchr(" \t\r\n", line[end - 1]))
        end--;
    out->arg = line + i;
    out->arg_len = end - i;
}
