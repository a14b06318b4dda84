#include "config.h"
#include "script/infer.h"
#include "toml/toml.h"
#include "unit.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* One case: the code and the exact crates inferred, space-separated, in order of first use. */
struct infer_case {
    const char *what;
    const char *code;
    const char *crates;
};

static const struct infer_case cases[] = {
    /* Plain uses of crates. */
    {"use root", "use rand::Rng;", "rand"},
    {"global use", "use ::serde_json::{json, Value};", "serde_json"},
    {"group at the root", "use {a::x, b};", "a b"},
    {"pub(crate) use with alias", "pub(crate) use num_bigint::BigUint as Big;", "num_bigint"},
    {"extern crate", "extern crate itertools;\nextern crate regex as re;", "itertools regex"},
    {"paths in code", "fn main() { let n = num_traits::pow(2, 3); anyhow::bail!(\"x\"); }",
     "num_traits anyhow"},
    {"attribute macro", "#[tokio::main]\nasync fn main() {}", "tokio"},
    {"derive path", "#[derive(Debug, serde::Serialize)]\nstruct S;", "serde"},
    {"attribute with arguments", "#[tokio::test(flavor = \"multi_thread\")]\nasync fn t() {}",
     "tokio"},
    {"attribute on a fn", "#[tracing::instrument]\nfn f() {}", "tracing"},
    {"type position", "fn main() { let x: rand::rngs::ThreadRng; }", "rand"},
    {"closure parameter type", "let f = |x: regex::Regex| x;", "regex"},
    {"struct literal", "let p = geo::Point { x: 1.0, y: 2.0 };", "geo"},
    {"pattern", "match v { Some(serde_json::Value::Null) => {} _ => {} }", "serde_json"},
    {"async block", "let f = async { tokio::time::sleep(d).await };", "tokio"},
    {"qualified path", "fn f<T>(x: T) { <T as serde::Serialize>::serialize(&x); }", "serde"},
    {"where clause", "fn f<T>() where T: Iterator, T::Item: serde::Serialize {}", "serde"},
    {"impl bound", "impl<T: serde::Serialize> W<T> {}", "serde"},
    {"lifetimes", "fn f<'a>(x: &'a str) -> itertools::Itertools<'a> { x }", "itertools"},
    {"order of first use", "fn main() { b::x(); a::y(); }\nuse c::z;", "b a c"},
    {"each crate once", "rand::a(); rand::b();\nuse rand::c;", "rand"},
    {"use of a crate and its alias", "use rand as r;\nfn main() { r::random::<u8>(); }", "rand"},
    {"self alias in a group", "use rand::{self as r, Rng};\nfn f() { r::random(); }", "rand"},
    {"extern crate alias", "extern crate foo as bar;\nfn main() { bar::x(); }", "foo"},
    {"extern crate used", "extern crate rand;\nfn main() { rand::random::<u8>(); }", "rand"},
    {"cfg'd use", "#[cfg(feature = \"x\")]\nuse extra::thing;", "extra"},

    /* Macros. */
    {"macro from a crate", "fn main() { anyhow::bail!(\"no\"); }", "anyhow"},
    {"path in a macro's arguments", "println!(\"{}\", serde_json::to_string(&1).unwrap());",
     "serde_json"},
    {"path in vec!", "let v = vec![itertools::repeat_n(1, 2)];", "itertools"},
    {"paths in a string in a macro", "println!(\"{}\", \"a::b()\");", ""},
    {"macro_rules metavariables and $crate",
     "macro_rules! m { ($x:ident) => { $x::new() }; () => { $crate::f() } }", ""},
    {"fragment specifiers around ::",
     "macro_rules! m { ($a:ident :: $b:ident, $t:ty) => { $a::$b }; }", ""},
    {"macro named like a crate does not hide it",
     "macro_rules! log { () => {} }\nfn main() { log::warn!(\"x\"); }", "log"},

    /* std's own names (issue 12's false crates). */
    {"{self, ..} binds io", "use std::io::{self, Write};\nfn main() { io::stdout().flush(); }",
     ""},
    {"{self, ..} binds fs", "use std::fs::{self, File};\nfn main() { fs::read(\"x\"); }", ""},
    {"{self, ..} binds fmt",
     "use std::fmt::{self, Display};\nimpl fmt::Debug for X { fn fmt(&self, f: &mut "
     "fmt::Formatter) -> fmt::Result { Ok(()) } }",
     ""},
    {"{self, ..} binds process", "use std::process::{self, Command};\nprocess::exit(0);", ""},
    {"{self, ..} binds collections",
     "use std::collections::{self, HashMap};\nlet b = collections::BTreeMap::<u8, u8>::new();",
     ""},
    {"glob of std::collections in a group",
     "use std::{collections::*, fmt::Write};\nfn main() { let m: HashMap<u8, u8> = "
     "HashMap::new(); let e = hash_map::RandomState::new(); }",
     ""},
    {"glob of std::collections", "use std::collections::*;\nlet h = hash_map::HashMap::<u8, "
                                 "u8>::new();",
     ""},
    {"module alias", "use std::collections as coll;\nuse coll::HashMap;", ""},
    {"module alias in a path", "use std::collections as coll;\nlet m = coll::BTreeMap::<u8, "
                               "u8>::new();",
     ""},
    {"clippy lint", "#[allow(clippy::too_many_lines)]\nfn main() {}", ""},
    {"rustfmt attribute", "#[rustfmt::skip]\nfn main() {}", ""},
    {"inner clippy attribute", "#![allow(clippy::all)]\nfn main() {}", ""},
    {"rustdoc lint", "#![allow(rustdoc::broken_intra_doc_links)]", ""},
    {"diagnostic namespace", "#[diagnostic::on_unimplemented(message = \"x\")]\ntrait T {}", ""},
    {"tool lint in cfg_attr", "#[cfg_attr(test, allow(clippy::unwrap_used))]\nfn f() {}", ""},
    {"tool attribute with a value", "#[clippy::cognitive_complexity = \"100\"]\nfn f() {}", ""},
    {"mut and dyn before global paths",
     "fn f(_: &mut ::std::fmt::Formatter, _: &dyn ::std::any::Any) {}", ""},
    {"size_of with a turbofish", "size_of::<u32>()", ""},
    {"drop with a turbofish", "let x = 1; drop::<i32>(x);", ""},
    {"local generic fn with a turbofish", "fn helper<T>() {}\nfn main() { helper::<u8>(); }", ""},
    {"method turbofish", "let v = x.iter().collect::<Vec<_>>(); let z = a.b::<c>();", ""},
    {"T::default()", "fn f<T: Default>() -> T { T::default() }", ""},
    {"use Enum::* after use std::cmp::Ordering",
     "use std::cmp::Ordering;\nfn f(a: u8, b: u8) { use Ordering::*; match a.cmp(&b) { Less => "
     "{} _ => {} } }",
     ""},
    {"std, core and alloc", "std::io::stdout(); core::mem::swap(a, b); let v: alloc::vec::Vec<u8>;",
     ""},
    {"global std", "use ::std::io;\nfn f() { ::core::mem::drop(1); }", ""},
    {"primitive types", "i32::MAX; u8::try_from(1); str::from_utf8(b\"\"); char::from(1u8); "
                        "bool::default(); usize::BITS; f64::EPSILON;",
     ""},
    {"capitalised names", "let v = Vec::new(); let s = String::from(\"a\"); Foo::bar(); "
                          "Self::f(); Ordering::Less;",
     ""},
    {"keywords", "use crate::x; use self::y; use super::z; crate::a(); self::b(); super::c();",
     ""},
    {"std module imported", "use std::collections::hash_map;\nlet e = hash_map::Entry::Vacant;",
     ""},
    {"glob of std", "use std::*;\nfn main() { env::args(); }", ""},
    {"glob of std::os::unix", "use std::os::unix::*;\nuse fs::PermissionsExt;", ""},
    {"nested std groups",
     "use std::{io::{self, prelude::*}, collections::{hash_map, HashMap}};\nio::stdin(); "
     "hash_map::DefaultHasher::new();",
     ""},
    {"use std::time", "use std::time;\nlet t = time::Instant::now();", ""},
    {"std::mem and a turbofish later", "use std::mem;\nmem::size_of::<u32>();", ""},
    {"method on a str path", "line.split(',').map(str::trim)", ""},
    {"extern crate self, alloc", "extern crate self as me;\nextern crate alloc;\nme::f();", ""},
    {"extern block", "extern \"C\" { fn abs(x: i32) -> i32; }", ""},
    {"impl with bounds", "impl<T> From<T> for W where T: Into<u8> { fn from(t: T) -> Self { W } }",
     ""},

    /* Items and modules the script defines, wherever they are in the block. */
    {"module defined", "mod util { pub fn f() {} }\nfn main() { util::f(); }", ""},
    {"module defined later", "fn main() { util::f(); }\nmod util { pub fn f() {} }", ""},
    {"module file", "mod util;\nfn main() { util::f(); }", ""},
    {"lowercase struct", "struct point;\nimpl point { fn new() {} }\nfn main() { point::new(); }",
     ""},
    {"lowercase enum", "enum color { red }\nfn f(c: color) { match c { color::red => {} } }", ""},
    {"lowercase trait", "trait shape { fn area(); }\nfn f() { shape::area(); }", ""},
    {"type alias", "type bytes = Vec<u8>;\nfn f() { bytes::new(); }", ""},
    {"union", "union bits { i: u32, f: f32 }\nfn f() { bits::x(); }", ""},
    {"use self path", "use self::inner::x;\nmod inner { pub fn x() {} }", ""},
    {"use super::* in tests", "mod tests { use super::*; fn t() { util::f(); } }\nmod util {}",
     ""},
    {"local use in a block", "fn a() { use std::collections::hash_map; let h = "
                             "hash_map::DefaultHasher::new(); }",
     ""},
    {"lowercase generic parameter", "fn f<t: Default>() -> t { t::default() }", ""},
    {"const generic parameter", "fn f<const n: usize>() { n::x(); }", ""},
    {"impl generics", "impl<t> W<t> { fn f() -> t { t::new() } }", ""},

    /* Negative twins: real crates named like something else. */
    {"crate log beside fn log", "use log::info;\nfn log() {}\nfn main() { info!(\"x\"); }", "log"},
    {"log::info! beside fn log", "fn log() {}\nfn main() { log::info!(\"x\"); }", "log"},
    {"crate beside a fn of its name", "fn rand() {}\nfn main() { rand::random::<u8>(); }", "rand"},
    {"crate beside a static of its name",
     "static regex: u8 = 0;\nfn main() { regex::Regex::new(\"\"); }", "regex"},
    {"crate time without std::time", "use time::OffsetDateTime;", "time"},
    {"time:: without use std::time", "let t = time::Instant::now();", "time"},
    {"io without {self}", "use std::io::Write;\nfn main() { io::stdout(); }", "io"},
    {"fmt alone is a crate", "use std::{collections::*};\nfn f() { fmt::x(); }", "fmt"},
    {"glob of std::collections binds its modules only",
     "use std::collections::*;\nfn f() { hash_maps::x(); }", "hash_maps"},
    {"alias binds its own name only", "use std::collections as coll;\nuse colls::HashMap;",
     "colls"},
    {"tool names outside attributes are paths", "fn f() { rustfmt::format(); }", "rustfmt"},
    {"crate in an attribute beside a lint",
     "#[allow(clippy::x)]\nfn f() { regex::Regex::new(\"\"); }", "regex"},
    {"global paths after mut and dyn",
     "fn f(x: &mut ::serde_json::Value, y: &dyn ::erased_serde::Serialize) {}",
     "serde_json erased_serde"},
    {"turbofish on a later segment", "let n = mem::size_of::<u32>();", "mem"},
    {"crate fn with a turbofish", "itertools::repeat_n::<u8>(1, 2);", "itertools"},
    {"generic scope ends with the fn",
     "fn f<t: Default>() -> t { t::default() }\nfn g() { t::x(); }", "t"},
    {"generic scope ends at ;", "struct W<t>(t);\nfn g() { t::x(); }", "t"},
    {"impl generic scope ends with the impl", "impl<u> X<u> {}\nfn g() { u::x(); }", "u"},
    {"generic of another fn", "fn f<T>() {}\nfn g() { t::x(); }", "t"},
    {"local use does not leak", "fn a() { use std::collections::hash_map; }\nfn b() { "
                                "hash_map::x(); }",
     "hash_map"},
    {"local use in a later block does not reach an earlier one",
     "fn b() { hash_map::x(); }\nfn a() { use std::collections::hash_map; }", "hash_map"},
    {"use in an outer block reaches blocks opened before it",
     "fn a() { { { hash_map::x(); } } use std::collections::hash_map; }", ""},
    {"a name bound in an inner block, used there first and then outside",
     "fn a() { { use std::collections::hash_map; hash_map::y(); } hash_map::x(); }", "hash_map"},
    {"a name used outside first, then bound in an inner block",
     "fn a() { hash_map::x(); { use std::collections::hash_map; hash_map::y(); } }", "hash_map"},
    {"a use root bound by an earlier use", "use std::io;\nuse io::Write;\nfn f() { io::x(); }", ""},
    {"a bare use names its crate, then its paths resolve to it",
     "use rand;\nfn f() { { rand::random::<u8>(); } }", "rand"},
    {"use in a module does not reach the parent", "mod m { use std::fmt; }\nfn f() { fmt::x(); }",
     "fmt"},
    {"global path beside a module of its name", "mod serde {}\nfn f() { ::serde::x(); }", "serde"},
    {"global use", "use ::rand::Rng;", "rand"},
    {"lowercase use root that is no import", "use ordering::Less;", "ordering"},
    {"raw identifier", "fn f() { r#try::f(); }", "try"},
    {"raw identifier binding", "let r#type = 1; let r#match = r#type;", ""},
    {"glob of a crate: a path may name what it brings",
     "use nom::*;\nfn f() { character::complete::digit1(\"1\"); }", "nom"},
    {"glob of a crate: use roots, extern crate and ::paths still name crates",
     "use nom::*;\nuse regex::Regex;\nextern crate rand;\nfn f() { ::serde::x(); itoa::y(); }",
     "nom regex rand serde"},
    {"glob of a crate's module, in one block only",
     "fn f() { use ratatui::prelude::*; layout::x(); }\nfn g() { crossterm::y(); }",
     "ratatui crossterm"},
    {"glob of a crate: a name used as a crate elsewhere stays one",
     "use nom::*;\nfn f() { regex::x(); }\nuse regex::Regex;", "nom regex"},

    /* Quoting macros: their input is code as data. */
    {"quote! body", "let t = quote! { regex::Regex::new(#s) };", ""},
    {"quote::quote! and syn::parse_quote!",
     "let t = quote::quote!(thag_rs::x());\nlet p: syn::Path = syn::parse_quote!(serde::Serialize);",
     "quote syn"},
    {"quote_spanned! and parse_quote_spanned!",
     "quote_spanned!(span=> anyhow::bail!(\"x\"));\nparse_quote_spanned! {span=> a::b}", ""},
    {"after a quote! body, code again", "quote! { a::b({ c::d }) }; e::f();", "e"},
    {"ordinary macros are searched",
     "lazy_static! { static ref R: regex::Regex = regex::Regex::new(\"x\").unwrap(); }", "regex"},
    {"a variable called quote", "let quote = 1; foo::bar(quote);", "foo"},

    /* As thag's demo scripts are written. */
    {"std group beside a crate's macro and paths",
     "use bitflags::bitflags;\nuse std::{error::Error, fmt, str};\nimpl str::FromStr for F { type "
     "Err = bitflags::parser::ParseError; }\nimpl fmt::Debug for F { fn fmt(&self, f: &mut "
     "fmt::Formatter) -> fmt::Result { bitflags::parser::to_writer(self, f) } }",
     "bitflags"},
    {"a variable named like the crate", "let toml = &toml::to_string_pretty(&config)?;", "toml"},
    {"use of a bare crate, then its paths", "use home;\nfn f() { home::home_dir(); }", "home"},
    {"group importing a module named str", "use mockall::{automock, predicate::str};", "mockall"},
    {"turbofish on a capitalised path", "Ok::<ProcFlags, ThagError>(flags); None::<Config>", ""},
    {"crate path in a helper attribute's value",
     "#[derive(Parser)]\nstruct Cli { #[arg(short, action = clap::ArgAction::Count)] q: u8 }",
     "clap"},
    {"attribute value in a string", "#[serde_as(as = \"DisplayFromStr\")]\nstruct L;", ""},
    {"std path with a turbofish", "fn t<T>(_: &T) -> String { std::any::type_name::<T>().into() }",
     ""},
    {"method turbofish on dyn Any", "let a: &dyn Any = &e; !a.is::<()>()", ""},
    {"lowercase const used as a path", "const limit: u8 = 3;\nfn f() { limit::MAX; }", "limit"},

    /* Never code: strings, comments, literals. */
    {"string and comments", "let s = \"fake::path()\"; // other::path()\n/* more::x() */", ""},
    {"raw string", "let r = r#\"raw::path()\"#; let b = br\"b::c\";", ""},
    {"byte string and chars", "let b = b\"a::b\"; let c = 'a'; let d = b'x';", ""},
    {"doc comments", "/// use foo::bar;\n//! regex::Regex\n/** baz::q() */\nfn f() {}", ""},
    {"nested block comments", "/* a /* b::c() */ d::e() */ fn f() {}", ""},
    {"char and lifetime", "let c = 'a'; let l: &'static str = \"\"; regex::Regex::new(\"x\");",
     "regex"},
    {"raw string then code", "let r = r#\"raw::path()\"#; serde::de();", "serde"},
    {"doc attribute", "#[doc = \"use foo::bar;\"]\nfn f() {}", ""},

    /* Bad input does not crash or invent crates. */
    {"unterminated string", "let s = \"abc::d", ""},
    {"empty use", "use;", ""},
    {"malformed group", "use a::{b c};", "a"},
    {"unbalanced braces", "}}} fn f() { x::y(); {{", "x"},
    {"lone ::", ":: :: ::", ""},
};

