#include "generate.h"

#include "cargo/action.h"
#include "cargo/manifest.h"
#include "cargo/registry.h"
#include "script/infer.h"
#include "util/die.h"
#include "util/utf8.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

/* ---- source ---- */

/* Two `fn main` are a mistake unless -m says they are intended. */
static int check_mains(const struct options *o, const struct script *s)
{
    if (s->main_total > 1 && !o->multimain)
        return error("%s:%d: a second `fn main` (the first is at line %d); use -m/--multimain if "
                     "that is intended", s->name, s->main_lines[1], s->main_lines[0]);
    return 0;
}

/* Where a fetched script's relative paths are looked for: a directory no script lives in.  A
 * script from a URL has none of its own, so any path wrap.c would resolve there is an error. */
#define NO_DIRECTORY "/cthag-a-script-from-a-url-has-no-directory"

/* The module `mod NAME;` on a line declares, into name (empty when the line has none). */
static void declared_module(const char *line, struct strbuf *name)
{
    for (const char *p = strstr(line, "mod "); p; p = strstr(p + 1, "mod ")) {
        const char *n = p + 4;
        while (*n == ' ')
            n++;
        size_t len = strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
        const char *after = n + len;
        while (*after == ' ')
            after++;
        if (len && *after == ';' && (p == line || !strchr("abcdefghijklmnopqrstuvwxyz_", p[-1]))) {
            strbuf_add(name, n, len);
            return;
        }
    }
}

/* The first relative module or include path of a fetched script, as an error naming its line. */
static int refuse_relative_paths(const struct script *s)
{
    struct wrapped w;
    memset(&w, 0, sizeof(w));
    struct wrap_options wo = {0, NO_DIRECTORY};
    (s->main_count ? wrap_program : wrap_snippet)(s->body.buf, s->body.len, &wo, &w);
    int result = 0;
    for (size_t i = 0; i < w.nsegments && !result; i++) {
        const struct wrap_segment *seg = &w.segments[i];
        struct strbuf text = STRBUF_INIT, name = STRBUF_INIT;
        if (seg->role == WRAP_REPLACED) {
            result = error("%s:%d: a relative path (%s) would be a file beside the script, and a "
                           "script from a URL has no directory: use an absolute path",
                           s->name, seg->part_line, seg->original);
        } else if (seg->role == WRAP_PATH) {
            wrap_part_line(&w, WRAP_PART_MAIN, seg->part_line, &text);
            declared_module(text.buf, &name);
            if (!name.len)
                strbuf_addstr(&name, "name");
            result = error("%s:%d: `mod %s;` would load a file beside the script, and a script "
                           "from a URL has no directory: put the module inline (mod %s { ... })",
                           s->name, seg->part_line, name.buf, name.buf);
        }
        strbuf_release(&text);
        strbuf_release(&name);
    }
    wrap_release(&w);
    return result;
}

int generate_load(const struct options *o, const char *file, const struct strbuf *content,
                  struct script *s, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    if (o->kind == SOURCE_LOOP) {
        strbuf_addf(&s->body, "%s\n%s\n%s\n", o->loop_begin, o->text, o->loop_end);
    } else {
        if (o->kind == SOURCE_FILE || o->kind == SOURCE_URL) {
            if (source_read(file, &s->text, st))
                return -1;
        } else {
            strbuf_add(&s->text, content->buf, content->len);
        }
        if (source_parse(s) || check_mains(o, s) ||
            (o->kind == SOURCE_URL && refuse_relative_paths(s)))
            return -1;
    }
    if (o->toml) {
        if (s->format != MANIFEST_NONE)
            return error("%s:%d: -M gives a manifest and so does the script's %s; use one",
                         s->name, s->manifest_block_line, source_format_name(s->format));
        manifest_from_option(o->toml, &s->manifest);
        s->format = MANIFEST_THAG;
        s->manifest_line = 1;
    }
    return 0;
}

/* How diagnostics name the script's parts. */
static void diag_parts(const struct options *o, struct diag_part *parts)
{
    static const char *const whats[] = {"the script", "the expression", "the script", "the filter",
                                        "the script"};
    parts[WRAP_PART_MAIN] = (struct diag_part){o->script, whats[o->kind]};
    parts[WRAP_PART_BEGIN] = (struct diag_part){"<begin>", "the -B code"};
    parts[WRAP_PART_END] = (struct diag_part){"<end>", "the -E code"};
}

