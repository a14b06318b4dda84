/* fetch/http.c: curl's output taken apart (every hop's headers, the body, curl's own line), and
 * curl run with the arguments cthag means (a stand-in curl on PATH records them). */
#include "fetch/http.h"
#include "util/fs.h"
#include "unit.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int parse(const char *out, size_t len, struct http_response *r)
{
    http_response_release(r);
    http_response_init(r);
    return http_parse_output(out, len, r);
}

#define PARSE(literal, r) parse(literal, sizeof(literal) - 1, r)

static void test_one_response(void)
{
    struct http_response r;
    http_response_init(&r);
    CHECK_INT(PARSE("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    "ETag: \"abc\"\r\nLast-Modified: Mon, 07 Dec 2026 08:09:29 GMT\r\n"
                    "Content-Length: 12\r\n\r\nfn main(){}\n"
                    "\ncthag-curl-1 200 12 0 http://127.0.0.1:8000/x.rs\n", &r), 0);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.reason.buf, "OK");
    CHECK_STR(r.content_type.buf, "text/plain; charset=utf-8");
    CHECK_STR(r.etag.buf, "\"abc\"");
    CHECK_STR(r.last_modified.buf, "Mon, 07 Dec 2026 08:09:29 GMT");
    CHECK_STR(r.url.buf, "http://127.0.0.1:8000/x.rs");
    CHECK_STR(r.body.buf, "fn main(){}\n");
    CHECK_INT(r.redirects, 0);
    http_response_release(&r);
}

static void test_redirects_and_proxies(void)
{
    struct http_response r;
    http_response_init(&r);
    /* Every hop's headers come first; only the last response's count.  A body may hold
     * anything, curl's own tag included. */
    static const char out[] =
        "HTTP/1.1 200 Connection established\r\n\r\n"
        "HTTP/1.1 302 Found\r\nLocation: /x.rs\r\nETag: \"old\"\r\nContent-Type: text/html\r\n"
        "Content-Length: 0\r\n\r\n"
        "HTTP/2 200\r\netag: \"new\"\r\ncontent-type: text/plain\r\n\r\n"
        "// HTTP/1.1 404 x\n\ncthag-curl-1 500 1 1 x\n"
        "\ncthag-curl-1 200 42 1 https://example.com/x.rs\n";
    CHECK_INT(PARSE(out, &r), 0);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.reason.buf, "");
    CHECK_STR(r.etag.buf, "\"new\"");
    CHECK_STR(r.content_type.buf, "text/plain");
    CHECK_STR(r.last_modified.buf, "");
    CHECK_STR(r.body.buf, "// HTTP/1.1 404 x\n\ncthag-curl-1 500 1 1 x\n");
    CHECK_INT(r.redirects, 1);
    CHECK_STR(r.url.buf, "https://example.com/x.rs");
    http_response_release(&r);
}

static void test_statuses_and_odd_headers(void)
{
    struct http_response r;
    http_response_init(&r);
    CHECK_INT(PARSE("HTTP/1.1 304 Not Modified\r\nETag:   \"v1\"  \r\n\r\n"
                    "\ncthag-curl-1 304 0 0 http://h/x.rs\n", &r), 0);
    CHECK_INT(r.status, 304);
    CHECK_STR(r.reason.buf, "Not Modified");
    CHECK_STR(r.etag.buf, "\"v1\"");
    CHECK_STR(r.body.buf, "");
    /* Bare newlines, a repeated header (the first counts), a validator that cannot be sent
     * back (a control byte) dropped. */
    CHECK_INT(PARSE("HTTP/1.0 404 Not Found\nETag: \"a\x01\"\nContent-Type: a\nContent-Type: b\n\n"
                    "gone\ncthag-curl-1 404 4 0 http://h/x\n", &r), 0);
    CHECK_INT(r.status, 404);
    CHECK_STR(r.reason.buf, "Not Found");
    CHECK_STR(r.etag.buf, "");
    CHECK_STR(r.content_type.buf, "a");
    CHECK_STR(r.body.buf, "gone");
    /* Not curl's output. */
    CHECK_INT(PARSE("HTTP/1.1 200 OK\r\n\r\nbody", &r), -1);
    CHECK_INT(PARSE("\ncthag-curl-1 200 99 0 http://h/x\n", &r), -1);
    CHECK_INT(PARSE("\ncthag-curl-1 000 0 0 http://h/x\n", &r), -1);
    CHECK_INT(PARSE("body\ncthag-curl-1 200 4 0 http://h/x\n", &r), -1); /* no headers */
    CHECK_INT(PARSE("HTTP/1.1 200 OK\r\n\r\n\ncthag-curl-1 200 0 0 http://h/x", &r), -1);
    CHECK_INT(PARSE("", &r), -1);
    http_response_release(&r);
}

