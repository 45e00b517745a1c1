#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time (what `make fuzz` does after building).
#   fuzz/run.sh [BUILD_DIR [SECONDS [TARGET...]]]      defaults: build-fuzz 60 (all targets)
# Each target starts from a fresh copy of its seed corpus (fuzz/corpus/TARGET) under
# BUILD_DIR/fuzz-run/corpus/TARGET and writes crash, leak, timeout and oom reproducers to
# BUILD_DIR/fuzz-run/artifacts/TARGET/; the repository's corpus is never written.
# Every target runs; the exit status is 1 when any of them failed (crash, sanitizer
# report, leak, timeout, out of memory), with its reproducer path printed.
# FUZZ_MAX_LEN (16384) bounds an input; FUZZ_ARGS adds libFuzzer flags.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

build=${1:-build-fuzz}
seconds=${2:-60}
shift $(( $# < 2 ? $# : 2 ))
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(fuzz_server_request fuzz_response_parser fuzz_url)
max_len=${FUZZ_MAX_LEN:-16384}
work=$build/fuzz-run

failed=()
for t in "${targets[@]}"; do
  bin=$build/bin/$t
  [[ -x $bin ]] || { echo "fuzz: $bin not built (make fuzz builds it)" >&2; exit 2; }
  corpus=$work/corpus/$t
  artifacts=$work/artifacts/$t
  log=$work/$t.log
  rm -rf "$corpus"
  mkdir -p "$corpus" "$artifacts"
  cp fuzz/corpus/"$t"/* "$corpus"/
  echo "fuzz: $t for ${seconds} s (log: $log)"
  # shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$bin" \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -dict=fuzz/http.dict -print_final_stats=1 -artifact_prefix="$artifacts/" \
    ${FUZZ_ARGS:-} "$corpus" >"$log" 2>&1
  rc=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|INITED|NEW|REDUCE)' "$log" | tail -1)
  execs=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log")
  echo "  ${done_line:-no stats}"
  echo "  exec/s ${execs:-?}, corpus $(find "$corpus" -type f | wc -l) files (seeds $(find fuzz/corpus/"$t" -type f | wc -l))"
  if [[ $rc -ne 0 ]]; then
    failed+=("$t")
    grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|what\(\):' "$log" | sed 's/^/  /'
    reproducer=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
    echo "  FAILED (exit $rc): reproducer ${reproducer:-none written, see $log}"
    [[ -n $reproducer ]] && echo "  replay: $bin $reproducer"
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds} s each without a finding"
