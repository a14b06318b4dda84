#include "cargo/depinfo.h"
#include "unit.h"

static void parse(const char *text, struct depinfo *info, int expected)
{
    CHECK_INT(depinfo_parse(text, strlen(text), info), expected);
}

static void test_cargo_dep_info(void)
{
    struct depinfo d = DEPINFO_INIT;
    parse("/t/debug/x: /s/data.txt /s/helper.rs /s/x.rs\n", &d, 0);
    CHECK_INT(d.files.count, 3);
    CHECK_STR(d.files.items[0], "/s/data.txt");
    CHECK_STR(d.files.items[2], "/s/x.rs");
    CHECK_INT(d.env.count, 0);
    depinfo_release(&d);
}

static void test_rustc_dep_info(void)
{
    struct depinfo d = DEPINFO_INIT;
    parse("/t/deps/x-1.d: /s/x.rs /s/my\\ dir/h.rs\n\n/t/deps/x-1: /s/x.rs /s/my\\ dir/h.rs\n\n"
          "/s/x.rs:\n/s/my\\ dir/h.rs:\n\n# env-dep:FOO=1\n# env-dep:MULTI=a\\nb\\\\c\n"
          "# env-dep:UNSET\n# env-dep:EMPTY=\n",
          &d, 0);
    CHECK_INT(d.files.count, 2);
    CHECK_STR(d.files.items[1], "/s/my dir/h.rs");
    CHECK_INT(d.env.count, 4);
    CHECK_STR(d.env.items[0], "FOO=1");
    CHECK_STR(d.env.items[1], "MULTI=a\nb\\c");
    CHECK_STR(d.env.items[2], "UNSET");
    CHECK_STR(d.env.items[3], "EMPTY=");
    depinfo_release(&d);
}

static void test_not_dep_info(void)
{
    struct depinfo d = DEPINFO_INIT;
    parse("this is not a rule\n", &d, -1);
    depinfo_release(&d);
    struct depinfo e = DEPINFO_INIT;
    parse("", &e, 0);
    CHECK_INT(e.files.count, 0);
    parse("x: a\\", &e, 0); /* a trailing backslash is kept, never read past the end */
    CHECK_STR(e.files.items[0], "a\\");
    depinfo_release(&e);
}

int main(void)
{
    test_cargo_dep_info();
    test_rustc_dep_info();
    test_not_dep_info();
    return unit_finish("test_depinfo");
}
