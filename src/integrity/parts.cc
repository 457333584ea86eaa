// The parts of a repository opened for inspection (integrity/parts.h).
#include "integrity/parts.h"

namespace jvs::integrity_internal {

InspectedParts OpenPartsToInspect(Env* env, const fs::path& control) {
  InspectedParts p;
  p.backend = OpenBackendToInspect(env, StoreDir(control));
  p.ops = OpenOpStoreToInspect(env, OpStoreDir(control));
  p.heads = OpenOpHeadsToInspect(env, OpHeadsDir(control));
  return p;
}

std::optional<StoreKind> ToStoreKind(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kBlob:
      return StoreKind::kBlob;
    case ObjectKind::kTree:
      return StoreKind::kTree;
    case ObjectKind::kSnapshot:
      return StoreKind::kSnapshot;
    default:
      return std::nullopt;
  }
}

}  // namespace jvs::integrity_internal
