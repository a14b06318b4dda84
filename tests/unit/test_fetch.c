/* fetch/fetch.c: the copy's meta file, what a response is judged to be, how a copy's age reads,
 * and the stage end to end against a stand-in curl (first fetch, 304, unchanged text, the
 * server unreachable with and without a copy, 404, an HTML page, --offline). */
#include "fetch/fetch.h"
#include "util/die.h"
#include "util/fs.h"
#include "unit.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define HASH "0123456789abcdef0123456789abcdef"

static void test_meta(void)
{
    struct fetch_meta m, back;
    struct strbuf text = STRBUF_INIT;
    fetch_meta_init(&m);
    strbuf_addstr(&m.url, "https://example.com/x.rs");
    strbuf_addstr(&m.etag, "W/\"a b\"");
    strbuf_addstr(&m.content_type, "text/plain; charset=utf-8");
    m.fetched = 1700000000;
    m.checked = 1700003600;
    memcpy(m.hash, HASH, sizeof(HASH));
    fetch_meta_format(&m, &text);
    CHECK_STR(text.buf, "cthag-fetched 1\nurl https://example.com/x.rs\netag W/\"a b\"\n"
                        "content-type text/plain; charset=utf-8\nfetched 1700000000\n"
                        "checked 1700003600\nhash " HASH "\n");
    fetch_meta_init(&back);
    CHECK_INT(fetch_meta_parse(text.buf, text.len, &back), 0);
    CHECK_STR(back.url.buf, m.url.buf);
    CHECK_STR(back.etag.buf, m.etag.buf);
    CHECK_STR(back.last_modified.buf, "");
    CHECK_STR(back.content_type.buf, m.content_type.buf);
    CHECK_INT(back.fetched, 1700000000);
    CHECK_INT(back.checked, 1700003600);
    CHECK_STR(back.hash, HASH);
    fetch_meta_release(&back);
    /* A value with a line break is not written (it would be two lines). */
    strbuf_addstr(&m.last_modified, "Mon\nhash x");
    strbuf_reset(&text);
    fetch_meta_format(&m, &text);
    CHECK(!strstr(text.buf, "last-modified"));
    fetch_meta_release(&m);

    static const char *const bad[] = {
        "",
        "cthag-fetched 2\nurl u\nfetched 1\nchecked 1\nhash " HASH "\n",
        "cthag-fetched 1\nfetched 1\nchecked 1\nhash " HASH "\n",               /* no url */
        "cthag-fetched 1\nurl u\nchecked 1\nhash " HASH "\n",                   /* no fetched */
        "cthag-fetched 1\nurl u\nfetched 1\nchecked 1\n",                       /* no hash */
        "cthag-fetched 1\nurl u\nfetched 1\nchecked 1\nhash 0123\n",            /* short hash */
        "cthag-fetched 1\nurl u\nfetched -1\nchecked 1\nhash " HASH "\n",
        "cthag-fetched 1\nurl u\nfetched 1x\nchecked 1\nhash " HASH "\n",
        "cthag-fetched 1\nurl u\nfetched 1\nchecked 1\nhash " HASH "\nsize 3\n",  /* unknown */
        "cthag-fetched 1\nurl u\nurl v\nfetched 1\nchecked 1\nhash " HASH "\n",   /* twice */
        "cthag-fetched 1\nurl u\nfetched 1\nchecked 1\nhash " HASH,              /* cut short */
        "cthag-fetched 1\nurl \nfetched 1\nchecked 1\nhash " HASH "\n",          /* empty url */
        "cthag-fetched 1\nurl u\x02v\nfetched 1\nchecked 1\nhash " HASH "\n",    /* control */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fetch_meta_init(&back);
        CHECK_INT(fetch_meta_parse(bad[i], strlen(bad[i]), &back), -1);
        fetch_meta_release(&back);
    }
    strbuf_release(&text);
}

static enum fetch_verdict judge(int status, const char *reason, const char *type,
                                const char *body, int conditional, struct strbuf *why)
{
    struct http_response r;
    http_response_init(&r);
    r.status = status;
    strbuf_addstr(&r.reason, reason);
    strbuf_addstr(&r.content_type, type);
    strbuf_addstr(&r.body, body);
    strbuf_reset(why);
    enum fetch_verdict v = fetch_judge(&r, conditional, why);
    http_response_release(&r);
    return v;
}

