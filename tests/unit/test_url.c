/* fetch/url.c: every page form turned into its raw URL, and the odd ones (fragments, queries,
 * trailing slashes, case), and what is refused with a reason. */
#include "fetch/url.h"
#include "unit.h"

#define GIST_ID "794c1d0bd13ea427c9acafb348a88bc5"

static const char *raw_of(const char *url)
{
    static struct strbuf raw = STRBUF_INIT, why = STRBUF_INIT;
    strbuf_reset(&raw);
    strbuf_reset(&why);
    return url_to_raw(url, &raw, &why) ? NULL : raw.buf;
}

/* The reason url is refused, or NULL when it is not. */
static const char *why_not(const char *url)
{
    static struct strbuf raw = STRBUF_INIT, why = STRBUF_INIT;
    strbuf_reset(&raw);
    strbuf_reset(&why);
    if (!url_to_raw(url, &raw, &why))
        return NULL;
    CHECK_INT(raw.len, 0);
    return why.buf;
}

#define CHECK_RAW(url, expected) CHECK_STR(raw_of(url), expected)
#define CHECK_REFUSED(url, reason) CHECK_CONTAINS(why_not(url), reason)

static void test_is_remote(void)
{
    CHECK(url_is_remote("https://example.com/x.rs"));
    CHECK(url_is_remote("http://127.0.0.1:8000/x.rs"));
    CHECK(url_is_remote("HTTPS://EXAMPLE.COM/x.rs"));
    CHECK(!url_is_remote("x.rs"));
    CHECK(!url_is_remote("./https://x.rs"));
    CHECK(!url_is_remote("http:/x.rs"));
    CHECK(!url_is_remote("ftp://example.com/x.rs"));
    CHECK(!url_is_remote("https:"));
}

static void test_raw_urls(void)
{
    CHECK_RAW("https://example.com/x.rs", "https://example.com/x.rs");
    CHECK_RAW("http://127.0.0.1:8000/a/b.rs", "http://127.0.0.1:8000/a/b.rs");
    /* Scheme and host in any case are one URL; the path keeps its case. */
    CHECK_RAW("HTTPS://Example.COM/Dir/X.rs", "https://example.com/Dir/X.rs");
    /* A raw URL keeps its query (a token), loses its fragment. */
    CHECK_RAW("https://example.com/x.rs?token=AbC&x=1", "https://example.com/x.rs?token=AbC&x=1");
    CHECK_RAW("https://example.com/x.rs#L10", "https://example.com/x.rs");
    CHECK_RAW("https://example.com/x.rs?a=1#L10-L20", "https://example.com/x.rs?a=1");
    CHECK_RAW("https://example.com/dir/", "https://example.com/dir/");
    CHECK_RAW("https://example.com", "https://example.com");
    CHECK_RAW("https://User:Pw@Example.com:8443/x.rs", "https://User:Pw@example.com:8443/x.rs");
    CHECK_RAW("https://raw.githubusercontent.com/clap-rs/clap/master/examples/demo.rs#L3",
              "https://raw.githubusercontent.com/clap-rs/clap/master/examples/demo.rs");
    CHECK_RAW("https://gist.githubusercontent.com/rust-play/" GIST_ID "/raw",
              "https://gist.githubusercontent.com/rust-play/" GIST_ID "/raw");
    CHECK_RAW("http://[::1]:8080/x.rs", "http://[::1]:8080/x.rs");
}

