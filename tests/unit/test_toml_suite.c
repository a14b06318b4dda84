/* TOML conformance: every document in tests/toml/valid must read, decode to the value in its
 * .json file (toml-test's JSON form, keys sorted; made by tests/toml/make-cases.py with an
 * independent reader) and read back the same after a round trip through the writer; every
 * document in tests/toml/invalid must be refused with a line inside the document.
 * With file arguments, prints each one's decoded value (or its error) instead. */
#include "toml/toml.h"
#include "toml/literal.h"
#include "unit.h"
#include "util/fs.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>

static void dump_value(const struct toml_value *v, struct strbuf *out);

static void dump_string(const char *s, size_t n, struct strbuf *out)
{
    strbuf_addch(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                          : c == '\t' ? "\\t" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
        if (esc)
            strbuf_addstr(out, esc);
        else if (c < 0x20)
            strbuf_addf(out, "\\u%04x", c);
        else
            strbuf_addch(out, (char)c);
    }
    strbuf_addch(out, '"');
}

/* The table whose keys are being sorted (qsort has no context argument). */
static const struct toml_value *sorting;

/* Keys by their bytes, as Python sorts them (U+0000 included), a prefix first. */
static int compare_keys(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    size_t li = sorting->key_lens[i], lj = sorting->key_lens[j];
    int c = memcmp(sorting->keys[i], sorting->keys[j], li < lj ? li : lj);
    return c ? c : (li > lj) - (li < lj);
}

static void dump_table(const struct toml_value *v, struct strbuf *out)
{
    size_t order[v->count ? v->count : 1];
    for (size_t i = 0; i < v->count; i++)
        order[i] = i;
    sorting = v;
    qsort(order, v->count, sizeof(*order), compare_keys);
    strbuf_addch(out, '{');
    for (size_t i = 0; i < v->count; i++) {
        size_t at = order[i];
        strbuf_addstr(out, i ? "," : "");
        dump_string(v->keys[at], v->key_lens[at], out);
        strbuf_addch(out, ':');
        dump_value(v->items[at], out);
    }
    strbuf_addch(out, '}');
}

/* A date-time as Python's isoformat() writes it: T, seconds, microseconds when not zero, and
 * the offset as +HH:MM. */
static void dump_datetime(const char *s, size_t n, enum toml_literal_kind kind, struct strbuf *out)
{
    struct strbuf text = STRBUF_INIT;
    const char *p = s, *end = s + n;
    if (kind != LITERAL_LOCAL_TIME) {
        strbuf_add(&text, p, 10);
        p += 10;
        if (p < end) {
            strbuf_addch(&text, 'T');
            p++;
        }
    }
    if (p < end) {
        strbuf_add(&text, p, 5);
        p += 5;
        if (p < end && *p == ':') {
            strbuf_add(&text, p, 3);
            p += 3;
        } else {
            strbuf_addstr(&text, ":00");
        }
        if (p < end && *p == '.') {
            char micro[7] = "000000";
            size_t i = 0;
            for (p++; p < end && *p >= '0' && *p <= '9'; p++)
                if (i < 6)
                    micro[i++] = *p;
            if (strcmp(micro, "000000"))
                strbuf_addf(&text, ".%s", micro);
        }
        if (p < end)
            strbuf_addstr(&text, *p == 'Z' || *p == 'z' || !strcmp(p, "-00:00") ? "+00:00" : p);
    }
    static const char *const types[] = {"", "", "", "datetime", "datetime-local", "date-local",
                                        "time-local"};
    strbuf_addf(out, "{\"type\":\"%s\",\"value\":\"%s\"}", types[kind], text.buf);
    strbuf_release(&text);
}

static void dump_value(const struct toml_value *v, struct strbuf *out)
{
    char problem[160];
    struct toml_literal lit;
    switch (v->type) {
    case TOML_TABLE: dump_table(v, out); return;
    case TOML_ARRAY:
        strbuf_addch(out, '[');
        for (size_t i = 0; i < v->count; i++) {
            strbuf_addstr(out, i ? "," : "");
            dump_value(v->items[i], out);
        }
        strbuf_addch(out, ']');
        return;
    case TOML_STRING:
        strbuf_addstr(out, "{\"type\":\"string\",\"value\":");
        dump_string(v->text, v->text_len, out);
        strbuf_addch(out, '}');
        return;
    default: break;
    }
    if (toml_literal_read(v->text, v->text_len, &lit, problem, sizeof(problem))) {
        strbuf_addf(out, "{\"error\":\"%s\"}", problem);
        return;
    }
    if (lit.kind == LITERAL_INTEGER)
        strbuf_addf(out, "{\"type\":\"integer\",\"value\":\"%lld\"}", (long long)lit.integer);
    else if (lit.kind == LITERAL_BOOL)
        strbuf_addf(out, "{\"type\":\"bool\",\"value\":\"%s\"}", lit.boolean ? "true" : "false");
    else if (lit.kind == LITERAL_FLOAT && isnan(lit.real))
        strbuf_addstr(out, "{\"type\":\"float\",\"value\":\"nan\"}");
    else if (lit.kind == LITERAL_FLOAT && isinf(lit.real))
        strbuf_addf(out, "{\"type\":\"float\",\"value\":\"%sinf\"}", lit.real < 0 ? "-" : "");
    else if (lit.kind == LITERAL_FLOAT)
        strbuf_addf(out, "{\"type\":\"float\",\"value\":\"%.17g\"}", lit.real);
    else
        dump_datetime(v->text, v->text_len, lit.kind, out);
}

