// The module ABI as data: the layouts of the structs host and modules share (sizes,
// field offsets and types, as this compiler lays them out) and the virtual members of
// the SDK's interfaces (read from the headers with comments and spacing dropped, so
// only code edits count). --check compares it with module_sdk/abi.txt, the record of
// the current SLOWFAST_MODULE_ABI; --write makes that record.
#include <cxxabi.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <typeinfo>
#include <vector>

#include "slowfast/module/module.h"

namespace {
namespace fs = std::filesystem;
using namespace slowfast;

constexpr const char* kWhatToDo =
    "the module ABI changed: bump SLOWFAST_MODULE_ABI in module_sdk/include/slowfast/module/module.h and "
    "update module_sdk/abi.txt";

template <typename T>
std::string type_name() {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name(abi::__cxa_demangle(typeid(T).name(), nullptr, nullptr, &status),
                                                    &std::free);
  return status == 0 ? name.get() : typeid(T).name();
}

// "struct SocketArgs size 48 align 8", then one line per field: "  on @8 slowfast::WaitTarget".
class Layout {
 public:
  explicit Layout(std::vector<std::string>& out) : out_(out) {}

  template <typename T>
  Layout& type(const char* name) {
    out_.push_back(std::string("struct ") + name + " size " + std::to_string(sizeof(T)) + " align " +
                   std::to_string(alignof(T)));
    return *this;
  }
  template <typename T, typename M>
  Layout& field(const char* name, M T::*member) {
    static const T object{};
    auto at = reinterpret_cast<const char*>(&(object.*member)) - reinterpret_cast<const char*>(&object);
    out_.push_back(std::string("  ") + name + " @" + std::to_string(at) + " " + type_name<M>());
    return *this;
  }

 private:
  std::vector<std::string>& out_;
};

void layouts(std::vector<std::string>& out) {
  Layout l(out);
  l.type<SocketArgs>("SocketArgs")
      .field("ssl", &SocketArgs::ssl)
      .field("on", &SocketArgs::on)
      .field("patched_wait", &SocketArgs::patched_wait);
  l.type<Response>("Response")
      .field("page", &Response::page)
      .field("status", &Response::status)
      .field("body", &Response::body)
      .field("body_size", &Response::body_size)
      .field("pool", &Response::pool);
  l.type<WaitTarget>("WaitTarget")
      .field("fd", &WaitTarget::fd)
      .field("io", &WaitTarget::io)
      .field("timeout_s", &WaitTarget::timeout_s)
      .field("deadline_ns", &WaitTarget::deadline_ns)
      .field("interrupt_fd", &WaitTarget::interrupt_fd);
  l.type<SlowfastModuleInfo>("SlowfastModuleInfo")
      .field("abi_version", &SlowfastModuleInfo::abi_version)
      .field("name", &SlowfastModuleInfo::name)
      .field("version", &SlowfastModuleInfo::version)
      .field("summary", &SlowfastModuleInfo::summary)
      .field("install", &SlowfastModuleInfo::install);
  l.type<probe::HostApi>("HostApi")
      .field("size", &probe::HostApi::size)
      .field("active", &probe::HostApi::active)
      .field("enter", &probe::HostApi::enter)
      .field("leave", &probe::HostApi::leave);
  l.type<probe::Frame>("Frame")
      .field("site", &probe::Frame::site)
      .field("parent", &probe::Frame::parent)
      .field("start_ns", &probe::Frame::start_ns)
      .field("child_ns", &probe::Frame::child_ns)
      .field("node", &probe::Frame::node);
  l.type<probe::Site>("Site").field("module", &probe::Site::module).field("name", &probe::Site::name);
  l.type<detail::PromiseBase>("PromiseBase")
      .field("continuation", &detail::PromiseBase::continuation)
      .field("error", &detail::PromiseBase::error)
      .field("running_inline", &detail::PromiseBase::running_inline)
      .field("finished_inline", &detail::PromiseBase::finished_inline);
  l.type<detail::Promise<void>>("Promise<void>");
  l.type<detail::Promise<std::size_t>>("Promise<std::size_t>");
  l.type<detail::Promise<std::string>>("Promise<std::string>");
  out.push_back("using SocketMaker = " + type_name<SocketMaker>());
  out.push_back("using WaitForSocket = " + type_name<WaitForSocket>());
  out.push_back("using ResponseHook = " + type_name<ResponseHook>());
}

// The text without comments, string contents kept.
std::string strip_comments(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool digit_separator = c == '\'' && i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]));
    if ((c == '"' || c == '\'') && !digit_separator) {
      size_t end = i + 1;
      while (end < text.size() && text[end] != c) end += text[end] == '\\' ? 2 : 1;
      out.append(text, i, end - i + 1);
      i = end;
    } else if (text.compare(i, 2, "//") == 0) {
      i = std::min(text.find('\n', i), text.size()) - 1;
    } else if (text.compare(i, 2, "/*") == 0) {
      i = std::min(text.find("*/", i + 2), text.size()) + 1;
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// Every "virtual ...;" of a header, in order, spacing collapsed: a vtable's slots.
void virtuals(const fs::path& header, std::vector<std::string>& out) {
  std::ifstream in(header);
  std::stringstream text;
  text << in.rdbuf();
  std::istringstream words(strip_comments(text.str()));
  std::string statement;
  bool in_virtual = false;
  for (std::string word; words >> word;) {
    if (word == "virtual") in_virtual = true;
    if (!in_virtual) continue;
    statement += (statement.empty() ? "" : " ") + word;
    if (word.find(';') != std::string::npos || word.find('{') != std::string::npos) {
      out.push_back("virtual in " + header.filename().string() + ": " + statement);
      statement.clear();
      in_virtual = false;
    }
  }
}

std::vector<std::string> fingerprint(const fs::path& headers) {
  std::vector<std::string> out = {"abi " + std::to_string(SLOWFAST_MODULE_ABI)};
  layouts(out);
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(headers))
    if (e.path().extension() == ".h") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) virtuals(f, out);
  return out;
}

