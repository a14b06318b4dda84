#include "toml/toml.h"
#include "unit.h"

static struct toml_value *parse(const char *text, struct toml_error *err)
{
    return toml_parse(text, strlen(text), 1, err);
}

/* Parse, write back, and compare with the expected canonical form. */
static void check_roundtrip(const char *text, const char *expected)
{
    struct toml_error err = {0, ""};
    struct toml_value *root = parse(text, &err);
    CHECK(root != NULL);
    if (!root) {
        fprintf(stderr, "  parse error line %d: %s\n", err.line, err.message);
        return;
    }
    struct strbuf out = STRBUF_INIT;
    toml_write(root, &out);
    CHECK_STR(out.buf, expected);
    strbuf_release(&out);
    toml_free(root);
}

/* Expect a parse error at line with a message containing fragment. */
static void check_error(const char *text, int line, const char *fragment)
{
    struct toml_error err = {0, ""};
    struct toml_value *root = parse(text, &err);
    CHECK(root == NULL);
    toml_free(root);
    CHECK_INT(err.line, line);
    CHECK_CONTAINS(err.message, fragment);
}

static void test_values(void)
{
    struct toml_error err;
    struct toml_value *root =
        parse("a = \"x\\ty\\u00e9\"\nb = 'lit\\n'\nc = 42\nd = -1_000\ne = 3.5e2\nf = true\n"
              "g = 1979-05-27T07:32:00Z\nh = [1, [2, 3], ]\ni = { x = 1, y.z = \"q\" }\n"
              "j = \"\"\"\nmulti\nline\"\"\"\nk = '''\nraw\\n'''\nl = 0x1F\n",
              &err);
    CHECK(root != NULL);
    if (!root)
        return;
    CHECK_STR(toml_get(root, "a")->text, "x\ty\xc3\xa9");
    CHECK_STR(toml_get(root, "b")->text, "lit\\n");
    CHECK_INT(toml_get(root, "c")->type, TOML_INTEGER);
    CHECK_STR(toml_get(root, "d")->text, "-1_000");
    CHECK_INT(toml_get(root, "e")->type, TOML_FLOAT);
    CHECK_INT(toml_get(root, "f")->type, TOML_BOOL);
    CHECK_INT(toml_get(root, "g")->type, TOML_DATETIME);
    CHECK_INT(toml_get(root, "h")->count, 2);
    CHECK_INT(toml_get(root, "h")->items[1]->count, 2);
    struct toml_value *i = toml_get(root, "i");
    CHECK(i->is_inline);
    CHECK_STR(toml_get(toml_get(i, "y"), "z")->text, "q");
    CHECK_STR(toml_get(root, "j")->text, "multi\nline");
    CHECK_STR(toml_get(root, "k")->text, "raw\\n");
    CHECK_INT(toml_get(root, "l")->type, TOML_INTEGER);
    toml_free(root);
}

static void test_tables(void)
{
    check_roundtrip("[dependencies]\nrand = \"0.8\"\nserde = { version = \"1\", features = "
                    "[\"derive\"] }\n",
                    "[dependencies]\nrand = \"0.8\"\nserde = { version = \"1\", features = "
                    "[\"derive\"] }\n");
    /* Dotted keys become their own table; implicit parents get no header. */
    check_roundtrip("[dependencies]\nfoo.version = \"1\"\n[profile.dev]\nopt-level = 1\n",
                    "[dependencies]\n\n[dependencies.foo]\nversion = \"1\"\n\n"
                    "[profile.dev]\nopt-level = 1\n");
    check_roundtrip("[[bin]]\nname = \"a\"\n[[bin]]\nname = \"b\"\n",
                    "[[bin]]\nname = \"a\"\n\n[[bin]]\nname = \"b\"\n");
    check_roundtrip("\"quoted key\" = 1\n'lit key'.x = 2 # comment\n",
                    "\"quoted key\" = 1\n\n[\"lit key\"]\nx = 2\n");
    check_roundtrip("# only a comment\n\n", "");
    check_roundtrip("a = \"q\\\"\\\\\\n\"", "a = \"q\\\"\\\\\\n\"\n");
    check_roundtrip("[a]\n[a.b]\nc = 1\n", "[a]\n\n[a.b]\nc = 1\n");
}

