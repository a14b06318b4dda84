/* The cache scan's walk (see scan.h): every file under the root stat'ed once and attributed
 * to an entry, a unit of the shared target or nobody, with the entries' records and labels read
 * on the way; the dependency graph between units is scan_graph.c's.  (struct stat's st_blocks
 * is XSI.) */
#include "cache/scan.h"

#include "cache/cache.h"
#include "cache/scan_index.h"
#include "fetch/url.h"
#include "toml/toml.h"

#include "util/die.h"
#include "util/fs.h"
#include "util/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const scan_part_names[SCAN_PARTS] = {"projects", "bins", "target"};

/* ---- hash tables ---- */


static size_t name_hash(const char *key)
{
    size_t h = 1469598103934665603u;
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211u;
    return h;
}

static size_t map_slot(const struct name_map *m, const char *key)
{
    size_t i = name_hash(key) & (m->alloc - 1);
    while (m->keys[i] && strcmp(m->keys[i], key))
        i = (i + 1) & (m->alloc - 1);
    return i;
}

static void map_grow(struct name_map *m)
{
    struct name_map old = *m;
    m->alloc = old.alloc ? old.alloc * 2 : 64;
    m->keys = xcalloc(m->alloc, sizeof(*m->keys));
    m->values = xcalloc(m->alloc, sizeof(*m->values));
    m->count = 0;
    for (size_t i = 0; i < old.alloc; i++)
        if (old.keys[i])
            scan_map_put(m, old.keys[i], old.values[i]);
    free(old.keys);
    free(old.values);
}

void scan_map_put(struct name_map *m, const char *key, size_t value)
{
    if ((m->count + 1) * 2 > m->alloc)
        map_grow(m);
    size_t i = map_slot(m, key);
    if (!m->keys[i])
        m->count++;
    m->keys[i] = key;
    m->values[i] = value;
}

long scan_map_get(const struct name_map *m, const char *key)
{
    if (!m->alloc)
        return -1;
    size_t i = map_slot(m, key);
    return m->keys[i] ? (long)m->values[i] : -1;
}

static void map_release(struct name_map *m)
{
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof(*m));
}

/* Owners in the inode table: entries are even, units odd, nobody -1. */
#define NOBODY (-1L)
#define ENTRY_OWNER(e) ((long)(e) * 2)
#define UNIT_OWNER(u) ((long)(u) * 2 + 1)

struct scan_inode {
    dev_t dev;
    ino_t ino;
    nlink_t links, seen;
    uint64_t bytes;
    long owner;
    unsigned parts;      /* bit per scan part it was seen in */
    unsigned is_dir : 1;
    unsigned shared : 1; /* seen with more than one owner */
};


static size_t inode_slot(const struct scan_index *x, dev_t dev, ino_t ino)
{
    size_t h = ((size_t)ino * 0x9E3779B97F4A7C15ull) ^ (size_t)dev;
    size_t i = h & (x->nslots - 1);
    while (x->slots[i] && (x->inodes[x->slots[i] - 1].dev != dev ||
                           x->inodes[x->slots[i] - 1].ino != ino))
        i = (i + 1) & (x->nslots - 1);
    return i;
}

static void slots_grow(struct scan_index *x)
{
    if (x->ninodes >= UINT32_MAX / 2)
        die("cache scan: too many files");
    free(x->slots);
    x->nslots = x->nslots ? x->nslots * 2 : 1024;
    x->slots = xcalloc(x->nslots, sizeof(*x->slots));
    for (size_t k = 0; k < x->ninodes; k++)
        x->slots[inode_slot(x, x->inodes[k].dev, x->inodes[k].ino)] = (uint32_t)(k + 1);
}

/* One link of a file seen in part (or -1) with owner. */
static void count_inode(struct cache_scan *s, const struct stat *st, int part, long owner)
{
    struct scan_index *x = s->index;
    if ((x->ninodes + 1) * 2 > x->nslots)
        slots_grow(x);
    size_t slot = inode_slot(x, st->st_dev, st->st_ino);
    struct scan_inode *node;
    if (x->slots[slot]) {
        node = &x->inodes[x->slots[slot] - 1];
        if (node->owner != owner)
            node->shared = 1;
    } else {
        ALLOC_GROW(x->inodes, x->ninodes + 1, x->inodes_alloc);
        node = &x->inodes[x->ninodes++];
        memset(node, 0, sizeof(*node));
        x->slots[slot] = (uint32_t)x->ninodes;
        node->dev = st->st_dev;
        node->ino = st->st_ino;
        node->links = st->st_nlink ? st->st_nlink : 1;
        node->bytes = (uint64_t)st->st_blocks * 512;
        node->owner = owner;
        node->is_dir = S_ISDIR(st->st_mode) ? 1 : 0;
    }
    node->seen++;
    if (part >= 0)
        node->parts |= 1u << part;
}

