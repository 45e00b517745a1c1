// patch_select, the module you write: grequests' gevent.monkey.patch_all(select=True).
// Installed beside blocking_tls 1.0 (pyOpenSSL), it must make urllib3's wait_for_read /
// wait_for_write - select.poll() on the socket's own fd, a blocking system call - wait
// on the loop instead, the way gevent's patched select.poll does. The socket classes
// stay what they are: BlockingTlsSocket (stage 2), CoopShim (stage 3).
//
// Your task (labs/exercises/e2-patch-the-wait/README.md): make stages 2 and 3 fast on
// both runtimes from here, without replacing or patching any socket class. As it is,
// install() only connects the module's probes to the host: it changes nothing.
// `make check-e2` says when it is right.
#include "slowfast/module/module.h"

namespace {

void install(slowfast::SocketRegistry* registry, const slowfast::probe::HostApi* host) {
  slowfast::probe::install(host);
  (void)registry;  // what may a module change? slowfast/module/socket_registry.h
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "patch_select", "1.0+e2",
                               "urllib3's wait_for_read / wait_for_write (your exercise 2 build)", &install};

}  // namespace

SLOWFAST_MODULE(kInfo)
