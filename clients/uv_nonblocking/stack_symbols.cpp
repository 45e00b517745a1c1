#include "uv_nonblocking/stack_symbols.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>

namespace slowfast {

namespace {

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// How deep `c` nests a name: template arguments, parameter lists, lambdas' braces.
int nesting(char c) {
  switch (c) {
    case '<': case '(': case '{': case '[': return 1;
    case '>': case ')': case '}': case ']': return -1;
    default: return 0;
  }
}

// Fewer leading underscores first: of the aliases at one address ("__poll", "poll"),
// the public name.
std::size_t underscores(const char* name) { return std::strspn(name, "_"); }

std::string exe_path() {
  std::array<char, 4096> buf{};
  ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string("?");
}

std::string demangle(const char* mangled) {
  int status = 0;
  char* out = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  if (status != 0 || out == nullptr) return mangled;
  std::string name = out;
  std::free(out);
  return name;
}

}  // namespace

std::string short_object_name(std::string_view path) {
  std::string_view name = base_name(path);
  auto so = name.find(".so");
  if (so == std::string_view::npos) return std::string(name);
  // A module's file ends in exactly ".so" after its version: "coop_shim-1.2+recv_into.so".
  // A library's version comes after ".so" ("libc.so.6", "ld-linux-x86-64.so.2").
  if (so + 3 == name.size()) {
    for (std::size_t i = 0; i + 1 < so; ++i)
      if (name[i] == '-' && std::isdigit(static_cast<unsigned char>(name[i + 1]))) return std::string(name.substr(0, i));
  }
  return std::string(name.substr(0, so));
}

std::string short_function_name(std::string_view demangled) {
  std::string name(demangled);
  // Compiler-made copies: g++'s coroutine parts "[clone .actor]", clang's " (.resume)".
  for (const char* tail : {" [clone ", " (."})
    if (auto at = name.find(tail); at != std::string::npos) name.resize(at);
  const std::string anon = "(anonymous namespace)";
  for (auto at = name.find(anon); at != std::string::npos; at = name.find(anon)) name.replace(at, anon.size(), "{anon}");
  // The parameter list: the first '(' outside any nesting, unless it is operator()'s.
  int depth = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (depth == 0 && name[i] == '(' && !(i >= 8 && name.compare(i - 8, 8, "operator") == 0)) {
      name.resize(i);
      break;
    }
    depth += nesting(name[i]);
  }
  // The parts: split at "::" outside any nesting; a template function's return type is
  // what comes before a space outside any nesting. Of the parts, {anon} and slowfast's
  // own namespace are dropped, and of the rest the last two kept.
  std::vector<std::string> parts(1);
  depth = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (depth == 0 && name.compare(i, 2, "::") == 0) {
      parts.emplace_back();
      ++i;
      continue;
    }
    if (depth == 0 && name[i] == ' ' && name.compare(i + 1, 8, "operator") != 0 &&
        !(i >= 8 && name.compare(i - 8, 8, "operator") == 0)) {
      parts.assign(1, "");  // all so far was the return type
      continue;
    }
    depth += nesting(name[i]);
    parts.back() += name[i];
  }
  std::erase(parts, std::string("{anon}"));
  if (parts.size() > 1 && parts[0] == "slowfast") parts.erase(parts.begin());  // ours, every one
  if (parts.empty()) return std::string(demangled);
  std::size_t from = parts.size() > 2 ? parts.size() - 2 : 0;
  std::string out = parts[from];
  for (std::size_t i = from + 1; i < parts.size(); ++i) out += "::" + parts[i];
  return out;
}

StackSymbols::StackSymbols() = default;
StackSymbols::~StackSymbols() = default;

