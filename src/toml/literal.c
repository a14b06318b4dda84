#include "toml/literal.h"

#include "util/chars.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a problem is written, and the value it is about. */
struct reading {
    const char *s;
    size_t n;
    char *problem;
    size_t size;
};

static const char *problem(struct reading *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *problem(struct reading *r, const char *fmt, ...)
{
    char what[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(r->problem, r->size, "%s in `%.*s`", what, (int)(r->n > 48 ? 48 : r->n), r->s);
    return r->problem;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int digit_value(int c)
{
    return is_digit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
}

size_t toml_literal_span(const char *s, const char *end)
{
    size_t n = 0;
    while (s + n < end && (char_in((unsigned char)s[n], "_+-.:") ||
                           (s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'z') ||
                           (s[n] >= 'A' && s[n] <= 'Z')))
        n++;
    /* A date, a space, then a time: one value. */
    if (n == 10 && s[4] == '-' && s[7] == '-' && s + 13 < end && s[10] == ' ' && is_digit(s[11]) &&
        is_digit(s[12]) && s[13] == ':')
        n += 1 + toml_literal_span(s + 11, end);
    return n;
}

/* ---- integers and floats ---- */

/* Digits of base with single underscores between them, from *p to end; the number of digits,
 * or -1 after writing the problem. */
static int scan_digits(struct reading *r, const char **p, const char *end, int base)
{
    int digits = 0;
    const char *start = *p;
    for (; *p < end; (*p)++) {
        if (**p == '_') {
            if (*p == start || *p + 1 == end || (*p)[1] == '_' || digit_value((*p)[1]) >= base) {
                problem(r, "misplaced underscore");
                return -1;
            }
            continue;
        }
        int v = digit_value(**p);
        /* 0b012, 0o8, 0o7a: a digit of another base; a decimal number just ends (1e5, 1.5). */
        if (v >= base && v < 16 && base != 10) {
            problem(r, "digit `%c` outside base %d", **p, base);
            return -1;
        }
        if (v >= base)
            break;
        digits++;
    }
    return digits;
}

/* The value of digits of base in [s, end) (underscores skipped), negated if negative; -1 when
 * it does not fit in 64 signed bits. */
static int accumulate(const char *s, const char *end, int base, int negative, int64_t *out)
{
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, value = 0;
    for (; s < end; s++) {
        if (*s == '_')
            continue;
        uint64_t d = (uint64_t)digit_value(*s);
        if (value > (limit - d) / (uint64_t)base)
            return -1;
        value = value * (uint64_t)base + d;
    }
    *out = negative ? (int64_t)(0 - value) : (int64_t)value;
    return 0;
}

static const char *read_radix_integer(struct reading *r, struct toml_literal *out)
{
    const char *s = r->s, *end = r->s + r->n;
    int base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
    const char *p = s + 2;
    int digits = scan_digits(r, &p, end, base);
    if (digits < 0)
        return r->problem;
    if (p < end && *p == '_')
        return problem(r, "misplaced underscore");
    if (!digits || p != end)
        return problem(r, p < end ? "unexpected `%c`" : "no digits", p < end ? *p : ' ');
    out->kind = LITERAL_INTEGER;
    if (accumulate(s + 2, end, base, 0, &out->integer))
        return problem(r, "integer beyond 64 bits");
    return NULL;
}

/* A decimal integer part: a sign, then 0 or digits not starting with 0. */
static const char *scan_decimal_part(struct reading *r, const char **p, const char *end)
{
    if (*p < end && (**p == '+' || **p == '-'))
        (*p)++;
    const char *digits = *p;
    int n = scan_digits(r, p, end, 10);
    if (n < 0)
        return r->problem;
    if (n == 0)
        return problem(r, *p < end ? "unexpected `%c`" : "no digits", *p < end ? **p : ' ');
    if (*digits == '0' && *p - digits > 1)
        return problem(r, "leading zero");
    return NULL;
}

static const char *read_float_value(struct reading *r, struct toml_literal *out)
{
    char *digits = malloc(r->n + 1);
    size_t k = 0;
    if (!digits)
        return problem(r, "out of memory");
    for (size_t i = 0; i < r->n; i++)
        if (r->s[i] != '_')
            digits[k++] = r->s[i];
    digits[k] = '\0';
    out->kind = LITERAL_FLOAT;
    out->real = strtod(digits, NULL);
    free(digits);
    if (isinf(out->real))
        return problem(r, "float beyond the range of 64-bit floats");
    return NULL;
}

static const char *read_number(struct reading *r, struct toml_literal *out)
{
    const char *s = r->s, *end = r->s + r->n, *p = s;
    const char *body = s + (*s == '+' || *s == '-');
    if ((size_t)(end - body) == 3 && (!memcmp(body, "inf", 3) || !memcmp(body, "nan", 3))) {
        out->kind = LITERAL_FLOAT;
        out->real = body[0] == 'i' ? (*s == '-' ? -INFINITY : INFINITY) : NAN;
        return NULL;
    }
    if (end - body > 1 && body[0] == '0' && char_in(body[1], "xobXOB")) {
        if (body != s)
            return problem(r, "a sign before a hexadecimal, octal or binary number");
        if (char_in(body[1], "XOB"))
            return problem(r, "an uppercase radix prefix (write 0%c)", body[1] + 'a' - 'A');
        return read_radix_integer(r, out);
    }
    if (scan_decimal_part(r, &p, end))
        return r->problem;
    int is_float = 0;
    if (p < end && *p == '.') {
        p++;
        is_float = 1;
        if (p == end || !is_digit(*p))
            return problem(r, "no digits after the decimal point");
        if (scan_digits(r, &p, end, 10) < 0)
            return r->problem;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        is_float = 1;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || !is_digit(*p))
            return problem(r, "no digits in the exponent");
        if (scan_digits(r, &p, end, 10) < 0)
            return r->problem;
    }
    if (p != end)
        return NULL; /* not a number at all: the caller says so */
    if (is_float)
        return read_float_value(r, out);
    out->kind = LITERAL_INTEGER;
    if (accumulate(body, end, 10, *s == '-', &out->integer))
        return problem(r, "integer beyond 64 bits");
    return NULL;
}

/* ---- date-times ---- */

/* n digits at s as a number, or -1. */
static int two_or_four_digits(const char *s, const char *end, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s + i >= end || !is_digit(s[i]))
            return -1;
        v = v * 10 + s[i] - '0';
    }
    return v;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

static const char *read_date(struct reading *r, const char **p, const char *end)
{
    int year = two_or_four_digits(*p, end, 4);
    int month = *p + 7 <= end && (*p)[4] == '-' ? two_or_four_digits(*p + 5, end, 2) : -1;
    int day = *p + 10 <= end && (*p)[7] == '-' ? two_or_four_digits(*p + 8, end, 2) : -1;
    if (year < 0 || month < 0 || day < 0)
        return problem(r, "a malformed date (YYYY-MM-DD)");
    if (month < 1 || month > 12)
        return problem(r, "month %02d of a date", month);
    if (day < 1 || day > days_in_month(year, month))
        return problem(r, "day %02d of a month with %d days", day, days_in_month(year, month));
    *p += 10;
    return NULL;
}

/* HH:MM, then :SS and a fraction if given (TOML 1.1 makes the seconds optional). */
static const char *read_time(struct reading *r, const char **p, const char *end)
{
    int hour = two_or_four_digits(*p, end, 2);
    int minute = *p + 5 <= end && (*p)[2] == ':' ? two_or_four_digits(*p + 3, end, 2) : -1;
    if (hour < 0 || minute < 0)
        return problem(r, "a malformed time (HH:MM:SS)");
    if (hour > 23 || minute > 59)
        return problem(r, "%s %02d of a time", hour > 23 ? "hour" : "minute",
                       hour > 23 ? hour : minute);
    *p += 5;
    if (*p == end || **p != ':')
        return NULL;
    int second = two_or_four_digits(*p + 1, end, 2);
    if (second < 0)
        return problem(r, "a malformed time (HH:MM:SS)");
    if (second > 60)
        return problem(r, "second %02d of a time", second);
    *p += 3;
    if (*p < end && **p == '.') {
        const char *digits = ++*p;
        while (*p < end && is_digit(**p))
            (*p)++;
        if (*p == digits)
            return problem(r, "no digits after the decimal point");
    }
    return NULL;
}

static const char *read_offset(struct reading *r, const char **p, const char *end)
{
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        return NULL;
    }
    if (**p != '+' && **p != '-')
        return problem(r, "unexpected `%c`", **p);
    int hour = two_or_four_digits(*p + 1, end, 2);
    int minute = *p + 6 <= end && (*p)[3] == ':' ? two_or_four_digits(*p + 4, end, 2) : -1;
    if (hour < 0 || minute < 0)
        return problem(r, "a malformed offset (+HH:MM)");
    if (hour > 23 || minute > 59)
        return problem(r, "offset %s %02d", hour > 23 ? "hour" : "minute", hour > 23 ? hour : minute);
    *p += 6;
    return NULL;
}

