#!/usr/bin/env bash
# bench/client_goal.awk turns make scale's medians into the goal's verdicts: each case
# below is a set of medians and the row it must give. Usage: client_goal_check.sh REPO_ROOT
set -euo pipefail
awk_file=$1/bench/client_goal.awk
fail=0

# expect NAME ROW MEDIANS...: the goal table of MEDIANS holds ROW as a whole line.
expect() {
  local name=$1 row=$2; shift 2
  local table
  table=$(printf '%s\n' "$@" | awk -v delay=1 -f "$awk_file")
  if grep -qFx -- "$row" <<<"$table"; then
    echo "ok: $name"
  else
    printf 'FAIL: %s\n  expected: %s\n  got:\n%s\n' "$name" "$row" "$table"
    fail=1
  fi
}

# make scale at fda95d0, N = 1,000: hey is the better peer; 0.9 x 1.35 s is 1.215 s, so
# slowfast's 1.29 s is 0.075 s too long: 2 x 0.075 s / 1,000 = 0.150 ms less CPU per
# request, 0.33 - 0.15 = 0.180 ms, would give 0.9.
expect "not met at 1,000" \
  "| 1000 | hey: 1.35, 0.460 | 1.29, 0.330 | 0.96 (not met) | yes (1.36 s) | 0.06, 0.07 | 0.180 |" \
  "1000 slowfast slowfast 1.29 0.350" "1000 slowfast-loops slowfast 1.29 0.330" \
  "1000 hey slowfast 1.35 0.460" "1000 h2load slowfast 1.39 0.480" "1000 hey nginx 1.36 0.440"

expect "met, the better peer is h2load" \
  "| 5000 | h2load: 2.70, 0.520 | 2.34, 0.330 | 0.87 (met) | no (2.30 s) | 0.36, 0.47 | 0.366 |" \
  "5000 slowfast-loops slowfast 2.34 0.330" "5000 hey slowfast 2.82 0.500" \
  "5000 h2load slowfast 2.70 0.520" "5000 hey nginx 2.30 0.480"

expect "exactly 0.9 is met" \
  "| 2000 | hey: 2.00, 0.500 | 1.80, 0.300 | 0.90 (met) | not run | 0.20, 0.20 | 0.300 |" \
  "2000 slowfast-loops slowfast 1.80 0.300" "2000 hey slowfast 2.00 0.500"

expect "no CPU reaches 0.9 at small N" \
  "| 200 | hey: 0.58, 0.550 | 0.56, 0.350 | 0.97 (not met) | not run | 0.02, 0.02 | none: below 0 |" \
  "200 slowfast-loops slowfast 0.56 0.350" "200 hey slowfast 0.58 0.550"

expect "an incomplete slowfast row is not compared" \
  "| 10000 | no complete rows to compare ||||||" \
  "10000 hey slowfast 4.59 0.470" "10000 h2load slowfast 4.85 0.530"

exit $fail
