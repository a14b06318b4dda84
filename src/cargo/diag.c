#include "cargo/diag.h"

#include "util/die.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- rustc's rendering, locations renamed ---- */

/* A line of rendered output with its ANSI escapes set aside: visible[i] came from raw[at[i]]. */
struct visible_line {
    const char *raw;
    size_t raw_len;
    char *visible;
    size_t *at;
    size_t len;
};

static void visible_init(struct visible_line *v, const char *raw, size_t len)
{
    v->raw = raw;
    v->raw_len = len;
    v->visible = xmalloc(len + 1);
    v->at = xmalloc((len + 1) * sizeof(size_t));
    v->len = 0;
    for (size_t i = 0; i < len;) {
        if (raw[i] == '\033' && i + 1 < len && raw[i + 1] == '[') {
            i += 2;
            while (i < len && !(raw[i] >= '@' && raw[i] <= '~'))
                i++;
            i++;
            continue;
        }
        v->at[v->len] = i;
        v->visible[v->len++] = raw[i++];
    }
    v->at[v->len] = len;
    v->visible[v->len] = '\0';
}

static void visible_release(struct visible_line *v)
{
    free(v->visible);
    free(v->at);
}

static size_t skip_spaces(const char *s, size_t i)
{
    while (s[i] == ' ')
        i++;
    return i;
}

static size_t skip_digits(const char *s, size_t i)
{
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

static int parse_number(const char *s, size_t from, size_t to)
{
    long n = 0;
    for (size_t i = from; i < to && n < 1000000000; i++)
        n = n * 10 + (s[i] - '0');
    return (int)n;
}

/* "  --> file:line:col" or "  ::: file:line:col" naming the generated file: rewritten. */
static int rewrite_location(const struct diag_map *map, const struct visible_line *v,
                            struct strbuf *out)
{
    size_t i = skip_spaces(v->visible, 0);
    if (strncmp(v->visible + i, "--> ", 4) && strncmp(v->visible + i, "::: ", 4))
        return 0;
    size_t path = skip_spaces(v->visible, i + 4), name_len = strlen(map->generated_name);
    if (strncmp(v->visible + path, map->generated_name, name_len) ||
        v->visible[path + name_len] != ':')
        return 0;
    size_t line_start = path + name_len + 1, line_end = skip_digits(v->visible, line_start);
    size_t col_end = line_end;
    if (line_end == line_start)
        return 0;
    if (v->visible[line_end] == ':')
        col_end = skip_digits(v->visible, line_end + 1);
    int col = col_end > line_end + 1 ? parse_number(v->visible, line_end + 1, col_end) : 1;
    struct wrap_position pos;
    wrap_locate(map->code, parse_number(v->visible, line_start, line_end),
                col > 0 ? (unsigned)col - 1 : 0, &pos);
    const char *name = map->parts[pos.part].name ? map->parts[pos.part].name : "";
    strbuf_add(out, v->raw, v->at[path]);
    strbuf_addf(out, "%s:%d", name, pos.line ? pos.line : 1);
    if (col_end > line_end + 1)
        strbuf_addf(out, ":%u", pos.col + 1);
    size_t rest = col_end < v->len ? v->at[col_end] : v->raw_len;
    strbuf_add(out, v->raw + rest, v->raw_len - rest);
    return 1;
}

void diag_rewrite(const struct diag_map *map, const char *rendered, struct strbuf *out)
{
    const char *p = rendered;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        struct visible_line v;
        visible_init(&v, p, len);
        if (!rewrite_location(map, &v, out))
            strbuf_add(out, p, len);
        visible_release(&v);
        if (!nl)
            break;
        strbuf_addch(out, '\n');
        p = nl + 1;
    }
}

/* "name:LINE:COL" at text + i (name not preceded by more of a path): its length, else 0. */
static size_t location_at(const char *text, size_t i, const char *name, int *line, int *col)
{
    size_t n = strlen(name);
    if (strncmp(text + i, name, n) || (i && (text[i - 1] == '/' || text[i - 1] == '_' ||
                                            isalnum((unsigned char)text[i - 1]))))
        return 0;
    size_t l = n + 1, l_end = skip_digits(text + i, l);
    if (text[i + n] != ':' || l_end == l || text[i + l_end] != ':')
        return 0;
    size_t c_end = skip_digits(text + i, l_end + 1);
    if (c_end == l_end + 1)
        return 0;
    *line = parse_number(text + i, l, l_end);
    *col = parse_number(text + i, l_end + 1, c_end);
    return c_end;
}

