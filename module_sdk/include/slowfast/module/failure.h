// Why a request failed, as a kind beside its message (issue 8): counted per kind in the
// fetch summary (like wrk's "Socket errors: connect 0, read 0, ...") and written to the
// JSON. Header-only: the modules throw RequestFailure too.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace slowfast {

enum class FailureKind {
  kNone,
  kConnect,      // TCP connect failed (refused, unreachable)
  kTls,          // the TLS handshake failed: certificate, version, peer closed, not TLS
  kTimeout,      // one wait took longer than --timeout; the record says which step
  kRead,         // the connection failed while reading the response (reset, closed)
  kWrite,        // the connection failed while sending the request
  kHttp,         // the response is not a usable HTTP answer: malformed, too large, not 200
  kPage,         // a 200 whose body is not this request's page
  kDeadline,     // the request as a whole took longer than --deadline
  kInterrupted,  // SIGINT/SIGTERM arrived before the request finished
};

// The step a request was in when it failed: a timeout is named after it.
enum class Step { kConnect, kHandshake, kWrite, kRead };

inline const char* to_string(Step s) {
  switch (s) {
    case Step::kConnect: return "connect";
    case Step::kHandshake: return "handshake";
    case Step::kWrite: return "write";
    case Step::kRead: return "read";
  }
  return "?";
}

// "connect", "tls", "timeout-read", ..., "" for kNone.
inline std::string failure_kind(FailureKind k, Step step = Step::kRead) {
  switch (k) {
    case FailureKind::kNone: return "";
    case FailureKind::kConnect: return "connect";
    case FailureKind::kTls: return "tls";
    case FailureKind::kTimeout: return std::string("timeout-") + to_string(step);
    case FailureKind::kRead: return "read";
    case FailureKind::kWrite: return "write";
    case FailureKind::kHttp: return "http";
    case FailureKind::kPage: return "page";
    case FailureKind::kDeadline: return "deadline";
    case FailureKind::kInterrupted: return "interrupted";
  }
  return "?";
}

// The kinds the summary counts, in its order (timeouts of every step count as "timeout").
inline constexpr const char* kFailureKindsInSummary[] = {"connect", "tls",      "timeout",    "read", "write",
                                                         "http",    "page",     "deadline",   "interrupted"};

// A failure that knows its kind. Anything else thrown during a request is classified by
// the step it happened in (connect -> connect, handshake -> tls, write, read).
class RequestFailure : public std::runtime_error {
 public:
  RequestFailure(FailureKind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  FailureKind kind() const { return kind_; }

 private:
  FailureKind kind_;
};

// The kind of an error thrown by no RequestFailure during `step`.
inline FailureKind kind_of_step(Step step) {
  switch (step) {
    case Step::kConnect: return FailureKind::kConnect;
    case Step::kHandshake: return FailureKind::kTls;
    case Step::kWrite: return FailureKind::kWrite;
    case Step::kRead: return FailureKind::kRead;
  }
  return FailureKind::kRead;
}

// "2 s", "0.5 s": seconds as the user typed them.
inline std::string fmt_seconds(double s) {
  std::ostringstream out;
  out << s << " s";
  return out.str();
}

// The message of a request that hit its deadline during `step`.
inline std::string deadline_message(double deadline_s, Step step) {
  return "deadline of " + fmt_seconds(deadline_s) + " reached during " + to_string(step);
}

}  // namespace slowfast
