#!/usr/bin/env python3
"""Hostile clients against slowfast-server, in a loop, for bench/soak.sh.

    bench/hostile_traffic.py --http-port P --https-port Q --cafile CA --seconds S

Cycles through bad requests (bytes that are not UTF-8, request-smuggling shapes,
oversized headers, half-closes, resets, abandoned delays, garbage on the TLS port,
TLS then silence, 100-continue, pipelining) and checks each answer it expects. Prints
one summary line: cases tried, answered as expected, wrong answers, and exits 1 if
any answer was wrong.
"""
import argparse
import socket
import ssl
import struct
import sys
import time

SMUGGLING = [
    b"Transfer-Encoding : chunked",
    b"Content-Length: 3\r\nTransfer-Encoding: chunked",
    b"Content-Length: 3\r\nContent-Length: 4",
    b"Transfer-Encoding: chunked, identity",
]
CHUNKED_BODY = b"\r\n\r\n3\r\nabc\r\n0\r\n\r\n"


class Target:
    def __init__(self, args):
        self.http, self.https = args.http_port, args.https_port
        self.ctx = ssl.create_default_context(cafile=args.cafile)

    def connect(self, tls):
        s = socket.create_connection(("127.0.0.1", self.https if tls else self.http), timeout=10)
        return self.ctx.wrap_socket(s, server_hostname="127.0.0.1") if tls else s


def read_all(s):
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                return out
            out += b
    except (socket.timeout, ConnectionError, ssl.SSLError):
        return out


def status(resp):
    parts = resp.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def exchange(t, tls, request):
    s = t.connect(tls)
    s.sendall(request)
    resp = read_all(s)
    s.close()
    return resp


def case_not_utf8(t, tls):
    r = exchange(t, tls, b"GET /get?a=%ff&b=\xc3\x28 HTTP/1.1\r\nHost: x\r\nX-E: \xfe\r\nConnection: close\r\n\r\n")
    return status(r) == 200 and "\ufffd".encode() in r


def case_smuggling(t, tls):
    ok = True
    for shape in SMUGGLING:
        r = exchange(t, tls, b"POST /delay/0 HTTP/1.1\r\nHost: x\r\n" + shape + CHUNKED_BODY)
        ok &= status(r) == 400
    return ok


def case_huge_headers(t, tls):
    r = exchange(t, tls, b"GET /get HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 40000 + b"\r\n\r\n")
    return status(r) == 431


def case_half_close(t, tls):
    s = t.connect(tls)
    s.sendall(b"GET /delay/0.1?page=h HTTP/1.1\r\nHost: x\r\n\r\n")
    # A TCP FIN under the TLS session (SSLSocket.shutdown would also drop the TLS layer).
    socket.socket.shutdown(s, socket.SHUT_WR)
    r = read_all(s)
    s.close()
    return status(r) == 200 and b'"page": "h"' in r


def case_reset(t, tls):
    s = t.connect(tls)
    s.sendall(b"GET /delay/0.5 HTTP/1.1\r\nHost: x\r\n\r\n")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    return True


def case_abandoned_delay(t, tls):
    s = t.connect(tls)
    s.sendall(b"GET /delay/0.3 HTTP/1.1\r\nHost: x\r\n\r\n")
    s.close()
    return True


def case_partial_headers(t, tls):
    s = t.connect(tls)
    s.sendall(b"GET /get HTTP/1.1\r\nHost: x\r\nX-Half: ")
    s.close()
    return True


def case_garbage_on_tls_port(t, _tls):
    r = exchange(t, False, b"\x16\x03\x01\x00\x05hello garbage")
    s = socket.create_connection(("127.0.0.1", t.https), timeout=10)
    s.sendall(b"GET / HTTP/1.1\r\n\r\n")
    r += read_all(s)
    s.close()
    return b"HTTP/1.1 200" not in r


def case_tls_then_silence(t, _tls):
    s = t.connect(True)
    time.sleep(0.05)
    s.close()
    return True


def case_expect_continue(t, tls):
    s = t.connect(tls)
    s.sendall(b"POST /delay/0 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
    interim = s.recv(100)
    s.sendall(b"ok")
    final = s.recv(65536)
    s.close()
    return interim.startswith(b"HTTP/1.1 100") and status(final) == 200


def case_pipelined(t, tls):
    reqs = b"".join(b"GET /get?page=%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(49))
    r = exchange(t, tls, reqs + b"GET /get?page=49 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    return r.count(b"HTTP/1.1 200") == 50


CASES = [case_not_utf8, case_smuggling, case_huge_headers, case_half_close, case_reset,
         case_abandoned_delay, case_partial_headers, case_garbage_on_tls_port,
         case_tls_then_silence, case_expect_continue, case_pipelined]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--http-port", type=int, required=True)
    p.add_argument("--https-port", type=int, required=True)
    p.add_argument("--cafile", required=True)
    p.add_argument("--seconds", type=float, default=60)
    args = p.parse_args()
    t = Target(args)
    tried = wrong = 0
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        for case in CASES:
            for tls in (False, True):
                tried += 1
                try:
                    ok = case(t, tls)
                except (OSError, ssl.SSLError) as e:
                    ok = False
                    print(f"hostile: {case.__name__} tls={tls}: {e}", file=sys.stderr)
                if not ok:
                    wrong += 1
                    print(f"hostile: {case.__name__} tls={tls}: unexpected answer", file=sys.stderr)
    print(f"hostile: {tried} cases tried, {tried - wrong} answered as expected, {wrong} wrong")
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
