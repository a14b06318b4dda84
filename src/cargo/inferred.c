/* Inferred crates: names, ranges, and the stops before cargo (see inferred.h).
 *
 * The file <project>/inferred keeps the ranges of the entry's last build:
 *     registry <--registry-dir, or nothing for crates.io>
 *     <code name> <registry name> <range>
 * Ranges chosen against another registry are not kept (that registry may not have them). */
#include "cargo/inferred.h"

#include "cargo/registry.h"
#include "cargo/semver.h"
#include "util/die.h"
#include "util/fs.h"
#include "util/suggest.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void kept_path(const char *project_dir, struct strbuf *path)
{
    strbuf_addf(path, "%s/inferred", project_dir);
}

/* The range an earlier build kept for code_name (and its registry name), 0; or -1. */
static int find_kept(const struct strbuf *kept, const char *code_name, struct strbuf *name,
                     struct strbuf *range)
{
    size_t n = strlen(code_name);
    for (const char *line = kept->buf; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *sp1 = memchr(line, ' ', len), *sp2;
        if (sp1 && (size_t)(sp1 - line) == n && !strncmp(line, code_name, n) &&
            (sp2 = memchr(sp1 + 1, ' ', (size_t)(line + len - sp1 - 1)))) {
            strbuf_add(name, sp1 + 1, (size_t)(sp2 - sp1 - 1));
            strbuf_add(range, sp2 + 1, (size_t)(line + len - sp2 - 1));
            return 0;
        }
        line = end ? end + 1 : NULL;
    }
    return -1;
}

/* The kept ranges' lines, when the entry has them for this registry (else kept is empty). */
static void read_kept(const struct inferred_context *c, struct strbuf *kept)
{
    struct strbuf path = STRBUF_INIT, first = STRBUF_INIT;
    if (c->project_dir)
        kept_path(c->project_dir, &path);
    strbuf_addf(&first, "registry %s\n",
                c->registry->registry_dir ? c->registry->registry_dir : "");
    if (c->update || !c->project_dir || fs_read_file(path.buf, kept) ||
        strncmp(kept->buf, first.buf, first.len)) {
        strbuf_reset(kept);
    } else {
        memmove(kept->buf, kept->buf + first.len, kept->len - first.len + 1);
        kept->len -= first.len;
    }
    strbuf_release(&path);
    strbuf_release(&first);
}

/* Is the crate's name that of a module file beside the script (helpers.rs, helpers/mod.rs)
 * that the use means (see infer_module_defines)?  The script itself is none. */
/* The module file beside the script that defines what the path names: 1 for NAME.rs, 2 for
 * NAME/mod.rs, 0 for none. */
static int is_module_file(const struct inferred_context *c, const struct crate_use *u)
{
    static const char *const forms[] = {"%.*s/%s.rs", "%.*s/%s/mod.rs"};
    const char *slash = c->script_path ? strrchr(c->script_path, '/') : NULL;
    int found = 0;
    for (size_t i = 0; slash && !found && i < sizeof(forms) / sizeof(*forms); i++) {
        struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
        struct stat st;
        strbuf_addf(&path, forms[i], (int)(slash - c->script_path), c->script_path, u->crate);
        if (strcmp(path.buf, c->script_path) && !stat(path.buf, &st) && S_ISREG(st.st_mode) &&
            !fs_read_file(path.buf, &text))
            found = infer_module_defines(text.buf, text.len, u->next) ? (int)i + 1 : 0;
        strbuf_release(&path);
        strbuf_release(&text);
    }
    return found;
}

static struct inferred_crate *add_crate(struct inferred_list *out, const struct crate_use *u)
{
    ALLOC_GROW(out->items, out->count + 1, out->alloc);
    struct inferred_crate *item = &out->items[out->count++];
    struct strbuf use = STRBUF_INIT;
    infer_describe_use(u, &use);
    memset(item, 0, sizeof(*item));
    item->code_name = xstrdup(u->crate);
    item->use = strbuf_detach(&use);
    item->line = u->line;
    return item;
}

/* "did you mean X?" from the names the registry is known to have and those cthag knows. */
static void suggest_crate(const struct inferred_context *c, const char *code_name,
                          struct strbuf *out)
{
    struct strlist names = STRLIST_INIT;
    registry_known_names(c->registry, &names);
    for (const struct infer_features *f = infer_builtin_features; f->crate; f++)
        strlist_add_unique(&names, f->crate);
    /* Compared and shown as code spells them: '-' as '_'. */
    const char **list = xcalloc(names.count + 1, sizeof(*list));
    for (size_t i = 0; i < names.count; i++) {
        for (char *p = names.items[i]; *p; p++)
            if (*p == '-')
                *p = '_';
        list[i] = names.items[i];
    }
    const char *nearest = suggest_nearest(code_name, list);
    if (nearest)
        strbuf_addf(out, "; did you mean %s?", nearest);
    else /* a module a macro makes, say: inference cannot see it */
        strbuf_addstr(out, "; if it is not a crate, run with --infer none and declare the "
                           "crates the script needs");
    free(list);
    strlist_release(&names);
}

