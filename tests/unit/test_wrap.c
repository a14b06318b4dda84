#include "script/wrap.h"
#include "unit.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct wrap_options plain = {0, NULL};

/* Line n (from 1) of text, without its newline. */
static void text_line(const char *text, int n, struct strbuf *out)
{
    for (int l = 1; l < n && text; l++) {
        text = strchr(text, '\n');
        text = text ? text + 1 : NULL;
    }
    strbuf_reset(out);
    if (text)
        strbuf_add(out, text, strcspn(text, "\n"));
}

static int count_lines(const char *text)
{
    int n = *text != '\0';
    for (; *text; text++)
        n += *text == '\n' && text[1];
    return n;
}

/* The guarantee: every line of the part is on the generated line of the same number (for the
 * main part of a snippet or program), and leaving cthag's text out gives the line back. */
static void check_lines_kept(const struct wrapped *w, enum wrap_part part, const char *text,
                             int same_numbers)
{
    struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
    for (int l = 1; l <= count_lines(text); l++) {
        text_line(text, l, &want);
        strbuf_reset(&got);
        CHECK_INT(wrap_part_line(w, part, l, &got), 0);
        CHECK_STR(got.buf, want.buf);
        if (same_numbers)
            CHECK_INT(wrap_script_line(w, l), l);
    }
    strbuf_release(&want);
    strbuf_release(&got);
}

/* The generated code up to the end of main (the prelude and helpers follow). */
static void check_main(const char *snippet, const char *expected)
{
    struct wrapped w;
    wrap_snippet(snippet, strlen(snippet), &plain, &w);
    const char *end = strstr(w.code.buf, "\n}\n");
    CHECK(end != NULL);
    if (end) {
        struct strbuf got = STRBUF_INIT;
        strbuf_add(&got, w.code.buf, (size_t)(end - w.code.buf) + 3);
        CHECK_STR(got.buf, expected);
        strbuf_release(&got);
    }
    check_lines_kept(&w, WRAP_PART_MAIN, snippet, 1);
    wrap_release(&w);
}

static void test_snippet_lines(void)
{
    /* -e one-liner: main opens on line 1, the value is printed, the rest follows. */
    check_main("1 + 1", "fn main()->__CthagResult{__cthag_show(&(1 + 1\n));\nOk(())\n}\n");
    /* A shebang's (blanked) line takes the opening: the code's lines stay untouched. */
    check_main("\nlet x = 2;\nx * 21",
               "fn main()->__CthagResult{\nlet x = 2;__cthag_show(&\n(x * 21\n));\nOk(())\n}\n");
    /* Two statements on a line; a final Ok(..) is main's result. */
    check_main("let a = 1; println!(\"{a}\");\nOk(())",
               "fn main()->__CthagResult{let a = 1; println!(\"{a}\");\nOk(())\n}\n");
    /* No final expression: nothing printed.  Items stay where they are, inside main. */
    check_main("use std::fmt;\nfn f() {}\nstruct P;\nf();\n",
               "fn main()->__CthagResult{use std::fmt;\nfn f() {}\nstruct P;\nf();\nOk(())\n}\n");
    /* A `let` missing its `;` at the end gets one; a trailing comment is not swallowed. */
    check_main("let x = 5", "fn main()->__CthagResult{let x = 5\n;\nOk(())\n}\n");
    check_main("let v = 1;\nv // the value",
               "fn main()->__CthagResult{let v = 1;__cthag_show(&\n(v // the value\n));\nOk(())"
               "\n}\n");
    /* Inner attributes and the crate's doc comment first; an item's doc stays with it. */
    check_main("#![allow(unused)] // hi\n//! doc\n\n/// d\nfn f() {}\nf()",
               "#![allow(unused)] // hi\n//! doc\nfn main()->__CthagResult{\n/// d\nfn f() {}"
               "__cthag_show(&\n(f()\n));\nOk(())\n}\n");
    check_main("#![allow(unused)]\nlet x = 1;",
               "#![allow(unused)]fn main()->__CthagResult{\nlet x = 1;\nOk(())\n}\n");
    /* A comment line before the code: the opening goes at its start, not inside it. */
    check_main("// c\nlet x = 1;", "fn main()->__CthagResult{// c\nlet x = 1;\nOk(())\n}\n");
    /* Block-like final expressions and expressions continued after a block. */
    check_main("match 3 { _ => 1 }.to_string()",
               "fn main()->__CthagResult{__cthag_show(&(match 3 { _ => 1 }.to_string()\n));\n"
               "Ok(())\n}\n");
    check_main("for i in 0..3 { f(i); }\nwhile x {}\n",
               "fn main()->__CthagResult{for i in 0..3 { f(i); }__cthag_show(&\n(while x {}\n));"
               "\nOk(())\n}\n");
    check_main("let s = \"}; fn x\";\ns.len()",
               "fn main()->__CthagResult{let s = \"}; fn x\";__cthag_show(&\n(s.len()\n));\n"
               "Ok(())\n}\n");
    /* A value starting with ( or *: clippy is told cthag's &( is not the script's. */
    check_main("let t = 1;\n(t, 2)",
               "fn main()->__CthagResult{let t = 1;#[allow(clippy::double_parens, "
               "clippy::borrow_deref_ref)] __cthag_show(&\n((t, 2)\n));\nOk(())\n}\n");
    check_main("*r", "fn main()->__CthagResult{#[allow(clippy::double_parens, "
                     "clippy::borrow_deref_ref)] __cthag_show(&(*r\n));\nOk(())\n}\n");
    /* Nothing but comments: main after them. */
    check_main("// nothing\n", "// nothing\nfn main()->__CthagResult{\nOk(())\n}\n");
    check_main("", "fn main()->__CthagResult{\nOk(())\n}\n");
}

