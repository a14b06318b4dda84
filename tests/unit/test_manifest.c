#include "cargo/manifest.h"
#include "unit.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int generate_in(const char *toml, const struct strlist *crates, const char *registry,
                       const char *script_dir, struct strbuf *out)
{
    struct manifest_input in = {
        .script_name = "t.rs",
        .toml = toml,
        .toml_len = toml ? strlen(toml) : 0,
        .toml_line = 1,
        .used_crates = crates,
        .package_name = "t_0123456789abcdef",
        .source_file = "t.rs",
        .registry_dir = registry,
        .edition = "2021",
        .script_dir = script_dir,
    };
    strbuf_reset(out);
    return manifest_generate(&in, out);
}

static int generate(const char *toml, const struct strlist *crates, const char *registry,
                    struct strbuf *out)
{
    return generate_in(toml, crates, registry, NULL, out);
}

static const char *base_package = "[package]\n"
                                  "name = \"t_0123456789abcdef\"\n"
                                  "version = \"0.1.0\"\n"
                                  "edition = \"2021\"\n"
                                  "publish = false\n"
                                  "build = false\n"
                                  "autobins = false\n"
                                  "autoexamples = false\n"
                                  "autotests = false\n"
                                  "autobenches = false\n"
                                  "\n"
                                  "[[bin]]\n"
                                  "name = \"t_0123456789abcdef\"\n"
                                  "path = \"t.rs\"\n";

static void test_plain(void)
{
    struct strbuf out = STRBUF_INIT, expected = STRBUF_INIT;
    CHECK_INT(generate(NULL, NULL, NULL, &out), 0);
    strbuf_addf(&expected,
                "%s\n[profile.dev]\ndebug = \"line-tables-only\"\nincremental = false\n\n"
                "[profile.dev.package.\"*\"]\nopt-level = 1\ncodegen-units = 1\ndebug = false\n"
                "debug-assertions = false\noverflow-checks = false\n\n[workspace]\n",
                base_package);
    CHECK_STR(out.buf, expected.buf);
    strbuf_release(&out);
    strbuf_release(&expected);
}

static void test_user_keys_and_inference(void)
{
    struct strbuf out = STRBUF_INIT;
    struct strlist crates = STRLIST_INIT;
    strlist_add(&crates, "num_bigint"); /* declared as num-bigint: not added again */
    strlist_add(&crates, "rand");
    CHECK_INT(generate("[package]\nedition = \"2018\"\nname = \"mine\"\n"
                       "[dependencies]\nnum-bigint = \"0.4\"\n[features]\nx = []\n"
                       "[profile.dev]\nopt-level = 1\n[[bin]]\nname = \"other\"\n",
                       &crates, NULL, &out),
              0);
    CHECK_CONTAINS(out.buf, "edition = \"2018\"\n");
    CHECK(strstr(out.buf, "mine") == NULL);
    CHECK(strstr(out.buf, "other") == NULL);
    CHECK_CONTAINS(out.buf, "[dependencies]\nnum-bigint = \"0.4\"\nrand = \"*\"\n");
    CHECK_CONTAINS(out.buf, "[features]\nx = []\n");
    CHECK_CONTAINS(out.buf, "[profile.dev]\nopt-level = 1\ndebug = \"line-tables-only\"\nincremental = false\n");
    /* The script's [profile.dev] opt-level is its dependencies' too. */
    CHECK_CONTAINS(out.buf, "[profile.dev.package.\"*\"]\ncodegen-units = 1\ndebug = false\n"
                            "debug-assertions = false\noverflow-checks = false\n");
    CHECK_CONTAINS(out.buf, "\n[workspace]\n");
    strlist_release(&crates);
    strbuf_release(&out);
}

static void test_errors(void)
{
    struct strbuf out = STRBUF_INIT;
    CHECK_INT(generate("dependencies = 3\n", NULL, NULL, &out), -1);
    /* A bare number is valid TOML but not a version requirement. */
    CHECK_INT(generate("[dependencies]\nrand = 0.8\n", NULL, NULL, &out), -1);
    CHECK_INT(generate("[dependencies]\nrand = true\n", NULL, NULL, &out), -1);
    CHECK_INT(generate("[dependencies\n", NULL, NULL, &out), -1);
    strbuf_release(&out);
}

static void make_dir(const char *path)
{
    CHECK_INT(mkdir(path, 0700), 0);
}

