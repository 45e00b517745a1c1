#!/usr/bin/env bash
# Scale and handshake-throughput runs of the delay server, side by side with Debian's
# nginx serving the same lab certificate, driven by Debian's h2load, in the same run.
#
#   bench/scale.sh [-n N] [--delay S] [--rate-n M] [--out FILE]
#
#   1. N concurrent GET /delay/S, each on its own new TLS connection
#      (h2load --h1 -n N -c N -t 2): all answered? wall time, server CPU, peak RSS.
#   2. New-TLS-connection throughput: M requests, 50 at a time, each with
#      "Connection: close" so every request pays a full handshake.
# Defaults: N=10000, S=1, M=10000. Needs `scripts/setup --bench` (h2load, nginx).
set -euo pipefail

N=10000 DELAY=1 RATE_N=10000 OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) N=$2; shift 2 ;;
    --delay) DELAY=$2; shift 2 ;;
    --rate-n) RATE_N=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scale.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/bin
for tool in h2load nginx; do
  command -v "$tool" >/dev/null || { echo "scale.sh: $tool missing: run scripts/setup --bench" >&2; exit 2; }
done
[[ -x $bin/slowfast-server ]] || { echo "scale.sh: build first (make build)" >&2; exit 2; }
source "$root/bench/servers.sh"
start_servers scale

# CPU seconds (user+system) and peak RSS (kB) of a process and its children.
tree_pids() { echo "$1"; pgrep -P "$1" || true; }
cpu_s() { local t=0; for p in $(tree_pids "$1"); do t=$((t + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo "$t"; }
rss_kb() { local m=0; for p in $(tree_pids "$1"); do r=$(awk '/VmHWM/{print $2}' /proc/$p/status); m=$((m + r)); done; echo "$m"; }
hz=$(getconf CLK_TCK)

# Thousands of closed loopback connections sit in TIME_WAIT for 60 s and make the next
# run's connect() hunt for free ports: every run starts from a settled machine.
settle() {
  for _ in $(seq 90); do
    [[ $(ss -tan state time-wait 2>/dev/null | wc -l) -lt 1000 ]] && return
    sleep 1
  done
}

# run NAME PID PORT -- h2load args...: prints one markdown row.
run() {
  local name=$1 pid=$2 port=$3; shift 4
  local before after out
  settle
  before=$(cpu_s "$pid")
  out=$(h2load --h1 "$@" "https://127.0.0.1:$port${path}" 2>&1)
  after=$(cpu_s "$pid")
  local done_n ok wall rps maxreq
  done_n=$(sed -nE 's/^requests: .* ([0-9]+) succeeded.*/\1/p' <<<"$out")
  ok=$(sed -nE 's/^status codes: ([0-9]+) 2xx.*/\1/p' <<<"$out")
  # h2load says "finished in 6.43s" or, under a second, "finished in 247.84ms".
  wall=$(sed -nE 's/^finished in ([0-9.]+)(m?s), .*/\1 \2/p' <<<"$out" | awk '{printf "%.2f", $2 == "ms" ? $1 / 1000 : $1}')
  rps=$(sed -nE 's/^finished in [0-9.]+m?s, ([0-9.]+) req\/s.*/\1/p' <<<"$out")
  maxreq=$(awk '/^time for request:/{print $5}' <<<"$out")
  local cpu ms
  cpu=$(awk -v d=$((after - before)) -v hz="$hz" 'BEGIN{printf "%.2f", d/hz}')
  ms=$(awk -v c="$cpu" -v n="$total" 'BEGIN{printf "%.3f", c*1000/n}')
  printf '| %s | %s | %s/%s | %s | %s | %s | %s | %s | %s |\n' "$name" "$total" "${ok:-0}" "$total" \
    "${wall:-?}" "${rps:-?}" "${maxreq:-?}" "$cpu" "$ms" "$(( $(rss_kb "$pid") / 1024 ))"
}

header='| server | requests | 2xx | wall s | req/s | slowest request | server CPU s | server CPU ms/req | server peak RSS MB |
|---|---|---|---|---|---|---|---|---|'
{
  echo "## $N concurrent GET /delay/$DELAY, one new TLS connection each (h2load --h1 -n $N -c $N -t 2)"
  echo
  echo "$header"
  total=$N path=/delay/$DELAY
  run slowfast "$sf_pid" "$sf_port" -- -n "$N" -c "$N" -t 2
  run nginx "$ng_pid" "$ng_port" -- -n "$N" -c "$N" -t 2
  echo
  echo "## New TLS connections per second: $RATE_N GET /get, 50 at a time, Connection: close"
  echo
  echo "$header"
  total=$RATE_N path=/get
  run slowfast "$sf_pid" "$sf_port" -- -n "$RATE_N" -c 50 -t 1 -H "Connection: close"
  run nginx "$ng_pid" "$ng_port" -- -n "$RATE_N" -c 50 -t 1 -H "Connection: close"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r);" \
       "$(openssl version | cut -d' ' -f1-2), $(nginx -v 2>&1 | cut -d: -f2 | xargs), $(h2load --version | head -1);" \
       "slowfast-server's $("$bin/slowfast-server" --version | grep -o 'malloc: .*')."
  echo "Client (h2load) and servers share the same cores; peak RSS is the high-water mark since each server started;"
  echo "each run waits for the previous runs' TIME_WAIT sockets to drain first. Neither server sends TLS session"
  echo "tickets (\`ssl_session_tickets off\` for nginx), so every connection is a full handshake: with one, h2load"
  echo "resumes each of its 50 clients' connections after the first."
} | tee ${OUT:+"$OUT"}