static void test_prelude_and_helpers(void)
{
    struct wrapped w;
    wrap_snippet("let x = 1;", 10, &plain, &w);
    CHECK_CONTAINS(w.code.buf, "}\n#[allow(unused_imports)]\nuse ::std::error::Error;\n");
    CHECK_CONTAINS(w.code.buf, "use ::std::io;\n");
    CHECK_CONTAINS(w.code.buf, "use ::std::io::prelude::*;\n");
    CHECK(strstr(w.code.buf, "fn __cthag_show") == NULL); /* nothing to print: no helper */
    wrap_release(&w);
    struct wrap_options unquote = {WRAP_UNQUOTE, NULL};
    wrap_snippet("\"x\"", 3, &unquote, &w);
    CHECK_CONTAINS(w.code.buf, "fn __cthag_show<T: ::std::fmt::Debug + ?Sized>(value: &T) {\n"
                               "    fn unescape(");
    wrap_release(&w);
    CHECK(wrap_in_prelude("io"));
    CHECK(!wrap_in_prelude("regex"));
}

/* A macro-loading extern crate must be at the crate's top level: repeated there. */
static void test_macro_use(void)
{
    struct wrapped w;
    const char *snippet = "#[macro_use] extern crate foo;\nbar!()";
    wrap_snippet(snippet, strlen(snippet), &plain, &w);
    CHECK_CONTAINS(w.code.buf, "fn main()->__CthagResult{             extern crate foo;__cthag");
    CHECK_CONTAINS(w.code.buf, "\n#[macro_use] extern crate foo;\n");
    check_lines_kept(&w, WRAP_PART_MAIN, snippet, 1);
    struct wrap_position pos;
    wrap_locate(&w, (int)w.lines, 3, &pos); /* the repeated declaration: the script's line 1 */
    CHECK_INT(pos.role, WRAP_SUPPORT);
    CHECK_INT(pos.line, 1);
    wrap_release(&w);
    /* Inside a block it is left alone (rustc's own error there). */
    snippet = "fn f() { #[macro_use] extern crate foo; }";
    wrap_snippet(snippet, strlen(snippet), &plain, &w);
    CHECK(strstr(w.code.buf, "\n#[macro_use]") == NULL);
    wrap_release(&w);
}

static void test_program(void)
{
    struct wrapped w;
    const char *program = "fn main() {\n    println!(\"x\");\n}";
    wrap_program(program, strlen(program), &plain, &w);
    CHECK_STR(w.code.buf, "fn main() {\n    println!(\"x\");\n}\n");
    CHECK_INT(w.lines, 3);
    CHECK(wrap_line_is_verbatim(&w, 2));
    check_lines_kept(&w, WRAP_PART_MAIN, program, 1);
    wrap_release(&w);
}

