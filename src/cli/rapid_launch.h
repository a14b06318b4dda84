/* cthag -r (--rapid, --repl): the interactive session.  It lives in a companion program,
 * cthag-rapid, installed beside cthag: the session needs a line-editing library (Debian's
 * libedit), which cannot be linked into the static cthag.  The companion evaluates every entry
 * by running this cthag (`cthag -e ...`), so wrapping, inference and the cache are the same. */
#ifndef CTHAG_CLI_RAPID_LAUNCH_H
#define CTHAG_CLI_RAPID_LAUNCH_H

#include "options.h"

/* Check that o makes sense for a session, then exec cthag-rapid with the options that apply to
 * every entry.  Returns (an exit status) only when it cannot. */
int rapid_launch(const struct options *o);

#endif
