#include "util/utf8.h"

/* The length of the valid sequence starting at p[i] (i < len), or 0 when it is invalid. */
static size_t sequence_length(const unsigned char *p, size_t len, size_t i)
{
    unsigned char c = p[i];
    size_t need = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
                               : (c & 0xF8) == 0xF0 ? 3 : 9;
    if (need == 9 || c == 0xC0 || c == 0xC1 || c > 0xF4 || (need && i + need >= len))
        return 0;
    unsigned long cp = need == 0 ? c : need == 1 ? c & 0x1F : need == 2 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k <= need; k++) {
        if ((p[i + k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i + k] & 0x3F);
    }
    static const unsigned long min_for[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for[need] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return need + 1;
}

long utf8_invalid_at(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        size_t n = sequence_length(p, len, i);
        if (!n)
            return (long)i;
        i += n;
    }
    return -1;
}

int utf8_valid(const char *text, size_t len)
{
    return utf8_invalid_at(text, len) < 0;
}

void utf8_lossy(const char *text, size_t len, struct strbuf *out)
{
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        size_t n = sequence_length(p, len, i);
        if (n) {
            strbuf_add(out, text + i, n);
            i += n;
        } else {
            strbuf_addstr(out, "\xEF\xBF\xBD");
            i++;
        }
    }
}

unsigned utf8_count_chars(const char *text, size_t len)
{
    unsigned n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)text[i] & 0xC0) != 0x80;
    return n;
}
