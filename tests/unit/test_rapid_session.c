#include "rapid/session.h"
#include "unit.h"

#include <stdlib.h>

/* Prepare text, check it, commit it when it "built". */
static int enter(struct session *s, const char *text, struct entry *e)
{
    *e = (struct entry)ENTRY_INIT;
    return session_prepare(s, text, e);
}

static void test_expression(void)
{
    struct session s = SESSION_INIT;
    struct entry e;
    CHECK_INT(enter(&s, "1 + 2", &e), 0);
    CHECK_STR(e.context.buf, SESSION_ALLOW_LINE);
    CHECK_STR(e.code.buf, "1 + 2");
    CHECK_STR(e.toml.buf, "");
    CHECK_INT(e.count, 0);
    CHECK_STR(e.statements.buf, "1 + 2");
    CHECK_STR(e.replay.buf, "let _ = (1 + 2);\n");
    session_commit(&s, &e, 1);
    entry_release(&e);
    CHECK_STR(s.last.buf, "1 + 2");
    session_release(&s);
}

static void test_items_kept_and_replaced(void)
{
    struct session s = SESSION_INIT;
    struct entry e;
    CHECK_INT(enter(&s, "use std::fmt;\n#[derive(Debug)]\npub struct P { x: i32 }\n"
                        "fn double(x: i32) -> i32 { x * 2 }\nlet p = P { x: 1 };\n"
                        "impl fmt::Display for P {\n    fn fmt(&self, f: &mut fmt::Formatter) "
                        "-> fmt::Result { write!(f, \"{}\", self.x) }\n}\n"
                        "macro_rules! twice { ($e:expr) => { $e * 2 } }\ndouble(p.x)",
                    &e),
              0);
    CHECK_INT(e.count, 5);
    if (e.count == 5) {
        CHECK_STR(e.items[0].key, "use std::fmt");
        CHECK_STR(e.items[1].key, "item P");
        CHECK_STR(e.items[1].text, "#[derive(Debug)]\npub struct P { x: i32 }");
        CHECK_STR(e.items[2].key, "item double");
        CHECK_STR(e.items[3].key, "impl fmt :: Display for P");
        CHECK_STR(e.items[3].name, "P");
        CHECK_STR(e.items[4].key, "macro twice");
    }
    CHECK_STR(e.statements.buf, "let p = P { x: 1 };\ndouble(p.x)");
    session_commit(&s, &e, 1);
    entry_release(&e);
    CHECK_INT(s.count, 5);

    /* A later entry gets the items before its own code, minus the one it redefines, and the
     * statements that ran, their output discarded. */
    CHECK_INT(enter(&s, "fn double(x: i32) -> i32 { x + x }\ndouble(2)", &e), 0);
    CHECK_CONTAINS(e.context.buf, "pub struct P { x: i32 }\n");
    CHECK_CONTAINS(e.context.buf, "macro_rules! twice");
    CHECK(!strstr(e.context.buf, "x * 2 }"));
    CHECK(!strncmp(e.context.buf, SESSION_ALLOW_LINE "use std::fmt;\n", strlen(SESSION_ALLOW_LINE) + 14));
    CHECK_CONTAINS(e.context.buf, "let __cthag_saved = __cthag_rapid_quiet();\n"
                                  "let p = P { x: 1 };\nlet _ = (double(p.x));\n"
                                  "__cthag_rapid_loud(__cthag_saved);\n");
    CHECK_STR(e.code.buf, "fn double(x: i32) -> i32 { x + x }\ndouble(2)");
    session_commit(&s, &e, 1);
    entry_release(&e);
    CHECK_INT(s.count, 5);
    CHECK_STR(s.items[4].text, "fn double(x: i32) -> i32 { x + x }");

    CHECK_INT(session_forget(&s, "P"), 2); /* the struct and its impl */
    CHECK_INT(session_forget(&s, "nothing"), 0);
    CHECK_INT(session_forget(&s, "macro twice"), 1);
    CHECK_INT(session_forget(&s, NULL), 2);
    CHECK_INT(s.count, 0);
    session_release(&s);
}

static void test_other_items(void)
{
    struct session s = SESSION_INIT;
    struct entry e;
    CHECK_INT(enter(&s, "fn main() { println!(\"program\"); }\nconst N: u32 = 3;\n"
                        "static mut COUNT: u32 = 0;\npub(crate) async fn later() {}\n"
                        "unsafe impl Send for P {}\nextern crate core;\ntrait T { fn t(&self); }\n"
                        "impl<T: Clone> Wrapper<T> where T: Copy {}\nstruct P;\nstruct Wrapper<T>(T);",
                    &e),
              0);
    static const char *const keys[] = {"item N", "item COUNT", "item later",
                                       "impl Send for P", "extern crate core", "item T",
                                       "impl < T : Clone > Wrapper < T > where T : Copy",
                                       "item P", "item Wrapper"};
    CHECK_INT(e.count, 9); /* main is run, not kept */
    for (size_t i = 0; i < e.count && i < 9; i++)
        CHECK_STR(e.items[i].key, keys[i]);
    if (e.count > 6)
        CHECK_STR(e.items[6].name, "Wrapper");
    entry_release(&e);
    session_release(&s);
}

