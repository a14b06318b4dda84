#include "cargo/relay.h"

#include "util/die.h"
#include "util/hash.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* What clears the bar: cargo leaves the cursor at the start of its bar's line. */
#define ERASE_LINE "\r\033[K"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int relay_wants_bar(int *width)
{
    const char *term = getenv("TERM"), *when = getenv("CARGO_TERM_PROGRESS_WHEN");
    struct winsize ws;
    /* cargo's own rules for its bar (Progress::with_style): a terminal, not a dumb one, not CI. */
    if (!isatty(STDERR_FILENO) || (term && !strcmp(term, "dumb")) || getenv("CI") ||
        getenv("TF_BUILD") || (when && !strcmp(when, "never")))
        return 0;
    *width = !ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) && ws.ws_col ? ws.ws_col : 80;
    return 1;
}

void relay_init(struct relay *r, const struct relay_name *names, int terminal, int hold_ms)
{
    memset(r, 0, sizeof(*r));
    for (size_t i = 0; i < RELAY_NAMES && names && names[i].from; i++)
        r->names[i] = names[i];
    r->terminal = terminal;
    r->holding = hold_ms != 0;
    r->brief = hold_ms > 0;
    r->live_at = hold_ms > 0 ? now_ms() + hold_ms : 0;
    strbuf_init(&r->held);
    strbuf_init(&r->partial);
}

/* <name>-<16 hex digits>: a unit's directory or file in the shared target (build/<package>-<hash>,
 * .fingerprint/..), a real path a message may show (a build script that failed): kept as it is. */
static int names_unit(const struct strbuf *text, size_t at)
{
    return text->len - at > 16 && text->buf[at] == '-' && hash_is_hex(text->buf + at + 1, 16);
}

void relay_rename(const struct relay *r, struct strbuf *text)
{
    struct strbuf out = STRBUF_INIT;
    for (size_t i = 0; i < text->len;) {
        size_t n = 0;
        for (size_t k = 0; k < RELAY_NAMES && r->names[k].from && !n; k++) {
            size_t len = strlen(r->names[k].from);
            if (len && !strncmp(text->buf + i, r->names[k].from, len) &&
                !names_unit(text, i + len)) {
                strbuf_addstr(&out, r->names[k].to);
                n = len;
            }
        }
        if (n) {
            i += n;
        } else {
            strbuf_addch(&out, text->buf[i++]);
        }
    }
    strbuf_release(text);
    *text = out;
}

/* cargo's words when it could not reach a registry. */
static int is_fetch_failure(const char *line)
{
    static const char *const words[] = {"failed to get `", "failed to download",
                                        "Unable to update registry", "failed to load source for",
                                        NULL};
    for (const char *const *w = words; *w; w++)
        if (strstr(line, *w))
            return 1;
    return 0;
}

/* A line of cargo's own about the build's progress: a verb right-aligned in 12 columns
 * ("   Compiling x v0.1.0 (x.rs)"), or its summary of the diagnostics already shown. */
static int is_status_line(const char *line, size_t len)
{
    char visible[64];
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < sizeof(visible); i++) {
        if (line[i] == '\033') {
            while (i < len && !(line[i] >= 'a' && line[i] <= 'z') && !(line[i] >= 'A' && line[i] <= 'Z'))
                i++;
            continue;
        }
        visible[n++] = line[i];
    }
    visible[n] = '\0';
    size_t spaces = strspn(visible, " "), verb = strspn(visible + spaces, "abcdefghijklmnopqrstuvwxyz"
                                                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    if (spaces + verb == 12 && verb > 1 && visible[spaces] >= 'A' && visible[spaces] <= 'Z' &&
        visible[12] == ' ')
        return 1;
    return !strncmp(visible, "error: could not compile `", 26) ||
           (!strncmp(visible, "warning: `", 10) && strstr(line, " generated "));
}

/* The held output without cargo's status lines. */
static void drop_status_lines(struct strbuf *held)
{
    struct strbuf kept = STRBUF_INIT;
    for (size_t i = 0; i < held->len;) {
        const char *nl = memchr(held->buf + i, '\n', held->len - i);
        size_t len = nl ? (size_t)(nl - (held->buf + i)) + 1 : held->len - i;
        if (!is_status_line(held->buf + i, len))
            strbuf_add(&kept, held->buf + i, len);
        i += len;
    }
    strbuf_release(held);
    *held = kept;
}

static void go_live(struct relay *r)
{
    r->holding = 0;
    report_write(r->held.buf, r->held.len);
    if (r->held.len)
        r->bar_shown = 0;
    strbuf_reset(&r->held);
}

/* One whole line of cargo's (ending in '\n') or a bar (ending in '\r'). */
static void relay_segment(struct relay *r, const char *seg, size_t len)
{
    int is_bar = seg[len - 1] == '\r';
    if (r->holding && r->live_at && now_ms() >= r->live_at)
        go_live(r);
    /* Held output has no bar: the next one drawn live replaces it. */
    if (is_bar && (r->holding || !r->terminal))
        return;
    struct strbuf line = STRBUF_INIT;
    strbuf_add(&line, seg, len);
    relay_rename(r, &line);
    if (is_bar) {
        report_write(line.buf, line.len);
        report_line_taken(ERASE_LINE);
        r->bar_shown = 1;
        strbuf_release(&line);
        return;
    }
    if (is_fetch_failure(line.buf))
        r->fetch_failed = 1;
    relay_text(r, line.buf, line.len);
    strbuf_release(&line);
}

void relay_stderr(struct relay *r, const char *data, size_t len)
{
    strbuf_add(&r->partial, data, len);
    size_t start = 0;
    for (size_t i = 0; i < r->partial.len; i++) {
        if (r->partial.buf[i] != '\n' && r->partial.buf[i] != '\r')
            continue;
        /* "\r\n" ends a line, not a bar. */
        if (r->partial.buf[i] == '\r' && i + 1 < r->partial.len && r->partial.buf[i + 1] == '\n')
            i++;
        relay_segment(r, r->partial.buf + start, i + 1 - start);
        start = i + 1;
    }
    memmove(r->partial.buf, r->partial.buf + start, r->partial.len - start);
    strbuf_setlen(&r->partial, r->partial.len - start);
}

void relay_text(struct relay *r, const char *text, size_t len)
{
    if (r->holding && r->live_at && now_ms() >= r->live_at)
        go_live(r);
    if (r->holding) {
        strbuf_add(&r->held, text, len);
    } else {
        report_write(text, len);
        r->bar_shown = 0;
    }
}

/* What cargo wrote without an end of line yet (a prompt of the program `cargo run` runs, the
 * start of a line cut by the pipe's buffer): written as it is once nothing more comes. */
static void flush_partial(struct relay *r)
{
    if (!r->partial.len)
        return;
    relay_text(r, r->partial.buf, r->partial.len);
    strbuf_reset(&r->partial);
}

void relay_tick(struct relay *r)
{
    if (r->holding && r->live_at && now_ms() >= r->live_at)
        go_live(r);
    flush_partial(r);
}

void relay_finish(struct relay *r, int show_held)
{
    flush_partial(r);
    if (show_held && r->holding && r->brief)
        drop_status_lines(&r->held);
    if (show_held || !r->holding)
        go_live(r);
    /* A bar cargo left (it erases its own only when it writes colours): gone before whatever
     * runs next writes to the terminal. */
    if (r->bar_shown)
        report_write(ERASE_LINE, strlen(ERASE_LINE));
    strbuf_release(&r->held);
    strbuf_release(&r->partial);
}
