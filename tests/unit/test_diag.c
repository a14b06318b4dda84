#include "diag.h"
#include "unit.h"

/* A snippet whose statement moves below the items: generated line numbers differ. */
static const char snippet[] = "let a = 1;\nfn f() {}\nlet b: i32 = \"x\";\n";

static void check_rewrite(const char *rendered, const char *expected)
{
    struct wrapped code;
    wrap_snippet(snippet, sizeof(snippet) - 1, 0, &code);
    struct diag_map map = {"gen.rs", "dir/script.rs", &code};
    struct strbuf out = STRBUF_INIT;
    diag_rewrite(&map, rendered, &out);
    CHECK_STR(out.buf, expected);
    strbuf_release(&out);
    wrap_release(&code);
}

int main(void)
{
    /* Generated: 1 fn f, 2-3 main's opening, 4 let a (script 1), 5 let b (script 3). */
    check_rewrite(" --> gen.rs:5:14\n  |\n5 | let b: i32 = \"x\";\n",
                  " --> dir/script.rs:3:14\n  |\n3 | let b: i32 = \"x\";\n");
    /* Wider and narrower numbers keep the bar where it was. */
    check_rewrite("  --> gen.rs:1:1\n   |\n 1 | fn f() {}\n",
                  "  --> dir/script.rs:2:1\n   |\n 2 | fn f() {}\n");
    /* cthag's own lines count as the nearest script line (the following one when as near). */
    check_rewrite(" --> gen.rs:2:1\n", " --> dir/script.rs:2:1\n");
    check_rewrite(" --> gen.rs:6:1\n", " --> dir/script.rs:3:1\n");
    /* 10 -> 3: the bar keeps its column. */
    check_rewrite(" --> gen.rs:5:1\n10 | x\n 5 | y\n", " --> dir/script.rs:3:1\n3  | x\n 3 | y\n");
    /* Other files are left alone, and so are their gutters. */
    check_rewrite("  ::: /rustc/x/lib.rs:10:5\n10 | pub fn x()\n",
                  "  ::: /rustc/x/lib.rs:10:5\n10 | pub fn x()\n");
    check_rewrite(" --> other.rs:5:1\n5 | x\n", " --> other.rs:5:1\n5 | x\n");
    /* ANSI colours around the numbers survive. */
    check_rewrite("\033[1m--> \033[0mgen.rs:5:14\n\033[1m5\033[0m \033[1m|\033[0m let b\n",
                  "\033[1m--> \033[0mdir/script.rs:3:14\n\033[1m3\033[0m \033[1m|\033[0m let b\n");
    /* Text without positions passes through; no trailing newline is added. */
    check_rewrite("error[E0308]: mismatched types", "error[E0308]: mismatched types");
    return unit_finish("test_diag");
}
