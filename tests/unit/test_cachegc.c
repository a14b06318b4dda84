/* cachescan.c and cachegc.c on a synthetic cache: attribution of every file, what removing an
 * owner frees (hard links), the dependency graph, and the keep set of the trim. */
#include "cache/cache.h"
#include "cache/gc.h"
#include "cache/scan.h"
#include "util/die.h"
#include "util/fs.h"
#include "unit.h"

#include <stdlib.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[] = "/tmp/cthag-test-gc-XXXXXX";

static void put(const char *rel, const char *text)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", root, rel);
    char *slash = strrchr(path.buf, '/');
    *slash = '\0';
    fs_mkdir_parents(path.buf, 0700);
    *slash = '/';
    CHECK(!fs_write_atomic(path.buf, text, strlen(text), 0600));
    strbuf_release(&path);
}

static void link_to(const char *from, const char *to)
{
    char a[512], b[512];
    snprintf(a, sizeof(a), "%s/%s", root, from);
    snprintf(b, sizeof(b), "%s/%s", root, to);
    CHECK(!link(a, b));
}

static int exists(const char *rel)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    return !lstat(path, &st);
}

static void put_record(const char *name, const char *source, long long used)
{
    struct entry_record rec;
    char path[512];
    memset(&rec, 0, sizeof(rec));
    memcpy(rec.key, "0123456789abcdef0123456789abcdef", 33);
    rec.used = used;
    snprintf(rec.source, sizeof(rec.source), "%s", source);
    snprintf(path, sizeof(path), "%s/projects/%s/entry", root, name);
    CHECK(!entry_record_store(path, &rec, 0));
    entry_record_release(&rec);
}

/* An entry NAME (package P) built against the dependency unit dep-1111111111111111, whose
 * fingerprint is 01acd23cc5ace3b9 (13394739679858961409 as the .json spells it). */
static void put_entry(const char *name, const char *package, const char *hash, const char *source,
                      long long used)
{
    char rel[512], text[512];
    snprintf(rel, sizeof(rel), "projects/%s/Cargo.toml", name);
    put(rel, "[package]\n");
    put_record(name, source, used);
    snprintf(rel, sizeof(rel), "target/debug/%s", package);
    put(rel, "ELF");
    char deps[512], bins[512];
    snprintf(deps, sizeof(deps), "target/debug/deps/%s-%s", package, hash);
    snprintf(bins, sizeof(bins), "bins/%s", name);
    snprintf(text, sizeof(text), "%s/bins", root);
    fs_mkdir_parents(text, 0700);
    link_to(rel, deps);
    link_to(rel, bins);
    snprintf(rel, sizeof(rel), "target/debug/.fingerprint/%s-%s/bin-%s", package, hash, package);
    put(rel, "aaaaaaaaaaaaaaaa");
    strcat(rel, ".json");
    snprintf(text, sizeof(text), "{\"rustc\":1,\"deps\":[[1,\"dep\",false,13394739679858961409]]}");
    put(rel, text);
}

static void make_cache(void)
{
    CHECK(mkdtemp(root) != NULL);
    put("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"
                        "# This file is a cache directory tag created by cthag (a Rust script "
                        "runner).\n");
    put("target/debug/.fingerprint/dep-1111111111111111/lib-dep", "01acd23cc5ace3b9\n");
    put("target/debug/.fingerprint/dep-1111111111111111/lib-dep.json", "{\"deps\":[]}");
    put("target/debug/deps/libdep-1111111111111111.rlib", "rlib");
    put("target/debug/deps/dep-1111111111111111.d", "d");
    put("target/debug/.cargo-lock", "");
    put("locks/a-00000000000000aa", "");
    put_entry("a-00000000000000aa", "a_00000000000000aa", "2222222222222222", "/nowhere/a.rs", 100);
    put_entry("b-00000000000000bb", "b_00000000000000bb", "3333333333333333",
              "content:0123", 200);
    put("bins/orphan-00000000000000cc", "x");
}

static const struct scan_entry *find(const struct cache_scan *s, const char *name)
{
    for (size_t i = 0; i < s->nentries; i++)
        if (!strcmp(s->entries[i].name, name))
            return &s->entries[i];
    return NULL;
}

