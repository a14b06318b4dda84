#include "source.h"
#include "unit.h"

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

    CHECK_INT(parse(&s, "//! ```cargo\n//! [dependencies]\nfn main() {}\n"), -1);
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
    CHECK_INT(parse(&s, "---\n----\n---\nfn main() {}"), 0); /* closing needs the same dashes */
    CHECK_STR(s.manifest.buf, "----\n");
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

int main(void)
{
    test_plain();
    test_thag_block();
    test_doc_block();
    test_cargo_deps();
    test_frontmatter();
    test_two_manifests();
    test_bad_bytes();
    return unit_finish("test_source");
}