void diag_rename(const struct diag_map *map, struct strbuf *text)
{
    struct strbuf out = STRBUF_INIT;
    int line, col;
    for (size_t i = 0; i < text->len;) {
        size_t len = location_at(text->buf, i, map->generated_name, &line, &col);
        if (!len) {
            strbuf_addch(&out, text->buf[i++]);
            continue;
        }
        struct wrap_position pos;
        wrap_locate(map->code, line, col > 0 ? (unsigned)col - 1 : 0, &pos);
        const char *name = map->parts[pos.part].name ? map->parts[pos.part].name : "";
        strbuf_addf(&out, "%s:%d:%u", name, pos.line ? pos.line : line, pos.col + 1);
        i += len;
    }
    strbuf_release(text);
    *text = out;
}

/* ---- reading rustc's JSON ---- */

static int json_int(const struct json *object, const char *key)
{
    const struct json *v = json_get(object, key);
    return v && v->type == JSON_NUMBER ? atoi(v->text) : 0;
}

static const struct json *json_items(const struct json *object, const char *key, size_t *count)
{
    const struct json *v = json_get(object, key);
    *count = v && v->type == JSON_ARRAY ? v->count : 0;
    return v;
}

static int is_ours(const struct diag_map *map, const struct json *span)
{
    const char *file = json_get_string(span, "file_name");
    return file && !strcmp(file, map->generated_name);
}

static int mentions_internals(const char *text)
{
    return text && (strstr(text, "__cthag") || strstr(text, "__Cthag"));
}

/* Does everything rustc shows for this span lie on lines the generated source has verbatim? */
static int span_is_verbatim(const struct diag_map *map, const struct json *span, int depth)
{
    if (!span || span->type != JSON_OBJECT || depth > 8)
        return 1;
    if (is_ours(map, span))
        for (int l = json_int(span, "line_start"); l <= json_int(span, "line_end"); l++)
            if (!wrap_line_is_verbatim(map->code, l))
                return 0;
    const struct json *expansion = json_get(span, "expansion");
    return span_is_verbatim(map, json_get(expansion, "span"), depth + 1) &&
           span_is_verbatim(map, json_get(expansion, "def_site_span"), depth + 1);
}

static int message_is_verbatim(const struct diag_map *map, const struct json *message)
{
    size_t n;
    const struct json *spans = json_items(message, "spans", &n);
    for (size_t i = 0; i < n; i++)
        if (!span_is_verbatim(map, spans->items[i], 0))
            return 0;
    const struct json *children = json_items(message, "children", &n);
    for (size_t i = 0; i < n; i++)
        if (!message_is_verbatim(map, children->items[i]))
            return 0;
    return !mentions_internals(json_get_string(message, "rendered"));
}

/* ---- cthag's rendering ---- */

/* rustc's colours. */
#define PAINT_BOLD "\033[1m"
#define PAINT_BLUE "\033[1m\033[38;5;12m"
#define PAINT_RESET "\033[0m"

static const char *level_paint(const char *level)
{
    if (!strncmp(level, "error", 5))
        return "\033[1m\033[38;5;9m";
    if (!strcmp(level, "warning"))
        return "\033[1m\033[38;5;11m";
    if (!strcmp(level, "note"))
        return "\033[1m\033[38;5;10m";
    if (!strcmp(level, "help"))
        return "\033[1m\033[38;5;14m";
    return PAINT_BOLD;
}

/* One underlined stretch of one line. */
struct mark {
    const char *file;
    int line;
    unsigned from, to; /* display columns, to > from */
    int primary;
    char *label;       /* owned, or NULL */
    char *text;        /* the line as displayed (tabs expanded); owned */
};

struct render {
    const struct diag_map *map;
    int color;
    const char *level; /* of the diagnostic being rendered: colours its primary marks */
    struct strbuf *out;
    int width;         /* of the line numbers */
};

static void paint(const struct render *r, const char *colour, const char *text, size_t len)
{
    if (r->color && len)
        strbuf_addstr(r->out, colour);
    strbuf_add(r->out, text, len);
    if (r->color && len)
        strbuf_addstr(r->out, PAINT_RESET);
}

static void paint_str(const struct render *r, const char *colour, const char *text)
{
    paint(r, colour, text, strlen(text));
}

static void spaces(struct strbuf *out, size_t n)
{
    while (n--)
        strbuf_addch(out, ' ');
}

