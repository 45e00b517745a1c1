#include "core/verdict.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace slowfast {

std::string check_page(int status, std::string_view body, int page) {
  if (status != 200) return "HTTP status " + std::to_string(status);
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return "response body is not JSON";
  const std::string want = std::to_string(page);
  if (!j.contains("args") || !j["args"].is_object() || !j["args"].contains("page"))
    return "response has no args.page (expected " + want + ")";
  const nlohmann::json& got = j["args"]["page"];
  // httpbin gives a string; a repeated query parameter gives a list.
  if (got.is_string() && got.get<std::string>() == want) return "";
  return "wrong page id " + got.dump() + " (expected " + want + ")";
}

std::string check_body(const RunSpec& spec, int status, std::string_view body, int page) {
  switch (spec.check) {
    case Check::kPage: return check_page(status, body, page);
    case Check::kNone: return "";
    case Check::kStatus:
    case Check::kLength: break;
  }
  if (status != 200) return "HTTP status " + std::to_string(status);
  std::optional<std::size_t> want = length_from_url(spec.url);
  if (spec.check == Check::kLength && want && body.size() != *want)
    return "body of " + std::to_string(body.size()) + " bytes (expected " + std::to_string(*want) + ")";
  return "";
}

void check_response(RequestRecord& rec, int status, std::string_view body, const RunSpec& spec) {
  rec.status = status;
  rec.bytes = body.size();
  std::string why = check_body(spec, status, body, rec.page);
  if (!why.empty()) rec.fail(status == 200 ? FailureKind::kPage : FailureKind::kHttp, std::move(why));
}

Verdict verdict_for(double total_s, double delay_s, int n) {
  if (!(delay_s > 0)) return Verdict::kUnknown;
  if (total_s < 2 * delay_s) return Verdict::kFast;
  if (total_s > n / 2.0 * delay_s) return Verdict::kSlow;
  return Verdict::kMixed;
}

void summarize(RunResult& r) {
  r.valid_pages.clear();
  r.invalid_pages.clear();
  for (const RequestRecord& rec : r.requests)
    (rec.valid() ? r.valid_pages : r.invalid_pages).push_back(rec.page);
  std::sort(r.valid_pages.begin(), r.valid_pages.end());
  std::sort(r.invalid_pages.begin(), r.invalid_pages.end());
  // Failed requests end early: with no valid response the time says nothing.
  r.verdict = r.valid_pages.empty() ? Verdict::kUnknown : verdict_for(r.total_s, r.delay_s, r.n);
}

}  // namespace slowfast
