/* The dependency graph of the cache scan (scan.c walks the files): each unit's dependencies from
 * the fingerprint files cargo keeps in each profile's .fingerprint/ (cache_scan_load_graph()),
 * and the references that graph gives each unit from the entries that use it (cache_scan_use()). */
#include "cache/scan.h"

#include "cache/scan_index.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the dependency graph ----
 *
 * Each unit's directory .fingerprint/<crate>-<hash>/ holds a file with the unit's fingerprint
 * (16 hex digits: the u64's bytes, least significant first) and a .json beside it whose "deps"
 * lists each dependency as [id, "name", public, fingerprint] with the fingerprint a decimal
 * u64. */

/* <root>/target/<profile>/.fingerprint[/<name>] */
static void fingerprint_path(const struct cache_scan *s, size_t profile, const char *name,
                             struct strbuf *path)
{
    strbuf_reset(path);
    strbuf_addstr(path, s->root);
    strbuf_addstr(path, "/target/");
    strbuf_addstr(path, s->profiles.items[profile]);
    strbuf_addstr(path, "/.fingerprint");
    if (name) {
        strbuf_addch(path, '/');
        strbuf_addstr(path, name);
    }
}

/* The fingerprint .json files to read (relative to their .fingerprint/), with the unit of each. */
struct json_list {
    struct strlist paths;
    size_t *units;
    size_t alloc;
};

static void json_list_add(struct json_list *list, const char *path, size_t u)
{
    strlist_add(&list->paths, path);
    ALLOC_GROW(list->units, list->paths.count, list->alloc);
    list->units[list->paths.count - 1] = u;
}

/* A fingerprint file: 16 hex digits (trailing white space aside), read with one read(). */
static int read_fingerprint(int at, const char *path, char hex[17])
{
    char buf[64];
    int fd = openat(at, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    ssize_t got = -1;
    if (fd >= 0) {
        while ((got = read(fd, buf, sizeof(buf))) < 0 && errno == EINTR)
            ;
        close(fd);
    }
    while (got > 0 && buf[got - 1] && strchr(" \t\n\v\f\r", buf[got - 1]))
        got--;
    if (got != 16 || !hash_is_hex(buf, 16))
        return -1;
    memcpy(hex, buf, 16);
    hex[16] = '\0';
    return 0;
}

/* Map each fingerprint file of unit u to it; its .json (relative to the profile's
 * .fingerprint/, open as fingerprints) goes to jsons. */
static void read_fingerprints(struct cache_scan *s, size_t u, int fingerprints,
                              struct json_list *jsons)
{
    struct strbuf path = STRBUF_INIT, key = STRBUF_INIT;
    strbuf_addstr(&path, s->units[u].dir);
    size_t base = path.len;
    const struct strlist *files = &s->units[u].fingerprint_files;
    for (size_t i = 0; i < files->count; i++) {
        strbuf_setlen(&path, base);
        strbuf_addch(&path, '/');
        strbuf_addstr(&path, files->items[i]);
        char hex[17];
        if (read_fingerprint(fingerprints, path.buf, hex))
            continue;
        strbuf_reset(&key);
        strbuf_addstr(&key, s->profiles.items[s->units[u].profile]);
        strbuf_addch(&key, '/');
        strbuf_add(&key, hex, 16);
        strlist_add(&s->index->fingerprint_keys, key.buf);
        scan_map_put(&s->index->fingerprints,
                s->index->fingerprint_keys.items[s->index->fingerprint_keys.count - 1], u);
        strbuf_addstr(&path, ".json");
        json_list_add(jsons, path.buf, u);
    }
    strbuf_release(&path);
    strbuf_release(&key);
}

static void add_dep(struct scan_unit *u, size_t dep)
{
    ALLOC_GROW(u->deps, u->ndeps + 1, u->deps_alloc);
    u->deps[u->ndeps++] = dep;
}

/* A dependency's fingerprint (decimal u64) as its file spells it. */
static int fingerprint_hex(const struct json *number, char hex[17])
{
    if (!number || number->type != JSON_NUMBER)
        return -1;
    char *end;
    errno = 0;
    unsigned long long value = strtoull(number->text, &end, 10);
    if (errno || *end || number->text[0] == '-')
        return -1;
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        unsigned byte = (unsigned)(value >> (8 * i)) & 0xff;
        hex[2 * i] = digits[byte >> 4];
        hex[2 * i + 1] = digits[byte & 0xf];
    }
    hex[16] = '\0';
    return 0;
}

/* The deps of unit u from its .json (name, relative to the open .fingerprint/ directory
 * fingerprints); text is the caller's buffer to read it into. */
static int read_deps(struct cache_scan *s, size_t u, int fingerprints, const char *name,
                     struct strbuf *text)
{
    struct strbuf *key = &s->index->scratch;
    strbuf_reset(text);
    int fd = openat(fingerprints, name, O_RDONLY | O_CLOEXEC);
    int failed = fd < 0 || fs_read_fd(fd, text);
    int saved = errno;
    if (fd >= 0)
        close(fd);
    if (failed && saved == ENOENT)
        return 0;
    struct strbuf json_path = STRBUF_INIT; /* for messages */
    fingerprint_path(s, s->units[u].profile, name, &json_path);
    if (failed) {
        error("gc: cannot read %s: %s", json_path.buf, strerror(saved));
        strbuf_release(&json_path);
        return -1;
    }
    struct json *root = json_parse(text->buf, text->len);
    const struct json *deps = root ? json_get(root, "deps") : NULL;
    int result = deps && deps->type == JSON_ARRAY ? 0 : -1;
    for (size_t i = 0; !result && i < deps->count; i++) {
        const struct json *dep = deps->items[i];
        char hex[17];
        if (dep->type != JSON_ARRAY || dep->count < 4 || fingerprint_hex(dep->items[3], hex)) {
            result = -1;
            break;
        }
        strbuf_reset(key);
        strbuf_addstr(key, s->profiles.items[s->units[u].profile]);
        strbuf_addch(key, '/');
        strbuf_add(key, hex, 16);
        long found = scan_map_get(&s->index->fingerprints, key->buf);
        if (found >= 0)
            add_dep(&s->units[u], (size_t)found);
    }
    if (result)
        error("gc: unexpected fingerprint format in %s; no dependency build removed",
              json_path.buf);
    json_free(root);
    strbuf_release(&json_path);
    return result;
}

int cache_scan_load_graph(struct cache_scan *s, const int *locked)
{
    struct json_list jsons = {STRLIST_INIT, NULL, 0};
    /* Each profile's .fingerprint/ open once: the files in it are opened relative to it. */
    int *dirs = xmalloc((s->profiles.count + 1) * sizeof(*dirs));
    struct strbuf path = STRBUF_INIT;
    for (size_t p = 0; p < s->profiles.count; p++) {
        fingerprint_path(s, p, NULL, &path);
        dirs[p] = locked[p] ? open(path.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    }
    strbuf_release(&path);
    for (size_t u = 0; u < s->nunits; u++)
        if (s->units[u].dir && dirs[s->units[u].profile] >= 0)
            read_fingerprints(s, u, dirs[s->units[u].profile], &jsons);
    int result = 0;
    struct strbuf *text = &s->index->text;
    strbuf_grow(text, 4096); /* reused: most fingerprint .json files fit */
    for (size_t i = 0; i < jsons.paths.count && !result; i++)
        result = read_deps(s, jsons.units[i], dirs[s->units[jsons.units[i]].profile],
                           jsons.paths.items[i], text);
    for (size_t p = 0; p < s->profiles.count; p++)
        if (dirs[p] >= 0)
            close(dirs[p]);
    free(dirs);
    if (result)
        for (size_t u = 0; u < s->nunits; u++)
            s->units[u].ndeps = 0;
    strlist_release(&jsons.paths);
    free(jsons.units);
    return result;
}

void cache_scan_use(struct cache_scan *s, size_t e, int delta, uint64_t *freed)
{
    unsigned mark = ++s->index->generation;
    const struct scan_entry *entry = &s->entries[e];
    if (!s->index->stack)
        s->index->stack = xmalloc((s->nunits + 1) * sizeof(*s->index->stack));
    size_t *stack = s->index->stack;
    size_t depth = 0;
    for (size_t i = 0; i < entry->nunits; i++)
        if (s->units[entry->units[i]].mark != mark) {
            s->units[entry->units[i]].mark = mark;
            stack[depth++] = entry->units[i];
        }
    while (depth) {
        struct scan_unit *u = &s->units[stack[--depth]];
        u->refs += delta;
        if (delta < 0 && !u->refs && u->entry < 0 && freed)
            *freed += u->own.bytes;
        for (size_t i = 0; i < u->ndeps; i++)
            if (s->units[u->deps[i]].mark != mark) {
                s->units[u->deps[i]].mark = mark;
                stack[depth++] = u->deps[i];
            }
    }
}
