/* Turning a script into the source file cargo compiles, keeping every line of the script on its
 * own line number (so panics, line!() and backtraces report the script's lines), and remembering
 * which columns are the script's and which are cthag's (so diagnostics can be shown in the
 * script's terms).
 *
 * A program is copied as it is.  A snippet (statements and items; the last expression's value is
 * printed) becomes the body of `fn main() -> Result<(), Box<dyn Error>>`, as thag does.  cthag's
 * opening goes on the first line (on a line of the script that holds no code when there is one
 * before the code: a shebang, a manifest block, a comment); the printing of a final expression
 * goes around it; everything else follows the script's last line: the end of main, thag's prelude
 * (`Error`, `io`, `io::prelude::*`: the script's own imports shadow them, being inside main) and
 * the printing helper.  -l's three parts (-B, the filter, -E) follow one another on shared lines.
 *
 * A copy's relative paths would resolve against the copy's directory: given the script's
 * directory, out-of-line `mod x;` declarations (with or without #[path]) and include!,
 * include_str! and include_bytes! of a relative string literal get, on their own line, the
 * absolute path rustc would use for the original file. */
#ifndef CTHAG_SCRIPT_WRAP_H
#define CTHAG_SCRIPT_WRAP_H

#include "util/strbuf.h"

#include <stddef.h>

/* The parts of a script: -l has three; everything else only the main one. */
enum wrap_part { WRAP_PART_MAIN, WRAP_PART_BEGIN, WRAP_PART_END };
#define WRAP_PARTS 3

/* What a piece of the generated code is, in the script's terms. */
enum wrap_role {
    WRAP_COPY,     /* the part's text */
    WRAP_REPLACED, /* the part's text rewritten: a relative path made absolute */
    WRAP_START,    /* cthag's text where a part starts: fn main, the loop around the filter */
    WRAP_PATH,     /* cthag's #[path] for an out-of-line module */
    WRAP_VALUE,    /* printing a part's final value */
    WRAP_END,      /* cthag's text where a part ends: Ok(()), closing braces */
    WRAP_SUPPORT,  /* the prelude and helpers after the script */
};

/* One run of generated text on one line.  Segments are in generated order; every line of every
 * part has at least one WRAP_COPY segment (empty for an empty line). */
struct wrap_segment {
    int line;           /* generated line, from 1 */
    unsigned col, len;  /* generated columns [col, col + len), in characters from 0 */
    enum wrap_role role;
    enum wrap_part part;
    int part_line;      /* COPY/REPLACED: where it is in its part; cthag's text: what it stands */
    unsigned part_col;  /* for (e.g. the end of the part for WRAP_END and WRAP_SUPPORT) */
    char *original;     /* WRAP_REPLACED: the part's own text */
};

struct wrapped {
    struct strbuf code;
    size_t lines; /* lines of code, each ending with '\n' */
    struct wrap_segment *segments;
    size_t nsegments, alloc;
};

/* A position in the script's terms. */
struct wrap_position {
    enum wrap_part part;
    int line;          /* from 1; 0 when the position is nowhere near the script */
    unsigned col;      /* characters from 0 */
    enum wrap_role role; /* of the generated text that was located */
};

/* Print a final String or &str value as text, not as {:?} (-u). */
#define WRAP_UNQUOTE 1

struct wrap_options {
    int flags;              /* WRAP_UNQUOTE */
    const char *script_dir; /* relative module and include paths resolve here; NULL: as written */
};

/* A full program: the body with its relative paths resolved. */
void wrap_program(const char *body, size_t len, const struct wrap_options *o, struct wrapped *out);
/* A snippet, as described above. */
void wrap_snippet(const char *body, size_t len, const struct wrap_options *o, struct wrapped *out);
/* A snippet after other code (-e with -B, cthag -r's session): pre runs first, in the same
 * scope (its `let` bindings and items are the snippet's), then the snippet, whose final value
 * is printed.  Each keeps its own line numbers in messages (pre's are WRAP_PART_BEGIN's). */
void wrap_snippet_after(const char *pre, const char *body, size_t len,
                        const struct wrap_options *o, struct wrapped *out);
/* A line filter (-l): pre runs first, then filter once per line of stdin with `line` (String)
 * and `i` (1-based; still in scope for post) in scope, its non-() value printed; then post.
 * A final expression of pre or post is printed too.  A filter whose final expression is a
 * closure is rust-script's form instead (see wrap_loop_is_closure). */
void wrap_loop(const char *pre, const char *filter, const char *post,
               const struct wrap_options *o, struct wrapped *out);
/* Is the filter rust-script's form: code whose final expression is a closure (`|l| ..`,
 * `move |l| ..`)?  wrap_loop then evaluates it once and calls the closure with each line as a
 * &str, its newline kept (rust-script's read_line buffer), printing a non-() value; -B and -E
 * run before and after, `i` counting the lines for -E. */
int wrap_loop_is_closure(const char *filter, size_t len);

/* The first delimiter of a part that does not pair up within the part.  Wrapped, rustc would
 * pair it with cthag's own braces and point at those; the script must be told in its terms. */
struct wrap_unbalanced {
    int line;      /* of the part: the stray or wrong closer, or the opener left unclosed */
    char closer;   /* the closer found; 0 when the part ends with `opener` still open */
    char opener;   /* the opener `closer` does not match; 0 when nothing was open */
    int open_line; /* where `opener` is */
};
/* Do the part's (), [] and {} pair up (strings, chars, lifetimes and comments skipped)?  0 when
 * they do or when a string or comment runs to the end (rustc says that in the part's terms);
 * otherwise -1 with *u describing the first that does not. */
int wrap_check_delimiters(const char *part, size_t len, struct wrap_unbalanced *u);
/* Append the message for u (without the place), `what` naming the part: "the script". */
void wrap_describe_unbalanced(const struct wrap_unbalanced *u, const char *what,
                              struct strbuf *out);

/* Does the snippet prelude bring this first path segment into scope (it is then no crate)? */
int wrap_in_prelude(const char *name);

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
/* The main part's line shown on a generated line (1-based), or 0 when it shows none. */
int wrap_script_line(const struct wrapped *w, int generated_line);
/* Where generated (line, column in characters from 0) is in the script's terms. */
void wrap_locate(const struct wrapped *w, int line, unsigned col, struct wrap_position *pos);
/* A generated span in the script's terms: its script text (cthag's text at either end cut off),
 * or, when it is only cthag's text, where that stands. */
struct wrap_span {
    int own;             /* nothing of the script in it: start is what cthag's text stands for */
    int cut;             /* some of cthag's text was cut off */
    enum wrap_role role; /* own: the role of its text (WRAP_VALUE when any of it prints a value) */
    struct wrap_position start, end; /* end: the column after its last character */
};
/* Locate the generated span from (line_start, col_start) to (line_end, col_end), columns in
 * characters from 0, col_end exclusive. */
void wrap_locate_span(const struct wrapped *w, int line_start, unsigned col_start, int line_end,
                      unsigned col_end, struct wrap_span *span);
/* Append the text of a part's line as the script has it (cthag's text left out); returns 0,
 * or -1 when the part has no such line. */
int wrap_part_line(const struct wrapped *w, enum wrap_part part, int line, struct strbuf *out);
/* Does generated line `line` show exactly the main part's line of the same number and nothing
 * else (so rustc's own rendering of it is the script's)? */
int wrap_line_is_verbatim(const struct wrapped *w, int line);
void wrap_release(struct wrapped *w);

#endif
