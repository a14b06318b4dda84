/* Internal to the script reader (source.c and the manifest finders, frontmatter.c): a script's
 * text line by line, and the two changes a manifest finder makes to a script (blanking the
 * lines of its block, recording where its manifest is). */
#ifndef CTHAG_SCRIPT_LINES_H
#define CTHAG_SCRIPT_LINES_H

#include "script/source.h"
#include "util/strbuf.h"

/* A view of one line of the script: [start, end) without the newline. */
struct line {
    const char *start, *end;
    int number;
};

/* The line at *pos of text (numbered one more than line's), *pos moved past it; 0 at the end. */
int source_next_line(const struct strbuf *text, size_t *pos, struct line *line);
/* p moved past blanks (space, tab, CR), up to end. */
const char *source_skip_ws(const char *p, const char *end);
/* Does the line start with prefix, after blanks? */
int source_line_starts_with(const struct line *l, const char *prefix);
/* Is [p, end) only blanks (space, tab, CR, VT, FF)? */
int source_is_blank_run(const char *p, const char *end);
/* [*from, *to): the text between p and end without surrounding blanks. */
void source_trim_span(const char *p, const char *end, const char **from, const char **to);
/* The first line from *pos that is not blank, or l->start NULL; *pos is left after it. */
void source_first_content_line(const struct strbuf *body, size_t *pos, struct line *l);
/* Make lines [from, to] of the body empty, keeping their newlines so line numbers do not move. */
void source_blank_lines(struct script *s, int from, int to);
/* Record where the manifest is; a script may have only one (an error naming both otherwise). */
int source_set_manifest(struct script *s, enum manifest_format format, int block_line,
                        int toml_line);

#endif
