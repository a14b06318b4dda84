#include "util/editor.h"

#include "util/die.h"
#include "util/fs.h"
#include "util/spawn.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *editor_command(void)
{
    const char *names[] = {"VISUAL", "EDITOR"};
    for (int i = 0; i < 2; i++) {
        const char *value = getenv(names[i]);
        if (value && *value)
            return value;
    }
    return "vi";
}

/* What a file was before the editor ran. */
struct file_state {
    int exists;
    struct stat st;
    struct strbuf text;
};

static void file_state_take(const char *path, struct file_state *f)
{
    f->exists = !stat(path, &f->st) && !fs_read_file(path, &f->text);
}

static int same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static int file_was_saved(const char *path, const struct file_state *before)
{
    struct file_state now = {0, {0}, STRBUF_INIT};
    file_state_take(path, &now);
    int saved = now.exists &&
                (!before->exists || now.st.st_ino != before->st.st_ino ||
                 now.st.st_dev != before->st.st_dev || now.st.st_size != before->st.st_size ||
                 !same_time(&now.st.st_mtim, &before->st.st_mtim) ||
                 !same_time(&now.st.st_ctim, &before->st.st_ctim) ||
                 now.text.len != before->text.len ||
                 memcmp(now.text.buf, before->text.buf, now.text.len));
    strbuf_release(&now.text);
    return saved;
}

/* Point fds 0 and 1 at the terminal while the editor runs, when they are not one already;
 * saved[] keeps the originals (-1 for one left alone). */
static void use_terminal(int saved[2])
{
    saved[0] = saved[1] = -1;
    if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
        return;
    int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0)
        return; /* no terminal: the editor gets what we have */
    for (int fd = 0; fd < 2; fd++) {
        if (isatty(fd))
            continue;
        saved[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        dup2(tty, fd);
    }
    close(tty);
}

static void restore_fds(const int saved[2])
{
    for (int fd = 0; fd < 2; fd++) {
        if (saved[fd] < 0)
            continue;
        dup2(saved[fd], fd);
        close(saved[fd]);
    }
}

int editor_edit(const char *path, int *saved)
{
    const char *editor = editor_command();
    struct strbuf script = STRBUF_INIT;
    struct file_state before = {0, {0}, STRBUF_INIT};
    int fds[2];
    file_state_take(path, &before);
    strbuf_addf(&script, "%s \"$@\"", editor);
    const char *argv[] = {"/bin/sh", "-c", script.buf, editor, path, NULL};
    use_terminal(fds);
    int status = spawn_wait(argv, NULL);
    int spawn_errno = errno;
    restore_fds(fds);
    *saved = file_was_saved(path, &before);
    strbuf_release(&script);
    strbuf_release(&before.text);
    if (status < 0)
        return error("%s: cannot start the editor (%s): %s", path, editor, strerror(spawn_errno));
    if (status)
        return error("%s: the editor (%s) exited with status %d", path, editor, status);
    return 0;
}
