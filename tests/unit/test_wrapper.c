#include "cargo/replay.h"
#include "cargo/wrapper.h"
#include "unit.h"
#include "util/fs.h"

#include <stdlib.h>
#include <unistd.h>

static int needs_static(const char *const *args)
{
    int n = 0;
    while (args[n])
        n++;
    return wrapper_args_need_static(args, n);
}

static void test_static_reasons(void)
{
    CHECK_INT(needs_static((const char *const[]){"--crate-name", "x", "--crate-type", "bin",
                                                 "-C", "debuginfo=1", NULL}),
              0);
    CHECK_INT(needs_static((const char *const[]){"-C", "lto=fat", NULL}), 1);
    CHECK_INT(needs_static((const char *const[]){"-Clto", NULL}), 1);
    CHECK_INT(needs_static((const char *const[]){"--codegen=lto=thin", NULL}), 1);
    CHECK_INT(needs_static((const char *const[]){"--codegen", "lto=off", NULL}), 0);
    CHECK_INT(needs_static((const char *const[]){"-C", "lto=no", NULL}), 0);
    CHECK_INT(needs_static((const char *const[]){"-C", "panic=abort", NULL}), 1);
    CHECK_INT(needs_static((const char *const[]){"-C", "panic=unwind", NULL}), 0);
    CHECK_INT(needs_static((const char *const[]){"-Ctarget-feature=+avx2,+crt-static", NULL}), 1);
    CHECK_INT(needs_static((const char *const[]){"-C", "prefer-dynamic", NULL}), 1);
    /* A value is not read as an option: "-C" "link-arg=-Clto" links, it asks no LTO. */
    CHECK_INT(needs_static((const char *const[]){"-C", "link-arg=-Clto", NULL}), 0);
    /* The last word without its value. */
    CHECK_INT(needs_static((const char *const[]){"-C", NULL}), 0);
}

static void test_protocol_variables(void)
{
    CHECK_INT(wrapper_is_protocol_variable("CTHAG_WRAP_PACKAGE=x"), 1);
    CHECK_INT(wrapper_is_protocol_variable("CTHAG_WRAP_NEXT="), 1);
    CHECK_INT(wrapper_is_protocol_variable("CTHAG_WRAP_LINK"), 1);
    CHECK_INT(wrapper_is_protocol_variable("CTHAG_WRAP_PACKAGES=x"), 0);
    CHECK_INT(wrapper_is_protocol_variable("CARGO_PKG_NAME=x"), 0);
}

static void write_bytes(const char *path, const char *data, size_t len)
{
    CHECK_INT(fs_write_atomic_quietly(path, data, len, 0600), 0);
}

static void test_capture(void)
{
    char dir[] = "/tmp/cthag-test-wrapper.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof(path), "%s/capture", dir);
    static const char good[] = "cthag-capture 1\0/work\0/lib/libstd-1.so\0rustc\0--crate-name\0x\0"
                               "\0A=1\0B=\0";
    write_bytes(path, good, sizeof(good) - 1);
    struct rustc_command cmd = RUSTC_COMMAND_INIT;
    CHECK_INT(replay_read_capture(path, &cmd), 0);
    CHECK_STR(cmd.cwd.buf, "/work");
    CHECK_STR(cmd.libstd.buf, "/lib/libstd-1.so");
    CHECK_INT(cmd.argv.count, 3);
    CHECK_STR(cmd.argv.items[2], "x");
    CHECK_INT(cmd.env.count, 2);
    CHECK_STR(cmd.env.items[1], "B=");
    rustc_command_release(&cmd);
    /* Cut short, another magic, no environment part: not a capture. */
    static const char cut[] = "cthag-capture 1\0/work\0", other[] = "cthag-capture 2\0/w\0\0rustc\0\0",
                      no_env[] = "cthag-capture 1\0/w\0\0rustc\0";
    const struct {
        const char *data;
        size_t len;
    } bad[] = {{cut, sizeof(cut) - 1}, {other, sizeof(other) - 1}, {no_env, sizeof(no_env) - 1}};
    for (size_t i = 0; i < 3; i++) {
        struct rustc_command c = RUSTC_COMMAND_INIT;
        write_bytes(path, bad[i].data, bad[i].len);
        CHECK_INT(replay_read_capture(path, &c), -1);
        rustc_command_release(&c);
    }
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    test_static_reasons();
    test_protocol_variables();
    test_capture();
    return unit_finish("test_wrapper");
}
