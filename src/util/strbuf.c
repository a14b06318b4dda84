#include "util/strbuf.h"

#include "util/chars.h"

#include "util/die.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char strbuf_empty[1];

void strbuf_init(struct strbuf *sb)
{
    sb->alloc = 0;
    sb->len = 0;
    sb->buf = strbuf_empty;
}

void strbuf_release(struct strbuf *sb)
{
    if (sb->alloc)
        free(sb->buf);
    strbuf_init(sb);
}

char *strbuf_detach(struct strbuf *sb)
{
    char *result = sb->alloc ? sb->buf : xstrdup("");
    strbuf_init(sb);
    return result;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
    if (extra >= SIZE_MAX - sb->len)
        die_out_of_memory();
    if (sb->len + extra + 1 <= sb->alloc)
        return;
    size_t want = sb->len + extra + 1;
    size_t alloc = sb->alloc ? sb->alloc : 64;
    while (alloc < want)
        alloc = alloc < SIZE_MAX / 3 ? alloc / 2 * 3 + 16 : want;
    if (sb->alloc) {
        sb->buf = xrealloc(sb->buf, alloc);
    } else {
        sb->buf = xmalloc(alloc);
        sb->buf[0] = '\0';
    }
    sb->alloc = alloc;
}

void strbuf_reset(struct strbuf *sb)
{
    strbuf_setlen(sb, 0);
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
    if (!sb->alloc)
        return;
    sb->len = len;
    sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
    if (!len)
        return;
    strbuf_grow(sb, len);
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
    char ch = (char)c;
    strbuf_add(sb, &ch, 1);
}

/* One formatting pass when the text fits the room there is (most do: the room grows by at
 * least 64 bytes first), a second one only for what does not. */
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list copy;
    strbuf_grow(sb, 64);
    va_copy(copy, ap);
    int needed = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, copy);
    va_end(copy);
    if (needed <= 0) {
        sb->buf[sb->len] = '\0';
        return;
    }
    if ((size_t)needed >= sb->alloc - sb->len) {
        strbuf_grow(sb, (size_t)needed);
        vsnprintf(sb->buf + sb->len, (size_t)needed + 1, fmt, ap);
    }
    sb->len += (size_t)needed;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

void strbuf_add_utf8(struct strbuf *sb, unsigned long cp)
{
    if (cp < 0x80) {
        strbuf_addch(sb, (int)cp);
    } else if (cp < 0x800) {
        strbuf_addch(sb, (int)(0xC0 | (cp >> 6)));
        strbuf_addch(sb, (int)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        strbuf_addch(sb, (int)(0xE0 | (cp >> 12)));
        strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3F)));
        strbuf_addch(sb, (int)(0x80 | (cp & 0x3F)));
    } else {
        strbuf_addch(sb, (int)(0xF0 | (cp >> 18)));
        strbuf_addch(sb, (int)(0x80 | ((cp >> 12) & 0x3F)));
        strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3F)));
        strbuf_addch(sb, (int)(0x80 | (cp & 0x3F)));
    }
}

void strbuf_rtrim(struct strbuf *sb)
{
    while (sb->len && char_in((unsigned char)sb->buf[sb->len - 1], " \t\r\n"))
        sb->len--;
    strbuf_setlen(sb, sb->len);
}