static void report_absent(const struct inferred_context *c, const struct inferred_crate *item)
{
    struct strbuf hint = STRBUF_INIT;
    suggest_crate(c, item->code_name, &hint);
    error("%s:%d: no crate %s in %s (inferred from %s)%s", c->script_name, item->line,
          item->code_name, c->registry->registry_dir ? c->registry->registry_dir : "crates.io",
          item->use, hint.buf);
    strbuf_release(&hint);
}

/* The crates not kept, looked up all at once. */
static int look_up(const struct inferred_context *c, struct inferred_list *out, size_t first)
{
    size_t n = 0;
    struct registry_crate *crates = xcalloc(out->count - first + 1, sizeof(*crates));
    struct inferred_crate **items = xcalloc(out->count - first + 1, sizeof(*items));
    for (size_t i = first; i < out->count; i++) {
        if (out->items[i].kept || out->items[i].local)
            continue;
        items[n] = &out->items[i];
        crates[n++] = (struct registry_crate){out->items[i].code_name, STRBUF_INIT, STRBUF_INIT,
                                              REGISTRY_UNKNOWN};
    }
    registry_lookup(c->registry, crates, n);
    int result = 0;
    for (size_t i = 0; i < n; i++) {
        struct inferred_crate *item = items[i];
        struct strbuf range = STRBUF_INIT;
        struct semver v;
        item->name = strbuf_detach(&crates[i].name);
        if (crates[i].answer == REGISTRY_FOUND && !semver_parse(crates[i].newest.buf, &v)) {
            semver_series(&v, crates[i].newest.buf, &range);
            item->newest = strbuf_detach(&crates[i].newest);
        } else {
            strbuf_addch(&range, '*');
            if (crates[i].answer == REGISTRY_ABSENT) {
                report_absent(c, item);
                result = -1;
            }
        }
        item->range = strbuf_detach(&range);
        strbuf_release(&crates[i].newest);
    }
    free(crates);
    free(items);
    return result;
}

int inferred_choose(const struct inferred_context *c, const struct crate_uses *uses,
                    struct inferred_list *out)
{
    struct strbuf kept = STRBUF_INIT, name = STRBUF_INIT, range = STRBUF_INIT;
    size_t first = out->count;
    int result = 0;
    read_kept(c, &kept);
    for (size_t i = 0; i < uses->count; i++) {
        const struct crate_use *u = &uses->items[i];
        if (u->glob)
            continue;
        if (c->is_local && c->is_local(c->local_ctx, u->crate)) {
            add_crate(out, u)->local = 1;
            continue;
        }
        int module = is_module_file(c, u);
        if (module == 1)
            result = error("%s:%d: %s is a file beside the script: add mod %s;", c->script_name,
                           u->line, u->crate, u->crate);
        else if (module == 2)
            result = error("%s:%d: %s is a module directory beside the script (%s/mod.rs): add "
                           "mod %s;", c->script_name, u->line, u->crate, u->crate, u->crate);
        if (module)
            continue;
        struct inferred_crate *item = add_crate(out, u);
        strbuf_reset(&name);
        strbuf_reset(&range);
        if (!find_kept(&kept, u->crate, &name, &range)) {
            item->kept = 1;
            item->name = strbuf_detach(&name);
            item->range = strbuf_detach(&range);
        }
    }
    if (!result)
        result = look_up(c, out, first);
    strbuf_release(&kept);
    strbuf_release(&name);
    strbuf_release(&range);
    return result;
}

void inferred_commit(const char *script_name, const char *project_dir, const char *registry_dir,
                     const struct inferred_list *list)
{
    struct strbuf text = STRBUF_INIT, path = STRBUF_INIT;
    strbuf_addf(&text, "registry %s\n", registry_dir ? registry_dir : "");
    for (size_t i = 0; i < list->count; i++) {
        const struct inferred_crate *item = &list->items[i];
        if (item->local)
            continue;
        if (item->line)
            inform("%s:%d: crate %s %s (inferred from %s)", script_name, item->line, item->name,
                   item->range, item->use);
        else /* used by the -B text (-r: an earlier entry, which said so when it was built) */
            note("%s: crate %s %s (inferred from %s, before it: -B)", script_name, item->name,
                 item->range, item->use);
        if (item->kept)
            note("%s: crate %s %s: the range of the entry's first build (--update asks "
                 "the registry again)", script_name, item->name, item->range);
        else if (item->newest)
            note("%s: crate %s %s: its newest release is %s", script_name, item->name,
                 item->range, item->newest);
        /* A crate the registry could not be asked about is asked about next time. */
        if (strcmp(item->range, "*"))
            strbuf_addf(&text, "%s %s %s\n", item->code_name, item->name, item->range);
    }
    kept_path(project_dir, &path);
    if (list->count) /* a script inferring nothing costs no file */
        fs_write_if_changed(path.buf, text.buf, text.len);
    strbuf_release(&text);
    strbuf_release(&path);
}

void inferred_list_release(struct inferred_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].code_name);
        free(list->items[i].name);
        free(list->items[i].range);
        free(list->items[i].newest);
        free(list->items[i].use);
    }
    free(list->items);
    memset(list, 0, sizeof(*list));
}
