#!/usr/bin/python3
"""The story's client in the story's language: N HTTPS GETs of URL?page=i with gevent +
requests, joined as grequests.map joins them, each response checked for its page id,
then the original's summary lines.

  fetch.py --url URL [-n N] [--stage 1-4] [--runtime py27|py37] [--cacert FILE]
           [--patch-select] [--profile] [--socket-class] [--timeout S] [--json FILE]

--stage picks what is installed, as the lab's stages do:
  1  nothing: the stdlib ssl module, which gevent patches
  2  pyOpenSSL, injected into urllib3 (requests 2.24+ no longer does it by itself)
  3  + the gevent_openssl 1.2 shim (coop_shim.py): cooperative recv, no recv_into
  4  + the shim with the pull request's recv_into
--runtime py27 reads each response through sock.recv(n), as Python 2.7's httplib did;
py37 (the default) through sock.recv_into(buffer), as Python 3's http.client does.
--patch-select is grequests issue 116's fix: gevent's patch_all with select patched too.
Runs with Debian's python3-gevent, python3-requests, python3-urllib3, python3-openssl.
"""
import argparse
import sys


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True, help="e.g. https://127.0.0.1:8443/delay/1")
    p.add_argument("-n", type=int, default=10, help="number of requests, pages 0..n-1 (10)")
    p.add_argument("--stage", type=int, choices=(1, 2, 3, 4), default=1)
    p.add_argument("--runtime", choices=("py27", "py37"), default="py37")
    p.add_argument("--cacert", help="CA file (default: the lab CA, build/lab-certs/ca.pem)")
    p.add_argument("--delay", type=float, help="server delay for the verdict (default: from /delay/{s})")
    p.add_argument("--timeout", type=float, default=30, help="seconds per socket wait (30)")
    p.add_argument("--patch-select", action="store_true",
                   help="patch select too (grequests issue 116's fix)")
    p.add_argument("--profile", action="store_true", help="cProfile the run, sorted by cumulative time")
    p.add_argument("--socket-class", action="store_true", help="print the socket class each request used")
    p.add_argument("--json", help="write the run's summary as JSON to FILE")
    args = p.parse_args(argv)
    if args.n < 1:
        p.error("-n must be at least 1")
    if not args.url.startswith(("https://", "http://")):
        p.error(f"--url {args.url}: not an http:// or https:// URL")
    return args


ARGS = parse_args(sys.argv[1:])

# grequests' own first lines: everything but threads and select becomes cooperative.
from gevent import monkey  # noqa: E402

monkey.patch_all(thread=False, select=ARGS.patch_select)

import http.client  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402
import gevent.pool  # noqa: E402
import requests  # noqa: E402
import urllib3  # noqa: E402

MODULES = {1: [], 2: ["pyopenssl"], 3: ["pyopenssl", "coop_shim-1.2"], 4: ["pyopenssl", "coop_shim-1.2+recv_into"]}


def install(stage):
    """What stage N has installed: pyOpenSSL injected, then the shim over it."""
    if stage >= 2:
        import warnings
        with warnings.catch_warnings():  # urllib3 1.26 says the module goes away in 2.x: known
            warnings.simplefilter("ignore", DeprecationWarning)
            import urllib3.contrib.pyopenssl
        urllib3.contrib.pyopenssl.inject_into_urllib3()
    if stage >= 3:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import coop_shim
        coop_shim.monkey_patch(recv_into=stage == 4)


class RecvReader(io.RawIOBase):
    """Python 2.7's httplib read a response through sock.recv(n) (socket._fileobject);
    this reader does the same where Python 3 would call sock.recv_into(buffer)."""

    def __init__(self, sock):
        self._sock = sock

    def readable(self):
        return True

    def readinto(self, b):
        data = self._sock.recv(len(b))
        b[:len(data)] = data
        return len(data)