/* After the walk: totals, and what each owner frees (all of a file's links are its own; a
 * directory's link count includes its subdirectories, so a directory is never shared). */
static void sum_inodes(struct cache_scan *s)
{
    const struct scan_index *x = s->index;
    for (size_t i = 0; i < x->ninodes; i++) {
        const struct scan_inode *node = &x->inodes[i];
        s->total += node->bytes;
        for (int p = 0; p < SCAN_PARTS; p++) {
            if (!(node->parts & (1u << p)))
                continue;
            s->parts[p].bytes += node->bytes;
            s->parts[p].files += !node->is_dir;
        }
        if (node->owner == NOBODY || node->shared || (!node->is_dir && node->seen < node->links))
            continue;
        struct scan_owner *own = node->owner % 2 == 0 ? &s->entries[node->owner / 2].own
                                                      : &s->units[node->owner / 2].own;
        own->bytes += node->bytes;
    }
}

/* ---- entries and units ---- */

/* <stem>_<id> for <stem>-<id>: the entry's package name in the shared target. */
static char *package_of(const char *name)
{
    char *package = xstrdup(name);
    char *dash = strrchr(package, '-');
    if (dash)
        *dash = '_';
    return package;
}

static long find_entry(const struct cache_scan *s, const char *name)
{
    char *package = package_of(name);
    long e = scan_map_get(&s->index->packages, package);
    free(package);
    return e;
}

static size_t add_entry(struct cache_scan *s, const char *name)
{
    ALLOC_GROW(s->entries, s->nentries + 1, s->entries_alloc);
    struct scan_entry *e = &s->entries[s->nentries];
    memset(e, 0, sizeof(*e));
    e->name = xstrdup(name);
    e->package = package_of(name);
    e->kind = SCAN_INCOMPLETE;
    e->script_exists = -1;
    scan_map_put(&s->index->packages, e->package, s->nentries);
    return s->nentries++;
}

/* The unit of <profile>/<hash>, made on first sight. */
static size_t unit_for(struct cache_scan *s, size_t profile, const char *hash)
{
    struct strbuf *key = &s->index->scratch;
    strbuf_reset(key);
    strbuf_addstr(key, s->profiles.items[profile]);
    strbuf_addch(key, '/');
    strbuf_add(key, hash, 16);
    long found = scan_map_get(&s->index->units, key->buf);
    if (found >= 0)
        return (size_t)found;
    ALLOC_GROW(s->units, s->nunits + 1, s->units_alloc);
    struct scan_unit *u = &s->units[s->nunits];
    memset(u, 0, sizeof(*u));
    u->profile = profile;
    u->key = xstrdup(key->buf);
    u->entry = -1;
    scan_map_put(&s->index->units, u->key, s->nunits);
    return s->nunits++;
}

/* The metadata hash in <crate>-<hash>[.ext], or NULL. */
static const char *metadata_hash(const char *name)
{
    const char *dash = strrchr(name, '-');
    if (!dash || strlen(dash + 1) < 16 || !hash_is_hex(dash + 1, 16))
        return NULL;
    return dash[17] == '\0' || dash[17] == '.' ? dash + 1 : NULL;
}

/* The entry whose package <name> is, starts with (<package>-...) or names (<package>.d). */
static long entry_of_artifact(const struct cache_scan *s, const char *name)
{
    char package[256];
    size_t n = strcspn(name, "-");
    if (!name[n] && n > 2 && !strcmp(name + n - 2, ".d"))
        n -= 2;
    if (n >= sizeof(package))
        return -1;
    memcpy(package, name, n);
    package[n] = '\0';
    return scan_map_get(&s->index->packages, package);
}

#define AMBIGUOUS ((size_t)LONG_MAX)

