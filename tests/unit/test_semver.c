#include "cargo/semver.h"
#include "unit.h"

static void check_match(const char *req, const char *version, int expected)
{
    int got = semver_matches(req, version);
    unit_checks++;
    if (got != expected) {
        unit_failures++;
        fprintf(stderr, "semver_matches(\"%s\", \"%s\") = %d, expected %d\n", req, version, got,
                expected);
    }
}

static void test_caret(void)
{
    check_match("1", "1.0.0", 1);
    check_match("1", "1.99.3", 1);
    check_match("1", "2.0.0", 0);
    check_match("1", "0.9.0", 0);
    check_match("1.2", "1.1.9", 0);
    check_match("1.2", "1.2.0", 1);
    check_match("^1.2.3", "1.2.2", 0);
    check_match("^1.2.3", "1.9.0", 1);
    check_match("0.10", "0.10.4", 1);
    check_match("0.10", "0.11.0", 0);
    check_match("0.10", "0.9.9", 0);
    check_match("0.4.6", "0.4.5", 0);
    check_match("0.4.6", "0.4.30", 1);
    check_match("^0.0.3", "0.0.3", 1);
    check_match("^0.0.3", "0.0.4", 0);
    check_match("0", "0.9.1", 1);
    check_match("0", "1.0.0", 0);
    check_match("0.0", "0.0.7", 1);
    check_match("0.0", "0.1.0", 0);
}

static void test_operators(void)
{
    check_match("=0.2.0", "0.2.0", 1);
    check_match("=0.2.0", "0.2.3", 0);
    check_match("= 0.2.0", "0.2.0", 1);
    check_match("=1.2", "1.2.9", 1);
    check_match("=1.2", "1.3.0", 0);
    check_match(">=1.0.3, <1.1", "1.0.9", 1);
    check_match(">=1.0.3, <1.1", "1.0.2", 0);
    check_match(">=1.0.3, <1.1", "1.1.0", 0);
    check_match(">= 0.5, < 0.8", "0.7.3", 1);
    check_match(">1.2", "1.2.9", 0);
    check_match(">1.2", "1.3.0", 1);
    check_match(">1", "2.0.0", 1);
    check_match("<=1.2", "1.2.7", 1);
    check_match("<=1.2", "1.3.0", 0);
    check_match("~1.2.3", "1.2.9", 1);
    check_match("~1.2.3", "1.3.0", 0);
    check_match("~1.2.3", "1.2.2", 0);
    check_match("~1", "1.9.0", 1);
    check_match("~0.2", "0.2.5", 1);
    check_match("~0.2", "0.3.0", 0);
}

static void test_wildcards(void)
{
    check_match("*", "0.0.1", 1);
    check_match("*", "7.2.1", 1);
    check_match("", "1.0.0", 1);
    check_match("1.*", "1.5.0", 1);
    check_match("1.*", "2.0.0", 0);
    check_match("1.2.*", "1.2.7", 1);
    check_match("1.2.*", "1.3.0", 0);
    check_match("0.x", "0.5.0", 1);
    check_match("1.X", "1.0.1", 1);
}

static void test_prereleases(void)
{
    check_match("1", "1.1.0-alpha", 0);
    check_match("*", "1.0.0-rc.1", 0);
    check_match("1.0.0-rc.1", "1.0.0-rc.2", 1);
    check_match("1.0.0-rc.1", "1.0.0-rc.0", 0);
    check_match("1.0.0-rc.1", "1.0.0", 1);
    check_match("1.0.0-rc.1", "1.0.1-rc.1", 0);
    check_match("=2.0.0-beta.5", "2.0.0-beta.5", 1);
    check_match(">=1.0.0-alpha", "1.0.0-beta", 1);
    check_match("^0.1.0-alpha.2", "0.1.0-alpha.10", 1);
}

static void test_bad_input(void)
{
    check_match("one", "1.0.0", -1);
    check_match(">= 1 < 2", "1.5.0", -1);
    check_match("1", "1.0", -1);
    check_match("^", "1.0.0", -1);
    check_match("1.2.3.4", "1.2.3", -1);
    check_match("1,", "1.2.3", 1);
}

static void test_order_and_series(void)
{
    struct semver a, b;
    CHECK_INT(semver_parse("1.2.3", &a), 0);
    CHECK_INT(semver_parse("1.2.3-alpha.1+build.5", &b), 0);
    CHECK_INT(b.pre_len, 7);
    CHECK(semver_compare(&b, &a) < 0);
    CHECK_INT(semver_parse("1.2", &a), -1);
    CHECK_INT(semver_parse("1.2.3x", &a), -1);
    CHECK(semver_compare_text("0.10.4", "0.9.12") > 0);
    CHECK(semver_compare_text("1.0.0-alpha", "1.0.0-alpha.1") < 0);
    CHECK(semver_compare_text("1.0.0-alpha.2", "1.0.0-alpha.10") < 0);
    CHECK(semver_compare_text("1.0.0-beta", "1.0.0-alpha.9") > 0);
    CHECK(semver_compare_text("1.0.0-1", "1.0.0-a") < 0);
    CHECK(semver_compare_text("junk", "0.0.0") < 0);
    CHECK_INT(semver_compare_text("2.0.0+a", "2.0.0+b"), 0);
    const char *cases[][2] = {{"1.2.3", "1"}, {"0.10.4", "0.10"}, {"0.0.3", "0.0.3"},
                              {"2.0.0-rc.1", "2.0.0-rc.1"}, {"0.1.0", "0.1"}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct strbuf out = STRBUF_INIT;
        CHECK_INT(semver_parse(cases[i][0], &a), 0);
        semver_series(&a, cases[i][0], &out);
        CHECK_STR(out.buf, cases[i][1]);
        strbuf_release(&out);
    }
}

int main(void)
{
    test_caret();
    test_operators();
    test_wildcards();
    test_prereleases();
    test_bad_input();
    test_order_and_series();
    return unit_finish("test_semver");
}