def read_with_recv():
    """The py27 runtime: every HTTP response of http.client reads through recv."""
    original_init = http.client.HTTPResponse.__init__

    def init(self, sock, *args, **kwargs):
        original_init(self, sock, *args, **kwargs)
        socket_io, self.fp = self.fp, io.BufferedReader(RecvReader(sock))
        socket_io.close()  # gives the socket's makefile reference back

    http.client.HTTPResponse.__init__ = init


def socket_class(response):
    """The class of the socket that carried the response, and of the TLS connection
    inside it when it wraps one (urllib3's WrappedSocket holds pyOpenSSL's)."""
    sock = response.raw._connection.sock
    inner = getattr(sock, "connection", None)
    return type(sock).__name__ + (f"({type(inner).__name__})" if inner is not None else "")


def fetch(url, page, cacert, timeout, classes):
    """One greenlet: one Session (as each grequests.AsyncRequest makes its own), one
    GET, the page checked. Returns None when valid, else why not."""
    def remember_class(response, *args, **kwargs):
        classes[page] = socket_class(response)
    try:
        with requests.Session() as session:
            r = session.get(url, params={"page": page}, verify=cacert, timeout=timeout,
                            hooks={"response": remember_class})
        if r.status_code != 200:
            return f"status {r.status_code}"
        got = r.json().get("args", {}).get("page")
        return None if got == str(page) else f"page {got!r} in the answer"
    except Exception as e:  # a request's failure is its record, as in the C++ client
        return f"{type(e).__name__}: {e}"


def verdict(total, delay, n, valid):
    """As slowfast's: fast under 2 x delay, slow over N/2 x delay; nothing answered, no verdict."""
    if not delay or not valid:
        return "unknown"
    if total < 2 * delay:
        return "fast"
    return "slow" if total > n / 2 * delay else "mixed"


def run(args):
    install(args.stage)
    if args.runtime == "py27":
        read_with_recv()
    cacert = args.cacert or os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../build/lab-certs/ca.pem")
    if not os.path.exists(cacert):
        sys.exit(f"fetch.py: no CA file at {cacert} (start slowfast-server once, or pass --cacert)")
    match = re.search(r"/delay/([0-9.]+)", args.url)
    delay = args.delay or (float(match.group(1)) if match else 0)
    classes, pool = {}, gevent.pool.Pool()
    start = time.monotonic()
    jobs = [pool.spawn(fetch, args.url, i, cacert, args.timeout, classes) for i in range(args.n)]
    gevent.joinall(jobs)  # grequests.map
    total = time.monotonic() - start
    errors = {i: job.value for i, job in enumerate(jobs) if job.value is not None}
    modules = ",".join(MODULES[args.stage]) or "none"
    print(f"stage={args.stage} runtime={args.runtime} modules={modules} patch_select={int(args.patch_select)} "
          f"n={args.n} delay={delay:.3f}")
    if args.socket_class:
        for i in range(args.n):
            print(f"page={i} socket_class={classes.get(i, '-')}")
    for i, why in sorted(errors.items()):
        print(f"page={i} error: {why}", file=sys.stderr)
    result = {"stage": args.stage, "runtime": args.runtime, "patch_select": args.patch_select, "n": args.n,
              "delay_s": delay, "total_s": round(total, 3), "valid": args.n - len(errors),
              "invalid": len(errors), "verdict": verdict(total, delay, args.n, args.n - len(errors))}
    print(f"len(valid_page_ids) = {result['valid']}\nlen(invalid_page_ids) = {result['invalid']}\n"
          f"total_time={total:.3f}\nverdict={result['verdict']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f)
    return 1 if errors else 0


def main():
    urllib3.disable_warnings()
    if not ARGS.profile:
        return run(ARGS)
    import cProfile
    import pstats
    profiler = cProfile.Profile()
    code = profiler.runcall(run, ARGS)
    print()
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    return code


if __name__ == "__main__":
    sys.exit(main())
