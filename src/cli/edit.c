#include "cli/edit.h"

#include "cache/cache.h"
#include "util/die.h"
#include "util/editor.h"
#include "util/fs.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const temp_stems[] = {"script", "expr", "stdin", "loop"};

/* A new private directory <root>/edit/<stem>-XXXXXX (its path in dir) holding <stem>.rs with
 * the code (its path in path): the editor sees a Rust file name. */
static int make_temp_file(const struct options *o, const struct strbuf *code, struct strbuf *dir,
                          struct strbuf *path)
{
    struct strbuf root = STRBUF_INIT;
    int result = -1;
    if (cache_root(&root) || cache_prepare(root.buf))
        goto out;
    strbuf_addf(dir, "%s/edit", root.buf);
    if (fs_mkdir_private(dir->buf) && errno != EEXIST) {
        error("cannot create %s: %s", dir->buf, strerror(errno));
        goto out;
    }
    if (cache_check_private_dir(dir->buf))
        goto out;
    strbuf_addf(dir, "/%s-XXXXXX", temp_stems[o->kind]);
    if (!mkdtemp(dir->buf)) {
        error("cannot create a directory in %s/edit: %s", root.buf, strerror(errno));
        goto out;
    }
    strbuf_addf(path, "%s/%s.rs", dir->buf, temp_stems[o->kind]);
    result = fs_write_atomic(path->buf, code->buf, code->len, 0600);
out:
    strbuf_release(&root);
    return result;
}

/* The code -e, -s or -l gives, as the file's first content (with a final newline). */
static int read_dynamic_code(const struct options *o, struct strbuf *code)
{
    if (o->kind == SOURCE_STDIN && fs_read_fd(STDIN_FILENO, code))
        return error("<stdin>: cannot read standard input: %s", strerror(errno));
    if (o->kind != SOURCE_STDIN)
        strbuf_addstr(code, o->text);
    if (code->len && code->buf[code->len - 1] != '\n')
        strbuf_addch(code, '\n');
    return 0;
}

/* Hand the edited file's code to the pipeline. */
static int take_edited_code(struct options *o, const char *path)
{
    if (o->kind == SOURCE_STDIN) {
        int fd = open(path, O_RDONLY);
        if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
            return error("%s: cannot read: %s", path, strerror(errno));
        close(fd);
        return 0;
    }
    struct strbuf text = STRBUF_INIT;
    if (fs_read_file(path, &text))
        return error("%s: cannot read: %s", path, strerror(errno));
    strbuf_rtrim(&text);
    if (!text.len)
        return error("%s: empty after editing; nothing to run", o->kind == SOURCE_EXPR ? "-e" : "-l");
    o->text = strbuf_detach(&text); /* lives until the process ends, like argv */
    return 0;
}

static int edit_dynamic(struct options *o)
{
    struct strbuf code = STRBUF_INIT, dir = STRBUF_INIT, path = STRBUF_INIT;
    int saved = 0, result = -1;
    if (read_dynamic_code(o, &code) || make_temp_file(o, &code, &dir, &path))
        goto out;
    if (editor_edit(path.buf, &saved))
        result = -1;
    else if (!saved)
        result = EDIT_NOT_SAVED;
    else
        result = take_edited_code(o, path.buf);
out:
    if (dir.len && fs_remove_tree(dir.buf))
        result = -1;
    strbuf_release(&code);
    strbuf_release(&dir);
    strbuf_release(&path);
    return result;
}

int edit_source(struct options *o)
{
    int saved = 0, result;
    if (o->kind != SOURCE_FILE)
        result = edit_dynamic(o);
    else
        result = editor_edit(o->script, &saved) ? -1 : saved ? 0 : EDIT_NOT_SAVED;
    if (result == EDIT_NOT_SAVED)
        fprintf(stderr, "cthag: %s: not saved; nothing run\n", o->script);
    return result;
}
