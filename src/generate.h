/* The slow path's first half: from the script's text to the project cargo compiles (DESIGN §2:
 * source → infer → toml/manifest → wrap), and the build key of that project.
 *
 *   generate_load()    source: read the file (or take -e/-s/-l's text), validate it, find its
 *                      manifest (or -M's), count its mains        → struct script
 *   generate_check()   code cthag wraps pairs its delimiters up    (a build failure otherwise)
 *   generate_project() infer the crates it uses, wrap it into a main.rs that keeps its lines (or
 *                      compile it in place), generate Cargo.toml, compute the build key
 *                                                                  → struct generated
 * Nothing is written here: the cache writes the project (cache_write_project). */
#ifndef CTHAG_GENERATE_H
#define CTHAG_GENERATE_H

#include "cache/cache.h"
#include "cache/identity.h"
#include "cargo/diag.h"
#include "cargo/inferred.h"
#include "config.h"
#include "options.h"
#include "script/source.h"
#include "script/wrap.h"
#include "util/hash.h"
#include "util/strbuf.h"
#include "util/strlist.h"

#include <sys/stat.h>

struct generated {
    struct strbuf script_dir; /* where the script's relative paths point */
    struct strbuf manifest;   /* Cargo.toml */
    struct strbuf file_name;  /* <stem>.rs, when the script's text had to change */
    const char *in_place;     /* the script's canonical path when compiled where it lives */
    struct wrapped code;      /* the source cargo compiles, with its map to the script's lines */
    struct diag_map diag;     /* how diagnostics name the script's parts */
    struct inferred_list inferred; /* the crates inference added, with their ranges */
    /* Environment variables the generated project was decided by (thag-auto's): the build
     * depends on their values as on env!'s. */
    struct strlist env_used;
    char key[HASH_HEX_LEN + 1];
};

/* What generating reads besides the script. */
struct generate_request {
    const struct options *o;
    const struct settings *set;
    const struct config *cfg;        /* the [infer] feature tables */
    const struct entry_identity *id; /* source: a script file's canonical path; opts for the key */
    const struct cache_entry *entry; /* the copy's stem, the package name */
};

/* The script's text (file's: the script's, or a URL's copy; or content: -e's and -s's),
 * validated, with its manifest (or -M's) found; st gets the file's stat data from before the
 * read (zeroed otherwise).  A script from a URL may not name files by relative paths (it has
 * no directory).  Prints the error and returns -1 for bad input. */
int generate_load(const struct options *o, const char *file, const struct strbuf *content,
                  struct script *s, struct stat *st);
/* Code cthag wraps must pair its delimiters up in itself: rustc would pair them with the braces
 * of cthag's fn main and point at those.  A program is rustc's to judge, as it is.  Prints the
 * error (in the script's terms) and returns -1 when they do not. */
int generate_check(const struct options *o, const struct script *s);
/* Infer, wrap, generate the manifest and compute the build key into g (zeroed by the caller).
 * Prints the error and returns -1 for a malformed manifest, GENERATE_STOPPED for names the
 * code uses that must not become crates (inferred.h).  generated_release() either way. */
#define GENERATE_STOPPED 1
int generate_project(const struct generate_request *r, const struct script *s,
                     struct generated *g);
void generated_release(struct generated *g);

#endif
