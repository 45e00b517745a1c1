#include "slowfast/module/wait.h"

namespace slowfast {

Task<void> wait_on_loop(const WaitTarget& on, Want want) { co_await on.io->ready(want); }

}  // namespace slowfast
