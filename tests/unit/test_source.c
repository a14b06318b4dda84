#include "script/source.h"
#include "unit.h"

#include <stdlib.h>

/* Parse text as a script named t.rs; returns source_parse's result. */
static int parse(struct script *s, const char *text)
{
    memset(s, 0, sizeof(*s));
    s->name = "t.rs";
    strbuf_init(&s->text);
    strbuf_init(&s->body);
    strbuf_init(&s->manifest);
    strbuf_addstr(&s->text, text);
    return source_parse(s);
}

static void test_plain(void)
{
    struct script s;
    CHECK_INT(parse(&s, "#!/usr/bin/env cthag\nfn main() {}\n"), 0);
    CHECK_STR(s.body.buf, "\nfn main() {}\n");
    CHECK_INT(s.format, MANIFEST_NONE);
    CHECK_INT(s.main_count, 1);
    source_release(&s);

    CHECK_INT(parse(&s, "#![allow(unused)]\nprintln!(\"hi\");"), 0);
    CHECK_STR(s.body.buf, "#![allow(unused)]\nprintln!(\"hi\");");
    CHECK_INT(s.main_count, 0);
    source_release(&s);

    /* main inside a module or a string is not the program's main. */
    CHECK_INT(parse(&s, "mod m { fn main() {} }\nlet s = \"fn main\";\n"), 0);
    CHECK_INT(s.main_count, 0);
    source_release(&s);
    CHECK_INT(parse(&s, "#[allow(dead_code)]\npub fn main() -> Result<(), String> { Ok(()) }"), 0);
    CHECK_INT(s.main_count, 1);
    source_release(&s);
}

static void test_thag_block(void)
{
    struct script s;
    CHECK_INT(parse(&s, "/*[toml]\n[dependencies]\nrand = \"0.8\"\n*/\nfn main() {}\n"), 0);
    CHECK_INT(s.format, MANIFEST_THAG);
    CHECK_STR(s.manifest.buf, "\n[dependencies]\nrand = \"0.8\"\n");
    CHECK_INT(s.manifest_line, 1);
    /* The block stays in the body as a comment: line numbers do not move. */
    CHECK_STR(s.body.buf, s.text.buf);
    source_release(&s);
    CHECK_INT(parse(&s, "fn main() {}\n/*[toml]\n[dependencies]\n"), -1);
    source_release(&s);
}

static void test_doc_block(void)
{
    struct script s;
    CHECK_INT(parse(&s, "//! A script.\n//!\n//! ```cargo\n//! [dependencies]\n//! time = "
                        "\"0.1\"\n//! ```\nfn main() {}\n"),
              0);
    CHECK_INT(s.format, MANIFEST_CARGO_DOC);
    CHECK_STR(s.manifest.buf, "[dependencies]\ntime = \"0.1\"\n");
    CHECK_INT(s.manifest_line, 4);
    source_release(&s);

    CHECK_INT(parse(&s, "/*!\n * ```cargo\n * [dependencies]\n * a = \"1\"\n * ```\n */\nfn main() {}"),
              0);
    CHECK_INT(s.format, MANIFEST_CARGO_DOC);
    CHECK_STR(s.manifest.buf, "[dependencies]\na = \"1\"\n");
    source_release(&s);

    CHECK_INT(parse(&s, "/*! ```cargo\n[dependencies]\nb = \"2\"\n```\n*/\nfn main() {}"), 0);
    CHECK_STR(s.manifest.buf, "[dependencies]\nb = \"2\"\n");
    source_release(&s);

    /* A block left open runs to the end of the comment, as Markdown (and rust-script) has it. */
    CHECK_INT(parse(&s, "//! ```cargo\n//! [dependencies]\nfn main() {}\n"), 0);
    CHECK_INT(s.format, MANIFEST_CARGO_DOC);
    CHECK_STR(s.manifest.buf, "[dependencies]\n");
    source_release(&s);
}

