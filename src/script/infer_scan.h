/* Internal to inference (infer.c walks the tokens, infer_resolve.c resolves what the walk
 * found into crate uses): the scan they share.  Not for other modules.
 *
 * How the scan works: one pass over the tokens records the blocks ({..} and generic parameter
 * lists), the names bound in each block's type namespace, and the candidate crate names with
 * the block they occur in.  Items and `use` bind in their whole block, so candidates are
 * resolved only at the end: a candidate is a crate when no binding for its name lives in its
 * block or an enclosing one.  Bindings are found by (name, block) in a hash table, and each
 * answer "is name bound in block or around it" is remembered, so that resolution walks each
 * (name, block) once however many items and candidates there are. */
#ifndef CTHAG_SCRIPT_INFER_SCAN_H
#define CTHAG_SCRIPT_INFER_SCAN_H

#include "script/infer.h"
#include "script/rustlex.h"

#include <stddef.h>

/* A block: {..}, or the scope of an item's generic parameters (its signature and body). */
struct block {
    int parent;   /* -1 for the root */
    int generics; /* a generic parameter scope rather than braces */
    int nest;     /* generics: the ( [ depth of the item, where its `;` or body is */
    int has_body; /* generics: its item's body is open; closing it ends the scope */
};

struct binding {
    char *name;
    int block;
    int decl; /* the use/extern crate declaration that made it, or 0 */
    int next; /* the previous binding in its hash bucket (see resolve), or -1 */
};

struct candidate {
    char *name;
    char *path;
    char *next; /* the segment after the name, or NULL */
    enum crate_use_kind kind;
    int block, decl, line, global;
};

/* `use a::b::*;` whose first segment a may be a crate: the names it brings are unknown. */
struct glob {
    size_t root;   /* the candidate of its first segment */
    char *text;    /* "a::b::*" */
    int block;
};

struct scan {
    struct lexer lx; /* positioned after next */
    struct token before_prev, prev, tok, next;
    int prev_leading, tok_leading; /* that token is a `::` starting a global path */
    struct block *blocks;
    size_t nblocks, blocks_alloc;
    int current;
    int nest;               /* depth of ( and [ */
    int attr_pending;       /* saw # (and maybe !): a [ starts an attribute */
    int in_attr, attr_base; /* inside #[..], which ends when nest is back to attr_base */
    size_t generics_name;   /* offset of an item name that a generic list may follow */
    int generics_depth;     /* <..> depth inside a generic parameter list, else 0 */
    int decls;              /* use and extern crate declarations seen */
    struct binding *bindings;
    size_t nbindings, bindings_alloc;
    struct candidate *candidates;
    size_t ncandidates, candidates_alloc;
    struct glob *globs;
    size_t nglobs, globs_alloc;
    size_t use_root; /* the candidate of the use tree being scanned, or (size_t)-1 */
};

/* Append to uses the candidates that name crates: those no binding in their block or one
 * around it hides (uses holds crates found before, which stay); then the names a glob import
 * of another crate may have brought, once each. */
void infer_resolve(struct scan *s, struct crate_uses *uses);

#endif
