/* UTF-8 validation (strict: no overlongs, surrogates or values past U+10FFFF). */
#ifndef CTHAG_UTIL_UTF8_H
#define CTHAG_UTIL_UTF8_H

#include "util/strbuf.h"

#include <stddef.h>

/* Byte offset of the first invalid sequence, or -1 when all of it is valid UTF-8. */
long utf8_invalid_at(const char *text, size_t len);
int utf8_valid(const char *text, size_t len);
/* The number of characters in text (UTF-8: the bytes that do not continue a sequence). */
unsigned utf8_count_chars(const char *text, size_t len);
/* Append text with every invalid sequence replaced by U+FFFD. */
void utf8_lossy(const char *text, size_t len, struct strbuf *out);

#endif
