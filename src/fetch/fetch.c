#include "fetch/fetch.h"

#include "util/die.h"
#include "util/fs.h"
#include "util/spawn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The checked time is rewritten at most this often when the server confirms the copy. */
#define CHECKED_RESOLUTION 3600

static const char meta_magic[] = "cthag-fetched 1\n";

/* ---- the meta file ---- */

void fetch_meta_init(struct fetch_meta *m)
{
    memset(m, 0, sizeof(*m));
    strbuf_init(&m->url);
    strbuf_init(&m->etag);
    strbuf_init(&m->last_modified);
    strbuf_init(&m->content_type);
}

void fetch_meta_release(struct fetch_meta *m)
{
    strbuf_release(&m->url);
    strbuf_release(&m->etag);
    strbuf_release(&m->last_modified);
    strbuf_release(&m->content_type);
}

static int parse_time(const char *v, size_t len, long long *out)
{
    char *end;
    char digits[24];
    if (!len || len >= sizeof(digits) || strspn(v, "0123456789") < len)
        return -1;
    memcpy(digits, v, len);
    digits[len] = '\0';
    errno = 0;
    *out = strtoll(digits, &end, 10);
    return errno || *end ? -1 : 0;
}

/* One "name value" line; -1 for an unknown name or a bad value. */
static int parse_meta_line(const char *line, size_t len, struct fetch_meta *m, unsigned *seen)
{
    static const char *const names[] = {"url", "etag", "last-modified", "content-type",
                                        "fetched", "checked", "hash"};
    struct strbuf *texts[] = {&m->url, &m->etag, &m->last_modified, &m->content_type};
    const char *sp = memchr(line, ' ', len);
    if (!sp)
        return -1;
    size_t name_len = (size_t)(sp - line), vlen = len - name_len - 1;
    const char *v = sp + 1;
    for (size_t i = 0; i < vlen; i++)
        if ((unsigned char)v[i] < ' ' || v[i] == 0x7f)
            return -1; /* never written: fetch_meta_format keeps values to one line */
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i]) != name_len || memcmp(names[i], line, name_len) || (*seen & 1u << i))
            continue;
        *seen |= 1u << i;
        if (i < 4) {
            strbuf_add(texts[i], v, vlen);
            return 0;
        }
        if (i == 6) {
            if (vlen != HASH_HEX_LEN || !hash_is_hex(v, vlen))
                return -1;
            memcpy(m->hash, v, vlen);
            m->hash[vlen] = '\0';
            return 0;
        }
        return parse_time(v, vlen, i == 4 ? &m->fetched : &m->checked);
    }
    return -1;
}

int fetch_meta_parse(const char *buf, size_t len, struct fetch_meta *m)
{
    size_t magic = sizeof(meta_magic) - 1;
    unsigned seen = 0;
    if (len < magic || memcmp(buf, meta_magic, magic) || memchr(buf, '\0', len))
        return -1;
    for (const char *p = buf + magic, *end = buf + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl || parse_meta_line(p, (size_t)(nl - p), m, &seen))
            return -1;
        p = nl + 1;
    }
    /* url, fetched, checked and hash are always there. */
    return (seen & 0x71) == 0x71 && m->url.len ? 0 : -1;
}

/* A value goes into the file only when it is one line of printable text. */
static int is_one_line(const struct strbuf *v)
{
    for (size_t i = 0; i < v->len; i++)
        if ((unsigned char)v->buf[i] < ' ' || v->buf[i] == 0x7f)
            return 0;
    return 1;
}

void fetch_meta_format(const struct fetch_meta *m, struct strbuf *out)
{
    const char *names[] = {"url", "etag", "last-modified", "content-type"};
    const struct strbuf *texts[] = {&m->url, &m->etag, &m->last_modified, &m->content_type};
    strbuf_addstr(out, meta_magic);
    for (size_t i = 0; i < 4; i++)
        if ((i == 0 || texts[i]->len) && is_one_line(texts[i]))
            strbuf_addf(out, "%s %s\n", names[i], texts[i]->buf);
    strbuf_addf(out, "fetched %lld\nchecked %lld\nhash %s\n", m->fetched, m->checked, m->hash);
}

