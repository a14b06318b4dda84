#!/usr/bin/env python3
"""make bench-rapid: time from Enter to result in `cthag -r`, on a real pseudo-terminal.

For a dependency-free entry not evaluated before (cargo builds it) and for one evaluated before
(cached: no cargo), RUNS times each, in one session on a fresh cache root; prints the medians.
The clock starts when Enter is written to the terminal and stops when the value's line arrives.
"""
import os, pty, select, shutil, statistics, sys, tempfile, time

CTHAG = os.environ.get("CTHAG") or os.path.join(os.path.dirname(__file__), "..", "cthag")
RUNS = int(os.environ.get("RUNS", "11"))


def read_until(fd, buf, needle, count, timeout=300.0):
    deadline = time.monotonic() + timeout
    while buf.count(needle) < count:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            sys.exit("bench-rapid: timed out waiting for %r; got:\n%s" % (needle, buf[-2000:]))
        buf += os.read(fd, 65536)
    return buf


def end_session(pid, fd):
    """Ctrl-D, then :quit, then SIGTERM, each given 5 s: one run in ten once kept cthag-rapid
    in its terminal read after the Ctrl-D (load 2.8, not reproduced since), and a bench must
    not hang on it; it says so when the Ctrl-D was not enough."""
    for step in (b"\x04", b":quit\r", None):
        if step is None:
            os.kill(pid, 15)
        else:
            os.write(fd, step)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                if step != b"\x04":
                    print("bench-rapid: the session did not end on Ctrl-D; ended by %s" %
                          ("SIGTERM" if step is None else ":quit"), file=sys.stderr)
                return
            try:  # keep the terminal drained so that the session never blocks on output
                if select.select([fd], [], [], 0.05)[0]:
                    os.read(fd, 65536)
            except OSError:
                pass
    os.waitpid(pid, 0)


def main():
    work = tempfile.mkdtemp(prefix="cthag-bench-rapid.")
    env = dict(os.environ, CTHAG_CACHE_DIR=os.path.join(work, "cache"),
               XDG_STATE_HOME=os.path.join(work, "state"),
               XDG_CONFIG_HOME=os.path.join(work, "config"), TERM="xterm")
    env["PATH"] = os.path.expanduser("~/.cargo/bin") + ":" + env.get("PATH", "")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(CTHAG, [CTHAG, "-q", "-r"], env)
    buf = read_until(fd, b"", b">> ", 1)
    prompts = 1

    def evaluate(entry, value, seen):
        nonlocal buf, prompts
        os.write(fd, entry.encode())
        buf = read_until(fd, buf, entry.encode(), seen)  # the echo: typed, not yet entered
        start = time.monotonic()
        os.write(fd, b"\r")
        buf = read_until(fd, buf, b"\r\n" + value.encode() + b"\r\n", seen)
        elapsed = time.monotonic() - start
        prompts += 1
        buf = read_until(fd, buf, b">> ", prompts)
        return elapsed * 1000

    evaluate("1 + 1", "2", 1)  # the first build creates the shared target
    uncached = [evaluate("700000 + %d" % i, str(700000 + i), 1) for i in range(RUNS)]
    cached = [evaluate("700000 + %d" % i, str(700000 + i), 2) for i in range(RUNS)]
    end_session(pid, fd)
    shutil.rmtree(work, ignore_errors=True)
    for name, times in (("uncached entry (cargo builds it)", uncached),
                        ("cached entry (evaluated before)", cached)):
        print("%-36s median %8.1f ms  (min %.1f, max %.1f, %d runs)" %
              (name, statistics.median(times), min(times), max(times), len(times)))


if __name__ == "__main__":
    main()
