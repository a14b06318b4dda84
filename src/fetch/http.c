#include "fetch/http.h"

#include "util/die.h"
#include "util/spawn.h"
#include "util/strlist.h"
#include "version.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* curl's own line after the body: final status, body size, redirects followed, final URL. */
#define WRITE_OUT_TAG "\ncthag-curl-1 "
static const char write_out[] =
    WRITE_OUT_TAG "%{http_code} %{size_download} %{num_redirects} %{url_effective}\n";
/* A validator longer than this, or with control bytes, is not kept (nor ever sent back). */
#define VALIDATOR_MAX 512
/* What curl writes besides the body (headers of every redirect, the write-out line) is read up
 * to this much: curl's --max-filesize holds only for a body whose length the server announced,
 * so cthag itself stops reading an endless answer. */
#define HEADERS_MAX (1024 * 1024)

void http_response_init(struct http_response *r)
{
    memset(r, 0, sizeof(*r));
    strbuf_init(&r->reason);
    strbuf_init(&r->content_type);
    strbuf_init(&r->etag);
    strbuf_init(&r->last_modified);
    strbuf_init(&r->url);
    strbuf_init(&r->body);
    strbuf_init(&r->failure);
}

void http_response_release(struct http_response *r)
{
    strbuf_release(&r->reason);
    strbuf_release(&r->content_type);
    strbuf_release(&r->etag);
    strbuf_release(&r->last_modified);
    strbuf_release(&r->url);
    strbuf_release(&r->body);
    strbuf_release(&r->failure);
}

/* ---- curl's output ---- */

/* The last occurrence of needle in [s, s + len), or NULL. */
static const char *find_last(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = len >= n ? len - n + 1 : 0; i-- > 0;)
        if (!memcmp(s + i, needle, n))
            return s + i;
    return NULL;
}

static int parse_number(const char **p, const char *end, unsigned long long *out)
{
    const char *q = *p;
    unsigned long long v = 0;
    while (q < end && *q >= '0' && *q <= '9' && v < (1ULL << 60))
        v = v * 10 + (unsigned long long)(*q++ - '0');
    if (q == *p || q >= end || *q != ' ')
        return -1;
    *out = v;
    *p = q + 1;
    return 0;
}

/* The write-out line at [w, end): its numbers into r; the body's size into *body_len. */
static int parse_write_out(const char *w, const char *end, struct http_response *r,
                           size_t *body_len)
{
    unsigned long long status, size, redirects;
    const char *p = w + strlen(WRITE_OUT_TAG);
    if (end[-1] != '\n' || parse_number(&p, end, &status) || parse_number(&p, end, &size) ||
        parse_number(&p, end, &redirects) || status < 100 || status > 999 || redirects > 1000)
        return -1;
    r->status = (int)status;
    r->redirects = (int)redirects;
    *body_len = (size_t)size;
    strbuf_add(&r->url, p, (size_t)(end - 1 - p));
    return 0;
}

/* One header value, trimmed, into out; validators only when usable (short, no control bytes). */
static void set_value(struct strbuf *out, const char *v, const char *end, int validator)
{
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (out->len)
        return; /* the first of repeated headers */
    for (const char *c = v; validator && c < end; c++)
        if ((unsigned char)*c < ' ' || *c == 0x7f)
            return;
    if (!validator || (size_t)(end - v) <= VALIDATOR_MAX)
        strbuf_add(out, v, (size_t)(end - v));
}

static void parse_header(const char *line, const char *end, struct http_response *r)
{
    static const struct {
        const char *name;
        size_t field;
        int validator;
    } wanted[] = {
        {"content-type:", offsetof(struct http_response, content_type), 0},
        {"etag:", offsetof(struct http_response, etag), 1},
        {"last-modified:", offsetof(struct http_response, last_modified), 1},
    };
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
        size_t n = strlen(wanted[i].name);
        if ((size_t)(end - line) >= n && !strncasecmp(line, wanted[i].name, n))
            set_value((struct strbuf *)((char *)r + wanted[i].field), line + n, end,
                      wanted[i].validator);
    }
}

/* The status line's reason phrase: what follows "HTTP/x NNN ". */
static void parse_status_line(const char *line, const char *end, struct http_response *r)
{
    const char *sp = memchr(line, ' ', (size_t)(end - line));
    if (sp && end - sp > 4 && sp[4] == ' ')
        strbuf_add(&r->reason, sp + 5, (size_t)(end - sp - 5));
}