/* ---- judging a response ---- */

static int has_prefix_nocase(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && !strncasecmp(s, prefix, n);
}

/* An HTML document, by its type or (whatever the type says) by how it starts. */
static int is_html(const struct http_response *r)
{
    const char *t = r->content_type.buf, *b = r->body.buf, *end = b + r->body.len;
    if (has_prefix_nocase(t, r->content_type.len, "text/html") ||
        has_prefix_nocase(t, r->content_type.len, "application/xhtml+xml"))
        return 1;
    if (end - b >= 3 && !memcmp(b, "\xef\xbb\xbf", 3))
        b += 3;
    while (b < end && strchr(" \t\r\n", *b))
        b++;
    return has_prefix_nocase(b, (size_t)(end - b), "<!doctype html") ||
           has_prefix_nocase(b, (size_t)(end - b), "<html");
}

/* "(HTTP 200, text/html)": what came back. */
static void describe_response(const struct http_response *r, struct strbuf *out)
{
    strbuf_addf(out, "HTTP %d%s%s", r->status, r->reason.len ? " " : "", r->reason.buf);
}

enum fetch_verdict fetch_judge(const struct http_response *r, int conditional, struct strbuf *why)
{
    int s = r->status;
    if (s == 304 && conditional)
        return VERDICT_NOT_MODIFIED;
    if (s == 200 && !is_html(r) && !memchr(r->body.buf, '\0', r->body.len))
        return VERDICT_SCRIPT;
    if (s == 200) {
        strbuf_addstr(why, is_html(r) ? "the server sent an HTML page, not a script ("
                                      : "the server sent binary data, not a script (");
        describe_response(r, why);
        strbuf_addf(why, ", %s)", r->content_type.len ? r->content_type.buf : "no content type");
        if (is_html(r))
            strbuf_addstr(why, "; give the URL of the file's raw text");
        return VERDICT_REFUSED;
    }
    strbuf_addstr(why, s == 404 || s == 410 ? "not found ("
                       : s >= 500 || s == 408 || s == 429 ? "the server cannot answer now ("
                       : s >= 400                         ? "the server refused it ("
                                                          : "the server answered ");
    describe_response(r, why);
    if (s >= 400)
        strbuf_addch(why, ')');
    else
        strbuf_addstr(why, ", not the script");
    return s >= 500 || s == 408 || s == 429 ? VERDICT_UNAVAILABLE : VERDICT_REFUSED;
}

void fetch_describe_age(long long seconds, struct strbuf *out)
{
    static const struct {
        long long size;
        const char *name;
    } units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
    if (seconds < 0)
        seconds = 0;
    size_t i = 0;
    /* Two of a unit before it is used: "90 minutes ago", not "1 hour ago", for 1.5 hours. */
    while (i < 3 && seconds < 2 * units[i].size)
        i++;
    long long n = seconds / units[i].size;
    strbuf_addf(out, "%lld %s%s ago", n, units[i].name, n == 1 ? "" : "s");
}

int fetch_timeout(double *seconds)
{
    const char *v = getenv("CTHAG_FETCH_TIMEOUT");
    *seconds = FETCH_TIMEOUT_DEFAULT;
    if (!v || !*v)
        return 0;
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || *end || end == v || !(d > 0) || d > 86400 || strspn(v, "0123456789.") != strlen(v))
        return error("CTHAG_FETCH_TIMEOUT=%s: not a number of seconds (e.g. 30, 2.5)", v);
    *seconds = d;
    return 0;
}

/* ---- the copy ---- */

void fetch_body_path(const char *dir, struct strbuf *path)
{
    strbuf_addf(path, "%s/url.body", dir);
}

static void meta_path(const char *dir, struct strbuf *path)
{
    strbuf_addf(path, "%s/url.meta", dir);
}

static void hash_text(const char *text, size_t len, char out[HASH_HEX_LEN + 1])
{
    struct hasher *h = hasher_new();
    hasher_add(h, text, len);
    hasher_finish(h, out);
}

