/* Compiler diagnostics shown against the script: rustc reports positions in the generated
 * source; the user sees the script's path and its own line numbers (shebang, frontmatter,
 * manifest blocks and snippet wrapping accounted for).  Colours (ANSI) are kept. */
#ifndef CTHAG_DIAG_H
#define CTHAG_DIAG_H

#include "wrap.h"
#include "util/strbuf.h"

struct diag_map {
    const char *generated_name; /* the file name rustc reports, e.g. "fib.rs" */
    const char *script_name;    /* what the user sees instead, e.g. "demo/fib.rs" */
    const struct wrapped *code; /* generated line -> script line */
};

/* The script line for a generated line; cthag's own lines count as the nearest script line
 * (the following one first: a wrapper's opening belongs to what it wraps). */
int diag_script_line(const struct diag_map *map, int generated_line);
/* Append the rendered diagnostic with its positions in the generated source rewritten. */
void diag_rewrite(const struct diag_map *map, const char *rendered, struct strbuf *out);

#endif
