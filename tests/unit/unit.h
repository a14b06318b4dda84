/* A minimal unit-test harness: CHECK* record failures with file:line and keep going;
 * unit_finish() prints a summary and gives the exit status. */
#ifndef CTHAG_UNIT_H
#define CTHAG_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_checks, unit_failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        unit_checks++;                                                                             \
        if (!(cond)) {                                                                             \
            unit_failures++;                                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);              \
        }                                                                                          \
    } while (0)

#define CHECK_STR(actual, expected)                                                                \
    do {                                                                                           \
        const char *a_ = (actual), *e_ = (expected);                                               \
        unit_checks++;                                                                             \
        if (!a_ || strcmp(a_, e_)) {                                                               \
            unit_failures++;                                                                       \
            fprintf(stderr, "%s:%d: %s\n  got:      [%s]\n  expected: [%s]\n", __FILE__,          \
                    __LINE__, #actual, a_ ? a_ : "(null)", e_);                                    \
        }                                                                                          \
    } while (0)

#define CHECK_INT(actual, expected)                                                                \
    do {                                                                                           \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                            \
        unit_checks++;                                                                             \
        if (a_ != e_) {                                                                            \
            unit_failures++;                                                                       \
            fprintf(stderr, "%s:%d: %s = %lld, expected %lld\n", __FILE__, __LINE__, #actual, a_,  \
                    e_);                                                                           \
        }                                                                                          \
    } while (0)

/* Does haystack contain needle? */
#define CHECK_CONTAINS(haystack, needle)                                                           \
    do {                                                                                           \
        const char *h_ = (haystack), *n_ = (needle);                                               \
        unit_checks++;                                                                             \
        if (!h_ || !strstr(h_, n_)) {                                                              \
            unit_failures++;                                                                       \
            fprintf(stderr, "%s:%d: [%s] does not contain [%s]\n", __FILE__, __LINE__,            \
                    h_ ? h_ : "(null)", n_);                                                       \
        }                                                                                          \
    } while (0)

static int unit_finish(const char *name)
{
    if (unit_failures) {
        fprintf(stderr, "%s: %d of %d checks FAILED\n", name, unit_failures, unit_checks);
        return 1;
    }
    printf("%s: %d checks passed\n", name, unit_checks);
    return 0;
}

#endif
