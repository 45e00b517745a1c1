// The waterfall: one bar per request on a common time axis, split into the phases of
// its timeline. A fast run shows parallel bars; a slow run shows the staircase
// "send, block, recv, send, block, recv". Rendered for the terminal and as a standalone SVG.
#pragma once
#include <string>
#include <vector>

#include "core/run_types.h"

namespace slowfast {

// A phase ends at a timeline point and is named after it. When a point is missing
// (the request failed before it), the span up to the next point it does have takes
// that point's phase.
enum class Phase { kConnect, kTls, kSend, kWait, kReceive };

struct Segment {
  Phase phase;
  double from_s;
  double to_s;
  // The loop was stuck in another request (a watchdog stall) for this whole piece: the
  // time is not this request's own work. A connect that "took 5 s" was milliseconds in
  // the kernel and five seconds of someone else's poll().
  bool loop_unavailable = false;
};

const char* phase_name(Phase p);
// The phases of one request in time order; empty when it never started.
std::vector<Segment> segments(const Timeline& t);
// The same, each phase cut where another page's stall began and ended: the pieces
// inside such a stall are loop_unavailable. A stall of `page` itself stays its own
// work (it is the culprit); a stall whose page is unknown (-1) is nobody's own.
std::vector<Segment> segments(const Timeline& t, int page, const std::vector<Stall>& stalls);

// "stage 3 | uv-nonblocking | py37 | modules: blocking_tls-1.0 coop_shim-1.2"
std::string waterfall_caption(const RunResult& result, const std::string& stage = "");

// One line per request, `width` columns for the time axis, a legend and the axis scale.
// With the watchdog's stalls, time the loop spent in another request is drawn '~'.
std::string render_waterfall_text(const RunResult& result, int width = 60);

// A standalone SVG document: title, caption, axis in seconds, legend, one <g class="bar">
// per request holding one <rect> per phase (data-page, data-from, data-to attributes).
// With the watchdog's stalls: a band across all bars per stall (<rect class="stall">,
// labelled with the culprit page), the pieces of a phase inside another page's stall
// pale (data-loop="unavailable"), and "blocks the loop" beside each culprit's bar.
std::string render_waterfall_svg(const RunResult& result, const std::string& caption);

}  // namespace slowfast