/* The entry whose binary (cache_bin_name(stem)) is called bin, when only one is: the map is made
 * on first use, once every entry is known. */
static long entry_of_bin(struct cache_scan *s, const char *name, size_t len)
{
    struct scan_index *x = s->index;
    if (!x->bins_made) {
        struct strbuf stem = STRBUF_INIT, bin = STRBUF_INIT;
        for (size_t e = 0; e < s->nentries; e++) {
            strbuf_reset(&stem);
            strbuf_add(&stem, s->entries[e].name, strlen(s->entries[e].name) - 17);
            cache_bin_name(stem.buf, &bin);
            strlist_add(&x->bin_names, bin.buf);
        }
        for (size_t e = 0; e < s->nentries; e++) {
            const char *key = x->bin_names.items[e];
            scan_map_put(&x->bins, key, scan_map_get(&x->bins, key) >= 0 ? AMBIGUOUS : e);
        }
        strbuf_release(&stem);
        strbuf_release(&bin);
        x->bins_made = 1;
    }
    char key[256];
    if (len >= sizeof(key))
        return -1;
    memcpy(key, name, len);
    key[len] = '\0';
    long e = scan_map_get(&x->bins, key);
    return e == (long)AMBIGUOUS ? -1 : e;
}

/* a/b[/c[/d]] to own's paths (appended, not formatted: thousands of them in a scan). */
static void add_path(struct cache_scan *s, struct scan_owner *own, const char *a, const char *b,
                     const char *c, const char *d)
{
    struct strbuf *path = &s->index->scratch;
    const char *parts[] = {a, b, c, d};
    strbuf_reset(path);
    for (size_t i = 0; i < 4 && parts[i]; i++) {
        if (i)
            strbuf_addch(path, '/');
        strbuf_addstr(path, parts[i]);
    }
    strlist_add(&own->paths, path->buf);
}

static struct scan_owner *owner_of(struct cache_scan *s, long owner)
{
    return owner == NOBODY      ? NULL
           : owner % 2 == 0     ? &s->entries[owner / 2].own
                                : &s->units[owner / 2].own;
}

/* ---- the walk ---- */

/* Directories are read into buffers kept for the whole scan, one per level being read. */
#define SCAN_DIR_BUFFER 32768

static void give_dir_buffer(struct scan_index *x, char *buf)
{
    ALLOC_GROW(x->dirbufs, x->ndirbufs + 1, x->dirbufs_alloc);
    x->dirbufs[x->ndirbufs++] = buf;
}

/* 0 with d open, or -1 (unreadable or vanished: the caller counts nothing in it). */
static int open_dir_at(struct cache_scan *s, struct fs_dir *d, int at, const char *name)
{
    struct scan_index *x = s->index;
    char *buf = x->ndirbufs ? x->dirbufs[--x->ndirbufs] : xmalloc(SCAN_DIR_BUFFER);
    if (!fs_dir_open_at(d, at, name, buf, SCAN_DIR_BUFFER))
        return 0;
    give_dir_buffer(x, buf);
    return -1;
}

static void close_dir(struct cache_scan *s, struct fs_dir *d)
{
    fs_dir_close(d);
    give_dir_buffer(s->index, d->buf);
}

/* Count name (in dirfd) and everything under it for owner; its lstat data in *st. */
static void walk_tree(struct cache_scan *s, int at, const char *name, int part, long owner,
                      struct stat *st)
{
    if (fstatat(at, name, st, AT_SYMLINK_NOFOLLOW)) {
        st->st_mode = 0;
        return; /* vanished meanwhile */
    }
    count_inode(s, st, part, owner);
    struct fs_dir d;
    if (!S_ISDIR(st->st_mode) || open_dir_at(s, &d, at, name))
        return;
    struct stat child;
    for (const char *n; (n = fs_dir_next(&d));)
        walk_tree(s, d.fd, n, part, owner, &child);
    close_dir(s, &d);
}

/* In a unit's .fingerprint/<crate>-<hash>/: the files holding a fingerprint (not its .json,
 * dep-info, output or timestamp). */
static int is_fingerprint_file(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && strncmp(name, "dep-", 4) && strncmp(name, "output-", 7) &&
           strcmp(name, "invoked.timestamp") && !(n > 5 && !strcmp(name + n - 5, ".json"));
}

