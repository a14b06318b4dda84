/* util/die.c, util/strbuf.c, util/fs.c, util/json.c: running out of memory ends cthag one way
 * (its message and EXIT_OUT_OF_MEMORY), wherever it happens; a size that cannot be represented
 * is the same. */
#include "util/die.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/spawn.h"
#include "util/strbuf.h"
#include "util/suggest.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

/* Run fn in a child; its exit status, and its stderr in err. */
static int run_child(void (*fn)(void), char *err, size_t size)
{
    int pipefd[2];
    if (pipe(pipefd))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        fn();
        _exit(99); /* fn was to exit */
    }
    close(pipefd[1]);
    ssize_t got = read(pipefd[0], err, size - 1);
    err[got > 0 ? got : 0] = '\0';
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Where exhaust_memory() keeps what it takes: an allocation whose result is never used may be
 * left out by the compiler (clang -O2 does), and the memory would not be taken. */
static void *volatile memory_taken;

/* Leave (almost) no memory to allocate. */
static void exhaust_memory(void)
{
    struct rlimit limit = {64 << 20, 64 << 20};
    setrlimit(RLIMIT_AS, &limit);
    for (size_t size = 1 << 20; size >= 16; size /= 2)
        while ((memory_taken = malloc(size)))
            ;
}

static void huge_malloc(void)
{
    xmalloc(SIZE_MAX / 2);
}

static void huge_array(void)
{
    size_t alloc = 0;
    xgrow(NULL, SIZE_MAX / 4, &alloc, 16);
}

static void huge_strbuf(void)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addstr(&sb, "abc");
    strbuf_grow(&sb, SIZE_MAX - 1);
}

static void hasher_without_memory(void)
{
    exhaust_memory();
    hasher_new();
}

static void xmalloc_without_memory(void)
{
    exhaust_memory();
    xmalloc(4096);
}

static void check_out_of_memory(void (*fn)(void), const char *what)
{
    char err[256];
    int status = run_child(fn, err, sizeof(err));
    if (status != EXIT_OUT_OF_MEMORY || strcmp(err, "cthag: out of memory\n"))
        fprintf(stderr, "out of memory in %s: status %d, stderr [%s]\n", what, status, err);
    CHECK_INT(status, EXIT_OUT_OF_MEMORY);
    CHECK_STR(err, "cthag: out of memory\n");
}

static void test_out_of_memory(void)
{
    CHECK_INT(EXIT_OUT_OF_MEMORY, EXIT_BUILD_FAILED);
    check_out_of_memory(huge_array, "an array");
    check_out_of_memory(huge_strbuf, "a string");
    /* ASan reports huge or failed allocations itself, and valgrind runs out of memory with
     * the program: both need their own address space. */
    const char *preload = getenv("LD_PRELOAD");
    if (UNDER_SANITIZER || (preload && strstr(preload, "vgpreload")))
        return;
    check_out_of_memory(huge_malloc, "malloc");
    check_out_of_memory(hasher_without_memory, "the hasher");
    check_out_of_memory(xmalloc_without_memory, "xmalloc");
}

static void test_strbuf(void)
{
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 1000; i++)
        strbuf_addf(&sb, "%d,", i);
    CHECK(sb.len < sb.alloc);
    CHECK_INT(sb.buf[sb.len], '\0');
    CHECK(!strncmp(sb.buf, "0,1,2,", 6));
    strbuf_release(&sb);

    /* Text that fits the room there is, text that does not (formatted again), nothing. */
    char long_text[300];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    strbuf_addf(&sb, "%s-%d", "ab", 7);
    CHECK_STR(sb.buf, "ab-7");
    strbuf_addf(&sb, "[%s]", long_text);
    CHECK_INT(sb.len, 4 + 2 + 299);
    CHECK(sb.len < sb.alloc);
    CHECK(!strncmp(sb.buf, "ab-7[xxx", 8));
    CHECK_STR(sb.buf + sb.len - 3, "xx]");
    strbuf_addf(&sb, "%s", "");
    CHECK_INT(sb.len, 305);
    CHECK_INT(sb.buf[sb.len], '\0');
    strbuf_release(&sb);
}

/* The environment of a launch: the extra NAME=VALUE entries replace the variables of their
 * names (and only those: a shared prefix is another name), a bare NAME removes one. */
extern char **environ;

