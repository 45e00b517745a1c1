// patch_select 1.0: grequests' gevent.monkey.patch_all(select=True). select.poll
// becomes gevent's, so urllib3's wait_for_read / wait_for_write wait on the loop:
// installed beside blocking_tls, BlockingTlsSocket keeps its class and its methods,
// only the wait they call changes - and the run is concurrent again.
#include "slowfast/module/module.h"

namespace {

void install(slowfast::SocketRegistry* registry, const slowfast::probe::HostApi* host) {
  slowfast::probe::install(host);
  registry->patch_wait(&slowfast::wait_on_loop);
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "patch_select", "1.0",
                               "urllib3's wait_for_read / wait_for_write wait on the loop instead of poll()",
                               &install};

}  // namespace

SLOWFAST_MODULE(kInfo)
