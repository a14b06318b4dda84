/* Cargo's frontmatter (RFC 3503), with cargo 1.95's rules and wording. */
#include "script/frontmatter.h"

#include "script/lines.h"
#include "toml/toml.h"
#include "util/die.h"

#include <string.h>

/* Longest fence cargo accepts. */
#define FRONTMATTER_MAX_DASHES 255

static size_t leading_dashes(const char *p, const char *end)
{
    size_t n = 0;
    while (p + n < end && p[n] == '-')
        n++;
    return n;
}

/* The opening line's info string: nothing or `cargo`, as cargo accepts. */
static int check_frontmatter_info(const struct script *s, const struct line *open,
                                  const char *info)
{
    const char *from, *to;
    source_trim_span(info, open->end, &from, &to);
    size_t n = (size_t)(to - from);
    if (n == 0 || (n == 5 && !memcmp(from, "cargo", 5)))
        return 0;
    if (n > 6 && !memcmp(from, "cargo,", 6))
        return error("%s:%d: unsupported frontmatter infostring attributes: `%.*s`", s->name,
                     open->number, (int)(n - 6), from + 6);
    return error("%s:%d: unsupported frontmatter infostring `%.*s`; specify `cargo` for "
                 "embedding a manifest", s->name, open->number, (int)n, from);
}

/* The first line from pos that starts with at least n dashes, or none (close->start NULL). */
static void find_dash_line(const struct strbuf *body, size_t pos, int number, size_t n,
                           struct line *found)
{
    struct line l = {NULL, NULL, number};
    while (source_next_line(body, &pos, &l))
        if (leading_dashes(l.start, l.end) >= n) {
            *found = l;
            return;
        }
    found->start = NULL;
}

/* No line with the opening's dashes: cargo names the nearest shorter fence, if any, looking
 * for up to dashes - 2 of them and counting as it does (a line one dash short is "1 less"). */
static int unclosed_frontmatter(const struct script *s, const struct line *open, size_t pos,
                                size_t dashes)
{
    struct line close;
    for (size_t n = dashes - 2; n >= 1; n--) {
        find_dash_line(&s->body, pos, open->number, n, &close);
        if (close.start)
            return error("%s:%d: closing code fence has %zu less `-` than the opening fence",
                         s->name, close.number, dashes - 1 - n);
    }
    struct strbuf fence = STRBUF_INIT;
    while (fence.len < dashes)
        strbuf_addch(&fence, '-');
    error("%s:%d: unclosed frontmatter; expected `%s`", s->name, open->number, fence.buf);
    strbuf_release(&fence);
    return -1;
}

static int check_closing_fence(const struct script *s, const struct line *close, size_t dashes)
{
    size_t extra = leading_dashes(close->start, close->end) - dashes;
    if (extra)
        return error("%s:%d: closing code fence has %zu more `-` than the opening fence",
                     s->name, close->number, extra);
    if (!source_is_blank_run(close->start + dashes, close->end))
        return error("%s:%d: unexpected characters after frontmatter close", s->name,
                     close->number);
    return 0;
}

/* After the block only blank lines may come before the code, which may not start another. */
static int check_after_frontmatter(const struct script *s, size_t pos, int number)
{
    struct line l = {NULL, NULL, number};
    while (source_next_line(&s->body, &pos, &l) && source_is_blank_run(l.start, l.end))
        ;
    if (l.start && leading_dashes(l.start, l.end) && l.number > number)
        return error("%s:%d: only one frontmatter is supported", s->name, l.number);
    return 0;
}

/* Keys cargo does not allow in a script's manifest, in the order it lists them. */
static const char *const forbidden_top_keys[] = {
    "workspace", "lib", "bin", "example", "test", "bench", "build-dependencies", NULL};
static const char *const forbidden_package_keys[] = {
    "workspace", "build", "links", "autolib", "autobins", "autoexamples", "autotests",
    "autobenches", "default-run", NULL};