static void test_spawn_environment(void)
{
    char *saved[] = {"PATH=/bin", "RUST_SCRIPT_PATH=/old", "RUST_SCRIPT=x", "EMPTY=", "KEEP=1=2",
                     "GONE=yes", NULL};
    char **old = environ;
    environ = saved;
    const char *extra[] = {"RUST_SCRIPT_PATH=/new", "EMPTY=now", "GONE", "ADDED=a=b", NULL};
    char **env = spawn_environment(extra);
    environ = old;
    const char *expected[] = {"PATH=/bin", "RUST_SCRIPT=x", "KEEP=1=2", "RUST_SCRIPT_PATH=/new",
                              "EMPTY=now", "ADDED=a=b", NULL};
    for (int i = 0; expected[i] || env[i]; i++)
        CHECK_STR(env[i] ? env[i] : "(end)", expected[i] ? expected[i] : "(end)");
    free(env);
}

static void test_suggest(void)
{
    static const char *const names[] = {"profile", "registry-dir", "edition", "wrapper", NULL};
    CHECK_INT(suggest_distance("profiel", 7, "profile", 7), 1);
    CHECK_INT(suggest_distance("abc", 3, "", 0), 3);
    CHECK_STR(suggest_nearest("profiel", names), "profile");
    CHECK_STR(suggest_nearest("registry_dir", names), "registry-dir");
    CHECK_STR(suggest_nearest("wraper", names), "wrapper");
    CHECK(suggest_nearest("colour", names) == NULL);
    CHECK(suggest_nearest("e", names) == NULL); /* not fewer edits than letters */
}

/* A file of n bytes ('a' + i % 26) in a temporary directory; its path in path. */
static void write_file(char *path, size_t size, size_t n)
{
    snprintf(path, size, "/tmp/cthag-test-util.%ld", (long)getpid());
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    for (size_t i = 0; f && i < n; i++)
        fputc('a' + (int)(i % 26), f);
    if (f)
        fclose(f);
}

static int has_pattern(const struct strbuf *sb, size_t from, size_t n)
{
    if (sb->len != from + n || sb->buf[sb->len])
        return 0;
    for (size_t i = 0; i < n; i++)
        if (sb->buf[from + i] != 'a' + (int)(i % 26))
            return 0;
    return 1;
}

/* fs_read_fd reads all; a small file takes one allocation of about its size (a 64 KiB buffer
 * per small file made musl's allocator map and unmap memory for each record GC read). */
static void test_read_fd(void)
{
    static const size_t sizes[] = {0, 1, 554, 65535, 65536, 65537, 300000};
    char path[64];
    for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
        struct strbuf sb = STRBUF_INIT;
        strbuf_addstr(&sb, "xy");
        write_file(path, sizeof(path), sizes[i]);
        CHECK_INT(fs_read_file(path, &sb), 0);
        CHECK(has_pattern(&sb, 2, sizes[i]));
        CHECK(!strncmp(sb.buf, "xy", 2));
        if (sizes[i] < 4096)
            CHECK(sb.alloc < 8192);
        strbuf_release(&sb);
    }
    /* The cap: up to max bytes is fine, one more is EFBIG with max bytes kept. */
    write_file(path, sizeof(path), 1000);
    struct strbuf sb = STRBUF_INIT;
    int fd = open(path, O_RDONLY);
    CHECK_INT(fs_read_fd_max(fd, &sb, 1000), 0);
    CHECK(has_pattern(&sb, 0, 1000));
    close(fd);
    strbuf_reset(&sb);
    fd = open(path, O_RDONLY);
    errno = 0;
    CHECK_INT(fs_read_fd_max(fd, &sb, 999), -1);
    CHECK_INT(errno, EFBIG);
    CHECK_INT((int)sb.len, 999);
    close(fd);
    unlink(path);
    /* A pipe: no size to go by. */
    int fds[2];
    CHECK_INT(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        for (size_t i = 0; i < 100000; i++) {
            char c = (char)('a' + (int)(i % 26));
            if (write(fds[1], &c, 1) != 1)
                _exit(1);
        }
        _exit(0);
    }
    close(fds[1]);
    strbuf_reset(&sb);
    CHECK_INT(fs_read_fd(fds[0], &sb), 0);
    CHECK(has_pattern(&sb, 0, 100000));
    close(fds[0]);
    waitpid(pid, NULL, 0);
    strbuf_release(&sb);
}

/* fs_dir: every name once, "." and ".." left out, across many getdents64 calls (a small
 * buffer); an empty directory; a symbolic link or a missing name is not opened. */