static void test_registry_names(void)
{
    char root[] = "/tmp/cthag-test-registry-XXXXXX";
    CHECK(mkdtemp(root) != NULL);
    char path[256];
    snprintf(path, sizeof(path), "%s/foo-bar-1.0.0", root);
    make_dir(path);
    snprintf(path, sizeof(path), "%s/under_score-0.2.1", root);
    make_dir(path);
    snprintf(path, sizeof(path), "%s/foo-bar-extra-1.0.0", root);
    make_dir(path);
    struct strbuf name = STRBUF_INIT;
    manifest_registry_name(root, "foo_bar", &name);
    CHECK_STR(name.buf, "foo-bar");
    manifest_registry_name(root, "under_score", &name);
    CHECK_STR(name.buf, "under_score");
    manifest_registry_name(root, "missing_crate", &name);
    CHECK_STR(name.buf, "missing_crate");
    manifest_registry_name(NULL, "foo_bar", &name);
    CHECK_STR(name.buf, "foo_bar");
    strbuf_release(&name);
    const char *subdirs[] = {"foo-bar-1.0.0", "under_score-0.2.1", "foo-bar-extra-1.0.0"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", root, subdirs[i]);
        rmdir(path);
    }
    rmdir(root);
}

static void test_uses_registry(void)
{
    CHECK_INT(manifest_uses_registry("[dependencies]\nrand = \"0.8\"\n"), 1);
    CHECK_INT(manifest_uses_registry("[dependencies]\nrand = { version = \"0.8\" }\n"), 1);
    CHECK_INT(manifest_uses_registry("[dependencies]\nmine = { path = \"../mine\" }\n"), 0);
    CHECK_INT(manifest_uses_registry("[dependencies]\nx = { git = \"https://e/x\" }\n"), 0);
    CHECK_INT(manifest_uses_registry("[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n"), 1);
    CHECK_INT(manifest_uses_registry("[package]\nname = \"x\"\n"), 0);
    CHECK_INT(manifest_uses_registry("not toml ["), 0);
}

/* Relative paths in every dependency table and [package] build resolve against the script's
 * directory; absolute ones, versions and git sources stay as they are. */
static void test_relative_paths(void)
{
    struct strbuf out = STRBUF_INIT;
    const char *toml = "[package]\nbuild = \"build.rs\"\n"
                       "[dependencies]\nmine = { path = \"../mine\" }\nrand = \"0.8\"\n"
                       "abs = { path = \"/opt/abs\" }\n"
                       "[dependencies.sub]\npath = \"sub\"\nversion = \"1\"\n"
                       "[dev-dependencies]\nt = { path = \"t\" }\n"
                       "[build-dependencies]\nb = { path = \"b\" }\n"
                       "[target.'cfg(unix)'.dependencies]\nu = { path = \"u\" }\n"
                       "[target.'cfg(unix)'.build-dependencies]\nub = { path = \"ub\" }\n"
                       "[patch.crates-io]\nrand = { path = \"vendor/rand\" }\n"
                       "[patch.'https://example.com/x']\nx = { path = \"x\" }\n"
                       "[replace]\n'old:1.0.0' = { path = \"old\" }\n"
                       "[workspace.dependencies]\nw = { path = \"w\" }\n";
    CHECK_INT(generate_in(toml, NULL, NULL, "/home/u/s", &out), 0);
    CHECK_CONTAINS(out.buf, "build = \"/home/u/s/build.rs\"\n");
    CHECK_CONTAINS(out.buf, "mine = { path = \"/home/u/s/../mine\" }\n");
    CHECK_CONTAINS(out.buf, "rand = \"0.8\"\n");
    CHECK_CONTAINS(out.buf, "abs = { path = \"/opt/abs\" }\n");
    CHECK_CONTAINS(out.buf, "path = \"/home/u/s/sub\"\n");
    const char *dirs[] = {"t", "b", "u", "ub", "vendor/rand", "x", "old", "w"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
        char want[64];
        snprintf(want, sizeof(want), "{ path = \"/home/u/s/%s\" }", dirs[i]);
        CHECK_CONTAINS(out.buf, want);
    }
    /* Without a script directory (the caller has none), paths stay as written. */
    CHECK_INT(generate(toml, NULL, NULL, &out), 0);
    CHECK_CONTAINS(out.buf, "mine = { path = \"../mine\" }\n");
    strbuf_release(&out);
}

/* A crate declared in any dependency table is never added to [dependencies] again. */
static void test_declared_anywhere(void)
{
    const char *tables[] = {"[dev-dependencies]\nproptest = \"1\"\n",
                            "[build-dependencies]\nproptest = \"1\"\n",
                            "[target.'cfg(unix)'.dependencies]\nproptest = \"1\"\n",
                            "[target.'cfg(unix)'.dev-dependencies]\nproptest = \"1\"\n",
                            ("[target.x86_64-unknown-linux-gnu.build-dependencies]\n"
                             "proptest = \"1\"\n")};
    struct strbuf out = STRBUF_INIT;
    struct strlist crates = STRLIST_INIT;
    strlist_add(&crates, "proptest");
    strlist_add(&crates, "rand");
    for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++) {
        CHECK_INT(generate(tables[i], &crates, NULL, &out), 0);
        CHECK_CONTAINS(out.buf, "[dependencies]\nrand = \"*\"\n\n");
        const char *first = strstr(out.buf, "proptest");
        CHECK(first && !strstr(first + 1, "proptest")); /* only where the script declares it */
    }
    strlist_release(&crates);
    strbuf_release(&out);
}

