#!/usr/bin/env bash
# Soak: slowfast-server under mixed good and hostile traffic for a long time, by hand
# (not in CI). Passes when every good request was valid, every hostile case got the
# answer it expects, the server's RSS and open-file count stay flat, its log holds
# nothing but the bad requests' lines, and it exits 0 on SIGTERM.
#
#   bench/soak.sh [--minutes M] [--out FILE]      (default 30 minutes, stdout only)
#
# Good traffic: `slowfast fetch` of 100 concurrent /delay/0.2 in a loop (uv-nonblocking),
# plus 10 serial ones (blocking). Hostile traffic: bench/hostile_traffic.py in a loop.
# Samples the server's VmRSS and fd count every 10 s.
set -euo pipefail

MINUTES=30 OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/bin
[[ -x $bin/slowfast-server && -x $bin/slowfast ]] || { echo "soak.sh: build first (make build)" >&2; exit 2; }
work=$(mktemp -d /tmp/slowfast-soak-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM

certs=$root/build/lab-certs
"$bin/slowfast" certs --out "$certs" >/dev/null
"$bin/slowfast-server" --https-port 0 --http-port 0 --certs "$certs" --ready-file "$work/ready" \
  >/dev/null 2>"$work/server.log" &
server=$!
pids+=("$server")
for _ in $(seq 100); do [[ -s $work/ready ]] && break; sleep 0.1; done
read -r https http < <(sed 's/.*https=[^ ]*:\([0-9]*\) http=[^ ]*:\([0-9]*\).*/\1 \2/' "$work/ready")
echo "soak: server pid $server on https=$https http=$http for $MINUTES min"
end=$(( $(date +%s) + MINUTES * 60 ))

good() {  # one line per fetch run: its exit status
  while (( $(date +%s) < end )); do
    "$bin/slowfast" fetch --url "https://127.0.0.1:$https/delay/0.2" -n 100 >/dev/null 2>>"$work/good.err"
    echo "uv-nonblocking $?"
    "$bin/slowfast" fetch --variant blocking --url "https://127.0.0.1:$https/delay/0.02" -n 10 \
      >/dev/null 2>>"$work/good.err"
    echo "blocking $?"
  done >"$work/good.txt"
}
hostile() {
  while (( $(date +%s) < end )); do
    python3 "$root/bench/hostile_traffic.py" --http-port "$http" --https-port "$https" \
      --cafile "$certs/ca.pem" --seconds 60 || true
  done >"$work/hostile.txt" 2>"$work/hostile.err"
}
sample() {
  while (( $(date +%s) < end )); do
    echo "$(date +%s) $(awk '/VmRSS/ {print $2}' "/proc/$server/status") $(ls "/proc/$server/fd" | wc -l)"
    sleep 10
  done >"$work/samples.txt"
}
good & pids+=($!)
hostile & pids+=($!)
sample & pids+=($!)
while (( $(date +%s) < end )); do
  sleep 60
  printf 'soak: %d min left, %d fetch runs, %s\n' $(( (end - $(date +%s) + 59) / 60 )) \
    "$(wc -l <"$work/good.txt")" "$(tail -n 1 "$work/hostile.txt" 2>/dev/null || echo "hostile: -")"
done
wait "${pids[@]:1}" 2>/dev/null || true
sleep 1  # let the last connections close before the final sample
final="$(date +%s) $(awk '/VmRSS/ {print $2}' "/proc/$server/status") $(ls "/proc/$server/fd" | wc -l)"
kill -TERM "$server"
set +e; wait "$server"; server_rc=$?; set -e
pids=("${pids[@]:1}")

runs=$(wc -l <"$work/good.txt")
bad_runs=$(awk '$2 != 0' "$work/good.txt" | wc -l)
read -r tried wrong < <(awk '/cases tried/ {t += $2; w += $(NF-1)} END {print t+0, w+0}' "$work/hostile.txt")
# The bad requests' own lines: failed TLS handshakes (garbage on the TLS port). Anything
# else (a route failing, a crash, a sanitizer report) is unexpected.
unexpected=$(grep -v -e 'tls handshake failed from' -e 'received SIGTERM' -e '^slowfast-server: stopped' \
  "$work/server.log" | head -n 5 || true)
read -r rss0 fd0 < <(awk 'NR == 2 {print $2, $3}' "$work/samples.txt")  # after a first round of traffic
read -r _ rss1 fd1 <<<"$final"
read -r rss_max fd_max < <(awk '{if ($2 > r) r = $2; if ($3 > f) f = $3} END {print r, f}' "$work/samples.txt")
report=$(cat <<EOT
# Soak: slowfast-server, $MINUTES min of mixed good and hostile traffic

Run by \`bench/soak.sh --minutes $MINUTES\` on $(date -u +%Y-%m-%d), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown).

| figure | value |
|---|---|
| good fetch runs (100 x /delay/0.2, or 10 serial) | $runs, $bad_runs with an invalid page |
| hostile cases tried | $tried, $wrong answered wrongly |
| server RSS after the first round / at the end / max | $rss0 / $rss1 / $rss_max KiB |
| server open fds after the first round / at the end (idle) / max | $fd0 / $fd1 / $fd_max |
| server log lines other than the bad requests' | $( [[ -z $unexpected ]] && echo none || echo "$unexpected" | tr '\n' ' ') |
| server exit on SIGTERM | $server_rc |
EOT
)
echo "$report"
[[ -n $OUT ]] && echo "$report" >"$OUT"
[[ $bad_runs -eq 0 && $wrong -eq 0 && -z $unexpected && $server_rc -eq 0 && $runs -gt 0 ]]
