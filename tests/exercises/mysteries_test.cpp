// Exercise 7's mysteries and exercise 8's round: the validator's hashes agree with the
// answer key (labs/exercises/solutions/e7-mysteries/answers.txt), the modules say
// nothing of what they do, and a round takes a wrong answer and a right one.
#include <fstream>
#include <map>
#include <regex>

#include <gtest/gtest.h>

#include "cli_process.h"
#include "exercise/mysteries.h"
#include "slowfast/build_dir.h"
#include "slowfast/temp_dir.h"

namespace slowfast::testing {
namespace {

// name -> "method=... trigger=..." from the key file.
std::map<std::string, std::string> answer_key() {
  std::ifstream in(std::string(SLOWFAST_SOURCE_DIR) + "/labs/exercises/solutions/e7-mysteries/answers.txt");
  std::map<std::string, std::string> key;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(':');
    if (colon != std::string::npos) key[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return key;
}

TEST(Mysteries, TheValidatorsHashesMatchTheAnswerKey) {
  auto key = answer_key();
  ASSERT_EQ(key.size(), exercise::mysteries().size());
  for (const exercise::Mystery& m : exercise::mysteries()) {
    ASSERT_TRUE(key.count(m.name)) << m.name << " has no line in the key";
    std::string why;
    auto a = exercise::parse_answer(key[m.name], &why);
    ASSERT_TRUE(a) << m.name << ": " << why;
    EXPECT_TRUE(exercise::answer_is_right(m, *a)) << m.name << ": the key says" << key[m.name]
                                                  << ", the validator's hash disagrees";
    exercise::Answer wrong = *a;
    wrong.trigger = wrong.trigger == "always" ? "timeout" : "always";
    EXPECT_FALSE(exercise::answer_is_right(m, wrong)) << m.name;
  }
}

TEST(Mysteries, ModulesListingGivesNothingAway) {
  const std::regex telling(R"(\b(block\w*|poll\w*|slow(ly|er|s)?)\b)", std::regex::icase);
  for (const exercise::Mystery& m : exercise::mysteries()) {
    CliResult r = run_slowfast({"modules", "--modules", exercise::mystery_dir(build_dir(), m).string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(std::string(m.name) + " " + m.version), std::string::npos) << r.out;
    EXPECT_FALSE(std::regex_search(r.out, telling)) << r.out;
  }
}

TEST(ExerciseRound, AWrongAnswerFailsTheRightOnePassesWithItsTime) {
  TempDir dir("round");
  CliResult start = run_slowfast({"exercise", "round", "--dir", dir.path().string(), "start", "--seed", "7"});
  ASSERT_EQ(start.exit_code, 0) << start.out << start.err;
  EXPECT_NE(start.out.find((dir / "modules").string()), std::string::npos) << start.out;
  // The path names no mystery; one module file is there.
  int files = 0;
  std::string picked;
  for (const auto& e : std::filesystem::directory_iterator(dir / "modules")) {
    ++files;
    for (const exercise::Mystery& m : exercise::mysteries())
      if (e.path().filename().string().rfind(std::string(m.name) + "-", 0) == 0) picked = m.name;
  }
  ASSERT_EQ(files, 1);
  ASSERT_FALSE(picked.empty());
  // The same seed picks the same one.
  TempDir again("round");
  ASSERT_EQ(run_slowfast({"exercise", "round", "--dir", again.path().string(), "start", "--seed", "7"}).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(again / "modules" / (*std::filesystem::directory_iterator(dir / "modules")).path().filename()));

  CliResult wrong = run_slowfast({"exercise", "round", "--dir", dir.path().string(), "answer", "method=shutdown trigger=large-response"});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out << wrong.err;
  EXPECT_NE(wrong.out.find("not yet (1 try)"), std::string::npos) << wrong.out;

  CliResult right = run_slowfast({"exercise", "round", "--dir", dir.path().string(), "answer", answer_key()[picked]});
  EXPECT_EQ(right.exit_code, 0) << right.out << right.err;
  EXPECT_TRUE(std::regex_search(right.out, std::regex(R"(^correct after \d+ s \(2 tries\))"))) << right.out;

  CliResult status = run_slowfast({"exercise", "round", "--dir", dir.path().string(), "status"});
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_NE(status.out.find("solved after"), std::string::npos) << status.out;
}

TEST(ExerciseRound, AnswerWithoutARoundIsAUsageError) {
  TempDir dir("round");
  CliResult r = run_slowfast({"exercise", "round", "--dir", dir.path().string(), "answer", "method=recv trigger=py27"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no round under way"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace slowfast::testing
