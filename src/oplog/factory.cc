// The op store and op heads factories: `op_store/type`, `op_heads.type` ->
// an implementation. The op heads' type file sits beside their folder, not in
// it: that folder holds nothing but head files, so every reader that lists it
// (older jvs versions included) sees heads only.
#include "jvs/base/type_file.h"
#include "jvs/oplog/oplog.h"
#include "jvs/oplog/simple.h"

namespace jvs {

namespace {
constexpr const char* kTypeFile = "type";
fs::path OpHeadsTypeFile(const fs::path& dir) {
  return dir.parent_path() / (dir.filename().string() + ".type");
}

Status CheckKnown(std::string_view name, const std::vector<std::string_view>& known, const char* what) {
  for (auto k : known)
    if (k == name) return OkStatus();
  return Error(ErrorCode::kUnsupported, std::string("unknown ") + what + " '" + std::string(name) + "'");
}
}  // namespace

std::vector<std::string_view> OpStoreNames() { return {SimpleOpStore::kName}; }
std::vector<std::string_view> OpHeadsNames() { return {SimpleOpHeads::kName}; }

fs::path OpStoreDir(const fs::path& control) { return control / "op_store"; }
fs::path OpHeadsDir(const fs::path& control) { return control / "op_heads"; }

Status CreateOpStore(Env* env, const fs::path& dir, std::string_view name) {
  JVS_TRY(CheckKnown(name, OpStoreNames(), "op store"));
  JVS_TRY(SimpleOpStore::Create(env, dir));
  return WriteTypeFile(env, dir / kTypeFile, name);
}

Status CreateOpHeads(Env* env, const fs::path& dir, std::string_view name) {
  JVS_TRY(CheckKnown(name, OpHeadsNames(), "op heads store"));
  JVS_TRY(SimpleOpHeads::Create(env, dir));
  return WriteTypeFile(env, OpHeadsTypeFile(dir), name);
}

Result<std::unique_ptr<OpStore>> OpenOpStore(Env* env, const fs::path& dir, SyncSet* sync_set) {
  // No type file: a repository made before type files existed ("simple").
  JVS_ASSIGN_OR_RETURN(std::string name, ReadTypeFile(env, dir / kTypeFile, OpStoreNames(), kDefaultOpStore));
  (void)name;  // only "simple" so far
  return std::unique_ptr<OpStore>(std::make_unique<SimpleOpStore>(env, dir, sync_set));
}

Result<std::unique_ptr<OpHeads>> OpenOpHeads(Env* env, const fs::path& dir) {
  JVS_ASSIGN_OR_RETURN(std::string name, ReadTypeFile(env, OpHeadsTypeFile(dir), OpHeadsNames(), kDefaultOpHeads));
  (void)name;
  return std::unique_ptr<OpHeads>(std::make_unique<SimpleOpHeads>(env, dir));
}

// Only "simple" so far: whatever the type files say, its layout is the one
// to look at.
std::unique_ptr<OpStore> OpenOpStoreToInspect(Env* env, const fs::path& dir) {
  return std::make_unique<SimpleOpStore>(env, dir);
}

std::unique_ptr<OpHeads> OpenOpHeadsToInspect(Env* env, const fs::path& dir) {
  return std::make_unique<SimpleOpHeads>(env, dir);
}

}  // namespace jvs
