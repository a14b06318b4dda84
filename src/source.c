#include "util/chars.h"
#include "source.h"

#include "rustlex.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
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

static int line_is_blank(const struct line *l)
{
    return skip_ws(l->start, l->end) == l->end;
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
    else if (st->st_size > 64 * 1024 * 1024)
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

/* Dashes opening a frontmatter line ("---" or more), or 0. */
static size_t frontmatter_dashes(const struct line *l)
{
    size_t n = 0;
    while (l->start + n < l->end && l->start[n] == '-')
        n++;
    return n >= 3 ? n : 0;
}

/* The info string after a frontmatter's dashes, trimmed, into [*from, *to). */
static void frontmatter_info(const char *p, const char *end, const char **from, const char **to)
{
    *from = skip_ws(p, end);
    *to = end;
    while (*to > *from && ((*to)[-1] == ' ' || (*to)[-1] == '\t' || (*to)[-1] == '\r'))
        (*to)--;
}

static int frontmatter_info_ok(const char *p, const char *end)
{
    const char *from, *to;
    frontmatter_info(p, end, &from, &to);
    return to == from || ((size_t)(to - from) == 5 && !memcmp(from, "cargo", 5));
}

static int is_closing_fence(const struct line *l, size_t dashes)
{
    return frontmatter_dashes(l) == dashes && skip_ws(l->start + dashes, l->end) == l->end;
}

/* Cargo's RFC 3503 frontmatter: only blank lines (and a shebang) may come before it. */
static int find_frontmatter(struct script *s)
{
    size_t pos = 0;
    struct line l = {0};
    while (next_line(&s->body, &pos, &l) && line_is_blank(&l))
        ;
    size_t dashes = l.start ? frontmatter_dashes(&l) : 0;
    if (!dashes)
        return 0;
    int open_line = l.number;
    if (!frontmatter_info_ok(l.start + dashes, l.end)) {
        const char *from, *to;
        frontmatter_info(l.start + dashes, l.end, &from, &to);
        return error("%s:%d: frontmatter info string `%.*s` is not supported (use `cargo` or "
                     "nothing)", s->name, l.number, (int)(to - from), from);
    }
    size_t content_start = pos;
    while (next_line(&s->body, &pos, &l)) {
        if (!is_closing_fence(&l, dashes))
            continue;
        strbuf_add(&s->manifest, s->body.buf + content_start,
                   (size_t)(l.start - (s->body.buf + content_start)));
        int close_line = l.number;
        while (next_line(&s->body, &pos, &l) && line_is_blank(&l))
            ;
        if (l.number > close_line && frontmatter_dashes(&l) &&
            frontmatter_info_ok(l.start + frontmatter_dashes(&l), l.end))
            return error("%s:%d: a second frontmatter block (only one is allowed, the first "
                         "is at line %d)", s->name, l.number, open_line);
        if (set_manifest(s, MANIFEST_FRONTMATTER, open_line, open_line + 1))
            return -1;
        blank_lines(s, open_line, close_line);
        return 0;
    }
    return error("%s:%d: frontmatter is not closed (expected a line of %zu dashes)", s->name,
                 open_line, dashes);
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

/* The text of a //! doc line after the marker and one optional space. */
static const char *doc_line_text(const struct line *l)
{
    const char *p = skip_ws(l->start, l->end) + 3;
    return p < l->end && *p == ' ' ? p + 1 : p;
}

static int fence_opens_cargo(const char *p, const char *end)
{
    p = skip_ws(p, end);
    return end - p >= 8 && !memcmp(p, "```cargo", 8) && skip_ws(p + 8, end) == end;
}

static int fence_closes(const char *p, const char *end)
{
    p = skip_ws(p, end);
    return end - p >= 3 && !memcmp(p, "```", 3) && skip_ws(p + 3, end) == end;
}

/* rust-script's ```cargo fence inside the leading //! crate documentation. */
static int find_doc_line_block(struct script *s)
{
    size_t pos = 0;
    struct line l = {0};
    int open_line = 0;
    while (next_line(&s->body, &pos, &l)) {
        if (line_is_blank(&l))
            continue;
        if (!line_starts_with(&l, "//!"))
            break;
        const char *text = doc_line_text(&l);
        if (!open_line && fence_opens_cargo(text, l.end)) {
            open_line = l.number;
        } else if (open_line && fence_closes(text, l.end)) {
            return set_manifest(s, MANIFEST_CARGO_DOC, open_line, open_line + 1);
        } else if (open_line) {
            strbuf_add(&s->manifest, text, (size_t)(l.end - text));
            strbuf_addch(&s->manifest, '\n');
        }
    }
    if (open_line)
        return error("%s:%d: ```cargo block in the //! documentation is not closed with ```",
                     s->name, open_line);
    return 0;
}

static const char *find_bytes(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    for (; (size_t)(end - p) >= n; p++)
        if (!memcmp(p, needle, n))
            return p;
    return NULL;
}

/* A line inside a block comment, without its " * " margin when it has one. */
static const char *strip_star_margin(const char *p, const char *end)
{
    p = skip_ws(p, end);
    if (p < end && *p == '*' && !(p + 1 < end && p[1] == '/'))
        p += p + 1 < end && p[1] == ' ' ? 2 : 1;
    return p;
}

/* The same fence inside a leading crate doc block comment. */
static int find_doc_comment_block(struct script *s)
{
    size_t pos = 0;
    struct line l = {0};
    while (next_line(&s->body, &pos, &l) && line_is_blank(&l))
        ;
    if (!l.start || !line_starts_with(&l, "/*!"))
        return 0;
    int open_line = 0;
    const char *text = skip_ws(l.start, l.end) + 3;
    for (;;) {
        const char *close = find_bytes(text, l.end, "*/");
        const char *end = close ? close : l.end;
        if (!open_line && fence_opens_cargo(text, end)) {
            open_line = l.number;
        } else if (open_line && fence_closes(text, end)) {
            return set_manifest(s, MANIFEST_CARGO_DOC, open_line, open_line + 1);
        } else if (open_line) {
            strbuf_add(&s->manifest, text, (size_t)(end - text));
            strbuf_addch(&s->manifest, '\n');
        }
        if (close || !next_line(&s->body, &pos, &l))
            break;
        text = strip_star_margin(l.start, l.end);
    }
    if (open_line)
        return error("%s:%d: ```cargo block in the /*! documentation is not closed with ```",
                     s->name, open_line);
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

/* rust-script's one-line form: // cargo-deps: a, b="1.2" */
static int find_cargo_deps(struct script *s)
{
    size_t pos = 0;
    struct line l = {0};
    while (next_line(&s->body, &pos, &l)) {
        if (!line_starts_with(&l, "// cargo-deps:"))
            continue;
        if (set_manifest(s, MANIFEST_CARGO_DEPS, l.number, l.number))
            return -1;
        const char *p = skip_ws(l.start, l.end) + strlen("// cargo-deps:");
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
    strbuf_add(&s->body, s->text.buf, s->text.len);
    strip_shebang(s);
    if (find_frontmatter(s) || find_thag_block(s) || find_doc_line_block(s) ||
        find_doc_comment_block(s) || find_cargo_deps(s))
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