static void test_github(void)
{
    static const char expected[] =
        "https://raw.githubusercontent.com/clap-rs/clap/master/examples/demo.rs";
    CHECK_RAW("https://github.com/clap-rs/clap/blob/master/examples/demo.rs", expected);
    CHECK_RAW("https://github.com/clap-rs/clap/blob/master/examples/demo.rs#L10", expected);
    CHECK_RAW("https://github.com/clap-rs/clap/blob/master/examples/demo.rs#L10-L20", expected);
    CHECK_RAW("https://github.com/clap-rs/clap/blob/master/examples/demo.rs?raw=true", expected);
    CHECK_RAW("https://github.com/clap-rs/clap/blob/master/examples/demo.rs?plain=1#L5", expected);
    CHECK_RAW("https://github.com/clap-rs/clap/blob/master/examples/demo.rs/", expected);
    CHECK_RAW("http://www.GitHub.com/clap-rs/clap/blob/master/examples/demo.rs", expected);
    /* The raw form of the page, a commit, a branch named with refs/heads/. */
    CHECK_RAW("https://github.com/clap-rs/clap/raw/master/examples/demo.rs", expected);
    CHECK_RAW("https://github.com/mikaelmello/inquire/raw/refs/heads/main/inquire/examples/x.rs",
              "https://raw.githubusercontent.com/mikaelmello/inquire/refs/heads/main/inquire/"
              "examples/x.rs");
    CHECK_RAW("https://github.com/o/r/blob/0123abc/x.rs",
              "https://raw.githubusercontent.com/o/r/0123abc/x.rs");
    /* Other GitHub files (a release asset) are fetched as they are. */
    CHECK_RAW("https://github.com/o/r/releases/download/v1/x.rs",
              "https://github.com/o/r/releases/download/v1/x.rs");
    CHECK_REFUSED("https://github.com/clap-rs/clap", "names a GitHub repository, not a file");
    CHECK_REFUSED("https://github.com/clap-rs/clap/", "names a GitHub repository");
    CHECK_REFUSED("https://github.com/clap-rs", "names a GitHub repository");
    CHECK_REFUSED("https://github.com/clap-rs/clap/tree/master", "names a directory on GitHub");
    CHECK_REFUSED("https://github.com/clap-rs/clap/tree/master/examples",
                  "names a directory on GitHub");
    CHECK_REFUSED("https://github.com/clap-rs/clap/blob/master", "names no file after /blob/");
    CHECK_REFUSED("https://github.com/clap-rs/clap/blob/master/", "names no file after /blob/");
}

static void test_gist(void)
{
    static const char expected[] = "https://gist.githubusercontent.com/rust-play/" GIST_ID "/raw";
    CHECK_RAW("https://gist.github.com/rust-play/" GIST_ID, expected);
    CHECK_RAW("https://gist.github.com/rust-play/" GIST_ID "/", expected);
    CHECK_RAW("https://gist.github.com/rust-play/" GIST_ID "#file-main-rs", expected);
    CHECK_RAW("https://gist.github.com/rust-play/" GIST_ID "?permalink_comment_id=1", expected);
    CHECK_RAW("https://gist.github.com/durbanlegend/a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
              "https://gist.githubusercontent.com/durbanlegend/"
              "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6/raw");
    /* An old numeric Gist, and a file of one revision. */
    CHECK_RAW("https://gist.github.com/someone/1234567",
              "https://gist.githubusercontent.com/someone/1234567/raw");
    CHECK_RAW("https://gist.github.com/u/" GIST_ID "/raw/0a1b/main.rs",
              "https://gist.githubusercontent.com/u/" GIST_ID "/raw/0a1b/main.rs");
    CHECK_REFUSED("https://gist.github.com/" GIST_ID, "without its owner");
    CHECK_REFUSED("https://gist.github.com/rust-play", "is not a Gist's URL");
    CHECK_REFUSED("https://gist.github.com/rust-play/not-an-id", "is not a Gist's URL");
    CHECK_REFUSED("https://gist.github.com/u/" GIST_ID "/revisions", "is not a Gist's URL");
}

static void test_gitlab(void)
{
    CHECK_RAW("https://gitlab.com/rust-embedded/cortex-m/-/blob/master/src/lib.rs",
              "https://gitlab.com/rust-embedded/cortex-m/-/raw/master/src/lib.rs");
    CHECK_RAW("https://gitlab.com/o/r/-/blob/main/x.rs?ref_type=heads#L3",
              "https://gitlab.com/o/r/-/raw/main/x.rs");
    CHECK_RAW("https://gitlab.com/o/r/-/blob/main/x.rs/", "https://gitlab.com/o/r/-/raw/main/x.rs");
    /* Subgroups, and a GitLab of one's own. */
    CHECK_RAW("https://gitlab.com/group/sub/r/-/blob/main/a/b.rs",
              "https://gitlab.com/group/sub/r/-/raw/main/a/b.rs");
    CHECK_RAW("https://git.example.org/o/r/-/blob/v1.0/x.rs",
              "https://git.example.org/o/r/-/raw/v1.0/x.rs");
    /* Already raw: as it is, query kept. */
    CHECK_RAW("https://gitlab.com/o/r/-/raw/main/x.rs?inline=false",
              "https://gitlab.com/o/r/-/raw/main/x.rs?inline=false");
    CHECK_REFUSED("https://gitlab.com/o/r/-/tree/main/src", "names a directory on GitLab");
    CHECK_REFUSED("https://gitlab.com/o/r/-/blob/main", "names no file after /-/blob/");
}

