// Threadpool: libuv's worker threads as a module sees them - gevent's hub.threadpool.
// A loop runs one thing at a time: CPU-bound work on the loop thread (hashing a body,
// parsing a large document) stops every other request as surely as a blocking read.
// Run through apply(), the work takes a worker thread while the calling coroutine
// sleeps on the loop, and the loop goes on serving the others.
// Part of the module ABI (slowfast/module/module.h): change it and bump SLOWFAST_MODULE_ABI.
#pragma once
#include <coroutine>
#include <functional>

#include "slowfast/module/task.h"

namespace slowfast {

class Threadpool {
 public:
  // Runs work(arg) on a worker thread, then resumes `done` on the loop thread.
  virtual void queue(void (*work)(void* arg), void* arg, std::coroutine_handle<> done) = 0;

 protected:
  ~Threadpool() = default;
};

// gevent's threadpool.apply(fn): runs `work` on one of `pool`'s threads and returns
// (on the loop thread) once it has run; what it throws is thrown here. `work` must not
// touch the loop or the connection: it runs beside them.
Task<void> apply(Threadpool& pool, std::function<void()> work);

}  // namespace slowfast
