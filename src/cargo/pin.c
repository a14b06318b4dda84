#include "cargo/pin.h"

#include "cargo/registry.h"
#include "toml/toml.h"
#include "util/die.h"
#include "util/fs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The value to paste for an inferred dependency: its generated value (a "*" string, or a table
 * with version "*" and features) with the locked version, "=1.2.3".  Counts in *unpinned the
 * crates the lock has no version for (they stay "*"). */
static struct toml_value *pinned_value(const struct pin_input *in, const char *crate,
                                       const struct toml_value *generated, int *unpinned)
{
    struct strbuf version = STRBUF_INIT;
    strbuf_addch(&version, '=');
    if (!in->lock ||
        registry_locked_version(in->lock, in->lock_len, in->package, crate, &version)) {
        ++*unpinned;
        strbuf_release(&version);
        return toml_clone(generated);
    }
    struct toml_value *value;
    if (generated->type == TOML_TABLE) {
        value = toml_clone(generated);
        toml_set(value, "version", toml_new_string(version.buf));
    } else {
        value = toml_new_string(version.buf);
    }
    strbuf_release(&version);
    return value;
}

static struct toml_value *parse(const struct pin_input *in, const char *what, const char *text,
                                size_t len)
{
    struct toml_error err;
    struct toml_value *doc = toml_parse(text, len, 1, &err);
    if (!doc)
        error("%s: %s: line %d: %s", in->script_name, what, err.line, err.message);
    return doc;
}

int pin_block(const struct pin_input *in, struct strbuf *out)
{
    struct toml_value *user = in->user_toml ? parse(in, "manifest", in->user_toml, in->user_len)
                                            : toml_new_table();
    struct toml_value *generated = parse(in, "generated manifest", in->generated,
                                         strlen(in->generated));
    if (!user || !generated) {
        toml_free(user);
        toml_free(generated);
        return -1;
    }
    /* Inferred: in the generated [dependencies], not in the script's. */
    const struct toml_value *all = toml_get(generated, "dependencies");
    const struct toml_value *declared = toml_get(user, "dependencies");
    int unpinned = 0;
    for (size_t i = 0; all && all->type == TOML_TABLE && i < all->count; i++) {
        if (toml_get(declared, all->keys[i]))
            continue;
        struct toml_value *deps = toml_table(user, "dependencies");
        if (deps)
            toml_set(deps, all->keys[i], pinned_value(in, all->keys[i], all->items[i], &unpinned));
    }
    const char *fence = in->format == PIN_FRONTMATTER ? "---\n" : "/*[toml]\n";
    strbuf_addstr(out, fence);
    toml_write(user, out);
    strbuf_addstr(out, in->format == PIN_FRONTMATTER ? "---\n" : "*/\n");
    toml_free(user);
    toml_free(generated);
    return unpinned;
}

int pin_print(struct pin_input *in, const char *project_dir, int quiet)
{
    struct strbuf path = STRBUF_INIT, lock = STRBUF_INIT, block = STRBUF_INIT;
    strbuf_addf(&path, "%s/Cargo.lock", project_dir);
    int have_lock = !fs_read_file(path.buf, &lock);
    if (!have_lock && errno != ENOENT)
        error("%s: cannot read %s: %s", in->script_name, path.buf, strerror(errno));
    in->lock = have_lock ? lock.buf : NULL;
    in->lock_len = lock.len;
    int unpinned = pin_block(in, &block);
    if (unpinned > 0)
        error("%s: %d inferred crate(s) have no locked version in %s: left as \"*\"",
              in->script_name, unpinned, path.buf);
    if (unpinned >= 0) {
        fwrite(block.buf, 1, block.len, stdout);
        if (!quiet)
            fprintf(stderr, "cthag: %s: %s; with it, -i none builds the same program\n",
                    in->script_name,
                    in->user_toml ? "paste this in place of the script's embedded manifest"
                    : in->format == PIN_FRONTMATTER
                        ? "paste this at the top of the script (after any #! line)"
                        : "paste this into the script");
    }
    strbuf_release(&path);
    strbuf_release(&lock);
    strbuf_release(&block);
    return unpinned < 0 ? 1 : 0;
}

int pin_print_script(const struct script *s, const char *generated, const char *package,
                     const char *project_dir, enum pin_format format, int quiet)
{
    struct pin_input in = {s->name, s->format != MANIFEST_NONE ? s->manifest.buf : NULL,
                           s->manifest.len, generated, NULL, 0, package, format};
    return pin_print(&in, project_dir, quiet);
}