static void check_case(const struct infer_case *c)
{
    struct strlist crates = STRLIST_INIT;
    struct strbuf got = STRBUF_INIT;
    infer_crates(c->code, strlen(c->code), &crates);
    for (size_t i = 0; i < crates.count; i++)
        strbuf_addf(&got, "%s%s", i ? " " : "", crates.items[i]);
    unit_checks++;
    if (strcmp(got.buf, c->crates)) {
        unit_failures++;
        fprintf(stderr, "infer case \"%s\":\n  code:     %s\n  got:      [%s]\n  expected: [%s]\n",
                c->what, c->code, got.buf, c->crates);
    }
    strbuf_release(&got);
    strlist_release(&crates);
}

/* Deeply nested groups and blocks: no recursion without bound. */
static void check_deep_nesting(void)
{
    struct strbuf code = STRBUF_INIT;
    strbuf_addstr(&code, "use a::");
    for (int i = 0; i < 5000; i++)
        strbuf_addstr(&code, "{b::");
    for (int i = 0; i < 5000; i++)
        strbuf_addstr(&code, "{");
    strbuf_addstr(&code, "x::y()");
    struct strlist crates = STRLIST_INIT;
    infer_crates(code.buf, code.len, &crates);
    CHECK(crates.count >= 1);
    CHECK_STR(crates.count ? crates.items[0] : NULL, "a");
    strlist_release(&crates);
    strbuf_release(&code);
}

