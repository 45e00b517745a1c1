// patch_select, the reference solution of exercise 2: grequests'
// gevent.monkey.patch_all(select=True). select.poll becomes gevent's, so urllib3's
// wait_for_read / wait_for_write wait on the loop. Installed beside blocking_tls,
// BlockingTlsSocket (and CoopShim, which inherits its methods) keep their classes and
// their methods; only the wait they call changes. (The starter is
// labs/exercises/e2-patch-the-wait/patch_select.cpp.)
#include "slowfast/module/module.h"

namespace {

void install(slowfast::SocketRegistry* registry, const slowfast::probe::HostApi* host) {
  slowfast::probe::install(host);
  // The fix: every socket made from now on that waits the urllib3 way co_awaits the
  // loop's wait (gevent's wait_read / wait_write) instead of polling its own fd.
  registry->patch_wait(&slowfast::wait_on_loop);
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "patch_select", "1.0+e2",
                               "urllib3's wait_for_read / wait_for_write wait on the loop instead of poll()",
                               &install};

}  // namespace

SLOWFAST_MODULE(kInfo)
