/* "Did you mean": the name a misspelt one most likely meant (options, config keys). */
#ifndef CTHAG_UTIL_SUGGEST_H
#define CTHAG_UTIL_SUGGEST_H

#include <stddef.h>

/* Edits (insert, delete, substitute, swap two neighbours) from a to b; (size_t)-1 when either
 * is longer than 63 bytes. */
size_t suggest_distance(const char *a, size_t m, const char *b, size_t n);
/* The candidate (NULL-terminated list) word most likely meant: the nearest within two edits,
 * and fewer edits than word has letters; NULL when none is that close. */
const char *suggest_nearest(const char *word, const char *const *candidates);

#endif
