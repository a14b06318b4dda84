#include "cache.h"
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

static void test_record_roundtrip(void)
{
    char dir[] = "/tmp/cthag-test-record-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof(path), "%s/entry", dir);
    struct entry_record rec, back;
    memset(&rec, 0, sizeof(rec));
    memcpy(rec.key, "0123456789abcdef0123456789abcdef", 33);
    rec.dev = 1;
    rec.ino = 2;
    rec.size = 3;
    rec.mtime_ns = 1700000000123456789LL;
    rec.ctime_ns = -5;
    rec.built = 10;
    rec.used = 11;
    rec.bin_size = 12;
    strcpy(rec.source, "/odd/na%me\nwith newline.rs");
    strcpy(rec.opts, "profile=debug");
    CHECK_INT(entry_record_store(path, &rec), 0);
    CHECK_INT(entry_record_load(path, &back), 0);
    CHECK_STR(back.key, rec.key);
    CHECK_STR(back.source, rec.source);
    CHECK_STR(back.opts, rec.opts);
    CHECK_STR(back.registry, "");
    CHECK_INT(back.mtime_ns, rec.mtime_ns);
    CHECK_INT(back.ctime_ns, -5);
    CHECK_INT(back.bin_size, 12);
    unlink(path);
    rmdir(dir);
    CHECK_INT(entry_record_load(path, &back), -1);
}

static void test_record_rejects(void)
{
    struct entry_record rec;
    const char *good = "cthag-entry 1\nkey 0123456789abcdef0123456789abcdef\nsize 5\n";
    CHECK_INT(entry_record_parse(good, strlen(good), &rec), 0);
    CHECK_INT(rec.size, 5);
    /* Torn (no final newline), wrong magic, short key, bad number, bad escape. */
    CHECK_INT(entry_record_parse(good, strlen(good) - 1, &rec), -1);
    const char *bad[] = {
        "cthag-entry 2\nkey 0123456789abcdef0123456789abcdef\n",
        "cthag-entry 1\nkey 0123\n",
        "cthag-entry 1\nkey 0123456789abcdef0123456789abcdef\nsize x5\n",
        "cthag-entry 1\nkey 0123456789abcdef0123456789abcdef\nsource a%G1\n",
        "cthag-entry 1\nkey 0123456789abcdef0123456789abcdef\nsource a%00\n",
        "cthag-entry 1\nsize 5\n",
        "cthag-entry 1\nnospace\n",
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        CHECK_INT(entry_record_parse(bad[i], strlen(bad[i]), &rec), -1);
}

int main(void)
{
    test_stems();
    test_entry_names();
    test_record_roundtrip();
    test_record_rejects();
    return unit_finish("test_cache");
}
