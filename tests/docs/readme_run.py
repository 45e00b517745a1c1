#!/usr/bin/env python3
"""Every command a README shows is run, and every output it shows is checked.

Usage: readme_run.py REPO_ROOT README [--keep DIR]

A README's fenced blocks each say what they are:
  ```sh             commands: run, in order, from the repository's root, by one bash
                    (so `SERVER=$(...)` on one line serves `kill $SERVER` on a later one)
  ```text / ```cpp  shown, not run (a synopsis, a layout, code)
  <!-- output of: COMMAND -->  on the line before a block: what COMMAND printed. COMMAND
                    names a command of an ```sh block of the same README: its start, with
                    "..." for the words left out ("slowfast fetch ... --trace"). The first
                    such command from the one the previous output block showed is meant.
                    The block's lines must appear, in order, in that command's output.
                    Every command must exit 0, unless its output block ends its comment
                    with "; exit N" (<!-- output of: make check-e1; exit 2 -->: a starter
                    that the validator rejects).
A block without a kind is an error: a README cannot show output that nothing checks.

An output line matches when its words are equal (runs of spaces are one space) and its
numbers are within wide bounds of those shown: a time (a decimal) half to twice the one
shown or 0.5 either way, a count (a whole number) half to twice it (so 0 is exactly 0:
"len(invalid_page_ids) = 0"; a profile's ncalls may differ from run to run).
"..." inside a line stands for any text, and a line that is only "..." for lines left out.
A waterfall's text bar (`|` and `|` around 10 or more of its glyphs -=>.#~) matches any
bar of the same width: which glyph a phase of a few ms gets varies from run to run; the
time after the bar is checked as a time.

The commands run on this machine's real build (build/), as a reader would run them in a
fresh shell, with three things kept apart from the checkout and the machine:
SLOWFAST_SITE (the host's module sites, which `make install-modules` fills) and RESULTS
(where `make labs` writes) point into a temporary directory, and `make test` is not run
(this check runs inside it). SLOWFAST_PATH and the calling make's flags are not passed on.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

RUN_TIMEOUT_S = 540  # under the TIMEOUT tests/docs/CMakeLists.txt gives these tests
MARK = "@@readme-command"
OUTPUT_OF = re.compile(r"^<!--\s*output of:\s*(.*?)\s*(?:;\s*exit\s+(\d+)\s*)?-->$")
NOT_RUN = {"make test"}  # the command that runs this check
FIXED_PORTS = (8443, 8080)  # slowfast-server's defaults, which the READMEs use


class Block:
    def __init__(self, line, kind, output_of, lines, exit_code=0):
        self.line, self.kind, self.output_of, self.lines = line, kind, output_of, lines
        self.exit_code = exit_code


def parse_blocks(path):
    blocks, errors = [], []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        fence = re.match(r"^(```+)\s*(\S*)", lines[i])
        if not fence:
            i += 1
            continue
        start, kind = i + 1, fence.group(2)
        prev = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        output_of = OUTPUT_OF.match(prev)
        body = []
        i += 1
        while i < len(lines) and not lines[i].startswith(fence.group(1)):
            body.append(lines[i])
            i += 1
        i += 1
        block = Block(start, kind, output_of.group(1) if output_of else None, body,
                      int(output_of.group(2)) if output_of and output_of.group(2) else 0)
        if not kind and block.output_of is None:
            errors.append(f"{path}:{start}: a block without a kind: mark it ```sh (run by this check), "
                          "```text (shown, not run), or put <!-- output of: COMMAND --> before it")
        blocks.append(block)
    return blocks, errors


def commands_of(block):
    """The block's commands: comment-only lines dropped, backslash continuations joined."""
    commands, pending = [], ""
    for raw in block.lines:
        if not pending and (not raw.strip() or raw.lstrip().startswith("#")):
            continue
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        commands.append(pending + raw)
        pending = ""
    if pending:
        commands.append(pending)
    return commands


def bare(command):
    """A command without its trailing comment and extra spaces: how output blocks name it."""
    return " ".join(re.sub(r"\s+#.*$", "", command).split())


