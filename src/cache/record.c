#include "cache/record.h"

#include "util/die.h"
#include "util/fs.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Larger records are not cthag's (50 inputs take about 8 KB). */
#define RECORD_MAX_BYTES (4 << 20)

/* ---- escaping: values are one line each, control bytes and '%' as %XX ---- */

static void add_escaped(struct strbuf *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == '%' || c == 0x7f)
            strbuf_addf(out, "%%%02X", c);
        else
            strbuf_addch(out, c);
    }
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode [p, end) into out; -1 when malformed or when it holds a NUL. */
static int unescape(const char *p, const char *end, struct strbuf *out)
{
    strbuf_reset(out);
    while (p < end) {
        /* The text up to the next escape in one piece (this is on every cached run). */
        const char *pct = memchr(p, '%', (size_t)(end - p)), *stop = pct ? pct : end;
        if (memchr(p, '\0', (size_t)(stop - p)))
            return -1;
        strbuf_add(out, p, (size_t)(stop - p));
        if (!pct)
            return 0;
        p = pct + 1;
        if (end - p < 2 || hex_value(p[0]) < 0 || hex_value(p[1]) < 0)
            return -1;
        char c = (char)(hex_value(p[0]) * 16 + hex_value(p[1]));
        if (c == '\0')
            return -1;
        strbuf_addch(out, c);
        p += 2;
    }
    return 0;
}

/* Decode [p, end) into out (size bytes, NUL-terminated); -1 when malformed, holding a NUL or
 * too long.  No allocation: source, opts and registry are read on every cached run. */
