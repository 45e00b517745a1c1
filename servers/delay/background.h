// `slowfast-server --background`: return to the shell once the server listens, so that
// one line starts it and the next may use it at once:
//
//   SERVER=$(build/bin/slowfast-server --background)   # the pid, once it listens
//   build/bin/slowfast fetch ...
//   kill $SERVER
//
// With `slowfast-server &` the shell moves on at once, and a fetch started on the next
// line races the server's start (connection refused). Here the first process forks
// before anything else exists (no loop, no thread, no OpenSSL state), waits on a pipe
// for the child's word, prints the child's pid on stdout and its listening line on
// stderr, and exits 0; or prints the child's error (or that it did not listen in time)
// and exits 2.
#pragma once
#include <string>

namespace slowfast::server {

class Background {
 public:
  // In the first process: does not return. In the server (the child): returns, with
  // stdin from /dev/null and stdout/stderr appended to `log_path` (empty: discarded),
  // in a session of its own (a terminal's Ctrl-C does not reach it; kill does).
  // The first process waits at most `start_timeout_s` for the word, then kills the
  // child and exits 2.
  static Background detach(const std::string& log_path, double start_timeout_s);

  Background(Background&& other) noexcept;
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  ~Background();

  // Exactly one of these, once: the first process then prints and exits.
  void listening(const std::string& line);
  void failed(const std::string& error);

 private:
  explicit Background(int pipe_fd) : fd_(pipe_fd) {}
  void tell(const std::string& word);
  int fd_;
};

}  // namespace slowfast::server