def names(name, command):
    """Whether an output block's name is this command: its pieces, in order, from the start."""
    pieces = [re.escape(bare(p)) for p in name.split("...")]
    return re.match(r".*?".join(pieces), bare(command)) is not None


def script_for(commands):
    """One bash script: each command after a mark, its exit code after it."""
    out = ["exec 2>&1", "set -o pipefail"]
    for n, command in enumerate(commands):
        out.append(f"printf '\\n{MARK} {n}\\n'")
        if bare(command) in NOT_RUN:
            out.append(f"echo 'not run here: {bare(command)} (this check runs inside it)'")
        else:
            out.append(command)
        out.append(f"printf '\\n{MARK} {n} exit %d\\n' $?")
    return "\n".join(out) + "\n"


def split_output(text, count):
    """Each command's output and exit code, from the marks the script printed."""
    parts, codes = [""] * count, [None] * count
    current = None
    for line in text.split("\n"):
        m = re.fullmatch(MARK + r" (\d+)(?: exit (\d+))?", line)
        if m and m.group(2) is not None:
            codes[int(m.group(1))] = int(m.group(2))
            current = None
        elif m:
            current = int(m.group(1))
        elif current is not None:
            parts[current] += line + "\n"
    return parts, codes


BAR = re.compile(r"\|[-=>.#~ ]{10,}\|")


def line_pattern(expected):
    """A regex for one shown line, and the numbers it shows (each with its slack)."""
    pattern, numbers = "", []
    for piece in re.split(r"(\|[-=>.#~ ]{10,}\||\.\.\.|\s+|\d+\.\d+|\d+)", expected.strip()):
        if not piece:
            continue
        if BAR.fullmatch(piece):
            pattern += r"\|[-=>.#~ ]{%d}\|" % (len(piece) - 2)
        elif piece == "...":
            pattern += ".*?"
        elif piece.isspace():
            pattern += r"\s+"
        elif re.fullmatch(r"\d+\.\d+", piece):
            pattern += r"(\d+\.\d+)"
            numbers.append((float(piece), 0.5))
        elif piece.isdigit():
            pattern += r"(\d+)"
            numbers.append((float(piece), 0.0))
        else:
            pattern += re.escape(piece)
    return re.compile(r"^\s*" + pattern + r"\s*$"), numbers


def within(shown, slack, got):
    return shown / 2 <= got <= 2 * shown or abs(got - shown) <= slack


def line_matches(expected, actual):
    pattern, numbers = line_pattern(expected)
    m = pattern.match(actual)
    return bool(m) and all(within(s, slack, float(g)) for (s, slack), g in zip(numbers, m.groups()))


def check_output(block, output):
    """The first shown line that is not in the output, in order; None when all are."""
    actual = output.split("\n")
    pos = 0
    for expected in block.lines:
        if not expected.strip() or expected.strip() == "...":
            continue
        while pos < len(actual) and not line_matches(expected, actual[pos]):
            pos += 1
        if pos == len(actual):
            return expected
        pos += 1
    return None


