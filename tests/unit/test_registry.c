#include "cargo/registry.h"
#include "unit.h"
#include "util/fs.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void check_index_path(const char *name, const char *expected)
{
    struct strbuf path = STRBUF_INIT;
    registry_index_path(name, &path);
    CHECK_STR(path.buf, expected);
    strbuf_release(&path);
}

static void touch(const char *root, const char *rel)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", root, rel);
    char *slash = strrchr(path.buf, '/');
    *slash = '\0';
    CHECK_INT(fs_mkdir_parents(path.buf, 0700), 0);
    *slash = '/';
    CHECK_INT(fs_write_atomic(path.buf, "{}", 2, 0600), 0);
    strbuf_release(&path);
}

static void check_name(const struct registry *r, const char *name, const char *expected)
{
    struct strbuf out = STRBUF_INIT;
    registry_crate_name(r, name, &out);
    CHECK_STR(out.buf, expected);
    strbuf_release(&out);
}

/* crates.io: what cargo's index cache holds (no cargo is asked: offline). */
static void test_index_cache(void)
{
    char home[] = "/tmp/cthag-test-cargo-home-XXXXXX";
    CHECK(mkdtemp(home) != NULL);
    touch(home, "registry/index/index.crates.io-1949cf8c6b5b557f/.cache/nu/m-/num-bigint");
    touch(home, "registry/index/index.crates.io-1949cf8c6b5b557f/.cache/se/rd/serde_json");
    touch(home, "registry/index/github.com-1ecc6299db9ec823/.cache/wa/sm/wasm-bindgen-futures");
    touch(home, "registry/index/index.crates.io-1949cf8c6b5b557f/.cache/3/s/syn");
    struct registry r = {NULL, home, NULL, 1};
    check_name(&r, "num_bigint", "num-bigint");
    check_name(&r, "num-bigint", "num-bigint");
    check_name(&r, "serde_json", "serde_json");
    check_name(&r, "serde-json", "serde_json");
    check_name(&r, "wasm_bindgen_futures", "wasm-bindgen-futures");
    check_name(&r, "unknown_crate", "unknown_crate");
    check_name(&r, "syn", "syn");
    r.cargo_home = NULL;
    check_name(&r, "num_bigint", "num_bigint");
    fs_remove_tree(home);
}

static void test_directory_registry(void)
{
    char dir[] = "/tmp/cthag-test-dirreg-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    touch(dir, "foo-bar-1.0.0/Cargo.toml");
    touch(dir, "under_score-0.2.1/Cargo.toml");
    touch(dir, "foo-bar-extra-1.0.0/Cargo.toml");
    touch(dir, "mixed_up-name-0.1.0/Cargo.toml");
    struct registry r = {dir, NULL, NULL, 0}; /* a directory source never asks cargo */
    check_name(&r, "foo_bar", "foo-bar");
    check_name(&r, "under_score", "under_score");
    check_name(&r, "under-score", "under_score");
    check_name(&r, "foo_bar_extra", "foo-bar-extra");
    check_name(&r, "missing_crate", "missing_crate");
    check_name(&r, "mixed_up_name", "mixed_up_name"); /* cargo tries no mixed spelling either */
    fs_remove_tree(dir);
}

static const char lock[] =
    "version = 4\n\n"
    "[[package]]\nname = \"app_0123456789abcdef\"\nversion = \"0.1.0\"\n"
    "dependencies = [\n \"foo-bar\",\n \"rand 0.8.5\",\n \"serde\",\n]\n\n"
    "[[package]]\nname = \"foo-bar\"\nversion = \"1.0.0\"\n"
    "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n"
    "[[package]]\nname = \"rand\"\nversion = \"0.8.5\"\n\n"
    "[[package]]\nname = \"rand\"\nversion = \"0.9.1\"\n\n"
    "[[package]]\nname = \"other\"\nversion = \"2.0.0\"\n"
    "dependencies = [\n \"rand 0.9.1\",\n]\n\n"
    "[[package]]\nname = \"serde\"\nversion = \"1.0.219\"\n";

