// SIGINT/SIGTERM during `slowfast fetch`: the first one ends every request still
// running (kind "interrupted") so that the run returns, prints its summary so far and
// writes its JSON; the handler then resets, so a second signal ends the process as usual.
#pragma once

namespace slowfast {

// Installs the handlers (once; later calls do nothing).
void install_interrupt_handlers();
// The signal that arrived, or 0.
int interrupt_signal();
inline bool interrupted() { return interrupt_signal() != 0; }
// An fd that becomes readable when a signal arrives (an eventfd), for waits to poll
// beside their socket; -1 before install_interrupt_handlers().
int interrupt_fd();

}  // namespace slowfast
