#include "svg_bars.h"

namespace slowfast::testing {

std::string svg_bars_command(const std::string& svg_path) {
  return "python3 -c \"import sys, xml.etree.ElementTree as ET; "
         "ns='{http://www.w3.org/2000/svg}'; root=ET.parse(sys.argv[1]).getroot(); "
         "bars=[g for g in root.iter(ns+'g') if g.get('class')=='bar']; print(len(bars)); "
         "[print(g.get('data-page'), min(float(r.get('data-from')) for r in g.iter(ns+'rect')), "
         "max(float(r.get('data-to')) for r in g.iter(ns+'rect'))) for g in bars]\" " +
         svg_path;
}

}  // namespace slowfast::testing
