#include "cargo/units.h"

#include "util/die.h"
#include "util/json.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

static char *copy_or_empty(const char *s)
{
    return xstrdup(s ? s : "");
}

/* The first string of an array member, or NULL. */
static const char *first_string(const struct json *object, const char *key)
{
    const struct json *array = json_get(object, key);
    if (!array || array->type != JSON_ARRAY || !array->count ||
        array->items[0]->type != JSON_STRING)
        return NULL;
    return array->items[0]->text;
}

void cargo_units_add_message(struct cargo_units *units, const struct json *msg)
{
    const char *reason = json_get_string(msg, "reason");
    const char *id = json_get_string(msg, "package_id");
    if (!reason || !id)
        return;
    struct cargo_unit u;
    memset(&u, 0, sizeof(u));
    if (!strcmp(reason, "compiler-artifact")) {
        const struct json *target = json_get(msg, "target");
        const struct json *fresh = json_get(msg, "fresh");
        u.kind = UNIT_COMPILED;
        u.target_kind = copy_or_empty(first_string(target, "kind"));
        u.target_name = copy_or_empty(json_get_string(target, "name"));
        u.file = copy_or_empty(first_string(msg, "filenames"));
        u.fresh = fresh && fresh->type == JSON_BOOL && fresh->boolean;
    } else if (!strcmp(reason, "build-script-executed")) {
        u.kind = UNIT_SCRIPT_RUN;
        u.target_kind = xstrdup("");
        u.target_name = xstrdup("");
        u.file = copy_or_empty(json_get_string(msg, "out_dir"));
    } else {
        return;
    }
    u.package_id = xstrdup(id);
    ALLOC_GROW(units->items, units->count + 1, units->alloc);
    units->items[units->count++] = u;
}

void cargo_units_release(struct cargo_units *units)
{
    for (size_t i = 0; i < units->count; i++) {
        free(units->items[i].package_id);
        free(units->items[i].target_kind);
        free(units->items[i].target_name);
        free(units->items[i].file);
    }
    free(units->items);
    memset(units, 0, sizeof(*units));
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* "path+file:///dir#name@1.0.0" (cargo since 1.77) or "name 1.0.0 (path+file:///dir)". */
int cargo_package_dir(const char *package_id, struct strbuf *dir)
{
    static const char scheme[] = "path+file://";
    const char *p = strstr(package_id, scheme);
    if (!p || (p != package_id && p[-1] != '('))
        return -1;
    p += sizeof(scheme) - 1;
    strbuf_reset(dir);
    for (; *p && *p != '#' && *p != '?' && *p != ')'; p++) {
        if (*p == '%' && hex_digit(p[1]) >= 0 && hex_digit(p[2]) >= 0) {
            strbuf_addch(dir, (char)(hex_digit(p[1]) * 16 + hex_digit(p[2])));
            p += 2;
        } else {
            strbuf_addch(dir, *p);
        }
    }
    return dir->len && dir->buf[0] == '/' ? 0 : -1;
}

void cargo_package_name(const char *package_id, struct strbuf *name)
{
    strbuf_reset(name);
    const char *hash = strchr(package_id, '#');
    if (strncmp(package_id, "path+", 5) && strncmp(package_id, "registry+", 9) &&
        strncmp(package_id, "git+", 4) && strncmp(package_id, "sparse+", 7)) {
        strbuf_add(name, package_id, strcspn(package_id, " ")); /* "name 1.0.0 (...)" */
        return;
    }
    if (hash && strchr(hash, '@')) {
        strbuf_add(name, hash + 1, strcspn(hash + 1, "@"));
        return;
    }
    /* "path+file:///dir/name#1.0.0": the name is the last segment of the path. */
    struct strbuf dir = STRBUF_INIT;
    if (!cargo_package_dir(package_id, &dir)) {
        const char *slash = strrchr(dir.buf, '/');
        strbuf_addstr(name, slash ? slash + 1 : dir.buf);
    }
    strbuf_release(&dir);
}
