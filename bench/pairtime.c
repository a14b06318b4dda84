/* pairtime: time commands side by side, alternating A, B, C, ... in every round so that drift in
 * the machine's speed hits them alike, and report their medians.
 *
 *   pairtime RUNS WARMUP -- A [ARGS...] -- B [ARGS...]
 *   pairtime -l RUNS WARMUP -- A [ARGS...] -- B [ARGS...] [-- C [ARGS...]] ...
 *
 * Prints one line "A_MEDIAN_MS B_MEDIAN_MS RATIO A_MAXRSS_KB B_MAXRSS_KB" for two commands, or
 * with -l one line per command, in order: "MEDIAN_MS MAXRSS_KB MEDIAN_MINFLT MEDIAN_CPU_MS" (its
 * median count of minor page faults, and its median CPU time, user + system, of the command and
 * the children it waited for: on a machine others load, CPU time drifts less than wall time).  The commands' own output goes to /dev/null; a command that fails stops
 * the measurement (exit 1). */
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

#define MAX_COMMANDS 8

struct command {
    char **argv;
    double *ms;     /* one wall time per run */
    double *minflt; /* one minor-fault count per run */
    double *cpu;    /* one CPU time (user + system, ms) per run */
    long maxrss_kb;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Run argv once; its wall time in ms into *ms and its rusage into *usage; -1 on failure. */
static int run_once(char **argv, double *ms, struct rusage *usage)
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
    if (wait4(pid, &status, 0, usage) < 0)
        return -1;
    *ms = now_ms() - start;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static double cpu_ms(const struct rusage *u)
{
    return (double)(u->ru_utime.tv_sec + u->ru_stime.tv_sec) * 1e3 +
           (double)(u->ru_utime.tv_usec + u->ru_stime.tv_usec) / 1e3;
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

/* Split argv at each "--" into commands; returns how many, or -1. */
static int split_commands(int argc, char **argv, struct command *cmds)
{
    int n = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--"))
            continue;
        argv[i] = NULL;
        if (i + 1 >= argc || !strcmp(argv[i + 1], "--") || n == MAX_COMMANDS)
            return -1;
        cmds[n++].argv = argv + i + 1;
    }
    return n;
}

int main(int argc, char **argv)
{
    struct command cmds[MAX_COMMANDS] = {{0}};
    int lines = argc > 1 && !strcmp(argv[1], "-l");
    argc -= lines;
    argv += lines;
    int runs = argc > 2 ? atoi(argv[1]) : 0, warmup = argc > 2 ? atoi(argv[2]) : 0;
    int n = argc > 3 && !strcmp(argv[3], "--") ? split_commands(argc, argv, cmds) : -1;
    if (n < 2 || (n > 2 && !lines) || runs < 1) {
        fprintf(stderr, "usage: pairtime RUNS WARMUP -- A [ARGS...] -- B [ARGS...]\n"
                        "       pairtime -l RUNS WARMUP -- A [ARGS...] -- B [ARGS...] [-- C ...]\n");
        return 2;
    }
    struct rusage usage;
    double ms;
    for (int i = 0; i < warmup; i++)
        for (int c = 0; c < n; c++)
            if (run_once(cmds[c].argv, &ms, &usage))
                return fprintf(stderr, "pairtime: %s failed during warm-up\n", cmds[c].argv[0]), 1;
    for (int c = 0; c < n; c++) {
        cmds[c].ms = calloc((size_t)runs, sizeof(double));
        cmds[c].minflt = calloc((size_t)runs, sizeof(double));
        cmds[c].cpu = calloc((size_t)runs, sizeof(double));
    }
    for (int i = 0; i < runs; i++) {
        for (int c = 0; c < n; c++) {
            if (run_once(cmds[c].argv, &cmds[c].ms[i], &usage))
                return fprintf(stderr, "pairtime: %s failed\n", cmds[c].argv[0]), 1;
            cmds[c].minflt[i] = (double)usage.ru_minflt;
            cmds[c].cpu[i] = cpu_ms(&usage);
            if (usage.ru_maxrss > cmds[c].maxrss_kb)
                cmds[c].maxrss_kb = usage.ru_maxrss;
        }
    }
    if (!lines) {
        double a = median(cmds[0].ms, runs), b = median(cmds[1].ms, runs);
        printf("%.4f %.4f %.3f %ld %ld\n", a, b, a / b, cmds[0].maxrss_kb, cmds[1].maxrss_kb);
    }
    for (int c = 0; c < n; c++) {
        if (lines)
            printf("%.4f %ld %.0f %.4f\n", median(cmds[c].ms, runs), cmds[c].maxrss_kb,
                   median(cmds[c].minflt, runs), median(cmds[c].cpu, runs));
        free(cmds[c].ms);
        free(cmds[c].minflt);
        free(cmds[c].cpu);
    }
    return 0;
}
