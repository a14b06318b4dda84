/* Semantic versions and cargo's version requirements, after the semver crate cargo uses:
 * a requirement is comparators separated by commas, each an operator (=, >, >=, <, <=, ~, ^, or
 * none: ^) and a version whose minor and patch may be left out or be wildcards.  A pre-release
 * version is accepted only by a requirement that names a pre-release of the same
 * MAJOR.MINOR.PATCH, so that `^1` never picks 1.1.0-alpha. */
#include "cargo/semver.h"

#include <stdio.h>
#include <string.h>

static int parse_number(const char **p, unsigned long long *n)
{
    const char *s = *p;
    if (*s < '0' || *s > '9')
        return -1;
    *n = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (*n > (~0ULL - 9) / 10)
            return -1;
        *n = *n * 10 + (unsigned long long)(*s - '0');
    }
    *p = s;
    return 0;
}

/* [-PRE][+BUILD] after the numbers; *p is left after them. */
static void parse_suffix(const char **p, const char **pre, size_t *pre_len)
{
    *pre = "";
    *pre_len = 0;
    if (**p == '-') {
        *pre = ++*p;
        *pre_len = strcspn(*p, "+, \t<>=^~*");
        *p += *pre_len;
    }
    if (**p == '+')
        *p += 1 + strcspn(*p + 1, ", \t");
}

int semver_parse(const char *text, struct semver *v)
{
    const char *p = text;
    if (parse_number(&p, &v->major) || *p++ != '.' || parse_number(&p, &v->minor) ||
        *p++ != '.' || parse_number(&p, &v->patch))
        return -1;
    parse_suffix(&p, &v->pre, &v->pre_len);
    return *p ? -1 : 0;
}

static int compare_numbers(unsigned long long a, unsigned long long b)
{
    return a < b ? -1 : a > b;
}

/* One pre-release identifier against another, as semver orders them: numeric ones numerically
 * (they have no leading zeros, so the shorter is smaller) and below alphanumeric ones, which
 * compare as ASCII. */
static int compare_identifier(const char *a, size_t an, const char *b, size_t bn)
{
    int anum = strspn(a, "0123456789") >= an, bnum = strspn(b, "0123456789") >= bn;
    if (anum != bnum)
        return anum ? -1 : 1;
    if (anum && an != bn)
        return an < bn ? -1 : 1;
    int c = strncmp(a, b, an < bn ? an : bn);
    if (c)
        return c < 0 ? -1 : 1;
    return an < bn ? -1 : an > bn;
}

/* Dot-separated identifiers left to right; a prefix comes first; no pre-release at all (a
 * release) above any. */
static int compare_pre(const char *a, size_t alen, const char *b, size_t blen)
{
    if (!alen || !blen)
        return alen ? -1 : blen ? 1 : 0;
    for (;;) {
        size_t an = strcspn(a, "."), bn = strcspn(b, ".");
        an = an < alen ? an : alen;
        bn = bn < blen ? bn : blen;
        int c = compare_identifier(a, an, b, bn);
        if (c)
            return c;
        if (an == alen || bn == blen)
            return an == alen ? -(bn != blen) : 1;
        a += an + 1;
        alen -= an + 1;
        b += bn + 1;
        blen -= bn + 1;
    }
}

int semver_compare(const struct semver *a, const struct semver *b)
{
    int c = compare_numbers(a->major, b->major);
    if (!c)
        c = compare_numbers(a->minor, b->minor);
    if (!c)
        c = compare_numbers(a->patch, b->patch);
    return c ? c : compare_pre(a->pre, a->pre_len, b->pre, b->pre_len);
}

int semver_compare_text(const char *a, const char *b)
{
    struct semver va, vb;
    int ha = !semver_parse(a, &va), hb = !semver_parse(b, &vb);
    if (!ha || !hb)
        return ha - hb;
    return semver_compare(&va, &vb);
}

void semver_series(const struct semver *v, const char *text, struct strbuf *out)
{
    if (v->pre_len)
        strbuf_addstr(out, text);
    else if (v->major)
        strbuf_addf(out, "%llu", v->major);
    else if (v->minor)
        strbuf_addf(out, "0.%llu", v->minor);
    else
        strbuf_addf(out, "0.0.%llu", v->patch);
}

/* ---- requirements ---- */

enum op { OP_EXACT, OP_GREATER, OP_GREATER_EQ, OP_LESS, OP_LESS_EQ, OP_TILDE, OP_CARET,
          OP_WILDCARD };

struct comparator {
    enum op op;
    unsigned long long major, minor, patch;
    int has_minor, has_patch;
    int any; /* "*": every release */
    const char *pre;
    size_t pre_len;
};

static void skip_space(const char **p)
{
    while (**p == ' ' || **p == '\t')
        ++*p;
}

static enum op parse_op(const char **p, int *given)
{
    static const struct {
        const char *text;
        enum op op;
    } ops[] = {{">=", OP_GREATER_EQ}, {"<=", OP_LESS_EQ}, {"=", OP_EXACT}, {">", OP_GREATER},
               {"<", OP_LESS},        {"~", OP_TILDE},    {"^", OP_CARET}};
    for (size_t i = 0; i < sizeof(ops) / sizeof(*ops); i++) {
        size_t n = strlen(ops[i].text);
        if (!strncmp(*p, ops[i].text, n)) {
            *p += n;
            *given = 1;
            return ops[i].op;
        }
    }
    *given = 0;
    return OP_CARET;
}