static void test_judge(void)
{
    struct strbuf why = STRBUF_INIT;
    CHECK_INT(judge(200, "OK", "text/plain; charset=utf-8", "fn main() {}\n", 0, &why),
              VERDICT_SCRIPT);
    /* .rs is application/rls-services+xml to some servers: the type alone refuses only HTML. */
    CHECK_INT(judge(200, "OK", "application/rls-services+xml", "1 + 1", 0, &why), VERDICT_SCRIPT);
    CHECK_INT(judge(200, "OK", "", "", 0, &why), VERDICT_SCRIPT);
    CHECK_INT(judge(304, "Not Modified", "", "", 1, &why), VERDICT_NOT_MODIFIED);
    CHECK_INT(judge(304, "Not Modified", "", "", 0, &why), VERDICT_REFUSED);
    CHECK_STR(why.buf, "the server answered HTTP 304 Not Modified, not the script");
    CHECK_INT(judge(200, "OK", "text/html; charset=utf-8", "<p>", 0, &why), VERDICT_REFUSED);
    CHECK_STR(why.buf, "the server sent an HTML page, not a script (HTTP 200 OK, text/html; "
                       "charset=utf-8); give the URL of the file's raw text");
    CHECK_INT(judge(200, "", "application/xhtml+xml", "x", 0, &why), VERDICT_REFUSED);
    CHECK_CONTAINS(why.buf, "an HTML page, not a script (HTTP 200, application/xhtml+xml)");
    /* An HTML page sent as text/plain, by its first bytes (after a BOM and blank lines). */
    CHECK_INT(judge(200, "OK", "text/plain", "\xef\xbb\xbf\n  <!DOCTYPE HTML>\n<html>", 0, &why),
              VERDICT_REFUSED);
    CHECK_CONTAINS(why.buf, "an HTML page");
    CHECK_INT(judge(200, "OK", "", "<html lang=en>", 0, &why), VERDICT_REFUSED);
    CHECK_CONTAINS(why.buf, "(HTTP 200 OK, no content type)");
    CHECK_INT(judge(200, "OK", "text/plain", "// <html> in a comment\n", 0, &why),
              VERDICT_SCRIPT);
    struct http_response r;
    http_response_init(&r);
    r.status = 200;
    strbuf_addstr(&r.content_type, "application/octet-stream");
    strbuf_add(&r.body, "\x7f" "ELF\0\0", 6);
    strbuf_reset(&why);
    CHECK_INT(fetch_judge(&r, 0, &why), VERDICT_REFUSED);
    CHECK_STR(why.buf, "the server sent binary data, not a script (HTTP 200, "
                       "application/octet-stream)");
    http_response_release(&r);
    CHECK_INT(judge(404, "Not Found", "text/html", "<html>", 1, &why), VERDICT_REFUSED);
    CHECK_STR(why.buf, "not found (HTTP 404 Not Found)");
    CHECK_INT(judge(410, "", "", "", 0, &why), VERDICT_REFUSED);
    CHECK_STR(why.buf, "not found (HTTP 410)");
    CHECK_INT(judge(403, "Forbidden", "", "", 0, &why), VERDICT_REFUSED);
    CHECK_STR(why.buf, "the server refused it (HTTP 403 Forbidden)");
    CHECK_INT(judge(503, "Service Unavailable", "", "", 1, &why), VERDICT_UNAVAILABLE);
    CHECK_STR(why.buf, "the server cannot answer now (HTTP 503 Service Unavailable)");
    CHECK_INT(judge(429, "Too Many Requests", "", "", 0, &why), VERDICT_UNAVAILABLE);
    CHECK_INT(judge(408, "", "", "", 0, &why), VERDICT_UNAVAILABLE);
    CHECK_INT(judge(300, "Multiple Choices", "", "", 0, &why), VERDICT_REFUSED);
    CHECK_STR(why.buf, "the server answered HTTP 300 Multiple Choices, not the script");
    strbuf_release(&why);
}

static const char *age(long long seconds)
{
    static struct strbuf out = STRBUF_INIT;
    strbuf_reset(&out);
    fetch_describe_age(seconds, &out);
    return out.buf;
}

static void test_age(void)
{
    CHECK_STR(age(-5), "0 seconds ago");
    CHECK_STR(age(1), "1 second ago");
    CHECK_STR(age(119), "119 seconds ago");
    CHECK_STR(age(120), "2 minutes ago");
    CHECK_STR(age(5400), "90 minutes ago");
    CHECK_STR(age(7200), "2 hours ago");
    CHECK_STR(age(86400 + 3600), "25 hours ago");
    CHECK_STR(age(2 * 86400), "2 days ago");
    CHECK_STR(age(400LL * 86400), "400 days ago");
}

static void test_timeout(void)
{
    double t;
    unsetenv("CTHAG_FETCH_TIMEOUT");
    CHECK_INT(fetch_timeout(&t), 0);
    CHECK(t == FETCH_TIMEOUT_DEFAULT);
    setenv("CTHAG_FETCH_TIMEOUT", "2.5", 1);
    CHECK_INT(fetch_timeout(&t), 0);
    CHECK(t == 2.5);
    static const char *const bad[] = {"0", "-1", "x", "1e3", "5s", " 5", "nan", "100000"};
    verbosity = -1; /* errors still print: only their text is not checked here */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenv("CTHAG_FETCH_TIMEOUT", bad[i], 1);
        FILE *saved = stderr;
        stderr = fopen("/dev/null", "w");
        CHECK_INT(fetch_timeout(&t), -1);
        fclose(stderr);
        stderr = saved;
    }
    verbosity = 0;
    unsetenv("CTHAG_FETCH_TIMEOUT");
}

