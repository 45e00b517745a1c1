#!/usr/bin/python3
"""The origin lab: the story's Python client (fetch.py) beside slowfast's C++ client,
cell by cell, against one slowfast-server in one run, then the two profiles of the
stage-3 py37 cell side by side. `make origin-lab` runs it.

  origin_lab.py [-n N] [--delay S] [--no-profile] [--build DIR]

Each cell is one run of N GETs of /delay/S. A row matches when the Python client, the
C++ client and the stage's expected.txt give one verdict, and when both profiles show
the stage-3 py37 cell's time in a poll() under recv_into (exit 1 when one does not; 2
when something it needs is missing). Stages 1-4 come from labs/stageN; stage 0 is
left out: it is whatever the host has installed, in either language. The "select
patched" rows are grequests issue 116's fix, gevent's patch_all with select patched,
beside slowfast's analogue: the patch_select module, which makes the wait itself
cooperative, installed next to the stage's modules.
"""
import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FETCH_PY = os.path.join(ROOT, "labs", "origin", "fetch.py")
PYTHON_PACKAGES = {"gevent": "python3-gevent", "requests": "python3-requests", "urllib3": "python3-urllib3",
                   "OpenSSL": "python3-openssl"}
MARK = {True: "✓", False: "✗"}


class Build:
    """The C++ side: a build directory (build/, or --build DIR) with its binaries, the
    stages' environments `slowfast lab --prepare` makes, its lab CA and patch_select."""

    def __init__(self, path):
        self.dir = os.path.abspath(path)
        self.bin = os.path.join(self.dir, "bin")
        self.patch_select = os.path.join(self.dir, "tests", "clients", "test_modules", "patch_select")
        self.cacert = os.path.join(self.dir, "lab-certs", "ca.pem")

    def tool(self, name):
        return os.path.join(self.bin, name)

    def modules(self, stage, patch_select=False):
        path = os.path.join(self.dir, "labs", f"stage{stage}", "modules")
        return path + ":" + self.patch_select if patch_select else path


def missing_packages():
    return [deb for module, deb in PYTHON_PACKAGES.items() if importlib.util.find_spec(module) is None]


def expected(stage):
    """labs/stageN/expected.txt: runtime -> verdict."""
    with open(os.path.join(ROOT, "labs", f"stage{stage}", "expected.txt")) as f:
        return dict(line.split() for line in f if line.strip() and not line.startswith("#"))


