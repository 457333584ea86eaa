#include "test_util.h"

#include "jvs/base/object_id.h"
#include "store/local_backend.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace jvs::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/jvs-test-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = fs::canonical(tmpl);
}

TempDir::~TempDir() {
  if (std::getenv("JVS_KEEP_TEST_DIRS")) return;
  std::error_code ec;
  // Blobs in a store are read-only: make everything writable before removal.
  for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::end(it); it.increment(ec)) {
    if (!it->is_symlink()) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(path_, ec);
}

void WriteFile(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << content;
  if (!f) throw std::runtime_error("cannot write " + p.string());
}

std::string ReadFile(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

fs::path StoreObjectFile(const fs::path& store_dir, std::string_view kind, std::string_view hex) {
  if (kind.size() > 1 && kind.back() == 's') kind.remove_suffix(1);
  StoreKind k = kind == "blob" ? StoreKind::kBlob : kind == "tree" ? StoreKind::kTree : StoreKind::kSnapshot;
  if (kind != "blob" && kind != "tree" && kind != "snapshot")
    throw std::invalid_argument("StoreObjectFile: unknown kind '" + std::string(kind) + "'");
  auto id = DigestFromHex(hex);
  if (!id.ok()) throw std::invalid_argument("StoreObjectFile: not an id: '" + std::string(hex) + "'");
  return LocalBackend(Env::Default(), store_dir).ObjectPath(k, *id);
}

}  // namespace jvs::testing
