#include "install.h"

#include "util/die.h"
#include "util/fs.h"
#include "util/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void default_install_dir(struct strbuf *dir)
{
    const char *cargo_home = getenv("CARGO_HOME");
    const char *home = getenv("HOME");
    if (cargo_home && *cargo_home)
        strbuf_addf(dir, "%s/bin", cargo_home);
    else
        strbuf_addf(dir, "%s/.cargo/bin", home ? home : "");
}

static void command_name(const char *script, struct strbuf *name)
{
    const char *base = strrchr(script, '/');
    base = base ? base + 1 : script;
    size_t len = strlen(base);
    if (len > 3 && !strcmp(base + len - 3, ".rs"))
        len -= 3;
    strbuf_add(name, base, len);
}

/* The list of what -x installed: one "<dev> <ino> <path>" line per file. */
static void installed_list_path(const char *root, struct strbuf *path)
{
    strbuf_addf(path, "%s/installed", root);
}

static int installed_by_us(const char *root, const char *dest, const struct stat *st)
{
    struct strbuf list = STRBUF_INIT, path = STRBUF_INIT, line = STRBUF_INIT;
    installed_list_path(root, &path);
    strbuf_addf(&line, "%llu %llu %s\n", (unsigned long long)st->st_dev,
                (unsigned long long)st->st_ino, dest);
    int found = !fs_read_file(path.buf, &list) && list.len >= line.len &&
                (!strncmp(list.buf, line.buf, line.len) || strstr(list.buf, line.buf) != NULL);
    /* A match must start a line: "\n" + line, or the list's first line. */
    if (found && strncmp(list.buf, line.buf, line.len)) {
        struct strbuf anchored = STRBUF_INIT;
        strbuf_addf(&anchored, "\n%s", line.buf);
        found = strstr(list.buf, anchored.buf) != NULL;
        strbuf_release(&anchored);
    }
    strbuf_release(&list);
    strbuf_release(&path);
    strbuf_release(&line);
    return found;
}

/* Replace dest's line in the list by one for the file now there. */
static void remember_installed(const char *root, const char *dest)
{
    struct strbuf list = STRBUF_INIT, path = STRBUF_INIT, kept = STRBUF_INIT;
    struct stat st;
    installed_list_path(root, &path);
    fs_read_file(path.buf, &list);
    size_t dest_len = strlen(dest);
    for (char *line = list.buf; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        const char *space = memchr(line, ' ', len);
        space = space ? memchr(space + 1, ' ', len - (size_t)(space + 1 - line)) : NULL;
        int same = space && len - (size_t)(space + 1 - line) == dest_len &&
                   !memcmp(space + 1, dest, dest_len);
        if (!same && len)
            strbuf_addf(&kept, "%.*s\n", (int)len, line);
        line += len + (nl ? 1 : 0);
    }
    if (!stat(dest, &st))
        strbuf_addf(&kept, "%llu %llu %s\n", (unsigned long long)st.st_dev,
                    (unsigned long long)st.st_ino, dest);
    fs_write_atomic(path.buf, kept.buf, kept.len, 0600);
    strbuf_release(&list);
    strbuf_release(&path);
    strbuf_release(&kept);
}

static int dir_on_path(const char *dir)
{
    const char *path = getenv("PATH");
    size_t len = strlen(dir);
    for (const char *p = path; p && *p;) {
        size_t n = strcspn(p, ":");
        if (n == len && !strncmp(p, dir, n))
            return 1;
        p += n + (p[n] == ':');
    }
    return 0;
}

/* What is at dest may be replaced: nothing, or what cthag installed there (or --force); never
 * the script itself. */
static int check_destination(const char *root, const char *dest, const char *script, int force)
{
    struct stat there, self;
    if (lstat(dest, &there))
        return 0;
    if (!stat(script, &self) && self.st_dev == there.st_dev && self.st_ino == there.st_ino)
        return error("-x: %s is the script itself; refusing to overwrite it (--install-dir DIR "
                     "installs the executable elsewhere)", dest);
    if (!force && !installed_by_us(root, dest, &there))
        return error("-x: %s exists and was not installed by cthag; refusing to replace it "
                     "(-f/--force replaces it)", dest);
    return 0;
}

int install_executable(const char *cache_root, const char *bin_path, const char *script,
                       const char *install_dir, int force)
{
    struct strbuf dir = STRBUF_INIT, dest = STRBUF_INIT;
    if (install_dir)
        strbuf_addstr(&dir, install_dir);
    else
        default_install_dir(&dir);
    strbuf_addf(&dest, "%s/", dir.buf);
    command_name(script, &dest);
    int result = 0;
    if (fs_mkdir_parents(dir.buf, 0755))
        result = error("cannot create %s: %s", dir.buf, strerror(errno));
    else if (!(result = check_destination(cache_root, dest.buf, script, force)) &&
             !(result = fs_install_copy(bin_path, dest.buf, 0755))) {
        remember_installed(cache_root, dest.buf);
        fprintf(stderr, "cthag: installed %s\n", dest.buf);
        if (!dir_on_path(dir.buf))
            fprintf(stderr, "cthag: note: %s is not on PATH; add it to run %s by name\n",
                    dir.buf, dest.buf + dir.len + 1);
    }
    strbuf_release(&dir);
    strbuf_release(&dest);
    return result ? EXIT_BUILD_FAILED : 0;
}
