#include "cargo/depinfo.h"

#include "util/strbuf.h"

#include <string.h>

/* "# env-dep:NAME=value" with rustc's escapes undone. */
static void add_env_dep(const char *p, const char *end, struct depinfo *info)
{
    struct strbuf entry = STRBUF_INIT;
    for (; p < end; p++) {
        if (*p == '\\' && p + 1 < end && (p[1] == 'n' || p[1] == '\\')) {
            strbuf_addch(&entry, p[1] == 'n' ? '\n' : '\\');
            p++;
        } else {
            strbuf_addch(&entry, *p);
        }
    }
    strbuf_rtrim(&entry);
    if (entry.len)
        strlist_add_unique(&info->env, entry.buf);
    strbuf_release(&entry);
}

/* The colon that ends a rule's target: the first one followed by a space or the line's end
 * (a path may hold "C:" style colons on other systems, but never ": "). */
static const char *rule_colon(const char *p, const char *end)
{
    for (; p < end; p++) {
        if (*p == '\\' && p + 1 < end)
            p++;
        else if (*p == ':' && (p + 1 == end || p[1] == ' '))
            return p;
    }
    return NULL;
}

/* The space-separated prerequisites of a rule, "\ " being a space inside a path.  rustc and
 * cargo separate them with spaces only and write a tab in a path as it is: a tab belongs to the
 * path. */
static void add_prerequisites(const char *p, const char *end, struct depinfo *info)
{
    struct strbuf path = STRBUF_INIT;
    for (;; p++) {
        if (p == end || *p == ' ') {
            if (path.len)
                strlist_add_unique(&info->files, path.buf);
            strbuf_reset(&path);
            if (p == end)
                break;
        } else if (*p == '\\' && p + 1 < end && p[1] == ' ') {
            strbuf_addch(&path, ' ');
            p++;
        } else {
            strbuf_addch(&path, *p);
        }
    }
    strbuf_release(&path);
}

int depinfo_parse(const char *text, size_t len, struct depinfo *info)
{
    static const char env_prefix[] = "# env-dep:";
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        size_t n = (size_t)(eol - p);
        if (n >= sizeof(env_prefix) - 1 && !memcmp(p, env_prefix, sizeof(env_prefix) - 1)) {
            add_env_dep(p + sizeof(env_prefix) - 1, eol, info);
        } else if (n && *p != '#') {
            const char *colon = rule_colon(p, eol);
            if (!colon || memchr(p, '\0', n))
                return -1;
            add_prerequisites(colon + 1, eol, info);
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

void depinfo_release(struct depinfo *info)
{
    strlist_release(&info->files);
    strlist_release(&info->env);
}
