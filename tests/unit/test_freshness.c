/* Freshness against real files in a temporary directory: what a build is recorded as having
 * read, and when a later run trusts the record (stat data alone), checks the content (changed
 * or racy stat data), or rebuilds. */
#include "cache/freshness.h"
#include "unit.h"

#include "util/die.h"
#include "util/fs.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SECOND 1000000000LL

static char dir[] = "/tmp/cthag-test-freshness-XXXXXX";
static char root[256], src[256], script[256], helper[256], built[256];

static void path_in(char *out, const char *a, const char *b)
{
    int n = snprintf(out, 256, "%s/%s", a, b);
    CHECK(n > 0 && n < 256);
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
}

/* Set a file's mtime, leaving its content (its ctime moves to now). */
static void set_mtime(const char *path, long long mtime_ns)
{
    struct timespec times[2] = {{0, UTIME_OMIT}, {mtime_ns / SECOND, mtime_ns % SECOND}};
    CHECK_INT(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void make_dirs(void)
{
    static const char *const subdirs[] = {"projects", "bins", "locks", "target",
                                          "target/debug", "target/debug/deps", NULL};
    CHECK(mkdtemp(dir) != NULL);
    path_in(root, dir, "root");
    path_in(src, dir, "src");
    CHECK_INT(mkdir(root, 0700), 0);
    CHECK_INT(mkdir(src, 0700), 0);
    for (const char *const *d = subdirs; *d; d++) {
        char path[256];
        path_in(path, root, *d);
        CHECK_INT(mkdir(path, 0700), 0);
    }
    path_in(script, src, "script.rs");
    path_in(helper, src, "helper.rs");
    path_in(built, root, "target/debug/prog");
}

/* A build: the script (read by cthag), a module, cargo's dep-info beside the executable (also
 * naming a file of the generated project, which is cthag's own), and rustc's dep-info for the
 * script's crate with an env-dep line, beside the unit's executable in the shared target's
 * deps/ (the same file: a hard link; another unit of the same name is not it). */
static void fake_build(const struct cache_entry *e, struct build_inputs *in,
                       struct entry_identity *id)
{
    const char *text = "mod helper;\nfn main() {}\n";
    struct stat st;
    struct strbuf d = STRBUF_INIT;
    write_file(script, text);
    write_file(helper, "pub fn f() {}\n");
    write_file(built, "\177ELF");
    strbuf_addf(&d, "%s: %s %s %s/Cargo.toml\n", built, script, helper, e->project_dir.buf);
    char path[512];
    CHECK_INT(fs_mkdir_private(e->project_dir.buf), 0);
    snprintf(path, sizeof(path), "%s/Cargo.toml", e->project_dir.buf);
    write_file(path, "[package]\n");
    snprintf(path, sizeof(path), "%s.d", built);
    write_file(path, d.buf);
    snprintf(path, sizeof(path), "%s/target/debug/deps/prog-0123456789abcdef", root);
    unlink(path);
    CHECK_INT(link(built, path), 0);
    strcat(path, ".d");
    write_file(path, "x: y\n# env-dep:CTHAG_TEST_FRESHNESS=1\n");
    snprintf(path, sizeof(path), "%s/target/debug/deps/prog-fedcba9876543210", root);
    write_file(path, "\177ELF other");
    strcat(path, ".d");
    write_file(path, "x: y\n# env-dep:CTHAG_TEST_OTHER=1\n");
    strbuf_release(&d);
    strbuf_init(&id->opts);
    strbuf_addstr(&id->opts, "profile=default");
    id->source = xstrdup(script);
    memset(in, 0, sizeof(*in));
    in->entry = e;
    in->id = id;
    in->script_name = "script.rs";
    in->key = "0123456789abcdef0123456789abcdef";
    in->registry = "";
    CHECK_INT(stat(script, &st), 0);
    freshness_set_script(in, script, &st, text, strlen(text));
    freshness_before_build(in);
}

/* Record the build as cthag commits it: the executable installed in bins/, the record stored.
 * stamp_later: the record's stamp is moved that far ahead (a record taken well after every
 * write, whatever the file system's timestamp granularity). */
static void commit(const struct cache_entry *e, const struct build_inputs *in,
                   long long stamp_later)
{
    struct entry_record rec;
    struct stat st;
    freshness_record_build(in, built, &rec);
    CHECK_INT(link(built, e->bin_path.buf), 0);
    CHECK_INT(stat(e->bin_path.buf, &st), 0);
    rec.bin_inode = (unsigned long long)st.st_ino;
    rec.stamp_ns += stamp_later;
    CHECK_INT(entry_record_store(e->record_path.buf, &rec, 0), 0);
    entry_record_release(&rec);
}

static void uncommit(const struct cache_entry *e)
{
    unlink(e->bin_path.buf);
    unlink(e->record_path.buf);
}

/* An entry whose build read the files fake_build() writes, with the variable the build declared
 * set to 1, and a stamp after every write (all trusted, whatever the timestamp granularity). */
struct fixture {
    struct cache_entry e;
    struct entry_identity id;
    struct build_inputs in;
};

static void fixture_start(struct fixture *f, const char *name)
{
    cache_entry_init(&f->e, root, script, name);
    setenv("CTHAG_TEST_FRESHNESS", "1", 1);
    fake_build(&f->e, &f->in, &f->id);
    f->in.stamp += 3 * SECOND;
}

static void fixture_end(struct fixture *f)
{
    uncommit(&f->e);
    unsetenv("CTHAG_TEST_FRESHNESS");
    identity_release(&f->id);
    cache_entry_release(&f->e);
}

/* What the record says of the build, input by input. */
static void test_record_build(void)
{
    struct fixture f;
    struct entry_record rec;
    fixture_start(&f, "identity");
    struct build_inputs in = f.in;
    freshness_record_build(&in, built, &rec);
    CHECK_STR(rec.key, in.key);
    CHECK_STR(rec.source, script);
    CHECK_STR(rec.opts, "profile=default");
    CHECK_INT(rec.ninputs, 2); /* the project's Cargo.toml is cthag's own */
    CHECK_STR(rec.inputs[0].path, script);
    CHECK_STR(rec.inputs[0].hash, in.script_hash);
    CHECK_STR(rec.inputs[1].path, helper);
    CHECK_INT(strlen(rec.inputs[1].hash), HASH_HEX_LEN);
    int found = 0;
    for (size_t i = 0; i < rec.env.count; i++)
        found += !strcmp(rec.env.items[i], "CTHAG_TEST_FRESHNESS=1") ||
                 !strncmp(rec.env.items[i], "RUSTFLAGS", 9);
    CHECK_INT(found, 2);
    for (size_t i = 0; i < rec.env.count; i++) /* the other unit's is not this build's */
        CHECK(strncmp(rec.env.items[i], "CTHAG_TEST_OTHER", 16));
    entry_record_release(&rec);

    /* A module changed within the build's tick: what the compiler read is unknown. */
    in.stamp = freshness_clock_now() + 3 * SECOND;
    set_mtime(helper, in.stamp);
    freshness_record_build(&in, built, &rec);
    CHECK_STR(rec.inputs[1].hash, "");
    entry_record_release(&rec);

    /* The script touched after cthag read it: its stat data are not those of what was read. */
    set_mtime(script, 1000 * SECOND);
    freshness_record_build(&in, built, &rec);
    CHECK_STR(rec.inputs[0].path, script);
    CHECK_STR(rec.inputs[0].hash, "");
    entry_record_release(&rec);

    /* The script changed after cthag read it: its recorded stat data vouch for nothing. */
    write_file(script, "mod helper;\nfn main() { }\n");
    freshness_record_build(&in, built, &rec);
    CHECK_STR(rec.inputs[0].path, script);
    CHECK_STR(rec.inputs[0].hash, "");
    entry_record_release(&rec);
    fixture_end(&f);
}

/* The cached path: stat data alone, no hashing. */
static void test_cached(void)
{
    struct fixture f;
    struct entry_record rec;
    struct stat st;
    fixture_start(&f, "cached");
    const struct cache_entry *e = &f.e;
    struct entry_identity *id = &f.id;
    commit(e, &f.in, 3 * SECOND);
    int rootfd = open(root, O_RDONLY | O_DIRECTORY);
    int fd = freshness_open_cached(rootfd, e, id, "script.rs", &rec, &st);
    CHECK(fd >= 0);
    close(fd);
    entry_record_release(&rec);

    /* Another identity's record (other options) is not this entry's. */
    strbuf_addstr(&id->opts, " release");
    CHECK_INT(freshness_open_cached(rootfd, e, id, "script.rs", &rec, &st), -1);
    entry_record_release(&rec);
    strbuf_setlen(&id->opts, id->opts.len - 8);

    /* A variable the build declared changed. */
    setenv("CTHAG_TEST_FRESHNESS", "2", 1);
    CHECK_INT(freshness_open_cached(rootfd, e, id, "script.rs", &rec, &st), -1);
    entry_record_release(&rec);
    setenv("CTHAG_TEST_FRESHNESS", "1", 1);

    /* The executable in bins/ is not the one the record was committed with. */
    CHECK_INT(unlink(e->bin_path.buf), 0);
    write_file(e->bin_path.buf, "\177ELF");
    CHECK_INT(freshness_open_cached(rootfd, e, id, "script.rs", &rec, &st), -1);
    entry_record_release(&rec);

    /* A module touched: its stat data changed, so the cached path does not trust it. */
    uncommit(e);
    commit(e, &f.in, 3 * SECOND);
    set_mtime(helper, 1000 * SECOND);
    CHECK_INT(freshness_open_cached(rootfd, e, id, "script.rs", &rec, &st), -1);
    entry_record_release(&rec);
    close(rootfd);
    fixture_end(&f);
}

/* The same bytes in the same file with the same stat data as recorded, racy or not. */
static void test_racy_stat(void)
{
    struct entry_record rec;
    struct stat st;
    char hash[HASH_HEX_LEN + 1];
    write_file(helper, "pub fn f() {}\n");
    CHECK_INT(stat(helper, &st), 0);
    CHECK_INT(freshness_hash_file(helper, hash), 0);
    memset(&rec, 0, sizeof(rec));
    /* What was recorded was other bytes of the same size, stat data equal (the same tick). */
    entry_record_add_input(&rec, helper, &st, "00000000000000000000000000000000");
    long long changed = fs_timespec_ns(&st.st_ctim) > fs_timespec_ns(&st.st_mtim)
                            ? fs_timespec_ns(&st.st_ctim)
                            : fs_timespec_ns(&st.st_mtim);
    rec.stamp_ns = changed; /* stamped in the tick of the last change: racy */
    const char *why = NULL;
    CHECK_INT(freshness_is_fresh(&rec, &why), 0);
    CHECK_STR(why, helper);
    rec.stamp_ns = changed + 3 * SECOND; /* stamped well after: the stat data are trusted */
    CHECK_INT(freshness_is_fresh(&rec, NULL), 1);
    entry_record_release(&rec);
}

/* After generating: the key matched, so what is left to decide is whether the files the build
 * read still hold what they held; changed stat data with the same content only refresh them. */
static void test_reuse(void)
{
    struct fixture f;
    struct entry_record rec;
    fixture_start(&f, "reuse");
    struct build_inputs in = f.in;
    const struct cache_entry *e = &f.e;
    commit(e, &in, 3 * SECOND);

    /* Touched, same content: reused, and the record now holds the new stat data. */
    set_mtime(helper, 1000 * SECOND);
    int fd = freshness_reuse(&in);
    CHECK(fd >= 0);
    close(fd);
    CHECK_INT(entry_record_load(e->record_path.buf, &rec), 0);
    CHECK_INT(rec.ninputs, 2);
    CHECK_INT(rec.inputs[1].mtime_ns, 1000 * SECOND);
    entry_record_release(&rec);

    /* A variable the build declared has another value now. */
    setenv("CTHAG_TEST_FRESHNESS", "2", 1);
    CHECK_INT(freshness_reuse(&in), -1);
    setenv("CTHAG_TEST_FRESHNESS", "1", 1);

    /* The script touched since cthag read it: the key vouches for what was read, but the stat
     * data now are not those of that text, so the record keeps the script's content unknown. */
    set_mtime(script, 2000 * SECOND);
    fd = freshness_reuse(&in);
    CHECK(fd >= 0);
    close(fd);
    CHECK_INT(entry_record_load(e->record_path.buf, &rec), 0);
    CHECK_STR(rec.inputs[0].path, script);
    CHECK_STR(rec.inputs[0].hash, "");
    CHECK_INT(rec.inputs[0].mtime_ns, fs_timespec_ns(&in.script_st.st_mtim));
    entry_record_release(&rec);

    /* Another key: built from other text. */
    in.key = "fedcba9876543210fedcba9876543210";
    CHECK_INT(freshness_reuse(&in), -1);
    in.key = "0123456789abcdef0123456789abcdef";

    /* Other bytes of the same size, with the recorded mtime put back: the content decides. */
    write_file(helper, "pub fn g() {}\n");
    set_mtime(helper, 1000 * SECOND);
    CHECK_INT(freshness_reuse(&in), -1);

    /* Back to the bytes the build read: reused again. */
    write_file(helper, "pub fn f() {}\n");
    fd = freshness_reuse(&in);
    CHECK(fd >= 0);
    close(fd);

    /* A file the build read is gone. */
    CHECK_INT(unlink(helper), 0);
    CHECK_INT(freshness_reuse(&in), -1);
    fixture_end(&f);
}

/* git's racy-clean rule, with a coarse file system's timestamps (no nanoseconds). */
static void test_racy_rule(void)
{
    struct stat st;
    memset(&st, 0, sizeof(st));
    st.st_mtim.tv_sec = st.st_ctim.tv_sec = 100;
    st.st_mtim.tv_nsec = st.st_ctim.tv_nsec = 500;
    CHECK_INT(freshness_stat_racy(&st, 100000000501LL), 0); /* stamped after the change */
    CHECK_INT(freshness_stat_racy(&st, 100000000500LL), 1); /* the same tick */
    st.st_ctim.tv_sec = 200;
    CHECK_INT(freshness_stat_racy(&st, 150000000000LL), 1); /* ctime counts too */
    st.st_mtim.tv_nsec = st.st_ctim.tv_nsec = 0;
    st.st_ctim.tv_sec = 100;
    CHECK_INT(freshness_stat_racy(&st, 101000000000LL), 1); /* 1 s timestamps: within 2 s */
    CHECK_INT(freshness_stat_racy(&st, 102000000001LL), 0);
}

/* The variables a build depended on: cthag's tracked ones, the declared ones, not cargo's. */
static void test_env(void)
{
    struct entry_record rec;
    struct strlist deps = STRLIST_INIT;
    const char *why = NULL;
    memset(&rec, 0, sizeof(rec));
    unsetenv("CTHAG_TEST_RECORD_VAR");
    strlist_add(&deps, "CTHAG_TEST_RECORD_VAR");
    strlist_add(&deps, "CARGO_PKG_NAME=x"); /* cargo's own: not recorded */
    freshness_record_env(&rec, &deps);
    for (size_t i = 0; i < rec.env.count; i++)
        CHECK(strncmp(rec.env.items[i], "CARGO_PKG_NAME", 14));
    CHECK_INT(freshness_is_fresh(&rec, &why), 1);
    setenv("CTHAG_TEST_RECORD_VAR", "1", 1);
    CHECK_INT(freshness_is_fresh(&rec, &why), 0);
    CHECK_STR(why, "CTHAG_TEST_RECORD_VAR");
    unsetenv("CTHAG_TEST_RECORD_VAR");
    strlist_release(&deps);
    entry_record_release(&rec);
}

int main(void)
{
    make_dirs();
    test_racy_rule();
    test_env();
    test_record_build();
    test_racy_stat();
    test_cached();
    test_reuse();
    CHECK_INT(fs_remove_tree(dir), 0);
    return unit_finish("test_freshness");
}