static void test_errors(void)
{
    check_error("a = 1\na = 2\n", 2, "duplicate key `a`");
    check_error("[x]\n[x]\n", 2, "defined twice");
    check_error("a = \"open\n", 1, "unterminated string");
    check_error("\n\nrand = 0.8.1\n", 3, "invalid value");
    check_error("a = \n", 1, "expected a value");
    check_error("a = 1 b = 2\n", 1, "after value");
    check_error("[deps\nx = 1\n", 1, "close the table header");
    check_error("a = [1, 2\n", 2, "expected `,` or `]`");
    check_error("a = { b = 1\n", 2, "expected `,` or `}`");
    check_error("a = 1\n[a]\n", 2, "already defined as a value");
    check_error("a = \"\\q\"\n", 1, "unknown escape");
    check_error("a = \"\\uD800\"\n", 1, "Unicode scalar");
    check_error("x = { a = 1 }\n[x.b]\n", 2, "already defined as a value");
    check_error("= 1\n", 1, "where a key was expected");
    check_error("rand\n", 1, "expected `=` after key `rand`");
    /* Depth limit instead of a stack overflow. */
    char deep[300];
    memset(deep, '[', sizeof(deep));
    memcpy(deep, "a = ", 4);
    deep[sizeof(deep) - 1] = '\0';
    check_error(deep, 1, "nested too deeply");
}

/* TOML 1.1 as cargo 1.95 reads it: what it accepts, and the line and words of what it refuses. */
static void test_toml_1_1(void)
{
    check_roundtrip("serde = {\n version = \"1\",\n features = [\"derive\"],\n}\n",
                    "serde = { version = \"1\", features = [\"derive\"] }\n");
    check_roundtrip("a = { # c\n  x = 1, # d\n}\n", "a = { x = 1 }\n");
    check_roundtrip("e = \"\\e[1m\\x41\\xff\"\n", "e = \"\\u001b[1mA\xc3\xbf\"\n");
    check_roundtrip("t = 07:32\nd = 1979-05-27 07:32Z\n", "t = 07:32\nd = 1979-05-27 07:32Z\n");
    check_roundtrip("\xef\xbb\xbf" "a = 1\r\n", "a = 1\n"); /* byte-order mark, CRLF */
    check_error("d = 1988-02-30\n", 1, "day 30 of a month with 29 days in `1988-02-30`");
    check_error("d = 1900-02-29\n", 1, "day 29 of a month with 28 days");
    check_error("d = 1979-05-27T24:00:00\n", 1, "hour 24");
    check_error("i = 01\n", 1, "leading zero in `01`");
    check_error("i = 0b012\n", 1, "digit `2` outside base 2 in `0b012`");
    check_error("i = 0o8\n", 1, "digit `8` outside base 8");
    check_error("i = 0x_1\n", 1, "misplaced underscore in `0x_1`");
    check_error("i = 1__0\n", 1, "misplaced underscore");
    check_error("i = 9223372036854775808\n", 1, "integer beyond 64 bits");
    check_error("i = -9223372036854775809\n", 1, "integer beyond 64 bits");
    check_error("i = 0X1F\n", 1, "uppercase radix prefix");
    check_error("i = +0x1\n", 1, "a sign before a hexadecimal");
    check_error("f = 1e400\n", 1, "beyond the range of 64-bit floats");
    check_error("f = 1.\n", 1, "no digits after the decimal point");
    check_error("a = 1\n# bell \a\n", 2, "control character U+0007 in a comment");
    check_error("a = \"x\ry\"\n", 1, "carriage return in a string must be followed by a newline");
    check_error("a = 1\rb = 2\n", 1, "carriage return");
    check_error("a = \"x\\ y\"\n", 1, "unknown escape `\\ `");
    check_error("a = \"\"\"x\\ y\"\"\"\n", 1, "must end the line");
    check_error("[a.b]\nc = 1\n[a]\nb.d = 2\n", 4, "table `b` comes from a [header]");
    check_error("[a]\nb.c = 1\n[a.b]\n", 3, "table [b] is already defined by dotted keys");
    check_error("a = { b = 1 }\na.c = 2\n", 2, "key `a` is already defined as a value");
    check_error("a = {,}\n", 1, "comma before the first key");
    check_error("a = { b = 1,, }\n", 1, "two commas in a row");
    check_error("a = 1\nb = \"x\xff\"\n", 2, "invalid UTF-8");
    check_error("t = 07:32:00Z\n", 1, "after a local time");
    /* A duplicate after a value spanning lines is reported at its key's line. */
    check_error("a = 1\na = \"\"\"\nx\n\"\"\"\n", 2, "duplicate key `a`");
}

