/* --cache-stats: the cache described to people (a table) and to programs (JSON), from one scan. */
#include "cache/stats.h"

#include "cache/cache.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What -e, -s and -l entries are called: their stem is the kind of source. */
static const char *content_label(const struct scan_entry *e)
{
    static const struct {
        const char *stem, *label;
    } labels[] = {{"expr-", "(-e expression)"}, {"stdin-", "(-s standard input)"},
                  {"loop-", "(-l loop)"}};
    for (size_t i = 0; i < sizeof(labels) / sizeof(*labels); i++)
        if (!strncmp(e->name, labels[i].stem, strlen(labels[i].stem)))
            return labels[i].label;
    return "(-e/-s/-l content)";
}

static const char *kind_name(const struct scan_entry *e)
{
    if (e->kind == SCAN_SCRIPT || e->kind == SCAN_URL)
        return e->kind == SCAN_SCRIPT ? "script" : "url";
    if (e->kind == SCAN_INCOMPLETE)
        return "incomplete";
    return !strncmp(e->name, "expr-", 5) ? "expr" : !strncmp(e->name, "stdin-", 6) ? "stdin"
                                                                                  : "loop";
}

static const char *entry_status(const struct scan_entry *e)
{
    return e->script_exists == 0 ? "script missing" : !e->has_rec ? "no build" : "ok";
}

/* A path on one line whatever it holds: as it is when that is safe, else in double quotes with
 * C escapes (as git quotes paths), invalid UTF-8 bytes in octal. */
static void add_quoted(struct strbuf *out, const char *s)
{
    size_t len = strlen(s);
    int plain = utf8_valid(s, len);
    for (size_t i = 0; i < len && plain; i++)
        plain = (unsigned char)s[i] >= 0x20 && s[i] != 0x7f && s[i] != '"' && s[i] != '\\';
    if (plain) {
        strbuf_add(out, s, len);
        return;
    }
    static const char escapes[] = "\aa\bb\tt\nn\vv\ff\rr\"\"\\\\";
    strbuf_addch(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *escape = c ? strchr(escapes, c) : NULL;
        size_t valid = c >= 0x80 ? (size_t)utf8_invalid_at(s + i, len - i) : 0;
        if (escape && (escape - escapes) % 2 == 0)
            strbuf_addf(out, "\\%c", escape[1]);
        else if (c < 0x20 || c == 0x7f || (c >= 0x80 && valid == 0))
            strbuf_addf(out, "\\%03o", c);
        else
            strbuf_addch(out, c);
    }
    strbuf_addch(out, '"');
}

/* A -e/-s/-l entry as its Cargo.toml describes it: "-e 1 + 2" ("-e" and the start of the text,
 * on one line) in place of its kind alone. */
