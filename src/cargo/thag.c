#include "cargo/thag.h"

#include "toml/toml.h"
#include "util/die.h"
#include "util/strbuf.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* thag's default for THAG_GIT_REPO. */
#define THAG_REPOSITORY "https://github.com/durbanlegend/thag_rs"

const char *const thag_auto_variables[] = {"THAG_DEV_PATH", "THAG_GIT_REF", "THAG_GIT_REPO", NULL};

/* The crates thag resolves from its own repository (thag_rs is the repository's root). */
static const char *const thag_crates[] = {"thag_rs", "thag_common", "thag_proc_macros",
                                          "thag_profiler", "thag_styling", NULL};

/* Where a dependency comes from: replaced as a whole by thag-auto's choice. */
static const char *const source_keys[] = {"version", "path", "git", "branch", "tag", "rev",
                                          "registry", NULL};

static const char *const dependency_tables[] = {"dependencies", "dev-dependencies",
                                                "build-dependencies", NULL};

static int is_thag_crate(const char *name)
{
    for (const char *const *c = thag_crates; *c; c++)
        if (!strcmp(name, *c))
            return 1;
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

size_t thag_marker_version(const struct toml_value *version, size_t *start)
{
    if (!version || version->type != TOML_STRING)
        return 0;
    const char *v = version->text;
    size_t comma = version->text_len;
    while (comma > 0 && v[comma - 1] != ',')
        comma--;
    if (!comma)
        return 0;
    size_t from = comma, to = version->text_len;
    while (from < to && is_space(v[from]))
        from++;
    while (to > from && is_space(v[to - 1]))
        to--;
    if (to - from != strlen("thag-auto") || memcmp(v + from, "thag-auto", to - from))
        return 0;
    size_t begin = 0, end = comma - 1;
    while (begin < end && is_space(v[begin]))
        begin++;
    while (end > begin && is_space(v[end - 1]))
        end--;
    *start = begin;
    return end - begin;
}

static int is_directory(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* A full commit hash names a rev; anything else is taken as a branch, as thag does. */
static int is_commit_hash(const char *ref)
{
    size_t n = strspn(ref, "0123456789abcdefABCDEF");
    return n == 40 && !ref[n];
}

static int resolve_from_checkout(struct toml_value *dep, const char *name, const char *script_name,
                                 const char *dev_path)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addstr(&path, dev_path);
    if (strcmp(name, "thag_rs"))
        strbuf_addf(&path, "/%s", name);
    if (!is_directory(path.buf)) {
        error("%s:%d: %s is thag-auto and THAG_DEV_PATH=%s, but %s is not a directory (a thag "
              "checkout has it; unset THAG_DEV_PATH for the registry's %s)",
              script_name, dep->line, name, dev_path, path.buf, name);
        strbuf_release(&path);
        return -1;
    }
    note("%s:%d: %s from THAG_DEV_PATH: path %s", script_name, dep->line, name, path.buf);
    toml_set(dep, "path", toml_new_string(path.buf));
    strbuf_release(&path);
    return 0;
}

static void resolve_from_git(struct toml_value *dep, const char *name, const char *script_name,
                             const struct thag_sources *src)
{
    const char *repo = src->git_repo ? src->git_repo : THAG_REPOSITORY;
    const char *kind = is_commit_hash(src->git_ref) ? "rev" : "branch";
    note("%s:%d: %s from THAG_GIT_REF: git %s, %s %s", script_name, dep->line, name, repo, kind,
         src->git_ref);
    toml_set(dep, "git", toml_new_string(repo));
    toml_set(dep, kind, toml_new_string(src->git_ref));
}

/* One dependency table's thag-auto entries; the number resolved, or -1. */
static int resolve_table(struct toml_value *deps, const char *script_name,
                         const struct thag_sources *src)
{
    int resolved = 0;
    for (size_t i = 0; deps && deps->type == TOML_TABLE && i < deps->count; i++) {
        struct toml_value *dep = deps->items[i];
        const char *name = deps->keys[i];
        size_t start = 0;
        size_t len =
            dep->type == TOML_TABLE ? thag_marker_version(toml_get(dep, "version"), &start) : 0;
        if (!len)
            continue;
        char *version = xstrndup(toml_get(dep, "version")->text + start, len);
        int from_thag = is_thag_crate(name) && (src->dev_path || src->git_ref);
        if (from_thag)
            for (const char *const *key = source_keys; *key; key++)
                toml_remove(dep, *key);
        if (from_thag && src->dev_path) {
            if (resolve_from_checkout(dep, name, script_name, src->dev_path)) {
                free(version);
                return -1;
            }
        } else if (from_thag) {
            resolve_from_git(dep, name, script_name, src);
        } else {
            note("%s:%d: %s is thag-auto: version \"%s\" from the registry (neither "
                 "THAG_DEV_PATH nor THAG_GIT_REF is set)", script_name, dep->line, name, version);
            toml_set(dep, "version", toml_new_string(version));
        }
        free(version);
        resolved++;
    }
    return resolved;
}

static int resolve_tables(struct toml_value *holder, const char *script_name,
                          const struct thag_sources *src)
{
    int resolved = 0;
    for (const char *const *t = dependency_tables; *t; t++) {
        int n = resolve_table(toml_get(holder, *t), script_name, src);
        if (n < 0)
            return -1;
        resolved += n;
    }
    return resolved;
}

int thag_resolve_auto(struct toml_value *root, const char *script_name,
                      const struct thag_sources *src)
{
    int resolved = resolve_tables(root, script_name, src);
    struct toml_value *targets = toml_get(root, "target");
    for (size_t i = 0; resolved >= 0 && targets && targets->type == TOML_TABLE &&
                       i < targets->count; i++) {
        int n = resolve_tables(targets->items[i], script_name, src);
        resolved = n < 0 ? -1 : resolved + n;
    }
    return resolved;
}

struct toml_value *thag_proc_macro_dependency(const char *crate, const char *script_dir,
                                              const struct thag_sources *src, char **missing)
{
    const char *configured;
    *missing = NULL;
    if (!strcmp(crate, "thag_demo_proc_macros"))
        configured = src->demo_proc_macros;
    else if (!strcmp(crate, "thag_bank_proc_macros"))
        configured = src->bank_proc_macros;
    else
        return NULL;
    struct strbuf dir = STRBUF_INIT;
    char cwd[PATH_MAX];
    if (configured && configured[0] == '/')
        strbuf_addstr(&dir, configured);
    else if (configured) /* relative to the current directory, as thag's config says */
        strbuf_addf(&dir, "%s/%s", getcwd(cwd, sizeof(cwd)) ? cwd : ".", configured);
    else
        strbuf_addf(&dir, "%s/proc_macros", script_dir);
    if (!is_directory(dir.buf)) {
        *missing = strbuf_detach(&dir);
        return NULL;
    }
    struct toml_value *dep = toml_new_table();
    dep->is_inline = 1;
    toml_set(dep, "path", toml_new_string(dir.buf));
    strbuf_release(&dir);
    return dep;
}
