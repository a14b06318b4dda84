#include "infer.h"
#include "unit.h"

/* Infer from code and compare with a space-separated list. */
static void check_infer(const char *code, const char *expected)
{
    struct strlist crates = STRLIST_INIT;
    infer_crates(code, strlen(code), &crates);
    char got[512] = "";
    for (size_t i = 0; i < crates.count; i++) {
        if (i)
            strcat(got, " ");
        strncat(got, crates.items[i], sizeof(got) - strlen(got) - 2);
    }
    CHECK_STR(got, expected);
    strlist_release(&crates);
}

int main(void)
{
    check_infer("use rand::Rng;", "rand");
    check_infer("use ::serde_json::{json, Value};", "serde_json");
    check_infer("use {a::x, b};", "a b");
    check_infer("pub(crate) use num_bigint::BigUint as Big;", "num_bigint");
    check_infer("extern crate itertools;\nextern crate regex as re;", "itertools regex");
    check_infer("fn main() { let n = num_traits::pow(2, 3); anyhow::bail!(\"x\"); }",
                "num_traits anyhow");
    check_infer("#[tokio::main]\nasync fn main() {}", "tokio");
    /* Not crates. */
    check_infer("use std::io; use core::fmt; use alloc::vec; use crate::x; use self::y; use "
                "super::z;",
                "");
    check_infer("let v = Vec::new(); let m = i32::MAX; let s = String::from(\"a\"); Self::f();",
                "");
    check_infer("mod util { pub fn f() {} }\nfn main() { util::f(); }", "");
    check_infer("use std::collections::hash_map;\nlet e = hash_map::Entry::Vacant;", "");
    check_infer("let x = y.parse::<u8>(); let z = a.b::c();", "");
    check_infer("macro_rules! m { ($x:ident) => { $x::new() } }", "");
    check_infer("let s = \"fake::path()\"; // other::path()\n/* more::x() */", "");
    check_infer("use rand::{self, Rng};\nrand::random::<u8>();", "rand");
    check_infer("let c = 'a'; let l: &'static str = \"\"; regex::Regex::new(\"x\");", "regex");
    check_infer("fn f<'a>(x: &'a str) -> itertools::Itertools {}", "itertools");
    check_infer("let r = r#\"raw::path()\"#; serde::de();", "serde");
    return unit_finish("test_infer");
}
