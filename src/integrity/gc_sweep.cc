// Garbage collection, the sweep (`gc run`): takes the repository lock
// exclusively, checks the plan again (gc_plan.cc), then cuts the op log (the
// horizon file first, durably, so every walk of the log stops there), deletes
// the cut operations and their views, then the objects top-down (snapshots,
// trees, blobs), so that a crash never leaves a kept object without its
// children, and publishes one operation recording what was freed. Each step
// has a fault point (`gc.*`). Operations, views and objects are deleted
// through the op store and the store backend.
#include <cstdio>

#include "integrity/gc_internal.h"
#include "jvs/repo/transaction.h"
#include "jvs/base/fault.h"
#include "jvs/base/hash.h"

namespace jvs {

using namespace gc_internal;

namespace {

// The horizon after cutting `cut`: every parent named by an operation that
// stays, when that parent is cut now or was cut before.
std::set<OperationId> NewHorizon(const OpStore& ops_store, const std::map<OperationId, OpFile>& ops,
                                 const std::set<OperationId>& cut) {
  std::set<OperationId> out;
  for (const auto& [id, f] : ops) {
    if (cut.count(id)) continue;  // (a cut operation that is still on disk names nothing)
    for (const auto& p : f.op.parents)
      if (cut.count(p) || ops_store.IsCut(p)) out.insert(p);
  }
  return out;
}

// "12.0 KiB", "3.4 MiB": the size in the description of the gc operation.
std::string FormatBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof(buf), "%llu B", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(buf, sizeof(buf), "%.1f %s", v, units[u]);
  return buf;
}

}  // namespace

