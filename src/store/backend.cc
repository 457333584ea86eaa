// The backend factory: `.jvs/store/type` -> an implementation.
#include "jvs/store/backend.h"

#include "jvs/base/type_file.h"
#include "store/local_backend.h"

namespace jvs {

std::string_view StoreKindName(StoreKind kind) {
  switch (kind) {
    case StoreKind::kBlob: return "blob";
    case StoreKind::kTree: return "tree";
    case StoreKind::kSnapshot: return "snapshot";
  }
  return "object";
}

std::vector<std::string_view> BackendNames() { return {LocalBackend::kName}; }

fs::path StoreDir(const fs::path& control) { return control / "store"; }
fs::path BackendTypePath(const fs::path& dir) { return dir / "type"; }

Status CreateBackend(Env* env, const fs::path& dir, std::string_view name) {
  if (name != LocalBackend::kName)
    return Error(ErrorCode::kUnsupported, "unknown store backend '" + std::string(name) + "'");
  JVS_TRY(LocalBackend::Create(env, dir));
  return WriteTypeFile(env, BackendTypePath(dir), name);
}

Result<std::unique_ptr<Backend>> OpenBackend(Env* env, const fs::path& dir) {
  // Every repository has had store/type since the first format: no default.
  JVS_ASSIGN_OR_RETURN(std::string name, ReadTypeFile(env, BackendTypePath(dir), BackendNames(), std::nullopt));
  (void)name;  // only "local" so far
  auto local = std::make_unique<LocalBackend>(env, dir);
  local->RecreateTempFolder();
  return std::unique_ptr<Backend>(std::move(local));
}

std::unique_ptr<Backend> OpenBackendToInspect(Env* env, const fs::path& dir) {
  // Only "local" so far: whatever the type file says, the local layout is
  // the one to look at.
  return std::make_unique<LocalBackend>(env, dir);
}

}  // namespace jvs
