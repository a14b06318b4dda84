#include "cache/identity.h"

#include "fetch/url.h"
#include "util/die.h"
#include "version.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

/* Options longer than this are kept in the record as their hash. */
#define OPTS_TEXT_MAX 512

static const char *const infer_names[] = {"none", "min", "config", "max"};
static const char *const kind_names[] = {"script", "expr", "stdin", "loop", "url"};

const char *identity_kind_name(enum source_kind kind)
{
    return kind_names[kind];
}

/* The options that make a different executable: part of the entry identity. */
static void describe_options(const struct options *o, struct strbuf *out)
{
    /* Only the command line: the config file is not read on the cached path (and no
     * formatting: "cthag=V profile=P features=F toolchain=T infer=I[ unquote][ multimain]
     * [ static]").
     * cthag's release first: another release's entries are not this one's (version.h). */
    const char *parts[] = {"cthag=" CTHAG_VERSION " profile=", o->release ? "release" : "default",
                           " features=", o->features ? o->features : "",
                           " toolchain=", o->toolchain ? o->toolchain : "",
                           " infer=", o->infer_given ? infer_names[o->infer] : "default",
                           o->unquote ? " unquote" : "", o->multimain ? " multimain" : "",
                           /* -x: linked statically (cargo/wrapper.h), not the cached kind */
                           o->action == ACTION_EXECUTABLE ? " static" : ""};
    for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++)
        strbuf_addstr(out, parts[i]);
    for (int i = 0; i < o->ndeps; i++) {
        strbuf_addstr(out, " dep=");
        strbuf_addstr(out, o->deps[i]);
    }
    if (out->len > OPTS_TEXT_MAX) {
        char hex[HASH_HEX_LEN + 1];
        struct hasher *h = hasher_new();
        hasher_add(h, out->buf, out->len);
        hasher_finish(h, hex);
        strbuf_reset(out);
        strbuf_addf(out, "options-xxh3 %s", hex);
    }
}

static int is_word_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* After a word at p: what makes it name a path ("!" after include!, "name ;" after mod, "="
 * after path or build, a TOML key's closing quote allowed). */
static int names_path_after(const char *word, size_t n, const char *p, const char *end)
{
    if (n >= 7 && !memcmp(word, "include", 7)) /* include, include_str, include_bytes */
        return (p = skip_blanks(p, end)) < end && *p == '!';
    if (n == 3 && !memcmp(word, "mod", 3)) {
        const char *name = skip_blanks(p, end);
        while (name < end && is_word_byte(*name))
            name++;
        return name > p && (p = skip_blanks(name, end)) < end && *p == ';';
    }
    if (p < end && (*p == '"' || *p == '\''))
        p++;
    return (p = skip_blanks(p, end)) < end && *p == '=';
}

/* Does the text name a path that resolves against the directory it runs in: include!,
 * include_str!, include_bytes!, `mod name;`, #[path = ...], a manifest's path = or build =?
 * A scan of words (it runs on the cached path): a word in a comment or a string may say yes,
 * which only keys the entry by its directory as well. */
static int names_relative_path(const char *text, size_t len)
{
    static const char *const words[] = {"include", "include_str", "include_bytes", "mod",
                                        "path", "build", NULL};
    const char *end = text + len;
    for (const char *p = text; p < end; p++) {
        if (!is_word_byte(*p) || (p > text && is_word_byte(p[-1])))
            continue;
        const char *w = p;
        while (p < end && is_word_byte(*p))
            p++;
        for (const char *const *word = words; *word; word++)
            if ((size_t)(p - w) == strlen(*word) && !memcmp(w, *word, (size_t)(p - w)) &&
                names_path_after(w, (size_t)(p - w), p, end))
                return 1;
        p--;
    }
    return 0;
}

static int any_names_relative_path(const struct options *o, const char *content, size_t len)
{
    /* -B is -e's too (its statements and items before the expression) */
    const char *parts[] = {o->loop_begin, o->kind == SOURCE_LOOP ? o->text : NULL,
                           o->kind == SOURCE_LOOP ? o->loop_end : NULL, o->toml};
    if (names_relative_path(content, len))
        return 1;
    for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++)
        if (parts[i] && names_relative_path(parts[i], strlen(parts[i])))
            return 1;
    return 0;
}