/* Where and how each crate is used, for -v. */
static void check_uses(void)
{
    const char *code = "use rand::Rng;\n#[tokio::main]\nasync fn main() {\n"
                       "    anyhow::bail!(\"x\"); serde_json::to_string(&1);\n"
                       "    ::regex::Regex::new(\"\");\n}\nextern crate itertools;\n";
    struct crate_uses uses = CRATE_USES_INIT;
    infer_uses(code, strlen(code), &uses);
    CHECK_INT(uses.count, 6);
    if (uses.count != 6)
        return;
    const struct {
        const char *crate, *path;
        enum crate_use_kind kind;
        int line, global;
    } want[] = {
        {"rand", "use rand::Rng", CRATE_USE_DECLARATION, 1, 0},
        {"tokio", "tokio::main", CRATE_USE_ATTRIBUTE, 2, 0},
        {"anyhow", "anyhow::bail", CRATE_USE_MACRO, 4, 0},
        {"serde_json", "serde_json::to_string", CRATE_USE_PATH, 4, 0},
        {"regex", "::regex::Regex::new", CRATE_USE_PATH, 5, 1},
        {"itertools", "extern crate itertools", CRATE_USE_EXTERN, 7, 1},
    };
    const char *next[] = {"Rng", "main", "bail", "to_string", "Regex", NULL};
    for (size_t i = 0; i < 6; i++) {
        CHECK_STR(uses.items[i].next ? uses.items[i].next : "(none)",
                  next[i] ? next[i] : "(none)");
        CHECK(uses.items[i].glob == NULL);
        CHECK_STR(uses.items[i].crate, want[i].crate);
        CHECK_STR(uses.items[i].path, want[i].path);
        CHECK_INT(uses.items[i].kind, want[i].kind);
        CHECK_INT(uses.items[i].line, want[i].line);
        CHECK_INT(uses.items[i].global, want[i].global);
    }
    crate_uses_release(&uses);
}