/* "   |" and the space after it, for a line without a number. */
static void gutter(const struct render *r)
{
    spaces(r->out, (size_t)r->width + 1);
    paint_str(r, PAINT_BLUE, "|");
}

/* The line as rustc shows it (a tab as four spaces); *cols: display column of each character. */
static char *display_text(const char *line, size_t len)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '\t')
            strbuf_addstr(&sb, "    ");
        else if (line[i] != '\r' || i + 1 < len)
            strbuf_addch(&sb, line[i]);
    }
    return strbuf_detach(&sb);
}

/* Display column of character column col in line. */
static unsigned display_col(const char *line, unsigned col)
{
    unsigned d = 0, c = 0;
    for (const char *p = line; *p && c < col; p++) {
        if (((unsigned char)*p & 0xC0) == 0x80)
            continue;
        d += *p == '\t' ? 4 : 1;
        c++;
    }
    return d + (col > c ? col - c : 0);
}

struct mark_list {
    struct mark *items;
    size_t count, alloc;
};

static void add_mark(struct mark_list *marks, const char *file, int line, const char *raw_line,
                     unsigned from_col, unsigned to_col, int primary, const char *label)
{
    if (marks->count == marks->alloc) {
        marks->alloc = marks->alloc ? marks->alloc * 2 : 8;
        marks->items = xrealloc(marks->items, marks->alloc * sizeof(*marks->items));
    }
    unsigned from = display_col(raw_line, from_col), to = display_col(raw_line, to_col);
    marks->items[marks->count++] = (struct mark){file, line, from, to > from ? to : from + 1,
                                                 primary, label ? xstrdup(label) : NULL,
                                                 display_text(raw_line, strlen(raw_line))};
}

static void release_marks(struct mark_list *marks)
{
    for (size_t i = 0; i < marks->count; i++) {
        free(marks->items[i].label);
        free(marks->items[i].text);
    }
    free(marks->items);
    memset(marks, 0, sizeof(*marks));
}

/* cthag's own names put in the script's terms; 0 when something internal remains. */
static int sanitise(const char *text, struct strbuf *out)
{
    static const char result_alias[] = "__CthagResult";
    const char *p = text;
    for (const char *hit; (hit = strstr(p, result_alias)); p = hit + sizeof(result_alias) - 1) {
        strbuf_add(out, p, (size_t)(hit - p));
        strbuf_addstr(out, "Result<(), Box<dyn Error>>");
    }
    strbuf_addstr(out, p);
    return !mentions_internals(out->buf);
}

/* Marks for a span of our file that has script text; nothing when it is only cthag's. */
static void add_script_span(struct mark_list *marks, const struct diag_map *map,
                            const struct wrap_span *s, int primary, const char *label)
{
    struct strbuf first = STRBUF_INIT, last = STRBUF_INIT;
    const char *file = map->parts[s->start.part].name ? map->parts[s->start.part].name : "";
    wrap_part_line(map->code, s->start.part, s->start.line, &first);
    if (s->end.line == s->start.line) {
        add_mark(marks, file, s->start.line, first.buf, s->start.col, s->end.col, primary, label);
    } else {
        unsigned first_end = (unsigned)strlen(first.buf); /* >= its characters: clamped below */
        wrap_part_line(map->code, s->end.part, s->end.line, &last);
        unsigned indent = (unsigned)strspn(last.buf, " \t");
        add_mark(marks, file, s->start.line, first.buf, s->start.col,
                 s->start.col < first_end ? first_end : s->start.col + 1, primary, NULL);
        add_mark(marks, file, s->end.line, last.buf, indent < s->end.col ? indent : 0, s->end.col,
                 primary, label);
    }
    strbuf_release(&first);
    strbuf_release(&last);
}

/* A span of another file (the standard library, a dependency): its text is in the message. */
static void add_foreign_span(struct mark_list *marks, const struct json *span, int primary,
                             const char *label)
{
    size_t n;
    const struct json *text = json_items(span, "text", &n);
    const char *file = json_get_string(span, "file_name");
    if (!n || !file)
        return;
    const char *line = json_get_string(text->items[0], "text");
    int from = json_int(text->items[0], "highlight_start"), to = json_int(text->items[0],
                                                                           "highlight_end");
    if (line && from > 0)
        add_mark(marks, file, json_int(span, "line_start"), line, (unsigned)from - 1,
                 to > from ? (unsigned)to - 1 : (unsigned)from, primary, label);
}

