/* Character-class helpers. */
#ifndef CTHAG_UTIL_CHARS_H
#define CTHAG_UTIL_CHARS_H

#include <string.h>

/* Is c one of the characters of set?  Unlike a bare strchr(), never true for '\0'. */
static inline int char_in(int c, const char *set)
{
    return c > 0 && strchr(set, c) != NULL;
}

#endif
