/* Which external crates a script's code uses, so that undeclared ones can be added to its
 * manifest.  Scope-aware, over the Rust lexer's tokens (comments and literals are never code):
 *
 * A crate is named by the first segment of a `use` tree, an `extern crate`, or the first
 * segment of a path `foo::bar` (expression, type, macro `foo::m!`, attribute `#[foo::a]`),
 * unless that segment is
 *   - a keyword (`crate`, `self`, `super`, `Self`, `mut`, `dyn`, ...; not an r#raw one),
 *   - std, core, alloc, proc_macro, test or a primitive type (`i32::MAX`),
 *   - capitalised (`Vec::new`, `Ordering::Less`: types and variants, as thag decides),
 *   - a generic function called with a turbofish (`size_of::<u32>()`, `drop::<T>(x)`),
 *   - a tool in an attribute (`#[rustfmt::skip]`, `#[allow(clippy::x)]`),
 *   - bound in the type namespace of the block it is used in or an enclosing one: a module,
 *     struct, enum, union, trait or type alias the script defines, a generic parameter, a
 *     name a `use` brings in (its last segment, `as` alias, `{self, ..}` group, or the
 *     modules a glob import of a std/core/alloc module brings), an `extern crate .. as` alias.
 *     `use` and items count in their whole block, before and after; a global path `::foo`
 *     always names a crate.  fn, const, static and macro names live in other namespaces and
 *     never hide a crate (`fn log()` beside `log::info!()`),
 *   - the first segment of a path where a glob import of another crate is in scope
 *     (`use nom::*;` then `character::complete::digit1`): it may be a name the glob brings,
 *     which cthag cannot see; such a use is reported with its glob, not as a crate.
 * The input of quoting macros (quote!, quote_spanned!, parse_quote!, parse_quote_spanned!) is
 * code as data, for another program: it is not searched.  Other macro calls are.
 */
#ifndef CTHAG_SCRIPT_INFER_H
#define CTHAG_SCRIPT_INFER_H

#include "util/strbuf.h"
#include "util/strlist.h"

#include <stddef.h>

enum crate_use_kind {
    CRATE_USE_DECLARATION, /* use foo::..; */
    CRATE_USE_EXTERN,      /* extern crate foo; */
    CRATE_USE_PATH,        /* foo::bar in code or types */
    CRATE_USE_MACRO,       /* foo::m!(..) */
    CRATE_USE_ATTRIBUTE,   /* #[foo::attr] */
};

/* Where the code first uses a crate. */
struct crate_use {
    char *crate;   /* as the code spells it (underscores) */
    char *path;    /* the first segments of the path it was seen in: "rand::random" */
    char *next;    /* the segment after the crate's name ("random"), or NULL */
    /* Not a crate after all: a path whose first segment may be a name this glob import of
     * another crate brought ("nom::*"); NULL for a crate. */
    char *glob;
    enum crate_use_kind kind;
    int line;      /* line in the scanned text */
    int global;    /* spelled ::foo (or extern crate): a crate whatever is in scope */
};

struct crate_uses {
    struct crate_use *items;
    size_t count, alloc;
};
#define CRATE_USES_INIT {NULL, 0, 0}

/* Append the crates the code uses, in order of first use, then the glob-shadowed uses. */
void infer_uses(const char *body, size_t len, struct crate_uses *uses);
void crate_uses_release(struct crate_uses *uses);
/* Keep the uses for which keep(ctx, crate) is true (glob-shadowed ones always go). */
void crate_uses_filter(struct crate_uses *uses, int (*keep)(void *ctx, const char *crate),
                       void *ctx);
/* Just the crates' names, appended to crates. */
void infer_crates(const char *body, size_t len, struct strlist *crates);
/* For -v: one note per use, "NAME:LINE: inferred crate X from ... and why" (or why not). */
void infer_note_uses(const char *script_name, const struct crate_uses *uses);
/* How a use reads in messages: "rand::random", "use serde::Serialize", "#[tokio::main]",
 * "lazy_static::lazy_static!", "extern crate foo". */
void infer_describe_use(const struct crate_use *u, struct strbuf *out);

/* Is text (a file beside the script) the module a path into it means: does it define item
 * (fn, struct, enum, mod, ... item), or, for no item, is it no program (no fn main)? */
int infer_module_defines(const char *text, size_t len, const char *item);

/* Features an inferred crate gets by default at -i config and max, as thag ships them for
 * crates whose common use needs them; [infer.features] in the config file overrides each. */
struct infer_features {
    const char *crate;
    const char *features; /* space-separated */
};
/* Terminated by a NULL crate. */
extern const struct infer_features infer_builtin_features[];

#endif
