#include "util/chars.h"
#include "script/source.h"

#include "script/rustlex.h"
#include "toml/toml.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* A view of one line of the script: [start, end) without the newline. */
struct line {
    const char *start, *end;
    int number;
};

static int next_line(const struct strbuf *text, size_t *pos, struct line *line)
{
    if (*pos >= text->len)
        return 0;
    line->start = text->buf + *pos;
    const char *nl = memchr(line->start, '\n', text->len - *pos);
    line->end = nl ? nl : text->buf + text->len;
    *pos = (size_t)(line->end - text->buf) + (nl ? 1 : 0);
    line->number++;
    return 1;
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p;
}

static int line_starts_with(const struct line *l, const char *prefix)
{
    const char *p = skip_ws(l->start, l->end);
    size_t n = strlen(prefix);
    return (size_t)(l->end - p) >= n && !memcmp(p, prefix, n);
}

/* Make lines [from, to] of body empty, keeping their newlines so line numbers do not move. */
static void blank_lines(struct script *s, int from, int to)
{
    struct strbuf out = STRBUF_INIT;
    size_t pos = 0;
    struct line l = {0};
    while (next_line(&s->body, &pos, &l)) {
        if (l.number < from || l.number > to)
            strbuf_add(&out, l.start, (size_t)(l.end - l.start));
        if (l.end < s->body.buf + s->body.len)
            strbuf_addch(&out, '\n');
    }
    strbuf_release(&s->body);
    s->body = out;
}

const char *source_format_name(enum manifest_format format)
{
    switch (format) {
    case MANIFEST_THAG: return "/*[toml] block";
    case MANIFEST_CARGO_DOC: return "//! ```cargo block";
    case MANIFEST_CARGO_DEPS: return "// cargo-deps: line";
    case MANIFEST_FRONTMATTER: return "frontmatter";
    default: return "manifest";
    }
}

const char *source_find_script(const char *name)
{
    static const char *const extensions[] = {".ers", ".rs"};
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    struct stat st;
    if ((dot && dot > base) || !*base || !stat(name, &st) || errno != ENOENT)
        return name;
    struct strbuf path = STRBUF_INIT;
    for (size_t i = 0; i < sizeof(extensions) / sizeof(*extensions); i++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s%s", name, extensions[i]);
        if (!stat(path.buf, &st))
            return strbuf_detach(&path);
    }
    strbuf_release(&path);
    return name;
}

int source_read(const char *path, struct strbuf *text, struct stat *st)
{
    /* O_NONBLOCK: opening a FIFO must not hang; it is refused below anyway. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return error("%s: %s", path, errno == ENOENT ? "no such file" : strerror(errno));
    int result = 0;
    if (fstat(fd, st))
        result = error("%s: cannot stat: %s", path, strerror(errno));
    else if (S_ISDIR(st->st_mode))
        result = error("%s: is a directory, not a script", path);
    else if (!S_ISREG(st->st_mode))
        result = error("%s: not a regular file", path);
    else if (st->st_size > SOURCE_MAX_BYTES)
        result = error("%s: too large for a script (%lld bytes)", path, (long long)st->st_size);
    else if (fs_read_fd(fd, text))
        result = error("%s: cannot read: %s", path, strerror(errno));
    close(fd);
    return result;
}

static int line_of_offset(const struct strbuf *text, size_t offset)
{
    int line = 1;
    for (size_t i = 0; i < offset && i < text->len; i++)
        line += text->buf[i] == '\n';
    return line;
}

static int validate_text(const struct script *s)
{
    const char *nul = memchr(s->text.buf, '\0', s->text.len);
    if (nul)
        return error("%s:%d: binary file (contains NUL bytes), not a Rust script", s->name,
                     line_of_offset(&s->text, (size_t)(nul - s->text.buf)));
    long bad = utf8_invalid_at(s->text.buf, s->text.len);
    if (bad >= 0)
        return error("%s:%d: invalid UTF-8 (Rust source must be UTF-8)", s->name,
                     line_of_offset(&s->text, (size_t)bad));
    size_t i = 0;
    if (s->text.len >= 3 && !memcmp(s->text.buf, "\xEF\xBB\xBF", 3))
        i = 3; /* a byte-order mark is not content */
    while (i < s->text.len && char_in((unsigned char)s->text.buf[i], " \t\r\n\f\v"))
        i++;
    if (i == s->text.len)
        return error("%s: empty script", s->name);
    return 0;
}