/* A path under a crate's glob import is reported with the glob, after the crates. */
static void check_glob_uses(void)
{
    const char *code = "use nom::{*, IResult};\nfn f() { character::digit1(); helpers::g(); }\n"
                       "use std::collections::*;\nuse other::{group::{a, b}, self as o};\n";
    struct crate_uses uses = CRATE_USES_INIT;
    infer_uses(code, strlen(code), &uses);
    CHECK_INT(uses.count, 4);
    if (uses.count == 4) {
        CHECK_STR(uses.items[0].crate, "nom");
        CHECK_STR(uses.items[0].path, "use nom::..");
        CHECK(uses.items[0].next == NULL);
        CHECK_STR(uses.items[1].crate, "other");
        CHECK_STR(uses.items[1].next, "group");
        CHECK_STR(uses.items[2].crate, "character");
        CHECK_STR(uses.items[2].glob, "nom::*");
        CHECK_STR(uses.items[3].crate, "helpers");
        CHECK_INT(uses.items[3].line, 2);
    }
    crate_uses_release(&uses);
}

/* Does a file beside the script define what a path into it names? */
static void check_module_files(void)
{
    const char *helpers = "pub fn g() -> u32 { 1 }\npub struct Point;\npub(crate) mod inner {}\n"
                          "const LIMIT: u8 = 3;\n// fn commented() {}\n";
    CHECK_INT(infer_module_defines(helpers, strlen(helpers), "g"), 1);
    CHECK_INT(infer_module_defines(helpers, strlen(helpers), "Point"), 1);
    CHECK_INT(infer_module_defines(helpers, strlen(helpers), "inner"), 1);
    CHECK_INT(infer_module_defines(helpers, strlen(helpers), "LIMIT"), 1);
    CHECK_INT(infer_module_defines(helpers, strlen(helpers), "commented"), 0);
    CHECK_INT(infer_module_defines(helpers, strlen(helpers), "missing"), 0);
    CHECK_INT(infer_module_defines(helpers, strlen(helpers), NULL), 1); /* no fn main */
    const char *script = "use crossterm::terminal;\nfn main() { terminal::size(); }\n";
    CHECK_INT(infer_module_defines(script, strlen(script), "terminal"), 0);
    CHECK_INT(infer_module_defines(script, strlen(script), NULL), 0);
}

