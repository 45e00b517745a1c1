#include "background.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <utility>

namespace slowfast::server {
namespace {

// The child's word on the pipe: "ok <listening line>" or "error <message>".
constexpr char kOk[] = "ok ";
constexpr char kError[] = "error ";

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "slowfast-server: error: %s: %s\n", what, std::strerror(errno));
  std::exit(2);
}

// The first process: wait for the child's word (EOF without one: it died first), at
// most `timeout_s`. A child stuck before it listens (a certificate file that never
// ends, a filesystem that hangs) is killed, so `SERVER=$(...)` cannot hang a script.
[[noreturn]] void wait_for_word(int fd, pid_t child, double timeout_s) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  std::string word;
  char buf[512];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd, POLLIN, 0};
    int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      ::kill(child, SIGKILL);
      ::waitpid(child, nullptr, 0);
      std::fprintf(stderr,
                   "slowfast-server: error: the server did not listen within %g s; stopped it "
                   "(pid %d). --log FILE keeps its output; --start-timeout S waits longer\n",
                   timeout_s, static_cast<int>(child));
      std::exit(2);
    }
    ssize_t n = ready < 0 ? -1 : ::read(fd, buf, sizeof buf);
    if (n > 0) {
      word.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  if (word.rfind(kOk, 0) == 0) {
    std::printf("%d\n", static_cast<int>(child));
    std::fprintf(stderr, "slowfast-server: %s, pid %d (stop it with: kill %d)\n",
                 word.c_str() + sizeof kOk - 1, static_cast<int>(child), static_cast<int>(child));
    std::exit(0);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  if (word.rfind(kError, 0) == 0)
    std::fprintf(stderr, "slowfast-server: error: %s\n", word.c_str() + sizeof kError - 1);
  else
    std::fprintf(stderr, "slowfast-server: error: the server exited before it listened (status %d)\n",
                 status);
  std::exit(2);
}

}  // namespace

Background Background::detach(const std::string& log_path, double start_timeout_s) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) die("pipe");
  std::fflush(nullptr);
  pid_t child = ::fork();
  if (child < 0) die("fork");
  if (child > 0) {
    ::close(fds[1]);
    wait_for_word(fds[0], child, start_timeout_s);
  }
  ::close(fds[0]);
  Background self(fds[1]);
  ::setsid();
  int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const char* out_path = log_path.empty() ? "/dev/null" : log_path.c_str();
  int out = ::open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (in < 0 || out < 0) {
    self.failed(std::string("cannot open ") + (in < 0 ? "/dev/null" : out_path) + ": " +
                std::strerror(errno));
    std::exit(2);
  }
  ::dup2(in, STDIN_FILENO);
  ::dup2(out, STDOUT_FILENO);
  ::dup2(out, STDERR_FILENO);
  ::close(in);
  ::close(out);
  return self;
}

Background::Background(Background&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

Background::~Background() {
  if (fd_ >= 0) ::close(fd_);
}

void Background::listening(const std::string& line) { tell(kOk + line); }
void Background::failed(const std::string& error) { tell(kError + error); }

void Background::tell(const std::string& word) {
  if (fd_ < 0) return;
  size_t done = 0;
  while (done < word.size()) {
    ssize_t n = ::write(fd_, word.data() + done, word.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the first process is gone: nobody to tell
    done += static_cast<size_t>(n);
  }
  ::close(std::exchange(fd_, -1));  // EOF: the first process reads the whole word
}

}  // namespace slowfast::server
