#include "util/suggest.h"

#include <string.h>

size_t suggest_distance(const char *a, size_t m, const char *b, size_t n)
{
    size_t d[64][64];
    if (m >= 64 || n >= 64)
        return (size_t)-1;
    for (size_t i = 0; i <= m; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= n; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= m; i++) {
        for (size_t j = 1; j <= n; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[m][n];
}

const char *suggest_nearest(const char *word, const char *const *candidates)
{
    size_t len = strlen(word), best = 3;
    const char *nearest = NULL;
    for (const char *const *c = candidates; *c; c++) {
        size_t d = suggest_distance(word, len, *c, strlen(*c));
        if (d < best && d < len) {
            best = d;
            nearest = *c;
        }
    }
    return nearest;
}
