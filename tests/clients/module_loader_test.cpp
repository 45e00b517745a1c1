// Module files: bad ones are refused in one line naming the file; good ones change
// which socket class the factory makes, whatever order they load in.
#include "uv_nonblocking/module_loader.h"

#include <gtest/gtest.h>

#include "slowfast/temp_dir.h"
#include "uv_nonblocking/socket_factory.h"

namespace slowfast {
namespace {
namespace fs = std::filesystem;

// A fresh directory holding copies of the given files, removed afterwards.
class ModuleDir : public TempDir {
 public:
  explicit ModuleDir(std::initializer_list<fs::path> files) : TempDir("slowfast-modules") {
    for (const fs::path& f : files) fs::copy_file(f, path() / f.filename());
  }
};

const fs::path kModules = SLOWFAST_TEST_MODULE_DIR;
const fs::path kBlockingTls = kModules / "blocking_tls-1.0.so";
const fs::path kShim12 = kModules / "coop_shim-1.2.so";
const fs::path kShimPatched = kModules / "coop_shim-1.2+recv_into.so";
const fs::path kPatchSelect = fs::path(SLOWFAST_TEST_PATCH_SELECT_DIR) / "patch_select-1.0.so";

std::string load_error(const std::vector<fs::path>& path) {
  try {
    load_module_path(path);
  } catch (const ModuleError& e) {
    return e.what();
  }
  return "";
}

TEST(ModuleLoader, TextFileIsNotASharedLibrary) {
  ModuleDir dir({});
  fs::path bad = dir.write("requests-2.28.so", "this is not ELF\n");
  std::string e = load_error({dir.path()});
  EXPECT_NE(e.find("bad module " + bad.string()), std::string::npos) << e;
  EXPECT_NE(e.find("not a loadable shared library"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << "one line";
}

TEST(ModuleLoader, MissingEntryPoint) {
  std::string e = load_error({SLOWFAST_TEST_NO_ENTRY_DIR});
  EXPECT_NE(e.find("no entry point slowfast_module_entry()"), std::string::npos) << e;
}

TEST(ModuleLoader, WrongAbiVersion) {
  std::string e = load_error({SLOWFAST_TEST_WRONG_ABI_DIR});
  std::string expected = "module ABI version " + std::to_string(SLOWFAST_MODULE_ABI + 98) + ", this slowfast needs " +
                         std::to_string(SLOWFAST_MODULE_ABI) + " (rebuild the module)";
  EXPECT_NE(e.find(expected), std::string::npos) << e;
}

TEST(ModuleLoader, MissingDirectory) {
  EXPECT_NE(load_error({"/nonexistent/slowfast"}).find("does not exist"), std::string::npos);
}

TEST(ModuleLoader, TwoVersionsInOneDirectoryConflict) {
  ModuleDir dir({kShim12, kShimPatched});
  EXPECT_NE(load_error({dir.path()}).find("conflicting modules"), std::string::npos);
}

TEST(ModuleLoader, FirstDirectoryOnThePathWins) {
  ModuleDir first({kShimPatched}), second({kShim12});
  ModuleSet set = load_module_path({first.path(), second.path()});
  ASSERT_EQ(set.modules.size(), 1u);
  EXPECT_EQ(set.modules[0].id(), "coop_shim-1.2+recv_into");
  ASSERT_EQ(set.shadowed.size(), 1u);
  EXPECT_EQ(set.shadowed[0].filename(), "coop_shim-1.2.so");
}

TEST(ModuleLoader, SplitsThePathLikePythonpath) {
  EXPECT_EQ(split_module_path("a::b:"), (std::vector<fs::path>{"a", "b"}));
}

std::string tls_class_with(std::initializer_list<fs::path> files) {
  ModuleDir dir(files);
  SocketFactory factory(load_module_path({dir.path()}));
  return factory.tls_class();
}

TEST(SocketFactory, WhatIsInstalledDecidesTheClass) {
  EXPECT_EQ(tls_class_with({}), "NativeTlsSocket");
  EXPECT_EQ(tls_class_with({kBlockingTls}), "BlockingTlsSocket");
  EXPECT_EQ(tls_class_with({kBlockingTls, kShim12}), "CoopShim");
  EXPECT_EQ(tls_class_with({kBlockingTls, kShimPatched}), "CoopShim");
  // gevent_openssl without pyopenssl patches a class nobody makes.
  EXPECT_EQ(tls_class_with({kShim12}), "NativeTlsSocket");
}

TEST(SocketFactory, PatchesApplyWhateverTheLoadOrder) {
  ModuleDir shim({kShim12}), base({kBlockingTls});
  SocketFactory factory(load_module_path({shim.path(), base.path()}));
  EXPECT_EQ(factory.describe_tls(), "CoopShim (coop_shim 1.2, patches BlockingTlsSocket from blocking_tls 1.0)");
  EXPECT_EQ(factory.module_ids(), (std::vector<std::string>{"coop_shim-1.2", "blocking_tls-1.0"}));
}

// Patching the wait changes no class: BlockingTlsSocket stays, only its wait differs.
TEST(SocketFactory, APatchedWaitKeepsTheClassAndSaysWhereTheWaitComesFrom) {
  ModuleDir dir({kBlockingTls, kPatchSelect});
  SocketFactory factory(load_module_path({dir.path()}));
  EXPECT_EQ(factory.tls_class(), "BlockingTlsSocket");
  EXPECT_EQ(factory.describe_tls(), "BlockingTlsSocket (blocking_tls 1.0, wait from patch_select 1.0)");
}

}  // namespace
}  // namespace slowfast
