#include "wrap.h"
#include "unit.h"

#include <stdlib.h>

static const char *main_open =
    "#[allow(unreachable_code)]\n"
    "fn main() -> ::std::result::Result<(), ::std::boxed::Box<dyn ::std::error::Error>> {\n";

/* The generated code between main's opening and its end. */
static void check_main_body(const char *snippet, const char *expected_body)
{
    struct wrapped w;
    wrap_snippet(snippet, strlen(snippet), 0, &w);
    const char *open = strstr(w.code.buf, main_open);
    CHECK(open != NULL);
    if (open) {
        const char *body = open + strlen(main_open);
        const char *end = strstr(body, "\n}\n");
        CHECK(end != NULL);
        if (end) {
            char got[2048];
            snprintf(got, sizeof(got), "%.*s", (int)(end - body + 1), body);
            CHECK_STR(got, expected_body);
        }
    }
    wrap_release(&w);
}

static void test_statements_and_tail(void)
{
    check_main_body("let x = 2;\nx * 21", "let x = 2;\n(&__CthagShow(\nx * 21\n)).__cthag_show();\nOk(())\n");
    check_main_body("println!(\"hi\");\n", "println!(\"hi\");\nOk(())\n");
    check_main_body("let v = if a { 1 } else { 2 };\nOk(())",
                    "let v = if a { 1 } else { 2 };\nOk(())\n");
    check_main_body("for i in 0..3 { f(i); }\nwhile x {}\n",
                    "for i in 0..3 { f(i); }\n(&__CthagShow(\nwhile x {}\n)).__cthag_show();\nOk(())\n");
    check_main_body("match x { _ => 1 }.to_string()",
                    "(&__CthagShow(\nmatch x { _ => 1 }.to_string()\n)).__cthag_show();\nOk(())\n");
    check_main_body("m! { a }\nlet y = 1;", "m! { a }\nlet y = 1;\nOk(())\n");
    /* Two statements on one line: the second keeps its column. */
    check_main_body("let a = 1; let b = 2;", "let a = 1;\n           let b = 2;\nOk(())\n");
    check_main_body("unsafe { f() };\n'outer: loop { break 'outer; }\n",
                    "unsafe { f() };\n(&__CthagShow(\n'outer: loop { break 'outer; }\n))."
                    "__cthag_show();\nOk(())\n");
    check_main_body("let s = \"}; fn x\"; // } \ns.len()",
                    /* the comment keeps its column */
                    "let s = \"}; fn x\";\n(&__CthagShow(\n                   // } \ns.len()\n))."
                    "__cthag_show();\nOk(())\n");
    check_main_body("", "Ok(())\n");
}

static void test_items_move_up(void)
{
    const char *snippet = "#![allow(unused)]\n"
                          "use std::fmt;\n"
                          "let a = 1;\n"
                          "#[derive(Debug)]\nstruct P { x: i32 }\n"
                          "pub(crate) const K: P = P { x: 1 };\n"
                          "impl P { fn get(&self) -> i32 { self.x } }\n"
                          "async fn later() {}\n"
                          "println!(\"{}\", a);\n";
    struct wrapped w;
    wrap_snippet(snippet, strlen(snippet), 0, &w);
    CHECK_STR(w.code.buf, "#![allow(unused)]\n"
                          "use std::fmt;\n"
                          "#[derive(Debug)]\nstruct P { x: i32 }\n"
                          "pub(crate) const K: P = P { x: 1 };\n"
                          "impl P { fn get(&self) -> i32 { self.x } }\n"
                          "async fn later() {}\n"
                          "#[allow(unreachable_code)]\n"
                          "fn main() -> ::std::result::Result<(), ::std::boxed::Box<dyn "
                          "::std::error::Error>> {\n"
                          "let a = 1;\n"
                          "println!(\"{}\", a);\n"
                          "Ok(())\n}\n");
    /* Line map: generated line -> script line, 0 for cthag's own lines. */
    int expected[] = {1, 2, 4, 5, 6, 7, 8, 0, 0, 3, 9, 0, 0};
    CHECK_INT(w.lines, sizeof(expected) / sizeof(*expected));
    for (size_t i = 0; i < w.lines && i < sizeof(expected) / sizeof(*expected); i++)
        CHECK_INT(wrap_script_line(&w, (int)i + 1), expected[i]);
    CHECK_INT(wrap_script_line(&w, 0), 0);
    CHECK_INT(wrap_script_line(&w, 99), 0);
    wrap_release(&w);
}

static void test_unit_and_helpers(void)
{
    struct wrapped w;
    const char *snippet = "let x = 1;";
    wrap_snippet(snippet, strlen(snippet), 0, &w);
    CHECK(strstr(w.code.buf, "__CthagShow") == NULL); /* nothing to print: no helpers */
    wrap_release(&w);
    snippet = "1 + 1";
    wrap_snippet(snippet, strlen(snippet), 0, &w);
    CHECK_CONTAINS(w.code.buf, "impl __CthagShowExact for __CthagShow<()>");
    wrap_release(&w);
}

static void test_program(void)
{
    struct wrapped w;
    const char *program = "fn main() {\n    println!(\"x\");\n}";
    wrap_program(program, strlen(program), &w);
    CHECK_STR(w.code.buf, "fn main() {\n    println!(\"x\");\n}\n");
    CHECK_INT(w.lines, 3);
    CHECK_INT(wrap_script_line(&w, 2), 2);
    wrap_release(&w);
}

/* wrap_split: the same pieces the snippet wrapper moves, with their extents. */
static void test_split(void)
{
    const char *snippet = "#![allow(dead_code)]\n"
                          "use std::fmt;\n"
                          "// a comment\n"
                          "#[derive(Debug)]\n"
                          "struct P { x: i32 }\n"
                          "let p = P { x: 1 };\n"
                          "impl P { fn get(&self) -> i32 { self.x } }\n"
                          "macro_rules! twice { ($e:expr) => { $e * 2 } }\n"
                          "twice!(p.get())";
    struct wrap_piece *pieces;
    size_t n = wrap_split(snippet, strlen(snippet), &pieces);
    CHECK_INT(n, 6);
    static const int items[] = {1, 1, 0, 1, 1, 0};
    static const char *const ends[] = {"fmt;", "i32 }", "1 };", "x } }", "* 2 } }", "get())"};
    for (size_t i = 0; i < n && i < 6; i++) {
        CHECK_INT(pieces[i].is_item, items[i]);
        size_t len = strlen(ends[i]);
        CHECK(pieces[i].to >= len && !memcmp(snippet + pieces[i].to - len, ends[i], len));
        CHECK_INT(pieces[i].from, i ? pieces[i - 1].to : strlen("#![allow(dead_code)]\n"));
    }
    CHECK(strstr(snippet + pieces[1].from, "// a comment") == snippet + pieces[1].from + 1);
    free(pieces);
    CHECK_INT(wrap_split("", 0, &pieces), 0);
    CHECK(pieces == NULL);
}

int main(void)
{
    test_split();
    test_statements_and_tail();
    test_items_move_up();
    test_unit_and_helpers();
    test_program();
    return unit_finish("test_wrap");
}