Result<GcRunResult> RunGcPlan(Repo& repo, std::string_view plan_id_in) {
  if (repo.read_only())
    return Error(ErrorCode::kRefused, "gc works on the current operation", "drop --at-op");
  Env* env = repo.env();
  // One gc run at a time (two would each wait for the other's shared lock).
  JVS_TRY(env->MkdirAll(GcDir(repo)));
  auto run_lock = env->LockFile(GcDir(repo) / "run.lock", repo.settings().lock_wait);
  if (!run_lock.ok()) {
    if (run_lock.error().code() == ErrorCode::kLocked)
      return Error(ErrorCode::kLocked, "another garbage collection is running", "wait for it to finish");
    return run_lock.error();
  }
  JVS_ASSIGN_OR_RETURN(GcPlan plan, LoadGcPlan(repo, plan_id_in));
  // From here on no other command runs: each holds the shared lock for its
  // whole life, so nothing can reference an object between the check and
  // the deletion.
  JVS_TRY(repo.LockRepositoryExclusive());
  JVS_FAULT("gc.locked");
  JVS_TRY(repo.op_store().LoadHorizon());  // another gc may have run since we opened
  JVS_TRY(repo.Reload());

  JVS_ASSIGN_OR_RETURN(CheckedPlan checked, CheckPlanStillHolds(repo, plan));
  const auto& ops = checked.ops;
  const auto& cut = checked.cut;
  const auto& kept = checked.kept;

  GcRunResult out;
  out.plan_id = plan.plan_id;
  // 1. Cut the op log: the horizon first, durably. From now on every walk of
  //    the log stops there; the cut files below are unreachable garbage.
  // Every operation the plan cuts counts, also one an interrupted run already deleted.
  std::set<OperationId> all_cut(plan.cut_operations.begin(), plan.cut_operations.end());
  std::set<OperationId> horizon = NewHorizon(repo.op_store(), ops, all_cut);
  JVS_FAULT("gc.before_horizon");
  JVS_TRY(repo.op_store().WriteHorizon(horizon));
  JVS_FAULT("gc.after_horizon");
  // 2. The cut operations, then views no kept operation uses.
  for (const auto& id : cut) {
    JVS_FAULT("gc.delete_operation");
    Status st = repo.op_store().DeleteOperation(id);
    if (st.ok())
      ++out.operations_cut;
    else if (st.error().code() != ErrorCode::kNotFound)
      return st.error();
  }
  std::set<ViewId> kept_views{repo.operation().view};
  for (const auto& id : kept) kept_views.insert(ops.at(id).op.view);
  for (const auto& v : plan.cut_views) {
    if (kept_views.count(v)) continue;
    JVS_FAULT("gc.delete_view");
    Status st = repo.op_store().DeleteView(v);
    if (st.ok())
      ++out.views_deleted;
    else if (st.error().code() != ErrorCode::kNotFound)
      return st.error();
  }
  JVS_FAULT("gc.after_op_log");
  // 3. Objects, top-down (the plan lists snapshots, then trees, then blobs):
  //    whatever a crash leaves behind is complete, unreachable garbage.
  std::vector<const GcCandidate*> order;
  for (GcObjectKind k : kKinds)
    for (const auto& c : plan.objects)
      if (c.kind == k) order.push_back(&c);
  Backend& backend = repo.store().backend();
  // The snapshot index (a cache of descriptors, see store/snapshot_index.h)
  // must not keep answering for snapshots deleted below: it goes first and
  // is rebuilt by the next history.
  if (plan.count(GcObjectKind::kSnapshot) > 0) JVS_TRY(repo.store().DropSnapshotIndex());
  ProgressScope progress(repo.settings().progress, "gc", order.size(), plan.reclaimable_bytes);
  for (const GcCandidate* c : order) {
    JVS_FAULT("gc.delete_object");
    auto st = backend.Stat(ToStoreKind(c->kind), c->id);
    if (!st.ok()) {
      if (st.error().code() == ErrorCode::kNotFound) continue;  // an earlier, interrupted run
      return st.error();
    }
    JVS_TRY(backend.Delete(ToStoreKind(c->kind), c->id));
    out.bytes_freed += st->disk_bytes;
    switch (c->kind) {
      case GcObjectKind::kSnapshot:
        ++out.snapshots_deleted;
        break;
      case GcObjectKind::kTree:
        ++out.trees_deleted;
        break;
      case GcObjectKind::kBlob:
        ++out.blobs_deleted;
        break;
    }
    progress.Add(1, st->disk_bytes);
  }
  JVS_FAULT("gc.before_publish");
  // 4. The gc itself is an operation (its view is the current one), unless
  //    it changed nothing on disk.
  //    Expired user pins leave the view here: from now on only the
  //    retention window keeps what they kept.
  View unpinned = repo.view();
  std::erase_if(unpinned.user_pins, [&](const auto& p) { return p.second.Expired(repo.NowNanos()); });
  const size_t expired = repo.view().user_pins.size() - unpinned.user_pins.size();
  const bool changed =
      out.objects_deleted() > 0 || out.operations_cut > 0 || out.views_deleted > 0 || expired > 0;
  if (changed) {
    auto count = [](uint64_t n, const char* what) {
      return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
    };
    std::string desc = "gc: deleted " + count(out.objects_deleted(), "object") + " (" +
                       FormatBytes(out.bytes_freed) + ")";
    if (out.operations_cut) desc += ", cut " + count(out.operations_cut, "operation");
    if (expired) desc += ", dropped " + count(expired, "expired pin");
    Transaction tx(repo);
    if (expired) tx.SetView(std::move(unpinned));
    tx.SetAttribute("gc_plan", plan.plan_id);
    tx.SetAttribute("deleted_snapshots", std::to_string(out.snapshots_deleted));
    tx.SetAttribute("deleted_trees", std::to_string(out.trees_deleted));
    tx.SetAttribute("deleted_blobs", std::to_string(out.blobs_deleted));
    tx.SetAttribute("freed_bytes", std::to_string(out.bytes_freed));
    tx.SetAttribute("cut_operations", std::to_string(out.operations_cut));
    JVS_ASSIGN_OR_RETURN(out.op, tx.Commit(desc));
  }
  JVS_FAULT("gc.after_publish");
  // The plan is used up.
  (void)env->Unlink(GcDir(repo) / plan.plan_id);
  return out;
}

}  // namespace jvs
