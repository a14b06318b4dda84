/* Which external crates a script's code uses, so that undeclared ones can be added to its
 * manifest: roots of `use` paths, `extern crate` names and the first segment of `foo::bar` paths,
 * minus std/core/alloc, crate/self/super, primitive types, names starting with a capital letter
 * (types), the script's own modules and items, and names brought in by `use`. */
#ifndef CTHAG_INFER_H
#define CTHAG_INFER_H

#include "util/strlist.h"

#include <stddef.h>

/* Append the crate names (as the code spells them, with underscores) in order of first use. */
void infer_crates(const char *body, size_t len, struct strlist *crates);

#endif
