/* pairtime: time two commands side by side, alternating A and B so that drift in the machine's
 * speed hits both alike, and report the medians, their ratio and each one's peak RSS.
 *
 *   pairtime RUNS WARMUP -- A [ARGS...] -- B [ARGS...]
 *
 * Prints one line: "A_MEDIAN_MS B_MEDIAN_MS RATIO A_MAXRSS_KB B_MAXRSS_KB".  The commands' own
 * output goes to /dev/null; a command that fails stops the measurement (exit 1). */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Run argv once; its wall time in ms into *ms and peak RSS (KB) into *rss_kb; -1 on failure. */
static int run_once(char **argv, double *ms, long *rss_kb)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    double start = now_ms();
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc)
        return -1;
    int status;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0)
        return -1;
    *ms = now_ms() - start;
    *rss_kb = usage.ru_maxrss;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int n)
{
    qsort(values, (size_t)n, sizeof(double), by_value);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    if (argc < 6 || strcmp(argv[3], "--")) {
        fprintf(stderr, "usage: pairtime RUNS WARMUP -- A [ARGS...] -- B [ARGS...]\n");
        return 2;
    }
    int runs = atoi(argv[1]), warmup = atoi(argv[2]);
    char **a = argv + 4, **b = NULL;
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            argv[i] = NULL;
            b = argv + i + 1;
            break;
        }
    }
    if (!b || !*b || runs < 1) {
        fprintf(stderr, "pairtime: need two commands and RUNS >= 1\n");
        return 2;
    }
    double *ta = calloc((size_t)runs, sizeof(double)), *tb = calloc((size_t)runs, sizeof(double));
    long rss_a = 0, rss_b = 0, rss;
    double ms;
    for (int i = 0; i < warmup; i++)
        if (run_once(a, &ms, &rss) || run_once(b, &ms, &rss))
            return fprintf(stderr, "pairtime: a command failed during warm-up\n"), 1;
    for (int i = 0; i < runs; i++) {
        if (run_once(a, &ta[i], &rss))
            return fprintf(stderr, "pairtime: %s failed\n", a[0]), 1;
        rss_a = rss > rss_a ? rss : rss_a;
        if (run_once(b, &tb[i], &rss))
            return fprintf(stderr, "pairtime: %s failed\n", b[0]), 1;
        rss_b = rss > rss_b ? rss : rss_b;
    }
    double ma = median(ta, runs), mb = median(tb, runs);
    printf("%.4f %.4f %.3f %ld %ld\n", ma, mb, ma / mb, rss_a, rss_b);
    free(ta);
    free(tb);
    return 0;
}
