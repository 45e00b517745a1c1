#include "core/run_json.h"

#include <cmath>
#include <fstream>
#include <stdexcept>

namespace slowfast {

namespace {

// Microsecond precision is what the clocks give; more digits are noise in the file.
nlohmann::json seconds(std::optional<double> t) {
  if (!t) return nullptr;
  return std::round(*t * 1e6) / 1e6;
}

nlohmann::json to_json(const RequestRecord& r) {
  const Timeline& t = r.t;
  return {
      {"page", r.page},
      {"status", r.status},
      {"bytes", r.bytes},
      {"error", r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error)},
      {"socket_class", r.socket_class},
      {"t",
       {{"start", seconds(t.start)},
        {"connected", seconds(t.connected)},
        {"tls_done", seconds(t.tls_done)},
        {"sent", seconds(t.sent)},
        {"first_byte", seconds(t.first_byte)},
        {"done", seconds(t.done)}}},
  };
}

}  // namespace

nlohmann::json to_json(const RunResult& r) {
  nlohmann::json requests = nlohmann::json::array();
  for (const RequestRecord& rec : r.requests) requests.push_back(to_json(rec));
  nlohmann::json j = {
      {"variant", to_string(r.variant)},
      {"runtime", to_string(r.runtime)},
      {"modules", r.modules},
      {"n", r.n},
      {"delay_s", r.delay_s},
      {"total_s", seconds(r.total_s)},
      {"valid", r.valid_pages.size()},
      {"invalid", r.invalid_pages.size()},
      {"valid_page_ids", r.valid_pages},
      {"invalid_page_ids", r.invalid_pages},
      {"verdict", to_string(r.verdict)},
      {"requests", requests},
  };
  if (r.threads > 0) j["threads"] = r.threads;
  return j;
}

void write_json(const std::filesystem::path& file, const RunResult& result) {
  std::ofstream out(file);
  out << to_json(result).dump(2) << "\n";
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace slowfast
