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
};

const char* phase_name(Phase p);
// The phases of one request in time order; empty when it never started.
std::vector<Segment> segments(const Timeline& t);

// "stage 3 | uv-nonblocking | py37 | modules: blocking_tls-1.0 coop_shim-1.2"
std::string waterfall_caption(const RunResult& result, const std::string& stage = "");

// One line per request, `width` columns for the time axis, a legend and the axis scale.
std::string render_waterfall_text(const RunResult& result, int width = 60);

// A standalone SVG document: title, caption, axis in seconds, legend, one <g class="bar">
// per request holding one <rect> per phase (data-page, data-from, data-to attributes).
std::string render_waterfall_svg(const RunResult& result, const std::string& caption);

}  // namespace slowfast