static char data_dir[4096];

static int read_case(const char *kind, const char *name, const char *ext, struct strbuf *out)
{
    char path[8192];
    snprintf(path, sizeof(path), "%s/%s/%s%s", data_dir, kind, name, ext);
    strbuf_reset(out);
    return fs_read_file(path, out);
}

static int count_lines(const struct strbuf *text)
{
    int lines = 1;
    for (size_t i = 0; i < text->len; i++)
        lines += text->buf[i] == '\n';
    return lines;
}

static void check_valid(const char *name)
{
    struct strbuf doc = STRBUF_INIT, expected = STRBUF_INIT, got = STRBUF_INIT, written = STRBUF_INIT;
    struct toml_error err = {0, ""};
    CHECK(!read_case("valid", name, ".toml", &doc) && !read_case("valid", name, ".json", &expected));
    strbuf_rtrim(&expected);
    struct toml_value *root = toml_parse(doc.buf, doc.len, 1, &err);
    if (!root)
        fprintf(stderr, "valid/%s.toml: refused: line %d: %s\n", name, err.line, err.message);
    CHECK(root != NULL);
    if (root) {
        dump_value(root, &got);
        if (strcmp(got.buf, expected.buf))
            fprintf(stderr, "valid/%s.toml decodes to\n  %.300s\nexpected\n  %.300s\n", name, got.buf,
                    expected.buf);
        CHECK(!strcmp(got.buf, expected.buf));
        /* The round trip: what the writer makes of it reads back as the same value. */
        toml_write(root, &written);
        struct toml_value *again = toml_parse(written.buf, written.len, 1, &err);
        if (!again)
            fprintf(stderr, "valid/%s.toml written back is refused: line %d: %s\n%s", name,
                    err.line, err.message, written.buf);
        CHECK(again != NULL);
        if (again) {
            strbuf_reset(&got);
            dump_value(again, &got);
            if (strcmp(got.buf, expected.buf))
                fprintf(stderr, "valid/%s.toml written back decodes to %.300s\n", name, got.buf);
            CHECK(!strcmp(got.buf, expected.buf));
        }
        toml_free(again);
    }
    toml_free(root);
    strbuf_release(&doc);
    strbuf_release(&expected);
    strbuf_release(&got);
    strbuf_release(&written);
}

static void check_invalid(const char *name)
{
    struct strbuf doc = STRBUF_INIT;
    struct toml_error err = {0, ""};
    CHECK(!read_case("invalid", name, ".toml", &doc));
    struct toml_value *root = toml_parse(doc.buf, doc.len, 1, &err);
    if (root)
        fprintf(stderr, "invalid/%s.toml: accepted\n", name);
    CHECK(root == NULL);
    CHECK(err.line >= 1 && err.line <= count_lines(&doc));
    CHECK(err.message[0] != '\0');
    toml_free(root);
    strbuf_release(&doc);
}

/* Each NAME of dir/kind/NAME.toml, in order. */
static int run_kind(const char *kind, void (*check)(const char *))
{
    char path[8192];
    snprintf(path, sizeof(path), "%s/%s", data_dir, kind);
    struct dirent **entries;
    int n = scandir(path, &entries, NULL, alphasort), cases = 0;
    for (int i = 0; i < n; i++) {
        char *name = entries[i]->d_name;
        size_t len = strlen(name);
        if (len > 5 && !strcmp(name + len - 5, ".toml")) {
            name[len - 5] = '\0';
            check(name);
            cases++;
        }
        free(entries[i]);
    }
    free(entries);
    return cases;
}

/* With arguments: each file's decoded value, or its error. */
static int print_files(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        struct strbuf doc = STRBUF_INIT, out = STRBUF_INIT;
        struct toml_error err = {0, ""};
        if (fs_read_file(argv[i], &doc)) {
            perror(argv[i]);
            return 1;
        }
        struct toml_value *root = toml_parse(doc.buf, doc.len, 1, &err);
        if (root)
            dump_value(root, &out);
        printf("%s: %s\n", argv[i], root ? out.buf : "");
        if (!root)
            printf("%s: error: line %d: %s\n", argv[i], err.line, err.message);
        toml_free(root);
        strbuf_release(&doc);
        strbuf_release(&out);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return print_files(argc, argv);
    /* The data sit beside this file's directory: tests/toml. */
    snprintf(data_dir, sizeof(data_dir), "%s", __FILE__);
    char *slash = strrchr(data_dir, '/');
    snprintf(slash ? slash : data_dir, sizeof(data_dir) - (size_t)(slash ? slash - data_dir : 0),
             "%s../toml", slash ? "/" : "");
    int valid = run_kind("valid", check_valid);
    int invalid = run_kind("invalid", check_invalid);
    printf("test_toml_suite: %d valid and %d invalid documents\n", valid, invalid);
    CHECK(valid >= 200);
    CHECK(invalid >= 200);
    return unit_finish("test_toml_suite");
}