/* The copy of req->url in req->dir, whole: its meta into m.  0 when there is one. */
static int load_copy(const struct fetch_request *req, struct fetch_meta *m)
{
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    char hash[HASH_HEX_LEN + 1];
    meta_path(req->dir, &path);
    int ok = !fs_read_file(path.buf, &text) && !fetch_meta_parse(text.buf, text.len, m) &&
             !strcmp(m->url.buf, req->url);
    strbuf_reset(&path);
    strbuf_reset(&text);
    fetch_body_path(req->dir, &path);
    if (ok) {
        ok = !fs_read_file(path.buf, &text);
        hash_text(text.buf, text.len, hash);
        ok = ok && !strcmp(hash, m->hash);
    }
    strbuf_release(&path);
    strbuf_release(&text);
    return ok ? 0 : -1;
}

static void store_meta_quietly(const struct fetch_request *req, const struct fetch_meta *m)
{
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    meta_path(req->dir, &path);
    fetch_meta_format(m, &text);
    fs_write_atomic_quietly(path.buf, text.buf, text.len, 0600);
    strbuf_release(&path);
    strbuf_release(&text);
}

int fetch_store(const struct fetch_request *req, const struct fetch_result *res)
{
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    int result = 0;
    if (fs_mkdir_private(req->dir))
        result = error("cannot create %s: %s", req->dir, strerror(errno));
    fetch_body_path(req->dir, &path);
    /* The same text stored meanwhile (a parallel first run) stays as it is: a build reading it
     * must not see its stat data change under it. */
    if (!result && fs_write_if_changed(path.buf, res->text.buf, res->text.len) < 0)
        result = -1;
    strbuf_reset(&path);
    meta_path(req->dir, &path);
    fetch_meta_format(&res->meta, &text);
    if (!result)
        result = fs_write_atomic(path.buf, text.buf, text.len, 0600);
    strbuf_release(&path);
    strbuf_release(&text);
    return result;
}

void fetch_result_release(struct fetch_result *res)
{
    fetch_meta_release(&res->meta);
    strbuf_release(&res->text);
}

/* ---- fetching ---- */

/* " (fetched 2 days ago, current 5 minutes ago)": how old the copy is. */
static void describe_copy(const struct fetch_meta *m, struct strbuf *out)
{
    long long now = (long long)time(NULL);
    strbuf_addstr(out, "the copy fetched ");
    fetch_describe_age(now - m->fetched, out);
    if (m->checked - m->fetched >= 60) {
        strbuf_addstr(out, " (still current ");
        fetch_describe_age(now - m->checked, out);
        strbuf_addch(out, ')');
    }
}

/* The server could not give the text: the copy runs, saying why, or the error. */
static int fall_back(const struct fetch_request *req, struct fetch_result *res, int have_copy,
                     const char *why)
{
    if (spawn_interrupted)
        return -1;
    if (!have_copy)
        return error("%s: %s", req->name, why);
    struct strbuf copy = STRBUF_INIT;
    describe_copy(&res->meta, &copy);
    warning("%s: %s; running %s", req->name, why, copy.buf);
    strbuf_release(&copy);
    res->state = FETCH_COPY;
    return 0;
}

/* The server confirmed the copy (304, or the same text again): the copy runs; its meta is
 * refreshed when the validators changed or its checked time is an hour old. */
static void confirm_copy(const struct fetch_request *req, struct fetch_result *res,
                         const struct http_response *r)
{
    struct fetch_meta *m = &res->meta;
    long long now = (long long)time(NULL);
    int changed = r->status == 200 && (strcmp(m->etag.buf, r->etag.buf) ||
                                       strcmp(m->last_modified.buf, r->last_modified.buf));
    note("%s: unchanged since it was fetched (HTTP %d)", req->name, r->status);
    if (changed) {
        strbuf_reset(&m->etag);
        strbuf_addstr(&m->etag, r->etag.buf);
        strbuf_reset(&m->last_modified);
        strbuf_addstr(&m->last_modified, r->last_modified.buf);
    }
    if (changed || now - m->checked >= CHECKED_RESOLUTION) {
        m->checked = now;
        store_meta_quietly(req, m);
    }
    res->state = FETCH_CONFIRMED;
}

