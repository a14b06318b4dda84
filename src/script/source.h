/* Reading a script: validating its bytes, finding its embedded manifest (any of the four formats
 * the ecosystem uses) and deciding whether it is a full program or a snippet.
 *
 * The body handed to cargo keeps every line of the script at its original line number: the
 * shebang and a frontmatter block are replaced by empty lines, comments stay as they are. */
#ifndef CTHAG_SCRIPT_SOURCE_H
#define CTHAG_SCRIPT_SOURCE_H

#include "util/strbuf.h"

#include <sys/stat.h>

enum manifest_format {
    MANIFEST_NONE,
    MANIFEST_THAG,        /* a comment block starting with [toml] */
    MANIFEST_CARGO_DOC,   /* rust-script: ```cargo fence in the crate doc (//! lines or a doc block) */
    MANIFEST_CARGO_DEPS,  /* rust-script: // cargo-deps: a, b="1" */
    MANIFEST_FRONTMATTER, /* cargo -Zscript: --- / ---cargo block at the top */
};

struct script {
    const char *name;        /* how messages name the script (its path, or "<expr>") */
    struct strbuf text;      /* the bytes as read */
    struct strbuf body;      /* the Rust source cargo compiles, same line numbers as text */
    struct strbuf manifest;  /* the embedded manifest as TOML text, empty when none */
    int manifest_line;       /* script line holding the manifest's first TOML line */
    int manifest_block_line; /* script line where its block (fence, comment, line) starts */
    enum manifest_format format;
    int main_count;          /* top-level `fn main` items */
    int main_total;          /* `fn main` at any depth */
    int main_lines[2];       /* lines of the first two */
};

/* The file a script name designates: name itself, or, as rust-script finds it, NAME.ers or
 * NAME.rs when NAME has no extension and no file of that name exists.  The result is name or
 * a copy that lives as long as the process. */
const char *source_find_script(const char *name);
/* The largest script cthag reads, from a file or from standard input. */
#define SOURCE_MAX_BYTES (64 * 1024 * 1024)

/* Read the file at path into text, and its stat data as of before the read into st (so a change
 * made while cthag works is seen as a change next time).  Prints a one-line error naming the path
 * and returns -1 for a missing, unreadable or non-regular file. */
int source_read(const char *path, struct strbuf *text, struct stat *st);
/* Validate s->text (not empty, no NUL, valid UTF-8) and fill body, manifest and the mains.
 * Prints "cthag: NAME:LINE: problem" and returns -1 on bad input. */
int source_parse(struct script *s);
void source_release(struct script *s);
/* Name of a manifest format for messages. */
const char *source_format_name(enum manifest_format format);

#endif
