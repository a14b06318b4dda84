/* What names an entry and what its executable was built from (DESIGN §3): the cache owns both.
 *
 * Entry identity: the script's canonical path (for a URL its raw URL; for -e/-s/-l,
 * "content:<hash>" of their text and of -B/-E/-M) plus the options that make a different
 * executable, as text.  The entry's name in the cache is <stem>-<16 hex of the identity>
 * (cache_entry_init).  The cached path computes
 * it on every run, so it reads only the command line, never the config file.
 *
 * Build key: XXH3-128 over the generated Cargo.toml and source, the options, the profile, the
 * registry and the machine.  A record whose key is the one of today's generated project was
 * built from the same text (cache/freshness.h then decides about the files it read). */
#ifndef CTHAG_CACHE_IDENTITY_H
#define CTHAG_CACHE_IDENTITY_H

#include "cache/cache.h"
#include "cache/record.h"
#include "options.h"
#include "util/hash.h"
#include "util/strbuf.h"

struct entry_identity {
    /* The script's canonical path, its raw URL, or "content:<hash>" for -e/-s/-l: what the
     * record names.
     * NULL when a script file cannot be resolved (the slow path, reading it, says why). */
    char *source;
    struct strbuf opts; /* the options that change the build, as text (or its hash) */
    /* --registry-dir of the command line, or NULL: not part of the identity (one entry per
     * script), but a record built for another registry is not fresh (identity_registry_ok). */
    const char *registry_dir;
};

/* How a source of this kind is named where it has no file name: "script", "expr", "stdin",
 * "loop" (the entry's stem, argv[0] of the script); "url" for a URL, whose entry is named
 * after its file. */
const char *identity_kind_name(enum source_kind kind);
/* Identify the source o names (content: the text of -e/-s; unused for a file) and, when it
 * could be, fill in the entry's names and paths under root.  e is left zeroed otherwise. */
void identity_init(struct entry_identity *id, struct cache_entry *e, const struct options *o,
                   const char *root, const char *content, size_t content_len);
void identity_release(struct entry_identity *id);
/* The record is this entry's: the same script (or content) with the same options. */
int identity_owns_record(const struct entry_identity *id, const struct entry_record *rec);
/* The record was built for the registry a build would use now: --registry-dir, else the config
 * file's (as it was at the build: the config file is an input of the record). */
int identity_registry_ok(const struct entry_identity *id, const struct entry_record *rec);

/* What the build key covers besides the fixed format version and the machine. */
struct build_key_input {
    const char *manifest;   /* the generated Cargo.toml */
    const char *code;       /* the source cargo compiles (the script itself when in place) */
    size_t code_len;
    const char *opts;       /* entry_identity.opts */
    int release;
    const char *registry_dir; /* NULL for crates.io */
};
void identity_build_key(const struct build_key_input *in, char key[HASH_HEX_LEN + 1]);

#endif
