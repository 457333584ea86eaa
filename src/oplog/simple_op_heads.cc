// SimpleOpHeads: one empty file per head operation in `op_heads/`.
#include <algorithm>

#include "jvs/oplog/simple.h"

namespace jvs {

Status SimpleOpHeads::Create(Env* env, const fs::path& dir) { return env->MkdirAll(dir); }

Result<std::vector<OperationId>> SimpleOpHeads::List() {
  JVS_ASSIGN_OR_RETURN(UniqueFd dfd, env_->Open(dir_, O_RDONLY | O_DIRECTORY));
  JVS_ASSIGN_OR_RETURN(auto entries, env_->ReadDir(dfd.get()));
  std::vector<OperationId> out;
  for (const auto& e : entries) {
    if (e.name.size() != kIdHexLength) continue;  // temp files of a concurrent writer
    auto id = OperationId::FromHex(e.name);
    if (id.ok()) out.push_back(*id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status SimpleOpHeads::Add(const OperationId& new_head) { return env_->WriteFileAtomic(dir_ / new_head.hex(), ""); }

void SimpleOpHeads::RemoveOld(const OperationId& new_head, const std::vector<OperationId>& old_heads) {
  for (const auto& old : old_heads) {
    if (old == new_head) continue;
    (void)env_->Unlink(dir_ / old.hex());
  }
}

Status SimpleOpHeads::Remove(const OperationId& head) { return env_->Unlink(dir_ / head.hex()); }

Status SimpleOpHeads::Sync() {
  JVS_ASSIGN_OR_RETURN(UniqueFd dfd, env_->Open(dir_, O_RDONLY | O_DIRECTORY));
  return env_->Fsync(dfd.get());
}

}  // namespace jvs