static void test_loop(void)
{
    struct wrapped w;
    wrap_loop("let mut n = 0", "n += 1; line.len()", "i", &plain, &w);
    CHECK_CONTAINS(w.code.buf, "fn main()->__CthagResult{let mut n = 0;let mut i: usize = 0; for "
                               "line in ");
    CHECK_CONTAINS(w.code.buf, "let i = i; __cthag_show(&({n += 1; line.len()}));}"
                               "__cthag_show(&(i\n));\nOk(())\n}\n");
    CHECK_INT(wrap_script_line(&w, 1), 1);
    check_lines_kept(&w, WRAP_PART_BEGIN, "let mut n = 0", 0);
    check_lines_kept(&w, WRAP_PART_MAIN, "n += 1; line.len()", 0);
    check_lines_kept(&w, WRAP_PART_END, "i", 0);
    /* Where columns of line 1 are in each part's terms. */
    struct wrap_position pos;
    const char *filter = strstr(w.code.buf, "n += 1");
    wrap_locate(&w, 1, (unsigned)(filter - w.code.buf) + 5, &pos);
    CHECK_INT(pos.part, WRAP_PART_MAIN);
    CHECK_INT(pos.line, 1);
    CHECK_INT(pos.col, 5);
    CHECK_INT(pos.role, WRAP_COPY);
    /* inside the loop's header: the filter's start */
    wrap_locate(&w, 1, (unsigned)(strstr(w.code.buf, "for line") - w.code.buf), &pos);
    CHECK_INT(pos.role, WRAP_START);
    CHECK_INT(pos.part, WRAP_PART_MAIN);
    CHECK_INT(pos.col, 0);
    wrap_release(&w);
    /* A part ending in a // comment: what follows starts a new line. */
    wrap_loop("", "line // all of it", "", &plain, &w);
    CHECK_CONTAINS(w.code.buf, "__cthag_show(&({line // all of it\n}));}\nOk(())\n}\n");
    check_lines_kept(&w, WRAP_PART_MAIN, "line // all of it", 0);
    wrap_release(&w);
}

/* rust-script's -l form: a filter whose final expression is a closure. */
static void test_loop_closure(void)
{
    static const char *const closures[] = {
        "move |l| println!(\"{}\", l)",
        "|l| l.len()",
        "|| 1",
        "move || 1",
        "let mut n = 0; move |l: &str| {\n    n += 1;\n    n\n}",
        "let mut n=0; move |l| {n+=1; println!(\"{:>6}: {}\",n,l.trim_end())}",
        "let a = 1; // |x| x;\n/* ; */ |l| l.len() + a // done\n",
        "#![allow(unused)]\n|l| l.len()",
    };
    static const char *const bodies[] = {
        "line.len()",
        "v.iter().map(|x| x)",
        "let f = |x| x; f(line)",
        "let f = |x: &str| x.len();",
        "\"|l| l\"",
        "line // |l| l",
        "/* |l| */ line",
        "x; /* move |l| l */",
        "moved |l| l",
        "(|l: &str| l.len())(&line)",
        "",
    };
    for (size_t k = 0; k < sizeof(closures) / sizeof(*closures); k++)
        CHECK_INT(wrap_loop_is_closure(closures[k], strlen(closures[k])), 1);
    for (size_t k = 0; k < sizeof(bodies) / sizeof(*bodies); k++)
        CHECK_INT(wrap_loop_is_closure(bodies[k], strlen(bodies[k])), 0);

    struct wrapped w;
    const char *filter = "let mut n = 0;\nmove |l| { n += 1; l.len() }";
    wrap_loop("let t = 0;", filter, "i + t", &plain, &w);
    CHECK_CONTAINS(w.code.buf, "fn main()->__CthagResult{let t = 0;#[allow(unused_braces)] let mut "
                               "__cthag_filter = __cthag_line_closure({let mut n = 0;\n");
    CHECK_CONTAINS(w.code.buf, "move |l| { n += 1; l.len() }}); let mut i: usize = 0; ");
    CHECK_CONTAINS(w.code.buf, "__cthag_show(&__cthag_filter(&__cthag_line)); }__cthag_show(&(i + t\n");
    CHECK_CONTAINS(w.code.buf, "fn __cthag_line_closure<F: FnMut(&str) -> T, T>(filter: F) -> F");
    CHECK(strstr(w.code.buf, "for line in") == NULL);
    check_lines_kept(&w, WRAP_PART_BEGIN, "let t = 0;", 0);
    check_lines_kept(&w, WRAP_PART_MAIN, filter, 0);
    check_lines_kept(&w, WRAP_PART_END, "i + t", 0);
    /* The user's second line is generated line 2, in the filter's terms. */
    struct wrap_position pos;
    wrap_locate(&w, 2, 5, &pos);
    CHECK_INT(pos.part, WRAP_PART_MAIN);
    CHECK_INT(pos.line, 2);
    CHECK_INT(pos.col, 5);
    CHECK_INT(pos.role, WRAP_COPY);
    wrap_release(&w);
    /* A body form keeps thag's loop and no closure helper. */
    wrap_loop("", "let f = |x: &str| x.len(); f(&line)", "", &plain, &w);
    CHECK_CONTAINS(w.code.buf, "for line in ");
    CHECK(strstr(w.code.buf, "__cthag_line_closure") == NULL);
    wrap_release(&w);
}

