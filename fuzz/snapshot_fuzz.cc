// Snapshot descriptors (store/snapshots, JSON): any input decodes or is
// rejected as corrupt, never crashes; an accepted descriptor round-trips:
// its canonical encoding decodes to the same snapshot and re-encodes to the
// same bytes.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "jvs/base/hash.h"
#include "jvs/store/objects.h"

namespace {
bool Same(const jvs::Snapshot& a, const jvs::Snapshot& b) {
  return a.root_terms == b.root_terms && a.parents == b.parents && a.change_id == b.change_id &&
         a.note == b.note && a.created_at == b.created_at && a.worktree == b.worktree &&
         a.author == b.author && a.engine == b.engine;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto snap = jvs::Snapshot::Decode(AsView(data, size));
  if (!snap.ok()) {
    FUZZ_CHECK(snap.error().code() == jvs::ErrorCode::kCorrupt);
    return 0;
  }
  FUZZ_CHECK(snap->change_id.size() == 32);
  FUZZ_CHECK(snap->parents.size() <= 64);
  // A root is one tree (format 1) or an odd count >= 3 of terms (format 2).
  FUZZ_CHECK(snap->root_terms.size() % 2 == 1);
  FUZZ_CHECK(snap->ResolvedTree().ok() == !snap->conflicted());
  const std::string enc = snap->Encode();
  auto back = jvs::Snapshot::Decode(enc);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(Same(*snap, *back));
  FUZZ_CHECK(back->Encode() == enc);
  FUZZ_CHECK(back->ComputeId() == jvs::SnapshotId(jvs::Sha256Of(enc)));
  return 0;
}
