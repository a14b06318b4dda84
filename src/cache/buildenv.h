/* What reaches a build besides the files of the crates cargo compiles (DESIGN §3, Freshness):
 *
 *   - the toolchain: the rustc cargo runs, as rustup resolves it for a cargo started in "/"
 *     (+toolchain, RUSTUP_TOOLCHAIN, /rust-toolchain(.toml), settings.toml's default, the
 *     toolchain directory), or $RUSTC, or the rustc on PATH; identified by the stat data of its
 *     binary (an update replaces the toolchain's files), of rustup's settings.toml and
 *     toolchains/ directory (a default changed, a toolchain linked or retargeted) and of "/" (a
 *     rust-toolchain file appearing where cargo starts);
 *   - cargo's configuration: the environment's CARGO_* build, profile, target, registry and
 *     unstable variables, RUSTFLAGS & co. (a variable that appears counts: the whole matching
 *     set is hashed, not the names seen once), the config files cargo reads when started in "/"
 *     (/.cargo/config(.toml), $CARGO_HOME/config(.toml)) and cthag's own config file, which the
 *     cached path does not read;
 *   - which cargo and rustc PATH finds when $CARGO / $RUSTC do not say.
 *
 * buildenv_config_hash() runs on every cached run: a scan of environ and a PATH lookup of cargo
 * and rustc (a few access() calls), no process.  buildenv_snapshot() runs once per build, after
 * cargo: it asks rustup (or rustc) which compiler that was, unless the previous record's answer
 * still holds, and records the files above as the record's configuration group. */
#ifndef CTHAG_CACHE_BUILDENV_H
#define CTHAG_CACHE_BUILDENV_H

#include "cache/record.h"
#include "util/hash.h"

/* The hash of the build configuration the environment holds now. */
void buildenv_config_hash(char out[HASH_HEX_LEN + 1]);

struct buildenv_request {
    const char *toolchain;     /* +TOOLCHAIN of the command line, or NULL */
    const char *config_file;   /* cthag's config file (read or not: its appearance counts) */
    /* The previous record of the entry when its configuration group is still what it says (all
     * its stat data unchanged): its toolchain is reused without asking rustup. */
    const struct entry_record *unchanged;
    long long stamp;           /* the build's stamp: a file changed since is recorded unknown */
};

/* Record the toolchain (rec->rustc, rec->sysroot) and the configuration files in rec's
 * configuration group; rec->config gets buildenv_config_hash().  When the compiler cannot be
 * found or asked, rec->uncacheable says why (the build itself succeeded: cargo found one). */
void buildenv_snapshot(const struct buildenv_request *req, struct entry_record *rec);

#endif
