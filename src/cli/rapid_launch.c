#include "cli/rapid_launch.h"

#include "util/die.h"
#include "util/strbuf.h"
#include "util/strlist.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COMPANION "cthag-rapid"

static int refuse(const char *what)
{
    fprintf(stderr, "cthag: -r/--rapid %s (see cthag --help)\n", what);
    return EXIT_BAD_INPUT;
}

/* What a session cannot be combined with. */
static int check_session_options(const struct options *o)
{
    if (o->kind != SOURCE_FILE)
        return refuse("reads its entries itself; it takes no -e, -s or -l");
    if (o->script)
        return refuse("takes no script file (use :save FILE in the session to write one)");
    if (o->action != ACTION_RUN)
        return refuse("runs each entry; -g, -b, -c, -T, -A and -x do not apply");
    if (o->loop_begin || o->loop_end || o->install_dir || o->edit)
        return refuse("does not take -B, -E, --install-dir or -d");
    return 0;
}

static void add_pair(struct strlist *args, const char *name, const char *value)
{
    strlist_add(args, name);
    strlist_add(args, value);
}

/* The options every entry is evaluated with, as cthag's own command line. */
static void entry_options(const struct options *o, struct strlist *args)
{
    static const char *const levels[] = {"none", "min", "config", "max"};
    struct strbuf toolchain = STRBUF_INIT;
    if (o->toolchain) {
        strbuf_addf(&toolchain, "+%s", o->toolchain);
        strlist_add(args, toolchain.buf);
    }
    if (o->release) strlist_add(args, "--release");
    if (o->debug) strlist_add(args, "--debug");
    if (o->features) add_pair(args, "--features", o->features);
    for (int i = 0; i < o->ndeps; i++) add_pair(args, "--dep", o->deps[i]);
    if (o->infer_given) add_pair(args, "--infer", levels[o->infer]);
    if (o->offline) strlist_add(args, "--offline");
    if (o->registry_dir) add_pair(args, "--registry-dir", o->registry_dir);
    if (o->wrapper) add_pair(args, "--rustc-wrapper", o->wrapper);
    if (o->run_wrapper) add_pair(args, "--wrapper", o->run_wrapper);
    if (o->color) add_pair(args, "--color", o->color);
    if (verbosity > 0) strlist_add(args, "--verbose");
    if (o->quiet) strlist_add(args, "--quiet");
    if (o->unquote) strlist_add(args, "--unquote");
    if (o->timings) strlist_add(args, "--timings");
    if (o->multimain) strlist_add(args, "--multimain");
    if (o->update) strlist_add(args, "--update");
    else if (o->force) strlist_add(args, "--force");
    strbuf_release(&toolchain);
}

/* cthag-rapid beside this executable: the companion of the same build or installation. */
static int companion_beside_self(const char *self, struct strbuf *path)
{
    const char *slash = strrchr(self, '/');
    if (!slash)
        return -1;
    strbuf_add(path, self, (size_t)(slash - self + 1));
    strbuf_addstr(path, COMPANION);
    return access(path->buf, X_OK);
}

int rapid_launch(const struct options *o)
{
    int status = check_session_options(o);
    if (status)
        return status;
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len <= 0) {
        error("-r: cannot find this executable (/proc/self/exe): %s", strerror(errno));
        return EXIT_BAD_INPUT;
    }
    self[len] = '\0';
    struct strlist args = STRLIST_INIT;
    struct strbuf companion = STRBUF_INIT;
    strlist_add(&args, COMPANION);
    add_pair(&args, "--cthag", self);
    if (o->toml)
        add_pair(&args, "--toml", o->toml);
    entry_options(o, &args);
    if (o->nscript_args)
        strlist_add(&args, "--");
    for (int i = 0; i < o->nscript_args; i++)
        strlist_add(&args, o->script_args[i]);
    char **argv = xcalloc(args.count + 1, sizeof(*argv));
    memcpy(argv, args.items, args.count * sizeof(*argv));
    if (!companion_beside_self(self, &companion))
        execv(companion.buf, argv);
    execvp(COMPANION, argv);
    fprintf(stderr,
            "cthag: -r needs %s, the interactive companion installed beside cthag (make "
            "install installs both): not found next to %s nor on PATH\n",
            COMPANION, self);
    free(argv);
    strlist_release(&args);
    strbuf_release(&companion);
    return EXIT_BAD_INPUT;
}
