/* costs: what a page fault and a system call cost on this machine, for make bench's account of
 * where a cached run's time goes.  Timed against `costs none` (the same static program doing
 * nothing) in one alternating run.
 *
 *   costs none | faults N | syscalls N
 *
 * faults N touches N fresh anonymous pages (N minor faults); syscalls N makes N getppid calls
 * (the cheapest system call: entry and exit only). */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "none";
    long n = argc > 2 ? atol(argv[2]) : 0;
    if (!strcmp(what, "faults")) {
        char *p = mmap(NULL, (size_t)n * 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return 1;
        for (long i = 0; i < n; i++)
            ((volatile char *)p)[i * 4096] = 1;
    } else if (!strcmp(what, "syscalls")) {
        for (long i = 0; i < n; i++)
            getppid();
    } else if (strcmp(what, "none")) {
        return 2;
    }
    return 0;
}
