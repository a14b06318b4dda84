#include "rapid/lineedit.h"

#include "util/die.h"
#include "util/fs.h"

#include <errno.h>
#include <histedit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HISTORY_SIZE 2000

struct line_editor {
    EditLine *el;
    History *history;
    char *history_path;
    const char *prompt;
    int cancelled;
    struct strbuf line;
};

int lineedit_history_path(struct strbuf *path)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    if (state && *state == '/')
        strbuf_addf(path, "%s/cthag/history", state);
    else if (home && *home)
        strbuf_addf(path, "%s/.local/state/cthag/history", home);
    else
        return -1;
    return 0;
}

static char *prompt_of(EditLine *el)
{
    struct line_editor *le;
    el_get(el, EL_CLIENTDATA, &le);
    return (char *)le->prompt;
}

/* A NUL byte: what a Ctrl-D typed ahead becomes. libedit writes the prompt before it puts the
 * terminal in raw mode, so a Ctrl-D that arrives in between (or while cthag-rapid starts) is
 * taken by the terminal's cooked mode as end of file and reaches the raw read as "\0"; libedit's
 * own binding for it then took the next key literally, and no Ctrl-D ended the session. On an
 * empty line it is end of file, as the Ctrl-D was; otherwise it does nothing. */
static unsigned char typed_ahead_eof(EditLine *el, int ch)
{
    (void)ch;
    const LineInfo *li = el_line(el);
    return li->lastchar == li->buffer ? CC_EOF : CC_NORM;
}

/* Ctrl-C: show ^C at the end of the line, end it and mark it cancelled. */
static unsigned char cancel_line(EditLine *el, int ch)
{
    (void)ch;
    struct line_editor *le;
    el_get(el, EL_CLIENTDATA, &le);
    le->cancelled = 1;
    const LineInfo *li = el_line(el);
    el_cursor(el, (int)(li->lastchar - li->cursor));
    el_insertstr(el, "^C");
    el_push(el, "\n");
    return CC_REFRESH;
}

/* The directory of the history file, created private when missing. */
static void prepare_history_dir(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (fs_mkdir_parents(dir, 0700) && errno != EEXIST)
            error("%s: cannot create: %s (history is not kept)", dir, strerror(errno));
    }
    free(dir);
}

static void open_history(struct line_editor *le, const char *path)
{
    HistEvent ev;
    le->history = history_init();
    if (!le->history)
        return;
    history(le->history, &ev, H_SETSIZE, HISTORY_SIZE);
    history(le->history, &ev, H_SETUNIQUE, 1);
    if (path) {
        le->history_path = xstrdup(path);
        prepare_history_dir(path);
        history(le->history, &ev, H_LOAD, path); /* a missing file is an empty history */
    }
    el_set(le->el, EL_HIST, history, le->history);
}

struct line_editor *lineedit_open(const char *history_path)
{
    struct line_editor *le = xcalloc(1, sizeof(*le));
    strbuf_init(&le->line);
    le->el = el_init("cthag", stdin, stdout, stderr);
    if (!le->el) {
        free(le);
        error("cannot start line editing on this terminal");
        return NULL;
    }
    el_set(le->el, EL_CLIENTDATA, le);
    el_set(le->el, EL_EDITOR, "emacs");
    el_set(le->el, EL_SIGNAL, 1);
    el_set(le->el, EL_PROMPT, prompt_of);
    /* Ctrl-C reaches us as a key, not as SIGINT, while a line is edited. */
    el_set(le->el, EL_SETTY, "-d", "-isig", NULL);
    /* The wide call: el_set converts a name and help to wide copies that el_end never frees (LSan
     * reports them under make check SAN=1); el_wset keeps these static strings as they are. */
    el_wset(le->el, EL_ADDFN, L"cthag-cancel-line", L"Cancel the line", cancel_line);
    el_set(le->el, EL_BIND, "^C", "cthag-cancel-line", NULL);
    el_set(le->el, EL_BIND, "^R", "em-inc-search-prev", NULL);
    el_set(le->el, EL_BIND, "^S", "em-inc-search-next", NULL);
    el_wset(le->el, EL_ADDFN, L"cthag-typed-ahead-eof", L"End of file typed ahead", typed_ahead_eof);
    el_set(le->el, EL_BIND, "^@", "cthag-typed-ahead-eof", NULL);
    el_source(le->el, NULL); /* the user's ~/.editrc */
    open_history(le, history_path);
    return le;
}

const char *lineedit_read(struct line_editor *le, const char *prompt, int *cancelled)
{
    int count;
    le->prompt = prompt;
    le->cancelled = 0;
    const char *got = el_gets(le->el, &count);
    *cancelled = le->cancelled;
    if (!got || count <= 0)
        return NULL;
    strbuf_reset(&le->line);
    if (!le->cancelled)
        strbuf_add(&le->line, got, (size_t)count);
    while (le->line.len && le->line.buf[le->line.len - 1] == '\n')
        strbuf_setlen(&le->line, le->line.len - 1);
    return le->line.buf;
}

void lineedit_remember(struct line_editor *le, const char *line)
{
    HistEvent ev;
    if (!le->history || !*line)
        return;
    history(le->history, &ev, H_ENTER, line);
    if (le->history_path && history(le->history, &ev, H_SAVE, le->history_path) < 0)
        error("%s: cannot save the history", le->history_path);
}

void lineedit_list_history(struct line_editor *le, struct strbuf *out)
{
    HistEvent ev;
    if (!le->history || history(le->history, &ev, H_LAST) < 0)
        return;
    int n = 1;
    do {
        strbuf_addf(out, "%5d  %s", n++, ev.str);
        if (!out->len || out->buf[out->len - 1] != '\n')
            strbuf_addch(out, '\n');
    } while (history(le->history, &ev, H_PREV) >= 0);
}

void lineedit_close(struct line_editor *le)
{
    if (!le)
        return;
    if (le->history)
        history_end(le->history);
    el_end(le->el);
    free(le->history_path);
    strbuf_release(&le->line);
    free(le);
}
