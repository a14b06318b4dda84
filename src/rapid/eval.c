#include "rapid/eval.h"

#include "util/die.h"
#include "util/spawn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* argv for one step: cthag, the options, [-f -b] -e CODE [-M TOML] [-- ARGS]. */
static const char **step_argv(const struct evaluator *ev, const struct entry *e, int build)
{
    const char **argv = xcalloc(ev->noptions + ev->nargs + 14, sizeof(*argv));
    size_t n = 0;
    argv[n++] = ev->cthag;
    for (size_t i = 0; i < ev->noptions; i++)
        argv[n++] = ev->options[i];
    if (build && ev->rebuild)
        argv[n++] = ev->rebuild;
    if (build)
        argv[n++] = "--build";
    if (build && ev->quiet_for)
        argv[n++] = ev->quiet_for;
    if (e->context.len) {
        argv[n++] = "--begin";
        argv[n++] = e->context.buf;
    }
    argv[n++] = "--expr";
    argv[n++] = e->code.buf;
    if (e->toml.len) {
        argv[n++] = "--toml";
        argv[n++] = e->toml.buf;
    }
    if (!build && ev->nargs) {
        argv[n++] = "--";
        for (size_t i = 0; i < ev->nargs; i++)
            argv[n++] = ev->args[i];
    }
    return argv;
}

static int run_step(const struct evaluator *ev, const struct entry *e, int build)
{
    const char **argv = step_argv(ev, e, build);
    int status = spawn_wait(argv, NULL);
    if (status < 0)
        error("cannot run %s: %s", ev->cthag, strerror(errno));
    free(argv);
    return status;
}

int eval_entry(const struct evaluator *ev, const struct entry *e, struct evaluation *out)
{
    out->built = 0;
    out->status = run_step(ev, e, 1);
    if (out->status < 0)
        return -1;
    if (out->status)
        return 0;
    out->built = 1;
    out->status = run_step(ev, e, 0);
    return out->status < 0 ? -1 : 0;
}
