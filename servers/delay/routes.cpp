#include "routes.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <random>
#include <string_view>

#include <nlohmann/json.hpp>

namespace slowfast::server {
namespace {

using nlohmann::json;

// A non-negative, finite number of seconds, the whole string and nothing else:
// "-1", "abc", "1e309", "nan", "inf" and "" are all rejected.
std::optional<double> parse_seconds(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  if (!std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

// A non-negative decimal integer (digits only).
std::optional<long> parse_count(std::string_view s) {
  long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || s[0] == '-' || ec != std::errc() || end != s.data() + s.size())
    return std::nullopt;
  return v;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding; a malformed escape is kept as it is.
std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

json query_args(std::string_view target) {
  json args = json::object();
  size_t q = target.find('?');
  if (q == std::string_view::npos) return args;
  std::string_view rest = target.substr(q + 1);
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = url_decode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
    if (!args.contains(key)) {
      args[key] = value;
    } else {
      if (!args[key].is_array()) args[key] = json::array({args[key]});
      args[key].push_back(value);
    }
  }
  return args;
}

// The first value of query parameter `key`, or nullopt.
std::optional<std::string> query_param(const json& args, const std::string& key) {
  auto it = args.find(key);
  if (it == args.end()) return std::nullopt;
  return it->is_array() ? (*it)[0].get<std::string>() : it->get<std::string>();
}

std::string header(const Request& req, std::string_view name) {
  for (const auto& [k, v] : req.headers) {
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(),
                   [](unsigned char a, unsigned char b) { return std::tolower(a) == std::tolower(b); }))
      return v;
  }
  return "";
}

// httpbin's echo of a request: args, headers, origin, url.
json echo(const Request& req, const json& args) {
  json headers = json::object();
  for (const auto& [k, v] : req.headers) {
    if (headers.contains(k)) headers[k] = headers[k].get<std::string>() + "," + v;
    else headers[k] = v;
  }
  std::string host = header(req, "Host");
  if (host.empty()) host = "localhost";
  return json{{"args", args},
              {"headers", headers},
              {"origin", req.origin},
              {"url", req.scheme + "://" + host + req.target}};
}

// Paths, queries and header values are the client's bytes, not necessarily UTF-8: a
// byte that is not valid UTF-8 becomes U+FFFD instead of throwing (nlohmann's default),
// which would otherwise end the whole process and every request in flight.
Response json_response(const json& body, int status = 200) {
  Response r;
  r.status = status;
  r.body = body.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  return r;
}

Response delay(const Request& req, const json& args, std::string_view arg) {
  std::optional<double> s = parse_seconds(arg);
  if (!s) return error_response(400, "delay must be a non-negative number of seconds, got '" +
                                         std::string(arg) + "'");
  json body = echo(req, args);
  body["data"] = "";
  body["files"] = json::object();
  body["form"] = json::object();
  Response r = json_response(body);
  r.delay_s = std::min(*s, kMaxDelaySeconds);
  return r;
}

Response status(std::string_view arg) {
  std::optional<long> code = parse_count(arg);
  if (!code || *code < 200 || *code > 599)
    return error_response(400, "status must be an integer from 200 to 599, got '" +
                                   std::string(arg) + "'");
  Response r;
  r.status = static_cast<int>(*code);
  r.content_type = "text/plain; charset=utf-8";
  return r;
}

Response bytes(std::string_view arg, const json& args) {
  std::optional<long> n = parse_count(arg);
  if (!n) return error_response(400, "bytes must be a non-negative integer, got '" +
                                         std::string(arg) + "'");
  std::mt19937 rng;
  if (auto seed = query_param(args, "seed")) {
    std::optional<long> s = parse_count(*seed);
    if (!s) return error_response(400, "seed must be a non-negative integer");
    rng.seed(static_cast<std::mt19937::result_type>(*s));
  } else {
    rng.seed(std::random_device{}());
  }
  Response r;
  r.content_type = "application/octet-stream";
  r.body.resize(static_cast<size_t>(std::min(*n, kMaxBytes)));
  for (char& c : r.body) c = static_cast<char>(rng() & 0xff);
  return r;
}

Response drip(const json& args) {
  auto number = [&](const char* key, double fallback, double max) -> std::optional<double> {
    std::optional<std::string> v = query_param(args, key);
    if (!v) return fallback;
    std::optional<double> d = parse_seconds(*v);
    if (!d || *d > max) return std::nullopt;
    return d;
  };
  std::optional<double> numbytes = number("numbytes", 10, kMaxDripBytes);
  std::optional<double> duration = number("duration", 2, kMaxDelaySeconds);
  std::optional<double> delay = number("delay", 2, kMaxDelaySeconds);
  std::optional<double> code = number("code", 200, 599);
  if (!numbytes || !duration || !delay || !code || *code < 200 ||
      *numbytes != std::floor(*numbytes) || *code != std::floor(*code))
    return error_response(400, "drip takes numbytes (0-10485760), duration and delay "
                               "(0-10 s) and code (200-599)");
  Response r;
  r.status = static_cast<int>(*code);
  r.content_type = "application/octet-stream";
  r.body.assign(static_cast<size_t>(*numbytes), '*');
  r.delay_s = *delay;
  r.drip_pieces = static_cast<int>(std::min<double>(*numbytes, kMaxDripPieces));
  r.drip_duration_s = *duration;
  return r;
}

bool starts_with(std::string_view s, std::string_view prefix, std::string_view* rest) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  *rest = s.substr(prefix.size());
  return true;
}

}  // namespace

Response error_response(int status, const std::string& message) {
  return json_response(json{{"error", message}}, status);
}

namespace {

Response route_path(const Request& req, const json& args) {
  std::string_view path = path_of(req.target);
  std::string_view arg;
  if (starts_with(path, "/delay/", &arg)) return delay(req, args, arg);
  if (path == "/get") {
    if (req.method != "GET" && req.method != "HEAD") {
      Response r = error_response(405, "/get answers GET and HEAD only");
      r.headers.emplace_back("Allow", "GET, HEAD");
      return r;
    }
    return json_response(echo(req, args));
  }
  if (starts_with(path, "/status/", &arg)) return status(arg);
  if (starts_with(path, "/bytes/", &arg)) return bytes(arg, args);
  if (path == "/drip") return drip(args);
  if (path == "/health")
    return json_response(json{{"status", "ok"}, {"connections", req.open_connections}});
  return error_response(404, "no route for " + std::string(path) +
                                 " (try /delay/1, /get, /status/418, /bytes/64, /drip, /health)");
}

}  // namespace

Response route(const Request& req) {
  json args = query_args(req.target);
  std::optional<std::string> framing = query_param(args, "framing");
  if (framing && *framing != "close" && *framing != "length")
    return error_response(400, "framing is close or length, got '" + *framing + "'");
  Response r = route_path(req, args);
  r.close_delimited = framing == "close";
  return r;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 418: return "I'm a teapot";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

}  // namespace slowfast::server
