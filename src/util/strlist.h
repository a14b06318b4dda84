/* An ordered list of owned strings, used as a small set (linear lookups: lists stay short). */
#ifndef CTHAG_UTIL_STRLIST_H
#define CTHAG_UTIL_STRLIST_H

#include <stddef.h>

struct strlist {
    char **items;
    size_t count, alloc;
};
#define STRLIST_INIT {NULL, 0, 0}

void strlist_add(struct strlist *list, const char *s);
/* Add unless already present. */
void strlist_add_unique(struct strlist *list, const char *s);
int strlist_contains(const struct strlist *list, const char *s);
void strlist_release(struct strlist *list);

#endif
