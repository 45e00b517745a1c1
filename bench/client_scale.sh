#!/usr/bin/env bash
# The client side of scale: N concurrent GET /delay/S over HTTPS, each request on its
# own new TLS connection, from slowfast's uv-nonblocking client and from the peers (hey,
# h2load), against slowfast-server and Debian's nginx, side by side in one run.
#
#   bench/client_scale.sh [--sizes "1000 5000 10000"] [--repeat R] [--delay S] [--out FILE]
#
# Each cell is the median of R runs (default 3) with its min-max: the client process's
# wall time (start to exit, the same clock for every client), its CPU per request
# (user + system) and its peak RSS. A row is only a result when every request answered
# 200: otherwise its cell says how many did. Client and server share the machine's
# cores. slowfast verifies the server's certificate against the lab CA (hey and h2load
# verify nothing), so it also runs with --insecure for an equal comparison, and with
# --loops auto (one loop per core). The table ends with the goal's verdicts, from the
# complete rows (bench/client_goal.awk, docs/scale.md). Needs `scripts/setup --bench`
# (hey, h2load, nginx).
set -euo pipefail

SIZES="1000 5000 10000" REPEAT=3 DELAY=1 OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --delay) DELAY=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "client_scale.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/bin
for tool in hey h2load nginx /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "client_scale.sh: $tool missing: run scripts/setup --bench" >&2; exit 2; }
done
[[ -x $bin/slowfast-server && -x $bin/slowfast ]] || { echo "client_scale.sh: build first (make build)" >&2; exit 2; }
source "$root/bench/servers.sh"
start_servers client-scale

# Closed loopback connections sit in TIME_WAIT for 60 s. Those on the client's side of
# a connection hold an ephemeral port, and when they fill much of the range the next
# run's connect() hunts for free ports: a run of N starts once they and its own N fit in
# 15,000 (about half the range). The server's side holds no client port (and a new SYN
# reuses its TIME_WAIT), so only sockets whose peer is one of the servers count: hey's
# runs (the server closes first) need no wait at all, and N = 10,000 fits in a run.
settle() {
  local n=$1
  for _ in $(seq 90); do
    (( $(ss -tan state time-wait "( dport = :$sf_port or dport = :$ng_port )" 2>/dev/null | wc -l) + n <= 15000 )) && return
    sleep 1
  done
}

# measure N CMD...: runs CMD under GNU time; prints "wall cpu_s rss_kb answered".
measure() {
  local n=$1; shift
  settle "$n"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$work/out" 2>&1 || true
  local answered
  answered=$(answered_of "$n")
  awk -v a="$answered" '{printf "%s %.2f %s %s\n", $1, $2 + $3, $4, a}' "$work/time"
}

# How many of the N requests got a 200, from the client's own report.
answered_of() {
  case "$client" in
    slowfast*) sed -nE 's/^len\(valid_page_ids\) = ([0-9]+)$/\1/p' "$work/out" ;;
    hey) sed -nE 's/^[[:space:]]*\[200\][[:space:]]+([0-9]+) responses$/\1/p' "$work/out" ;;
    h2load) sed -nE 's/^status codes: ([0-9]+) 2xx.*/\1/p' "$work/out" ;;
  esac | tail -1 | grep . || echo 0
}

# command CLIENT PORT N: the client's command line for N concurrent requests.
command_of() {
  local url="https://127.0.0.1:$2/delay/$DELAY"
  case "$1" in
    slowfast) echo "$bin/slowfast fetch --url $url -n $3" ;;
    slowfast-insecure) echo "$bin/slowfast fetch --url $url -n $3 --insecure" ;;
    slowfast-loops) echo "$bin/slowfast fetch --url $url -n $3 --loops auto" ;;
    hey) echo "hey -n $3 -c $3 -disable-keepalive -t 60 $url" ;;
    h2load) echo "h2load --h1 -n $3 -c $3 -t 2 $url" ;;
  esac
}

# median/min/max of a column of numbers, printed with $1 decimals (default 2).
stats() {
  sort -g | awk -v d="${1:-2}" '{v[NR]=$1} END{m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; f="%." d "f"; printf f " " f " " f "\n", m, v[1], v[NR]}'
}

COLUMNS_RUN=("slowfast slowfast" "slowfast-insecure slowfast" "slowfast-loops slowfast" "hey slowfast"
             "h2load slowfast" "slowfast nginx" "hey nginx")
port_of() { [[ $1 == nginx ]] && echo "$ng_port" || echo "$sf_port"; }

{
  : >"$work/medians"  # "N client server wall cpu" of each complete row, for client_goal.awk
  echo "## N concurrent GET /delay/$DELAY over HTTPS, one new TLS connection each: the clients side by side"
  echo
  echo "Median of $REPEAT runs (min-max) of each client process's wall time, start to exit; then its CPU"
  echo "per request and peak RSS (medians). A cell that is not every request answered 200 says how many were."
  echo
  echo "| N | client -> server | wall s | client CPU ms/req | client peak RSS MB | answered |"
  echo "|---|---|---|---|---|---|"
  for n in $SIZES; do
    for pair in "${COLUMNS_RUN[@]}"; do
      read -r client server <<<"$pair"
      : >"$work/runs"
      for _ in $(seq "$REPEAT"); do
        # shellcheck disable=SC2046
        measure "$n" $(command_of "$client" "$(port_of "$server")" "$n") >>"$work/runs"
        echo "client_scale: N=$n $client -> $server: $(tail -1 "$work/runs")" >&2
      done
      read -r wall wmin wmax < <(awk '{print $1}' "$work/runs" | stats)
      read -r cpu _ _ < <(awk -v n="$n" '{print $2 * 1000 / n}' "$work/runs" | stats 3)
      read -r rss _ _ < <(awk '{print $3 / 1024}' "$work/runs" | stats)
      answered=$(awk -v n="$n" '$4 == n {ok++} END{printf "%d/%d runs all %d", ok, NR, n}' "$work/runs")
      printf '| %s | %s -> %s | %s (%s-%s) | %.3f | %.0f | %s |\n' "$n" "$client" "$server" "$wall" "$wmin" "$wmax" \
        "$cpu" "$rss" "$answered"
      [[ $answered == "$REPEAT/$REPEAT "* ]] && echo "$n $client $server $wall $cpu" >>"$work/medians"
    done
  done
  echo
  echo "slowfast: \`slowfast fetch -n N\` (uv-nonblocking, one loop, verifying against the lab CA);"
  echo "slowfast-insecure: with \`--insecure\`; slowfast-loops: with \`--loops auto\` ($(nproc) loops here)."
  echo "hey: \`hey -n N -c N -disable-keepalive\`; h2load: \`h2load --h1 -n N -c N -t 2\`. Neither verifies."
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r);" \
       "$(openssl version | cut -d' ' -f1-2), $(nginx -v 2>&1 | cut -d: -f2 | xargs), $(h2load --version | head -1)," \
       "hey $(dpkg-query -W -f='${Version}' hey)."
  echo "Clients and servers share the same cores; each run waits until its N and the client-side TIME_WAIT sockets"
  echo "of earlier runs fit in 15,000 ports."
  echo
  awk -v delay="$DELAY" -f "$root/bench/client_goal.awk" "$work/medians"
  echo
  echo "Made by \`bench/client_scale.sh --sizes \"$SIZES\" --repeat $REPEAT --delay $DELAY\` at commit" \
       "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%Y-%m-%d)."
} | tee ${OUT:+"$OUT"}
