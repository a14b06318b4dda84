/* Reporting and allocation helpers shared by every module.
 *
 * Conventions (as in git): die() when the program cannot continue, error() prints and returns -1
 * so the caller decides, note() for what -v explains.  Every message is one line prefixed
 * with "cthag: ".  The x-wrappers handle allocation failure once, by dying. */
#ifndef CTHAG_UTIL_DIE_H
#define CTHAG_UTIL_DIE_H

#include <stddef.h>

/* Exit codes of cthag itself (a script that ran gives its own status).  Running out of memory
 * is a failure of cthag's own, not of the input: it exits EXIT_OUT_OF_MEMORY, wherever it
 * happens. */
enum { EXIT_BUILD_FAILED = 1, EXIT_BAD_INPUT = 2, EXIT_OUT_OF_MEMORY = EXIT_BUILD_FAILED };

/* 0 = normal, -1 = quiet (-q), 1 = verbose (-v). */
extern int verbosity;

_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "cthag: out of memory" and exit EXIT_OUT_OF_MEMORY: the one way allocation failure ends. */
_Noreturn void die_out_of_memory(void);
/* Print "cthag: <message>" and return -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "cthag: warning: <message>": something cthag goes on without (not under -q). */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "cthag: <message>": what a build does that the user should know of (not under -q). */
void inform(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only with -v: what cthag decided and why. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write whole lines to stderr at once, starting on a clean line: when the terminal's last line
 * holds a progress bar (cargo's, relayed by cargo/relay.c), it is erased first.  Every message
 * above goes through here. */
void report_write(const char *text, size_t len);
/* The terminal's last line now holds a progress bar, the cursor at its start: erase is what
 * clears it (written before the next line), NULL when the line is clean again. */
void report_line_taken(const char *erase);

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A NUL-terminated copy of exactly len bytes, which may themselves contain NULs. */
char *xmemdupz(const void *data, size_t len);

/* Fault injection for the crash-safety tests: CTHAG_TEST_CRASH_AT=<point> makes cthag die by
 * SIGKILL at that point, as a power cut or an OOM kill would.  Only called on building paths. */
void test_crash_point(const char *point);
/* CTHAG_TEST_PAUSE_AT=<point> with CTHAG_TEST_PAUSE_FILE=<path>: at that point create the file
 * and wait until the test removes it, for the race tests to act meanwhile at a known moment.
 * Only called where a getenv costs nothing that counts (never on every cached run). */
void test_pause_point(const char *point);
/* Make room for at least need elements of size bytes in *ptr, which holds *alloc of them:
 * grows geometrically, dies on overflow.  ALLOC_GROW(array, count + 1, alloc) before a push. */
void *xgrow(void *ptr, size_t need, size_t *alloc, size_t size);
#define ALLOC_GROW(array, need, alloc)                                                             \
    ((array) = (need) > (alloc) ? xgrow((array), (need), &(alloc), sizeof(*(array))) : (array))

#endif
