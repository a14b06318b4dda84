/* Cargo's frontmatter (RFC 3503): a manifest between `---cargo` (or `---`) and `---` lines at
 * the top of a script, as cargo -Zscript reads it, refused where cargo refuses it and with
 * cargo's words (fences of 3 to 255 dashes that match, nothing but blank lines before it, a
 * shebang aside, one block only, no targets, workspace or build script in it). */
#ifndef CTHAG_SCRIPT_FRONTMATTER_H
#define CTHAG_SCRIPT_FRONTMATTER_H

#include "script/source.h"

/* Find the script's frontmatter: its manifest recorded, its lines blanked in the body.  0 when
 * there is none; -1 (the error printed, "NAME:LINE: ...") when it is malformed. */
int frontmatter_find(struct script *s);

#endif