/* A first line "#!..." that is not an inner attribute "#![": blank it (rustc would accept it too,
 * but a blank keeps the generated source obviously plain). */
static void strip_shebang(struct script *s)
{
    if (s->body.len >= 2 && !memcmp(s->body.buf, "#!", 2)) {
        const char *p = s->body.buf + 2;
        const char *end = s->body.buf + s->body.len;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p == end || *p != '[')
            blank_lines(s, 1, 1);
    }
}

/* Record where the manifest is; a script may have only one. */
static int set_manifest(struct script *s, enum manifest_format format, int block_line,
                        int toml_line)
{
    if (s->format != MANIFEST_NONE) {
        int first = s->manifest_block_line < block_line;
        return error("%s:%d: two embedded manifests: %s at line %d and %s at line %d (keep one)",
                     s->name, first ? block_line : s->manifest_block_line,
                     source_format_name(first ? s->format : format),
                     first ? s->manifest_block_line : block_line,
                     source_format_name(first ? format : s->format),
                     first ? block_line : s->manifest_block_line);
    }
    s->format = format;
    s->manifest_block_line = block_line;
    s->manifest_line = toml_line;
    return 0;
}

/* ---- cargo's frontmatter (RFC 3503), with cargo 1.95's rules and wording ---- */

/* Longest fence cargo accepts. */
#define FRONTMATTER_MAX_DASHES 255

static size_t leading_dashes(const char *p, const char *end)
{
    size_t n = 0;
    while (p + n < end && p[n] == '-')
        n++;
    return n;
}

static int is_blank_run(const char *p, const char *end)
{
    while (p < end && char_in((unsigned char)*p, " \t\r\v\f"))
        p++;
    return p == end;
}

/* [*from, *to): the text between p and end without surrounding whitespace. */
static void trim_span(const char *p, const char *end, const char **from, const char **to)
{
    while (p < end && char_in((unsigned char)*p, " \t\r\v\f"))
        p++;
    while (end > p && char_in((unsigned char)end[-1], " \t\r\v\f"))
        end--;
    *from = p;
    *to = end;
}

/* The opening line's info string: nothing or `cargo`, as cargo accepts. */
static int check_frontmatter_info(const struct script *s, const struct line *open,
                                  const char *info)
{
    const char *from, *to;
    trim_span(info, open->end, &from, &to);
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
    while (next_line(body, &pos, &l))
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
    if (!is_blank_run(close->start + dashes, close->end))
        return error("%s:%d: unexpected characters after frontmatter close", s->name,
                     close->number);
    return 0;
}

