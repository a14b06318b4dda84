#include "util/die.h"

#include "util/strbuf.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int verbosity;

/* What erases the progress bar the terminal's last line holds (the cursor at its start), or
 * NULL when the line is clean. */
static const char *line_erase;

void report_line_taken(const char *erase)
{
    line_erase = erase;
}

/* stderr is unbuffered: one fwrite is one write, so lines from parallel writers do not
 * interleave. */
static void write_all(const char *text, size_t len)
{
    fwrite(text, 1, len, stderr);
}

void report_write(const char *text, size_t len)
{
    if (!len)
        return;
    fflush(stdout);
    if (line_erase && strncmp(text, line_erase, strlen(line_erase))) {
        struct strbuf line = STRBUF_INIT;
        strbuf_addstr(&line, line_erase);
        strbuf_add(&line, text, len);
        write_all(line.buf, line.len);
        strbuf_release(&line);
    } else {
        write_all(text, len);
    }
    line_erase = NULL;
}

static void report_as(const char *prefix, const char *fmt, va_list ap)
{
    /* The whole line, however long (a path longer than PATH_MAX still ends with the reason). */
    struct strbuf line = STRBUF_INIT;
    strbuf_addstr(&line, "cthag: ");
    strbuf_addstr(&line, prefix);
    strbuf_vaddf(&line, fmt, ap);
    strbuf_addch(&line, '\n');
    report_write(line.buf, line.len);
    strbuf_release(&line);
}

static void report(const char *fmt, va_list ap)
{
    report_as("", fmt, ap);
}

/* The body of a reporting function shown only when shown holds. */
#define REPORT_WHEN(shown, prefix)                                                                 \
    do {                                                                                           \
        if (!(shown))                                                                              \
            return;                                                                                \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        report_as(prefix, fmt, ap);                                                                \
        va_end(ap);                                                                                \
    } while (0)

void warning(const char *fmt, ...)
{
    REPORT_WHEN(verbosity >= 0, "warning: ");
}

void inform(const char *fmt, ...)
{
    REPORT_WHEN(verbosity >= 0, "");
}

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(fmt, ap);
    va_end(ap);
    exit(EXIT_BAD_INPUT);
}

int error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(fmt, ap);
    va_end(ap);
    return -1;
}

void note(const char *fmt, ...)
{
    REPORT_WHEN(verbosity >= 1, "");
}

void die_out_of_memory(void)
{
    fputs("cthag: out of memory\n", stderr);
    exit(EXIT_OUT_OF_MEMORY);
}

static void *check_alloc(void *ptr)
{
    if (!ptr)
        die_out_of_memory();
    return ptr;
}

void *xmalloc(size_t size)
{
    return check_alloc(malloc(size ? size : 1));
}

void *xcalloc(size_t count, size_t size)
{
    return check_alloc(calloc(count ? count : 1, size ? size : 1));
}

void *xrealloc(void *ptr, size_t size)
{
    return check_alloc(realloc(ptr, size ? size : 1));
}

char *xstrdup(const char *s)
{
    return check_alloc(strdup(s));
}

char *xstrndup(const char *s, size_t n)
{
    return check_alloc(strndup(s, n));
}

char *xmemdupz(const void *data, size_t len)
{
    char *copy = xmalloc(len + 1);
    memcpy(copy, data, len);
    copy[len] = '\0';
    return copy;
}

void test_pause_point(const char *point)
{
    const char *at = getenv("CTHAG_TEST_PAUSE_AT"), *file = getenv("CTHAG_TEST_PAUSE_FILE");
    if (!at || strcmp(at, point) || !file)
        return;
    int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
    /* At most a minute: a test that never removes the file cannot hang the run. */
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 6000 && !access(file, F_OK); i++)
        nanosleep(&tick, NULL);
}

void test_crash_point(const char *point)
{
    const char *at = getenv("CTHAG_TEST_CRASH_AT");
    if (at && !strcmp(at, point))
        raise(SIGKILL);
}

void *xgrow(void *ptr, size_t need, size_t *alloc, size_t size)
{
    size_t n = *alloc < 8 ? 8 : *alloc;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            die_out_of_memory();
        n *= 2;
    }
    if (n > SIZE_MAX / size)
        die_out_of_memory();
    *alloc = n;
    return xrealloc(ptr, n * size);
}
