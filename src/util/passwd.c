#include "util/passwd.h"

#include "util/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field i (0-based) of a "name:x:uid:gid:gecos:home:shell" line, as [*start, *end). */
static int field(const char *line, int i, const char **start, const char **end)
{
    for (; i > 0; i--) {
        line += strcspn(line, ":\n");
        if (*line != ':')
            return -1;
        line++;
    }
    *start = line;
    *end = line + strcspn(line, ":\n");
    return 0;
}

int passwd_home(uid_t uid, struct strbuf *home)
{
    struct strbuf passwd = STRBUF_INIT;
    char digits[24];
    int len = snprintf(digits, sizeof(digits), "%lu", (unsigned long)uid), found = -1;
    const char *start, *end;
    strbuf_reset(home);
    /* CTHAG_TEST_PASSWD: another user database, for the tests of a user without cargo (it only
     * ever hides a cargo: $CARGO names any). */
    const char *file = getenv("CTHAG_TEST_PASSWD");
    for (const char *line = fs_read_file(file ? file : "/etc/passwd", &passwd) ? "" : passwd.buf;
         *line && found; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] == '\n')) {
        if (field(line, 2, &start, &end) || end - start != len || memcmp(start, digits, (size_t)len) ||
            field(line, 5, &start, &end) || end == start || *start != '/')
            continue;
        strbuf_add(home, start, (size_t)(end - start));
        found = 0;
    }
    strbuf_release(&passwd);
    return found;
}
