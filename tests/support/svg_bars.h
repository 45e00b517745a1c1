// A waterfall SVG checked by a parser nobody here wrote: python3's xml.etree. The
// command prints the number of bars, then "page from to" for each bar: the earliest
// data-from and the latest data-to of its rects.
#pragma once
#include <string>

namespace slowfast::testing {

// The shell command that reads `svg_path` (read its stdout, e.g. through popen).
std::string svg_bars_command(const std::string& svg_path);

}  // namespace slowfast::testing