// The functions of `file`'s symbol table (.symtab, else .dynsym). Every offset is
// checked against the file's size: a file that is not what it claims gives no names.
const std::vector<StackSymbols::Function>& StackSymbols::functions_of(const std::string& file) {
  auto found = by_file_.find(file);
  if (found != by_file_.end()) return found->second;
  std::vector<Function>& out = by_file_[file];

  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  struct stat st {};
  void* at = MAP_FAILED;
  const std::size_t size = ::fstat(fd, &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0;
  if (size >= sizeof(ElfW(Ehdr))) at = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (at == MAP_FAILED) return out;
  // Kept mapped while the names are in use (only the pages of the tables are read).
  mappings_.emplace_back(at, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  const char* const base = static_cast<const char*>(at);

  auto fits = [&](std::uint64_t off, std::uint64_t len) { return off <= size && len <= size - off; };
  ElfW(Ehdr) eh;
  std::memcpy(&eh, base, sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != (sizeof(void*) == 8 ? ELFCLASS64 : ELFCLASS32) ||
      eh.e_shentsize != sizeof(ElfW(Shdr)) || !fits(eh.e_shoff, std::uint64_t{eh.e_shnum} * sizeof(ElfW(Shdr))))
    return out;
  auto section = [&](std::size_t i) {
    ElfW(Shdr) sh;
    std::memcpy(&sh, base + eh.e_shoff + i * sizeof sh, sizeof sh);
    return sh;
  };
  for (std::uint32_t type : {SHT_SYMTAB, SHT_DYNSYM}) {
    for (std::size_t i = 0; i < eh.e_shnum && out.empty(); ++i) {
      ElfW(Shdr) syms = section(i);
      if (syms.sh_type != type || syms.sh_link >= eh.e_shnum || syms.sh_entsize != sizeof(ElfW(Sym)) ||
          !fits(syms.sh_offset, syms.sh_size))
        continue;
      ElfW(Shdr) strs = section(syms.sh_link);
      if (!fits(strs.sh_offset, strs.sh_size)) continue;
      for (std::size_t k = 0; k < syms.sh_size / sizeof(ElfW(Sym)); ++k) {
        ElfW(Sym) s;
        std::memcpy(&s, base + syms.sh_offset + k * sizeof s, sizeof s);
        int kind = ELF64_ST_TYPE(s.st_info);  // the same for 32-bit files
        if ((kind != STT_FUNC && kind != STT_GNU_IFUNC) || s.st_shndx == SHN_UNDEF || s.st_size == 0 ||
            s.st_name >= strs.sh_size)
          continue;
        const char* name = base + strs.sh_offset + s.st_name;
        if (strnlen(name, strs.sh_size - s.st_name) == strs.sh_size - s.st_name) continue;  // unterminated
        out.push_back(Function{s.st_value, s.st_value + s.st_size, name});
      }
    }
    if (!out.empty()) break;
  }
  std::sort(out.begin(), out.end(), [](const Function& a, const Function& b) {
    if (a.start != b.start) return a.start < b.start;
    if (underscores(a.name) != underscores(b.name)) return underscores(a.name) < underscores(b.name);
    return std::strcmp(a.name, b.name) < 0;
  });
  out.erase(std::unique(out.begin(), out.end(), [](const Function& a, const Function& b) { return a.start == b.start; }),
            out.end());
  return out;
}

void StackSymbols::warm() {
  std::vector<std::string> files;
  ::dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) {
        const char* name = info->dlpi_name;
        static_cast<std::vector<std::string>*>(out)->push_back(name == nullptr || name[0] == '\0' ? "/proc/self/exe" : name);
        return 0;
      },
      &files);
  for (const std::string& file : files) functions_of(file);
}

std::string StackSymbols::name(const void* addr, bool exact, bool may_read) {
  const auto at = reinterpret_cast<std::uintptr_t>(addr) - (exact ? 0 : 1);
  Dl_info info{};
  link_map* map = nullptr;
  if (::dladdr1(reinterpret_cast<void*>(at), &info, reinterpret_cast<void**>(&map), RTLD_DL_LINKMAP) == 0 ||
      map == nullptr)
    return "? [?]";
  // The main program's link map has no name; its file is /proc/self/exe.
  const bool main_program = map->l_name == nullptr || map->l_name[0] == '\0';
  const std::string file = main_program ? "/proc/self/exe" : std::string(map->l_name);
  const std::string object = short_object_name(main_program ? exe_path() : file);

  std::string mangled;
  static const std::vector<Function> kUnread;
  const std::vector<Function>& fns = may_read || by_file_.contains(file) ? functions_of(file) : kUnread;
  const std::uintptr_t rel = at - map->l_addr;  // symbols hold addresses before relocation
  auto after = std::upper_bound(fns.begin(), fns.end(), rel, [](std::uintptr_t a, const Function& f) { return a < f.start; });
  if (after != fns.begin() && rel < std::prev(after)->end) mangled = std::prev(after)->name;
  else if (info.dli_sname != nullptr) mangled = info.dli_sname;
  if (mangled.empty()) return "? [" + object + "]";
  return short_function_name(demangle(mangled.c_str())) + " [" + object + "]";
}

}  // namespace slowfast