static void check_locked(const char *crate, const char *expected)
{
    struct strbuf version = STRBUF_INIT;
    int result = registry_locked_version(lock, strlen(lock), "app_0123456789abcdef", crate,
                                         &version);
    CHECK_INT(result, expected ? 0 : -1);
    CHECK_STR(version.buf, expected ? expected : "");
    strbuf_release(&version);
}

static void test_locked_versions(void)
{
    check_locked("foo-bar", "1.0.0");
    check_locked("rand", "0.8.5");     /* the root's own, not other's 0.9.1 */
    check_locked("serde", "1.0.219");
    check_locked("other", NULL);       /* in the lock, but not a direct dependency */
    check_locked("foo_bar", NULL);     /* locks use the registry's names */
    check_locked("missing", NULL);
    struct strbuf version = STRBUF_INIT;
    CHECK_INT(registry_locked_version("not a lock [", 12, "app", "rand", &version), -1);
    CHECK_INT(registry_locked_version(lock, strlen(lock), "nobody", "rand", &version), -1);
    CHECK_STR(version.buf, "");
    strbuf_release(&version);
}


/* A file under root with exactly these bytes. */
static void put(const char *root, const char *rel, const char *data, size_t len)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", root, rel);
    char *slash = strrchr(path.buf, '/');
    *slash = '\0';
    CHECK_INT(fs_mkdir_parents(path.buf, 0700), 0);
    *slash = '/';
    CHECK_INT(fs_write_atomic(path.buf, data, len, 0600), 0);
    strbuf_release(&path);
}

static void look_up(const struct registry *r, const char *code_name, enum registry_answer answer,
                    const char *name, const char *newest)
{
    struct registry_crate c = {code_name, STRBUF_INIT, STRBUF_INIT, REGISTRY_UNKNOWN};
    registry_lookup(r, &c, 1);
    CHECK_INT(c.answer, answer);
    CHECK_STR(c.name.buf, name);
    CHECK_STR(c.newest.buf, newest);
    strbuf_release(&c.name);
    strbuf_release(&c.newest);
}

static void test_newest_in_directory(void)
{
    char dir[] = "/tmp/cthag-test-newest-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    const char *entries[] = {"evolving-1.0.0", "evolving-1.0.10", "evolving-1.0.9",
                             "evolving-2.0.0-rc.1", "evolving-extra-9.0.0", "foo-bar-0.3.1",
                             "pre-0.1.0-alpha.1", "pre-0.1.0-alpha.2", NULL};
    for (const char *const *e = entries; *e; e++) {
        struct strbuf rel = STRBUF_INIT;
        strbuf_addf(&rel, "%s/Cargo.toml", *e);
        put(dir, rel.buf, "", 0);
        strbuf_release(&rel);
    }
    struct registry r = {dir, NULL, NULL, 0};
    look_up(&r, "evolving", REGISTRY_FOUND, "evolving", "1.0.10"); /* no rc over a release */
    look_up(&r, "foo_bar", REGISTRY_FOUND, "foo-bar", "0.3.1");
    look_up(&r, "pre", REGISTRY_FOUND, "pre", "0.1.0-alpha.2");    /* nothing else there */
    look_up(&r, "serd", REGISTRY_ABSENT, "serd", "");
    struct strlist names = STRLIST_INIT;
    registry_known_names(&r, &names);
    CHECK(strlist_contains(&names, "evolving"));
    CHECK(strlist_contains(&names, "evolving-extra"));
    CHECK(strlist_contains(&names, "foo-bar"));
    CHECK(strlist_contains(&names, "pre"));
    CHECK_INT(names.count, 4);
    strlist_release(&names);
    fs_remove_tree(dir);
}

/* cargo's index cache file (format 3): version byte, u32 index format, the file's own version
 * and a NUL, then each release's version, NUL, JSON line, NUL. */
