/* One HTTP GET through the curl program: cthag has no HTTP or TLS code of its own.
 *
 * curl (not libcurl: cthag is a static binary, and the program is on nearly every machine) runs
 * with an explicit argv, ~/.curlrc ignored (-q), following redirects among http and https URLs
 * only, within a time limit, and with the proxies the environment names (https_proxy,
 * http_proxy, all_proxy, no_proxy), as curl always honours them.  Its standard output is the
 * response headers of every hop (-D -), the body, then one line of its own (-w) giving the final
 * status, the body's size and the final URL, from which the three are told apart. */
#ifndef CTHAG_FETCH_HTTP_H
#define CTHAG_FETCH_HTTP_H

#include "util/strbuf.h"

#include <stddef.h>

struct http_request {
    const char *url;
    const char *etag;          /* sent as If-None-Match, or NULL */
    const char *last_modified; /* sent as If-Modified-Since, or NULL */
    double timeout;            /* seconds for the whole transfer (connecting: at most 10) */
    size_t max_bytes;          /* a larger body is a failure */
};

struct http_response {
    int status;                 /* the final response's status */
    struct strbuf reason;       /* its reason phrase ("Not Found"), empty in HTTP/2 */
    struct strbuf content_type; /* empty when none was sent */
    struct strbuf etag, last_modified; /* its validators, empty when none (or unusable) */
    struct strbuf url;          /* the URL it came from, after redirects */
    int redirects;
    struct strbuf body;
    struct strbuf failure;      /* HTTP_FAILED, HTTP_NO_CLIENT: why, one line */
};

enum http_result {
    HTTP_OK,        /* a response came (whatever its status) */
    HTTP_FAILED,    /* none came: no network, refused, timed out, too large ... */
    HTTP_NO_CLIENT, /* curl is not installed (or could not be started) */
};

void http_response_init(struct http_response *r);
void http_response_release(struct http_response *r);
/* GET req->url into r (initialised by the caller). */
enum http_result http_get(const struct http_request *req, struct http_response *r);
/* Take curl's standard output apart (headers, body, write-out line) into r.  -1 when it is not
 * what http_get's curl writes. */
int http_parse_output(const char *out, size_t len, struct http_response *r);

#endif
