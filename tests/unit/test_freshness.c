/* Freshness against real files in a temporary directory: what a build is recorded as having
 * read, and when a later run trusts the record (stat data alone), checks the content (changed
 * or racy stat data), or rebuilds. */
#include "cache/buildenv.h"
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
    strbuf_reset(&d);
    strbuf_addf(&d, "x: %s %s\n# env-dep:CTHAG_TEST_FRESHNESS=1\n", script, helper);
    write_file(path, d.buf);
    snprintf(path, sizeof(path), "%s/target/debug/deps/prog-fedcba9876543210", root);
    write_file(path, "\177ELF other");
    strcat(path, ".d");
    write_file(path, "x: y\n# env-dep:CTHAG_TEST_OTHER=1\n");
    strbuf_release(&d);
    strbuf_init(&id->opts);
    strbuf_addstr(&id->opts, "profile=default");
    id->source = xstrdup(script);
    id->registry_dir = NULL;
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
    CHECK_INT(freshness_record_build((struct build_inputs *)in, built, NULL, &rec), 0);
    CHECK_INT(link(built, e->bin_path.buf), 0);
    CHECK_INT(stat(e->bin_path.buf, &st), 0);
    rec.bin_inode = (unsigned long long)st.st_ino;
    rec.stamp_ns += stamp_later;
    CHECK_INT(entry_record_store(e->record_path.buf, &rec, 0), 0);
    entry_record_release(&rec);
}

/* The record's input for path. */
static const struct record_input *input_of(const struct entry_record *rec, const char *path)
{
    for (size_t i = 0; i < rec->ninputs; i++)
        if (!strcmp(rec->inputs[i].path, path))
            return &rec->inputs[i];
    CHECK(!"no such input");
    return &rec->inputs[0];
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
    freshness_build_done(&f->in);
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
    CHECK_INT(freshness_record_build(&in, built, NULL, &rec), 0);
    CHECK_STR(rec.key, in.key);
    CHECK_STR(rec.source, script);
    CHECK_STR(rec.opts, "profile=default");
    CHECK(rec.rustc != NULL && rec.sysroot != NULL); /* the toolchain, as rustup chose it */
    CHECK_INT(strlen(rec.config), HASH_HEX_LEN);
    CHECK(rec.uncacheable == NULL);
    /* The script's crate: the project's Cargo.toml is cthag's own. */
    CHECK_INT(rec.units.count, 1);
    CHECK_STR(rec.units.items[0], "script");
    CHECK(rec.ninputs > 2);
    CHECK_STR(rec.inputs[0].path, script);
    CHECK_INT(rec.inputs[0].group, 1);
    CHECK_STR(rec.inputs[0].hash, in.script_hash);
    CHECK_STR(rec.inputs[1].path, helper);
    CHECK_INT(rec.inputs[1].group, 1);
    CHECK_INT(strlen(rec.inputs[1].hash), HASH_HEX_LEN);
    for (size_t i = 2; i < rec.ninputs; i++)
        CHECK_INT(rec.inputs[i].group, RECORD_CONFIG_GROUP);
    int found = 0;
    for (size_t i = 0; i < rec.env.count; i++)
        found += !strcmp(rec.env.items[i], "CTHAG_TEST_FRESHNESS=1");
    CHECK_INT(found, 1);
    for (size_t i = 0; i < rec.env.count; i++) /* the other unit's is not this build's */
        CHECK(strncmp(rec.env.items[i], "CTHAG_TEST_OTHER", 16));
    entry_record_release(&rec);

    /* A module changed within the build's tick: what the compiler read is unknown. */
    in.stamp = freshness_clock_now() + SECOND;
    set_mtime(helper, in.stamp);
    freshness_record_build(&in, built, NULL, &rec);
    CHECK_STR(rec.inputs[1].hash, "");
    entry_record_release(&rec);

    /* The script touched after cthag read it: its stat data are not those of what was read. */
    set_mtime(script, 1000 * SECOND);
    freshness_record_build(&in, built, NULL, &rec);
    CHECK_STR(rec.inputs[0].path, script);
    CHECK_STR(rec.inputs[0].hash, "");
    entry_record_release(&rec);

    /* The script changed after cthag read it: its recorded stat data vouch for nothing. */
    write_file(script, "mod helper;\nfn main() { }\n");
    freshness_record_build(&in, built, NULL, &rec);
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
    buildenv_config_hash(rec.config);
    /* What was recorded was other bytes of the same size, stat data equal (the same tick). */
    entry_record_add_input(&rec, RECORD_CONFIG_GROUP, helper, &st,
                           "00000000000000000000000000000000");
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
    CHECK_INT(input_of(&rec, helper)->mtime_ns, 1000 * SECOND);
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
    CHECK_STR(input_of(&rec, script)->hash, "");
    CHECK_INT(input_of(&rec, script)->mtime_ns, fs_timespec_ns(&in.script_st.st_mtim));
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
    /* An mtime from an archive is whole seconds anywhere: the kernel's ctime beside it is not,
     * and tells the file system's granularity. */
    st.st_ctim.tv_nsec = 500;
    CHECK_INT(freshness_stat_racy(&st, 100000000501LL), 1); /* the mtime's tick */
    st.st_mtim.tv_sec = 90;
    CHECK_INT(freshness_stat_racy(&st, 100000000501LL), 0);
    /* A timestamp from a clock ahead (an archive from a machine ahead): no evidence of a change
     * in the stamp's tick.  The kernel's ctime decides. */
    long long now = freshness_clock_now();
    st.st_mtim.tv_sec = now / SECOND + 3600;
    st.st_mtim.tv_nsec = 1;
    st.st_ctim.tv_sec = now / SECOND - 10;
    CHECK_INT(freshness_stat_racy(&st, now), 0);
    st.st_ctim.tv_sec = now / SECOND;
    st.st_ctim.tv_nsec = now % SECOND;
    CHECK_INT(freshness_stat_racy(&st, now), 1);
}