static void put_index(const char *home, const char *name, const char *const *lines)
{
    struct strbuf data = STRBUF_INIT, rel = STRBUF_INIT, path = STRBUF_INIT;
    strbuf_add(&data, "\x03\x02\x00\x00\x00" "etag-1", 11);
    strbuf_addch(&data, '\0');
    for (; *lines; lines += 2) {
        strbuf_add(&data, lines[0], strlen(lines[0]) + 1);
        strbuf_add(&data, lines[1], strlen(lines[1]) + 1);
    }
    registry_index_path(name, &rel);
    strbuf_addf(&path, "registry/index/index.crates.io-1949cf8c6b5b557f/.cache/%s", rel.buf);
    put(home, path.buf, data.buf, data.len);
    strbuf_release(&data);
    strbuf_release(&rel);
    strbuf_release(&path);
}

static void test_index_cache_releases(void)
{
    char home[] = "/tmp/cthag-test-index-XXXXXX";
    CHECK(mkdtemp(home) != NULL);
    const char *rand[] = {
        "0.8.5", "{\"name\":\"rand\",\"vers\":\"0.8.5\",\"deps\":[{\"name\":\"libc\",\"req\":\"^0.2.22\","
                 "\"features\":[],\"optional\":true,\"default_features\":false,\"target\":\"cfg(unix)\","
                 "\"kind\":\"normal\"},{\"name\":\"core\",\"package\":\"rand_core\",\"req\":\"^0.6.0\","
                 "\"features\":[\"std\"],\"optional\":false,\"default_features\":true,\"target\":null,"
                 "\"kind\":\"normal\"},{\"name\":\"bincode\",\"req\":\"^1.2.1\",\"features\":[],"
                 "\"optional\":false,\"default_features\":true,\"target\":null,\"kind\":\"dev\"}],"
                 "\"cksum\":\"abc\",\"features\":{\"std\":[\"rand_core/std\"]},"
                 "\"features2\":{\"log\":[\"dep:log\"]},\"yanked\":false}",
        "0.10.4", "{\"name\":\"rand\",\"vers\":\"0.10.4\",\"deps\":[],\"cksum\":\"def\",\"features\":{},\"yanked\":false}",
        "0.10.5", "{\"name\":\"rand\",\"vers\":\"0.10.5\",\"deps\":[],\"cksum\":\"ghi\",\"features\":{},\"yanked\":true}",
        "0.11.0-pre.1", "{\"name\":\"rand\",\"vers\":\"0.11.0-pre.1\",\"deps\":[],\"cksum\":\"x\",\"features\":{},\"yanked\":false}",
        NULL};
    put_index(home, "rand", rand);
    const char *uw[] = {"0.2.0", "{\"name\":\"unicode-width\",\"vers\":\"0.2.0\",\"deps\":[],\"cksum\":\"u\",\"features\":{}}",
                        NULL};
    put_index(home, "unicode-width", uw);
    struct registry r = {NULL, home, NULL, 1}; /* offline: the cache as it is */
    look_up(&r, "rand", REGISTRY_FOUND, "rand", "0.10.4"); /* 0.10.5 yanked, 0.11 a pre-release */
    look_up(&r, "unicode_width", REGISTRY_FOUND, "unicode-width", "0.2.0");
    look_up(&r, "serd", REGISTRY_UNKNOWN, "serd", ""); /* not asked: cannot say it is absent */

    struct registry_release rel;
    CHECK_INT(registry_release_read(&r, "rand", "0.8.5", &rel), 0);
    CHECK_STR(rel.checksum, "abc");
    CHECK_INT(rel.yanked, 0);
    CHECK_INT(rel.ndeps, 3);
    CHECK_STR(rel.deps[0].package, "libc");
    CHECK_STR(rel.deps[0].req, "^0.2.22");
    CHECK_INT(rel.deps[0].optional, 1);
    CHECK_INT(rel.deps[0].features.count, 0); /* no default features */
    CHECK_STR(rel.deps[1].package, "rand_core"); /* renamed core */
    CHECK(strlist_contains(&rel.deps[1].features, "std"));
    CHECK(strlist_contains(&rel.deps[1].features, "default"));
    CHECK_INT(rel.deps[2].kind, REGISTRY_DEP_DEV);
    CHECK(strlist_contains(&rel.features, "std"));
    CHECK(strlist_contains(&rel.features, "log"));  /* features2 */
    CHECK(strlist_contains(&rel.features, "libc")); /* an optional dependency */
    registry_release_free(&rel);
    CHECK_INT(registry_release_read(&r, "rand", "0.10.5", &rel), 0);
    CHECK_INT(rel.yanked, 1);
    registry_release_free(&rel);
    CHECK_INT(registry_release_read(&r, "rand", "0.9.0", &rel), -1);
    CHECK_INT(registry_release_read(&r, "nothing", "1.0.0", &rel), -1);

    struct strlist names = STRLIST_INIT;
    registry_known_names(&r, &names);
    CHECK(strlist_contains(&names, "rand"));
    CHECK(strlist_contains(&names, "unicode-width"));
    strlist_release(&names);

    /* Not a cache file cargo writes: nothing comes of it, and nothing breaks. */
    put(home, "registry/index/index.crates.io-1949cf8c6b5b557f/.cache/3/b/bad", "\x03\x02", 2);
    look_up(&r, "bad", REGISTRY_UNKNOWN, "bad", "");
    fs_remove_tree(home);
}