static int check_part_delimiters(const char *name, const char *what, const char *part,
                                 size_t len)
{
    struct wrap_unbalanced u;
    if (!wrap_check_delimiters(part, len, &u))
        return 0;
    struct strbuf message = STRBUF_INIT;
    wrap_describe_unbalanced(&u, what, &message);
    error("%s:%d: %s", name, u.line, message.buf);
    strbuf_release(&message);
    return -1;
}

int generate_check(const struct options *o, const struct script *s)
{
    struct diag_part parts[WRAP_PARTS];
    diag_parts(o, parts);
    if (o->kind != SOURCE_LOOP && *o->loop_begin &&
        check_part_delimiters(parts[WRAP_PART_BEGIN].name, parts[WRAP_PART_BEGIN].what,
                              o->loop_begin, strlen(o->loop_begin)))
        return -1;
    if (o->kind != SOURCE_LOOP)
        return s->main_count ? 0
                             : check_part_delimiters(parts[WRAP_PART_MAIN].name,
                                                     parts[WRAP_PART_MAIN].what, s->body.buf,
                                                     s->body.len);
    static const enum wrap_part order[] = {WRAP_PART_BEGIN, WRAP_PART_MAIN, WRAP_PART_END};
    const char *texts[WRAP_PARTS];
    texts[WRAP_PART_MAIN] = o->text;
    texts[WRAP_PART_BEGIN] = o->loop_begin;
    texts[WRAP_PART_END] = o->loop_end;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const struct diag_part *p = &parts[order[i]];
        if (check_part_delimiters(p->name, p->what, texts[order[i]], strlen(texts[order[i]])))
            return -1;
    }
    return 0;
}

/* ---- infer, wrap ---- */

/* The script's directory (the current one for -e, -s and -l). */
static void script_directory(const struct generate_request *r, struct strbuf *dir)
{
    char cwd[PATH_MAX];
    const char *source = r->id->source;
    const char *slash = strrchr(source, '/');
    if (r->o->kind == SOURCE_FILE && slash)
        strbuf_add(dir, source, slash > source ? (size_t)(slash - source) : 1);
    else if (getcwd(cwd, sizeof(cwd)))
        strbuf_addstr(dir, cwd);
}

/* The source cargo compiles; script_dir: where relative paths resolve in a copy (or NULL). */
static void wrap_code(const struct options *o, const struct script *s, const char *script_dir,
                      struct wrapped *code)
{
    struct wrap_options wo = {o->unquote ? WRAP_UNQUOTE : 0, script_dir};
    if (o->kind == SOURCE_LOOP)
        wrap_loop(o->loop_begin, o->text, o->loop_end, &wo, code);
    else if (*o->loop_begin && !s->main_count)
        wrap_snippet_after(o->loop_begin, s->body.buf, s->body.len, &wo, code);
    else if (s->main_count)
        wrap_program(s->body.buf, s->body.len, &wo, code);
    else
        wrap_snippet(s->body.buf, s->body.len, &wo, code);
}

/* Names thag's snippet prelude brings into scope (io::stdin()) are no crates. */
static int not_in_prelude(void *ctx, const char *crate)
{
    (void)ctx;
    return !wrap_in_prelude(crate);
}

/* A program file whose text cargo can take as it is is compiled where it lives: `mod x;`,
 * include_str!, panics, file!() and backtraces are then the script's own.  The body differs
 * from the text only where source.c blanked a shebang or dropped a byte-order mark (which rustc
 * skips itself) or a frontmatter block (which stable rustc cannot read). */
static int compiles_in_place(const struct generate_request *r, const struct script *s,
                             const struct generated *g)
{
    const char *path = r->id->source;
    const struct options *o = r->o;
    /* -A fmt compiles nothing and rustfmt reads frontmatter: it formats the script itself. */
    if (action_formats_script(o) && o->kind == SOURCE_FILE && s->main_count &&
        utf8_valid(path, strlen(path)))
        return 1;
    /* Cargo.toml is UTF-8: a path that is not cannot be named there. */
    return o->kind == SOURCE_FILE && s->main_count && s->format != MANIFEST_FRONTMATTER &&
           utf8_valid(path, strlen(path)) && g->code.code.len == s->body.len &&
           !memcmp(g->code.code.buf, s->body.buf, s->body.len);
}

