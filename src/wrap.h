/* Turning a script body into the main.rs cargo compiles, and remembering where each generated
 * line came from so diagnostics can point at the script's own lines.
 *
 * A program is used as it is.  A snippet keeps its inner attributes, `use` declarations and items
 * at the top level; its statements go, in order, into a generated
 *     fn main() -> Result<(), Box<dyn std::error::Error>>
 * so that `?` works; a final expression without a semicolon has its value printed with {:?}
 * unless it is () (or it is returned, when it is an Ok(..)/Err(..) expression). */
#ifndef CTHAG_WRAP_H
#define CTHAG_WRAP_H

#include "util/strbuf.h"

#include <stddef.h>

struct wrapped {
    struct strbuf code;
    /* line_map[i]: the script line that generated line i+1 comes from; 0 for cthag's own lines. */
    int *line_map;
    size_t lines, alloc;
};

/* Print a final String or &str value as text, not as {:?} (-u). */
#define WRAP_UNQUOTE 1

/* A full program: code = body, identity line map. */
void wrap_program(const char *body, size_t len, struct wrapped *out);
/* A snippet, as described above; flags: WRAP_UNQUOTE. */
void wrap_snippet(const char *body, size_t len, int flags, struct wrapped *out);
/* A line filter (-l): pre runs first, filter once per line of stdin with `line` (String) and
 * `i` (1-based) in scope, its non-() value printed; then post.  Filter lines map to 1..n. */
void wrap_loop(const char *pre, const char *filter, const char *post, int flags,
               struct wrapped *out);
/* A top-level piece of a snippet: an item or `use` declaration (with its attributes and the
 * comments before it), or a statement (the final expression included).  For cthag -r, which
 * keeps a session's items for later entries. */
struct wrap_piece {
    size_t from, to; /* bytes of the body */
    int is_item;
};
/* The snippet's pieces in order, after its inner attributes (which are not returned).
 * Returns the count; *pieces is malloc'd (NULL when none), the caller frees it. */
size_t wrap_split(const char *body, size_t len, struct wrap_piece **pieces);
/* Script line for a generated line (1-based), or 0 when the line is cthag's. */
int wrap_script_line(const struct wrapped *w, int generated_line);
void wrap_release(struct wrapped *w);

#endif
