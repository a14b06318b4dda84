/* One script run end to end: the cached fast path (stat, read the entry record, execv), else
 * read → generate → build under the entry lock → install → execv. */
#ifndef CTHAG_PIPELINE_H
#define CTHAG_PIPELINE_H

#include "options.h"

/* Returns cthag's exit status; on success in run mode it does not return (the script runs). */
int pipeline_run(const struct options *o);

#endif