/* The built-in feature table: what issue 12 requires at least, and every row well-formed. */
static void check_builtin_features(void)
{
    const char *required[][2] = {{"serde", "derive"}, {"clap", "cargo derive"},
                                 {"tokio", "full"},   {"syn", "full parsing visit visit-mut"},
                                 {"strum", "derive"}};
    for (size_t r = 0; r < sizeof(required) / sizeof(*required); r++) {
        const char *features = NULL;
        for (const struct infer_features *f = infer_builtin_features; f->crate; f++)
            if (!strcmp(f->crate, required[r][0]))
                features = f->features;
        CHECK(features != NULL);
        char want[128];
        snprintf(want, sizeof(want), "%s", required[r][1]);
        for (char *w = strtok(want, " "); w && features; w = strtok(NULL, " "))
            CHECK_CONTAINS(features, w);
    }
    size_t rows = 0;
    for (const struct infer_features *f = infer_builtin_features; f->crate; f++, rows++)
        CHECK(*f->features && f->features[0] != ' ' && !strstr(f->features, "  "));
    CHECK(rows >= 15);
}

/* "a b" for a TOML array of strings, "-" when absent. */
static const char *feature_list(const struct toml_value *table, const char *crate, char *buf,
                                size_t size)
{
    const struct toml_value *list = toml_get(table, crate);
    if (!list)
        return "-";
    buf[0] = '\0';
    for (size_t i = 0; i < list->count; i++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? " " : "",
                 list->items[i]->text);
    return buf;
}

