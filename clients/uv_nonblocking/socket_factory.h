// SocketFactory: decides which class carries each connection. Built-in: NativeTlsSocket
// for https, PlainSocket for http. Installed modules change it through SocketRegistry:
// blocking_tls injects BlockingTlsSocket, coop_shim patches BlockingTlsSocket with
// CoopShim; a module may also patch the wait urllib3's sockets call, or hook every
// response. Patches are
// resolved when a socket is made, so load order does not matter.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "uv_nonblocking/module_loader.h"
#include "slowfast/module/socket_registry.h"

namespace slowfast {

class SocketFactory final : public SocketRegistry {
 public:
  // Installs every module of `set` (owning them: their code must outlive the sockets).
  explicit SocketFactory(ModuleSet set = {});
  SocketFactory(const SocketFactory&) = delete;
  SocketFactory& operator=(const SocketFactory&) = delete;
  ~SocketFactory() = default;

  std::unique_ptr<Socket> make_tls(SocketArgs&& args) const;
  std::unique_ptr<Socket> make_plain(int fd, IoWait& io) const;

  // The class make_tls makes, e.g. "CoopShim".
  std::string tls_class() const;
  // How it came to be, e.g. "CoopShim (coop_shim 1.2, patches BlockingTlsSocket from
  // blocking_tls 1.0)" or "NativeTlsSocket (built-in)"; a patched wait adds ", wait
  // from patch_select 1.0".
  std::string describe_tls() const;
  const ModuleSet& modules() const { return set_; }
  std::vector<std::string> module_ids() const;

  void inject(const char* class_name, SocketMaker make) override;
  void patch(const char* target_class, const char* class_name, SocketMaker make) override;
  void patch_wait(WaitForSocket wait) override;
  void on_response(ResponseHook hook) override;

  // The hook every response goes through; null: none installed.
  ResponseHook response_hook() const { return response_hook_; }

 private:
  struct Entry {
    std::string class_name;
    SocketMaker make = nullptr;
    std::string source;  // "built-in" or "coop_shim 1.2"
  };
  std::vector<Entry> chain() const;  // base first, then each patch applied

  ModuleSet set_;
  std::string installing_ = "built-in";
  Entry base_;
  std::map<std::string, Entry> patches_;  // target class -> replacement
  WaitForSocket patched_wait_ = nullptr;
  std::string wait_source_;  // who patched it: "patch_select 1.0"
  ResponseHook response_hook_ = nullptr;
};

}  // namespace slowfast