static void add_label(struct strbuf *out, const char *label)
{
    for (const char *p = label; *p; p++)
        strbuf_addch(out, (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
}

void stats_describe_script(const struct scan_entry *e, struct strbuf *out)
{
    if (e->kind == SCAN_SCRIPT || e->kind == SCAN_URL) {
        add_quoted(out, e->source);
    } else if (e->kind == SCAN_CONTENT) {
        if (e->label)
            add_label(out, e->label);
        else
            strbuf_addstr(out, content_label(e));
    } else if (e->label && e->label[0] == '/') { /* its STATUS says "no build" */
        add_quoted(out, e->label);
    } else if (e->label) {
        add_label(out, e->label);
    } else {
        strbuf_addstr(out, "(incomplete entry)");
    }
}

/* Most recently used first; ties by name, so the order never depends on the directory's. */
static int by_recent_use(const void *a, const void *b)
{
    const struct scan_entry *x = *(const struct scan_entry *const *)a;
    const struct scan_entry *y = *(const struct scan_entry *const *)b;
    if (x->used != y->used)
        return (x->used < y->used) - (x->used > y->used);
    return strcmp(x->name, y->name);
}

const struct scan_entry **stats_sorted_entries(const struct cache_scan *s,
                                               int (*compare)(const void *, const void *))
{
    const struct scan_entry **order = xmalloc((s->nentries + 1) * sizeof(*order));
    for (size_t i = 0; i < s->nentries; i++)
        order[i] = &s->entries[i];
    qsort(order, s->nentries, sizeof(*order), compare);
    return order;
}

static void print_json(const struct cache_scan *s, const struct scan_entry *const *order)
{
    struct strbuf out = STRBUF_INIT;
    strbuf_addstr(&out, "{\"root\": ");
    json_add_string(&out, s->root);
    strbuf_addstr(&out, ",\n \"entries\": [");
    for (size_t i = 0; i < s->nentries; i++) {
        const struct scan_entry *e = order[i];
        strbuf_addstr(&out, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
        json_add_string(&out, e->name);
        strbuf_addf(&out, ", \"kind\": \"%s\", \"script\": ", kind_name(e));
        if (e->kind == SCAN_SCRIPT || e->kind == SCAN_URL)
            json_add_string(&out, e->source);
        else if (e->label && e->label[0] == '/')
            json_add_string(&out, e->label);
        else
            strbuf_addstr(&out, "null");
        if (e->label && e->label[0] != '/') {
            strbuf_addstr(&out, ", \"text\": ");
            json_add_string(&out, e->label);
        }
        strbuf_addf(&out, ", \"last_used\": %lld, \"binary_bytes\": %llu, \"entry_bytes\": %llu, "
                          "\"script_exists\": %s}",
                    e->used, e->has_rec ? e->bin_size : 0ULL,
                    (unsigned long long)e->own.bytes,
                    e->script_exists == 1 ? "true" : e->script_exists == 0 ? "false" : "null");
    }
    strbuf_addstr(&out, s->nentries ? "\n ],\n \"totals\": {" : "],\n \"totals\": {");
    for (int i = 0; i < SCAN_PARTS; i++)
        strbuf_addf(&out, "\"%s\": {\"bytes\": %llu, \"files\": %llu}, ", scan_part_names[i],
                    (unsigned long long)s->parts[i].bytes, (unsigned long long)s->parts[i].files);
    strbuf_addf(&out, "\"entries\": %zu, \"bytes\": %llu}}\n", s->nentries,
                (unsigned long long)s->total);
    fputs(out.buf, stdout);
    strbuf_release(&out);
}

static void print_table(const struct cache_scan *s, const struct scan_entry *const *order)
{
    char size[32], when[32];
    struct strbuf script = STRBUF_INIT;
    printf("%-16s  %9s  %-14s  %s\n", "LAST USED", "BINARY", "STATUS", "SCRIPT");
    for (size_t i = 0; i < s->nentries; i++) {
        const struct scan_entry *e = order[i];
        time_t used = (time_t)e->used;
        struct tm tm;
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M", localtime_r(&used, &tm));
        fs_human_size(e->has_rec ? e->bin_size : 0, size);
        strbuf_reset(&script);
        stats_describe_script(e, &script);
        printf("%-16s  %9s  %-14s  %s\n", when, size, entry_status(e), script.buf);
    }
    printf("\n");
    for (int i = 0; i < SCAN_PARTS; i++)
        printf("%-9s %10s  %llu files\n", scan_part_names[i], fs_human_size(s->parts[i].bytes, size),
               (unsigned long long)s->parts[i].files);
    printf("%-9s %10s  %zu entries (hard links counted once)\n", "total",
           fs_human_size(s->total, size), s->nentries);
    strbuf_release(&script);
}

int cache_stats(const char *root, int json)
{
    struct cache_scan scan;
    if (cache_check_root(root) < 0) /* a directory that is not cthag's is not described as one */
        return -1;
    if (cache_scan(root, &scan)) {
        cache_scan_release(&scan);
        return -1;
    }
    const struct scan_entry **order = stats_sorted_entries(&scan, by_recent_use);
    if (json)
        print_json(&scan, order);
    else
        print_table(&scan, order);
    free(order);
    cache_scan_release(&scan);
    return 0;
}