static const char *read_datetime(struct reading *r, struct toml_literal *out)
{
    const char *p = r->s, *end = r->s + r->n;
    if (r->n >= 3 && r->s[2] == ':') {
        out->kind = LITERAL_LOCAL_TIME;
        if (read_time(r, &p, end))
            return r->problem;
        return p == end ? NULL : problem(r, "unexpected `%c` after a local time", *p);
    }
    if (read_date(r, &p, end))
        return r->problem;
    out->kind = LITERAL_LOCAL_DATE;
    if (p == end)
        return NULL;
    if (!char_in(*p, "Tt "))
        return problem(r, "unexpected `%c` after a date", *p);
    p++;
    out->kind = LITERAL_LOCAL_DATETIME;
    if (read_time(r, &p, end))
        return r->problem;
    if (p == end)
        return NULL;
    out->kind = LITERAL_OFFSET_DATETIME;
    if (read_offset(r, &p, end))
        return r->problem;
    return p == end ? NULL : problem(r, "unexpected `%c` after a date-time", *p);
}

static int looks_like_datetime(const char *s, size_t n)
{
    return (n >= 5 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
            s[4] == '-') ||
           (n >= 3 && is_digit(s[0]) && is_digit(s[1]) && s[2] == ':');
}

const char *toml_literal_read(const char *s, size_t n, struct toml_literal *out, char *message,
                              size_t size)
{
    struct reading r = {s, n, message, size};
    memset(out, 0, sizeof(*out));
    if ((n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5))) {
        out->kind = LITERAL_BOOL;
        out->boolean = n == 4;
        return NULL;
    }
    if (looks_like_datetime(s, n))
        return read_datetime(&r, out);
    const char *body = s + (n && (*s == '+' || *s == '-'));
    size_t rest = (size_t)(s + n - body);
    if ((rest && is_digit(*body)) ||
        (rest == 3 && (!memcmp(body, "inf", 3) || !memcmp(body, "nan", 3)))) {
        out->kind = (enum toml_literal_kind)-1;
        const char *wrong = read_number(&r, out);
        if (wrong || out->kind != (enum toml_literal_kind)-1)
            return wrong;
    }
    snprintf(message, size, "invalid value `%.*s` (strings need quotes)", (int)(n > 40 ? 40 : n), s);
    return message;
}