/* What a diagnostic says, gathered: the marks to show and what to add or change. */
struct gathered {
    struct mark_list marks;
    int own_primary;      /* the primary span is only cthag's text */
    enum wrap_role own_role;
    struct wrap_position own_at;
    int printed_value;    /* cthag's printing of a final value was involved */
    int primary_prints;   /* a primary span takes in cthag's printing of a final value */
    int verbatim;         /* nothing of cthag's was involved */
};

static void gather_span(struct gathered *g, const struct diag_map *map, const struct json *span)
{
    int primary = json_get(span, "is_primary") && json_get(span, "is_primary")->boolean;
    const char *raw_label = json_get_string(span, "label");
    if (raw_label && !*raw_label)
        raw_label = NULL;
    struct strbuf label = STRBUF_INIT;
    int label_ok = !raw_label || sanitise(raw_label, &label);
    if (!is_ours(map, span)) {
        add_foreign_span(&g->marks, span, primary, raw_label && label_ok ? label.buf : NULL);
        strbuf_release(&label);
        return;
    }
    struct wrap_span s;
    int col_start = json_int(span, "column_start"), col_end = json_int(span, "column_end");
    wrap_locate_span(map->code, json_int(span, "line_start"), col_start > 0 ? col_start - 1 : 0,
                     json_int(span, "line_end"), col_end > 0 ? col_end - 1 : 0, &s);
    g->printed_value |= s.own && s.role == WRAP_VALUE && !primary;
    g->primary_prints |= primary && s.cut && s.role == WRAP_VALUE;
    if (!s.own) {
        add_script_span(&g->marks, map, &s, primary, raw_label && label_ok ? label.buf : NULL);
    } else if (primary && !g->own_primary) {
        g->own_primary = 1;
        g->own_role = s.role;
        g->own_at = s.start;
        struct wrap_span at = {0, 0, s.role, s.start, s.start};
        add_script_span(&g->marks, map, &at, 1, raw_label && label_ok ? label.buf : NULL);
    }
    strbuf_release(&label);
}

static void gather_spans(struct gathered *g, const struct diag_map *map, const struct json *msg)
{
    size_t n;
    const struct json *spans = json_items(msg, "spans", &n);
    for (size_t i = 0; i < n; i++)
        gather_span(g, map, spans->items[i]);
}

static int compare_marks(const void *a, const void *b)
{
    const struct mark *x = a, *y = b;
    int by_file = strcmp(x->file, y->file);
    if (by_file)
        return by_file;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->from < y->from ? -1 : x->from > y->from;
}

static const char *mark_paint(const struct render *r, const struct mark *m)
{
    return m->primary ? level_paint(r->level) : PAINT_BLUE;
}

static void render_bars(const struct render *r, const struct mark *m, const size_t *below,
                        size_t n, const struct mark *label);

/* The underlines of the marks [from, to) of one line, then their labels, as rustc lays them out:
 * the last label after its underline, the others below with a | leading to each. */
static void render_underlines(const struct render *r, const struct mark *m, size_t count)
{
    struct strbuf *out = r->out;
    size_t cursor = 0, inline_label = count;
    gutter(r);
    strbuf_addch(out, ' ');
    for (size_t i = 0; i < count; i++) {
        unsigned from = m[i].from > cursor ? m[i].from : (unsigned)cursor;
        if (from >= m[i].to)
            continue;
        spaces(out, from - cursor);
        for (unsigned c = from; c < m[i].to; c++)
            paint(r, mark_paint(r, &m[i]), m[i].primary ? "^" : "-", 1);
        cursor = m[i].to;
    }
    if (count && m[count - 1].label) {
        inline_label = count - 1;
        strbuf_addch(out, ' ');
        paint_str(r, mark_paint(r, &m[count - 1]), m[count - 1].label);
    }
    strbuf_addch(out, '\n');
    size_t below[64], nbelow = 0;
    for (size_t i = 0; i < count && nbelow < 64; i++)
        if (m[i].label && i != inline_label)
            below[nbelow++] = i;
    if (nbelow)
        render_bars(r, m, below, nbelow, NULL);
    for (size_t k = nbelow; k-- > 0;)
        render_bars(r, m, below, k, &m[below[k]]);
}

