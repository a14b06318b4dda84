/* Running cargo on a generated project, always with the one shared target directory. */
#ifndef CTHAG_BUILD_H
#define CTHAG_BUILD_H

#include "cache.h"
#include "util/strbuf.h"

struct build_opts {
    const char *toolchain;    /* "+nightly" passes "nightly"; NULL for the default */
    int release;
    const char *features;     /* --features value or NULL */
    int offline;
    const char *registry_dir; /* absolute path of a directory source, or NULL */
    int quiet;                /* capture cargo's output; show it only if the build fails */
};

/* $CARGO, else cargo on PATH, else ~/.cargo/bin/cargo.  Prints how to install Rust if none. */
int build_find_cargo(struct strbuf *cargo);
/* cargo build the entry's project.  0 on success; otherwise prints why and returns -1. */
int build_project(const struct cache_entry *e, const struct build_opts *o, const char *script_name);
/* Where that build leaves the executable. */
void build_output_path(const struct cache_entry *e, const struct build_opts *o, struct strbuf *out);

#endif