/* ---- the stage against a stand-in curl ---- */

static char dir[] = "/tmp/cthag-test-fetch.XXXXXX";
static char copy_dir[4200];

/* curl's next answer: its output and exit status; its arguments land in dir/args. */
static void answer(const char *output, int status)
{
    char path[4200];
    struct strbuf script = STRBUF_INIT;
    snprintf(path, sizeof(path), "%s/curl", dir);
    strbuf_addf(&script, "#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\"; done > '%s/args'\n"
                         "printf '%%s' '%s'\n", dir, output);
    if (status)
        strbuf_addf(&script, "echo 'curl: (7) Failed to connect to 127.0.0.1' >&2\n");
    strbuf_addf(&script, "exit %d\n", status);
    fs_write_atomic(path, script.buf, script.len, 0755);
    strbuf_release(&script);
}

static const char *sent_args(void)
{
    static struct strbuf args = STRBUF_INIT;
    char path[4200];
    snprintf(path, sizeof(path), "%s/args", dir);
    strbuf_reset(&args);
    fs_read_file(path, &args);
    unlink(path);
    return args.buf;
}

/* Run the stage; its stderr into err. */
static int fetch(int offline, struct fetch_result *res, struct strbuf *err)
{
    struct fetch_request req = {"http://h/x.rs", "http://h/x.rs", copy_dir, offline, 1 << 20};
    char *text = NULL;
    size_t len = 0;
    FILE *saved = stderr;
    stderr = open_memstream(&text, &len);
    int result = fetch_script(&req, res);
    if (!result && res->state == FETCH_NEW)
        result = fetch_store(&req, res);
    fclose(stderr);
    stderr = saved;
    strbuf_reset(err);
    strbuf_add(err, text, len);
    free(text);
    return result;
}


static void answer_200(const char *body, const char *etag)
{
    struct strbuf out = STRBUF_INIT;
    strbuf_addf(&out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nETag: %s\r\n\r\n%s"
                      "\ncthag-curl-1 200 %zu 0 http://h/x.rs\n", etag, body, strlen(body));
    answer(out.buf, 0);
    strbuf_release(&out);
}

/* Move the copy's fetched and checked times back by these many seconds. */
static void age_copy(long long fetched_ago, long long checked_ago)
{
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    struct fetch_meta m;
    fetch_meta_init(&m);
    strbuf_addf(&path, "%s/url.meta", copy_dir);
    CHECK_INT(fs_read_file(path.buf, &text), 0);
    CHECK_INT(fetch_meta_parse(text.buf, text.len, &m), 0);
    m.fetched = (long long)time(NULL) - fetched_ago;
    m.checked = (long long)time(NULL) - checked_ago;
    strbuf_reset(&text);
    fetch_meta_format(&m, &text);
    CHECK_INT(fs_write_atomic(path.buf, text.buf, text.len, 0600), 0);
    fetch_meta_release(&m);
    strbuf_release(&path);
    strbuf_release(&text);
}

