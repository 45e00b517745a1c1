// Exercise 7: diagnose three mystery modules. The attendee's answers.txt names, per
// module, the method that blocks the loop and what triggers it; each answer is compared
// by its SHA-256 with the hashes below, so that the validator can say ok or FAIL without
// holding (or printing) the key. The vocabulary is small: the hashes keep the key out of
// sight, they do not make it secret.
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "exercise/exercises.h"
#include "exercise/mysteries.h"

namespace slowfast::exercise {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string sha256_hex(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("EVP_Digest(sha256) failed");
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

bool known(const std::vector<std::string>& words, const std::string& w) {
  return w == "?" || std::find(words.begin(), words.end(), w) != words.end();
}

}  // namespace

const std::vector<Mystery>& mysteries() {
  static const std::vector<Mystery> all = {
      {"fastpath", "2.1", "033acb2015a83f3d54ce49ca4375f9b1938b358fcc829b1e3d9105a164a8189e"},
      {"tls_tuning", "0.9", "538f354aa1b850bfe05b3d02ba9d2cd39b9291c57efd4fc16c99097d48227b0a"},
      {"conn_reuse", "1.4", "61471976c65af2212e83a1d48da7f249f78fa864e1dc16f3f311b786617bdfc9"},
  };
  return all;
}

const Mystery* find_mystery(const std::string& name) {
  for (const Mystery& m : mysteries())
    if (name == m.name) return &m;
  return nullptr;
}

const std::vector<std::string>& mystery_methods() {
  static const std::vector<std::string> words = {"handshake", "send", "recv", "recv_into", "shutdown"};
  return words;
}

const std::vector<std::string>& mystery_triggers() {
  static const std::vector<std::string> words = {"always", "py27", "py37", "query", "large-response", "timeout"};
  return words;
}

std::optional<Answer> parse_answer(const std::string& text, std::string* why) {
  std::map<std::string, std::string> fields;
  std::istringstream words(lower(text));
  for (std::string w; words >> w;) {
    auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0) {
      *why = fmt::format("'{}' is not key=value (method=... trigger=...)", w);
      return std::nullopt;
    }
    fields[w.substr(0, eq)] = w.substr(eq + 1);
  }
  if (fields.size() != 2 || !fields.count("method") || !fields.count("trigger")) {
    *why = "an answer is `method=WORD trigger=WORD`";
    return std::nullopt;
  }
  Answer a{fields["method"], fields["trigger"]};
  if (!known(mystery_methods(), a.method)) {
    *why = fmt::format("method '{}' is not one of: {}", a.method, fmt::join(mystery_methods(), ", "));
    return std::nullopt;
  }
  if (!known(mystery_triggers(), a.trigger)) {
    *why = fmt::format("trigger '{}' is not one of: {}", a.trigger, fmt::join(mystery_triggers(), ", "));
    return std::nullopt;
  }
  return a;
}

bool answer_is_right(const Mystery& m, const Answer& a) {
  return sha256_hex(fmt::format("{}|{}|{}", m.name, a.method, a.trigger)) == m.answer;
}

std::filesystem::path mystery_dir(const std::filesystem::path& build_dir, const Mystery& m) {
  return build_dir / "exercises" / "mysteries" / m.name;
}

// answers.txt: one line per mystery, `name: method=WORD trigger=WORD`; # starts a comment.
void validate_mysteries(Validation& v) {
  const std::filesystem::path file = v.built() / "answers.txt";
  std::ifstream in(file);
  if (!in) {
    v.check(false, "the answers file", "cannot read " + file.string());
    return;
  }
  std::map<std::string, std::string> given;
  for (std::string line; std::getline(in, line);) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    auto colon = line.find(':');
    given[lower(trim(line.substr(0, colon)))] = colon == std::string::npos ? "" : line.substr(colon + 1);
  }
  for (const Mystery& m : mysteries()) {
    const std::string what = fmt::format("{} {}: the method that blocks and its trigger", m.name, m.version);
    auto it = given.find(m.name);
    if (it == given.end()) {
      v.check(false, what, fmt::format("no line `{}: method=... trigger=...` in answers.txt", m.name));
      continue;
    }
    std::string why;
    std::optional<Answer> a = parse_answer(it->second, &why);
    if (!a) {
      v.check(false, what, why);
    } else if (a->method == "?" || a->trigger == "?") {
      v.check(false, what, "not answered yet");
    } else {
      v.check(answer_is_right(m, *a), what,
              answer_is_right(m, *a) ? "right" : fmt::format("method={} trigger={} is not it", a->method, a->trigger));
    }
  }
}

}  // namespace slowfast::exercise