/* The forms rust-script reads that cthag once ignored. */
static void test_doc_block_rust_script(void)
{
    struct script s;
    /* An outer doc comment, as in rust-script's tests/data/outer-line-doc.rs. */
    CHECK_INT(parse(&s, "/// ```cargo\n/// [dependencies]\n/// boolinator = \"=0.1.0\"\n/// ```\n"
                        "use boolinator::Boolinator;\npub fn main() {}\n"),
              0);
    CHECK_INT(s.format, MANIFEST_CARGO_DOC);
    CHECK_STR(s.manifest.buf, "[dependencies]\nboolinator = \"=0.1.0\"\n");
    CHECK_INT(s.manifest_line, 2);
    source_release(&s);
    /* The info string in any case; a tilde fence; a longer fence. */
    CHECK_INT(parse(&s, "//! ```Cargo\n//! [dependencies]\n//! a = \"1\"\n//! ```\nfn main() {}"), 0);
    CHECK_STR(s.manifest.buf, "[dependencies]\na = \"1\"\n");
    source_release(&s);
    CHECK_INT(parse(&s, "/*!\n~~~CARGO\n[dependencies]\nb = \"2\"\n~~~\n*/\nfn main() {}"), 0);
    CHECK_STR(s.manifest.buf, "[dependencies]\nb = \"2\"\n");
    source_release(&s);
    CHECK_INT(parse(&s, "//! ````cargo\n//! ```\n//! x = 1\n//! ````\nfn main() {}"), 0);
    CHECK_STR(s.manifest.buf, "```\nx = 1\n");
    source_release(&s);
    /* Only the first cargo block counts; other code blocks are skipped whole. */
    CHECK_INT(parse(&s, "//! ```text\n//! ```cargo\n//! ```\n//! ```cargo\n//! c = 3\n//! ```\n"
                        "//! ```cargo\n//! d = 4\n//! ```\nfn main() {}"),
              0);
    CHECK_STR(s.manifest.buf, "c = 3\n");
    CHECK_INT(s.manifest_line, 5);
    source_release(&s);
    /* `cargo,x` is another language; an indented fence (4 spaces) is not a fence. */
    CHECK_INT(parse(&s, "//! ```cargo,x\n//! a = 1\n//! ```\nfn main() {}"), 0);
    CHECK_INT(s.format, MANIFEST_NONE);
    source_release(&s);
    CHECK_INT(parse(&s, "//! Docs\n//!     ```cargo\n//!     a = 1\n//!     ```\nfn main() {}"), 0);
    CHECK_INT(s.format, MANIFEST_NONE);
    source_release(&s);
    /* The indentation the comment's lines share is not Markdown's. */
    CHECK_INT(parse(&s, "//!     ```cargo\n//!     a = 1\n//!     ```\nfn main() {}"), 0);
    CHECK_STR(s.manifest.buf, "a = 1\n");
    source_release(&s);
    /* A blank line ends a run of doc lines; a doc comment after code is not the script's. */
    CHECK_INT(parse(&s, "//! Docs.\n\n//! ```cargo\n//! a = 1\n//! ```\nfn main() {}"), 0);
    CHECK_INT(s.format, MANIFEST_NONE);
    source_release(&s);
    CHECK_INT(parse(&s, "use std::io;\n/// ```cargo\n/// a = 1\n/// ```\nfn main() {}"), 0);
    CHECK_INT(s.format, MANIFEST_NONE);
    source_release(&s);
    /* A nested comment inside the block does not end it. */
    CHECK_INT(parse(&s, "/*! /* inner */\n```cargo\ne = 5\n```\n*/\nfn main() {}"), 0);
    CHECK_STR(s.manifest.buf, "e = 5\n");
    source_release(&s);
    /* Shebang, blank lines, CRLF. */
    CHECK_INT(parse(&s, "#!/usr/bin/env rust-script\n\n//! ```cargo\r\n//! f = 6\r\n//! ```\r\n"
                        "fn main() {}"),
              0);
    CHECK_STR(s.manifest.buf, "f = 6\n");
    CHECK_INT(s.manifest_line, 4);
    source_release(&s);
}

