/* Compiler diagnostics shown in the script's terms: rustc reports positions in the generated
 * source; the user sees the script's name, lines and columns, and never cthag's own text.
 *
 * A diagnostic that shows only lines the generated source has verbatim keeps rustc's rendering
 * (colours included) with its locations renamed.  One that touches cthag's text (main's opening
 * on a script's first line, the printing of a final value, -l's loop, a path made absolute) is
 * rendered by cthag from the message's spans: cthag's text cut off the spans, labels and notes
 * about it dropped, a span that is only cthag's reported where it stands in the script (e.g. "the
 * end of the expression").  A warning about cthag's own text alone is not shown. */
#ifndef CTHAG_CARGO_DIAG_H
#define CTHAG_CARGO_DIAG_H

#include "util/json.h"
#include "util/strbuf.h"
#include "script/wrap.h"

struct diag_part {
    const char *name; /* how messages name it, e.g. "demo/fib.rs", "<expr>", "<begin>" */
    const char *what; /* in words, for "the end of ...": "the script", "the filter" */
};

struct diag_map {
    const char *generated_name;         /* the file name rustc reports, e.g. "fib.rs" */
    struct diag_part parts[WRAP_PARTS]; /* names of the parts (unused ones may be NULL) */
    const struct wrapped *code;
};

/* Append one compiler message (the "message" object of cargo's compiler-message) in the
 * script's terms, as described above; nothing when it is a warning about cthag's text. */
void diag_message(const struct diag_map *map, const struct json *message, struct strbuf *out);
/* Append rustc's rendering of a diagnostic with its locations in the generated source renamed
 * to the script's (no layout changes: for diagnostics that show only verbatim lines). */
void diag_rewrite(const struct diag_map *map, const char *rendered, struct strbuf *out);

/* In free text (a test's output, a panic message): "GENERATED:LINE:COL" renamed to the
 * script's name, line and column. */
void diag_rename(const struct diag_map *map, struct strbuf *text);

#endif
