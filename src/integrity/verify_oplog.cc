// Verification, the op-log pass (VerifyAll): the op heads, then breadth-first
// through the operations they reach (oplog/op_walk.h: live parents only, so
// the parents `jvs gc run` cut are legitimately absent), each operation and
// view file re-hashed against its id (the hash links), decoded and required
// in canonical form; every snapshot a view names goes to the object pass.
// Then every operation, view and store object file the heads do not reach is
// walked as unreachable and counted by the census.
// Everything is read and listed through the op heads, the op store and the
// store backend, never by path.
#include <algorithm>

#include "integrity/verify_internal.h"

namespace jvs::verify_internal {

void OpLogPass::LoadHorizon() {
  Status st = s_.ops->LoadHorizon();
  if (!st.ok()) {
    s_.AddOpLogProblem(ObjectKind::kOperation, ProblemType::kMalformed, "", true,
                       "op log horizon: " + st.error().message());
    return;
  }
  horizon_ = s_.ops->horizon();
}

Result<std::vector<OperationId>> OpLogPass::ListHeads() {
  // (Sorted; temp files of a writer are not heads.)
  JVS_ASSIGN_OR_RETURN(std::vector<OperationId> heads, integrity_internal::NoneIfMissing(s_.heads->List()));
  s_.report.oplog.heads = heads.size();
  if (heads.empty())
    s_.AddOpLogProblem(ObjectKind::kOpHead, ProblemType::kMissing, "", true,
                       "op heads: no operation head (the repository has no current operation)");
  return heads;
}

void OpLogPass::WalkOperations(const std::vector<std::pair<OperationId, std::string>>& roots,
                               bool reachable) {
  for (const auto& r : roots)
    if (walk_.Add(r.first)) context_[r.first] = r.second;
  while (auto next = walk_.Next()) {
    OperationId id = *next;
    std::string context = std::move(context_[id]);
    context_.erase(id);
    std::string raw;
    std::string what = "operation " + Short(id.hex());
    auto damage = CheckRaw(s_.ops->ReadOperationBytes(id, kMaxOpObject), id.bytes(), &raw);
    Operation op;
    if (!damage) {
      auto decoded = Operation::Decode(raw);
      if (!decoded.ok())
        damage = MakeDamage(ProblemType::kMalformed, decoded.error().message());
      else if (decoded->Encode() != raw)
        damage = MakeDamage(ProblemType::kMalformed, "not in canonical form");
      else
        op = std::move(decoded).value();
    }
    s_.report.oplog.operations++;
    s_.Tick();
    if (damage) {
      s_.AddOpLogProblem(ObjectKind::kOperation, damage->type, id.hex(), reachable,
                         what + ": " + damage->text + context);
      continue;
    }
    for (const auto& p : walk_.AddParents(op))
      context_[p] = " (parent of operation " + Short(id.hex()) + ")";
    CheckView(op.view, " (view of operation " + Short(id.hex()) + ")", reachable);
  }
}

void OpLogPass::CheckView(const ViewId& id, const std::string& context, bool reachable) {
  if (!s_.views.emplace(id, reachable).second) return;
  std::string raw;
  auto damage = CheckRaw(s_.ops->ReadViewBytes(id, kMaxOpObject), id.bytes(), &raw);
  View view;
  if (!damage) {
    auto decoded = View::Decode(raw);
    if (!decoded.ok())
      damage = MakeDamage(ProblemType::kMalformed, decoded.error().message());
    else if (decoded->Encode() != raw)
      damage = MakeDamage(ProblemType::kMalformed, "not in canonical form");
    else
      view = std::move(decoded).value();
  }
  s_.report.oplog.views++;
  s_.Tick();
  if (damage) {
    s_.AddOpLogProblem(ObjectKind::kView, damage->type, id.hex(), reachable,
                       "view " + Short(id.hex()) + ": " + damage->text + context);
    return;
  }
  std::string from = " (named by view " + Short(id.hex()) + ")";
  for (const auto& snap : view.ReferencedSnapshots()) s_.pending_snapshots.emplace_back(snap, from);
}

// Calls `unreached(id)` for every stored object of `store_kind`, in id
// order; an object for which it returns true is counted by the census.
template <typename Fn>
Status OpLogPass::ForEachStored(StoreKind store_kind, ObjectKind kind, Fn unreached) {
  UnreachableObjects u{kind};
  JVS_ASSIGN_OR_RETURN(std::vector<Digest> ids, s_.backend.List(store_kind));
  std::sort(ids.begin(), ids.end());
  for (const auto& d : ids) {
    if (!unreached(d)) continue;
    s_.Census(&u, ToHex(d.data(), d.size()), [&]() -> Result<uint64_t> {
      JVS_ASSIGN_OR_RETURN(ObjectStat st, s_.backend.Stat(store_kind, d));
      return st.size;
    });
  }
  s_.FinishCensus(std::move(u));
  return OkStatus();
}

Status OpLogPass::WalkUnreachable() {
  JVS_ASSIGN_OR_RETURN(auto op_ids, integrity_internal::NoneIfMissing(s_.ops->ListOperations()));
  std::sort(op_ids.begin(), op_ids.end());
  std::vector<std::pair<OperationId, std::string>> ops;
  UnreachableObjects uo{ObjectKind::kOperation};
  for (const auto& id : op_ids) {
    if (walk_.Seen(id)) continue;
    ops.emplace_back(id, " (no operation head reaches it)");
    s_.Census(&uo, id.hex(), [&]() -> Result<uint64_t> {
      JVS_ASSIGN_OR_RETURN(OpObjectStat st, s_.ops->StatOperation(id));
      return st.size;
    });
  }
  s_.FinishCensus(std::move(uo));
  JVS_ASSIGN_OR_RETURN(auto view_ids, integrity_internal::NoneIfMissing(s_.ops->ListViews()));
  std::sort(view_ids.begin(), view_ids.end());
  UnreachableObjects uv{ObjectKind::kView};
  std::vector<ViewId> views;
  for (const auto& id : view_ids) {
    if (s_.views.count(id)) continue;
    // A view that an unreachable operation names is checked with it.
    views.push_back(id);
    s_.Census(&uv, id.hex(), [&]() -> Result<uint64_t> {
      JVS_ASSIGN_OR_RETURN(OpObjectStat st, s_.ops->StatView(id));
      return st.size;
    });
  }
  s_.FinishCensus(std::move(uv));
  // Snapshots, trees and blobs the walk from the heads did not reach.
  std::vector<std::pair<SnapshotId, std::string>> snaps;
  JVS_TRY(ForEachStored(StoreKind::kSnapshot, ObjectKind::kSnapshot, [&](const Digest& d) {
    SnapshotId id(d);
    if (s_.snaps.count(id)) return false;
    snaps.emplace_back(id, " (no operation reaches it)");
    return true;
  }));
  JVS_TRY(ForEachStored(StoreKind::kTree, ObjectKind::kTree,
                        [&](const Digest& d) { return !s_.trees.count(TreeId(d)); }));
  JVS_TRY(ForEachStored(StoreKind::kBlob, ObjectKind::kBlob,
                        [&](const Digest& d) { return !s_.blobs.count(BlobId(d)); }));
  WalkOperations(ops, false);
  for (const auto& v : views) CheckView(v, " (no operation names it)", false);
  objects_.DrainPendingSnapshots(false);
  for (auto& snap : snaps) s_.pending_snapshots.push_back(std::move(snap));
  objects_.DrainPendingSnapshots(false);
  return OkStatus();
}

}  // namespace jvs::verify_internal
