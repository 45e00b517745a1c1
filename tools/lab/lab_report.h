// The lab's results: the table a person reads first, results/stages.md,
// results/stages.json and results/environment.md.
#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "lab_run.h"

namespace slowfast::lab {

// "1.004 s  1.00x  fast ✓" or "... slow ✗ expected fast".
std::string cell_text(const Cell& cell);

// The stage table (stage | modules | py27 | py37), stage 0's three variants, the
// verdict check and, when the watchdog ran, one stall line per cell beneath - as
// Markdown (which also reads well in a terminal).
std::string render_tables(const LabResult& result);

// {"n","delay_s","environment":{...},"cells":[{"stage","runtime","variant","modules",
//  "total_s","ratio","verdict","expected","valid","invalid","threads"}]}
nlohmann::json to_json(const LabResult& result);

// Writes stages.md, stages.json, environment.md and one waterfall SVG per cell
// (Cell::waterfall_file, linked from stages.md) into `dir`.
void write_results(const LabResult& result, const std::filesystem::path& dir,
                   const std::string& command);

}  // namespace slowfast::lab