static void test_locate_spans(void)
{
    struct wrapped w;
    const char *snippet = "struct S; S";
    wrap_snippet(snippet, strlen(snippet), &plain, &w);
    /* "fn main()->__CthagResult{struct S; __cthag_show(&(S\n));": the argument &(S) spans
     * cthag's text around the script's S; cut to S, which is printed. */
    const char *arg = strstr(w.code.buf, "&(S");
    unsigned col = (unsigned)(arg - w.code.buf);
    struct wrap_span span;
    wrap_locate_span(&w, 1, col, 2, 1, &span);
    CHECK_INT(span.own, 0);
    CHECK_INT(span.cut, 1);
    CHECK_INT(span.role, WRAP_VALUE);
    CHECK_INT(span.start.line, 1);
    CHECK_INT(span.start.col, 10);
    CHECK_INT(span.end.col, 11);
    /* Only cthag's: where it stands (the end of the script for the closing lines). */
    wrap_locate_span(&w, 3, 0, 3, 6, &span);
    CHECK_INT(span.own, 1);
    CHECK_INT(span.role, WRAP_END);
    CHECK_INT(span.start.line, 1);
    CHECK_INT(span.start.col, 11);
    /* An empty span right after the script's text belongs to it. */
    wrap_locate_span(&w, 1, col + 3, 1, col + 3, &span);
    CHECK_INT(span.own, 0);
    CHECK_INT(span.start.col, 11);
    wrap_release(&w);
}

/* ---- paths ---- */

static char dir[] = "/tmp/cthag-test-wrap-XXXXXX";

static void touch(const char *relative)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, relative);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
}

static void mkdir_in(const char *relative)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, relative);
    CHECK_INT(mkdir(path, 0700), 0);
}

/* The program's first line after rewriting, with the test directory shown as D. */
static void check_path_line(const char *program, const char *expected)
{
    struct wrap_options o = {0, dir};
    struct wrapped w;
    wrap_program(program, strlen(program), &o, &w);
    struct strbuf got = STRBUF_INIT, first = STRBUF_INIT;
    text_line(w.code.buf, 1, &first);
    for (const char *p = first.buf; *p;) {
        if (!strncmp(p, dir, strlen(dir))) {
            strbuf_addch(&got, 'D');
            p += strlen(dir);
        } else {
            strbuf_addch(&got, *p++);
        }
    }
    CHECK_STR(got.buf, expected);
    check_lines_kept(&w, WRAP_PART_MAIN, program, 1);
    strbuf_release(&got);
    strbuf_release(&first);
    wrap_release(&w);
}

