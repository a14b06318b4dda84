/* cthag-rapid: the interactive session behind `cthag -r`.  It reads entries (line editing and
 * history on a terminal; entries separated by blank lines otherwise), keeps the session's items
 * and manifest (session.h) and evaluates each entry by running cthag (eval.h).  This file parses
 * the command line, reads input and dispatches the `:` commands. */
#include "rapid/eval.h"
#include "rapid/input.h"
#include "rapid/lineedit.h"
#include "rapid/session.h"
#include "util/die.h"
#include "util/editor.h"
#include "util/fs.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
    "Usage: cthag -r [OPTIONS] [-- ARGS...]\n"
    "       cthag-rapid [--cthag PATH] [-M TOML] [CTHAG-OPTIONS...] [-- ARGS...]\n"
    "\n"
    "The interactive session of cthag (cthag -r runs this program). Each entry is evaluated\n"
    "like cthag -e with CTHAG-OPTIONS; items and `use` declarations stay for later entries.\n"
    "On a terminal: line editing and history; otherwise entries separated by blank lines are\n"
    "read from standard input and each result is printed.\n"
    "  --cthag PATH   the cthag to run (default: beside this program, else on PATH)\n"
    "  -M, --toml T   the session's first manifest lines\n";

struct repl {
    struct session session;
    struct evaluator ev;
    struct line_editor *le; /* NULL outside a terminal */
    struct strbuf pending;  /* the entry being typed */
    int last_failure;       /* the status of the last entry that failed */
    int quit;
};

/* ---- the command line ---- */

/* cthag beside this program, else "cthag" on PATH. */
static const char *default_cthag(void)
{
    static char path[PATH_MAX + 8];
    ssize_t len = readlink("/proc/self/exe", path, PATH_MAX);
    path[len > 0 ? len : 0] = '\0';
    char *slash = strrchr(path, '/');
    if (slash) {
        strcpy(slash + 1, "cthag");
        if (!access(path, X_OK))
            return path;
    }
    return "cthag";
}

static const char *option_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "cthag: %s needs a value\n", argv[*i]);
        exit(EXIT_BAD_INPUT);
    }
    return argv[++*i];
}

static void parse_command_line(int argc, char **argv, struct repl *r)
{
    static const char *options[256];
    size_t n = 0;
    r->ev.cthag = default_cthag();
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--cthag")) {
            r->ev.cthag = option_value(argc, argv, &i);
        } else if (!strcmp(argv[i], "--toml") || !strcmp(argv[i], "-M")) {
            if (session_set_toml(&r->session, option_value(argc, argv, &i), "-M"))
                exit(EXIT_BAD_INPUT);
        } else if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f") ||
                   !strcmp(argv[i], "--update")) {
            r->ev.rebuild = argv[i]; /* the build step's: the run then finds it fresh */
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_text, stdout);
            exit(0);
        } else if (n < sizeof(options) / sizeof(*options)) {
            options[n++] = argv[i];
        }
    }
    /* A build shows cargo's lines only when it takes more than a second (or fails): a
     * dependency-free entry builds in well under that.  -q hides them, -v shows them all.
     * (CTHAG_RAPID_QUIET_MS sets the time, for tests that must not depend on the machine's
     * speed.) */
    static char quiet_for[40];
    const char *ms = getenv("CTHAG_RAPID_QUIET_MS");
    snprintf(quiet_for, sizeof(quiet_for), "--quiet-for=%s", ms && *ms ? ms : "1000");
    r->ev.quiet_for = quiet_for;
    for (size_t k = 0; k < n; k++)
        if (!strcmp(options[k], "--quiet") || !strcmp(options[k], "--verbose"))
            r->ev.quiet_for = NULL;
    r->ev.options = options;
    r->ev.noptions = n;
    if (i < argc) {
        r->ev.args = (const char *const *)argv + i + 1;
        r->ev.nargs = (size_t)(argc - i - 1);
    }
}

/* ---- evaluating ---- */

static void evaluate(struct repl *r, const char *text)
{
    struct entry e = ENTRY_INIT;
    struct evaluation result = {0, EXIT_BAD_INPUT};
    fflush(stdout);
    if (!session_prepare(&r->session, text, &e) && !eval_entry(&r->ev, &e, &result) &&
        result.built)
        session_commit(&r->session, &e, result.status == 0);
    if (result.status)
        r->last_failure = result.status;
    if (r->le && result.built && result.status) {
        if (result.status == 128 + SIGINT)
            fprintf(stderr, "[interrupted]\n");
        else
            fprintf(stderr, "[exit status %d]\n", result.status);
    }
    entry_release(&e);
}

/* ---- commands ---- */

