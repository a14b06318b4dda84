#!/usr/bin/env python3
"""A small HTTP server on 127.0.0.1 for the URL tests (t60-url.sh): nothing beyond loopback.

    url-server.py DOCROOT PORT_FILE LOG_FILE

Listens on a free port, then writes it to PORT_FILE (written whole, then renamed, so a test
polling for the file never reads half of it).  Every request is one line in LOG_FILE:

    METHOD PATH inm=<If-None-Match or -> ims=<If-Modified-Since or -> host=<Host> -> STATUS

Files come from DOCROOT with an ETag (a hash of the content) and a Last-Modified (the file's
mtime); If-None-Match / If-Modified-Since that still hold get 304.  Content types as GitHub's
raw server sends them: .rs and .txt text/plain; charset=utf-8, .html text/html.  Special paths:

    /redirect/N/PATH   302 to /PATH, N times over (a chain)
    /slow/PATH         waits SLOW_SECONDS (env, default 30) before answering: past any timeout
                       (logged when asked, with the status "slow")
    /nocache/PATH      PATH without ETag and Last-Modified
    /lastmod/PATH      PATH with Last-Modified only
    /status/CODE       an empty answer with that status
    /binary            bytes that are not text (application/octet-stream)
    /endless           comment lines without a Content-Length, until the client hangs up (or
                       ENDLESS_MAX bytes, 256 MiB, are sent: a bound for a client that reads on)
    /missing...        404 with an HTML error page, as real servers send

While DOCROOT/.slow exists, every request waits SLOW_SECONDS first (a server that stopped
answering).  A request whose target is absolute (http://host/path) is what a proxy gets: it is
served the same way, and its log line names the host asked for.  CONNECT (an https URL through
a proxy) is logged and refused: nothing here speaks TLS, nor goes beyond loopback."""

import email.utils
import hashlib
import http.server
import os
import sys
import time
import urllib.parse

DOCROOT, PORT_FILE, LOG_FILE = sys.argv[1:4]
SLOW_SECONDS = float(os.environ.get("SLOW_SECONDS", "30"))
TYPES = {".rs": "text/plain; charset=utf-8", ".txt": "text/plain; charset=utf-8",
         ".html": "text/html; charset=utf-8"}
ENDLESS_MAX = 256 * 1024 * 1024
NOT_FOUND = b"<!DOCTYPE html>\n<html><body><h1>404 Not Found</h1></body></html>\n"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def log_request_line(self, status):
        if getattr(self, "logged", False):
            return
        self.logged = True
        with open(LOG_FILE, "a") as log:
            log.write("%s %s inm=%s ims=%s host=%s -> %s\n" % (
                self.command, self.path, self.headers.get("If-None-Match", "-"),
                self.headers.get("If-Modified-Since", "-"), self.headers.get("Host", "-"),
                status))

    def answer(self, status, body=b"", headers=()):
        self.log_request_line(status)
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first (a slow answer past its timeout)

    def do_HEAD(self):
        self.do_GET()

    def do_CONNECT(self):
        self.answer(502)

    def wait(self):
        """A slow answer: logged now ("-> slow"), when the client asks, not when it is long gone."""
        self.log_request_line("slow")
        time.sleep(SLOW_SECONDS)

    def do_GET(self):
        if os.path.exists(os.path.join(DOCROOT, ".slow")):
            self.wait()
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/redirect/"):
            _, _, count, rest = path.split("/", 3)
            target = "/" + rest if int(count) <= 1 else "/redirect/%d/%s" % (int(count) - 1, rest)
            return self.answer(302, headers=[("Location", target)])
        if path.startswith("/slow/"):
            self.wait()
            path = path[len("/slow"):]
        if path.startswith("/status/"):
            return self.answer(int(path.split("/")[2]))
        if path == "/binary":
            return self.answer(200, b"\x7fELF\x02\x01\x01\x00\x00\x00",
                               [("Content-Type", "application/octet-stream")])
        if path == "/endless":
            return self.endless()
        validators = "etag+lastmod"
        for prefix, kind in (("/nocache/", ""), ("/lastmod/", "lastmod")):
            if path.startswith(prefix):
                path, validators = path[len(prefix) - 1:], kind
        self.serve_file(path, validators)

    def endless(self):
        """An answer whose length no header announces (curl's --max-filesize cannot apply)."""
        self.log_request_line(200)
        self.close_connection = True
        line = b"// " + b"x" * 1020 + b"\n"
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(ENDLESS_MAX // (len(line) * 64)):
                self.wfile.write(line * 64)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what it should do

    def serve_file(self, path, validators):
        file = os.path.join(DOCROOT, path.lstrip("/"))
        if ".." in path.split("/") or not os.path.isfile(file):
            return self.answer(404, NOT_FOUND, [("Content-Type", "text/html; charset=utf-8")])
        with open(file, "rb") as f:
            body = f.read()
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        mtime = int(os.stat(file).st_mtime)
        headers = [("Content-Type", TYPES.get(os.path.splitext(file)[1], "text/plain"))]
        if "etag" in validators:
            headers.append(("ETag", etag))
        if "lastmod" in validators:
            headers.append(("Last-Modified", email.utils.formatdate(mtime, usegmt=True)))
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        if "etag" in validators and inm is not None:
            if inm == etag:
                return self.answer(304, headers=headers[1:])
        elif "lastmod" in validators and ims is not None:
            since = email.utils.parsedate_to_datetime(ims).timestamp()
            if mtime <= since:
                return self.answer(304, headers=headers[1:])
        self.answer(200, body, headers)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(PORT_FILE + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(PORT_FILE + ".tmp", PORT_FILE)
    server.serve_forever()


if __name__ == "__main__":
    main()