/* After the block only blank lines may come before the code, which may not start another. */
static int check_after_frontmatter(const struct script *s, size_t pos, int number)
{
    struct line l = {NULL, NULL, number};
    while (next_line(&s->body, &pos, &l) && is_blank_run(l.start, l.end))
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

/* The first line that is not blank, or l->start NULL; *pos is left after it. */
static void first_content_line(const struct strbuf *body, size_t *pos, struct line *l)
{
    l->start = NULL;
    l->number = 0;
    while (next_line(body, pos, l) && is_blank_run(l->start, l->end))
        ;
    if (l->start && is_blank_run(l->start, l->end))
        l->start = NULL;
}

/* Is l a frontmatter opening (its dashes at *fence), a malformed one (error), or code (0,
 * *dashes = 0)? */
static int frontmatter_opening(const struct script *s, const struct line *l, size_t *dashes,
                               const char **fence)
{
    const char *p = l->start;
    if (p == s->body.buf && l->end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3; /* a byte-order mark is not content */
    const char *line_start = p;
    while (p < l->end && (*p == ' ' || *p == '\t'))
        p++;
    *dashes = leading_dashes(p, l->end);
    *fence = p;
    if (*dashes >= 3 && p > line_start)
        return error("%s:%d: invalid preceding whitespace for frontmatter opening", s->name,
                     l->number);
    if (*dashes > FRONTMATTER_MAX_DASHES)
        return error("%s:%d: too many `-` symbols: frontmatter openings may be delimited by up "
                     "to %d `-` symbols, but found %zu", s->name, l->number,
                     FRONTMATTER_MAX_DASHES, *dashes);
    /* One or two dashes alone on the line: a fence cut short.  (A snippet may well start
     * with `-x`, which is code.) */
    if (*dashes && *dashes < 3 && p == line_start && is_blank_run(p + *dashes, l->end))
        return error("%s:%d: found %zu `-` in rust frontmatter, expected at least 3", s->name,
                     l->number, *dashes);
    if (*dashes < 3)
        *dashes = 0;
    return 0;
}

/* Cargo's RFC 3503 frontmatter: only blank lines (and a shebang) may come before it. */
static int find_frontmatter(struct script *s)
{
    size_t pos = 0, dashes;
    struct line open, close;
    const char *fence;
    first_content_line(&s->body, &pos, &open);
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
    if (set_manifest(s, MANIFEST_FRONTMATTER, open.number, open.number + 1) ||
        check_script_manifest(s))
        return -1;
    blank_lines(s, open.number, close.number);
    return 0;
}

/* thag's block comment: a line starting with the comment opener and [toml], up to the closer. */
static int find_thag_block(struct script *s)
{
    size_t pos = 0;
    struct line l = {0};
    while (next_line(&s->body, &pos, &l)) {
        if (!line_starts_with(&l, "/*[toml]"))
            continue;
        const char *content = skip_ws(l.start, l.end) + 8;
        const char *end = s->body.buf + s->body.len;
        const char *close = NULL;
        for (const char *p = content; p + 1 < end && !close; p++)
            if (p[0] == '*' && p[1] == '/')
                close = p;
        if (!close)
            return error("%s:%d: /*[toml] block is not closed with */", s->name, l.number);
        if (set_manifest(s, MANIFEST_THAG, l.number, l.number))
            return -1;
        strbuf_add(&s->manifest, content, (size_t)(close - content));
        return 0;
    }
    return 0;
}

/* ---- rust-script's manifest: the first ```cargo block of the leading doc comment ----
 *
 * As rust-script reads it: the comment (`//!` or `///` lines with no blank line between them,
 * or a slash-star-bang block) must come first, after a shebang and blank lines; its text, markers, margin
 * and common indentation removed, is Markdown, and the first fenced code block whose info
 * string is `cargo` in any case (```` ```Cargo ````, `~~~cargo`) is the manifest.  A block left
 * open runs to the end of the comment, as in Markdown. */

struct fence_scan {
    char fence;        /* '`' or '~' of the open code block, 0 outside one */
    size_t fence_len;  /* its length (a closing fence is at least as long) */
    size_t indent;     /* the opening fence's indentation, removed from the block's lines */
    int is_cargo;      /* the open block is the manifest */
    int open_line;     /* where the manifest block opened */
    int done;          /* the manifest has been read */
    size_t doc_indent; /* leading spaces the comment's lines share (rust-script's rule) */
    int doc_indent_set;
};

static size_t count_char(const char *p, const char *end, char c)
{
    size_t n = 0;
    while (p + n < end && p[n] == c)
        n++;
    return n;
}

static int info_is_cargo(const char *p, const char *end)
{
    const char *from, *to;
    trim_span(p, end, &from, &to);
    return to - from == 5 && !strncasecmp(from, "cargo", 5);
}

/* A fence line opening (info may follow) or closing (nothing may follow) a code block. */
static int is_fence(const char *p, const char *end, char *fence, size_t *len, size_t *indent)
{
    *indent = count_char(p, end, ' ');
    if (*indent > 3 || p + *indent >= end || (p[*indent] != '`' && p[*indent] != '~'))
        return 0;
    *fence = p[*indent];
    *len = count_char(p + *indent, end, *fence);
    /* A backtick fence's info string may not contain backticks. */
    return *len >= 3 && !(*fence == '`' && memchr(p + *indent + *len, '`',
                                                  (size_t)(end - p - (long)(*indent + *len))));
}

/* One line of the comment's Markdown text, at script line number. */
static void scan_doc_text(struct script *s, struct fence_scan *f, const char *p, const char *end,
                          int number)
{
    char fence;
    size_t len, indent;
    if (f->done)
        return;
    if (!f->doc_indent_set && p < end && char_in((unsigned char)*p, " \t")) {
        f->doc_indent = count_char(p, end, ' ');
        f->doc_indent_set = 1;
    }
    size_t strip = count_char(p, end, ' ');
    p += strip < f->doc_indent ? strip : f->doc_indent;
    int fenced = is_fence(p, end, &fence, &len, &indent);
    if (!f->fence) {
        if (fenced) {
            f->fence = fence;
            f->fence_len = len;
            f->indent = indent;
            f->is_cargo = info_is_cargo(p + indent + len, end);
            f->open_line = number;
        }
        return;
    }
    if (fenced && fence == f->fence && len >= f->fence_len && is_blank_run(p + indent + len, end)) {
        f->done = f->is_cargo;
        f->fence = 0;
        return;
    }
    if (f->is_cargo) {
        strip = count_char(p, end, ' ');
        p += strip < f->indent ? strip : f->indent;
        strbuf_add(&s->manifest, p, (size_t)(end - p));
        strbuf_addch(&s->manifest, '\n');
    }
}

static int finish_doc_scan(struct script *s, const struct fence_scan *f)
{
    if (f->done || (f->fence && f->is_cargo))
        return set_manifest(s, MANIFEST_CARGO_DOC, f->open_line, f->open_line + 1);
    return 0;
}

/* Is l a `//!` or `///` line (rust-script also takes `////`)?  Its text after the marker. */
static const char *doc_line_text(const struct line *l)
{
    const char *p = l->start;
    while (p < l->end && char_in((unsigned char)*p, " \t\r\v\f"))
        p++;
    if (l->end - p < 3 || memcmp(p, "//", 2) || (p[2] != '!' && p[2] != '/'))
        return NULL;
    return p + 3;
}

static int read_doc_lines(struct script *s, size_t pos, struct line l)
{
    struct fence_scan f = {0};
    const char *text;
    while (l.start && (text = doc_line_text(&l))) {
        const char *end = l.end;
        if (end > text && end[-1] == '\r')
            end--;
        scan_doc_text(s, &f, text, end, l.number);
        if (!next_line(&s->body, &pos, &l))
            break;
    }
    return finish_doc_scan(s, &f);
}

/* The end of the comment opened before p at nesting depth *depth, or NULL if not on this line. */
static const char *block_comment_end(const char *p, const char *end, int *depth)
{
    for (; p + 1 < end; p++) {
        if (p[0] == '/' && p[1] == '*') {
            ++*depth;
            p++;
        } else if (p[0] == '*' && p[1] == '/') {
            if (--*depth == 0)
                return p;
            p++;
        }
    }
    return NULL;
}

/* A " * " margin: blanks, a star, then a space or nothing. */
static size_t star_margin(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && char_in((unsigned char)*q, " \t"))
        q++;
    if (q < end && *q == '*' && (q + 1 == end || q[1] == ' '))
        return (size_t)(q - p) + (q + 1 < end ? 2 : 1);
    return 0;
}

static int read_doc_block(struct script *s, size_t pos, struct line l)
{
    struct fence_scan f = {0};
    const char *text = skip_ws(l.start, l.end) + 3;
    size_t margin = 0;
    int depth = 1;
    for (;;) {
        const char *close = block_comment_end(text, l.end, &depth);
        const char *end = close ? close : l.end;
        if (!close && end > text && end[-1] == '\r')
            end--;
        if (!margin)
            margin = star_margin(text, end);
        if (margin && star_margin(text, end) == margin)
            text += margin;
        scan_doc_text(s, &f, text, end, l.number);
        if (close || !next_line(&s->body, &pos, &l))
            break;
        text = l.start;
    }
    return finish_doc_scan(s, &f);
}

/* rust-script's manifest in the doc comment that starts the script, if it has one. */
static int find_doc_manifest(struct script *s)
{
    size_t pos = 0;
    struct line l = {0};
    first_content_line(&s->body, &pos, &l);
    if (!l.start)
        return 0;
    if (doc_line_text(&l))
        return read_doc_lines(s, pos, l);
    if (line_starts_with(&l, "/*!"))
        return read_doc_block(s, pos, l);
    return 0;
}

static int is_crate_name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

/* One "name" or name="version" (quotes optional) of a cargo-deps list, as a TOML line. */
static int parse_cargo_dep(struct script *s, int line, const char **pp, const char *end)
{
    const char *p = skip_ws(*pp, end);
    const char *name = p;
    while (p < end && is_crate_name_char((unsigned char)*p))
        p++;
    if (p == name)
        return error("%s:%d: cargo-deps: expected a crate name at `%.*s`", s->name, line,
                     (int)(end - p > 20 ? 20 : end - p), p);
    const char *name_end = p;
    const char *version = "*", *version_end = version + 1;
    p = skip_ws(p, end);
    if (p < end && *p == '=') {
        p = skip_ws(p + 1, end);
        char quote = p < end && (*p == '"' || *p == '\'') ? *p : 0;
        version = quote ? p + 1 : p;
        version_end = version;
        while (version_end < end && (quote ? *version_end != quote : !char_in((unsigned char)*version_end, ", \t")))
            version_end++;
        if (quote && version_end == end)
            return error("%s:%d: cargo-deps: unterminated version string", s->name, line);
        if (version_end == version)
            return error("%s:%d: cargo-deps: empty version for `%.*s`", s->name, line,
                         (int)(name_end - name), name);
        p = version_end + (quote ? 1 : 0);
    }
    p = skip_ws(p, end);
    if (p < end && *p != ',')
        return error("%s:%d: cargo-deps: expected `,` after `%.*s`", s->name, line,
                     (int)(name_end - name), name);
    *pp = p < end ? p + 1 : p;
    strbuf_add(&s->manifest, name, (size_t)(name_end - name));
    strbuf_addstr(&s->manifest, " = ");
    strbuf_add_toml_string(&s->manifest, version, (size_t)(version_end - version));
    strbuf_addch(&s->manifest, '\n');
    return 0;
}

/* The list after "// cargo-deps:" (any case, blanks around the words), or NULL. */
static const char *cargo_deps_list(const struct line *l)
{
    const char *p = skip_ws(l->start, l->end);
    if (l->end - p < 2 || memcmp(p, "//", 2))
        return NULL;
    p = skip_ws(p + 2, l->end);
    if (l->end - p < 10 || strncasecmp(p, "cargo-deps", 10))
        return NULL;
    p = skip_ws(p + 10, l->end);
    return p < l->end && *p == ':' ? p + 1 : NULL;
}

/* rust-script's one-line form, on the script's first line (after a shebang and blank lines):
 * // cargo-deps: a, b="1.2" */
static int find_cargo_deps(struct script *s)
{
    size_t pos = 0;
    struct line l = {0};
    first_content_line(&s->body, &pos, &l);
    const char *p = l.start ? cargo_deps_list(&l) : NULL;
    if (!p)
        return 0;
    if (set_manifest(s, MANIFEST_CARGO_DEPS, l.number, l.number))
        return -1;
    const char *end = l.end;
    while (end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    strbuf_addstr(&s->manifest, "[dependencies]\n");
    if (skip_ws(p, end) == end)
        return error("%s:%d: cargo-deps: lists no crates", s->name, l.number);
    while (skip_ws(p, end) < end)
        if (parse_cargo_dep(s, l.number, &p, end))
            return -1;
    return 0;
}

/* Find the `fn main`s of the body: at the top level (a program) and anywhere. */
static void find_main_functions(struct script *s)
{
    struct lexer lx;
    struct token tok, prev = {TOK_EOF, "", 0, 0, 0};
    int depth = 0;
    lexer_init(&lx, s->body.buf, s->body.len);
    while (lexer_next(&lx, &tok) != TOK_EOF) {
        if (tok.kind == TOK_PUNCT && tok.len == 1 && char_in(*tok.start, "([{")) {
            depth++;
        } else if (tok.kind == TOK_PUNCT && tok.len == 1 && char_in(*tok.start, ")]}")) {
            depth -= depth > 0;
        } else if (tok.kind == TOK_IDENT && token_is(&tok, "main") && prev.kind == TOK_IDENT &&
                   token_is(&prev, "fn")) {
            if (s->main_total < 2)
                s->main_lines[s->main_total] = tok.line;
            s->main_total++;
            s->main_count += !depth;
        }
        prev = tok;
    }
}

int source_parse(struct script *s)
{
    if (validate_text(s))
        return -1;
    strbuf_reset(&s->body);
    /* A byte-order mark is not code: rustc skips it at the start of a file, and so does the
     * body (a program with one is still compiled where it lives). */
    size_t bom = s->text.len >= 3 && !memcmp(s->text.buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
    strbuf_add(&s->body, s->text.buf + bom, s->text.len - bom);
    strip_shebang(s);
    if (find_frontmatter(s) || find_thag_block(s) || find_doc_manifest(s) || find_cargo_deps(s))
        return -1;
    s->main_count = s->main_total = 0;
    find_main_functions(s);
    return 0;
}

void source_release(struct script *s)
{
    strbuf_release(&s->text);
    strbuf_release(&s->body);
    strbuf_release(&s->manifest);
}
