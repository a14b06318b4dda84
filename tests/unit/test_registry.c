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
    return unit_finish("test_registry");
}
