/* The fetch stage (DESIGN §2): a script's text from its URL, kept in the cache with what the
 * server said about it, so that a later run only asks whether it changed (one conditional
 * request: If-None-Match, else If-Modified-Since) and can run without the network.
 *
 *   <dir>/url.body   the text as the server sent it: the file the entry's record watches
 *   <dir>/url.meta   cthag-fetched 1
 *                    url <raw URL>
 *                    etag <ETag> / last-modified <Last-Modified>   (those the server sent)
 *                    content-type <Content-Type>
 *                    fetched <s>   when this text came (wall clock, seconds)
 *                    checked <s>   when the server last said it was current (kept to the hour)
 *                    hash <XXH3-128 of url.body>
 *
 * <dir> is the entry's project directory: the copy belongs to the entry, and goes with it
 * (--gc, --clean).  Both files are written by temp file + rename, the body first: a meta whose
 * hash is not its body's (a crash in between) is no copy, and the next run fetches afresh.
 *
 * A response is a script only when it is one: status 200, not an HTML page (by its content
 * type or its first bytes), no NUL bytes.  404 and other refusals are errors naming the URL and
 * what came back; when the server cannot be reached (or answers 5xx, 408, 429), the copy runs,
 * with one line saying why and how old it is.  --offline never fetches. */
#ifndef CTHAG_FETCH_FETCH_H
#define CTHAG_FETCH_FETCH_H

#include "fetch/http.h"
#include "util/hash.h"
#include "util/strbuf.h"

/* The transfer's time limit when CTHAG_FETCH_TIMEOUT does not set one, in seconds. */
#define FETCH_TIMEOUT_DEFAULT 30

struct fetch_request {
    const char *name; /* how messages name the script: the URL as the user gave it */
    const char *url;  /* its raw URL (fetch/url.h) */
    const char *dir;  /* where the copy is kept */
    int offline;      /* --offline: the copy, never the network */
    size_t max_bytes; /* a larger text is refused (the largest script cthag reads) */
};

struct fetch_meta {
    struct strbuf url, etag, last_modified, content_type;
    long long fetched, checked;
    char hash[HASH_HEX_LEN + 1];
};

enum fetch_state {
    FETCH_NEW,       /* text the copy does not hold (first fetch, or it changed): fetch_store it */
    FETCH_CONFIRMED, /* the server says the copy is current */
    FETCH_COPY,      /* the copy, unchecked: --offline, or the server could not be reached */
};

struct fetch_result {
    enum fetch_state state;
    struct fetch_meta meta; /* the copy's, or FETCH_NEW's to store */
    struct strbuf text;     /* FETCH_NEW: the text */
};

/* The text to run, from the server or the copy.  -1 with the error printed when there is none
 * (or the fetch was interrupted: spawn_interrupted is set). */
int fetch_script(const struct fetch_request *req, struct fetch_result *res);
/* FETCH_NEW: store the text and its meta in req->dir (made private if missing; its parent must
 * exist).  Prints its error. */
int fetch_store(const struct fetch_request *req, const struct fetch_result *res);
void fetch_result_release(struct fetch_result *res);
/* The copy's text file: <dir>/url.body. */
void fetch_body_path(const char *dir, struct strbuf *path);

/* ---- the parts, for the tests ---- */

void fetch_meta_init(struct fetch_meta *m);
void fetch_meta_release(struct fetch_meta *m);
/* -1 when buf is not a complete meta file. */
int fetch_meta_parse(const char *buf, size_t len, struct fetch_meta *m);
void fetch_meta_format(const struct fetch_meta *m, struct strbuf *out);

enum fetch_verdict {
    VERDICT_SCRIPT,       /* 200 with text */
    VERDICT_NOT_MODIFIED, /* 304 to a conditional request */
    VERDICT_UNAVAILABLE,  /* the server cannot answer now (5xx, 408, 429): a copy may run */
    VERDICT_REFUSED,      /* anything else: why says what came back */
};
/* What a response is; why gets a phrase to follow the script's name ("not found (HTTP 404 Not
 * Found)").  conditional: validators were sent. */
enum fetch_verdict fetch_judge(const struct http_response *r, int conditional, struct strbuf *why);
/* "5 seconds ago", "1 minute ago", "3 hours ago", "2 days ago". */
void fetch_describe_age(long long seconds, struct strbuf *out);
/* CTHAG_FETCH_TIMEOUT: seconds (a decimal number > 0), or FETCH_TIMEOUT_DEFAULT when unset.
 * -1 with the error printed when it is not a number of seconds. */
int fetch_timeout(double *seconds);

#endif
