// The lab's results: the table a person reads first, results/stages.md,
// results/stages.json and results/environment.md.
#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "lab_run.h"

namespace slowfast::lab {

// "1.004 s  1.00x  fast ✓" or "... slow ✗ expected fast"; a cell of several runs shows
// their median and min-max, ⚠ when unstable: "1.004 s (1.001-1.010)  1.00x  fast ✓".
std::string cell_text(const Cell& cell);

// "0.12 core-s over 190.3 s (0.0 % of the machine)".
std::string foreign_cpu_text(const ForeignCpu& foreign);

// The stage table (stage | modules | py27 | py37), stage 0's three variants, the
// verdict check and, when the watchdog ran, one stall line per cell beneath - as
// Markdown (which also reads well in a terminal). Under the tables, one warning line
// per unstable cell (repeat_stats.h), naming it and its figures.
std::string render_tables(const LabResult& result);

// {"n","delay_s","repeat","unstable_spread","environment":{...,"foreign_cpu":{...}},
//  "cells":[{"stage","runtime","variant","modules","total_s" (the median),"runs_s",
//  "min_s","max_s","spread","unstable","ratio","verdict","expected","valid" (the worst
//  run's),"invalid" (the worst run's),"threads",...}]}
nlohmann::json to_json(const LabResult& result);

// Writes stages.md, stages.json, environment.md and one waterfall SVG per cell
// (Cell::waterfall_file, linked from stages.md) into `dir`.
void write_results(const LabResult& result, const std::filesystem::path& dir,
                   const std::string& command);

}  // namespace slowfast::lab