static void test_dir(void)
{
    char dir[] = "/tmp/cthag-test-dir.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    int dirfd_ = open(dir, O_RDONLY | O_DIRECTORY);
    enum { FILES = 300 };
    char name[128];
    for (int i = 0; i < FILES; i++) {
        snprintf(name, sizeof(name), "file-with-a-rather-long-name-%04d", i);
        int fd = openat(dirfd_, name, O_WRONLY | O_CREAT, 0600);
        CHECK(fd >= 0);
        close(fd);
    }
    CHECK_INT(mkdirat(dirfd_, "empty", 0700), 0);
    CHECK_INT(symlinkat("empty", dirfd_, "link"), 0);
    static char seen[FILES + 2];
    _Alignas(8) char buf[512];
    struct fs_dir d;
    CHECK_INT(fs_dir_open_at(&d, AT_FDCWD, dir, buf, sizeof(buf)), 0);
    int others = 0;
    for (const char *n; (n = fs_dir_next(&d));) {
        int i;
        if (sscanf(n, "file-with-a-rather-long-name-%d", &i) == 1 && i >= 0 && i < FILES)
            seen[i]++;
        else
            others += !strcmp(n, "empty") || !strcmp(n, "link") ? 1 : 100;
    }
    fs_dir_close(&d);
    int once = 1;
    for (int i = 0; i < FILES; i++)
        once &= seen[i] == 1;
    CHECK(once);
    CHECK_INT(others, 2);
    CHECK_INT(fs_dir_open_at(&d, dirfd_, "empty", buf, sizeof(buf)), 0);
    CHECK(fs_dir_next(&d) == NULL);
    fs_dir_close(&d);
    CHECK_INT(fs_dir_open_at(&d, dirfd_, "link", buf, sizeof(buf)), -1);
    CHECK_INT(fs_dir_open_at(&d, dirfd_, "missing", buf, sizeof(buf)), -1);
    for (int i = 0; i < FILES; i++) {
        snprintf(name, sizeof(name), "file-with-a-rather-long-name-%04d", i);
        unlinkat(dirfd_, name, 0);
    }
    unlinkat(dirfd_, "link", 0);
    unlinkat(dirfd_, "empty", AT_REMOVEDIR);
    close(dirfd_);
    rmdir(dir);
}

/* The JSON reader: a tree larger than one arena chunk and containers past their first room,
 * escapes decoded; what is not JSON is NULL (and leaks nothing, under LSan). */
static void test_json(void)
{
    struct strbuf text = STRBUF_INIT;
    strbuf_addstr(&text, "{\"s\": \"a\\n\\u00e9\\\"b\", \"deps\": [");
    for (int i = 0; i < 500; i++)
        strbuf_addf(&text, "%s[%d, \"name-%d\", false, 1234567890123456789]", i ? ", " : "", i, i);
    strbuf_addstr(&text, "], \"t\": true, \"n\": null, \"o\": {}}");
    struct json *v = json_parse(text.buf, text.len);
    CHECK(v != NULL);
    CHECK_STR(json_get_string(v, "s"), "a\n\xc3\xa9\"b");
    const struct json *deps = json_get(v, "deps");
    CHECK(deps && deps->type == JSON_ARRAY && deps->count == 500);
    if (deps && deps->count == 500) {
        CHECK_STR(deps->items[499]->items[1]->text, "name-499");
        CHECK_STR(deps->items[7]->items[3]->text, "1234567890123456789");
        CHECK_INT(deps->items[0]->items[2]->boolean, 0);
    }
    CHECK(json_get(v, "t") && json_get(v, "t")->boolean == 1);
    CHECK(json_get(v, "n") && json_get(v, "n")->type == JSON_NULL);
    CHECK(json_get(v, "o") && json_get(v, "o")->count == 0);
    json_free(v);
    static const char *const bad[] = {"", "{", "[1,", "{\"a\" 1}", "\"\\x\"", "[1] 2", "tru",
                                      "{\"a\": [1, {\"b\": \"\n\"}]}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        CHECK(json_parse(bad[i], strlen(bad[i])) == NULL);
    strbuf_release(&text);
}

int main(void)
{
    test_strbuf();
    test_dir();
    test_json();
    test_read_fd();
    test_spawn_environment();
    test_suggest();
    test_out_of_memory();
    return unit_finish("test_util");
}
