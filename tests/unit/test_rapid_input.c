#include "rapid/input.h"
#include "unit.h"

static int complete(const char *text)
{
    return input_is_complete(text, strlen(text));
}

static void test_completeness(void)
{
    CHECK_INT(complete("1 + 2"), 1);
    CHECK_INT(complete("fn f() {"), 0);
    CHECK_INT(complete("fn f() {\n  1\n}"), 1);
    CHECK_INT(complete("vec![1, 2,"), 0);
    CHECK_INT(complete("(1 +\n 2)"), 1);
    CHECK_INT(complete("\"open { string"), 0);
    CHECK_INT(complete("\"closed { string\""), 1);
    CHECK_INT(complete("r#\"raw \" still\"#"), 1);
    CHECK_INT(complete("r#\"raw \" open"), 0);
    CHECK_INT(complete("'{'"), 1);                 /* a char literal, not a brace */
    CHECK_INT(complete("fn f<'a>(x: &'a str) {}"), 1); /* lifetimes, not chars */
    CHECK_INT(complete("/* open comment"), 0);
    CHECK_INT(complete("// a comment with { inside\n1"), 1);
    CHECK_INT(complete("/*[toml]\n[dependencies]\nx = \"1\"\n*/"), 0); /* no code yet */
    CHECK_INT(complete("/*[toml]\n[dependencies]\nx = \"1\"\n*/\nx::f()"), 1);
    CHECK_INT(complete("// only a comment"), 0);
    CHECK_INT(complete("}"), 1); /* too many closers: the compiler says so */
    CHECK_INT(input_is_blank(" \t\n"), 1);
    CHECK_INT(input_is_blank(" x "), 0);
}

static void test_commands(void)
{
    struct command_line c;
    input_parse_command(":help", &c);
    CHECK_INT(c.command, CMD_HELP);
    input_parse_command("  :q  ", &c);
    CHECK_INT(c.command, CMD_QUIT);
    input_parse_command(":save out.rs ", &c);
    CHECK_INT(c.command, CMD_SAVE);
    CHECK_INT(c.bang, 0);
    CHECK_INT(c.arg_len, 6);
    CHECK(!strncmp(c.arg, "out.rs", 6));
    input_parse_command(":save! out.rs", &c);
    CHECK_INT(c.command, CMD_SAVE);
    CHECK_INT(c.bang, 1);
    CHECK_INT(c.arg_len, 6);
    input_parse_command(":forget", &c);
    CHECK_INT(c.command, CMD_FORGET);
    CHECK_INT(c.arg_len, 0);
    input_parse_command(":frobnicate now", &c);
    CHECK_INT(c.command, CMD_UNKNOWN);
    CHECK_INT(c.word_len, 10);
    input_parse_command("::std::mem::size_of::<u64>()", &c);
    CHECK_INT(c.command, CMD_NONE);
    input_parse_command("1 + 1", &c);
    CHECK_INT(c.command, CMD_NONE);
    input_parse_command(":", &c);
    CHECK_INT(c.command, CMD_NONE);
}

int main(void)
{
    test_completeness();
    test_commands();
    return unit_finish("test_rapid_input");
}
