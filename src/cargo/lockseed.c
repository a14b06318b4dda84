/* Seeding a project's Cargo.lock with versions the cache already uses (see lockseed.h).
 *
 * The seed lists packages only, without their `dependencies` arrays: cargo locks a dependency to
 * any listed package of the same name and source whose version satisfies the requirement, and
 * prefers listed versions when it has to resolve anew, so the edges are not needed, and leaving
 * them out keeps references unambiguous when several entries' locks are merged. */
#include "cargo/lockseed.h"

#include "cache/cache.h"
#include "toml/toml.h"
#include "util/die.h"
#include "util/fs.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* A version as semver orders it (build metadata ignored). */
struct semver {
    unsigned long long major, minor, patch;
    const char *pre; /* after '-', up to '+' or the end; "" for a release */
    size_t pre_len;
};

struct locked {
    const char *name, *version, *source, *checksum; /* owned by the parsed documents */
    struct semver v;
    char series[96]; /* the semver-compatible series: "1", "0.4", "0.0.3", or the whole pre-release */
    int own;
};

struct seed {
    struct toml_value **docs;
    size_t ndocs, docs_alloc;
    struct locked *pkgs;
    size_t count, alloc;
};

static void *grow(void *items, size_t size, size_t count, size_t *alloc)
{
    if (count < *alloc)
        return items;
    *alloc = *alloc ? *alloc * 2 : 16;
    return xrealloc(items, *alloc * size);
}

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