static void test_bitbucket_and_codeberg(void)
{
    /* Only the page's /src/ changes, not a directory of that name further on. */
    CHECK_RAW("https://bitbucket.org/atlassian/atlaskit-mk-2/src/master/build/docs/src/md/x.rs",
              "https://bitbucket.org/atlassian/atlaskit-mk-2/raw/master/build/docs/src/md/x.rs");
    CHECK_RAW("https://bitbucket.org/o/r/src/0a1b2c/x.rs?at=main#lines-4",
              "https://bitbucket.org/o/r/raw/0a1b2c/x.rs");
    CHECK_RAW("https://bitbucket.org/o/r/raw/main/x.rs", "https://bitbucket.org/o/r/raw/main/x.rs");
    CHECK_REFUSED("https://bitbucket.org/o/r", "names a Bitbucket repository");
    CHECK_REFUSED("https://bitbucket.org/o/r/src/main", "names a directory on Bitbucket");
    CHECK_RAW("https://codeberg.org/o/r/src/branch/main/x.rs",
              "https://codeberg.org/o/r/raw/branch/main/x.rs");
    CHECK_REFUSED("https://codeberg.org/o/r/src/branch/main", "names a directory on Codeberg");
}

static void test_playground(void)
{
    static const char expected[] =
        "https://gist.githubusercontent.com/rust-play/362dc87d7c1c8f2d569cc205165424d3/raw";
    CHECK_RAW("https://play.rust-lang.org/?version=stable&mode=debug&edition=2021&gist="
              "362dc87d7c1c8f2d569cc205165424d3", expected);
    CHECK_RAW("https://play.rust-lang.org/?gist=362dc87d7c1c8f2d569cc205165424d3&version=nightly",
              expected);
    CHECK_RAW("https://play.rust-lang.org?gist=362dc87d7c1c8f2d569cc205165424d3#x", expected);
    CHECK_REFUSED("https://play.rust-lang.org/?version=stable", "without gist=ID");
    CHECK_REFUSED("https://play.rust-lang.org/?code=fn%20main", "without gist=ID");
    CHECK_REFUSED("https://play.rust-lang.org/?gist=xyz", "not a Gist ID");
}

static void test_malformed(void)
{
    CHECK_REFUSED("https://", "has no host name");
    CHECK_REFUSED("https:///x.rs", "has no host name");
    CHECK_REFUSED("https://example.com/a b.rs", "contains a space");
    CHECK_REFUSED("https://example.com/a\tb.rs", "control character");
    CHECK_REFUSED("ftp://example.com/x.rs", "is not an http:// or https:// URL");
    char long_url[URL_MAX_BYTES + 40] = "https://example.com/";
    memset(long_url + 20, 'a', URL_MAX_BYTES);
    long_url[URL_MAX_BYTES + 20] = '\0';
    CHECK_REFUSED(long_url, "is longer than");
}

static void test_script_name(void)
{
    struct strbuf name = STRBUF_INIT;
    url_script_name("https://raw.githubusercontent.com/clap-rs/clap/master/examples/demo.rs",
                    &name);
    CHECK_STR(name.buf, "demo.rs");
    url_script_name("https://example.com/x.rs?token=1", &name);
    CHECK_STR(name.buf, "x.rs");
    url_script_name("https://gist.githubusercontent.com/rust-play/" GIST_ID "/raw", &name);
    CHECK_STR(name.buf, "gist-794c1d0b");
    url_script_name("https://gist.githubusercontent.com/u/" GIST_ID "/raw/0a1b/main.rs", &name);
    CHECK_STR(name.buf, "main.rs");
    url_script_name("https://Example.com", &name);
    CHECK_STR(name.buf, "example.com");
    url_script_name("https://example.com/dir/", &name);
    CHECK_STR(name.buf, "dir");
    strbuf_release(&name);
}

int main(void)
{
    test_is_remote();
    test_raw_urls();
    test_github();
    test_gist();
    test_gitlab();
    test_bitbucket_and_codeberg();
    test_playground();
    test_malformed();
    test_script_name();
    return unit_finish("test_url");
}
