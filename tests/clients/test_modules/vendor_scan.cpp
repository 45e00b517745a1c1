// vendor_scan 1.0: a vendor's module with no probes at all - the case the probes cannot
// see. Its socket waits on the loop like gevent's, but before its first read it
// "inspects" the connection with a blocking sleep in code of its own. The profile and
// the watchdog's culprit charge that time to whatever host probe is open around it (the
// framework's); only the sampled stack names VendorScanSocket::inspect_before_read.
#include <time.h>

#include <cerrno>

#include "slowfast/module/module.h"
#include "slowfast/module/tls_socket.h"

namespace slowfast {
namespace {

// TlsSocket asks each step for a site; these are the SDK's driver steps, not the
// vendor's code: the sleep below runs before any of them opens.
constexpr probe::Site kHandshake{"vendor_scan", "VendorScanSocket::handshake"};
constexpr probe::Site kSend{"vendor_scan", "VendorScanSocket::send"};
constexpr probe::Site kRecv{"vendor_scan", "VendorScanSocket::recv"};
constexpr probe::Site kRecvInto{"vendor_scan", "VendorScanSocket::recv_into"};
constexpr probe::Site kShutdown{"vendor_scan", "VendorScanSocket::shutdown"};

class VendorScanSocket final : public TlsSocket {
 public:
  explicit VendorScanSocket(SocketArgs&& args) : TlsSocket(std::move(args.ssl), args.on) {}
  static std::unique_ptr<Socket> make(SocketArgs&& args) { return std::make_unique<VendorScanSocket>(std::move(args)); }
  const char* class_name() const override { return "VendorScanSocket"; }

  Task<void> handshake() override { return drive_handshake(kHandshake, &wait_on_loop); }
  Task<std::size_t> send(std::span<const char> data) override { return drive_send(data, kSend, &wait_on_loop); }
  Task<std::string> recv(std::size_t n) override {
    inspect_before_read();
    co_return co_await drive_recv(n, kRecv, &wait_on_loop);
  }
  Task<std::size_t> recv_into(std::span<char> buffer) override {
    inspect_before_read();
    co_return co_await drive_recv_into(buffer, kRecvInto, &wait_on_loop);
  }
  Task<void> shutdown() override { return drive_shutdown(kShutdown, &wait_on_loop); }

 private:
  // 300 ms of the loop thread, once per connection, without a probe. A signal (the
  // watchdog's stack sample) ends nanosleep early: it sleeps on for the time left.
  [[gnu::noinline]] void inspect_before_read() {
    if (inspected_) return;
    inspected_ = true;
    timespec left{0, 300'000'000};
    while (::nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
  }

  bool inspected_ = false;
};

void install(SocketRegistry* registry, const probe::HostApi* host) {
  probe::install(host);
  registry->inject("VendorScanSocket", &VendorScanSocket::make);
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "vendor_scan", "1.0",
                               "every TLS connection sleeps 300 ms before its first read, in code without probes",
                               &install};

}  // namespace
}  // namespace slowfast

SLOWFAST_MODULE(slowfast::kInfo)