/* A stand-in curl on PATH: records its arguments, prints what the test put in place. */
static void write_fake_curl(const char *dir, const char *output, int status)
{
    char path[4096], script[8192];
    snprintf(path, sizeof(path), "%s/curl", dir);
    snprintf(script, sizeof(script),
             "#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\"; done > '%s/args'\n"
             "printf '%%s' '%s'\necho 'curl: (7) Failed to connect' >&2\nexit %d\n",
             dir, output, status);
    fs_write_atomic(path, script, strlen(script), 0755);
}

static void test_running_curl(void)
{
    char dir[] = "/tmp/cthag-test-http.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    const char *old_path = getenv("PATH");
    char *saved = old_path ? strdup(old_path) : NULL;
    setenv("PATH", dir, 1);
    struct http_response r;
    struct http_request req = {"http://127.0.0.1:1/x.rs", "\"v1\"", "Mon, 07 Dec 2026", 2.5,
                               1000};
    http_response_init(&r);
    CHECK_INT(http_get(&req, &r), HTTP_NO_CLIENT);
    CHECK_CONTAINS(r.failure.buf, "needs the curl program, which is not installed");
    http_response_release(&r);

    write_fake_curl(dir, "HTTP/1.1 304 Not Modified\r\n\r\n\ncthag-curl-1 304 0 0 x\n", 0);
    http_response_init(&r);
    CHECK_INT(http_get(&req, &r), HTTP_OK);
    CHECK_INT(r.status, 304);
    http_response_release(&r);
    char args_path[4096];
    struct strbuf args = STRBUF_INIT;
    snprintf(args_path, sizeof(args_path), "%s/args", dir);
    CHECK_INT(fs_read_file(args_path, &args), 0);
    /* ~/.curlrc off first; one validator (the ETag, the stronger); the time limits. */
    CHECK(!strncmp(args.buf, "-q\n", 3));
    CHECK_CONTAINS(args.buf, "\n--header\nIf-None-Match: \"v1\"\n");
    CHECK(!strstr(args.buf, "If-Modified-Since"));
    CHECK_CONTAINS(args.buf, "\n--max-time\n2.5\n--max-filesize\n1000\n");
    CHECK_CONTAINS(args.buf, "\n--connect-timeout\n2.5\n");
    CHECK_CONTAINS(args.buf, "\n--proto\n=http,https\n--proto-redir\n=http,https\n");
    CHECK_CONTAINS(args.buf, "\n--url\nhttp://127.0.0.1:1/x.rs\n");

    struct http_request plain = {"http://h/x.rs", NULL, "Mon, 07 Dec 2026", 60, 1000};
    http_response_init(&r);
    http_get(&plain, &r);
    http_response_release(&r);
    strbuf_reset(&args);
    fs_read_file(args_path, &args);
    CHECK_CONTAINS(args.buf, "\n--header\nIf-Modified-Since: Mon, 07 Dec 2026\n");
    CHECK_CONTAINS(args.buf, "\n--connect-timeout\n10\n--max-time\n60\n");

    write_fake_curl(dir, "", 7);
    http_response_init(&r);
    CHECK_INT(http_get(&req, &r), HTTP_FAILED);
    CHECK_STR(r.failure.buf, "curl: (7) Failed to connect");
    http_response_release(&r);
    strbuf_release(&args);
    if (saved) {
        setenv("PATH", saved, 1);
        free(saved);
    }
    fs_remove_tree(dir);
}

int main(void)
{
    test_one_response();
    test_redirects_and_proxies();
    test_statuses_and_odd_headers();
    test_running_curl();
    return unit_finish("test_http");
}
