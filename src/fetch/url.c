#include "fetch/url.h"

#include "util/strlist.h"

#include <string.h>
#include <strings.h>

/* A URL taken apart: scheme://authority/path?query#fragment. */
struct url {
    const char *scheme;      /* "http" or "https" */
    struct strbuf authority; /* [userinfo@]host[:port], the host lowercased */
    struct strbuf host;      /* lowercased, without userinfo and port */
    const char *path;        /* from its '/', up to '?' or '#'; may be empty */
    size_t path_len;
    const char *query;       /* after '?', up to '#'; NULL when there is none */
    size_t query_len;
    struct strlist segments; /* the path's segments, trailing empty ones left out */
};

static int starts_with_nocase(const char *s, const char *prefix)
{
    return !strncasecmp(s, prefix, strlen(prefix));
}

int url_is_remote(const char *arg)
{
    return starts_with_nocase(arg, "https://") || starts_with_nocase(arg, "http://");
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The host inside an authority: after any userinfo, before any port ([v6] kept whole). */
static void parse_host(struct url *u)
{
    const char *a = u->authority.buf;
    const char *at = strrchr(a, '@');
    const char *host = at ? at + 1 : a;
    size_t len = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":");
    strbuf_add(&u->host, host, len > strlen(host) ? strlen(host) : len);
    for (size_t i = 0; i < u->authority.len; i++)
        if (u->authority.buf + i >= host)
            u->authority.buf[i] = lower(u->authority.buf[i]);
    for (size_t i = 0; i < u->host.len; i++)
        u->host.buf[i] = lower(u->host.buf[i]);
}

static void split_segments(struct url *u)
{
    const char *p = u->path, *end = u->path + u->path_len;
    while (end > p && end[-1] == '/')
        end--;
    while (p < end) {
        p++; /* the '/' */
        const char *slash = memchr(p, '/', (size_t)(end - p));
        const char *stop = slash ? slash : end;
        struct strbuf s = STRBUF_INIT;
        strbuf_add(&s, p, (size_t)(stop - p));
        strlist_add(&u->segments, s.buf);
        strbuf_release(&s);
        p = stop;
    }
}

static void init_url(struct url *u)
{
    memset(u, 0, sizeof(*u));
    strbuf_init(&u->authority);
    strbuf_init(&u->host);
}

/* Parse text, an http(s) URL, into u (initialised). */
static int parse_url(const char *text, struct url *u, struct strbuf *why)
{
    if (strlen(text) > URL_MAX_BYTES)
        return strbuf_addf(why, "is longer than %d bytes", URL_MAX_BYTES), -1;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c <= ' ' || *c == 0x7f)
            return strbuf_addstr(why, "contains a space or a control character (percent-encode "
                                      "it: %20)"), -1;
    u->scheme = starts_with_nocase(text, "https://") ? "https" : "http";
    const char *a = strstr(text, "://") + 3;
    size_t alen = strcspn(a, "/?#");
    strbuf_add(&u->authority, a, alen);
    parse_host(u);
    if (!u->host.len)
        return strbuf_addstr(why, "has no host name"), -1;
    u->path = a + alen;
    u->path_len = strcspn(u->path, "?#");
    if (u->path[u->path_len] == '?') {
        u->query = u->path + u->path_len + 1;
        u->query_len = strcspn(u->query, "#");
    }
    split_segments(u);
    return 0;
}

static void release_url(struct url *u)
{
    strbuf_release(&u->authority);
    strbuf_release(&u->host);
    strlist_release(&u->segments);
}

static const char *segment(const struct url *u, size_t i)
{
    return i < u->segments.count ? u->segments.items[i] : "";
}

static int is_host(const struct url *u, const char *name)
{
    const char *h = u->host.buf;
    if (!strncmp(h, "www.", 4))
        h += 4;
    return !strcmp(h, name);
}

/* https://HOST/ followed by the given segments, then segments from..end of u. */
static void join(struct strbuf *out, const char *host, const char *const *first, size_t nfirst,
                 const struct url *u, size_t from)
{
    strbuf_addf(out, "https://%s", host);
    for (size_t i = 0; i < nfirst; i++)
        strbuf_addf(out, "/%s", first[i]);
    for (size_t i = from; i < u->segments.count; i++)
        strbuf_addf(out, "/%s", u->segments.items[i]);
}

static int is_hex_id(const char *s)
{
    size_t n = strspn(s, "0123456789abcdefABCDEF");
    return n > 0 && !s[n];
}

/* The URL as it is, without its fragment. */
static void as_given(const struct url *u, struct strbuf *raw)
{
    strbuf_addf(raw, "%s://%s", u->scheme, u->authority.buf);
    strbuf_add(raw, u->path, u->path_len);
    if (u->query)
        strbuf_addf(raw, "?%.*s", (int)u->query_len, u->query);
}

static int github(const struct url *u, struct strbuf *raw, struct strbuf *why)
{
    size_t n = u->segments.count;
    const char *kind = segment(u, 2);
    if (n <= 2 || (n == 3 && !strcmp(kind, "tree")))
        return strbuf_addstr(why, "names a GitHub repository, not a file: give the file's URL "
                                  "(https://github.com/OWNER/REPO/blob/BRANCH/PATH)"), -1;
    if (!strcmp(kind, "tree"))
        return strbuf_addstr(why, "names a directory on GitHub, not a file"), -1;
    if (strcmp(kind, "blob") && strcmp(kind, "raw")) {
        as_given(u, raw);
        return 0;
    }
    if (n < 5)
        return strbuf_addf(why, "names no file after /%s/BRANCH/", kind), -1;
    const char *first[] = {segment(u, 0), segment(u, 1)};
    join(raw, "raw.githubusercontent.com", first, 2, u, 3);
    return 0;
}