static int unescape_into(const char *p, const char *end, char *out, size_t size)
{
    size_t n = 0;
    while (p < end) {
        char c = *p++;
        if (c == '%') {
            if (end - p < 2 || hex_value(p[0]) < 0 || hex_value(p[1]) < 0)
                return -1;
            c = (char)(hex_value(p[0]) * 16 + hex_value(p[1]));
            p += 2;
        }
        if (c == '\0' || n + 1 >= size)
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

/* Is ptr in the record's own text (a value decoded in place), not an allocation of its own? */
static int in_text(const struct entry_record *rec, const char *ptr)
{
    return rec->text && ptr >= rec->text && ptr <= rec->text + rec->text_len;
}

/* [p, end) decoded: in place when it lies in the record's own text (the cached path reads a
 * record with no allocation per value: the end of line becomes the NUL), else a malloc'd
 * copy.  NULL when malformed or empty. */
static char *unescape_value(struct entry_record *rec, const char *p, const char *end)
{
    if (p == end || memchr(p, '\0', (size_t)(end - p)))
        return NULL;
    int escaped = memchr(p, '%', (size_t)(end - p)) != NULL;
    if (in_text(rec, p)) {
        char *out = (char *)p;
        if (escaped && unescape_into(p, end, out, (size_t)(end - p) + 1))
            return NULL;
        out[escaped ? strlen(out) : (size_t)(end - p)] = '\0';
        return out;
    }
    if (!escaped)
        return xmemdupz(p, (size_t)(end - p));
    struct strbuf value = STRBUF_INIT;
    if (unescape(p, end, &value) || !value.len) {
        strbuf_release(&value);
        return NULL;
    }
    return strbuf_detach(&value);
}

/* ---- numbers ---- */

static int parse_unsigned(const char *p, const char *end, unsigned long long *out)
{
    if (p == end || end - p > 20)
        return -1;
    /* 19 digits cannot overflow: only a 20th is checked (on every cached run each input's five
     * numbers are read, and a division per digit showed). */
    int check = end - p == 20;
    unsigned long long value = 0;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        unsigned digit = (unsigned)(*p - '0');
        if (check && end - p == 1 && value > (~0ULL - digit) / 10)
            return -1;
        value = value * 10 + digit;
    }
    *out = value;
    return 0;
}

static int parse_signed(const char *p, const char *end, long long *out)
{
    int negative = p < end && *p == '-';
    unsigned long long magnitude;
    if (parse_unsigned(p + negative, end, &magnitude) || magnitude > (unsigned long long)LLONG_MAX)
        return -1;
    *out = negative ? -(long long)magnitude : (long long)magnitude;
    return 0;
}

/* The next blank-separated field of [*p, end), moving *p past it and its blank. */
static int next_field(const char **p, const char *end, const char **start, const char **stop)
{
    const char *space = memchr(*p, ' ', (size_t)(end - *p));
    *start = *p;
    *stop = space ? space : end;
    *p = space ? space + 1 : end;
    return *start == *stop ? -1 : 0;
}

/* ---- parsing ---- */

static void grow_inputs(struct entry_record *rec)
{
    if (rec->ninputs < rec->inputs_alloc)
        return;
    if (rec->inputs_alloc > ((size_t)-1) / 2 / sizeof(*rec->inputs))
        die_out_of_memory();
    rec->inputs_alloc = rec->inputs_alloc ? rec->inputs_alloc * 2 : 8;
    rec->inputs = xrealloc(rec->inputs, rec->inputs_alloc * sizeof(*rec->inputs));
}

/* The stat data "<dev> <ino> <size> <mtime> <ctime>" from *p, moving *p past them. */
static int parse_stat_fields(const char **p, const char *end, struct record_input *in)
{
    const char *f[5][2];
    for (int i = 0; i < 5; i++)
        if (next_field(p, end, &f[i][0], &f[i][1]))
            return -1;
    return parse_unsigned(f[0][0], f[0][1], &in->dev) ||
                   parse_unsigned(f[1][0], f[1][1], &in->ino) ||
                   parse_unsigned(f[2][0], f[2][1], &in->size) ||
                   parse_signed(f[3][0], f[3][1], &in->mtime_ns) ||
                   parse_signed(f[4][0], f[4][1], &in->ctime_ns)
               ? -1
               : 0;
}

/* The path that ends an input line; in (filled in) is added to the record's current group. */
static int add_parsed_input(struct entry_record *rec, struct record_input *in, const char *p,
                            const char *end)
{
    in->path = unescape_value(rec, p, end);
    if (!in->path)
        return -1;
    in->group = rec->units.count;
    grow_inputs(rec);
    rec->inputs[rec->ninputs++] = *in;
    return 0;
}

/* "input <stat data> <hash|-> <path>", "file <stat data> <path>" or "absent <path>" */
static int parse_input(struct entry_record *rec, enum input_kind kind, const char *p,
                       const char *end)
{
    struct record_input in;
    memset(&in, 0, sizeof(in));
    in.kind = kind;
    if (kind != INPUT_ABSENT && parse_stat_fields(&p, end, &in))
        return -1;
    if (kind == INPUT_CONTENT) {
        const char *hash, *stop;
        if (next_field(&p, end, &hash, &stop))
            return -1;
        size_t hash_len = (size_t)(stop - hash);
        if (!(hash_len == HASH_HEX_LEN && hash_is_hex(hash, hash_len)) &&
            !(hash_len == 1 && *hash == '-'))
            return -1;
        if (hash_len == HASH_HEX_LEN)
            memcpy(in.hash, hash, HASH_HEX_LEN);
    }
    return add_parsed_input(rec, &in, p, end);
}

static int parse_unit(struct entry_record *rec, const char *p, const char *end)
{
    struct strbuf name = STRBUF_INIT;
    int result = unescape(p, end, &name) || !name.len || strlist_contains(&rec->units, name.buf)
                     ? -1
                     : 0;
    if (!result)
        strlist_add(&rec->units, name.buf);
    strbuf_release(&name);
    return result;
}

/* A 32-digit hash field ("-" for none, when allowed). */
static int parse_hash(const char *value, const char *end, char *out, int dash_allowed)
{
    if (dash_allowed && end - value == 1 && *value == '-') {
        out[0] = '\0';
        return 0;
    }
    /* Lowercase hex digits only: a hash with any other byte (a NUL above all) would not read
     * back as the same record. */
    if (end - value != HASH_HEX_LEN || !hash_is_hex(value, HASH_HEX_LEN))
        return -1;
    memcpy(out, value, HASH_HEX_LEN);
    out[HASH_HEX_LEN] = '\0';
    return 0;
}

static int parse_string(struct entry_record *rec, const char *value, const char *end,
                        char **field)
{
    if (*field)
        return -1;
    *field = unescape_value(rec, value, end);
    return *field ? 0 : -1;
}

static int parse_env(struct entry_record *rec, const char *p, const char *end)
{
    struct strbuf value = STRBUF_INIT;
    int result = unescape(p, end, &value) || !value.len || value.buf[0] == '=' ? -1 : 0;
    if (!result)
        strlist_add(&rec->env, value.buf);
    strbuf_release(&value);
    return result;
}

static int parse_field(struct entry_record *rec, const char *name, size_t name_len,
                       const char *value, const char *end)
{
#define FIELD(s) (name_len == sizeof(s) - 1 && !memcmp(name, s, name_len))
    if (FIELD("input"))
        return parse_input(rec, INPUT_CONTENT, value, end);
    if (FIELD("file"))
        return parse_input(rec, INPUT_STAT, value, end);
    if (FIELD("absent"))
        return parse_input(rec, INPUT_ABSENT, value, end);
    if (FIELD("unit"))
        return parse_unit(rec, value, end);
    if (FIELD("env"))
        return parse_env(rec, value, end);
    if (FIELD("key"))
        return parse_hash(value, end, rec->key, 0);
    if (FIELD("manifest"))
        return parse_hash(value, end, rec->manifest, 0);
    if (FIELD("lock"))
        return parse_hash(value, end, rec->lock, 1);
    if (FIELD("config"))
        return parse_hash(value, end, rec->config, 0);
    if (FIELD("rustc"))
        return parse_string(rec, value, end, &rec->rustc);
    if (FIELD("sysroot"))
        return parse_string(rec, value, end, &rec->sysroot);
    if (FIELD("uncacheable"))
        return parse_string(rec, value, end, &rec->uncacheable);
    if (FIELD("source"))
        return unescape_into(value, end, rec->source, sizeof(rec->source));
    if (FIELD("opts"))
        return unescape_into(value, end, rec->opts, sizeof(rec->opts));
    if (FIELD("registry"))
        return unescape_into(value, end, rec->registry, sizeof(rec->registry));
    if (FIELD("config-registry"))
        return parse_string(rec, value, end, &rec->config_registry);
    if (FIELD("inode"))
        return parse_unsigned(value, end, &rec->bin_inode);
    if (FIELD("bin-size"))
        return parse_unsigned(value, end, &rec->bin_size);
    if (FIELD("stamp"))
        return parse_signed(value, end, &rec->stamp_ns);
    if (FIELD("built"))
        return parse_signed(value, end, &rec->built);
    if (FIELD("used"))
        return parse_signed(value, end, &rec->used);
    return 0; /* a field a later version added */
#undef FIELD
}

static const char record_magic[] = "cthag-entry " CACHE_FORMAT_VERSION "\n";

/* An empty record.  Not a memset of it all: its three path buffers are 9 KiB, and a cached run
 * would fault three pages of stack in for them; a string in them is read up to its NUL. */
_Static_assert(offsetof(struct entry_record, opts) ==
                       offsetof(struct entry_record, source) + RECORD_SOURCE_MAX &&
                   offsetof(struct entry_record, registry) ==
                       offsetof(struct entry_record, opts) + RECORD_OPTS_MAX &&
                   offsetof(struct entry_record, env) ==
                       offsetof(struct entry_record, registry) + 4096,
               "the path buffers are together, between the numbers and the lists");
static void record_init(struct entry_record *rec)
{
    memset(rec, 0, offsetof(struct entry_record, source));
    rec->source[0] = rec->opts[0] = rec->registry[0] = '\0';
    memset(&rec->env, 0, sizeof(*rec) - offsetof(struct entry_record, env));
}

/* Parse buf; own_text: buf is the record's own (malloc'd, rec->text takes it), its values
 * decoded in place. */
static int parse_text(char *own_text, const char *buf, size_t len, struct entry_record *rec)
{
    record_init(rec);
    rec->text = own_text;
    rec->text_len = own_text ? len : 0;
    size_t magic = sizeof(record_magic) - 1;
    if (len < magic || memcmp(buf, record_magic, magic))
        return -1;
    const char *p = buf + magic, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return -1; /* a record always ends with a newline: anything else is torn */
        const char *space = memchr(p, ' ', (size_t)(nl - p));
        if (!space || parse_field(rec, p, (size_t)(space - p), space + 1, nl))
            return -1;
        p = nl + 1;
    }
    return rec->key[0] ? 0 : -1;
}

