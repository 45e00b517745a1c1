#include "waterfall.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace slowfast {
namespace {

struct PhaseStyle {
  const char* name;
  char glyph;         // text rendering
  const char* color;  // SVG fill
};

constexpr PhaseStyle kStyles[] = {
    {"connect", '-', "#9e9e9e"},
    {"tls", '=', "#7e57c2"},
    {"send", '>', "#26a69a"},
    {"wait", '.', "#ffca28"},
    {"receive", '#', "#1e88e5"},
};

const PhaseStyle& style(Phase p) { return kStyles[static_cast<int>(p)]; }

// Time another request held the loop: its glyph, and how a phase's colour is paled.
constexpr char kUnavailableGlyph = '~';
constexpr const char* kUnavailableOpacity = "0.25";
constexpr const char* kStallColor = "#e53935";

// Whether `page` blocked the loop at least once (the watchdog named it).
bool is_culprit(const WatchdogReport& w, int page) {
  return std::any_of(w.stalls.begin(), w.stalls.end(), [&](const Stall& s) { return s.page == page; });
}

std::vector<Segment> bar(const RunResult& r, const RequestRecord& rec) {
  return segments(rec.t, rec.page, r.watchdog.stalls);
}

double axis_end(const RunResult& r) {
  double end = r.total_s;
  for (const RequestRecord& rec : r.requests)
    for (const Segment& s : segments(rec.t)) end = std::max(end, s.to_s);
  for (const Stall& s : r.watchdog.stalls) end = std::max(end, s.start_s + s.length_s);
  return end > 0 ? end : 1;
}

// A "nice" tick step (1, 2 or 5 x 10^k) giving about `ticks` ticks over `span`.
double tick_step(double span, int ticks) {
  double raw = span / ticks;
  double mag = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

const char* phase_name(Phase p) { return style(p).name; }

std::vector<Segment> segments(const Timeline& t) {
  std::vector<Segment> out;
  if (!t.start) return out;
  const std::pair<const std::optional<double>*, Phase> points[] = {
      {&t.connected, Phase::kConnect}, {&t.tls_done, Phase::kTls}, {&t.sent, Phase::kSend},
      {&t.first_byte, Phase::kWait},   {&t.done, Phase::kReceive}};
  double from = *t.start;
  for (const auto& [point, phase] : points) {
    if (!point->has_value()) continue;
    double to = std::max(from, **point);
    out.push_back({phase, from, to});
    from = to;
  }
  return out;
}

std::vector<Segment> segments(const Timeline& t, int page, const std::vector<Stall>& stalls) {
  std::vector<Segment> out;
  for (Segment seg : segments(t)) {
    bool cut = false;
    for (const Stall& stall : stalls) {  // in time order
      double from = std::max(seg.from_s, stall.start_s), to = std::min(seg.to_s, stall.start_s + stall.length_s);
      if (stall.page == page || to <= from) continue;
      if (from > seg.from_s) out.push_back({seg.phase, seg.from_s, from});
      out.push_back({seg.phase, from, to, true});
      seg.from_s = to;
      cut = true;
    }
    if (!cut || seg.to_s > seg.from_s) out.push_back(seg);  // what is left is its own
  }
  return out;
}

std::string waterfall_caption(const RunResult& r, const std::string& stage) {
  std::string modules;
  for (const std::string& m : r.modules) modules += (modules.empty() ? "" : " ") + m;
  std::string caption = stage.empty() ? "" : stage + " | ";
  caption += to_string(r.variant) + " | " + to_string(r.runtime);
  caption += " | modules: " + (modules.empty() ? std::string("none") : modules);
  return caption;
}

std::string render_waterfall_text(const RunResult& r, int width) {
  double end = axis_end(r);
  auto column = [&](double s) {
    return std::clamp(static_cast<int>(std::lround(s / end * width)), 0, width);
  };
  std::string out;
  for (const RequestRecord& rec : r.requests) {
    std::string line(static_cast<size_t>(width), ' ');
    for (const Segment& s : bar(r, rec)) {
      int a = column(s.from_s), b = std::max(column(s.to_s), a + 1);
      char glyph = s.loop_unavailable ? kUnavailableGlyph : style(s.phase).glyph;
      for (int c = a; c < std::min(b, width); ++c) line[static_cast<size_t>(c)] = glyph;
    }
    std::string tail = rec.t.done ? fmt::format("{:.3f}s", *rec.t.done) : "-";
    if (!rec.valid()) tail += "  ERROR " + rec.error;
    if (is_culprit(r.watchdog, rec.page)) tail += "  blocks the loop";
    out += fmt::format("page {:>3} |{}| {}\n", rec.page, line, tail);
  }
  out += fmt::format("{:>9}0{:>{}}\n", "", fmt::format("{:.3f}s", end), width + 1);
  out += "          ";
  for (const PhaseStyle& s : kStyles) out += fmt::format("{} {}  ", s.glyph, s.name);
  if (!r.watchdog.stalls.empty()) out += fmt::format("{} loop unavailable (another request held it)", kUnavailableGlyph);
  out += "\n";
  return out;
}

std::string render_waterfall_svg(const RunResult& r, const std::string& caption) {
  constexpr int kLeft = 70, kRight = 30, kTop = 64, kRow = 16, kBar = 11, kPlot = 800;
  const int rows = static_cast<int>(r.requests.size());
  const int height = kTop + rows * kRow + 70;
  const int width = kLeft + kPlot + kRight;
  double end = axis_end(r);
  auto x = [&](double s) { return kLeft + s / end * kPlot; };

  std::string svg = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" font-family=\"sans-serif\" font-size=\"11\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{} requests, {:.3f} s total"
      " ({}), {} valid</text>\n<text x=\"{}\" y=\"40\" fill=\"#444\">{}</text>\n",
      width, height, width, height, kLeft, r.n, r.total_s, to_string(r.verdict),
      r.valid_pages.size(), kLeft, xml_escape(caption));

  // Axis: vertical grid lines with labels in seconds.
  const double step = tick_step(end, 8);
  const int axis_y = kTop + rows * kRow + 6;
  for (double s = 0; s <= end + step / 1000; s += step) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#e0e0e0\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4:g}</text>\n",
        x(s), kTop - 4, axis_y, axis_y + 14, std::round(s * 1000) / 1000);
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">seconds from the run's start</text>\n",
                     kLeft + kPlot / 2, axis_y + 30);

  // The stalls: one band across every bar, named after the page that held the loop.
  for (const Stall& s : r.watchdog.stalls) {
    std::string who = s.page >= 0 ? fmt::format("page {}", s.page) : std::string("?");
    svg += fmt::format(
        "<rect class=\"stall\" x=\"{:.2f}\" y=\"{}\" width=\"{:.2f}\" height=\"{}\" fill=\"{}\" "
        "fill-opacity=\"0.08\" data-page=\"{}\" data-from=\"{:.6f}\" data-to=\"{:.6f}\"><title>loop blocked "
        "{:.3f}-{:.3f} s by {}: {}</title></rect><text x=\"{:.2f}\" y=\"{}\" fill=\"{}\" font-size=\"9\">{}</text>\n",
        x(s.start_s), kTop - 4, std::max(0.5, x(s.start_s + s.length_s) - x(s.start_s)), rows * kRow + 4,
        kStallColor, s.page, s.start_s, s.start_s + s.length_s, s.start_s, s.start_s + s.length_s, who,
        xml_escape(s.culprit), x(s.start_s) + 2, kTop - 6, kStallColor, who);
  }

  for (int i = 0; i < rows; ++i) {
    const RequestRecord& rec = r.requests[static_cast<size_t>(i)];
    int y = kTop + i * kRow;
    svg += fmt::format("<g class=\"bar\" data-page=\"{}\" data-valid=\"{}\">", rec.page,
                       rec.valid() ? "true" : "false");
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">page {}</text>", kLeft - 6,
                       y + kBar - 1, rec.page);
    for (const Segment& s : bar(r, rec)) {
      svg += fmt::format(
          "<rect x=\"{:.2f}\" y=\"{}\" width=\"{:.2f}\" height=\"{}\" fill=\"{}\"{} "
          "data-phase=\"{}\" data-from=\"{:.6f}\" data-to=\"{:.6f}\"><title>page {} {} "
          "{:.3f}-{:.3f} s{}</title></rect>",
          x(s.from_s), y, std::max(0.5, x(s.to_s) - x(s.from_s)), kBar, style(s.phase).color,
          s.loop_unavailable ? fmt::format(" fill-opacity=\"{}\" data-loop=\"unavailable\"", kUnavailableOpacity) : "",
          phase_name(s.phase), s.from_s, s.to_s, rec.page, phase_name(s.phase), s.from_s, s.to_s,
          s.loop_unavailable ? ": loop unavailable (another request held it)" : "");
    }
    if (is_culprit(r.watchdog, rec.page))
      svg += fmt::format("<text class=\"culprit\" x=\"{:.1f}\" y=\"{}\" fill=\"{}\">blocks the loop</text>",
                         x(rec.t.done.value_or(0)) + 4, y + kBar - 1, kStallColor);
    if (!rec.valid())
      svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" fill=\"#c62828\">{}</text>",
                         x(rec.t.done.value_or(0)) + 4, y + kBar - 1, xml_escape(rec.error));
    svg += "</g>\n";
  }

  int lx = kLeft;
  const int ly = axis_y + 44;
  for (const PhaseStyle& s : kStyles) {
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"10\" fill=\"{}\"/>"
                       "<text x=\"{}\" y=\"{}\">{}</text>\n",
                       lx, ly, s.color, lx + 16, ly + 9, s.name);
    lx += 90;
  }
  if (!r.watchdog.stalls.empty())
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"10\" fill=\"#9e9e9e\" fill-opacity=\"{}\"/>"
                       "<text x=\"{}\" y=\"{}\">loop unavailable (band: a stall, named after its culprit)</text>\n",
                       lx, ly, kUnavailableOpacity, lx + 16, ly + 9);
  svg += "</svg>\n";
  return svg;
}

}  // namespace slowfast