static void test_scan(void)
{
    struct cache_scan s;
    CHECK(!cache_scan(root, &s));
    CHECK_INT(s.nentries, 3);
    const struct scan_entry *a = find(&s, "a-00000000000000aa");
    const struct scan_entry *b = find(&s, "b-00000000000000bb");
    const struct scan_entry *c = find(&s, "orphan-00000000000000cc");
    CHECK(a && b && c);
    if (!a || !b || !c)
        return;
    CHECK_INT(a->kind, SCAN_SCRIPT);
    CHECK_INT(a->script_exists, 0);
    CHECK_INT(a->used, 100);
    CHECK_INT(b->kind, SCAN_CONTENT);
    CHECK_INT(b->script_exists, -1);
    CHECK_INT(c->kind, SCAN_INCOMPLETE);
    /* projects/, bins/, target/<package>, deps/, .fingerprint/ */
    CHECK_INT(a->own.paths.count, 5);
    CHECK(strlist_contains(&a->own.paths, "target/debug/deps/a_00000000000000aa-2222222222222222"));
    CHECK(strlist_contains(&a->own.paths, "bins/a-00000000000000aa"));
    /* The executable's three links are all the entry's: removing it frees the file. */
    CHECK(a->own.bytes > 0);
    CHECK_INT(a->nunits, 1);
    CHECK_INT(s.profiles.count, 1);
    /* The dependency unit: its rlib, .d and fingerprint directory. */
    size_t dep = s.nunits;
    for (size_t u = 0; u < s.nunits; u++)
        if (s.units[u].dir && !strcmp(s.units[u].dir, "dep-1111111111111111"))
            dep = u;
    CHECK(dep < s.nunits);
    if (dep == s.nunits)
        return;
    CHECK_INT(s.units[dep].entry, -1);
    CHECK_INT(s.units[dep].own.paths.count, 3);
    CHECK(s.units[dep].own.bytes > 0);
    CHECK_INT(s.parts[SCAN_BINS].files, 3);
    CHECK(s.total >= s.parts[SCAN_TARGET].bytes);

    int locked[1] = {1};
    CHECK(!cache_scan_load_graph(&s, locked));
    CHECK_INT(s.units[a->units[0]].ndeps, 1);
    CHECK_INT(s.units[a->units[0]].deps[0], dep);
    size_t ia = (size_t)(a - s.entries), ib = (size_t)(b - s.entries);
    cache_scan_use(&s, ia, 1, NULL);
    cache_scan_use(&s, ib, 1, NULL);
    CHECK_INT(s.units[dep].refs, 2);
    uint64_t freed = 0;
    cache_scan_use(&s, ia, -1, &freed);
    CHECK_INT(freed, 0);
    cache_scan_use(&s, ib, -1, &freed);
    CHECK_INT(freed, s.units[dep].own.bytes);
    cache_scan_release(&s);
}

static void test_names(void)
{
    CHECK(cache_is_entry_name("fib-0123456789abcdef"));
    CHECK(!cache_is_entry_name("fib-0123456789abcdef.tmp.12"));
    CHECK(!cache_is_entry_name("fib"));
    CHECK(!cache_is_entry_name("-0123456789abcdef"));
    CHECK(!cache_is_entry_name("fib-0123456789ABCDEF"));
}

/* The trim never removes the entry being run, however old its record says it is. */
static void test_keep(void)
{
    struct gc_opts o = {1ULL << 40, 1, 0, 1, "a-00000000000000aa"};
    verbosity = -1;
    CHECK_INT(cache_gc(root, &o), 0);
    verbosity = 0;
    CHECK(exists("projects/a-00000000000000aa/entry"));
    CHECK(exists("bins/a-00000000000000aa"));
    CHECK(exists("target/debug/a_00000000000000aa"));
    CHECK(!exists("projects/b-00000000000000bb"));
    CHECK(!exists("target/debug/deps/b_00000000000000bb-3333333333333333"));
    CHECK(exists("bins/orphan-00000000000000cc")); /* used now, by its mtime */
    CHECK(exists("target/debug/deps/libdep-1111111111111111.rlib"));
}

/* Binaries named for the script (cache_bin_name): two entries of one stem, x, and one of stem y,
 * each with its executable in its project's artifact directory, hard-linked from the shared
 * target's deps/<bin>-<hash>, which only the package's fingerprint directory ties to the entry;
 * incremental/<bin>-<rustc's hash> is the entry's when one entry alone has that binary name. */
static char named_root[] = "/tmp/cthag-test-gn-XXXXXX"; /* root's length: it is copied there */
_Static_assert(sizeof(named_root) == sizeof(root), "named_root replaces root");

static void put_named(const char *name, const char *bin, const char *hash, const char *label,
                      int with_record)
{
    char rel[512], text[512], deps[512];
    char package[64];
    snprintf(package, sizeof(package), "%.*s_%s", (int)(strlen(name) - 17), name,
             name + strlen(name) - 16);
    snprintf(rel, sizeof(rel), "projects/%s/Cargo.toml", name);
    snprintf(text, sizeof(text), "[package]\nname = \"%s\"\n\n[package.metadata.cthag]\n"
                                 "source = \"%s\"\n", package, label);
    put(rel, text);
    if (with_record)
        put_record(name, label[0] == '/' ? label : "content:0123", 100);
    snprintf(rel, sizeof(rel), "projects/%s/target/debug/%s", name, bin);
    put(rel, "ELF");
    snprintf(deps, sizeof(deps), "target/debug/deps/%s-%s", bin, hash);
    link_to(rel, deps);
    snprintf(text, sizeof(text), "bins/%s", name);
    link_to(rel, text);
    strcat(deps, ".d");
    put(deps, "d");
    snprintf(rel, sizeof(rel), "target/debug/.fingerprint/%s-%s/bin-%s", package, hash, bin);
    put(rel, "aaaaaaaaaaaaaaaa");
}

