/* Inference's resolution: which candidates the walk (infer.c) found name crates, given the
 * names bound in each block and those around it (hash tables by name and block, each answer
 * remembered); and the list of crate uses it yields: released, filtered, described, noted for
 * -v. */
#include "script/infer.h"

#include "script/infer_scan.h"
#include "util/die.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* ---- resolution ---- */

/* Chained hash tables keyed by a name in a block: heads[hash & mask] is the last entry in that
 * bucket, and each entry's next the one before it. */
struct name_table {
    int *heads;
    size_t mask;
};

static size_t name_hash(const char *name, int block)
{
    size_t h = 2166136261u; /* FNV-1a */
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 16777619u;
    return (h ^ (size_t)block) * 16777619u;
}

static void name_table_init(struct name_table *t, size_t entries)
{
    size_t size = 16;
    while (size < 2 * entries)
        size *= 2;
    t->heads = xmalloc(size * sizeof(*t->heads));
    for (size_t i = 0; i < size; i++)
        t->heads[i] = -1;
    t->mask = size - 1;
}

/* Link entry i into t under (name, block); returns the bucket's entry before it (its next). */
static int name_table_add(struct name_table *t, const char *name, int block, int i)
{
    int *head = &t->heads[name_hash(name, block) & t->mask], before = *head;
    *head = i;
    return before;
}

static int name_table_first(const struct name_table *t, const char *name, int block)
{
    return t->heads[name_hash(name, block) & t->mask];
}

/* What resolution knows: the bindings by (name, block), and the answers found so far, "is
 * name bound in block or a block around it", so that each (name, block) is walked once. */
struct resolver {
    const struct scan *s;
    struct name_table bound, known;
    struct known {
        const char *name;
        int block, bound, next;
    } *answers;
    size_t nanswers, answers_alloc;
    int *path;
    size_t npath, path_alloc;
};

/* A binding of name made in block itself, other than by declaration decl (when not 0). */
static int bound_in(const struct resolver *r, const char *name, int block, int decl)
{
    for (int i = name_table_first(&r->bound, name, block); i >= 0; i = r->s->bindings[i].next) {
        const struct binding *n = &r->s->bindings[i];
        if (n->block == block && !(decl && n->decl == decl) && !strcmp(n->name, name))
            return 1;
    }
    return 0;
}

static int known_answer(const struct resolver *r, const char *name, int block)
{
    for (int i = name_table_first(&r->known, name, block); i >= 0; i = r->answers[i].next)
        if (r->answers[i].block == block && !strcmp(r->answers[i].name, name))
            return r->answers[i].bound;
    return -1;
}

static void add_answer(struct resolver *r, const char *name, int block, int bound)
{
    if (2 * (r->nanswers + 1) > r->known.mask + 1) { /* grow: chains stay short */
        free(r->known.heads);
        name_table_init(&r->known, r->nanswers + 1);
        for (size_t i = 0; i < r->nanswers; i++)
            r->answers[i].next = name_table_add(&r->known, r->answers[i].name,
                                                r->answers[i].block, (int)i);
    }
    ALLOC_GROW(r->answers, r->nanswers + 1, r->answers_alloc);
    int next = name_table_add(&r->known, name, block, (int)r->nanswers);
    r->answers[r->nanswers++] = (struct known){name, block, bound, next};
}

/* Is the candidate's name bound in its block or one around it?  (A use declaration's own
 * binding does not hide the crate it names: `use rand;`.)  The blocks walked remember the
 * answer. */
static int is_bound(struct resolver *r, const struct candidate *c)
{
    int block = c->block, bound = 0;
    if (c->decl) {
        if (bound_in(r, c->name, block, c->decl))
            return 1;
        block = r->s->blocks[block].parent;
    }
    r->npath = 0;
    for (; block >= 0; block = r->s->blocks[block].parent) {
        int known = known_answer(r, c->name, block);
        if (known >= 0) {
            bound = known;
            break;
        }
        ALLOC_GROW(r->path, r->npath + 1, r->path_alloc);
        r->path[r->npath++] = block;
        if (bound_in(r, c->name, block, 0)) {
            bound = 1;
            break;
        }
    }
    for (size_t i = 0; i < r->npath; i++)
        add_answer(r, c->name, r->path[i], bound);
    return bound;
}

/* Is name among the crates found so far?  (known's answers with block -1.) */
static int has_crate(struct resolver *r, const char *name)
{
    return known_answer(r, name, -1) >= 0;
}

static void add_use(struct crate_uses *uses, struct candidate *c, char *glob)
{
    ALLOC_GROW(uses->items, uses->count + 1, uses->alloc);
    uses->items[uses->count++] = (struct crate_use){c->name, c->path, c->next, glob, c->kind,
                                                    c->line, c->global};
    c->name = c->path = c->next = NULL; /* now owned by uses */
}

/* A glob import whose first segment is a crate: its block, else -1. */
static int crate_glob_block(struct resolver *r, const struct glob *g)
{
    const struct candidate *root = &r->s->candidates[g->root];
    return root->global || !is_bound(r, root) ? g->block : -1;
}