static void test_cargo_deps(void)
{
    struct script s;
    CHECK_INT(parse(&s, "// cargo-deps: time=\"0.1.25\", libc = 0.2, foo-bar\nfn main() {}\n"), 0);
    CHECK_INT(s.format, MANIFEST_CARGO_DEPS);
    CHECK_STR(s.manifest.buf,
              "[dependencies]\ntime = \"0.1.25\"\nlibc = \"0.2\"\nfoo-bar = \"*\"\n");
    source_release(&s);
    CHECK_INT(parse(&s, "// cargo-deps:\nfn main() {}\n"), -1);
    source_release(&s);
    CHECK_INT(parse(&s, "// cargo-deps: a=\"1\nfn main() {}\n"), -1);
    source_release(&s);
    CHECK_INT(parse(&s, "// cargo-deps: a b\nfn main() {}\n"), -1);
    source_release(&s);
    /* rust-script's pattern: any case, blanks around the words, first line only. */
    CHECK_INT(parse(&s, "#!/usr/bin/env rust-script\n\n  //Cargo-Deps : x\nfn main() {}\n"), 0);
    CHECK_INT(s.format, MANIFEST_CARGO_DEPS);
    CHECK_STR(s.manifest.buf, "[dependencies]\nx = \"*\"\n");
    source_release(&s);
    CHECK_INT(parse(&s, "fn main() {}\n// cargo-deps: x\n"), 0);
    CHECK_INT(s.format, MANIFEST_NONE);
    source_release(&s);
}

static void test_frontmatter(void)
{
    struct script s;
    CHECK_INT(parse(&s, "#!/usr/bin/env cthag\n---cargo\n[dependencies]\nx = \"1\"\n---\n\nfn main() {}\n"),
              0);
    CHECK_INT(s.format, MANIFEST_FRONTMATTER);
    CHECK_STR(s.manifest.buf, "[dependencies]\nx = \"1\"\n");
    CHECK_INT(s.manifest_line, 3);
    /* Removed from the source cargo compiles, lines kept. */
    CHECK_STR(s.body.buf, "\n\n\n\n\n\nfn main() {}\n");
    source_release(&s);

    CHECK_INT(parse(&s, "----\n[package]\nedition = \"2021\"\n----\nfn main() {}"), 0);
    CHECK_STR(s.manifest.buf, "[package]\nedition = \"2021\"\n");
    source_release(&s);

    CHECK_INT(parse(&s, "---\n[dependencies]\n"), -1);            /* unterminated */
    source_release(&s);
    CHECK_INT(parse(&s, "---toml\n---\nfn main() {}"), -1);       /* unknown info string */
    source_release(&s);
    CHECK_INT(parse(&s, "---\n---\n---\n---\nfn main() {}"), -1); /* two frontmatters */
    source_release(&s);
    /* A line with more dashes than the opening closes it, wrongly (cargo's reading). */
    CHECK_INT(parse(&s, "---\n----\n---\nfn main() {}"), -1);
    source_release(&s);
    /* Fewer dashes inside a longer fence are content. */
    CHECK_INT(parse(&s, "-----\n---\n----\n-----\nfn main() {}"), 0);
    CHECK_STR(s.manifest.buf, "---\n----\n");
    source_release(&s);
}

/* Cargo's rules and words, checked against cargo 1.95 -Zscript (RUSTC_BOOTSTRAP=1). */
static void check_frontmatter_error(const char *text, const char *message)
{
    struct script s;
    char *err = NULL;
    size_t len = 0;
    FILE *saved = stderr;
    stderr = open_memstream(&err, &len);
    CHECK_INT(parse(&s, text), -1);
    fclose(stderr);
    stderr = saved;
    CHECK_STR(err, message);
    free(err);
    source_release(&s);
}