static void test_binary_names(void)
{
    char saved[sizeof(root)];
    memcpy(saved, root, sizeof(root));
    CHECK(mkdtemp(named_root) != NULL);
    memcpy(root, named_root, sizeof(root));
    put("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"
                        "# This file is a cache directory tag created by cthag (a Rust script "
                        "runner).\n");
    put("bins/.keep", "");
    put("locks/.keep", "");
    put("target/debug/deps/.keep", "");
    put_named("x-00000000000000d1", "x", "4444444444444444", "/a/x.rs", 1);
    put_named("x-00000000000000d2", "x", "5555555555555555", "/b/x.rs", 1);
    put_named("y-00000000000000e1", "y", "6666666666666666", "-e 1 + 2", 1);
    put_named("build-00000000000000f1", "build_rs", "7777777777777777", "/c/build.rs", 0);
    put("target/debug/incremental/x-1abcdefghij/s-data", "i");
    put("target/debug/incremental/y-1abcdefghij/s-data", "i");
    struct cache_scan s;
    CHECK(!cache_scan(root, &s));
    const struct scan_entry *x1 = find(&s, "x-00000000000000d1"), *x2 = find(&s, "x-00000000000000d2");
    const struct scan_entry *y = find(&s, "y-00000000000000e1");
    const struct scan_entry *b = find(&s, "build-00000000000000f1");
    CHECK(x1 && x2 && y && b);
    if (x1 && x2 && y && b) {
        CHECK(strlist_contains(&x1->own.paths, "target/debug/deps/x-4444444444444444"));
        CHECK(strlist_contains(&x1->own.paths, "target/debug/deps/x-4444444444444444.d"));
        CHECK(!strlist_contains(&x1->own.paths, "target/debug/deps/x-5555555555555555"));
        CHECK(strlist_contains(&x2->own.paths, "target/debug/deps/x-5555555555555555"));
        CHECK(strlist_contains(&b->own.paths, "target/debug/deps/build_rs-7777777777777777"));
        /* incremental/x-*: two entries make binaries called x, so it is nobody's. */
        CHECK(!strlist_contains(&x1->own.paths, "target/debug/incremental/x-1abcdefghij"));
        CHECK(!strlist_contains(&x2->own.paths, "target/debug/incremental/x-1abcdefghij"));
        CHECK(strlist_contains(&y->own.paths, "target/debug/incremental/y-1abcdefghij"));
        /* The executable's links (bins/, the project's, deps/) are all the entry's. */
        CHECK(x1->own.bytes >= 4096 * 3);
        CHECK_INT(x1->nunits, 1);
        CHECK_STR(y->label ? y->label : "", "-e 1 + 2");
        CHECK_INT(b->kind, SCAN_INCOMPLETE);
        CHECK_STR(b->label ? b->label : "", "/c/build.rs");
        CHECK(x1->label == NULL); /* a script's entry with a record: its manifest is not read */
    }
    cache_scan_release(&s);
    /* Removing x1 removes its unit's files, never x2's. */
    struct gc_opts o = {1ULL << 40, 1, 0, 0, "x-00000000000000d2"};
    put_record("x-00000000000000d2", "/b/x.rs", (long long)time(NULL));
    put_record("y-00000000000000e1", "content:0123", (long long)time(NULL));
    verbosity = -1;
    CHECK_INT(cache_gc(root, &o), 0);
    verbosity = 0;
    CHECK(!exists("projects/x-00000000000000d1"));
    CHECK(!exists("target/debug/deps/x-4444444444444444"));
    CHECK(!exists("target/debug/deps/x-4444444444444444.d"));
    CHECK(!exists("target/debug/.fingerprint/x_00000000000000d1-4444444444444444"));
    CHECK(exists("target/debug/deps/x-5555555555555555"));
    CHECK(exists("projects/x-00000000000000d2/target/debug/x"));
    CHECK(exists("target/debug/incremental/x-1abcdefghij"));
    fs_remove_tree(root);
    memcpy(root, saved, sizeof(root));
}

/* An entry whose record names a URL is a URL entry: its script is neither there nor missing
 * (GC does not take it for an entry whose script was deleted). */
static void test_url_entry(void)
{
    struct cache_scan s;
    strcpy(root, "/tmp/cthag-test-gc-XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    put("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"
                        "# This file is a cache directory tag created by cthag (a Rust script "
                        "runner).\n");
    put("projects/demo-00000000000000dd/url.body", "fn main() {}\n");
    put_record("demo-00000000000000dd", "https://example.com/demo.rs", 300);
    CHECK(!cache_scan(root, &s));
    CHECK_INT(s.nentries, 1);
    const struct scan_entry *u = find(&s, "demo-00000000000000dd");
    CHECK(u != NULL);
    if (u) {
        CHECK_INT(u->kind, SCAN_URL);
        CHECK_INT(u->script_exists, -1);
        CHECK_STR(u->source, "https://example.com/demo.rs");
    }
    cache_scan_release(&s);
    fs_remove_tree(root);
}

int main(void)
{
    test_binary_names();
    make_cache();
    test_names();
    test_scan();
    test_keep();
    fs_remove_tree(root);
    test_url_entry();
    return unit_finish("test_cachegc");
}