static int gist(const struct url *u, struct strbuf *raw, struct strbuf *why)
{
    size_t n = u->segments.count;
    if (n == 1 && is_hex_id(segment(u, 0)))
        return strbuf_addstr(why, "names a Gist without its owner: give "
                                  "https://gist.github.com/OWNER/ID, as the Gist's page shows"), -1;
    if (n < 2 || !is_hex_id(segment(u, 1)) || (n > 2 && strcmp(segment(u, 2), "raw")))
        return strbuf_addstr(why, "is not a Gist's URL (https://gist.github.com/OWNER/ID)"), -1;
    const char *first[] = {segment(u, 0), segment(u, 1), "raw"};
    join(raw, "gist.githubusercontent.com", first, 3, u, 3);
    return 0;
}

/* GitLab (gitlab.com or one's own): .../-/blob/REF/PATH. */
static int gitlab(const struct url *u, size_t dash, struct strbuf *raw, struct strbuf *why)
{
    const char *kind = segment(u, dash + 1);
    if (!strcmp(kind, "tree"))
        return strbuf_addstr(why, "names a directory on GitLab, not a file"), -1;
    if (u->segments.count < dash + 4)
        return strbuf_addstr(why, "names no file after /-/blob/BRANCH/"), -1;
    strbuf_addf(raw, "https://%s", u->authority.buf);
    for (size_t i = 0; i < u->segments.count; i++)
        strbuf_addf(raw, "/%s", i == dash + 1 ? "raw" : u->segments.items[i]);
    return 0;
}

/* Bitbucket and Gitea/Forgejo (Codeberg): OWNER/REPO/src/... -> OWNER/REPO/raw/... */
static int src_to_raw(const struct url *u, const char *forge, size_t min_segments,
                      struct strbuf *raw, struct strbuf *why)
{
    size_t n = u->segments.count;
    if (n <= 2)
        return strbuf_addf(why, "names a %s repository, not a file", forge), -1;
    if (strcmp(segment(u, 2), "src")) {
        as_given(u, raw);
        return 0;
    }
    if (n < min_segments)
        return strbuf_addf(why, "names a directory on %s, not a file", forge), -1;
    const char *first[] = {segment(u, 0), segment(u, 1), "raw"};
    join(raw, u->host.buf, first, 3, u, 3);
    return 0;
}

/* play.rust-lang.org/?version=stable&gist=ID: the Gist the Playground shared the code as. */
static int playground(const struct url *u, struct strbuf *raw, struct strbuf *why)
{
    const char *q = u->query, *end = q ? q + u->query_len : NULL;
    while (q && q < end) {
        size_t len = strcspn(q, "&;#");
        if (len > 5 && !strncmp(q, "gist=", 5)) {
            struct strbuf id = STRBUF_INIT;
            strbuf_add(&id, q + 5, len - 5);
            int ok = is_hex_id(id.buf);
            if (ok)
                strbuf_addf(raw, "https://gist.githubusercontent.com/rust-play/%s/raw", id.buf);
            strbuf_release(&id);
            return ok ? 0 : (strbuf_addstr(why, "has a gist= that is not a Gist ID"), -1);
        }
        q += len + 1;
    }
    return strbuf_addstr(why, "is a Playground link without gist=ID: use the Playground's "
                              "Share button, whose link names the Gist"), -1;
}

/* The index of a "-" segment followed by "blob" or "tree" (GitLab's page forms), or 0. */
static size_t gitlab_dash(const struct url *u)
{
    for (size_t i = 2; i + 1 < u->segments.count; i++) {
        const char *next = u->segments.items[i + 1];
        if (!strcmp(u->segments.items[i], "-") && (!strcmp(next, "blob") || !strcmp(next, "tree")))
            return i;
    }
    return 0;
}

int url_to_raw(const char *text, struct strbuf *raw, struct strbuf *why)
{
    struct url u;
    int result = -1;
    size_t dash;
    init_url(&u);
    if (!url_is_remote(text))
        strbuf_addstr(why, "is not an http:// or https:// URL");
    else if (parse_url(text, &u, why))
        ;
    else if (is_host(&u, "github.com"))
        result = github(&u, raw, why);
    else if (is_host(&u, "gist.github.com"))
        result = gist(&u, raw, why);
    else if (is_host(&u, "play.rust-lang.org"))
        result = playground(&u, raw, why);
    else if (is_host(&u, "bitbucket.org"))
        result = src_to_raw(&u, "Bitbucket", 5, raw, why);
    else if (is_host(&u, "codeberg.org"))
        result = src_to_raw(&u, "Codeberg", 6, raw, why);
    else if ((dash = gitlab_dash(&u)))
        result = gitlab(&u, dash, raw, why);
    else {
        as_given(&u, raw);
        result = 0;
    }
    release_url(&u);
    if (result)
        strbuf_reset(raw);
    return result;
}

void url_script_name(const char *raw, struct strbuf *name)
{
    struct url u;
    struct strbuf why = STRBUF_INIT;
    strbuf_reset(name);
    init_url(&u);
    if (!url_is_remote(raw) || parse_url(raw, &u, &why)) {
        strbuf_addstr(name, "url");
    } else {
        size_t n = u.segments.count;
        const char *last = n ? u.segments.items[n - 1] : "";
        if (is_host(&u, "gist.githubusercontent.com") && n == 3 && !strcmp(last, "raw"))
            strbuf_addf(name, "gist-%.8s", segment(&u, 1));
        else
            strbuf_addstr(name, *last ? last : u.host.buf);
    }
    release_url(&u);
    strbuf_release(&why);
}