/* A private temporary directory holding NAME with text; its path in path. */
static int write_temp(const char *name, const struct strbuf *text, struct strbuf *dir,
                      struct strbuf *path)
{
    const char *tmp = getenv("TMPDIR");
    strbuf_addf(dir, "%s/cthag-rapid-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir->buf)) {
        error("cannot create a temporary directory %s: %s", dir->buf, strerror(errno));
        strbuf_reset(dir);
        return -1;
    }
    strbuf_addf(path, "%s/%s", dir->buf, name);
    return fs_write_atomic(path->buf, text->buf, text->len, 0600);
}

/* Edit text in the user's editor as file NAME: 1 and the new text when saved, 0 when not. */
static int edit_text(const char *name, struct strbuf *text)
{
    struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT;
    int saved = 0;
    if (!write_temp(name, text, &dir, &path) && !editor_edit(path.buf, &saved) && saved) {
        strbuf_reset(text);
        if (fs_read_file(path.buf, text)) {
            error("%s: cannot read: %s", path.buf, strerror(errno));
            saved = 0;
        }
    }
    if (dir.len)
        fs_remove_tree(dir.buf);
    strbuf_release(&dir);
    strbuf_release(&path);
    if (!saved)
        fprintf(stderr, "cthag: not saved; nothing changed\n");
    return saved;
}

static void command_edit(struct repl *r)
{
    struct strbuf text = STRBUF_INIT;
    const struct strbuf *from = r->pending.len ? &r->pending : &r->session.last;
    if (!from->len) {
        fprintf(stderr, "cthag: nothing to edit yet (type an entry first)\n");
        return;
    }
    strbuf_add(&text, from->buf, from->len);
    strbuf_addch(&text, '\n');
    strbuf_reset(&r->pending);
    if (edit_text("entry.rs", &text) && !input_is_blank(text.buf)) {
        strbuf_rtrim(&text);
        evaluate(r, text.buf);
    }
    strbuf_release(&text);
}

static void command_toml(struct repl *r)
{
    struct strbuf text = STRBUF_INIT;
    strbuf_add(&text, r->session.toml.buf, r->session.toml.len);
    if (!text.len)
        strbuf_addstr(&text, "[dependencies]\n");
    if (edit_text("Cargo.toml", &text))
        session_set_toml(&r->session, text.buf, "toml"); /* keeps the old lines on an error */
    strbuf_release(&text);
}

/* The file name leads to, through symbolic links (a dangling one: the file it would create),
 * as an editor writes through a link rather than replacing it.  -1 with errno set (ELOOP). */
static int resolve_links(const char *name, struct strbuf *out)
{
    strbuf_addstr(out, name);
    for (int depth = 0; depth < 40; depth++) {
        char target[PATH_MAX];
        ssize_t n = readlink(out->buf, target, sizeof(target) - 1);
        if (n < 0)
            return errno == EINVAL || errno == ENOENT ? 0 : -1;
        target[n] = '\0';
        char *slash = strrchr(out->buf, '/');
        strbuf_setlen(out, target[0] == '/' ? 0 : slash ? (size_t)(slash - out->buf + 1) : 0);
        strbuf_addstr(out, target);
    }
    errno = ELOOP;
    return -1;
}

static void command_save(struct repl *r, const struct command_line *c)
{
    if (!c->arg_len) {
        fprintf(stderr, "cthag: :save needs a file name (:save FILE)\n");
        return;
    }
    char *file = xstrndup(c->arg, c->arg_len);
    struct strbuf script = STRBUF_INIT, path = STRBUF_INIT;
    session_script(&r->session, 1, &script);
    if (!script.len) {
        fprintf(stderr, "cthag: nothing to save yet\n");
    } else if (resolve_links(file, &path)) {
        error("%s: %s", file, strerror(errno));
    } else if (!c->bang && !access(path.buf, F_OK)) {
        fprintf(stderr, "cthag: %s exists; :save! %s overwrites it\n", file, file);
    } else if (!fs_write_atomic(path.buf, script.buf, script.len, 0644)) {
        if (strcmp(path.buf, file))
            printf("saved %s, through its link, in %s (run it with: cthag %s)\n", file, path.buf,
                   file);
        else
            printf("saved %s (run it with: cthag %s)\n", file, file);
    }
    strbuf_release(&script);
    strbuf_release(&path);
    free(file);
}

static void command_forget(struct repl *r, const struct command_line *c)
{
    char *name = xstrndup(c->arg, c->arg_len);
    size_t n = session_forget(&r->session, name);
    if (*name && !n)
        fprintf(stderr, "cthag: no item named %s (see :list)\n", name);
    else
        printf("forgot %zu item%s\n", n, n == 1 ? "" : "s");
    free(name);
}

static void command_list(struct repl *r)
{
    struct strbuf out = STRBUF_INIT;
    session_script(&r->session, 0, &out);
    fputs(out.len ? out.buf : "(no toml, no items yet)\n", stdout);
    strbuf_release(&out);
}

