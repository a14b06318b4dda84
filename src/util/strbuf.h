/* A growable, always NUL-terminated byte string: the one buffer type used everywhere.
 *
 * Invariant: buf[len] == '\0' and len < alloc (or buf points at a static "" when alloc == 0).
 * The struct owns buf; strbuf_release() frees it, strbuf_detach() hands it to the caller. */
#ifndef CTHAG_UTIL_STRBUF_H
#define CTHAG_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    size_t alloc;
    size_t len;
    char *buf;
};

#define STRBUF_INIT {0, 0, strbuf_empty}
extern char strbuf_empty[];

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Return the buffer (malloc'd, caller frees) and reset sb to empty. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_reset(struct strbuf *sb);
void strbuf_setlen(struct strbuf *sb, size_t len);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Append a Unicode scalar value as UTF-8. */
void strbuf_add_utf8(struct strbuf *sb, unsigned long codepoint);
/* Remove trailing whitespace. */
void strbuf_rtrim(struct strbuf *sb);

#endif