static void test_paths(void)
{
    CHECK(mkdtemp(dir) != NULL);
    touch("flat.rs");
    mkdir_in("nested");
    touch("nested/mod.rs");
    touch("both.rs");
    mkdir_in("both");
    touch("both/mod.rs");
    /* mod x; as rustc resolves it beside the script: x.rs, else x/mod.rs. */
    check_path_line("mod flat; fn main() {}", "#[path = \"D/flat.rs\"] mod flat; fn main() {}");
    check_path_line("pub(crate) mod nested;", "#[path = \"D/nested/mod.rs\"] pub(crate) mod nested;");
    check_path_line("#[cfg(unix)] pub mod missing;",
                    "#[cfg(unix)] #[path = \"D/missing.rs\"] pub mod missing;");
    check_path_line("mod both;", "::std::compile_error!(\"file for module `both` found at both "
                                 "\\\"D/both.rs\\\" and \\\"D/both/mod.rs\\\"\"); "
                                 "#[path = \"D/both.rs\"] mod both;");
    /* Inside inline modules: their directories; #[path] joined with the module's directory. */
    check_path_line("mod a { mod b; #[path = \"c.rs\"] mod c; }",
                    "mod a { #[path = \"D/a/b.rs\"] mod b; #[path = \"D/a/c.rs\"] mod c; }");
    check_path_line("#[path = \"p\"] mod a { mod b; }",
                    "#[path = \"p\"] mod a { #[path = \"D/p/b.rs\"] mod b; }");
    check_path_line("#[path = r\"x/y.rs\"] mod y;", "#[path = \"D/x/y.rs\"] mod y;");
    check_path_line("#[path = \"/abs/y.rs\"] mod y;", "#[path = \"/abs/y.rs\"] mod y;");
    /* In a fn body rustc wants a #[path] (relative to the module's directory). */
    check_path_line("fn f() { mod inner; #[path = \"i.rs\"] mod i; }",
                    "fn f() { mod inner; #[path = \"D/i.rs\"] mod i; }");
    /* include*! of a relative literal: the script's directory, in any module. */
    check_path_line("mod m { const T: &str = include_str!(\"data/t.txt\"); }",
                    "mod m { const T: &str = include_str!(\"D/data/t.txt\"); }");
    check_path_line("let b = std::include_bytes!(r#\"b\\\"n\"#); include!{\"x.rs\",}",
                    "let b = std::include_bytes!(\"D/b\\\\\\\"n\"); include!{\"D/x.rs\",}");
    check_path_line("include_str!(\"/etc/hosts\"); include_str!(concat!(\"a\", \"b\"))",
                    "include_str!(\"/etc/hosts\"); include_str!(concat!(\"a\", \"b\"))");
    check_path_line("include_str!(\"tab\\there\")", "include_str!(\"D/tab\\there\")");
    /* Relative paths are left alone without a directory. */
    struct wrapped w;
    wrap_program("mod flat;", 9, &plain, &w);
    CHECK_STR(w.code.buf, "mod flat;\n");
    wrap_release(&w);
    const char *files[] = {"flat.rs", "nested/mod.rs", "both.rs", "both/mod.rs", "nested", "both"};
    for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        CHECK_INT(i < 4 ? unlink(path) : rmdir(path), 0);
    }
    rmdir(dir);
}