/* A line with a | under each of the marks below[0..n), then label's text at its own column. */
static void render_bars(const struct render *r, const struct mark *m, const size_t *below,
                        size_t n, const struct mark *label)
{
    size_t cursor = 0;
    gutter(r);
    strbuf_addch(r->out, ' ');
    for (size_t j = 0; j < n; j++) {
        const struct mark *b = &m[below[j]];
        if (b->from < cursor)
            continue;
        spaces(r->out, b->from - cursor);
        paint(r, mark_paint(r, b), "|", 1);
        cursor = b->from + 1;
    }
    if (label && label->from >= cursor) {
        spaces(r->out, label->from - cursor);
        paint_str(r, mark_paint(r, label), label->label);
    }
    strbuf_addch(r->out, '\n');
}

/* The marks of one file: a location line, then each line with its underlines. */
static void render_file(const struct render *r, const struct mark *m, size_t count, int first)
{
    const struct mark *at = m;
    for (size_t i = 0; i < count; i++)
        if (m[i].primary) {
            at = &m[i];
            break;
        }
    if (!first) {
        gutter(r);
        strbuf_addch(r->out, '\n');
    }
    spaces(r->out, (size_t)r->width);
    paint_str(r, PAINT_BLUE, first ? "--> " : "::: ");
    strbuf_addf(r->out, "%s:%d:%u\n", at->file, at->line, at->from + 1);
    gutter(r);
    strbuf_addch(r->out, '\n');
    for (size_t i = 0, prev = 0; i < count;) {
        size_t j = i;
        while (j < count && m[j].line == m[i].line)
            j++;
        if (i && m[i].line > m[prev].line + 1)
            paint_str(r, PAINT_BLUE, "...\n");
        char number[16];
        snprintf(number, sizeof(number), "%*d ", r->width, m[i].line);
        paint_str(r, PAINT_BLUE, number);
        paint_str(r, PAINT_BLUE, "|");
        strbuf_addf(r->out, " %s\n", m[i].text);
        render_underlines(r, m + i, j - i);
        prev = i;
        i = j;
    }
}

static void render_marks(const struct render *r, struct mark_list *marks)
{
    if (!marks->count)
        return;
    /* The primary's file first. */
    const char *primary_file = marks->items[0].file;
    for (size_t i = 0; i < marks->count; i++)
        if (marks->items[i].primary) {
            primary_file = marks->items[i].file;
            break;
        }
    qsort(marks->items, marks->count, sizeof(*marks->items), compare_marks);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < marks->count;) {
            size_t j = i;
            while (j < marks->count && !strcmp(marks->items[j].file, marks->items[i].file))
                j++;
            if ((pass == 0) == !strcmp(marks->items[i].file, primary_file))
                render_file(r, marks->items + i, j - i, pass == 0);
            i = j;
        }
}

/* "level: message", or "= level: message" under a snippet; continuation lines aligned. */
static void render_heading(const struct render *r, const char *level, const char *code,
                           const char *message, int indented)
{
    if (indented) {
        spaces(r->out, (size_t)r->width + 1);
        paint_str(r, PAINT_BLUE, "= ");
        paint_str(r, PAINT_BOLD, level);
    } else {
        paint_str(r, level_paint(level), level);
        if (code && code[0] == 'E' && isdigit((unsigned char)code[1])) {
            strbuf_addch(r->out, '[');
            paint_str(r, level_paint(level), code);
            strbuf_addch(r->out, ']');
        }
    }
    strbuf_addstr(r->out, ": ");
    size_t indent = indented ? (size_t)r->width + 3 + strlen(level) + 2 : 0;
    for (const char *p = message; *p;) {
        size_t len = strcspn(p, "\n");
        paint(r, indented ? "" : PAINT_BOLD, p, len);
        strbuf_addch(r->out, '\n');
        p += len;
        if (*p == '\n' && *++p)
            spaces(r->out, indent);
    }
}

/* ", found `)`" where the `)` is cthag's: ", found the end of the expression". */
/* The message of a diagnostic whose primary span is cthag's text: rustc names cthag's token;
 * ", found `)`" becomes ", found the end of the expression", and "unexpected closing
 * delimiter: `)`" loses the `)` (the delimiter that does not match is the script's). */
static void describe_own_token(const char *message, const char *what, enum wrap_role role,
                               struct strbuf *out)
{
    size_t len = strlen(message);
    const char *found = strstr(message, "found `");
    const char *close = found ? strchr(found + 7, '`') : NULL;
    const char *token = len > 4 && message[len - 1] == '`' ? strstr(message, ": `") : NULL;
    if (close && !close[1] && what) {
        strbuf_add(out, message, (size_t)(found - message));
        strbuf_addf(out, "found the %s of %s", role == WRAP_START ? "start" : "end", what);
    } else if (token && strchr(token + 3, '`') == message + len - 1) {
        strbuf_add(out, message, (size_t)(token - message));
    } else {
        strbuf_addstr(out, message);
    }
}

