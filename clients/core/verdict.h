// Is one response right, and was the run fast or slow?
#pragma once
#include <string>
#include <string_view>

#include "core/run_types.h"

namespace slowfast {

// "" when the response is valid for `page`: status 200 and JSON args.page == page
// (httpbin echoes the query). Otherwise one line saying what is wrong.
std::string check_page(int status, std::string_view body, int page);

// "" when the response passes `spec.check` for `page`, otherwise what is wrong.
std::string check_body(const RunSpec& spec, int status, std::string_view body, int page);

// Records a complete response in `rec` (status, bytes) and checks it (spec.check) for
// rec.page: a status other than 200 fails as kind http, a wrong body as kind page.
void check_response(RequestRecord& rec, int status, std::string_view body, const RunSpec& spec);

// fast: total < 2 x delay (the requests overlapped); slow: total > n/2 x delay (they
// ran one at a time, or nearly); mixed in between; unknown when the delay is unknown.
Verdict verdict_for(double total_s, double delay_s, int n);

}  // namespace slowfast
