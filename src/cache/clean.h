/* --clean bins|target|all: remove a part of the cache and say what was freed.
 *
 * bins: each executable under its entry's lock, taken without waiting (one being built or about
 * to run stays: "in use kept").  target and all: under the root lock taken exclusively
 * (cache_lock_root), which every build holds shared, so nothing goes under a build. */
#ifndef CTHAG_CACHE_CLEAN_H
#define CTHAG_CACHE_CLEAN_H

/* Remove and print one line saying what was freed.  -1 (the reason printed) for an unknown part
 * or a root that is not a cthag cache. */
int cache_clean(const char *root, const char *what);

#endif