/* Wrap the code, in place when it can be, else as a copy <stem>.rs. */
static void wrap_script(const struct generate_request *r, const struct script *s,
                        struct generated *g)
{
    script_directory(r, &g->script_dir);
    wrap_code(r->o, s, NULL, &g->code);
    if (compiles_in_place(r, s, g)) {
        g->in_place = r->id->source;
    } else {
        /* A copy: its relative paths must still mean the script's directory. */
        wrap_release(&g->code);
        wrap_code(r->o, s, g->script_dir.len ? g->script_dir.buf : NULL, &g->code);
        strbuf_addf(&g->file_name, "%s.rs", r->entry->stem.buf);
    }
}

/* ---- manifest, key ---- */

/* What the entry is, in people's words, for --cache-stats (which finds it in the project's
 * Cargo.toml, [package.metadata.cthag], also when no build succeeded): the script's path, or
 * the kind of source and the start of its text on one line. */
static void describe_source(const struct generate_request *r, const struct script *s,
                            struct strbuf *out)
{
    static const char *const kinds[] = {"", "-e", "-s", "-l", ""};
    const struct options *o = r->o;
    if (o->kind == SOURCE_FILE || o->kind == SOURCE_URL) {
        /* A Cargo.toml is UTF-8: a path that is not has no label (stats name it from the
         * record once it built). */
        if (utf8_valid(r->id->source, strlen(r->id->source)))
            strbuf_addstr(out, r->id->source);
        return;
    }
    const char *text = o->kind == SOURCE_STDIN ? s->text.buf : o->text;
    strbuf_addf(out, "%s ", kinds[o->kind]);
    size_t start = out->len, chars = 0;
    const char *p = text + strspn(text, " \t\r\n");
    for (; *p; p++) {
        int space = strchr(" \t\r\n", *p) != NULL;
        if (((unsigned char)*p & 0xC0) != 0x80 && chars++ == 48)
            break; /* at a character's start: the text stays valid UTF-8 */
        if (!space || out->buf[out->len - 1] != ' ')
            strbuf_addch(out, space ? ' ' : *p);
    }
    strbuf_rtrim(out);
    if (*p)
        strbuf_addstr(out, "...");
    if (out->len < start)
        strbuf_setlen(out, start - 1);
}
/* The edition cargo (1.95) gives a frontmatter manifest that names none: its newest stable. */
#define CARGO_SCRIPT_EDITION "2024"

/* The manifest, with the crates of uses that it does not declare added (or, with
 * GENERATE_STOPPED, none: names that must not become crates). */
static int generate_manifest(const struct generate_request *r, const struct script *s,
                             struct crate_uses *uses, struct generated *g)
{
    const struct settings *set = r->set;
    struct strbuf cargo_home = STRBUF_INIT, bin = STRBUF_INIT, source = STRBUF_INIT;
    cache_bin_name(r->entry->stem.buf, &bin);
    describe_source(r, s, &source);
    struct registry registry = {set->registry_dir, NULL, r->o->toolchain, r->o->offline};
    /* cargo's default for an embedded manifest, unless the config file names one. */
    int frontmatter_edition = s->format == MANIFEST_FRONTMATTER && !r->cfg->edition;
    registry_init(&registry, &cargo_home);
    struct manifest_input in = {
        .script_name = s->name,
        .toml = s->format != MANIFEST_NONE ? s->manifest.buf : NULL,
        .toml_len = s->manifest.len,
        .toml_line = s->manifest_line,
        .inferred = &g->inferred,
        .package_name = r->entry->package.buf,
        .bin_name = bin.buf,
        .source_label = source.len ? source.buf : NULL,
        .source_file = g->in_place ? g->in_place : g->file_name.buf,
        .registry_dir = set->registry_dir,
        .registry = &registry,
        .edition = frontmatter_edition ? CARGO_SCRIPT_EDITION : set->edition,
        .warn_default_edition = frontmatter_edition,
        .script_dir = g->script_dir.len ? g->script_dir.buf : NULL,
        .no_directory = r->o->kind == SOURCE_URL,
        .infer_features = set->infer >= INFER_CONFIG ? r->cfg->infer_features : NULL,
        .infer_max_features = set->infer == INFER_MAX ? r->cfg->infer_max_features : NULL,
        .bare_keys_are_dependencies = r->o->toml != NULL,
        .deps = r->o->deps,
        .ndeps = (size_t)r->o->ndeps,
        .thag_format = s->format == MANIFEST_THAG,
        .thag = &set->thag,
        .env_used = &g->env_used,
    };
    struct inferred_context ic = {s->name, r->o->kind == SOURCE_FILE ? r->id->source : NULL,
                                  r->entry->project_dir.buf, &registry, r->o->update,
                                  manifest_is_local_crate, &in};
    manifest_drop_declared(&in, uses);
    int result = inferred_choose(&ic, uses, &g->inferred) ? GENERATE_STOPPED
                 : manifest_generate(&in, &g->manifest);
    strbuf_release(&cargo_home);
    strbuf_release(&bin);
    strbuf_release(&source);
    return result;
}