/* -e/-s/-l: keyed by their text (and -B, -E, -M), not by where they were typed, unless they
 * name a relative path (include_str!("data.txt"), mod m;, path = "dep"): those resolve against
 * the current directory (generate.h), which is then part of the key. */
static char *content_identity(const struct options *o, const char *content, size_t len)
{
    struct hasher *h = hasher_new();
    struct strbuf identity = STRBUF_INIT;
    char hex[HASH_HEX_LEN + 1];
    hasher_add_field(h, kind_names[o->kind]);
    hasher_add(h, content, len);
    hasher_add_field(h, "");
    hasher_add_field(h, o->loop_begin);
    hasher_add_field(h, o->kind == SOURCE_LOOP ? o->text : "");
    hasher_add_field(h, o->kind == SOURCE_LOOP ? o->loop_end : "");
    hasher_add_field(h, o->toml ? o->toml : "");
    if (any_names_relative_path(o, content, len)) {
        char cwd[4096];
        hasher_add_field(h, "cwd");
        hasher_add_field(h, getcwd(cwd, sizeof(cwd)) ? cwd : "");
    }
    hasher_finish(h, hex);
    strbuf_addf(&identity, "content:%s", hex);
    return strbuf_detach(&identity);
}

void identity_init(struct entry_identity *id, struct cache_entry *e, const struct options *o,
                   const char *root, const char *content, size_t content_len)
{
    strbuf_init(&id->opts);
    id->registry_dir = o->registry_dir;
    memset(e, 0, sizeof(*e));
    if (o->kind == SOURCE_FILE) {
        id->source = realpath(o->script, NULL);
        if (!id->source)
            return;
    } else if (o->kind == SOURCE_URL) {
        id->source = xstrdup(o->url); /* the raw URL: a page and its raw form are one entry */
    } else {
        id->source = content_identity(o, content, content_len);
    }
    describe_options(o, &id->opts);
    struct strbuf identity = STRBUF_INIT;
    strbuf_addstr(&identity, id->source);
    strbuf_addch(&identity, '\n');
    strbuf_addstr(&identity, id->opts.buf);
    struct strbuf stem = STRBUF_INIT; /* named for the script's file: demo.rs, not url */
    if (o->kind == SOURCE_URL)
        url_script_name(o->url, &stem);
    cache_entry_init(e, root,
                     o->kind == SOURCE_FILE ? id->source
                     : o->kind == SOURCE_URL ? stem.buf
                                             : kind_names[o->kind],
                     identity.buf);
    strbuf_release(&identity);
    strbuf_release(&stem);
}

void identity_release(struct entry_identity *id)
{
    free(id->source);
    id->source = NULL;
    strbuf_release(&id->opts);
}

int identity_owns_record(const struct entry_identity *id, const struct entry_record *rec)
{
    return !strcmp(rec->source, id->source) && !strcmp(rec->opts, id->opts.buf);
}

int identity_registry_ok(const struct entry_identity *id, const struct entry_record *rec)
{
    const char *now = id->registry_dir      ? id->registry_dir
                      : rec->config_registry ? rec->config_registry
                                             : "";
    return !strcmp(rec->registry, now);
}

void identity_build_key(const struct build_key_input *in, char key[HASH_HEX_LEN + 1])
{
    struct utsname machine;
    struct hasher *h = hasher_new();
    hasher_add_field(h, "cthag-build " CACHE_FORMAT_VERSION);
    hasher_add_field(h, in->manifest);
    hasher_add(h, in->code, in->code_len);
    hasher_add_field(h, "");
    hasher_add_field(h, in->opts);
    hasher_add_field(h, in->release ? "release" : "dev");
    hasher_add_field(h, in->registry_dir ? in->registry_dir : "");
    hasher_add_field(h, uname(&machine) ? "" : machine.machine);
    hasher_finish(h, key);
}