static void test_directory_releases(void)
{
    char dir[] = "/tmp/cthag-test-dirrel-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    const char *toml = "[package]\nname = \"tui\"\nversion = \"0.29.0\"\n"
                       "[dependencies]\nunicode-width = \"=0.2.0\"\n"
                       "[dependencies.cross]\npackage = \"crossterm\"\nversion = \"0.28\"\n"
                       "optional = true\ndefault-features = false\nfeatures = [\"events\"]\n"
                       "[target.'cfg(windows)'.dependencies]\nwinapi = \"0.3\"\n"
                       "[build-dependencies]\ncc = \"1\"\n"
                       "[features]\ndefault = [\"cross\"]\nextra = []\n";
    put(dir, "tui-0.29.0/Cargo.toml", toml, strlen(toml));
    put(dir, "tui-0.29.0/.cargo-checksum.json", "{\"files\":{},\"package\":\"sum\"}", 28);
    struct registry r = {dir, NULL, NULL, 0};
    struct registry_release rel;
    CHECK_INT(registry_release_read(&r, "tui", "0.29.0", &rel), 0);
    CHECK_STR(rel.checksum, "sum");
    CHECK_INT(rel.ndeps, 4);
    CHECK_STR(rel.deps[0].req, "=0.2.0");
    CHECK_STR(rel.deps[1].package, "crossterm");
    CHECK_INT(rel.deps[1].optional, 1);
    CHECK(!strlist_contains(&rel.deps[1].features, "default"));
    CHECK(strlist_contains(&rel.deps[1].features, "events"));
    CHECK_STR(rel.deps[2].package, "cc");
    CHECK_INT(rel.deps[2].kind, REGISTRY_DEP_BUILD);
    CHECK_STR(rel.deps[3].package, "winapi");
    CHECK(strlist_contains(&rel.features, "cross"));
    CHECK(strlist_contains(&rel.features, "extra"));
    registry_release_free(&rel);
    CHECK_INT(registry_release_read(&r, "tui", "0.28.0", &rel), -1);

    const char *manifest = "[package]\nname = \"s\"\n[dependencies]\nfeat = \"0.1\"\n"
                           "local = { path = \"/x\" }\n[features]\nmine = [\"feat?/extra\"]\n";
    CHECK_INT(registry_release_from_manifest(manifest, &rel), 0);
    CHECK_INT(rel.ndeps, 2);
    CHECK(strlist_contains(&rel.deps[0].features, "extra"));
    CHECK_INT(rel.deps[0].local, 0);
    CHECK_INT(rel.deps[1].local, 1);
    CHECK_STR(rel.deps[1].req, "*");
    registry_release_free(&rel);
    CHECK_INT(registry_release_from_manifest("[x", &rel), -1);
    fs_remove_tree(dir);
}

int main(void)
{
    check_index_path("a", "1/a");
    check_index_path("ab", "2/ab");
    check_index_path("abc", "3/a/abc");
    check_index_path("num-bigint", "nu/m-/num-bigint");
    check_index_path("Inflector", "in/fl/inflector");
    test_index_cache();
    test_directory_registry();
    test_locked_versions();
    test_newest_in_directory();
    test_index_cache_releases();
    test_directory_releases();
    return unit_finish("test_registry");
}