/* The crates the -B text (before a snippet: a session's earlier entries, -r) uses and the
 * snippet does not, added to uses.  They are the text's, not the snippet's: line 0. */
static void add_begin_uses(const char *begin, struct crate_uses *uses)
{
    struct crate_uses before = CRATE_USES_INIT;
    infer_uses(begin, strlen(begin), &before);
    for (size_t i = 0; i < before.count; i++) {
        struct crate_use *u = &before.items[i];
        int seen = u->glob != NULL;
        for (size_t j = 0; j < uses->count && !seen; j++)
            seen = !strcmp(uses->items[j].crate, u->crate);
        if (seen)
            continue;
        ALLOC_GROW(uses->items, uses->count + 1, uses->alloc);
        uses->items[uses->count] = *u;
        uses->items[uses->count++].line = 0;
        memset(u, 0, sizeof(*u)); /* moved */
    }
    crate_uses_release(&before);
}

static int used_after_begin(void *ctx, const char *crate)
{
    return strlist_contains(ctx, crate);
}

/* The crates the code uses.  Before a snippet, the -B text shares its block (wrap.c): a name
 * -B declares (`mod m;`, `use x as m;`, `fn m`) is in the snippet's scope, no crate. */
static void infer_code_uses(const struct options *o, const struct script *s,
                            struct crate_uses *uses)
{
    int begin = o->kind != SOURCE_LOOP && *o->loop_begin;
    infer_uses(s->body.buf, s->body.len, uses);
    if (begin && !s->main_count) {
        struct strbuf joined = STRBUF_INIT;
        struct strlist crates = STRLIST_INIT;
        strbuf_addf(&joined, "%s\n", o->loop_begin);
        strbuf_add(&joined, s->body.buf, s->body.len);
        infer_crates(joined.buf, joined.len, &crates);
        crate_uses_filter(uses, used_after_begin, &crates);
        strlist_release(&crates);
        strbuf_release(&joined);
    }
    infer_note_uses(s->name, uses);
    if (begin)
        add_begin_uses(o->loop_begin, uses);
}

int generate_project(const struct generate_request *r, const struct script *s,
                     struct generated *g)
{
    const struct options *o = r->o;
    struct crate_uses uses = CRATE_USES_INIT;
    if (r->set->infer != INFER_NONE)
        infer_code_uses(o, s, &uses);
    if (o->kind == SOURCE_LOOP || !s->main_count)
        crate_uses_filter(&uses, not_in_prelude, NULL);
    wrap_script(r, s, g);
    int result = generate_manifest(r, s, &uses, g);
    crate_uses_release(&uses);
    if (result)
        return result;
    diag_parts(o, g->diag.parts);
    g->diag.generated_name = g->in_place ? g->in_place : g->file_name.buf;
    g->diag.code = &g->code;
    struct build_key_input key = {g->manifest.buf, g->code.code.buf, g->code.code.len,
                                  r->id->opts.buf, r->set->release, r->set->registry_dir};
    identity_build_key(&key, g->key);
    return 0;
}

void generated_release(struct generated *g)
{
    inferred_list_release(&g->inferred);
    strbuf_release(&g->script_dir);
    strbuf_release(&g->manifest);
    strbuf_release(&g->file_name);
    strlist_release(&g->env_used);
    wrap_release(&g->code);
}