/* The headers of the last response (every hop's are there, a proxy's CONNECT's too). */
static int parse_headers(const char *h, const char *end, struct http_response *r)
{
    const char *last = NULL;
    int at_block_start = 1;
    for (const char *line = h; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *next = nl ? nl + 1 : end;
        if (at_block_start && end - line > 5 && !memcmp(line, "HTTP/", 5))
            last = line;
        at_block_start = next - line <= 2 && (line[0] == '\r' || line[0] == '\n');
        line = next;
    }
    if (!last)
        return -1;
    for (const char *line = last; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *stop = nl ? nl : end;
        if (stop > line && stop[-1] == '\r')
            stop--;
        if (stop == line)
            break;
        if (line == last)
            parse_status_line(line, stop, r);
        else
            parse_header(line, stop, r);
        line = nl ? nl + 1 : end;
    }
    return 0;
}

int http_parse_output(const char *out, size_t len, struct http_response *r)
{
    const char *w = find_last(out, len, WRITE_OUT_TAG);
    size_t body_len;
    if (!w || parse_write_out(w, out + len, r, &body_len) || body_len > (size_t)(w - out))
        return -1;
    const char *body = w - body_len;
    strbuf_add(&r->body, body, body_len);
    return parse_headers(out, body, r);
}

/* ---- running curl ---- */

static void add_option(struct strlist *args, const char *name, const char *value)
{
    strlist_add(args, name);
    strlist_add(args, value);
}

static void curl_arguments(const struct http_request *req, struct strlist *args)
{
    struct strbuf s = STRBUF_INIT;
    double timeout = req->timeout > 0 ? req->timeout : 30;
    strlist_add(args, "curl");
    strlist_add(args, "-q"); /* first: no ~/.curlrc, whose options would change the output */
    strlist_add(args, "--silent");
    strlist_add(args, "--show-error");
    strlist_add(args, "--location");
    add_option(args, "--max-redirs", "10");
    add_option(args, "--proto", "=http,https");
    add_option(args, "--proto-redir", "=http,https");
    strbuf_addf(&s, "%g", timeout < 10 ? timeout : 10);
    add_option(args, "--connect-timeout", s.buf);
    strbuf_reset(&s);
    strbuf_addf(&s, "%g", timeout);
    add_option(args, "--max-time", s.buf);
    strbuf_reset(&s);
    strbuf_addf(&s, "%zu", req->max_bytes);
    add_option(args, "--max-filesize", s.buf);
    add_option(args, "--user-agent", "cthag/" CTHAG_VERSION);
    add_option(args, "--dump-header", "-");
    add_option(args, "--write-out", write_out);
    strbuf_reset(&s);
    if (req->etag) {
        strbuf_addf(&s, "If-None-Match: %s", req->etag);
        add_option(args, "--header", s.buf);
    } else if (req->last_modified) {
        strbuf_addf(&s, "If-Modified-Since: %s", req->last_modified);
        add_option(args, "--header", s.buf);
    }
    add_option(args, "--url", req->url);
    strbuf_release(&s);
}

/* curl's message ("curl: (7) Failed to connect ..."): its last line. */
static void failure_from(const struct strbuf *err, int status, struct strbuf *failure)
{
    const char *end = err->buf + err->len;
    while (end > err->buf && (end[-1] == '\n' || end[-1] == '\r'))
        end--;
    const char *line = end;
    while (line > err->buf && line[-1] != '\n')
        line--;
    if (line < end)
        strbuf_add(failure, line, (size_t)(end - line));
    else
        strbuf_addf(failure, "curl failed (exit status %d)", status);
}

enum http_result http_get(const struct http_request *req, struct http_response *r)
{
    struct strlist args = STRLIST_INIT;
    struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
    curl_arguments(req, &args);
    const char **argv = xcalloc(args.count + 1, sizeof(*argv));
    memcpy(argv, args.items, args.count * sizeof(*argv));
    struct spawn_opts opts = {.capture = &err, .out = &out,
                              .out_max = req->max_bytes + HEADERS_MAX};
    int status = spawn_wait(argv, &opts);
    enum http_result result = HTTP_OK;
    /* 127: a libc whose posix_spawnp reports a failed exec as the child's exit status (curl's
     * own statuses stop below 100). */
    if (status < 0 || status == 127) {
        if (status == 127 || errno == ENOENT)
            strbuf_addstr(&r->failure, "fetching a URL needs the curl program, which is not "
                                       "installed (on Debian: apt-get install curl)");
        else
            strbuf_addf(&r->failure, "cannot run curl: %s", strerror(errno));
        result = HTTP_NO_CLIENT;
    } else if (out.len > opts.out_max) {
        /* cthag stopped reading (curl's next write failed): the answer is too large */
        strbuf_addf(&r->failure, "the answer is larger than %zu bytes", req->max_bytes);
        result = HTTP_FAILED;
    } else if (status) {
        failure_from(&err, status, &r->failure);
        result = HTTP_FAILED;
    } else if (http_parse_output(out.buf, out.len, r)) {
        strbuf_addstr(&r->failure, "curl's output is not what cthag asked for");
        result = HTTP_FAILED;
    }
    free(argv);
    strlist_release(&args);
    strbuf_release(&out);
    strbuf_release(&err);
    return result;
}
