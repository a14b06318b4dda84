/* Script URLs: which arguments are URLs, and the URL of a file's raw text for the page URLs people
 * copy from their browser.  Pure functions: nothing here touches the network.
 *
 *   https://github.com/O/R/blob/REF/PATH     -> https://raw.githubusercontent.com/O/R/REF/PATH
 *   https://github.com/O/R/raw/REF/PATH      -> the same
 *   https://gist.github.com/U/ID             -> https://gist.githubusercontent.com/U/ID/raw
 *   https://gist.github.com/U/ID/raw/REV/F   -> https://gist.githubusercontent.com/U/ID/raw/REV/F
 *   https://HOST/GROUP/R/-/blob/REF/PATH     -> https://HOST/GROUP/R/-/raw/REF/PATH  (GitLab)
 *   https://bitbucket.org/O/R/src/REF/PATH   -> https://bitbucket.org/O/R/raw/REF/PATH
 *   https://codeberg.org/O/R/src/KIND/REF/P  -> https://codeberg.org/O/R/raw/KIND/REF/P
 *   https://play.rust-lang.org/?...gist=ID   -> https://gist.githubusercontent.com/rust-play/ID/raw
 *   anything else                            -> itself
 *
 * The fragment (#L10, #L10-L20) is never part of the result: it names lines of a page, and a
 * server never sees it.  A page URL's query (?plain=1, ?raw=true, ?at=main, ?ref_type=heads) is a
 * view option of the page and is dropped with it, as is a trailing slash after the file; a raw
 * URL keeps its query (a token, say).  Scheme and host are lowercased; page forms become https. */
#ifndef CTHAG_FETCH_URL_H
#define CTHAG_FETCH_URL_H

#include "util/strbuf.h"

/* The longest URL cthag takes (it is part of the entry's identity and record). */
#define URL_MAX_BYTES 2048

/* Does arg name a URL cthag fetches: http:// or https://, the scheme in any case? */
int url_is_remote(const char *arg);
/* The raw text's URL for url into raw.  -1 with the reason in why (a phrase to follow the URL in
 * a message: "names a repository, not a file; ...") when url is malformed or names something
 * that is not one file. */
int url_to_raw(const char *url, struct strbuf *raw, struct strbuf *why);
/* The file name the script goes by, from its raw URL: the last segment of the path ("demo.rs"),
 * "gist-<ID>" for a Gist's /raw, or the host when the path is empty. */
void url_script_name(const char *raw, struct strbuf *name);

#endif