/* The crate glob import in scope where the candidate is, or NULL.  Only a path can mean a name
 * a glob brought: a `use` root, `extern crate` and `::name` always name crates. */
static const struct glob *glob_in_scope(const struct resolver *r, const int *glob_blocks,
                                        const struct candidate *c)
{
    if (c->global || c->kind == CRATE_USE_DECLARATION || c->kind == CRATE_USE_EXTERN)
        return NULL;
    for (int block = c->block; block >= 0; block = r->s->blocks[block].parent)
        for (size_t i = 0; i < r->s->nglobs; i++)
            if (glob_blocks[i] == block)
                return &r->s->globs[i];
    return NULL;
}

void infer_resolve(struct scan *s, struct crate_uses *uses)
{
    struct resolver r = {s, {NULL, 0}, {NULL, 0}, NULL, 0, 0, NULL, 0, 0};
    name_table_init(&r.bound, s->nbindings);
    for (size_t i = 0; i < s->nbindings; i++)
        s->bindings[i].next = name_table_add(&r.bound, s->bindings[i].name,
                                             s->bindings[i].block, (int)i);
    name_table_init(&r.known, uses->count + s->ncandidates);
    for (size_t i = 0; i < uses->count; i++)
        add_answer(&r, uses->items[i].crate, -1, 1);
    int *glob_blocks = xcalloc(s->nglobs + 1, sizeof(int));
    for (size_t i = 0; i < s->nglobs; i++)
        glob_blocks[i] = crate_glob_block(&r, &s->globs[i]);
    struct candidate **unsure = xcalloc(s->ncandidates + 1, sizeof(*unsure));
    const struct glob **unsure_glob = xcalloc(s->ncandidates + 1, sizeof(*unsure_glob));
    size_t nunsure = 0;
    for (size_t i = 0; i < s->ncandidates; i++) {
        struct candidate *c = &s->candidates[i];
        if (has_crate(&r, c->name) || (!c->global && is_bound(&r, c)))
            continue;
        const struct glob *g = glob_in_scope(&r, glob_blocks, c);
        if (g) {
            unsure_glob[nunsure] = g;
            unsure[nunsure++] = c;
            continue;
        }
        add_use(uses, c, NULL);
        add_answer(&r, uses->items[uses->count - 1].crate, -1, 1);
    }
    /* Names that may come from a glob, and name no crate elsewhere: not inferred, but kept to
     * say so (once each). */
    for (size_t i = 0; i < nunsure; i++) {
        if (has_crate(&r, unsure[i]->name))
            continue;
        add_use(uses, unsure[i], xstrdup(unsure_glob[i]->text));
        add_answer(&r, uses->items[uses->count - 1].crate, -1, 1);
    }
    free(unsure);
    free(unsure_glob);
    free(glob_blocks);
    free(r.path);
    free(r.answers);
    free(r.known.heads);
    free(r.bound.heads);
}
void crate_uses_release(struct crate_uses *uses)
{
    for (size_t i = 0; i < uses->count; i++) {
        free(uses->items[i].crate);
        free(uses->items[i].path);
        free(uses->items[i].next);
        free(uses->items[i].glob);
    }
    free(uses->items);
    memset(uses, 0, sizeof(*uses));
}

void crate_uses_filter(struct crate_uses *uses, int (*keep)(void *ctx, const char *crate),
                       void *ctx)
{
    size_t kept = 0;
    for (size_t i = 0; i < uses->count; i++) {
        struct crate_use *u = &uses->items[i];
        if (!u->glob && keep(ctx, u->crate)) {
            uses->items[kept++] = *u;
            continue;
        }
        free(u->crate);
        free(u->path);
        free(u->next);
        free(u->glob);
    }
    uses->count = kept;
}

void infer_describe_use(const struct crate_use *u, struct strbuf *out)
{
    strbuf_addf(out, "%s%s%s", u->kind == CRATE_USE_ATTRIBUTE ? "#[" : "", u->path,
                u->kind == CRATE_USE_MACRO ? "!" : u->kind == CRATE_USE_ATTRIBUTE ? "]" : "");
}

void infer_note_uses(const char *script_name, const struct crate_uses *uses)
{
    static const char *const forms[] = {"the declaration", "", "the path", "the macro",
                                        "the attribute"};
    struct strbuf text = STRBUF_INIT;
    for (size_t i = 0; i < uses->count; i++) {
        const struct crate_use *u = &uses->items[i];
        strbuf_reset(&text);
        infer_describe_use(u, &text);
        if (u->glob) {
            note("%s:%d: not inferring a crate %s from `%s`: it may be a name `use %s;` brings",
                 script_name, u->line, u->crate, text.buf, u->glob);
            continue;
        }
        const char *why = u->kind == CRATE_USE_EXTERN ? ""
                          : u->global                ? " (a global path names a crate)"
                                                     : " (nothing in scope is called ";
        note("%s:%d: inferred crate %s from %s%s`%s`%s%s%s", script_name, u->line, u->crate,
             forms[u->kind], *forms[u->kind] ? " " : "", text.buf, why,
             *why == ' ' && !u->global ? u->crate : "", *why == ' ' && !u->global ? ")" : "");
    }
    strbuf_release(&text);
}
