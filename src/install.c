#include "install.h"

#include "util/die.h"
#include "util/fs.h"
#include "util/hash.h"
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

/* The list of what -x installed: one "<hash> <path>" line per file, the hash (XXH3-128) of the
 * bytes installed there.  A file there is cthag's to replace only while it holds those bytes:
 * (dev, inode) said nothing once the user's own file had taken a freed inode. */
static void installed_list_path(const char *root, struct strbuf *path)
{
    strbuf_addf(path, "%s/installed", root);
}

/* The hash recorded for dest in the list's text, or NULL.  Lines of another form (the
 * "<dev> <ino> <path>" of earlier releases) vouch for nothing. */
static const char *recorded_hash(const char *list, const char *dest)
{
    size_t dest_len = strlen(dest);
    for (const char *line = list; *line;) {
        size_t len = strcspn(line, "\n");
        if (len == HASH_HEX_LEN + 1 + dest_len && hash_is_hex(line, HASH_HEX_LEN) &&
            line[HASH_HEX_LEN] == ' ' && !memcmp(line + HASH_HEX_LEN + 1, dest, dest_len))
            return line;
        line += len + (line[len] == '\n');
    }
    return NULL;
}

static int installed_by_us(const char *root, const char *dest)
{
    struct strbuf list = STRBUF_INIT, path = STRBUF_INIT;
    char hash[HASH_HEX_LEN + 1];
    installed_list_path(root, &path);
    const char *line = fs_read_file(path.buf, &list) ? NULL : recorded_hash(list.buf, dest);
    int ours = line && !hash_file(dest, hash) && !memcmp(line, hash, HASH_HEX_LEN);
    strbuf_release(&list);
    strbuf_release(&path);
    return ours;
}

/* Replace dest's line in the list by one for the bytes now there. */
static void remember_installed(const char *root, const char *dest)
{
    struct strbuf list = STRBUF_INIT, path = STRBUF_INIT, kept = STRBUF_INIT;
    char hash[HASH_HEX_LEN + 1];
    installed_list_path(root, &path);
    fs_read_file(path.buf, &list);
    size_t dest_len = strlen(dest);
    for (char *line = list.buf; *line;) {
        size_t len = strcspn(line, "\n");
        const char *space = memchr(line, ' ', len);
        /* Any line naming dest (this form or an earlier one) goes. */
        const char *named = len >= dest_len + 1 ? line + len - dest_len : NULL;
        int same = space && named && named[-1] == ' ' && !memcmp(named, dest, dest_len);
        if (!same && len)
            strbuf_addf(&kept, "%.*s\n", (int)len, line);
        line += len + (line[len] == '\n');
    }
    if (!hash_file(dest, hash))
        strbuf_addf(&kept, "%s %s\n", hash, dest);
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
    if (!force && (!S_ISREG(there.st_mode) || !installed_by_us(root, dest)))
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
