/* Builds without cargo (DESIGN §4): when only the script crate's own files changed since the
 * entry's last cargo build, cthag runs that crate's rustc command itself (cargo/replay.h): no
 * cargo, no cargo lock, a build at rustc's speed.  A new dependency-free entry gets its command
 * from a template, another entry's whose generated manifest is the same but for its names, so
 * snippets, -e/-s/-l and cthag -r entries need no cargo at all.  Anything else, or any doubt,
 * goes through cargo; -v says which way a build went and why.
 *
 * A command is kept with the record of the build it came from, and valid for that record's
 * configuration (generated manifest and lock, registry, options, toolchain, cargo's
 * configuration).  The freshness module says whether only the script crate's own files changed
 * since (freshness_classify()), or, for a template, whether its record's configuration is still
 * today's (freshness_config_holds()).  Besides, the compiler and every library the command reads
 * must have their recorded stat data. */
#ifndef CTHAG_DIRECT_H
#define CTHAG_DIRECT_H

#include "cache/cache.h"
#include "cache/freshness.h"
#include "cargo/build.h"
#include "cargo/diag.h"
#include "cargo/inferred.h"
#include "options.h"

enum direct_result {
    DIRECT_CARGO,  /* not possible, or in doubt: build with cargo (the reason noted) */
    DIRECT_BUILT,  /* built and committed */
    DIRECT_FAILED, /* rustc reported errors (shown): the build failed */
};

/* What was generated for the entry (generate.h's struct generated, as far as a build reads it). */
struct direct_project {
    const char *manifest;     /* the generated Cargo.toml */
    const char *in_place;     /* the script's path when compiled where it lives, else NULL */
    const char *copy_name;    /* else the generated source's name in the project directory */
    const char *code;         /* and its text */
    size_t code_len;
    const struct diag_map *diag;
    const struct inferred_list *inferred; /* the crates inferred, reported as for cargo's builds */
};

struct direct_request {
    const struct options *o;
    const struct cache_entry *entry;
    const struct entry_identity *id;
    struct direct_project p;
    struct build_inputs *in;
    const struct build_opts *bo;
};

/* Build the entry with rustc alone, if it may be (see above). */
enum direct_result direct_build(const struct direct_request *r);
/* For the wrapper of a cargo build of the entry: "COMPILER\nLIBSTD" of its kept command, when it
 * linked libstd dynamically (wrapper_request.libstd_hint); hint left empty otherwise. */
void direct_libstd_hint(const struct cache_entry *e, struct strbuf *hint);
/* After a successful cargo build whose script crate the wrapper captured at capture: keep its
 * command for the next builds of the entry, and as a template when it is dependency-free.
 * handed: the environment changes cthag gave cargo (build_environment()); rec: the record the
 * build was committed with. */
void direct_keep(const struct direct_request *r, const char *capture, const char *const *handed,
                 const struct entry_record *rec);

#endif
