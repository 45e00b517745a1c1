// Names for the code addresses of a sampled stack: "wait_for_socket [blocking_tls]".
//
// dladdr() alone names too little here: a module exports only its entry point (every
// other symbol is hidden, so that modules cannot clash), and the main binary exports
// nothing. The functions a stall report needs - the attendee's or the vendor's code -
// are exactly the hidden ones. So each object's own symbol table (.symtab, which keeps
// hidden and static functions; .dynsym when the file was stripped, as libc is) is read
// from its file, once, and looked up by address. Never in a signal handler: it
// allocates and reads files. Not thread-safe: one thread at a time.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace slowfast {

// The object's short name from its path: a module's "<name>-<version>.so" gives its
// name ("blocking_tls", "coop_shim"), a library its name before ".so" ("libc",
// "libssl", "libuv"), anything else its file name ("slowfast").
std::string short_object_name(std::string_view path);

// A demangled function name as the reports write it: no parameters, no return type, no
// "[clone .actor]", no anonymous or slowfast namespace, and no parts above the last two -
// "slowfast::blocking_tls::BlockingTlsSocket::recv_into(std::span<char, ...>)" gives
// "BlockingTlsSocket::recv_into".
std::string short_function_name(std::string_view demangled);

class StackSymbols {
 public:
  StackSymbols();
  ~StackSymbols();
  StackSymbols(const StackSymbols&) = delete;
  StackSymbols& operator=(const StackSymbols&) = delete;

  // Reads the symbol tables of every object loaded now (tens of milliseconds for the
  // main binary; longer under a sanitizer), so that name() need not.
  void warm();

  // "function [object]" for a code address of this process; "? [object]" when the
  // object has no symbol there, "? [?]" when no object holds it. `exact` false: `addr` is
  // a return address, which may already be past the end of the calling function, so the
  // call is looked up at addr - 1. `may_read` false: an object whose table was not read
  // yet gets only what dladdr knows (its exported names), without touching its file.
  std::string name(const void* addr, bool exact, bool may_read = true);

 private:
  struct Function {
    std::uintptr_t start, end;  // file addresses (st_value), [start, end)
    const char* name;           // mangled, in the file's mapping (no copy: a binary has
                                // tens of thousands of them, and the reader is timed)
  };
  // One object file's functions, sorted by start; empty when it cannot be read.
  const std::vector<Function>& functions_of(const std::string& file);

  std::map<std::string, std::vector<Function>> by_file_;
  std::vector<std::shared_ptr<const void>> mappings_;  // the files the names point into
};

}  // namespace slowfast