int entry_record_parse(const char *buf, size_t len, struct entry_record *rec)
{
    return parse_text(NULL, buf, len, rec);
}

/* The record file's bytes into text; st gets its stat data. */
static int read_text(int dirfd, const char *path, struct stat *st, struct strbuf *text)
{
    struct stat own;
    strbuf_reset(text);
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    int result = -1;
    struct stat *s = st ? st : &own;
    if (!fstat(fd, s) && S_ISREG(s->st_mode) && s->st_size < RECORD_MAX_BYTES) {
        strbuf_grow(text, (size_t)s->st_size + 1); /* read into a buffer of its size */
        result = fs_read_fd(fd, text);
    }
    close(fd);
    return result;
}

int entry_record_read_at(int dirfd, const char *path, struct entry_record *rec, struct stat *st,
                         struct strbuf *text)
{
    record_init(rec);
    return read_text(dirfd, path, st, text) ? -1 : entry_record_parse(text->buf, text->len, rec);
}

int entry_record_load_at(int dirfd, const char *path, struct entry_record *rec, struct stat *st)
{
    struct strbuf text = STRBUF_INIT;
    record_init(rec);
    if (read_text(dirfd, path, st, &text)) {
        strbuf_release(&text);
        return -1;
    }
    /* The record keeps its text: its values are decoded in place. */
    size_t len = text.len;
    char *buf = strbuf_detach(&text);
    return parse_text(buf, buf, len, rec);
}

