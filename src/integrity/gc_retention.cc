// Garbage collection, retention: which operations of the op log gc keeps.
// The operation files on disk are loaded once (LoadOps); the log is walked
// from the current operation with the op-log walks of oplog/op_walk.h (which
// stop at the horizon a previous gc cut), newest first as `jvs op log` lists
// it; the retention window keeps the newest N, those of the last D days and
// every operation between the head and one of those, so the kept log stays
// connected. Whatever is not retained (and every unreachable operation file
// older than the grace period) is cut by the plan (gc_plan.cc).
#include <algorithm>

#include "integrity/gc_internal.h"
#include "jvs/base/timeutil.h"
#include "jvs/oplog/op_walk.h"

namespace jvs::gc_internal {

namespace {

// Reads operations from the files gc loaded; one that is not there is damage.
OpReader LoadedReader(const std::map<OperationId, OpFile>& ops) {
  return [&ops](const OperationId& id) -> Result<Operation> {
    auto it = ops.find(id);
    if (it == ops.end())
      return Error(ErrorCode::kCorrupt,
                   "cannot collect garbage: operation " + id.hex().substr(0, 12) +
                       " of the op log is missing",
                   "")
          .WithRemedy(Remedy::kInspectRepository);
    return it->second.op;
  };
}

}  // namespace

Result<std::map<OperationId, OpFile>> LoadOps(Repo& repo) {
  std::map<OperationId, OpFile> out;
  JVS_ASSIGN_OR_RETURN(auto ids, repo.op_store().ListOperations());
  for (const auto& id : ids) {
    auto st = repo.op_store().StatOperation(id);
    if (!st.ok()) {
      if (st.error().code() == ErrorCode::kNotFound) continue;
      return st.error();
    }
    auto op = repo.op_store().ReadOperation(id);
    if (!op.ok())
      return Error(op.error().code(), "cannot collect garbage: " + op.error().message(),
                   "the op log is damaged")
          .WithRemedy(Remedy::kInspectRepositoryFirst);
    out.emplace(id, OpFile{std::move(op).value(), st->mtime_ns, st->disk_bytes});
  }
  return out;
}

Result<std::vector<OperationId>> ReachableOps(Repo& repo,
                                              const std::map<OperationId, OpFile>& ops) {
  JVS_ASSIGN_OR_RETURN(std::vector<OpLogEntry> log,
                       WalkOpLog(repo.op_store().horizon(), {repo.op_id()}, LoadedReader(ops)));
  SortNewestFirst(&log);
  std::vector<OperationId> sorted;
  sorted.reserve(log.size());
  for (const auto& e : log) sorted.push_back(e.id);
  return sorted;
}

// The head, the newest keep_last, those that ended within keep_days, the
// newest of each of the keep_daily latest days, and
// every operation between the head and one of those.
Result<std::set<OperationId>> Retain(Repo& repo, const std::map<OperationId, OpFile>& ops,
                                     const std::vector<OperationId>& reachable,
                                     std::optional<int64_t> keep_days,
                                     std::optional<int64_t> keep_last, std::optional<int64_t> keep_daily,
                                     int64_t now_ns) {
  std::set<OperationId> chosen{repo.op_id()};
  std::set<int64_t> days;  // keep_daily: the UTC days whose newest operation is kept
  for (size_t i = 0; i < reachable.size(); ++i) {
    const auto& id = reachable[i];
    bool keep = false;
    if (keep_last && static_cast<int64_t>(i) < *keep_last) keep = true;
    if (keep_days) {
      auto end = ParseTimestamp(ops.at(id).op.metadata.end_time);
      // An unreadable time is kept: never cut what cannot be judged.
      if (!end.ok() || *end >= now_ns - *keep_days * kNanosPerDay) keep = true;
    }
    if (keep_daily) {
      auto end = ParseTimestamp(ops.at(id).op.metadata.end_time);
      if (!end.ok()) {
        keep = true;
      } else {
        const int64_t day = *end >= 0 ? *end / kNanosPerDay : (*end - kNanosPerDay + 1) / kNanosPerDay;
        if (!days.count(day) && static_cast<int64_t>(days.size()) < *keep_daily) {
          days.insert(day);
          keep = true;
        }
      }
    }
    if (keep) chosen.insert(id);
  }
  // retained(X) = chosen(X) or some live parent of X is retained: evaluate
  // parents before children.
  const std::set<OperationId>& horizon = repo.op_store().horizon();
  JVS_ASSIGN_OR_RETURN(std::vector<OperationId> order,
                       OpsParentsFirst(horizon, {repo.op_id()}, LoadedReader(ops)));
  std::set<OperationId> retained;
  for (const auto& id : order) {
    bool keep = chosen.count(id) > 0;
    for (const auto& p : LiveParents(horizon, ops.at(id).op))
      if (retained.count(p)) keep = true;
    if (keep) retained.insert(id);
  }
  return retained;
}

}  // namespace jvs::gc_internal
