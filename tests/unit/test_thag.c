#include "cargo/thag.h"
#include "toml/toml.h"
#include "unit.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* The manifest text after thag-auto resolution (NULL-safe), and the count resolved. */
static int resolve(const char *toml, const struct thag_sources *src, struct strbuf *out)
{
    struct toml_error err;
    struct toml_value *root = toml_parse(toml, strlen(toml), 1, &err);
    CHECK(root != NULL);
    strbuf_reset(out);
    int n = thag_resolve_auto(root, "t.rs", src);
    toml_write(root, out);
    toml_free(root);
    return n;
}

static void test_registry_version(void)
{
    struct thag_sources none = {0};
    struct strbuf out = STRBUF_INIT;
    /* The version before the comma, blanks around it dropped; features and the rest kept. */
    CHECK_INT(resolve("[dependencies]\n"
                      "thag_styling = { version = \" 1.2 ,  thag-auto\", features = [\"a\"] }\n"
                      "other = { version = \"0.3, thag-auto\", default-features = false }\n"
                      "plain = { version = \"1\" }\n"
                      "comma = { version = \"1, 2\" }\n"
                      "empty = { version = \", thag-auto\" }\n",
                      &none, &out),
              2);
    CHECK_STR(out.buf, "[dependencies]\n"
                       "thag_styling = { version = \"1.2\", features = [\"a\"] }\n"
                       "other = { version = \"0.3\", default-features = false }\n"
                       "plain = { version = \"1\" }\n"
                       "comma = { version = \"1, 2\" }\n"
                       "empty = { version = \", thag-auto\" }\n");
    /* A plain string is not thag's form: left for cargo to judge. */
    CHECK_INT(resolve("[dependencies]\nthag_rs = \"1, thag-auto\"\n", &none, &out), 0);
    strbuf_release(&out);
}

static void test_git(void)
{
    struct thag_sources git = {.git_ref = "develop", .git_repo = "file:///r"};
    struct strbuf out = STRBUF_INIT;
    CHECK_INT(resolve("[target.'cfg(unix)'.dev-dependencies]\n"
                      "thag_profiler = { version = \"1, thag-auto\", features = [\"x\"] }\n"
                      "tinydep = { version = \"0.1, thag-auto\" }\n",
                      &git, &out),
              2);
    CHECK_CONTAINS(out.buf, "thag_profiler = { features = [\"x\"], git = \"file:///r\", "
                            "branch = \"develop\" }\n");
    /* Only thag's own crates come from thag's repository. */
    CHECK_CONTAINS(out.buf, "tinydep = { version = \"0.1\" }\n");
    /* A full commit hash is a rev; the default repository is thag's. */
    git = (struct thag_sources){.git_ref = "0123456789abcdef0123456789abcdef01234567"};
    resolve("[dependencies]\nthag_rs = { version = \"1, thag-auto\" }\n", &git, &out);
    CHECK_CONTAINS(out.buf, "thag_rs = { git = \"https://github.com/durbanlegend/thag_rs\", "
                            "rev = \"0123456789abcdef0123456789abcdef01234567\" }\n");
    strbuf_release(&out);
}

static void test_dev_path(void)
{
    char dir[] = "/tmp/test_thag.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct strbuf sub = STRBUF_INIT, out = STRBUF_INIT, expected = STRBUF_INIT;
    strbuf_addf(&sub, "%s/thag_common", dir);
    CHECK_INT(mkdir(sub.buf, 0700), 0);
    /* THAG_DEV_PATH wins over THAG_GIT_REF; thag_rs is the checkout itself. */
    struct thag_sources dev = {.dev_path = dir, .git_ref = "main"};
    CHECK_INT(resolve("[dependencies]\n"
                      "thag_rs = { version = \"1, thag-auto\", git = \"x\", branch = \"y\" }\n"
                      "thag_common = { version = \"1, thag-auto\" }\n",
                      &dev, &out),
              2);
    strbuf_addf(&expected, "[dependencies]\nthag_rs = { path = \"%s\" }\n"
                           "thag_common = { path = \"%s/thag_common\" }\n", dir, dir);
    CHECK_STR(out.buf, expected.buf);
    /* A crate the checkout does not have. */
    CHECK_INT(resolve("[dependencies]\nthag_styling = { version = \"1, thag-auto\" }\n", &dev,
                      &out),
              -1);
    rmdir(sub.buf);
    rmdir(dir);
    strbuf_release(&sub);
    strbuf_release(&out);
    strbuf_release(&expected);
}

static void test_proc_macros(void)
{
    char dir[] = "/tmp/test_thag.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct strbuf pm = STRBUF_INIT;
    strbuf_addf(&pm, "%s/proc_macros", dir);
    struct thag_sources none = {0};
    char *missing = NULL;
    CHECK(thag_proc_macro_dependency("serde", dir, &none, &missing) == NULL);
    CHECK(missing == NULL);
    /* Beside the script, when it is there. */
    CHECK(thag_proc_macro_dependency("thag_demo_proc_macros", dir, &none, &missing) == NULL);
    CHECK_STR(missing, pm.buf);
    free(missing);
    CHECK_INT(mkdir(pm.buf, 0700), 0);
    struct toml_value *dep = thag_proc_macro_dependency("thag_demo_proc_macros", dir, &none,
                                                        &missing);
    CHECK(dep && !strcmp(toml_get(dep, "path")->text, pm.buf));
    toml_free(dep);
    /* The config file's path (absolute here) before the default; bank's has its own key. */
    struct thag_sources configured = {.bank_proc_macros = pm.buf};
    dep = thag_proc_macro_dependency("thag_bank_proc_macros", "/nowhere", &configured, &missing);
    CHECK(dep && !strcmp(toml_get(dep, "path")->text, pm.buf));
    toml_free(dep);
    rmdir(pm.buf);
    rmdir(dir);
    strbuf_release(&pm);
}

int main(void)
{
    test_registry_version();
    test_git();
    test_dev_path();
    test_proc_macros();
    return unit_finish("test_thag");
}
