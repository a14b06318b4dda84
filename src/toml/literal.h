/* TOML's bare values: integers, floats, booleans and date-times, checked as TOML 1.1 defines
 * them (and as cargo reads them).  Part of the TOML reader (toml.c); separate because each form
 * has its own small grammar. */
#ifndef CTHAG_TOML_LITERAL_H
#define CTHAG_TOML_LITERAL_H

#include <stddef.h>
#include <stdint.h>

enum toml_literal_kind {
    LITERAL_INTEGER,
    LITERAL_FLOAT,
    LITERAL_BOOL,
    LITERAL_OFFSET_DATETIME, /* 1979-05-27T07:32:00Z */
    LITERAL_LOCAL_DATETIME,  /* 1979-05-27T07:32:00 */
    LITERAL_LOCAL_DATE,      /* 1979-05-27 */
    LITERAL_LOCAL_TIME,      /* 07:32:00 (seconds optional, as in TOML 1.1) */
};

struct toml_literal {
    enum toml_literal_kind kind;
    int64_t integer; /* LITERAL_INTEGER */
    double real;     /* LITERAL_FLOAT */
    int boolean;     /* LITERAL_BOOL */
};

/* How many bytes from s (before end) a bare value may span: the characters of numbers and
 * date-times, and the space of "1979-05-27 07:32:00". */
size_t toml_literal_span(const char *s, const char *end);
/* Check and decode the bare value s[0..n).  Returns NULL, or what is wrong with it (a message
 * that names the value, for "cthag: FILE:LINE: bad manifest: ..."), written into problem. */
const char *toml_literal_read(const char *s, size_t n, struct toml_literal *out, char *problem,
                              size_t size);

#endif