/* Append the forbidden keys of table to names ("`a`, `b`"); the first one's line in *line. */
static int list_forbidden(const struct toml_value *table, const char *const *keys,
                          const char *prefix, struct strbuf *names, int *line)
{
    int found = 0;
    for (; *keys; keys++) {
        const struct toml_value *v = toml_get(table, *keys);
        if (!v)
            continue;
        strbuf_addf(names, "%s`%s%s`", names->len ? ", " : "", prefix, *keys);
        if (!*line || v->line < *line)
            *line = v->line;
        found++;
    }
    return found;
}

/* A frontmatter manifest may not define targets, a workspace or a build script: cargo
 * -Zscript refuses them, so cthag does too, with cargo's words.  Malformed TOML is left for
 * manifest generation to report. */
static int check_script_manifest(const struct script *s)
{
    struct toml_error err;
    struct toml_value *root = toml_parse(s->manifest.buf, s->manifest.len, s->manifest_line, &err);
    if (!root)
        return 0;
    struct strbuf names = STRBUF_INIT;
    int line = 0;
    int count = list_forbidden(root, forbidden_top_keys, "", &names, &line);
    const struct toml_value *package = toml_get(root, "package");
    if (package && package->type == TOML_TABLE)
        count += list_forbidden(package, forbidden_package_keys, "package.", &names, &line);
    int result = count ? error("%s:%d: %s %s not allowed in embedded manifests", s->name, line,
                               names.buf, count > 1 ? "are" : "is")
                       : 0;
    strbuf_release(&names);
    toml_free(root);
    return result;
}

/* Is l a frontmatter opening (its dashes at *fence), a malformed one (error), or code (0,
 * *dashes = 0)? */
static int frontmatter_opening(const struct script *s, const struct line *l, size_t *dashes,
                               const char **fence)
{
    const char *p = l->start;
    if (p == s->body.buf && l->end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3; /* a byte-order mark is not content */
    /* Indented dashes open no frontmatter: cargo reads none there and leaves the file to rustc
     * (its fixture fence-indented). */
    *dashes = p < l->end && (*p == ' ' || *p == '\t') ? 0 : leading_dashes(p, l->end);
    *fence = p;
    if (*dashes > FRONTMATTER_MAX_DASHES)
        return error("%s:%d: too many `-` symbols: frontmatter openings may be delimited by up "
                     "to %d `-` symbols, but found %zu", s->name, l->number,
                     FRONTMATTER_MAX_DASHES, *dashes);
    /* One or two dashes alone on the line: a fence cut short.  (A snippet may well start
     * with `-x`, which is code.) */
    if (*dashes && *dashes < 3 && source_is_blank_run(p + *dashes, l->end))
        return error("%s:%d: found %zu `-` in rust frontmatter, expected at least 3", s->name,
                     l->number, *dashes);
    if (*dashes < 3)
        *dashes = 0;
    return 0;
}

int frontmatter_find(struct script *s)
{
    size_t pos = 0, dashes;
    struct line open, close;
    const char *fence;
    source_first_content_line(&s->body, &pos, &open);
    if (!open.start || frontmatter_opening(s, &open, &dashes, &fence))
        return open.start ? -1 : 0;
    if (!dashes)
        return 0;
    find_dash_line(&s->body, pos, open.number, dashes, &close);
    if (!close.start)
        return unclosed_frontmatter(s, &open, pos, dashes);
    size_t after = (size_t)(close.end - s->body.buf);
    after += after < s->body.len; /* its newline */
    if (check_closing_fence(s, &close, dashes) || check_after_frontmatter(s, after, close.number) ||
        check_frontmatter_info(s, &open, fence + dashes))
        return -1;
    strbuf_add(&s->manifest, s->body.buf + pos, (size_t)(close.start - (s->body.buf + pos)));
    if (source_set_manifest(s, MANIFEST_FRONTMATTER, open.number, open.number + 1) ||
        check_script_manifest(s))
        return -1;
    source_blank_lines(s, open.number, close.number);
    return 0;
}