static void test_stage(void)
{
    struct fetch_result res;
    struct strbuf err = STRBUF_INIT, body = STRBUF_INIT, path = STRBUF_INIT;
    CHECK(mkdtemp(dir) != NULL);
    snprintf(copy_dir, sizeof(copy_dir), "%s/entry", dir);
    char *old_path = strdup(getenv("PATH"));
    setenv("PATH", dir, 1);
    fetch_body_path(copy_dir, &path);

    /* No copy yet: --offline has nothing to run; the network down is an error. */
    CHECK_INT(fetch(1, &res, &err), -1);
    CHECK_STR(err.buf, "cthag: http://h/x.rs: --offline, and no copy of it was fetched before\n");
    fetch_result_release(&res);
    answer("", 7);
    CHECK_INT(fetch(0, &res, &err), -1);
    CHECK_STR(err.buf, "cthag: http://h/x.rs: cannot fetch it (curl: (7) Failed to connect to "
                       "127.0.0.1)\n");
    CHECK(!strstr(sent_args(), "If-None-Match"));
    fetch_result_release(&res);

    /* The first fetch stores the text. */
    answer_200("fn main() {}\n", "\"v1\"");
    CHECK_INT(fetch(0, &res, &err), 0);
    CHECK_INT(res.state, FETCH_NEW);
    CHECK_STR(err.buf, "");
    fetch_result_release(&res);
    CHECK_INT(fs_read_file(path.buf, &body), 0);
    CHECK_STR(body.buf, "fn main() {}\n");

    /* Then only a conditional request: 304 confirms the copy, nothing is written. */
    answer("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n\ncthag-curl-1 304 0 0 x\n", 0);
    struct stat before, after;
    stat(path.buf, &before);
    CHECK_INT(fetch(0, &res, &err), 0);
    CHECK_INT(res.state, FETCH_CONFIRMED);
    CHECK_CONTAINS(sent_args(), "\nIf-None-Match: \"v1\"\n");
    fetch_result_release(&res);
    stat(path.buf, &after);
    CHECK(before.st_ino == after.st_ino);

    /* The same text again (a server without validators): the copy stays. */
    answer_200("fn main() {}\n", "\"v2\"");
    CHECK_INT(fetch(0, &res, &err), 0);
    CHECK_INT(res.state, FETCH_CONFIRMED);
    fetch_result_release(&res);
    stat(path.buf, &after);
    CHECK(before.st_ino == after.st_ino);
    answer("HTTP/1.1 304 Not Modified\r\n\r\n\ncthag-curl-1 304 0 0 x\n", 0);
    CHECK_INT(fetch(0, &res, &err), 0);
    CHECK_CONTAINS(sent_args(), "\nIf-None-Match: \"v2\"\n"); /* the new validator was kept */
    fetch_result_release(&res);

    /* Unreachable, 503: the copy runs, saying how old it is (fetched three days ago, last
     * confirmed an hour ago: the meta's times are set back so that no clock is raced). */
    age_copy(3 * 86400, 3600 + 30);
    answer("", 7);
    CHECK_INT(fetch(0, &res, &err), 0);
    CHECK_INT(res.state, FETCH_COPY);
    CHECK_STR(err.buf, "cthag: warning: http://h/x.rs: cannot fetch it (curl: (7) Failed to "
                       "connect to 127.0.0.1); running the copy fetched 3 days ago (still "
                       "current 60 minutes ago)\n");
    fetch_result_release(&res);
    answer("HTTP/1.1 503 Service Unavailable\r\n\r\n\ncthag-curl-1 503 0 0 http://h/x.rs\n", 0);
    CHECK_INT(fetch(0, &res, &err), 0);
    CHECK_INT(res.state, FETCH_COPY);
    CHECK_CONTAINS(err.buf, "the server cannot answer now (HTTP 503 Service Unavailable); "
                            "running the copy fetched");
    fetch_result_release(&res);

    /* --offline asks no one. */
    sent_args();
    answer("", 99);
    CHECK_INT(fetch(1, &res, &err), 0);
    CHECK_INT(res.state, FETCH_COPY);
    CHECK_STR(err.buf, "");
    CHECK_STR(sent_args(), "");
    fetch_result_release(&res);

    /* 404 and an HTML page are errors, with a copy too; the final URL is named. */
    answer("HTTP/1.1 404 Not Found\r\n\r\n\ncthag-curl-1 404 0 1 http://h/moved.rs\n", 0);
    CHECK_INT(fetch(0, &res, &err), -1);
    CHECK_STR(err.buf, "cthag: http://h/x.rs: not found (HTTP 404 Not Found) at "
                       "http://h/moved.rs\n");
    fetch_result_release(&res);
    answer("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>"
           "\ncthag-curl-1 200 6 0 http://h/x.rs\n", 0);
    CHECK_INT(fetch(0, &res, &err), -1);
    CHECK_CONTAINS(err.buf, "cthag: http://h/x.rs: the server sent an HTML page, not a script "
                            "(HTTP 200 OK, text/html)");
    fetch_result_release(&res);

    /* A new text replaces the copy. */
    answer_200("fn main() { println!(\"2\"); }\n", "\"v3\"");
    CHECK_INT(fetch(0, &res, &err), 0);
    CHECK_INT(res.state, FETCH_NEW);
    fetch_result_release(&res);
    strbuf_reset(&body);
    fs_read_file(path.buf, &body);
    CHECK_STR(body.buf, "fn main() { println!(\"2\"); }\n");

    /* A body that is not the one its meta describes (a crash between the two renames) is no
     * copy: the request is not conditional. */
    fs_write_atomic(path.buf, "other", 5, 0600);
    answer_200("x", "\"v4\"");
    CHECK_INT(fetch(0, &res, &err), 0);
    CHECK_INT(res.state, FETCH_NEW);
    CHECK(!strstr(sent_args(), "If-None-Match"));
    fetch_result_release(&res);

    setenv("PATH", old_path, 1);
    free(old_path);
    fs_remove_tree(dir);
    strbuf_release(&err);
    strbuf_release(&body);
    strbuf_release(&path);
}

int main(void)
{
    test_meta();
    test_judge();
    test_age();
    test_timeout();
    test_stage();
    return unit_finish("test_fetch");
}