static void command_history(struct repl *r)
{
    struct strbuf out = STRBUF_INIT;
    if (r->le)
        lineedit_list_history(r->le, &out);
    fputs(out.len ? out.buf : "(no history)\n", stdout);
    strbuf_release(&out);
}

/* :edit and :toml open an editor, which needs a terminal: a piped session (a script feeding
 * entries, CI) must never start one, nor write its screen control to standard output. */
static int needs_terminal(struct repl *r, const struct command_line *c)
{
    if (r->le || (c->command != CMD_EDIT && c->command != CMD_TOML))
        return 0;
    fprintf(stderr, "cthag: :%.*s opens an editor, which needs a terminal; %s\n", (int)c->word_len,
            c->word,
            c->command == CMD_TOML ? "give the dependencies in a /*[toml] block of an entry, or -M"
                                   : "give the entry itself");
    r->last_failure = EXIT_BAD_INPUT;
    return 1;
}

static void run_command(struct repl *r, const struct command_line *c)
{
    if (needs_terminal(r, c))
        return;
    switch (c->command) {
    case CMD_HELP: fputs(input_help, stdout); break;
    case CMD_QUIT: r->quit = 1; break;
    case CMD_EDIT: command_edit(r); break;
    case CMD_TOML: command_toml(r); break;
    case CMD_LIST: command_list(r); break;
    case CMD_SAVE: command_save(r, c); break;
    case CMD_HISTORY: command_history(r); break;
    case CMD_CLEAR:
        if (isatty(STDOUT_FILENO))
            fputs("\033[H\033[2J", stdout);
        break;
    case CMD_FORGET: command_forget(r, c); break;
    default:
        fprintf(stderr, "cthag: unknown command :%.*s (:help lists them)\n", (int)c->word_len,
                c->word);
    }
    fflush(stdout);
}

/* ---- input ---- */

/* A line that is a command: any at the start of an entry, a known one inside one. */
static int handle_command(struct repl *r, const char *line)
{
    struct command_line c;
    input_parse_command(line, &c);
    if (c.command == CMD_NONE || (r->pending.len && c.command == CMD_UNKNOWN))
        return 0;
    run_command(r, &c);
    return 1;
}

static void add_line(struct repl *r, const char *line)
{
    if (r->pending.len)
        strbuf_addch(&r->pending, '\n');
    strbuf_addstr(&r->pending, line);
}

static void evaluate_pending(struct repl *r)
{
    if (!input_is_blank(r->pending.buf))
        evaluate(r, r->pending.buf);
    strbuf_reset(&r->pending);
}

/* Terminal: Enter on a complete entry evaluates it. */
static void interactive_loop(struct repl *r)
{
    int cancelled;
    const char *line;
    while (!r->quit) {
        line = lineedit_read(r->le, r->pending.len ? ".. " : ">> ", &cancelled);
        if (!line)
            break;
        if (cancelled) {
            strbuf_reset(&r->pending);
            continue;
        }
        if (!r->pending.len && input_is_blank(line))
            continue;
        lineedit_remember(r->le, line);
        if (handle_command(r, line))
            continue;
        add_line(r, line);
        if (input_is_complete(r->pending.buf, r->pending.len))
            evaluate_pending(r);
    }
    if (!r->quit)
        putchar('\n'); /* Ctrl-D leaves the cursor after the prompt */
}

/* Not a terminal: entries are separated by blank lines (outside brackets and strings). */
static void batch_loop(struct repl *r)
{
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    while (!r->quit && (len = getline(&line, &size, stdin)) >= 0) {
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (input_is_blank(line) && input_is_complete(r->pending.buf, r->pending.len))
            evaluate_pending(r);
        else if (!handle_command(r, line))
            add_line(r, line);
    }
    if (!r->quit)
        evaluate_pending(r);
    free(line);
}

/* Ctrl-C while no line is edited and nothing runs must not end the session. */
static void ignore_interrupt(int sig)
{
    (void)sig;
}

static void start_terminal(struct repl *r)
{
    struct strbuf history = STRBUF_INIT;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = ignore_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    r->le = lineedit_open(lineedit_history_path(&history) ? NULL : history.buf);
    strbuf_release(&history);
    if (r->le)
        printf("cthag -r: an entry runs once complete; :help for commands, Ctrl-D to quit\n");
}

int main(int argc, char **argv)
{
    struct repl r = {SESSION_INIT, {.cthag = NULL}, NULL, STRBUF_INIT, 0, 0};
    setlocale(LC_CTYPE, "");
    parse_command_line(argc, argv, &r);
    if (isatty(STDIN_FILENO))
        start_terminal(&r);
    int interactive = r.le != NULL;
    if (interactive)
        interactive_loop(&r);
    else
        batch_loop(&r);
    lineedit_close(r.le);
    session_release(&r.session);
    strbuf_release(&r.pending);
    return interactive ? 0 : r.last_failure;
}