int entry_record_load(const char *path, struct entry_record *rec)
{
    return entry_record_load_at(AT_FDCWD, path, rec, NULL);
}

static void add_line(struct strbuf *out, const char *name, const char *value)
{
    strbuf_addstr(out, name);
    strbuf_addch(out, ' ');
    add_escaped(out, value);
    strbuf_addch(out, '\n');
}

static void format_input(const struct record_input *in, struct strbuf *out)
{
    if (in->kind == INPUT_ABSENT) {
        add_line(out, "absent", in->path);
        return;
    }
    strbuf_addf(out, "%s %llu %llu %llu %lld %lld ", in->kind == INPUT_STAT ? "file" : "input",
                in->dev, in->ino, in->size, in->mtime_ns, in->ctime_ns);
    if (in->kind == INPUT_CONTENT)
        strbuf_addf(out, "%s ", in->hash[0] ? in->hash : "-");
    add_escaped(out, in->path);
    strbuf_addch(out, '\n');
}

/* The inputs, group by group: the configuration's first, then each unit's after its line. */
static void format_inputs(const struct entry_record *rec, struct strbuf *out)
{
    for (unsigned group = 0; group <= rec->units.count; group++) {
        if (group > RECORD_CONFIG_GROUP)
            add_line(out, "unit", rec->units.items[group - 1]);
        for (size_t i = 0; i < rec->ninputs; i++)
            if (rec->inputs[i].group == group)
                format_input(&rec->inputs[i], out);
    }
}