/* -M's text: bare keys are [dependencies]; a header with a key after it on its line is split. */
static void test_option_manifest(void)
{
    struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
    manifest_from_option("[dependencies] regex = \"1\"\nserde = \"1\"", &text);
    CHECK_STR(text.buf, "[dependencies]\nregex = \"1\"\nserde = \"1\"");
    strbuf_reset(&text);
    manifest_from_option("[dependencies] # comment\n[package]\ns = '''\n[x] y\n'''\n", &text);
    CHECK_STR(text.buf, "[dependencies] # comment\n[package]\ns = '''\n[x] y\n'''\n");
    struct manifest_input in = {
        .script_name = "<expr>",
        .toml = "regex = \"1.5\"\nitoa = { version = \"1\" }\n[features]\nx = []\n",
        .toml_line = 1,
        .package_name = "t_0123456789abcdef",
        .source_file = "t.rs",
        .edition = "2021",
        .bare_keys_are_dependencies = 1,
    };
    in.toml_len = strlen(in.toml);
    CHECK_INT(manifest_generate(&in, &out), 0);
    CHECK_CONTAINS(out.buf, "[dependencies]\nregex = \"1.5\"\nitoa = { version = \"1\" }\n");
    CHECK_CONTAINS(out.buf, "[features]\nx = []\n");
    /* Without the flag (an embedded manifest) the key stays where cargo sees it. */
    in.bare_keys_are_dependencies = 0;
    strbuf_reset(&out);
    CHECK_INT(manifest_generate(&in, &out), 0);
    CHECK(strstr(out.buf, "[dependencies]") == NULL);
    strbuf_release(&text);
    strbuf_release(&out);
}

/* --dep NAME[=VER] wins over the script's own line; a dependency table's unknown key is dropped
 * (after a warning at its line, checked by t71). */
static void test_option_deps_and_unknown_keys(void)
{
    struct strbuf out = STRBUF_INIT;
    const char *deps[] = {"regex=1.10", "itoa"};
    struct manifest_input in = {
        .script_name = "t.rs",
        .toml = "[dependencies]\nregex = \"1\"\nfeatured = { version = \"0.2\", featurs = [\"loud\"] }\n"
                "[target.'cfg(unix)'.dependencies]\nlibc = { version = \"0.2\", optinal = true }\n",
        .toml_line = 2,
        .package_name = "t_0123456789abcdef",
        .source_file = "t.rs",
        .edition = "2021",
        .deps = deps,
        .ndeps = 2,
    };
    in.toml_len = strlen(in.toml);
    CHECK_INT(manifest_generate(&in, &out), 0);
    CHECK_CONTAINS(out.buf, "[dependencies]\nregex = \"1.10\"\nfeatured = { version = \"0.2\" }\n"
                            "itoa = \"*\"\n");
    CHECK_CONTAINS(out.buf, "libc = { version = \"0.2\" }\n");
    CHECK(strstr(out.buf, "featurs") == NULL);
    CHECK(strstr(out.buf, "optinal") == NULL);
    strbuf_release(&out);
}

/* Version requirements as cargo 1.95 reads them (each checked with cargo read-manifest). */
static void test_version_requirements(void)
{
    static const char *const ok[] = {"1", "1.2", "1.2.3", "^1.2", "~1", "=1.0.0", ">=1.2, <2",
                                     "1.*", "1.2.*", "*", "0.4.0-alpha.1", "1.0.0+build",
                                     ">= 1.2", " 1 ", "x", "1.x", ">=1.2,<2", "~1.2.3-rc.1",
                                     "^0", "<1.0.0-beta", NULL};
    static const char *const bad[] = {"1.2.3.4", "", "abc", "1.2-beta", "01", "=*", "1, ",
                                      "1.0.0-", NULL};
    for (const char *const *v = ok; *v; v++)
        CHECK_STR(manifest_is_version_req(*v) ? "ok" : *v, "ok");
    for (const char *const *v = bad; *v; v++)
        CHECK_STR(manifest_is_version_req(*v) ? *v : "refused", "refused");
}

int main(void)
{
    test_version_requirements();
    test_option_manifest();
    test_option_deps_and_unknown_keys();
    test_relative_paths();
    test_declared_anywhere();
    test_uses_registry();
    test_plain();
    test_user_keys_and_inference();
    test_errors();
    test_registry_names();
    return unit_finish("test_manifest");
}