/* .fingerprint/<crate>-<hash>/ of unit u: counted like any tree, its fingerprint files noted. */
static void walk_fingerprints(struct cache_scan *s, int at, const char *name, long owner, size_t u)
{
    struct stat st, child;
    if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW))
        return;
    count_inode(s, &st, SCAN_TARGET, owner);
    struct fs_dir d;
    if (!S_ISDIR(st.st_mode) || open_dir_at(s, &d, at, name))
        return;
    for (const char *n; (n = fs_dir_next(&d));) {
        walk_tree(s, d.fd, n, SCAN_TARGET, owner, &child);
        if (S_ISREG(child.st_mode) && is_fingerprint_file(n))
            strlist_add(&s->units[u].fingerprint_files, n);
    }
    close_dir(s, &d);
}

/* The newest modification time of an entry's files: its last use when it has no record. */
static void note_mtime(struct scan_entry *e, const struct stat *st)
{
    if (!e->has_rec && st->st_mode && st->st_mtim.tv_sec > e->used)
        e->used = st->st_mtim.tv_sec;
}

/* The few fields of the record a scan needs (a whole record is 9 KiB: 1000 of them in the
 * entries array cost more page faults than the walk's work). */
static void load_record(struct cache_scan *s, int projectsfd, struct scan_entry *e)
{
    struct scan_index *x = s->index;
    struct strbuf *path = &x->scratch;
    /* The previous record is released only once this one is read: with musl's allocator,
     * memory that becomes entirely free is unmapped, and a record's few allocations were
     * then an mmap, its page faults and a munmap per entry. */
    struct entry_record *rec = &x->records[x->nrecords++ % 2];
    strbuf_reset(path);
    strbuf_addstr(path, e->name);
    strbuf_addstr(path, "/entry");
    e->has_rec = !entry_record_read_at(projectsfd, path->buf, rec, NULL, &x->text);
    if (x->nrecords > 1)
        entry_record_release(&x->records[x->nrecords % 2]);
    if (e->has_rec) {
        e->used = rec->used;
        e->bin_size = rec->bin_size;
        e->source = xstrdup(rec->source);
        e->kind = !strncmp(e->source, "content:", 8) ? SCAN_CONTENT
                  : url_is_remote(e->source)         ? SCAN_URL
                                                     : SCAN_SCRIPT;
        if (e->kind == SCAN_SCRIPT)
            e->script_exists = e->source[0] == '/' && !access(e->source, F_OK);
    }
}

/* The label of an entry that is not a script's with a record: only those are read (a scan of
 * 1000 script entries parses no manifest). */
