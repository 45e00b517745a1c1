# The goal of the client side of `make scale`, from the medians client_scale.sh keeps:
# one line "N client server wall_s cpu_ms_per_request" for each complete row (every run
# answered). The goal: slowfast fetch --loops auto at most 0.9 x the better of hey and
# h2load against slowfast-server, and below hey against nginx.
#
#   awk -v delay=SECONDS -f bench/client_goal.awk MEDIANS
#
# The model behind the last two columns: while the N connections are being set up, both
# cores run the client and the server flat out (sampled from /proc/stat), so a client's
# wall is the delay, plus start-up, plus N x (client + server CPU per request) / 2. Two
# clients against one server then differ by N x (their CPU difference) / 2 (the model's
# gap, beside the measured one), and each ms of CPU per request slowfast saves takes N / 2
# ms off its wall: it reaches 0.9 x its peer at its CPU per request less
# 2 x (its wall - 0.9 x the peer's) / N. docs/scale.md has the derivation.

function budget(ms) { return ms > 0 ? sprintf("%.3f", ms) : "none: below 0" }
function has(n, client, server) { return (n SUBSEP client SUBSEP server) in wall }

{
  wall[$1, $2, $3] = $4
  cpu[$1, $2, $3] = $5
  if (!($1 in seen)) { seen[$1]; order[++sizes] = $1 }
}

END {
  print "### The goal: slowfast fetch --loops auto at most 0.9 x the better of hey and h2load"
  print ""
  print "| N | better peer: wall s, CPU ms/req | slowfast --loops auto: wall s, CPU ms/req | ratio | below hey -> nginx | gap s: measured, model | CPU ms/req for 0.9 |"
  print "|---|---|---|---|---|---|---|"
  for (i = 1; i <= sizes; i++) {
    n = order[i]
    peer = has(n, "hey", "slowfast") ? "hey" : ""
    if (has(n, "h2load", "slowfast") && (peer == "" || wall[n, "h2load", "slowfast"] < wall[n, "hey", "slowfast"]))
      peer = "h2load"
    if (peer == "" || !has(n, "slowfast-loops", "slowfast")) {
      printf "| %s | no complete rows to compare ||||||\n", n
      continue
    }
    pw = wall[n, peer, "slowfast"]; pc = cpu[n, peer, "slowfast"]
    sw = wall[n, "slowfast-loops", "slowfast"]; sc = cpu[n, "slowfast-loops", "slowfast"]
    nginx = has(n, "hey", "nginx") ? (sw < wall[n, "hey", "nginx"] ? "yes" : "no") " (" wall[n, "hey", "nginx"] " s)" : "not run"
    printf "| %s | %s: %.2f, %.3f | %.2f, %.3f | %.2f (%s) | %s | %.2f, %.2f | %s |\n", n, peer, pw, pc, sw, sc,
      sw / pw, sw <= 0.9 * pw ? "met" : "not met", nginx, pw - sw, n * (pc - sc) / 2000, budget(sc - 2000 * (sw - 0.9 * pw) / n)
  }
  print ""
  print "Gap: the peer's wall minus slowfast's, measured and as the model has it. While the N connections are"
  print "set up, both cores run client and server flat out, so a client's wall is the delay (" delay " s), plus"
  print "start-up, plus N x (client + server CPU per request) / 2: two clients against one server differ by"
  print "N x (their CPU difference) / 2, and each ms of CPU per request slowfast saves takes N / 2 ms off its"
  print "wall. The last column is the CPU per request at which its wall would be 0.9 x the peer's: its own"
  print "less 2 x (its wall - 0.9 x the peer's) / N. The derivation: docs/scale.md."
}
