#include "cache/identity.h"

#include "fetch/url.h"
#include "util/die.h"
#include "version.h"

#include <stdlib.h>
#include <string.h>
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

/* -e/-s/-l: keyed by their text (and -B, -E, -M), not by where they were typed. */
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
    hasher_finish(h, hex);
    strbuf_addf(&identity, "content:%s", hex);
    return strbuf_detach(&identity);
}

void identity_init(struct entry_identity *id, struct cache_entry *e, const struct options *o,
                   const char *root, const char *content, size_t content_len)
{
    strbuf_init(&id->opts);
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