void entry_record_format(const struct entry_record *rec, struct strbuf *out)
{
    strbuf_addstr(out, record_magic);
    strbuf_addf(out, "key %s\ninode %llu\nstamp %lld\nbuilt %lld\nused %lld\nbin-size %llu\n",
                rec->key, rec->bin_inode, rec->stamp_ns, rec->built, rec->used, rec->bin_size);
    const char *names[] = {"source", "opts", "registry"};
    const char *values[] = {rec->source, rec->opts, rec->registry};
    for (int i = 0; i < 3; i++)
        add_line(out, names[i], values[i]);
    const char *hash_names[] = {"manifest", "lock", "config"};
    const char *hashes[] = {rec->manifest, rec->lock, rec->config};
    for (int i = 0; i < 3; i++)
        if (hashes[i][0] || i == 1)
            strbuf_addf(out, "%s %s\n", hash_names[i], hashes[i][0] ? hashes[i] : "-");
    const char *string_names[] = {"config-registry", "rustc", "sysroot", "uncacheable"};
    const char *strings[] = {rec->config_registry, rec->rustc, rec->sysroot, rec->uncacheable};
    for (int i = 0; i < 4; i++)
        if (strings[i] && *strings[i])
            add_line(out, string_names[i], strings[i]);
    for (size_t i = 0; i < rec->env.count; i++)
        add_line(out, "env", rec->env.items[i]);
    format_inputs(rec, out);
}

int entry_record_store(const char *path, const struct entry_record *rec, int quietly)
{
    struct strbuf text = STRBUF_INIT;
    entry_record_format(rec, &text);
    int result = quietly ? fs_write_atomic_quietly(path, text.buf, text.len, 0600)
                         : fs_write_atomic(path, text.buf, text.len, 0600);
    strbuf_release(&text);
    return result;
}

void entry_record_release(struct entry_record *rec)
{
    for (size_t i = 0; i < rec->ninputs; i++)
        if (!in_text(rec, rec->inputs[i].path))
            free(rec->inputs[i].path);
    free(rec->inputs);
    rec->inputs = NULL;
    rec->ninputs = rec->inputs_alloc = 0;
    strlist_release(&rec->env);
    strlist_release(&rec->units);
    entry_record_set(rec, &rec->rustc, NULL);
    entry_record_set(rec, &rec->sysroot, NULL);
    entry_record_set(rec, &rec->uncacheable, NULL);
    entry_record_set(rec, &rec->config_registry, NULL);
    free(rec->text);
    rec->text = NULL;
    rec->text_len = 0;
}

/* ---- building a record ---- */

void record_input_update(struct record_input *in, const struct stat *st, const char *hash)
{
    in->dev = (unsigned long long)st->st_dev;
    in->ino = (unsigned long long)st->st_ino;
    in->size = (unsigned long long)st->st_size;
    in->mtime_ns = fs_timespec_ns(&st->st_mtim);
    in->ctime_ns = fs_timespec_ns(&st->st_ctim);
    snprintf(in->hash, sizeof(in->hash), "%s", hash ? hash : "");
}

static struct record_input *add_input(struct entry_record *rec, unsigned group, const char *path,
                                      enum input_kind kind)
{
    struct record_input in;
    memset(&in, 0, sizeof(in));
    in.path = xstrdup(path);
    in.kind = kind;
    in.group = group;
    grow_inputs(rec);
    rec->inputs[rec->ninputs] = in;
    return &rec->inputs[rec->ninputs++];
}

struct record_input *entry_record_add_input(struct entry_record *rec, unsigned group,
                                            const char *path, const struct stat *st,
                                            const char *hash)
{
    struct record_input *in = add_input(rec, group, path, INPUT_CONTENT);
    record_input_update(in, st, hash);
    return in;
}

void entry_record_add_absent(struct entry_record *rec, unsigned group, const char *path)
{
    add_input(rec, group, path, INPUT_ABSENT);
}

unsigned entry_record_unit(struct entry_record *rec, const char *name)
{
    for (size_t i = 0; i < rec->units.count; i++)
        if (!strcmp(rec->units.items[i], name))
            return (unsigned)i + 1;
    strlist_add(&rec->units, name);
    return (unsigned)rec->units.count;
}

void entry_record_set(struct entry_record *rec, char **field, const char *value)
{
    if (!in_text(rec, *field))
        free(*field);
    *field = value ? xstrdup(value) : NULL;
}
