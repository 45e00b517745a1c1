// page_hook 1.0: a response hook for the tests. It answers "page=<page> status=<status>
// bytes=<n> off_loop=<yes|no>" (whether apply() ran its work on another thread than
// the hook's), and throws for page 2, as a hook whose work fails would.
#include <stdexcept>
#include <string>
#include <thread>

#include "slowfast/module/module.h"
#include "slowfast/module/threadpool.h"

namespace {

slowfast::Task<std::string> answer(const slowfast::Response& r) {
  const std::thread::id loop = std::this_thread::get_id();
  bool off_loop = false;
  co_await slowfast::apply(*r.pool, [&] {
    if (r.page == 2) throw std::runtime_error("no answer for page 2");
    off_loop = std::this_thread::get_id() != loop;
  });
  co_return "page=" + std::to_string(r.page) + " status=" + std::to_string(r.status) +
      " bytes=" + std::to_string(r.body_size) + " off_loop=" + (off_loop ? "yes" : "no");
}

void install(slowfast::SocketRegistry* registry, const slowfast::probe::HostApi* host) {
  slowfast::probe::install(host);
  registry->on_response(&answer);
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "page_hook", "1.0", "answers every response from the threadpool",
                               &install};

}  // namespace

SLOWFAST_MODULE(kInfo)
