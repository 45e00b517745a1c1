#!/usr/bin/env bash
# Google Benchmark's compare.py (Debian's libbenchmark-tools, which scripts/setup
# installs) run by Debian's own Python, the one that has its numpy and scipy, whatever
# `python3` comes first on PATH. Arguments are compare.py's:
#   bench/compare.sh filters results/bench/stages.json 'stage:3/runtime:py27' 'stage:3/runtime:py37'
#   bench/compare.sh benchmarks before.json after.json
set -euo pipefail
compare=/usr/share/benchmark/compare.py
if [[ ! -f "$compare" ]] || ! /usr/bin/python3 -c 'import numpy, scipy' 2>/dev/null; then
  echo "compare: $compare or its numpy/scipy is missing: run scripts/setup (libbenchmark-tools, python3-scipy)" >&2
  exit 2
fi
exec /usr/bin/python3 "$compare" --no-color "$@"
