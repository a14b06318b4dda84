#include "util/chars.h"
#include "script/source.h"

#include "script/frontmatter.h"
#include "script/lines.h"
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
            source_blank_lines(s, 1, 1);
    }
}

/* thag's block comment: a line starting with the comment opener and [toml], up to the closer. */
static int find_thag_block(struct script *s)
{
    size_t pos = 0;
    struct line l = {0};
    while (source_next_line(&s->body, &pos, &l)) {
        if (!source_line_starts_with(&l, "/*[toml]"))
            continue;
        const char *content = source_skip_ws(l.start, l.end) + 8;
        const char *end = s->body.buf + s->body.len;
        const char *close = NULL;
        for (const char *p = content; p + 1 < end && !close; p++)
            if (p[0] == '*' && p[1] == '/')
                close = p;
        if (!close)
            return error("%s:%d: /*[toml] block is not closed with */", s->name, l.number);
        if (source_set_manifest(s, MANIFEST_THAG, l.number, l.number))
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
    source_trim_span(p, end, &from, &to);
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
    if (fenced && fence == f->fence && len >= f->fence_len && source_is_blank_run(p + indent + len, end)) {
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
        return source_set_manifest(s, MANIFEST_CARGO_DOC, f->open_line, f->open_line + 1);
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
        if (!source_next_line(&s->body, &pos, &l))
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
    const char *text = source_skip_ws(l.start, l.end) + 3;
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
        if (close || !source_next_line(&s->body, &pos, &l))
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
    source_first_content_line(&s->body, &pos, &l);
    if (!l.start)
        return 0;
    if (doc_line_text(&l))
        return read_doc_lines(s, pos, l);
    if (source_line_starts_with(&l, "/*!"))
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
    const char *p = source_skip_ws(*pp, end);
    const char *name = p;
    while (p < end && is_crate_name_char((unsigned char)*p))
        p++;
    if (p == name)
        return error("%s:%d: cargo-deps: expected a crate name at `%.*s`", s->name, line,
                     (int)(end - p > 20 ? 20 : end - p), p);
    const char *name_end = p;
    const char *version = "*", *version_end = version + 1;
    p = source_skip_ws(p, end);
    if (p < end && *p == '=') {
        p = source_skip_ws(p + 1, end);
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
    p = source_skip_ws(p, end);
    if (p < end && *p != ',')
        return error("%s:%d: cargo-deps: expected `,` after `%.*s`", s->name, line,
                     (int)(name_end - name), name);
    *pp = p < end ? p + 1 : p;
    strbuf_add(&s->manifest, name, (size_t)(name_end - name));
    strbuf_addstr(&s->manifest, " = ");
    toml_write_string(&s->manifest, version, (size_t)(version_end - version));
    strbuf_addch(&s->manifest, '\n');
    return 0;
}

/* The list after "// cargo-deps:" (any case, blanks around the words), or NULL. */
static const char *cargo_deps_list(const struct line *l)
{
    const char *p = source_skip_ws(l->start, l->end);
    if (l->end - p < 2 || memcmp(p, "//", 2))
        return NULL;
    p = source_skip_ws(p + 2, l->end);
    if (l->end - p < 10 || strncasecmp(p, "cargo-deps", 10))
        return NULL;
    p = source_skip_ws(p + 10, l->end);
    return p < l->end && *p == ':' ? p + 1 : NULL;
}

/* rust-script's one-line form, on the script's first line (after a shebang and blank lines):
 * // cargo-deps: a, b="1.2" */
static int find_cargo_deps(struct script *s)
{
    size_t pos = 0;
    struct line l = {0};
    source_first_content_line(&s->body, &pos, &l);
    const char *p = l.start ? cargo_deps_list(&l) : NULL;
    if (!p)
        return 0;
    if (source_set_manifest(s, MANIFEST_CARGO_DEPS, l.number, l.number))
        return -1;
    const char *end = l.end;
    while (end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    strbuf_addstr(&s->manifest, "[dependencies]\n");
    if (source_skip_ws(p, end) == end)
        return error("%s:%d: cargo-deps: lists no crates", s->name, l.number);
    while (source_skip_ws(p, end) < end)
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
    if (frontmatter_find(s) || find_thag_block(s) || find_doc_manifest(s) || find_cargo_deps(s))
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
