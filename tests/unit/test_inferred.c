#include "cargo/inferred.h"
#include "cargo/registry.h"
#include "unit.h"
#include "util/die.h"
#include "util/fs.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/cthag-test-inferred-XXXXXX";
static struct strbuf registry_dir = STRBUF_INIT, project = STRBUF_INIT, script = STRBUF_INIT;

static void put(const char *rel, const char *text)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", dir, rel);
    char *slash = strrchr(path.buf, '/');
    *slash = '\0';
    CHECK_INT(fs_mkdir_parents(path.buf, 0700), 0);
    *slash = '/';
    CHECK_INT(fs_write_atomic(path.buf, text, strlen(text), 0600), 0);
    strbuf_release(&path);
}

/* The crates the manifest adds itself (as thag's local proc-macro crates). */
static int is_local(void *ctx, const char *crate)
{
    (void)ctx;
    return !strcmp(crate, "thag_demo_proc_macros");
}

/* inferred_choose on code, its stderr in err; "name range" of each crate in got. */
static int choose(const char *code, int update, struct strbuf *got, struct strbuf *err,
                  struct inferred_list *list)
{
    struct registry r = {registry_dir.buf, NULL, NULL, 1};
    struct inferred_context c = {"x.rs", script.buf, project.buf, &r, update, is_local, NULL};
    struct crate_uses uses = CRATE_USES_INIT;
    struct strbuf path = STRBUF_INIT;
    infer_uses(code, strlen(code), &uses);
    strbuf_addf(&path, "%s/stderr", dir);
    fflush(stderr);
    int saved = dup(STDERR_FILENO), fd = open(path.buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDERR_FILENO);
    close(fd);
    int result = inferred_choose(&c, &uses, list);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    strbuf_reset(err);
    fs_read_file(path.buf, err);
    strbuf_reset(got);
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].local)
            strbuf_addf(got, "%s%s (local)", i ? ", " : "", list->items[i].code_name);
        else
            strbuf_addf(got, "%s%s %s%s", i ? ", " : "", list->items[i].name,
                        list->items[i].range, list->items[i].kept ? " (kept)" : "");
    crate_uses_release(&uses);
    strbuf_release(&path);
    return result;
}

static void test_newest_ranges_kept(void)
{
    struct strbuf got = STRBUF_INIT, err = STRBUF_INIT;
    struct inferred_list list = INFERRED_LIST_INIT;
    const char *code = "use foo_bar::id;\nfn main() { evolving::f(); tinydep::g(); }\n";
    CHECK_INT(choose(code, 0, &got, &err, &list), 0);
    CHECK_STR(got.buf, "foo-bar 1, evolving 0.10, tinydep 0.0.3");
    CHECK_STR(list.items[1].newest, "0.10.4");
    CHECK_STR(list.items[1].use, "evolving::f");
    CHECK_INT(list.items[1].line, 2);
    CHECK_STR(err.buf, "");

    /* A build keeps them: the next look-up is not a look-up, whatever the registry has now. */
    verbosity = -1;
    inferred_commit("x.rs", project.buf, registry_dir.buf, &list);
    verbosity = 0;
    inferred_list_release(&list);
    put("registry/evolving-0.11.0/Cargo.toml", "");
    CHECK_INT(choose(code, 0, &got, &err, &list), 0);
    CHECK_STR(got.buf, "foo-bar 1 (kept), evolving 0.10 (kept), tinydep 0.0.3 (kept)");
    inferred_list_release(&list);
    /* --update asks again. */
    CHECK_INT(choose(code, 1, &got, &err, &list), 0);
    CHECK_STR(got.buf, "foo-bar 1, evolving 0.11, tinydep 0.0.3");
    inferred_list_release(&list);
    /* Ranges chosen against another registry are not kept. */
    strbuf_addstr(&registry_dir, "/");
    CHECK_INT(choose(code, 0, &got, &err, &list), 0);
    CHECK_STR(got.buf, "foo-bar 1, evolving 0.11, tinydep 0.0.3");
    strbuf_setlen(&registry_dir, registry_dir.len - 1);
    inferred_list_release(&list);
    strbuf_release(&got);
    strbuf_release(&err);
}

static void test_stops_before_cargo(void)
{
    struct strbuf got = STRBUF_INIT, err = STRBUF_INIT;
    struct inferred_list list = INFERRED_LIST_INIT;
    /* A forgotten `mod helpers;`: helpers.rs beside the script defines g. */
    put("scripts/helpers.rs", "pub fn g() -> u32 { 1 }\n");
    put("scripts/sub/mod.rs", "pub struct S;\n");
    CHECK_INT(choose("fn main() {\n    helpers::g();\n}\n", 0, &got, &err, &list), -1);
    CHECK_STR(err.buf, "cthag: x.rs:2: helpers is a file beside the script: add mod helpers;\n");
    inferred_list_release(&list);
    CHECK_INT(choose("use sub::S;\n", 0, &got, &err, &list), -1);
    CHECK_STR(err.buf, "cthag: x.rs:1: sub is a module directory beside the script (sub/mod.rs): "
                       "add mod sub;\n");
    inferred_list_release(&list);
    /* A script beside it named like a crate is no module: tinydep.rs has fn main only. */
    put("scripts/tinydep.rs", "fn main() { tinydep::g(); }\n");
    CHECK_INT(choose("fn main() { tinydep::g(); }\n", 0, &got, &err, &list), 0);
    CHECK_STR(got.buf, "tinydep 0.0.3 (kept)");
    inferred_list_release(&list);
    /* A name the registry does not have, with the nearest it has. */
    CHECK_INT(choose("use serd::Serialize;\nfn main() { tinydep::g(); }\n", 0, &got, &err, &list),
              -1);
    struct strbuf want = STRBUF_INIT;
    strbuf_addf(&want, "cthag: x.rs:1: no crate serd in %s (inferred from use serd::Serialize); "
                       "did you mean serde?\n", registry_dir.buf);
    CHECK_STR(err.buf, want.buf);
    inferred_list_release(&list);
    /* A crate the manifest adds itself is not the registry's to know. */
    CHECK_INT(choose("use thag_demo_proc_macros::answer;\n", 0, &got, &err, &list), 0);
    CHECK_STR(got.buf, "thag_demo_proc_macros (local)");
    CHECK_STR(err.buf, "");
    inferred_list_release(&list);
    CHECK_INT(choose("fn main() { zzzzzzzzz::q(); }\n", 0, &got, &err, &list), -1);
    CHECK_CONTAINS(err.buf, "no crate zzzzzzzzz in");
    CHECK(!strstr(err.buf, "did you mean"));
    inferred_list_release(&list);
    strbuf_release(&want);
    strbuf_release(&got);
    strbuf_release(&err);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    strbuf_addf(&registry_dir, "%s/registry", dir);
    strbuf_addf(&project, "%s/project", dir);
    strbuf_addf(&script, "%s/scripts/x.rs", dir);
    put("registry/foo-bar-1.0.0/Cargo.toml", "");
    put("registry/evolving-0.9.2/Cargo.toml", "");
    put("registry/evolving-0.10.4/Cargo.toml", "");
    put("registry/tinydep-0.0.3/Cargo.toml", "");
    put("registry/serde-1.0.0/Cargo.toml", "");
    put("project/Cargo.toml", "");
    put("scripts/x.rs", "");
    test_newest_ranges_kept();
    test_stops_before_cargo();
    fs_remove_tree(dir);
    strbuf_release(&registry_dir);
    strbuf_release(&project);
    strbuf_release(&script);
    return unit_finish("test_inferred");
}
