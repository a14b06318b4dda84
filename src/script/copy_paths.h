/* Relative paths in a copy of the script, resolved as rustc resolves them for the original file
 * (see copy_paths.c).  Part of the wrap module: its edits are wrap_edit.h's. */
#ifndef CTHAG_SCRIPT_COPY_PATHS_H
#define CTHAG_SCRIPT_COPY_PATHS_H

#include "script/wrap_edit.h"

/* Add the edits that make the part's relative module and include paths absolute, against
 * script_dir (the script's directory): a #[path] before an out-of-line module, a relative
 * string literal replaced by the absolute path. */
void find_path_edits(const char *text, size_t len, const char *script_dir,
                     struct edit_list *edits);

#endif
