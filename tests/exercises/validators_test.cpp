// Every exercise's validator is honest: it rejects the starter (labs/exercises/eN-*/)
// and accepts the reference solution (labs/exercises/solutions/eN-*/), each built and
// run by `slowfast exercise check N [--solution]` as an attendee would - and rejects a
// wrong fix (tests/exercises/wrong_fixes/) for the reason the exercise is about.
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "cli_process.h"
#include "exercise/exercises.h"

namespace slowfast::exercise {
// Test names and failure lines show "e1", not the struct's bytes.
void PrintTo(const Exercise& e, std::ostream* os) { *os << e.id() << " (" << e.folder << ")"; }
}  // namespace slowfast::exercise

namespace slowfast::testing {
namespace {

using exercise::Exercise;

class Validator : public ::testing::TestWithParam<Exercise> {};

TEST_P(Validator, FailsOnTheStarter) {
  CliResult r = run_slowfast({"exercise", "check", std::to_string(GetParam().number)}, {}, 280);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("\n  FAIL "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Validation failed: "), std::string::npos) << r.out;
}

TEST_P(Validator, PassesOnTheSolution) {
  CliResult r = run_slowfast({"exercise", "check", std::to_string(GetParam().number), "--solution"}, {}, 280);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("\n  FAIL "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Validation successful: "), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Exercises, Validator, ::testing::ValuesIn(exercise::exercises()),
                         [](const ::testing::TestParamInfo<Exercise>& p) { return p.param.id(); });

// Exercise 1's checks that the starter passes (it is slow, not wrong) can fail too: each
// wrong fix (wrong_fixes/e1_coop_shim_wrong.cpp) fails the check named after its flaw.
struct WrongFix {
  const char* flaw;   // build/tests/exercises/wrong_fixes/e1_<flaw>
  const char* check;  // the FAIL line's check
};

class E1WrongFix : public ::testing::TestWithParam<WrongFix> {};

TEST_P(E1WrongFix, FailsItsCheck) {
  std::string dir = std::string(SLOWFAST_WRONG_FIXES_DIR) + "/e1_" + GetParam().flaw;
  CliResult r = run_slowfast({"exercise", "check", "1", "--modules", dir}, {}, 280);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(std::string("  FAIL ") + GetParam().check), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Exercises, E1WrongFix,
    ::testing::Values(WrongFix{"busy", "no busy loop"}, WrongFix{"eof_throws", "the end of the stream"},
                      WrongFix{"no_timeout", "the request timeout still holds"}),
    [](const ::testing::TestParamInfo<WrongFix>& p) { return std::string(p.param.flaw); });
// A validator rejects a wrong fix for the right reason: the fix is fast, and the check
// that names what it broke fails (tests/exercises/wrong_fixes/).
CliResult check_wrong_fix(int number, const std::string& name) {
  return run_slowfast(
      {"exercise", "check", std::to_string(number), "--modules", std::string(SLOWFAST_WRONG_FIXES_DIR) + "/" + name},
      {}, 280);
}

TEST(ValidatorWrongFix, E2InjectingAnotherSocketClassFailsTheWrapperUntouchedCheck) {
  CliResult r = check_wrong_fix(2, "e2_inject_socket");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("  ok   stage 2 with your module, py37 (recv_into): fast"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  FAIL stage 2: every socket is still a BlockingTlsSocket (the wrapper untouched)  "
                       "(socket classes: LoopTlsSocket)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  FAIL stage 3: every socket is still a CoopShim"), std::string::npos) << r.out;
}

TEST(ValidatorWrongFix, E3TurningVerificationOffFailsTheVerificationCheck) {
  CliResult r = check_wrong_fix(3, "e3_verify_none");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("  ok   the client's CPU per request is low"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  FAIL verification stays on: a certificate from another CA is refused, every time  "
                       "(0 of 50 refused"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Validation failed: 1 of "), std::string::npos) << r.out;
}

TEST(ValidatorWrongFix, E4RemovingTheCertificateCheckFailsTheRevokedCheck) {
  CliResult r = check_wrong_fix(4, "e4_check_removed");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("  ok   fast, every page valid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  FAIL a revoked certificate still fails every handshake (the responder says 410)  "
                       "(0 of 10 handshakes refused)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Validation failed: 1 of "), std::string::npos) << r.out;
}

// The uv-nonblocking answer (one delay) for every threadpool run: right only where the
// pool holds every request at once (3 on 4 threads), wrong where it takes rounds.
TEST(ValidatorWrongFix, E5TheNonblockingAnswerFailsThePoolsRounds) {
  CliResult r = check_wrong_fix(5, "e5_nonblocking_answers");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("  ok   uv-threadpool, 3 x /delay/0.5, UV_THREADPOOL_SIZE=4: the total time  (predicted 0.50 s"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  FAIL uv-threadpool, 9 x /delay/0.5, UV_THREADPOOL_SIZE=4: the total time  (predicted 0.50 s"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  ok   uv-nonblocking, 12 x /delay/0.5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Validation failed: 3 of 5 checks failed"), std::string::npos) << r.out;
}

TEST(ValidatorWrongFix, E6ACheaperSealFailsTheSameSealCheck) {
  CliResult r = check_wrong_fix(6, "e6_fewer_rounds");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("  ok   the seal never holds the loop"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  FAIL every seal is the starter's: PBKDF2-HMAC-SHA256 of the body's SHA-256, 600000 rounds  "
                       "(0 of 10 recomputed alike; page 0: seal "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Validation failed: 1 of 4 checks failed"), std::string::npos) << r.out;
}

TEST(ExerciseCommand, AnUnknownNumberIsAUsageError) {
  CliResult r = run_slowfast({"exercise", "check", "99"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("there is no exercise 99"), std::string::npos) << r.err;
}

TEST(ExerciseCommand, ListNamesEveryExerciseAndItsMakeTarget) {
  CliResult r = run_slowfast({"exercise", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const Exercise& e : exercise::exercises()) {
    EXPECT_NE(r.out.find("labs/exercises/" + e.folder), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("make check-" + e.id()), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace slowfast::testing
