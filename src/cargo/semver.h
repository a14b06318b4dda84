/* Versions and version requirements as cargo reads them (the semver crate's rules): what a
 * dependency's requirement accepts, which release is newer, and the range `cargo add` writes
 * for a release ("1" for 1.2.3, "0.10" for 0.10.4). */
#ifndef CTHAG_CARGO_SEMVER_H
#define CTHAG_CARGO_SEMVER_H

#include "util/strbuf.h"

#include <stddef.h>

/* A version: MAJOR.MINOR.PATCH[-PRE][+BUILD]; build metadata is ignored, as semver orders. */
struct semver {
    unsigned long long major, minor, patch;
    const char *pre; /* after '-', up to '+' or the end, in the parsed text; "" for a release */
    size_t pre_len;
};

/* 0, or -1 when text is not a version.  v->pre points into text. */
int semver_parse(const char *text, struct semver *v);
/* <0, 0, >0 as semver orders a and b (pre-releases below their release). */
int semver_compare(const struct semver *a, const struct semver *b);
/* The same for two version texts; a text that is not a version sorts below every version. */
int semver_compare_text(const char *a, const char *b);

/* cargo's compatibility series of a version: "1" for 1.2.3, "0.4" for 0.4.7, "0.0.3" for 0.0.3,
 * and for a pre-release the whole version (`^1` accepts no 1.1.0-alpha).  Cargo keeps at most
 * one version of a series in a graph.  This is also the range written for an inferred crate:
 * `"1"` accepts exactly the series of 1.2.3. */
void semver_series(const struct semver *v, const char *text, struct strbuf *out);

/* Does the requirement ("1.2", "^0.4", "=1.0.3", ">=1, <2", "~1.2", "1.*", "*", "") accept
 * version?  -1 when req is not a requirement cargo reads. */
int semver_matches(const char *req, const char *version);

#endif
