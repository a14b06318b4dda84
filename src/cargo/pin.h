/* --print-toml: the manifest block that pins what inference chose.  It is the script's own
 * embedded manifest with every inferred crate added under [dependencies] at the exact version
 * cargo locked for it ("=1.2.3") and with the features it got, as a thag [toml] comment block
 * or as --- frontmatter.  Pasted into the script in place of its manifest, it builds the same program
 * with inference off (-i none). */
#ifndef CTHAG_CARGO_PIN_H
#define CTHAG_CARGO_PIN_H

#include "script/source.h"
#include "util/strbuf.h"

enum pin_format { PIN_THAG, PIN_FRONTMATTER };

struct pin_input {
    const char *script_name; /* for messages */
    const char *user_toml;   /* the script's embedded manifest as TOML, or NULL */
    size_t user_len;
    const char *generated;   /* the Cargo.toml cthag generated for it */
    const char *lock;        /* the project's Cargo.lock after the build, or NULL */
    size_t lock_len;
    const char *package;     /* the project's package name in that lock */
    enum pin_format format;
};

/* Append the block to out.  Returns how many inferred crates the lock has no version for (they
 * stay "*"), or -1 with the error printed when a manifest cannot be read. */
int pin_block(const struct pin_input *in, struct strbuf *out);

/* Print the block for the built project in project_dir on standard output (the lock is read
 * from there); a one-line hint on how to use it goes to standard error.  Returns an exit status. */
int pin_print(struct pin_input *in, const char *project_dir, int quiet);

/* --print-toml after a build: pin_print() for script s (its own embedded manifest, if any),
 * given the manifest generated for it and the package name of its project. */
int pin_print_script(const struct script *s, const char *generated, const char *package,
                     const char *project_dir, enum pin_format format, int quiet);

#endif