static void test_frontmatter_cargo_rules(void)
{
    char fence[600];
    memset(fence, '-', 256);
    strcpy(fence + 256, "\n\n");
    check_frontmatter_error(fence, "cthag: t.rs:1: too many `-` symbols: frontmatter openings may "
                                   "be delimited by up to 255 `-` symbols, but found 256\n");
    struct script s;
    memset(fence, '-', 255);
    fence[255] = '\n';
    memcpy(fence + 256, fence, 256);
    strcpy(fence + 512, "fn main() {}");
    CHECK_INT(parse(&s, fence), 0);
    CHECK_INT(s.format, MANIFEST_FRONTMATTER);
    source_release(&s);
    check_frontmatter_error("---Cargo\n---\nfn main() {}",
                            "cthag: t.rs:1: unsupported frontmatter infostring `Cargo`; specify "
                            "`cargo` for embedding a manifest\n");
    check_frontmatter_error("---cargo,x,y\n---\nfn main() {}",
                            "cthag: t.rs:1: unsupported frontmatter infostring attributes: `x,y`\n");
    check_frontmatter_error("--- cargo x\n---\nfn main() {}",
                            "cthag: t.rs:1: unsupported frontmatter infostring `cargo x`; specify "
                            "`cargo` for embedding a manifest\n");
    CHECK_INT(parse(&s, "---\t cargo\t\n---\t \nfn main() {}"), 0);
    source_release(&s);
    check_frontmatter_error("--\n[dependencies]\n--\nfn main() {}",
                            "cthag: t.rs:1: found 2 `-` in rust frontmatter, expected at least 3\n");
    check_frontmatter_error("----\n[dependencies]\n---\nfn main() {}",
                            "cthag: t.rs:3: closing code fence has 1 less `-` than the opening fence\n");
    check_frontmatter_error("-----\n--\n",
                            "cthag: t.rs:2: closing code fence has 2 less `-` than the opening fence\n");
    check_frontmatter_error("---\n-a = 1\n",
                            "cthag: t.rs:2: closing code fence has 1 less `-` than the opening fence\n");
    check_frontmatter_error("---\n[dependencies]\n--- x\nfn main() {}",
                            "cthag: t.rs:3: unexpected characters after frontmatter close\n");
    check_frontmatter_error("---\n[a]\nb = 1\n", "cthag: t.rs:1: unclosed frontmatter; expected `---`\n");
    check_frontmatter_error("---\n---\n\n-\n", "cthag: t.rs:4: only one frontmatter is supported\n");
    /* Indented dashes open no frontmatter (cargo's fixture fence-indented): rustc judges them. */
    CHECK_INT(parse(&s, "  ---\n---\nfn main() {}"), 0);
    CHECK_INT(s.format, MANIFEST_NONE);
    source_release(&s);
    /* A snippet may start with a minus sign. */
    CHECK_INT(parse(&s, "-1i32.abs()\n"), 0);
    CHECK_INT(s.format, MANIFEST_NONE);
    source_release(&s);
    /* Byte-order mark, CRLF. */
    CHECK_INT(parse(&s, "\xef\xbb\xbf---\r\n[dependencies]\r\n---\r\nfn main() {}"), 0);
    CHECK_INT(s.format, MANIFEST_FRONTMATTER);
    source_release(&s);
}