static int line_digits(const struct mark_list *marks)
{
    int width = 1;
    for (size_t i = 0; i < marks->count; i++) {
        int w = snprintf(NULL, 0, "%d", marks->items[i].line);
        width = w > width ? w : width;
    }
    return width;
}

static void render_child(const struct render *r, const struct json *child)
{
    struct gathered g;
    memset(&g, 0, sizeof(g));
    const char *level = json_get_string(child, "level"), *text = json_get_string(child, "message");
    struct strbuf message = STRBUF_INIT;
    size_t nspans;
    json_items(child, "spans", &nspans);
    gather_spans(&g, r->map, child);
    if (level && text && sanitise(text, &message) && (!nspans || g.marks.count)) {
        struct render sub = *r;
        sub.level = level;
        int has_suggestion = 0;
        const struct json *spans = json_items(child, "spans", &nspans);
        for (size_t i = 0; i < nspans; i++)
            has_suggestion |= json_get_string(spans->items[i], "suggested_replacement") != NULL;
        if (!g.marks.count || has_suggestion) {
            render_heading(&sub, level, NULL, message.buf, 1);
        } else {
            render_heading(&sub, level, NULL, message.buf, 0);
            render_marks(&sub, &g.marks);
        }
    }
    strbuf_release(&message);
    release_marks(&g.marks);
}

static void render_message(const struct diag_map *map, const struct json *msg, int color,
                           struct gathered *g, struct strbuf *out)
{
    const char *level = json_get_string(msg, "level");
    const char *code = json_get_string(json_get(msg, "code"), "code");
    struct strbuf message = STRBUF_INIT, sane = STRBUF_INIT;
    const char *what = map->parts[g->own_at.part].what;
    if (g->own_primary)
        describe_own_token(json_get_string(msg, "message"), what, g->own_role, &message);
    else
        strbuf_addstr(&message, json_get_string(msg, "message"));
    sanitise(message.buf, &sane);
    struct render r = {map, color, level, out, line_digits(&g->marks)};
    size_t n;
    const struct json *children = json_items(msg, "children", &n);
    for (size_t i = 0; i < n; i++) {
        struct gathered c;
        memset(&c, 0, sizeof(c));
        const char *text = json_get_string(children->items[i], "message");
        g->printed_value |= text && strstr(text, "__cthag_show") != NULL;
        gather_spans(&c, map, children->items[i]);
        int w = line_digits(&c.marks);
        r.width = w > r.width ? w : r.width;
        release_marks(&c.marks);
    }
    render_heading(&r, level, code, sane.buf, 0);
    render_marks(&r, &g->marks);
    if (g->marks.count && (n || g->printed_value)) {
        gutter(&r);
        strbuf_addch(out, '\n');
    }
    for (size_t i = 0; i < n; i++)
        render_child(&r, children->items[i]);
    if (g->printed_value) {
        struct strbuf note = STRBUF_INIT;
        strbuf_addf(&note, "cthag prints the final value of %s with `{:?}`; end it with `;` "
                           "to leave it out", what ? what : "the script");
        render_heading(&r, "note", NULL, note.buf, 1);
        strbuf_release(&note);
    }
    strbuf_addch(out, '\n');
    strbuf_release(&message);
    strbuf_release(&sane);
}

void diag_message(const struct diag_map *map, const struct json *message, struct strbuf *out)
{
    const char *rendered = json_get_string(message, "rendered");
    const char *level = json_get_string(message, "level");
    if (!rendered || !level || !json_get_string(message, "message"))
        return;
    if (message_is_verbatim(map, message)) {
        diag_rewrite(map, rendered, out);
        return;
    }
    struct gathered g;
    memset(&g, 0, sizeof(g));
    gather_spans(&g, map, message);
    /* A warning about cthag's text alone (e.g. its Ok(()) unreachable after the script's last
     * statement), or about its printing of the final value (unreachable after `loop {}`), says
     * nothing about the script. */
    if (!((g.own_primary || g.primary_prints) && strcmp(level, "warning") == 0))
        render_message(map, message, strstr(rendered, "\033[") != NULL, &g, out);
    release_marks(&g.marks);
}
