#include "cache/cache.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

static void check_stem(const char *path, const char *expected)
{
    struct strbuf stem = STRBUF_INIT;
    cache_sanitise_stem(path, &stem);
    CHECK_STR(stem.buf, expected);
    strbuf_release(&stem);
}

static void test_stems(void)
{
    check_stem("dir/fib.rs", "fib");
    check_stem("2fast.rs", "s_2fast");
    check_stem("my-script.rs", "my_script");
    check_stem("Type.rs", "type");
    check_stem("h\xc3\xa9llo w\xc3\xb6rld.rs", "h_llo_w_rld");
    check_stem("\xc3\xa9\xc3\xa9.rs", "s");
    check_stem("_x.rs", "s_x");
    check_stem("noext", "noext");
    check_stem("a.b.rs", "a_b");
    check_stem("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.rs",
               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

static void test_entry_names(void)
{
    struct cache_entry a, b;
    cache_entry_init(&a, "/c", "/x/fib.rs", "/x/fib.rs\nopts");
    cache_entry_init(&b, "/c", "/y/fib.rs", "/y/fib.rs\nopts");
    CHECK(strcmp(a.name.buf, b.name.buf) != 0);
    CHECK_INT(a.name.len, strlen("fib-") + 16);
    CHECK_CONTAINS(a.package.buf, "fib_");
    CHECK_CONTAINS(a.bin_path.buf, "/c/bins/fib-");
    CHECK_CONTAINS(a.record_path.buf, "/c/projects/fib-");
    cache_entry_release(&a);
    cache_entry_release(&b);
}

static void test_package_names(void)
{
    struct strbuf package = STRBUF_INIT;
    cache_package_name("fib-0123456789abcdef", &package);
    CHECK_STR(package.buf, "fib_0123456789abcdef");
    cache_package_name("my-tool-0123456789abcdef", &package);
    CHECK_STR(package.buf, "my-tool_0123456789abcdef");
    strbuf_release(&package);
}

int main(void)
{
    test_stems();
    test_entry_names();
    test_package_names();
    return unit_finish("test_cache");
}