static int is_wildcard(char c)
{
    return c == '*' || c == 'x' || c == 'X';
}

/* A numeric part, or a wildcard (*has = 0, *wild = 1); -1 when neither. */
static int parse_part(const char **p, unsigned long long *n, int *has, int *wild)
{
    if (is_wildcard(**p)) {
        ++*p;
        *has = 0;
        *wild = 1;
        return 0;
    }
    *has = 1;
    return parse_number(p, n);
}

/* One comparator; *p is left after it. */
static int parse_comparator(const char **p, struct comparator *c)
{
    int given, has_major = 1, wild = 0;
    memset(c, 0, sizeof(*c));
    skip_space(p);
    c->op = parse_op(p, &given);
    skip_space(p);
    if (parse_part(p, &c->major, &has_major, &wild))
        return -1;
    if (has_major && **p == '.') {
        ++*p;
        if (parse_part(p, &c->minor, &c->has_minor, &wild))
            return -1;
        if (c->has_minor && **p == '.') {
            ++*p;
            if (parse_part(p, &c->patch, &c->has_patch, &wild))
                return -1;
        }
    }
    if (c->has_patch)
        parse_suffix(p, &c->pre, &c->pre_len);
    else
        c->pre = "";
    /* "1.*" as an exact match of the parts given; "*" and "1.2.*" past a parsed part too */
    if (wild && !given)
        c->op = OP_WILDCARD;
    c->any = !has_major;
    skip_space(p);
    return 0;
}

static int matches_exact(const struct comparator *c, const struct semver *v)
{
    return v->major == c->major && (!c->has_minor || v->minor == c->minor) &&
           (!c->has_patch || v->patch == c->patch) &&
           !compare_pre(v->pre, v->pre_len, c->pre, c->pre_len);
}

/* v above the comparator's version (sign 1) or below it (sign -1), in the parts it gives. */
static int matches_beyond(const struct comparator *c, const struct semver *v, int sign)
{
    if (v->major != c->major)
        return compare_numbers(v->major, c->major) == sign;
    if (!c->has_minor)
        return 0;
    if (v->minor != c->minor)
        return compare_numbers(v->minor, c->minor) == sign;
    if (!c->has_patch)
        return 0;
    if (v->patch != c->patch)
        return compare_numbers(v->patch, c->patch) == sign;
    return compare_pre(v->pre, v->pre_len, c->pre, c->pre_len) == sign;
}

static int matches_tilde(const struct comparator *c, const struct semver *v)
{
    if (v->major != c->major || (c->has_minor && v->minor != c->minor))
        return 0;
    if (c->has_patch && v->patch != c->patch)
        return v->patch > c->patch;
    return compare_pre(v->pre, v->pre_len, c->pre, c->pre_len) >= 0;
}

static int matches_caret(const struct comparator *c, const struct semver *v)
{
    if (v->major != c->major)
        return 0;
    if (!c->has_minor)
        return 1;
    if (!c->has_patch)
        return c->major > 0 ? v->minor >= c->minor : v->minor == c->minor;
    if (c->major > 0) {
        if (v->minor != c->minor)
            return v->minor > c->minor;
        if (v->patch != c->patch)
            return v->patch > c->patch;
    } else if (c->minor > 0) {
        if (v->minor != c->minor)
            return 0;
        if (v->patch != c->patch)
            return v->patch > c->patch;
    } else if (v->minor != c->minor || v->patch != c->patch) {
        return 0;
    }
    return compare_pre(v->pre, v->pre_len, c->pre, c->pre_len) >= 0;
}

static int matches_one(const struct comparator *c, const struct semver *v)
{
    if (c->any)
        return 1;
    switch (c->op) {
    case OP_EXACT:
    case OP_WILDCARD:
        return matches_exact(c, v);
    case OP_GREATER:
        return matches_beyond(c, v, 1);
    case OP_GREATER_EQ:
        return matches_exact(c, v) || matches_beyond(c, v, 1);
    case OP_LESS:
        return matches_beyond(c, v, -1);
    case OP_LESS_EQ:
        return matches_exact(c, v) || matches_beyond(c, v, -1);
    case OP_TILDE:
        return matches_tilde(c, v);
    case OP_CARET:
        return matches_caret(c, v);
    }
    return 0;
}

/* A pre-release is accepted only where a comparator names one of the same version. */
static int pre_is_compatible(const struct comparator *c, const struct semver *v)
{
    return c->major == v->major && c->has_minor && c->minor == v->minor && c->has_patch &&
           c->patch == v->patch && c->pre_len;
}

int semver_matches(const char *req, const char *version)
{
    struct semver v;
    if (semver_parse(version, &v))
        return -1;
    const char *p = req;
    skip_space(&p);
    int all = 1, pre_ok = 0;
    while (*p) {
        struct comparator c;
        if (parse_comparator(&p, &c))
            return -1;
        all &= matches_one(&c, &v);
        pre_ok |= pre_is_compatible(&c, &v);
        if (*p == ',')
            p++;
        else if (*p)
            return -1;
    }
    return all && (!v.pre_len || pre_ok);
}