static void test_frontmatter_forbidden_keys(void)
{
    check_frontmatter_error("---\n[workspace]\n---\nfn main() {}",
                            "cthag: t.rs:2: `workspace` is not allowed in embedded manifests\n");
    check_frontmatter_error("---\n[[bin]]\nname = \"x\"\n[workspace]\n---\nfn main() {}",
                            "cthag: t.rs:2: `workspace`, `bin` are not allowed in embedded "
                            "manifests\n");
    check_frontmatter_error("---\npackage.links = \"y\"\npackage.build = \"x\"\n---\nfn main() {}",
                            "cthag: t.rs:2: `package.build`, `package.links` are not allowed in "
                            "embedded manifests\n");
    check_frontmatter_error(
        "---\nbuild-dependencies = {}\n[[bench]]\nname = \"x\"\n[[example]]\nname = \"y\"\n"
        "[lib]\n[[test]]\nname = \"z\"\n[package]\nautolib = true\nautobins = true\n"
        "autoexamples = true\nautotests = true\nautobenches = true\ndefault-run = \"x\"\n"
        "workspace = \"w\"\n---\nfn main() {}",
        "cthag: t.rs:2: `lib`, `example`, `test`, `bench`, `build-dependencies`, "
        "`package.workspace`, `package.autolib`, `package.autobins`, `package.autoexamples`, "
        "`package.autotests`, `package.autobenches`, `package.default-run` are not allowed in "
        "embedded manifests\n");
    /* What cargo allows. */
    struct script s;
    CHECK_INT(parse(&s, "---\npackage.name = \"x\"\n[target.'cfg(unix)'.build-dependencies]\n"
                        "[dev-dependencies]\n[features]\n[profile.dev]\n[badges]\n---\nfn main() {}"),
              0);
    source_release(&s);
    /* The other formats stay as lenient as their tools. */
    CHECK_INT(parse(&s, "/*[toml]\n[workspace]\n[[bin]]\nname = \"x\"\n*/\nfn main() {}"), 0);
    source_release(&s);
    CHECK_INT(parse(&s, "//! ```cargo\n//! [workspace]\n//! ```\nfn main() {}"), 0);
    source_release(&s);
}

static void test_two_manifests(void)
{
    struct script s;
    CHECK_INT(parse(&s, "---\n---\n/*[toml]\n*/\nfn main() {}"), -1);
    source_release(&s);
    CHECK_INT(parse(&s, "// cargo-deps: a\n/*[toml]\n*/\nfn main() {}"), -1);
    source_release(&s);
}

static void test_bad_bytes(void)
{
    struct script s;
    CHECK_INT(parse(&s, ""), -1);
    source_release(&s);
    CHECK_INT(parse(&s, " \n\t\n"), -1);
    source_release(&s);
    CHECK_INT(parse(&s, "fn main() {}\n\xff\xfe"), -1);
    source_release(&s);
    CHECK_INT(parse(&s, "fn main() { \"\xc3\"; }"), -1); /* truncated sequence */
    source_release(&s);
    CHECK_INT(parse(&s, "fn main() { \"\xed\xa0\x80\"; }"), -1); /* surrogate */
    source_release(&s);
    CHECK_INT(parse(&s, "fn main() { \"\xe2\x82\xac \xf0\x9f\x98\x80\"; }"), 0); /* € and emoji */
    source_release(&s);
    /* NUL: strbuf_addstr stops at it, so build the text by hand. */
    memset(&s, 0, sizeof(s));
    s.name = "t.rs";
    strbuf_init(&s.text);
    strbuf_init(&s.body);
    strbuf_init(&s.manifest);
    strbuf_add(&s.text, "fn main\0() {}", 13);
    CHECK_INT(source_parse(&s), -1);
    source_release(&s);
}

/* A byte-order mark is not code (rustc skips it): a program with one is still a program. */
static void test_byte_order_mark(void)
{
    struct script s;
    CHECK_INT(parse(&s, "\xEF\xBB\xBF" "fn main() {}\n"), 0);
    CHECK_INT(s.main_count, 1);
    CHECK_STR(s.body.buf, "fn main() {}\n");
    source_release(&s);
    CHECK_INT(parse(&s, "\xEF\xBB\xBF#!/usr/bin/env cthag\nlet x = 1;\n"), 0);
    CHECK_INT(s.main_count, 0);
    CHECK_STR(s.body.buf, "\nlet x = 1;\n");
    source_release(&s);
}

int main(void)
{
    test_byte_order_mark();
    test_plain();
    test_thag_block();
    test_doc_block();
    test_doc_block_rust_script();
    test_cargo_deps();
    test_frontmatter();
    test_frontmatter_cargo_rules();
    test_frontmatter_forbidden_keys();
    test_two_manifests();
    test_bad_bytes();
    return unit_finish("test_source");
}
