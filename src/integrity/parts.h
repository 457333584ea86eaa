// The parts of a repository (store backend, op store, op heads) as verify and
// doctor see them: opened without the checks of Repo::Open (they must look
// inside a repository it refuses), so that every path and listing comes from
// the parts themselves and integrity/ knows no folder layout. Private to the
// integrity layer; used by one thread (the parts themselves are thread-safe).
#pragma once

#include <memory>
#include <vector>

#include "jvs/integrity/verify.h"
#include "jvs/oplog/oplog.h"
#include "jvs/store/backend.h"

namespace jvs::integrity_internal {

struct InspectedParts {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<OpStore> ops;
  std::unique_ptr<OpHeads> heads;
};
// The parts of the repository whose control folder is `control` (`.jvs`).
InspectedParts OpenPartsToInspect(Env* env, const fs::path& control);

// A listing, or none when its folder does not exist.
template <typename T>
Result<std::vector<T>> NoneIfMissing(Result<std::vector<T>> listed) {
  if (!listed.ok() && listed.error().code() == ErrorCode::kNotFound) return std::vector<T>{};
  return listed;
}

// The store kind of a blob, tree or snapshot (other kinds: nullopt).
std::optional<StoreKind> ToStoreKind(ObjectKind kind);

}  // namespace jvs::integrity_internal