/* The same rewriting in a snippet, where the code is inside main: the line is still kept. */
static void test_snippet_paths(void)
{
    struct wrap_options o = {0, "/s"};
    struct wrapped w;
    const char *snippet = "mod m;\nprintln!(\"{}\", include_str!(\"t.txt\"));";
    wrap_snippet(snippet, strlen(snippet), &o, &w);
    CHECK_CONTAINS(w.code.buf, "fn main()->__CthagResult{#[path = \"/s/m.rs\"] mod m;\n"
                               "println!(\"{}\", include_str!(\"/s/t.txt\"));\n");
    check_lines_kept(&w, WRAP_PART_MAIN, snippet, 1);
    /* The literal's columns map back to the script's literal. */
    struct wrap_position pos;
    wrap_locate(&w, 2, 30, &pos);
    CHECK_INT(pos.role, WRAP_REPLACED);
    CHECK_INT(pos.col, 30);
    wrap_locate(&w, 2, 29, &pos);
    CHECK_INT(pos.col, 29);
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

/* The message for a part's first unpaired delimiter, or "" when they all pair up. */
static void check_delimiters(const char *part, const char *expected)
{
    struct wrap_unbalanced u;
    struct strbuf got = STRBUF_INIT;
    if (wrap_check_delimiters(part, strlen(part), &u))
        strbuf_addf(&got, "%d: ", u.line), wrap_describe_unbalanced(&u, "the script", &got);
    CHECK_STR(got.buf, expected);
    strbuf_release(&got);
}

static void test_delimiters(void)
{
    check_delimiters("let x = 1;\nif x == 1 {\n    println!(\"one\");\n",
                     "2: unclosed `{` (the script ends before it is closed)");
    check_delimiters("let x = 1;\nif x == 1 {\n    println!(\"one\");\n}\n}\n",
                     "5: unexpected `}` (nothing open to close)");
    check_delimiters("let v = [1,\n 2,\n 3);\n", "3: `)` closes the `[` opened on line 1");
    check_delimiters("f(1]", "1: `]` closes the `(` opened on line 1");
    check_delimiters(")", "1: unexpected `)` (nothing open to close)");
    /* The innermost still open is the one named. */
    check_delimiters("fn f() {\n    if true {\n        g(\n", "3: unclosed `(` (the script ends "
                                                             "before it is closed)");
    check_delimiters("{\n  [\n  ]\n", "1: unclosed `{` (the script ends before it is closed)");
    /* The first problem is reported, not a later one. */
    check_delimiters("}\n{\n", "1: unexpected `}` (nothing open to close)");

    /* Delimiters in strings, chars, comments and raw strings are text; lifetimes are no chars. */
    check_delimiters("", "");
    check_delimiters("println!(\"{}\", \"}\");", "");
    check_delimiters("let c = '{'; let d = '\\''; let e = ']'; let b = b'(';", "");
    check_delimiters("fn f<'a>(x: &'a str) -> &'a str { x }", "");
    check_delimiters("struct S<'a> { s: &'a [u8] }\nlet s: S<'static> = S { s: b\"([{\" };", "");
    check_delimiters("let r = r#\"{\" ) \"#; let q = r\"[\"; let y = br##\"}\"#\"##;", "");
    check_delimiters("let s = \"\\\"{\\\"\"; let c = c\"(\";", "");
    check_delimiters("/* ( /* [ */ { */ let x = 1; // }\n/// doc )\n//! ]\nx", "");
    check_delimiters("macro_rules! m { ($($x:tt),*) => { [$($x),*] }; }\nm!(1, 2).len()", "");
    check_delimiters("#![allow(unused)]\n#[derive(Debug)]\nstruct P { x: [i32; 2] }", "");
    check_delimiters("let r#match = (1, 2); r#match.0", "");
    check_delimiters("let c = '\\u{7B}'; let e = 'é'; let x = (c, e);", "");
    /* A thag manifest block is a comment: its brackets are no code. */
    check_delimiters("/*[toml]\n[dependencies]\nrand = \"0.8\"\n*/\nlet x = [1];\n", "");
    /* A string or comment left open is rustc's to report (it names where it starts). */
    check_delimiters("let s = \"{;\n", "");
    check_delimiters("{ /* never closed\n", "");
}

/* -B with -e (cthag -r's context): the code before runs first in the same scope; each part's
 * lines are its own. */
static void test_snippet_after(void)
{
    struct wrap_options o = {0, NULL};
    struct wrapped w;
    struct strbuf line = STRBUF_INIT;
    wrap_snippet_after("let x = 1;\nfn f() -> i32 { 2 }", "let y = 3;\nx + f() + y", 22, &o, &w);
    CHECK_CONTAINS(w.code.buf, "let x = 1;");
    CHECK(strstr(w.code.buf, "let x = 1;") < strstr(w.code.buf, "let y = 3;"));
    CHECK_INT(wrap_part_line(&w, WRAP_PART_BEGIN, 2, &line), 0);
    CHECK_STR(line.buf, "fn f() -> i32 { 2 }");
    strbuf_reset(&line);
    CHECK_INT(wrap_part_line(&w, WRAP_PART_MAIN, 2, &line), 0);
    CHECK_STR(line.buf, "x + f() + y");
    CHECK_CONTAINS(w.code.buf, "__cthag_show(&");
    struct wrap_position pos;
    const char *y = strstr(w.code.buf, "let y");
    int gen_line = 1;
    for (const char *p = w.code.buf; p < y; p++)
        gen_line += *p == '\n';
    const char *bol = y;
    while (bol > w.code.buf && bol[-1] != '\n')
        bol--;
    wrap_locate(&w, gen_line, (unsigned)(y - bol), &pos);
    CHECK_INT(pos.part, WRAP_PART_MAIN);
    CHECK_INT(pos.line, 1);
    CHECK_INT(pos.col, 0);
    strbuf_release(&line);
    wrap_release(&w);
}

int main(void)
{
    test_snippet_after();
    test_delimiters();
    test_split();
    test_snippet_lines();
    test_prelude_and_helpers();
    test_macro_use();
    test_program();
    test_loop();
    test_loop_closure();
    test_locate_spans();
    test_paths();
    test_snippet_paths();
    return unit_finish("test_wrap");
}