/* New text: the result to store. */
static void take_text(const struct fetch_request *req, struct fetch_result *res,
                      struct http_response *r)
{
    struct fetch_meta *m = &res->meta;
    strbuf_reset(&m->url);
    strbuf_addstr(&m->url, req->url);
    strbuf_reset(&m->etag);
    strbuf_addstr(&m->etag, r->etag.buf);
    strbuf_reset(&m->last_modified);
    strbuf_addstr(&m->last_modified, r->last_modified.buf);
    strbuf_reset(&m->content_type);
    strbuf_addstr(&m->content_type, r->content_type.buf);
    m->fetched = m->checked = (long long)time(NULL);
    hash_text(r->body.buf, r->body.len, m->hash);
    struct strbuf body = r->body; /* handed over, not copied */
    r->body = res->text;
    res->text = body;
    res->state = FETCH_NEW;
    if (r->redirects)
        note("%s: fetched from %s (after %d redirects)", req->name, r->url.buf, r->redirects);
}

static int judge_response(const struct fetch_request *req, struct fetch_result *res,
                          int have_copy, struct http_response *r)
{
    struct strbuf why = STRBUF_INIT;
    int result = 0;
    enum fetch_verdict verdict = fetch_judge(r, have_copy, &why);
    if (verdict != VERDICT_SCRIPT && strcmp(r->url.buf, req->name))
        strbuf_addf(&why, " at %s", r->url.buf);
    if (verdict == VERDICT_NOT_MODIFIED) {
        confirm_copy(req, res, r);
    } else if (verdict == VERDICT_SCRIPT) {
        char hash[HASH_HEX_LEN + 1];
        hash_text(r->body.buf, r->body.len, hash);
        if (have_copy && !strcmp(hash, res->meta.hash))
            confirm_copy(req, res, r);
        else
            take_text(req, res, r);
    } else if (verdict == VERDICT_UNAVAILABLE) {
        result = fall_back(req, res, have_copy, why.buf);
    } else {
        result = error("%s: %s", req->name, why.buf);
    }
    strbuf_release(&why);
    return result;
}

int fetch_script(const struct fetch_request *req, struct fetch_result *res)
{
    struct http_response r;
    double timeout;
    memset(res, 0, sizeof(*res));
    fetch_meta_init(&res->meta);
    strbuf_init(&res->text);
    int have_copy = !load_copy(req, &res->meta);
    if (req->offline) {
        if (!have_copy)
            return error("%s: --offline, and no copy of it was fetched before", req->name);
        struct strbuf copy = STRBUF_INIT;
        describe_copy(&res->meta, &copy);
        note("%s: --offline: running %s", req->name, copy.buf);
        strbuf_release(&copy);
        res->state = FETCH_COPY;
        return 0;
    }
    if (fetch_timeout(&timeout))
        return -1;
    struct http_request hr = {req->url, have_copy && res->meta.etag.len ? res->meta.etag.buf : NULL,
                              have_copy && res->meta.last_modified.len ? res->meta.last_modified.buf
                                                                       : NULL,
                              timeout, req->max_bytes};
    note("%s: fetching %s%s", req->name, req->url,
         hr.etag || hr.last_modified ? " (if changed)" : "");
    http_response_init(&r);
    enum http_result got = http_get(&hr, &r);
    int result;
    if (got == HTTP_NO_CLIENT)
        result = error("%s: %s", req->name, r.failure.buf);
    else if (got == HTTP_FAILED) {
        struct strbuf why = STRBUF_INIT;
        strbuf_addf(&why, "cannot fetch it (%s)", r.failure.buf);
        result = fall_back(req, res, have_copy, why.buf);
        strbuf_release(&why);
    } else
        result = judge_response(req, res, hr.etag || hr.last_modified, &r);
    http_response_release(&r);
    return result;
}