static int parse_semver(const char *text, struct semver *v)
{
    const char *p = text;
    if (parse_number(&p, &v->major) || *p++ != '.' || parse_number(&p, &v->minor) ||
        *p++ != '.' || parse_number(&p, &v->patch))
        return -1;
    v->pre = "";
    v->pre_len = 0;
    if (*p == '-') {
        v->pre = ++p;
        v->pre_len = strcspn(p, "+");
        p += v->pre_len;
    }
    return *p == '+' || !*p ? 0 : -1;
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

/* Dot-separated identifiers left to right; a prefix comes first. */
static int compare_pre(const char *a, size_t alen, const char *b, size_t blen)
{
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

static int compare_semver(const struct semver *a, const struct semver *b)
{
    int c = compare_numbers(a->major, b->major);
    if (!c)
        c = compare_numbers(a->minor, b->minor);
    if (!c)
        c = compare_numbers(a->patch, b->patch);
    if (c)
        return c;
    if (!a->pre_len || !b->pre_len) /* a release is above its pre-releases */
        return a->pre_len ? -1 : b->pre_len ? 1 : 0;
    return compare_pre(a->pre, a->pre_len, b->pre, b->pre_len);
}

/* cargo's compatibility rule: the leftmost non-zero part.  A pre-release is a series of its own:
 * `^1` does not accept 1.1.0-alpha, so it must not hide the 1.0.5 release. */
static void series_of(const struct locked *p, char *out, size_t size)
{
    const struct semver *v = &p->v;
    if (v->pre_len)
        snprintf(out, size, "%s", p->version);
    else if (v->major)
        snprintf(out, size, "%llu", v->major);
    else if (v->minor)
        snprintf(out, size, "0.%llu", v->minor);
    else
        snprintf(out, size, "0.0.%llu", v->patch);
}

static const char *string_of(const struct toml_value *table, const char *key)
{
    const struct toml_value *v = toml_get(table, key);
    return v && v->type == TOML_STRING && !memchr(v->text, '\0', v->text_len) ? v->text : NULL;
}

/* Registry packages only: a path or git dependency is the script's own business. */
static int from_registry(const char *source)
{
    return source && (!strncmp(source, "registry+", 9) || !strncmp(source, "sparse+", 7));
}

static void add_package(struct seed *s, const struct toml_value *table, int own)
{
    struct locked p = {string_of(table, "name"), string_of(table, "version"),
                       string_of(table, "source"), string_of(table, "checksum"), {0}, "", own};
    if (!p.name || !p.version || !from_registry(p.source) || parse_semver(p.version, &p.v))
        return;
    series_of(&p, p.series, sizeof(p.series));
    s->pkgs = grow(s->pkgs, sizeof(*s->pkgs), s->count, &s->alloc);
    s->pkgs[s->count++] = p;
}

/* Take the packages of one Cargo.lock's text; a malformed one adds nothing. */
static void add_lock(struct seed *s, const char *text, size_t len, int own)
{
    struct toml_error err;
    struct toml_value *doc = toml_parse(text, len, 1, &err);
    const struct toml_value *packages = doc ? toml_get(doc, "package") : NULL;
    if (!packages || packages->type != TOML_ARRAY) {
        toml_free(doc);
        return;
    }
    s->docs = grow(s->docs, sizeof(*s->docs), s->ndocs, &s->docs_alloc);
    s->docs[s->ndocs++] = doc;
    for (size_t i = 0; i < packages->count; i++)
        if (packages->items[i]->type == TOML_TABLE)
            add_package(s, packages->items[i], own);
}

/* Grouping order: one run per (name, source, series), its best candidate first (the project's
 * own, then the highest version). */
static int compare_candidates(const void *pa, const void *pb)
{
    const struct locked *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    if (!c)
        c = strcmp(a->source, b->source);
    if (!c)
        c = strcmp(a->series, b->series);
    if (!c)
        c = b->own - a->own;
    if (!c)
        c = -compare_semver(&a->v, &b->v);
    return c;
}

/* cargo's own order in Cargo.lock: name, version, source. */
static int compare_output(const void *pa, const void *pb)
{
    const struct locked *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    if (!c)
        c = compare_semver(&a->v, &b->v);
    if (!c)
        c = strcmp(a->source, b->source);
    return c;
}

static int same_group(const struct locked *a, const struct locked *b)
{
    return !strcmp(a->name, b->name) && !strcmp(a->source, b->source) &&
           !strcmp(a->series, b->series);
}

/* Keep every own package (the project's lock is consistent as it is) and, in each group the
 * project does not lock, the best other one; duplicates go. */
static void select_packages(struct seed *s)
{
    size_t kept = 0;
    if (!s->count)
        return; /* qsort of a NULL array is undefined, even of nothing */
    qsort(s->pkgs, s->count, sizeof(*s->pkgs), compare_candidates);
    for (size_t i = 0; i < s->count; i++) {
        const struct locked *p = &s->pkgs[i];
        int first = !kept || !same_group(&s->pkgs[kept - 1], p);
        int dup = kept && !strcmp(s->pkgs[kept - 1].version, p->version) &&
                  same_group(&s->pkgs[kept - 1], p);
        if (!dup && (first || (p->own && s->pkgs[kept - 1].own)))
            s->pkgs[kept++] = *p;
    }
    s->count = kept;
    qsort(s->pkgs, s->count, sizeof(*s->pkgs), compare_output);
}

static void add_field(struct strbuf *out, const char *key, const char *value)
{
    strbuf_addf(out, "%s = ", key);
    toml_write_string(out, value, strlen(value));
    strbuf_addch(out, '\n');
}

static void write_seed(const struct seed *s, struct strbuf *out)
{
    /* Version 3: what every cargo since 1.53 reads; registry entries look the same in 4. */
    strbuf_addstr(out, "# Seeded by cthag with the versions other scripts already use; cargo keeps\n"
                       "# those that fit this script and rewrites the file.\n"
                       "version = 3\n");
    for (size_t i = 0; i < s->count; i++) {
        const struct locked *p = &s->pkgs[i];
        strbuf_addstr(out, "\n[[package]]\n");
        add_field(out, "name", p->name);
        add_field(out, "version", p->version);
        add_field(out, "source", p->source);
        if (p->checksum)
            add_field(out, "checksum", p->checksum);
    }
}

static void seed_release(struct seed *s)
{
    for (size_t i = 0; i < s->ndocs; i++)
        toml_free(s->docs[i]);
    free(s->docs);
    free(s->pkgs);
}

size_t lockseed_merge(const char *own_lock, const char *const *other_locks, size_t nother,
                      struct strbuf *out)
{
    struct seed s = {0};
    if (own_lock)
        add_lock(&s, own_lock, strlen(own_lock), 1);
    for (size_t i = 0; i < nother; i++)
        add_lock(&s, other_locks[i], strlen(other_locks[i]), 0);
    select_packages(&s);
    size_t offered = 0;
    for (size_t i = 0; i < s.count; i++)
        offered += !s.pkgs[i].own;
    if (offered)
        write_seed(&s, out);
    seed_release(&s);
    return offered;
}

/* The Cargo.lock of <projects>/<name>, when that entry's last build used this registry. */
static int read_entry_lock(const char *projects, const char *name, const char *registry,
                           struct strbuf *lock)
{
    struct strbuf path = STRBUF_INIT;
    struct entry_record rec;
    int result = -1;
    strbuf_addf(&path, "%s/%s/entry", projects, name);
    if (!entry_record_load(path.buf, &rec) && !strcmp(rec.registry, registry)) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s/Cargo.lock", projects, name);
        result = fs_read_file(path.buf, lock);
    }
    entry_record_release(&rec);
    strbuf_release(&path);
    return result;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The other entries' locks, as texts in others (each malloc'd). */
static void read_other_locks(const char *root, const char *project_dir, const char *registry,
                             char ***others, size_t *count)
{
    struct strbuf projects = STRBUF_INIT, lock = STRBUF_INIT;
    size_t alloc = 0;
    strbuf_addf(&projects, "%s/projects", root);
    DIR *d = opendir(projects.buf);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.' || !strcmp(de->d_name, base_name(project_dir)))
            continue;
        strbuf_reset(&lock);
        if (read_entry_lock(projects.buf, de->d_name, registry, &lock))
            continue;
        *others = grow(*others, sizeof(**others), *count, &alloc);
        (*others)[(*count)++] = strbuf_detach(&lock);
    }
    if (d)
        closedir(d);
    strbuf_release(&projects);
    strbuf_release(&lock);
}

int lockseed_write(const char *root, const char *project_dir, const char *registry)
{
    struct strbuf path = STRBUF_INIT, own = STRBUF_INIT, seed = STRBUF_INIT;
    char **others = NULL;
    size_t nothers = 0;
    int result = 0;
    strbuf_addf(&path, "%s/Cargo.lock", project_dir);
    int has_own = !fs_read_file(path.buf, &own);
    read_other_locks(root, project_dir, registry ? registry : "", &others, &nothers);
    if (lockseed_merge(has_own ? own.buf : NULL, (const char *const *)others, nothers, &seed)) {
        note("%s: seeded with versions other entries locked", path.buf);
        if (fs_write_if_changed(path.buf, seed.buf, seed.len) < 0)
            result = -1;
    }
    for (size_t i = 0; i < nothers; i++)
        free(others[i]);
    free(others);
    strbuf_release(&path);
    strbuf_release(&own);
    strbuf_release(&seed);
    return result;
}
