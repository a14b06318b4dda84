#include "util/shellwords.h"
#include "unit.h"

/* Split text and compare the words, joined by '|', with expected (NULL: an error). */
static void check_split(const char *text, const char *expected)
{
    struct strlist words = STRLIST_INIT;
    const char *problem = NULL;
    int result = shell_split(text, &words, &problem);
    char joined[256] = "";
    for (size_t i = 0; i < words.count; i++) {
        strncat(joined, i ? "|" : "", sizeof(joined) - strlen(joined) - 1);
        strncat(joined, words.items[i], sizeof(joined) - strlen(joined) - 1);
    }
    if (expected) {
        CHECK_INT(result, 0);
        CHECK_STR(joined, expected);
    } else {
        CHECK_INT(result, -1);
        CHECK(problem != NULL);
    }
    strlist_release(&words);
}

int main(void)
{
    check_split("valgrind -q", "valgrind|-q");
    check_split("  hyperfine\t--runs   100 \n", "hyperfine|--runs|100");
    check_split("", "");
    check_split("   ", "");
    check_split("env 'A B=1' x", "env|A B=1|x");
    check_split("sh -c \"echo \\\"hi\\\" \\$HOME \\\\ \\n\"", "sh|-c|echo \"hi\" $HOME \\ \\n");
    check_split("a\\ b c\\\\d", "a b|c\\d");
    check_split("x'y'\"z\"w", "xyzw");
    check_split("''", "");
    check_split("a \"\" b", "a||b");
    check_split("a\\\nb", "ab");
    check_split("'unterminated", NULL);
    check_split("\"unterminated", NULL);
    check_split("trailing\\", NULL);
    return unit_finish("test_shellwords");
}
