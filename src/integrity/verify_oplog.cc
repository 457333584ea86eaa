// Verification, the op-log pass (VerifyAll): the op heads, then breadth-first
// through the operations they reach (oplog/op_walk.h: live parents only, so
// the parents `jvs gc run` cut are legitimately absent), each operation and
// view file re-hashed against its id (the hash links), decoded and required
// in canonical form; every snapshot a view names goes to the object pass.
// Then every operation, view and store object file the heads do not reach is
// walked as unreachable and counted by the census.
// Store-layout code: WalkOperations and CheckView (`op_store/operations/<id>`,
// `op_store/views/<id>`), ListHeads (`op_heads/`), WalkUnreachable and
// ForEachStored (`store/<kind>s/<2>/<62>`).
#include "integrity/verify_internal.h"
#include "jvs/oplog/simple.h"

namespace jvs::verify_internal {

void OpLogPass::LoadHorizon() {
  SimpleOpStore store(s_.env, s_.ops_dir);
  Status st = store.LoadHorizon();
  if (!st.ok()) {
    s_.AddOpLogProblem(ObjectKind::kOperation, ProblemType::kMalformed, "", true,
                       "op log horizon: " + st.error().message());
    return;
  }
  horizon_ = store.horizon();
}

Result<std::vector<OperationId>> OpLogPass::ListHeads() {
  JVS_ASSIGN_OR_RETURN(auto names, s_.ListNames(s_.control / "op_heads"));
  std::vector<OperationId> heads;
  for (const auto& n : names) {
    if (!IsLowerHexId(n)) continue;  // temp files of a writer
    auto id = OperationId::FromHex(n);
    if (id.ok()) heads.push_back(*id);
  }
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
    auto damage =
        ReadRaw(s_.env, s_.ops_dir / "operations" / id.hex(), id.bytes(), kMaxOpObject, &raw);
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
  auto damage = ReadRaw(s_.env, s_.ops_dir / "views" / id.hex(), id.bytes(), kMaxOpObject, &raw);
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

// Calls `unreached(id)` for every object file of `kind` in the store; an
// object for which it returns true is counted by the census.
template <typename Fn>
Status OpLogPass::ForEachStored(const char* dir, ObjectKind kind, Fn unreached) {
  UnreachableObjects u{kind};
  JVS_ASSIGN_OR_RETURN(auto fans, s_.ListNames(s_.store / dir));
  for (const auto& fan : fans) {
    if (fan.size() != 2) continue;
    JVS_ASSIGN_OR_RETURN(auto names, s_.ListNames(s_.store / dir / fan));
    for (const auto& n : names) {
      std::string hex = fan + n;
      if (!IsLowerHexId(hex)) continue;
      auto d = DigestFromHex(hex);
      if (!d.ok() || !unreached(*d)) continue;
      s_.Census(&u, hex, s_.store / dir / fan / n);
    }
  }
  s_.FinishCensus(std::move(u));
  return OkStatus();
}

Status OpLogPass::WalkUnreachable() {
  JVS_ASSIGN_OR_RETURN(auto op_names, s_.ListNames(s_.ops_dir / "operations"));
  std::vector<std::pair<OperationId, std::string>> ops;
  UnreachableObjects uo{ObjectKind::kOperation};
  for (const auto& n : op_names) {
    if (!IsLowerHexId(n)) continue;
    auto id = OperationId::FromHex(n);
    if (!id.ok() || walk_.Seen(*id)) continue;
    ops.emplace_back(*id, " (no operation head reaches it)");
    s_.Census(&uo, n, s_.ops_dir / "operations" / n);
  }
  s_.FinishCensus(std::move(uo));
  JVS_ASSIGN_OR_RETURN(auto view_names, s_.ListNames(s_.ops_dir / "views"));
  UnreachableObjects uv{ObjectKind::kView};
  std::vector<ViewId> views;
  for (const auto& n : view_names) {
    if (!IsLowerHexId(n)) continue;
    auto id = ViewId::FromHex(n);
    if (!id.ok() || s_.views.count(*id)) continue;
    // A view that an unreachable operation names is checked with it.
    views.push_back(*id);
    s_.Census(&uv, n, s_.ops_dir / "views" / n);
  }
  s_.FinishCensus(std::move(uv));
  // Snapshots, trees and blobs the walk from the heads did not reach.
  std::vector<std::pair<SnapshotId, std::string>> snaps;
  JVS_TRY(ForEachStored("snapshots", ObjectKind::kSnapshot, [&](const Digest& d) {
    SnapshotId id(d);
    if (s_.snaps.count(id)) return false;
    snaps.emplace_back(id, " (no operation reaches it)");
    return true;
  }));
  JVS_TRY(ForEachStored("trees", ObjectKind::kTree,
                        [&](const Digest& d) { return !s_.trees.count(TreeId(d)); }));
  JVS_TRY(ForEachStored("blobs", ObjectKind::kBlob,
                        [&](const Digest& d) { return !s_.blobs.count(BlobId(d)); }));
  WalkOperations(ops, false);
  for (const auto& v : views) CheckView(v, " (no operation names it)", false);
  objects_.DrainPendingSnapshots(false);
  for (auto& snap : snaps) s_.pending_snapshots.push_back(std::move(snap));
  objects_.DrainPendingSnapshots(false);
  return OkStatus();
}

}  // namespace jvs::verify_internal