std::vector<std::string> read_record(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  return lines;
}

void print_difference(const std::vector<std::string>& recorded, const std::vector<std::string>& now) {
  for (const std::string& l : recorded)
    if (std::find(now.begin(), now.end(), l) == now.end()) std::cerr << "  recorded: " << l << "\n";
  for (const std::string& l : now)
    if (std::find(recorded.begin(), recorded.end(), l) == recorded.end()) std::cerr << "  now:      " << l << "\n";
}

int check(const fs::path& record_file, const std::vector<std::string>& now) {
  std::vector<std::string> recorded = read_record(record_file);
  if (recorded == now) return 0;
  if (!recorded.empty() && recorded[0] == now[0])
    std::cerr << kWhatToDo << "\n";
  else
    std::cerr << record_file.string() << " records another SLOWFAST_MODULE_ABI than module.h: update it\n";
  print_difference(recorded, now);
  std::cerr << "(once bumped, rewrite it: build/bin/abi_fingerprint --headers module_sdk/include/slowfast/module "
               "--write module_sdk/abi.txt)\n";
  return 1;
}

// Refuses to record new layouts under the version that recorded others: that is the
// change without its bump this record exists to stop.
int write(const fs::path& record_file, const std::vector<std::string>& now) {
  std::vector<std::string> recorded = read_record(record_file);
  if (!recorded.empty() && recorded[0] == now[0] && recorded != now) {
    std::cerr << kWhatToDo << " (bump first: " << now[0] << " already records other layouts)\n";
    print_difference(recorded, now);
    return 1;
  }
  std::ofstream out(record_file);
  out << "# The module ABI (SLOWFAST_MODULE_ABI) and what it consists of, checked by the unit test\n"
         "# ModuleAbi.MatchesTheRecord (tests/module_sdk). Written by abi_fingerprint --write.\n";
  for (const std::string& l : now) out << l << "\n";
  return out ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() != 4 || args[0] != "--headers" || (args[2] != "--check" && args[2] != "--write")) {
    std::cerr << "usage: abi_fingerprint --headers DIR (--check|--write) FILE\n";
    return 2;
  }
  std::vector<std::string> now = fingerprint(args[1]);
  return args[2] == "--check" ? check(args[3], now) : write(args[3], now);
}