/* config_load: the built-in features under the config file's, which override or remove each;
 * a list's line says where it came from (0 = built in). */
static void check_config_features(void)
{
    char dir[] = "/tmp/cthag-test-config-XXXXXX", path[128], buf[256];
    CHECK(mkdtemp(dir) != NULL);
    setenv("XDG_CONFIG_HOME", dir, 1);
    unsetenv("CTHAG_MAX_CACHE_SIZE");
    struct config cfg;
    CHECK_INT(config_load(&cfg), 0);
    CHECK_STR(feature_list(cfg.infer_features, "serde", buf, sizeof(buf)), "derive");
    CHECK_STR(feature_list(cfg.infer_features, "clap", buf, sizeof(buf)), "cargo derive");
    CHECK_STR(feature_list(cfg.infer_features, "tokio", buf, sizeof(buf)), "full");
    CHECK_INT(toml_get(cfg.infer_features, "tokio")->line, 0);
    CHECK(cfg.infer_max_features == NULL);
    config_release(&cfg);

    snprintf(path, sizeof(path), "%s/cthag", dir);
    CHECK_INT(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/cthag/config.toml", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs("[infer.features]\nserde = []\ntokio = [\"rt\", \"macros\"]\n"
          "nu_ansi_term = [\"serde\"]\nmine = [\"a\"]\n[infer.max-features]\nclap = [\"env\"]\n",
          f);
    fclose(f);
    CHECK_INT(config_load(&cfg), 0);
    CHECK_STR(feature_list(cfg.infer_features, "serde", buf, sizeof(buf)), "");
    CHECK_INT(toml_get(cfg.infer_features, "serde")->line, 2);
    CHECK_STR(feature_list(cfg.infer_features, "tokio", buf, sizeof(buf)), "rt macros");
    CHECK_STR(feature_list(cfg.infer_features, "nu-ansi-term", buf, sizeof(buf)), "-");
    CHECK_STR(feature_list(cfg.infer_features, "nu_ansi_term", buf, sizeof(buf)), "serde");
    CHECK_STR(feature_list(cfg.infer_features, "mine", buf, sizeof(buf)), "a");
    CHECK_STR(feature_list(cfg.infer_features, "clap", buf, sizeof(buf)), "cargo derive");
    CHECK_STR(feature_list(cfg.infer_max_features, "clap", buf, sizeof(buf)), "env");
    config_release(&cfg);
    unlink(path);
    snprintf(path, sizeof(path), "%s/cthag", dir);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    size_t n = sizeof(cases) / sizeof(*cases);
    for (size_t i = 0; i < n; i++)
        check_case(&cases[i]);
    CHECK(n >= 80);
    check_deep_nesting();
    check_uses();
    check_glob_uses();
    check_module_files();
    check_builtin_features();
    check_config_features();
    return unit_finish("test_infer");
}
