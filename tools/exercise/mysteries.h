// Exercise 7's mysteries and their answers, as hashes: shared by its validator and by
// exercise 8's timed round (`slowfast exercise round`). The plaintext key is
// labs/exercises/solutions/e7-mysteries/answers.txt; nothing here prints it.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace slowfast::exercise {

struct Mystery {
  const char* name;     // the module's name: "fastpath"
  const char* version;  // "2.1": its file is <name>-<version>.so
  const char* answer;   // SHA-256 (hex) of "<name>|<method>|<trigger>"
};

const std::vector<Mystery>& mysteries();
const Mystery* find_mystery(const std::string& name);

// The words an answer may use (README.md of e7 lists them).
const std::vector<std::string>& mystery_methods();
const std::vector<std::string>& mystery_triggers();

// An answer "method=recv trigger=py27" (any case, any spacing), normalised.
struct Answer {
  std::string method, trigger;
};
// nullopt with `why` set when it is not of that form or uses a word not in the lists;
// method or trigger "?" (not answered yet) is kept as "?".
std::optional<Answer> parse_answer(const std::string& text, std::string* why);
bool answer_is_right(const Mystery& m, const Answer& a);

// build/exercises/mysteries/<name>/: the directory for `fetch --modules`.
std::filesystem::path mystery_dir(const std::filesystem::path& build_dir, const Mystery& m);

}  // namespace slowfast::exercise