static void load_label(struct cache_scan *s, int projectsfd, struct scan_entry *e)
{
    struct strbuf *path = &s->index->scratch, *text = &s->index->text;
    strbuf_reset(path);
    strbuf_addstr(path, e->name);
    strbuf_addstr(path, "/Cargo.toml");
    int fd = openat(projectsfd, path->buf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    strbuf_reset(text);
    int read_failed = fd < 0 || fs_read_fd_max(fd, text, 1 << 20);
    if (fd >= 0)
        close(fd);
    struct toml_error err;
    struct toml_value *root = read_failed ? NULL : toml_parse(text->buf, text->len, 1, &err);
    const struct toml_value *label =
        toml_get(toml_get(toml_get(toml_get(root, "package"), "metadata"), "cthag"), "source");
    if (label && label->type == TOML_STRING && strlen(label->text) == label->text_len)
        e->label = xstrdup(label->text);
    toml_free(root);
}

/* projects/, bins/ or locks/ (part -1): the directory belongs to nobody, each <entry> in it to
 * that entry.  A bins/ file without a project makes an entry too (to be collected), a lock file
 * alone does not; temporary files belong to nobody. */
static void scan_entry_dir(struct cache_scan *s, int rootfd, const char *dir, int part)
{
    struct stat st, child;
    if (fstatat(rootfd, dir, &st, AT_SYMLINK_NOFOLLOW))
        return;
    count_inode(s, &st, part, NOBODY);
    struct fs_dir d;
    if (!S_ISDIR(st.st_mode) || open_dir_at(s, &d, rootfd, dir))
        return;
    for (const char *n; (n = fs_dir_next(&d));) {
        long e = cache_is_entry_name(n) ? find_entry(s, n) : -1;
        if (e < 0 && part != -1 && cache_is_entry_name(n))
            e = (long)add_entry(s, n);
        walk_tree(s, d.fd, n, part, e >= 0 ? ENTRY_OWNER(e) : NOBODY, &child);
        if (e < 0 || !child.st_mode)
            continue;
        if (part != -1)
            add_path(s, &s->entries[e].own, dir, n, NULL, NULL);
        note_mtime(&s->entries[e], &child);
        if (part == SCAN_PROJECTS)
            load_record(s, d.fd, &s->entries[e]);
        if (part == SCAN_PROJECTS && s->entries[e].kind != SCAN_SCRIPT)
            load_label(s, d.fd, &s->entries[e]);
    }
    close_dir(s, &d);
}

static const char *const unit_dirs[] = {"deps", ".fingerprint", "build", "incremental", "examples",
                                        NULL};

static int is_unit_dir(const char *name)
{
    for (const char *const *dir = unit_dirs; *dir; dir++)
        if (!strcmp(name, *dir))
            return 1;
    return 0;
}

static void link_unit(struct cache_scan *s, size_t u, long e)
{
    struct scan_entry *entry = &s->entries[e];
    s->units[u].entry = e;
    ALLOC_GROW(entry->units, entry->nunits + 1, entry->units_alloc);
    entry->units[entry->nunits++] = u;
}

/* target/<profile>/<sub>/: each name in it belongs to an entry (by its package, or, named for the
 * entry's binary, by the metadata hash of one of the entry's units) or to the unit of its
 * metadata hash; .fingerprint/<package>-<hash> makes the unit known to cargo, and the entry's
 * (scan_profile reads .fingerprint first).  incremental/<bin>-<rustc's hash> has no metadata
 * hash: it is the entry's whose binary has that name, when only one has it, else nobody's. */
static void scan_unit_dir(struct cache_scan *s, int profilefd, size_t profile, const char *sub)
{
    struct stat st, child;
    if (fstatat(profilefd, sub, &st, AT_SYMLINK_NOFOLLOW))
        return;
    count_inode(s, &st, SCAN_TARGET, NOBODY);
    int fingerprints = !strcmp(sub, ".fingerprint");
    struct fs_dir d;
    if (!S_ISDIR(st.st_mode) || open_dir_at(s, &d, profilefd, sub))
        return;
    for (const char *n; (n = fs_dir_next(&d));) {
        long e = entry_of_artifact(s, n);
        const char *hash = metadata_hash(n);
        long owner = e >= 0 ? ENTRY_OWNER(e) : NOBODY;
        size_t u = 0;
        if (hash && (fingerprints || e < 0)) {
            u = unit_for(s, profile, hash);
            if (fingerprints && !s->units[u].dir) {
                s->units[u].dir = xstrdup(n);
                if (e >= 0)
                    link_unit(s, u, e);
            }
            if (e < 0 && s->units[u].entry >= 0)
                e = s->units[u].entry;
            owner = e >= 0 ? ENTRY_OWNER(e) : UNIT_OWNER(u);
        } else if (!hash && e < 0 && !strcmp(sub, "incremental") && strchr(n, '-')) {
            e = entry_of_bin(s, n, (size_t)(strrchr(n, '-') - n));
            owner = e >= 0 ? ENTRY_OWNER(e) : NOBODY;
        }
        if (owner != NOBODY)
            add_path(s, owner_of(s, owner), "target", s->profiles.items[profile], sub, n);
        if (fingerprints && hash)
            walk_fingerprints(s, d.fd, n, owner, u);
        else
            walk_tree(s, d.fd, n, SCAN_TARGET, owner, &child);
    }
    close_dir(s, &d);
}

/* target/<profile>/: <package> and <package>.d belong to their entry, the unit directories
 * are scanned by name, anything else belongs to nobody. */
static void scan_profile(struct cache_scan *s, int targetfd, const char *name)
{
    strlist_add(&s->profiles, name);
    size_t profile = s->profiles.count - 1;
    struct fs_dir d;
    if (open_dir_at(s, &d, targetfd, name))
        return;
    struct stat child;
    /* First: which units are entries' (their fingerprints name the package). */
    scan_unit_dir(s, d.fd, profile, ".fingerprint");
    for (const char *n; (n = fs_dir_next(&d));) {
        if (!strcmp(n, ".fingerprint"))
            continue;
        if (is_unit_dir(n)) {
            scan_unit_dir(s, d.fd, profile, n);
            continue;
        }
        long e = entry_of_artifact(s, n);
        if (e >= 0)
            add_path(s, &s->entries[e].own, "target", name, n, NULL);
        walk_tree(s, d.fd, n, SCAN_TARGET, e >= 0 ? ENTRY_OWNER(e) : NOBODY, &child);
    }
    close_dir(s, &d);
}

static void scan_target(struct cache_scan *s, int rootfd)
{
    struct stat st, child;
    if (fstatat(rootfd, "target", &st, AT_SYMLINK_NOFOLLOW))
        return;
    count_inode(s, &st, SCAN_TARGET, NOBODY);
    struct fs_dir d;
    if (!S_ISDIR(st.st_mode) || open_dir_at(s, &d, rootfd, "target"))
        return;
    for (const char *n; (n = fs_dir_next(&d));) {
        if (fstatat(d.fd, n, &child, AT_SYMLINK_NOFOLLOW))
            continue;
        count_inode(s, &child, SCAN_TARGET, NOBODY);
        if (S_ISDIR(child.st_mode))
            scan_profile(s, d.fd, n);
    }
    close_dir(s, &d);
}

/* Everything else under the root (the lock, the stamp, CACHEDIR.TAG) belongs to nobody. */
static void scan_rest(struct cache_scan *s, int rootfd)
{
    static const char *const known[] = {"projects", "bins", "locks", "target", NULL};
    struct stat st;
    struct fs_dir d;
    if (open_dir_at(s, &d, rootfd, "."))
        return;
    for (const char *n; (n = fs_dir_next(&d));) {
        int skip = 0;
        for (const char *const *k = known; *k && !skip; k++)
            skip = !strcmp(n, *k);
        if (!skip)
            walk_tree(s, d.fd, n, -1, NOBODY, &st);
    }
    close_dir(s, &d);
}

int cache_scan(const char *root, struct cache_scan *s)
{
    memset(s, 0, sizeof(*s));
    s->root = xstrdup(root);
    s->index = xcalloc(1, sizeof(*s->index));
    strbuf_init(&s->index->scratch);
    strbuf_init(&s->index->text);
    int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (rootfd < 0)
        return errno == ENOENT ? 0 : error("cannot read %s: %s", root, strerror(errno));
    struct stat st;
    if (!fstat(rootfd, &st))
        count_inode(s, &st, -1, NOBODY);
    scan_entry_dir(s, rootfd, "projects", SCAN_PROJECTS);
    scan_entry_dir(s, rootfd, "bins", SCAN_BINS);
    scan_entry_dir(s, rootfd, "locks", -1);
    scan_target(s, rootfd);
    scan_rest(s, rootfd);
    close(rootfd);
    sum_inodes(s);
    return 0;
}

void cache_scan_release(struct cache_scan *s)
{
    for (size_t i = 0; i < s->nentries; i++) {
        free(s->entries[i].name);
        free(s->entries[i].package);
        free(s->entries[i].source);
        free(s->entries[i].label);
        free(s->entries[i].units);
        strlist_release(&s->entries[i].own.paths);
    }
    for (size_t i = 0; i < s->nunits; i++) {
        free(s->units[i].key);
        free(s->units[i].dir);
        free(s->units[i].deps);
        strlist_release(&s->units[i].fingerprint_files);
        strlist_release(&s->units[i].own.paths);
    }
    free(s->entries);
    free(s->units);
    strlist_release(&s->profiles);
    if (s->index) {
        map_release(&s->index->packages);
        map_release(&s->index->bins);
        strlist_release(&s->index->bin_names);
        map_release(&s->index->units);
        map_release(&s->index->fingerprints);
        strlist_release(&s->index->fingerprint_keys);
        strbuf_release(&s->index->scratch);
        strbuf_release(&s->index->text);
        if (s->index->nrecords) /* the one before it is released already */
            entry_record_release(&s->index->records[(s->index->nrecords - 1) % 2]);
        free(s->index->stack);
        for (size_t i = 0; i < s->index->ndirbufs; i++)
            free(s->index->dirbufs[i]);
        free(s->index->dirbufs);
        free(s->index->inodes);
        free(s->index->slots);
        free(s->index);
    }
    free(s->root);
    memset(s, 0, sizeof(*s));
}