static void test_manifest_block(void)
{
    struct session s = SESSION_INIT;
    struct entry e;
    CHECK_INT(session_set_toml(&s, "[dependencies]\na = \"1\"", "-M"), 0);
    CHECK_STR(s.toml.buf, "[dependencies]\na = \"1\"\n");
    CHECK_INT(enter(&s, "/*[toml]\n[dependencies]\nb = { version = \"2\" }\n*/\nb::f()", &e), 0);
    CHECK_CONTAINS(e.toml.buf, "a = \"1\"");
    CHECK_CONTAINS(e.toml.buf, "b = { version = \"2\" }");
    /* The block is gone, its lines are not: errors keep the entry's line numbers. */
    CHECK_STR(e.code.buf, "        \n              \n                     \n  \nb::f()");
    session_commit(&s, &e, 1);
    entry_release(&e);
    CHECK_CONTAINS(s.toml.buf, "b = { version = \"2\" }");

    /* Only a [toml] block, errors naming the entry's line. */
    CHECK_INT(enter(&s, "// cargo-deps: c = \"1\"\nc::f()", &e), -1);
    entry_release(&e);
    CHECK_INT(enter(&s, "1\n/*[toml]\n[dependencies\n*/", &e), -1);
    entry_release(&e);
    CHECK_INT(session_set_toml(&s, "not toml", "toml"), -1);
    CHECK_CONTAINS(s.toml.buf, "b = { version = \"2\" }"); /* unchanged */
    CHECK_INT(session_set_toml(&s, "", "toml"), 0);
    CHECK_STR(s.toml.buf, "");
    session_release(&s);
}

static void test_script(void)
{
    struct session s = SESSION_INIT;
    struct entry e;
    struct strbuf out = STRBUF_INIT;
    CHECK_INT(session_set_toml(&s, "[dependencies]\ntinydep = \"0.1\"\n", "-M"), 0);
    CHECK_INT(enter(&s, "fn f() -> u32 { tinydep::answer() }\nlet x = f();\nx + 1", &e), 0);
    session_commit(&s, &e, 1);
    entry_release(&e);
    session_script(&s, 1, &out);
    CHECK_STR(out.buf, "/*[toml]\n[dependencies]\ntinydep = \"0.1\"\n*/\n"
                       "fn f() -> u32 { tinydep::answer() }\nlet x = f();\nx + 1\n");
    /* A later entry's :save: the earlier statements (their values unprinted), then its own. */
    CHECK_INT(enter(&s, "let y = x * 2;\ny", &e), 0);
    session_commit(&s, &e, 1);
    entry_release(&e);
    strbuf_reset(&out);
    session_script(&s, 1, &out);
    CHECK_CONTAINS(out.buf, "fn f() -> u32 { tinydep::answer() }\nlet x = f();\nlet _ = (x + 1);\n"
                            "let y = x * 2;\ny\n");
    strbuf_reset(&out);
    session_script(&s, 0, &out);
    CHECK_STR(out.buf, "/*[toml]\n[dependencies]\ntinydep = \"0.1\"\n*/\n"
                       "fn f() -> u32 { tinydep::answer() }\n");
    strbuf_release(&out);
    session_release(&s);
}

/* What runs again: only entries that ran successfully; a program replays nothing and gets the
 * items in its own code; :forget drops the statements too. */
static void test_replay(void)
{
    struct session s = SESSION_INIT;
    struct entry e;
    CHECK_INT(enter(&s, "let x = 5", &e), 0); /* a final let may leave out its `;` */
    CHECK_STR(e.replay.buf, "let x = 5;\n");
    session_commit(&s, &e, 1);
    entry_release(&e);
    CHECK_INT(enter(&s, "let y = 1 / 0; panic!()", &e), 0);
    session_commit(&s, &e, 0); /* built, failed when run: its items stay, nothing replays */
    entry_release(&e);
    CHECK_INT(enter(&s, "if x > 1 { 1 } else { 2 }", &e), 0);
    CHECK_CONTAINS(e.context.buf, "__cthag_rapid_quiet();\nlet x = 5;\n__cthag_rapid_loud(");
    CHECK(!strstr(e.context.buf, "panic"));
    CHECK_STR(e.replay.buf, "let _ = (if x > 1 { 1 } else { 2 });\n");
    entry_release(&e);
    CHECK_INT(enter(&s, "fn main() { println!(\"p\"); }\nfn helper() {}", &e), 0);
    CHECK_INT(e.is_program, 1);
    CHECK_STR(e.context.buf, "");
    CHECK(!strncmp(e.code.buf, SESSION_ALLOW_LINE, strlen(SESSION_ALLOW_LINE)));
    entry_release(&e);
    session_forget(&s, NULL);
    CHECK_INT(enter(&s, "x", &e), 0);
    CHECK_STR(e.context.buf, SESSION_ALLOW_LINE);
    entry_release(&e);
    session_release(&s);
}

int main(void)
{
    test_replay();
    test_expression();
    test_items_kept_and_replaced();
    test_other_items();
    test_manifest_block();
    test_script();
    return unit_finish("test_rapid_session");
}