static void test_first_line_offset(void)
{
    struct toml_error err;
    CHECK(toml_parse("ok = 1\nbad", 11, 10, &err) == NULL);
    CHECK_INT(err.line, 11);
}

/* Regressions found by fuzz/fuzz_toml. */
static void test_fuzz_regressions(void)
{
    struct toml_error err;
    /* A NUL after a number was read as part of it (strchr finds the terminator). */
    CHECK(toml_parse("a = 1\0\n", 7, 1, &err) == NULL);
    CHECK(toml_parse("a = 1979-05-27\0:\n", 18, 1, &err) == NULL);
    /* A string holding \u0000 was copied short and written long. */
    check_roundtrip("a = \"x\\u0000y\"\n", "a = \"x\\u0000y\"\n");
    const char *with_nul = "a = \"x\\u0000y\"";
    struct toml_value *root = toml_parse(with_nul, strlen(with_nul), 1, &err);
    CHECK(root != NULL);
    if (root)
        CHECK_INT(toml_get(root, "a")->text_len, 3);
    toml_free(root);
    /* A key may hold U+0000 too (TOML 1.1, toml-test's valid/key/quoted-unicode): a key of its
     * own, neither "k" nor the literal 'k\u0000', and written back escaped. */
    check_roundtrip("\"k\\u0000\" = 1\n\"k\" = 2\n'k\\u0000' = 3\n",
                    "\"k\\u0000\" = 1\nk = 2\n\"k\\\\u0000\" = 3\n");
    check_error("\"k\\u0000\" = 1\n\"k\\u0000\" = 2\n", 2, "duplicate key");
    /* Dotted keys inside an inline table nested deeper than a value may: once read, the
     * writer's inline form could not be read back. */
    struct strbuf deep = STRBUF_INIT;
    strbuf_addstr(&deep, "a = { b");
    for (int i = 0; i < 70; i++)
        strbuf_addstr(&deep, ".k");
    strbuf_addstr(&deep, " = 1 }\n");
    check_error(deep.buf, 1, "nested too deeply");
    strbuf_reset(&deep);
    strbuf_addstr(&deep, "a = { b");
    for (int i = 0; i < 60; i++)
        strbuf_addstr(&deep, ".k");
    strbuf_addstr(&deep, " = 1 }\n");
    struct toml_value *ok = toml_parse(deep.buf, deep.len, 1, &err);
    CHECK(ok != NULL);
    struct strbuf written = STRBUF_INIT;
    if (ok)
        toml_write(ok, &written);
    struct toml_value *again = toml_parse(written.buf, written.len, 1, &err);
    CHECK(again != NULL);
    toml_free(again);
    toml_free(ok);
    strbuf_release(&written);
    strbuf_release(&deep);
}

static void test_edit(void)
{
    struct toml_value *root = toml_new_table();
    toml_set(toml_table(root, "package"), "name", toml_new_string("x"));
    toml_set(toml_table(root, "package"), "name", toml_new_string("y"));
    toml_set(root, "n", toml_new_literal(TOML_INTEGER, "3"));
    toml_remove(root, "n");
    toml_remove(root, "absent");
    struct toml_value *copy = toml_clone(root);
    struct strbuf out = STRBUF_INIT;
    toml_write(copy, &out);
    CHECK_STR(out.buf, "[package]\nname = \"y\"\n");
    strbuf_release(&out);
    toml_free(copy);
    toml_free(root);
}

int main(void)
{
    test_values();
    test_tables();
    test_errors();
    test_toml_1_1();
    test_first_line_offset();
    test_fuzz_regressions();
    test_edit();
    return unit_finish("test_toml");
}