class Server:
    """slowfast-server on a free HTTPS port, stopped when the lab ends."""

    def __init__(self, build, tmp):
        ready = os.path.join(tmp, "ready")
        self.proc = subprocess.Popen([build.tool("slowfast-server"), "--https-port", "0", "--http-port", "-1",
                                      "--ready-file", ready], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(200):
            if os.path.exists(ready) and os.path.getsize(ready) > 0:
                break
            if self.proc.poll() is not None:
                sys.exit("origin_lab: slowfast-server did not start: " + self.proc.stderr.read().decode().strip())
            time.sleep(0.05)
        else:
            self.stop()
            sys.exit("origin_lab: slowfast-server did not listen within 10 s")
        with open(ready) as f:
            self.port = int(re.search(r"https=[^ ]*:(\d+)", f.read()).group(1))

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def run_json(cmd, json_file):
    """Runs a client with --json FILE; its summary, with the command's output on failure."""
    done = subprocess.run(cmd + ["--json", json_file], capture_output=True, text=True, timeout=600)
    if not os.path.exists(json_file):
        sys.exit(f"origin_lab: {' '.join(cmd)} wrote no result (exit {done.returncode}):\n{done.stderr.strip()}")
    with open(json_file) as f:
        return json.load(f)


def cell_text(r):
    bad = f", {r['invalid']} invalid" if r["invalid"] else ""
    return f"{r['total_s']:.3f} s {r['verdict']}{bad}"


def python_fetch(build, url, n, stage, runtime):
    """fetch.py's command line, verifying against the CA of the server's build."""
    return [sys.executable, FETCH_PY, "--url", url, "-n", str(n), "--stage", str(stage), "--runtime", runtime,
            "--cacert", build.cacert]


def cpp_fetch(build, url, n, stage, runtime, patch_select=False):
    return [build.tool("slowfast"), "fetch", "--url", url, "-n", str(n), "--runtime", runtime,
            "--modules", build.modules(stage, patch_select)]


def run_cells(args, build, url, tmp):
    rows = []
    cells = [(stage, False) for stage in (1, 2, 3, 4)] + [(2, True), (3, True)]
    for stage, patch_select in cells:
        row = {"stage": stage, "patch_select": patch_select, "cells": {}}
        want = expected(stage)
        for runtime in ("py27", "py37"):
            py_cmd = python_fetch(build, url, args.n, stage, runtime) + (["--patch-select"] if patch_select else [])
            py = run_json(py_cmd, os.path.join(tmp, "py.json"))
            cpp = run_json(cpp_fetch(build, url, args.n, stage, runtime, patch_select), os.path.join(tmp, "cpp.json"))
            verdict = "fast" if patch_select else want[runtime]
            ok = py["verdict"] == cpp["verdict"] == verdict and py["invalid"] == cpp["invalid"] == 0
            row["cells"][runtime] = (py, cpp, verdict, ok)
            print(f"  stage {stage}{' + select patched' if patch_select else ''} {runtime}: "
                  f"Python {cell_text(py)}, C++ {cell_text(cpp)}  {MARK[ok]}", file=sys.stderr, flush=True)
        rows.append(row)
    return rows


def print_table(rows):
    print("| stage | Python: installed | py27 (recv) Python | py27 C++ | py37 (recv_into) Python | py37 C++ | "
          "expected | match |")
    print("|---|---|---|---|---|---|---|---|")
    names = {1: "nothing", 2: "pyopenssl", 3: "pyopenssl, gevent_openssl 1.2",
             4: "pyopenssl, gevent_openssl + recv_into"}
    for row in rows:
        stage = str(row["stage"]) + (" + select patched" if row["patch_select"] else "")
        cells, marks = [], []
        for runtime in ("py27", "py37"):
            py, cpp, verdict, ok = row["cells"][runtime]
            cells += [cell_text(py), cell_text(cpp)]
            marks.append(verdict)
        match = all(row["cells"][r][3] for r in ("py27", "py37"))
        print(f"| {stage} | {names[row['stage']]} | {' | '.join(cells)} | {' / '.join(marks)} | {MARK[match]} |")


def profile_rows(text, pattern, count):
    """The header and the first `count` rows of a profile table that match `pattern`."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), None)
    if start is None:
        return ["(no profile in the output)"]
    rows = [line for line in lines[start + 1:] if re.search(pattern, line)]
    return [lines[start]] + rows[:count]


def print_profiles(args, build, url):
    """Both profiles of the stage-3 py37 cell; True when each shows the poll under recv_into."""
    py = subprocess.run(python_fetch(build, url, args.n, 3, "py37") + ["--profile"], capture_output=True, text=True,
                        timeout=600)
    cpp = subprocess.run(cpp_fetch(build, url, args.n, 3, "py37") + ["--profile"], capture_output=True, text=True,
                         timeout=600)
    print("\nStage 3, py37 - Python's cProfile, sorted by cumulative time (the rows under the socket):")
    py_rows = profile_rows(py.stdout, r"recv_into|wait_for_read|poll|readinto", 6)
    for line in py_rows:
        print("  " + re.sub(r"/usr/lib/python3\S*/", "", line))
    print("slowfast fetch --profile, the same cell:")
    cpp_rows = profile_rows(cpp.stdout, r"recv_into", 2)
    for line in cpp_rows:
        print("  " + line)
    py_ok = any("pyopenssl.py" in r and "recv_into" in r for r in py_rows) and \
        any("{method 'poll' of 'select.poll' objects}" in r for r in py_rows)
    cpp_ok = any(r.rstrip().endswith("recv_into -> poll  [blocking_tls]") for r in cpp_rows)
    if not (py_ok and cpp_ok):
        print(f"the poll under recv_into is missing from {'Python' if not py_ok else 'slowfast'}'s profile")
    return py_ok and cpp_ok


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=10, help="requests per run (10)")
    p.add_argument("--delay", type=float, default=1.0, help="server delay in seconds (1)")
    p.add_argument("--no-profile", action="store_true", help="leave out the two profiles")
    p.add_argument("--build", default=os.path.join(ROOT, "build"), help="the build directory (build/)")
    args = p.parse_args()
    build = Build(args.build)
    missing = missing_packages()
    if missing:
        print(f"origin_lab: the Python packages are missing: {' '.join(missing)} "
              "(scripts/setup --origin installs them)",
              file=sys.stderr)
        return 2
    for needed in (build.tool("slowfast"), build.tool("slowfast-server"), build.patch_select):
        if not os.path.exists(needed):
            print(f"origin_lab: {needed} is missing: build first (make build)", file=sys.stderr)
            return 2
    subprocess.run([build.tool("slowfast"), "lab", "--prepare"], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="slowfast-origin-") as tmp:
        server = Server(build, tmp)
        try:
            url = f"https://127.0.0.1:{server.port}/delay/{args.delay:g}"
            print(f"origin lab: N = {args.n}, delay {args.delay:g} s, one slowfast-server (port {server.port}); "
                  f"Python {sys.version.split()[0]}, gevent + requests, beside slowfast fetch (uv-nonblocking)",
                  file=sys.stderr, flush=True)
            rows = run_cells(args, build, url, tmp)
            print()
            print_table(rows)
            profiles_ok = args.no_profile or print_profiles(args, build, url)
        finally:
            server.stop()
    matched = sum(all(row["cells"][r][3] for r in ("py27", "py37")) for row in rows)
    print(f"\n{matched} of {len(rows)} rows: the Python and the C++ client give the verdicts the story expects")
    return 0 if matched == len(rows) and profiles_ok else 1


if __name__ == "__main__":
    sys.exit(main())
