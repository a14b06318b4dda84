/* cargo/relay.c: cargo's stderr as the user sees it: names replaced, the progress bar erased
 * before every line (cargo's, or cthag's diagnostics and messages), output held back for -q and
 * for cthag -r's first second, cargo's network failures noticed. */
#include "cargo/relay.h"
#include "util/die.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct relay_name names[] = {
    {"/c/projects/x-0123456789abcdef/Cargo.toml", "x.rs"},
    {"/c/projects/x-0123456789abcdef", "x.rs"},
    {"x_0123456789abcdef", "x"},
    {NULL, NULL},
};

/* What the relay wrote on stderr while fn ran. */
static char *captured;
static size_t captured_len;
static FILE *saved;

static void capture_start(void)
{
    saved = stderr;
    stderr = open_memstream(&captured, &captured_len);
}

static void capture_end(void)
{
    fclose(stderr);
    stderr = saved;
}

static void feed(struct relay *r, const char *data)
{
    relay_stderr(r, data, strlen(data));
}

static void say(struct relay *r, const char *text)
{
    relay_text(r, text, strlen(text));
}

static void test_rename(void)
{
    struct relay r;
    relay_init(&r, names, 0, 0);
    struct strbuf text = STRBUF_INIT;
    strbuf_addstr(&text, "   Compiling x_0123456789abcdef v0.1.0 (/c/projects/x-0123456789abcdef)\n"
                         "warning: /c/projects/x-0123456789abcdef/Cargo.toml: unused key\n");
    relay_rename(&r, &text);
    CHECK_STR(text.buf, "   Compiling x v0.1.0 (x.rs)\nwarning: x.rs: unused key\n");
    /* a unit's directory in the shared target is a path the user may open: kept */
    strbuf_reset(&text);
    strbuf_addstr(&text, "failed to run custom build command for `x_0123456789abcdef v0.1.0`: "
                         "`/c/target/debug/build/x_0123456789abcdef-00ff00ff00ff00ff/run`\n");
    relay_rename(&r, &text);
    CHECK_STR(text.buf, "failed to run custom build command for `x v0.1.0`: "
                        "`/c/target/debug/build/x_0123456789abcdef-00ff00ff00ff00ff/run`\n");
    strbuf_release(&text);
    relay_finish(&r, 0);
}

/* On a terminal the bar is written (renamed) and erased before the next line, cargo's or
 * cthag's; a line cargo erased itself is not erased twice. */
static void test_terminal(void)
{
    struct relay r;
    capture_start();
    relay_init(&r, names, 1, 0);
    feed(&r, "   Compiling dep v1.0\n    Building [=> ] 1/2: x_0123456789abcdef(bin)\r");
    say(&r, "error[E0308]: mismatched types\n");
    feed(&r, "    Building [==>] 1/2: x(bin)\r\033[K");
    feed(&r, "error: could not compile `x_0123456789abcdef`\n");
    relay_finish(&r, 1);
    capture_end();
    CHECK_STR(captured, "   Compiling dep v1.0\n"
                        "    Building [=> ] 1/2: x(bin)\r"
                        "\r\033[Kerror[E0308]: mismatched types\n"
                        "    Building [==>] 1/2: x(bin)\r"
                        "\r\033[K\033[Kerror: could not compile `x`\n");
    free(captured);
    report_line_taken(NULL);
}

/* Not a terminal: no bar is shown (cargo draws none into a pipe unless told, but a stray one is
 * dropped), lines pass renamed. */
static void test_pipe(void)
{
    struct relay r;
    capture_start();
    relay_init(&r, names, 0, 0);
    feed(&r, "  bar\r   Compiling x_0123456789abcdef v0.1.0\n");
    feed(&r, "Enter a number: "); /* a prompt: no end of line */
    relay_finish(&r, 0);
    capture_end();
    CHECK_STR(captured, "   Compiling x v0.1.0\nEnter a number: ");
    free(captured);
}

/* -q: everything held; shown (in order, diagnostics among cargo's lines) only on failure. */
static void test_quiet(void)
{
    struct relay r;
    capture_start();
    relay_init(&r, names, 0, -1);
    feed(&r, "   Compiling x_0123456789abcdef v0.1.0\n");
    relay_finish(&r, 0);
    relay_init(&r, names, 0, -1);
    feed(&r, "   Compiling x_0123456789abcdef v0.1.0\n");
    say(&r, "error: oops\n");
    feed(&r, "error: could not compile `x_0123456789abcdef`\n");
    relay_finish(&r, 1);
    capture_end();
    CHECK_STR(captured, "   Compiling x v0.1.0\nerror: oops\nerror: could not compile `x`\n");
    free(captured);
}

/* cthag -r's builds: held for a while; a failure within it shows what is not cargo's status
 * (the diagnostics, cargo's own errors), a success nothing. */
static void test_brief(void)
{
    struct relay r;
    capture_start();
    relay_init(&r, names, 1, 60000);
    feed(&r, "     Locking 1 package\n   Compiling x_0123456789abcdef v0.1.0 (/c/projects/"
                     "x-0123456789abcdef)\n    Building [> ] 0/1\r");
    say(&r, "\033[1merror[E0425]\033[0m: cannot find value\n");
    feed(&r, "error: could not compile `x_0123456789abcdef` (bin \"x\")\n"
                     "error: failed to select a version for `zz`\n"
                     "warning: `x` (bin \"x\") generated 1 warning\n");
    relay_finish(&r, 1);
    relay_init(&r, names, 1, 60000);
    feed(&r, "   Compiling x_0123456789abcdef v0.1.0\n    Finished `dev`\n");
    relay_finish(&r, 0);
    capture_end();
    CHECK_STR(captured, "\033[1merror[E0425]\033[0m: cannot find value\n"
                        "error: failed to select a version for `zz`\n");
    free(captured);
}

static void test_fetch_failure(void)
{
    struct relay r;
    capture_start();
    relay_init(&r, names, 0, -1);
    feed(&r, "error: failed to parse manifest at `/c/projects/x-0123456789abcdef/Cargo.toml`\n");
    CHECK_INT(r.fetch_failed, 0);
    feed(&r, "error: failed to get `zz` as a dependency of package `x_0123456789abcdef`\n");
    CHECK_INT(r.fetch_failed, 1);
    relay_finish(&r, 0);
    capture_end();
    free(captured);
}

int main(void)
{
    test_rename();
    test_terminal();
    test_pipe();
    test_quiet();
    test_brief();
    test_fetch_failure();
    return unit_finish("test_relay");
}