/* What the record says besides files: each declared variable, the build configuration of the
 * environment (a variable that appears counts), the entry being uncacheable. */
static void test_env(void)
{
    struct entry_record rec;
    const char *why = NULL;
    memset(&rec, 0, sizeof(rec));
    unsetenv("CTHAG_TEST_RECORD_VAR");
    unsetenv("CARGO_PROFILE_DEV_DEBUG_ASSERTIONS");
    buildenv_config_hash(rec.config);
    strlist_add(&rec.env, "CTHAG_TEST_RECORD_VAR");
    CHECK_INT(freshness_is_fresh(&rec, &why), 1);
    setenv("CTHAG_TEST_RECORD_VAR", "1", 1);
    CHECK_INT(freshness_is_fresh(&rec, &why), 0);
    CHECK_STR(why, "CTHAG_TEST_RECORD_VAR");
    unsetenv("CTHAG_TEST_RECORD_VAR");
    setenv("CARGO_PROFILE_DEV_DEBUG_ASSERTIONS", "false", 1);
    CHECK_INT(freshness_is_fresh(&rec, &why), 0);
    unsetenv("CARGO_PROFILE_DEV_DEBUG_ASSERTIONS");
    setenv("CARGO_TARGET_DIR", "/elsewhere", 1); /* cthag overrides it: no change */
    setenv("CARGO_REGISTRY_TOKEN", "secret", 1); /* credentials build nothing */
    CHECK_INT(freshness_is_fresh(&rec, &why), 1);
    unsetenv("CARGO_TARGET_DIR");
    unsetenv("CARGO_REGISTRY_TOKEN");
    entry_record_set(&rec, &rec.uncacheable, "cannot track /x");
    CHECK_INT(freshness_is_fresh(&rec, &why), 0);
    CHECK_STR(why, "cannot track /x");
    entry_record_release(&rec);
}

/* For a build that wants to skip cargo: what changed since the record. */
static void test_classify(void)
{
    struct fixture f;
    struct entry_record rec;
    fixture_start(&f, "classify");
    struct build_inputs in = f.in;
    in.manifest = "[package]\n";
    commit(&f.e, &in, 3 * SECOND);
    CHECK_INT(entry_record_load(f.e.record_path.buf, &rec), 0);
    CHECK_INT(freshness_classify(&in, &rec), CHANGED_NOTHING);
    set_mtime(helper, 1000 * SECOND); /* touched: the same content */
    CHECK_INT(freshness_classify(&in, &rec), CHANGED_NOTHING);
    write_file(helper, "pub fn g() {}\n"); /* a file of the script's own crate */
    CHECK_INT(freshness_classify(&in, &rec), CHANGED_SCRIPT_ONLY);
    in.manifest = "[package]\nname = \"x\"\n"; /* and the manifest */
    CHECK_INT(freshness_classify(&in, &rec), CHANGED_MORE);
    in.manifest = "[package]\n";
    in.registry = "/elsewhere";
    CHECK_INT(freshness_classify(&in, &rec), CHANGED_MORE);
    in.registry = "";
    setenv("CARGO_PROFILE_DEV_OPT_LEVEL", "1", 1); /* the configuration */
    CHECK_INT(freshness_classify(&in, &rec), CHANGED_MORE);
    unsetenv("CARGO_PROFILE_DEV_OPT_LEVEL");
    CHECK_INT(freshness_classify(&in, &rec), CHANGED_SCRIPT_ONLY);
    entry_record_release(&rec);
    fixture_end(&f);
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
    test_classify();
    CHECK_INT(fs_remove_tree(dir), 0);
    return unit_finish("test_freshness");
}