def port_taken(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def self_test():
    """The matcher on known lines: what must match and what must not."""
    cases = [
        ("total_time=10.076", "total_time=10.5", True),
        ("total_time=10.076", "total_time=1.020", False),   # fast where slow was shown
        ("connected=0.002", "connected=0.4", True),        # small times: 0.5 s either way
        ("connected=0.002", "connected=1.004", False),
        ("len(invalid_page_ids) = 0", "len(invalid_page_ids) = 1", False),
        ("  10  uv_run -> poll", "17 uv_run -> poll", True),  # a count, half to twice
        ("  10  uv_run -> poll", "21 uv_run -> poll", False),
        ("verdict=fast", "verdict=slow", False),
        ("[ 1/2] stage 2  py27 ... 10.0 s  slow ✓", "[ 1/2] stage 2 py27 ... 10.2 s slow ✓", True),
        ("pid ... (kill ...)", "pid 4242 (kill 4242)", True),
        ("page 0 |" + "." * 20 + "| 1.010s", "page 0 |>" + "." * 19 + "| 1.2s", True),
        ("page 0 |" + "." * 20 + "| 1.010s", "page 0 |>" + "." * 18 + "| 1.2s", False),  # width
        ("page 0 |" + "." * 20 + "| 1.010s", "page 0 |" + "." * 20 + "| 10.2s", False),
    ]
    bad = [(e, a) for e, a, want in cases if line_matches(e, a) != want]
    for e, a in bad:
        print(f"self-test: line_matches({e!r}, {a!r}) is wrong")
    block = Block(1, "", "x", ["a 1.0", "...", "c"])
    if check_output(block, "a 1.1\nb\nc\n") is not None or check_output(block, "c\na 1.0\n") != "c":
        bad.append("order")
        print("self-test: check_output does not keep the shown order")
    print(f"self-test: {len(cases) + 1 - len(bad)} of {len(cases) + 1} cases right")
    return 1 if bad else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root, readme = sys.argv[1], sys.argv[2]
    keep = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--keep" else None
    rel = os.path.relpath(readme, root)
    blocks, errors = parse_blocks(readme)
    commands = [c for b in blocks if b.kind == "sh" for c in commands_of(b)]

    # Which command each output block shows: the first, from the last one named, whose
    # text starts with the name.
    shows, after = [], 0
    for b in blocks:
        if b.output_of is None:
            continue
        named = [i for i in range(len(commands)) if names(b.output_of, commands[i])]
        later = [i for i in named if i >= after] or named
        if not later:
            errors.append(f"{rel}:{b.line}: <!-- output of: {b.output_of} --> names no command of the "
                          f"README's ```sh blocks")
            continue
        shows.append((b, later[0]))
        after = later[0]
    if errors:
        print("\n".join(errors))
        return 1
    if not commands:
        print(f"{rel}: no ```sh block: nothing to run")
        return 1
    uses_fixed_ports = any("slowfast-server" in c or "8443" in c for c in commands)
    if uses_fixed_ports:
        taken = [p for p in FIXED_PORTS if port_taken(p)]
        if taken:
            print(f"{rel}: port {taken[0]} is taken before the README's commands ran: they need it "
                  "(`pgrep -a slowfast-server` lists the servers; stop the one you started)")
            return 1

    scratch = tempfile.mkdtemp(prefix="readme-")
    env = dict(os.environ, SLOWFAST_SITE=os.path.join(scratch, "site"),
               RESULTS=os.path.join(scratch, "results"))
    for inherited in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SLOWFAST_PATH"):  # from `make test`
        env.pop(inherited, None)
    print(f"{rel}: running {len(commands)} commands, {len(shows)} outputs to check")
    proc = subprocess.Popen(["bash", "-c", script_for(commands)], cwd=root, env=env, text=True,
                            stdout=subprocess.PIPE, start_new_session=True)
    try:
        text, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        text, _ = proc.communicate()
        print(text)
        print(f"{rel}: the commands did not finish within {RUN_TIMEOUT_S} s")
        return 1
    finally:
        if keep:
            shutil.copytree(scratch, keep, dirs_exist_ok=True)
        shutil.rmtree(scratch, ignore_errors=True)
    parts, codes = split_output(text, len(commands))

    failed = False
    expected_exit = {i: b.exit_code for b, i in shows}
    for i, c in enumerate(commands):
        want = expected_exit.get(i, 0)
        if codes[i] != want:
            failed = True
            got = "did not finish" if codes[i] is None else f"exited {codes[i]}"
            print(f"{rel}: `{bare(c)}` {got}, not {want}; its output:\n{parts[i]}")
    for block, i in shows:
        missing = check_output(block, parts[i])
        if missing is not None:
            failed = True
            print(f"{rel}:{block.line}: the output shown for `{bare(commands[i])}` is not what it printed.\n"
                  f"  no line matches (in order): {missing.strip()}\n"
                  f"  what it printed:\n" + "\n".join("    " + l for l in parts[i].rstrip().split("\n")))
    if uses_fixed_ports and any(port_taken(p) for p in FIXED_PORTS):
        failed = True
        print(f"{rel}: a server is still listening on 8443/8080 after the README's commands: "
              "the README starts one and does not stop it")
    if failed:
        return 1
    for c in commands:
        print(f"{'not run' if bare(c) in NOT_RUN else 'ok':8}{bare(c)}")
    print(f"{rel}: {len(commands)} commands ran, {len(shows)} outputs match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
