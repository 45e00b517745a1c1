#include "uv_nonblocking/socket_factory.h"

#include "core/probe_recorder.h"
#include "uv_nonblocking/native_tls_socket.h"
#include "uv_nonblocking/plain_socket.h"

namespace slowfast {

SocketFactory::SocketFactory(ModuleSet set)
    : set_(std::move(set)), base_{"NativeTlsSocket", &NativeTlsSocket::make, "built-in"} {
  for (const LoadedModule& m : set_.modules) {
    installing_ = std::string(m.info().name) + " " + m.info().version;
    m.info().install(this, probe::host_api());
  }
  installing_ = "built-in";
}

void SocketFactory::inject(const char* class_name, SocketMaker make) {
  base_ = Entry{class_name, make, installing_};
}

void SocketFactory::patch(const char* target_class, const char* class_name, SocketMaker make) {
  patches_[target_class] = Entry{class_name, make, installing_};
}

void SocketFactory::patch_wait(WaitForSocket wait) {
  patched_wait_ = wait;
  wait_source_ = installing_;
}

void SocketFactory::on_response(ResponseHook hook) { response_hook_ = hook; }

std::vector<SocketFactory::Entry> SocketFactory::chain() const {
  std::vector<Entry> out{base_};
  // Bounded: a patch cycle (A -> B -> A) must not hang the factory.
  for (size_t i = 0; i <= patches_.size(); ++i) {
    auto it = patches_.find(out.back().class_name);
    if (it == patches_.end()) break;
    out.push_back(it->second);
  }
  return out;
}

std::unique_ptr<Socket> SocketFactory::make_tls(SocketArgs&& args) const {
  args.patched_wait = patched_wait_;
  return chain().back().make(std::move(args));
}

std::unique_ptr<Socket> SocketFactory::make_plain(int fd, IoWait& io) const {
  return std::make_unique<PlainSocket>(fd, io);
}

std::string SocketFactory::tls_class() const { return chain().back().class_name; }

std::string SocketFactory::describe_tls() const {
  std::vector<Entry> c = chain();
  std::string s = c.back().class_name + " (" + c.back().source;
  for (size_t i = c.size() - 1; i > 0; --i)
    s += ", patches " + c[i - 1].class_name + " from " + c[i - 1].source;
  if (patched_wait_) s += ", wait from " + wait_source_;
  return s + ")";
}

std::vector<std::string> SocketFactory::module_ids() const {
  std::vector<std::string> ids;
  for (const LoadedModule& m : set_.modules) ids.push_back(m.id());
  return ids;
}

}  // namespace slowfast
