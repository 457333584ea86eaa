// Evolution of changes (see jvs/repo/evolog.h): the rewrites the op log
// records, read back as edges from each new version to the ones it replaced.
#include "jvs/repo/evolog.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "jvs/base/dag_walk.h"
#include "jvs/base/timeutil.h"
#include "jvs/oplog/op_walk.h"
#include "repo/view_commit.h"

namespace jvs {

namespace {

// What the op log (from the current operation to the horizon) says about
// rewrites.
struct Rewrites {
  std::vector<OpLogEntry> ops;  // newest first
  // New version -> the versions it replaced (newest operation's first).
  std::unordered_map<SnapshotId, std::vector<SnapshotId>, IdHash> replaced;
  // New version -> index in `ops` of the oldest rewrite that produced it.
  std::unordered_map<SnapshotId, size_t, IdHash> created_by;
  // Every snapshot a predecessor map names, as rewritten or as replacement.
  std::unordered_set<SnapshotId, IdHash> named;
};

Result<Rewrites> ReadRewrites(Repo& repo) {
  Rewrites r;
  JVS_ASSIGN_OR_RETURN(r.ops, WalkOpLog(repo.op_store().horizon(), {repo.op_id()}, StoreReader(repo.op_store())));
  SortNewestFirst(&r.ops);
  for (size_t i = 0; i < r.ops.size(); ++i) {
    for (const auto& [old_id, new_ids] : r.ops[i].op.predecessors) {
      r.named.insert(old_id);
      for (const auto& n : new_ids) {
        r.named.insert(n);
        auto& olds = r.replaced[n];
        if (std::find(olds.begin(), olds.end(), old_id) == olds.end()) olds.push_back(old_id);
        r.created_by[n] = i;  // later i: an older operation
      }
    }
  }
  return r;
}

// The snapshot `id`, or null when its object is gone (gc collected it).
Result<std::shared_ptr<const Snapshot>> ReadIfPresent(Repo& repo, const SnapshotId& id) {
  if (!repo.store().HasSnapshot(id)) return std::shared_ptr<const Snapshot>();
  auto s = repo.store().ReadSnapshot(id);
  if (!s.ok() && s.error().code() == ErrorCode::kNotFound) return std::shared_ptr<const Snapshot>();
  return s;
}

Result<std::unordered_set<SnapshotId, IdHash>> VisibleSet(Repo& repo) {
  JVS_ASSIGN_OR_RETURN(std::vector<SnapshotId> all, repo.AllVisibleSnapshots());
  return std::unordered_set<SnapshotId, IdHash>(all.begin(), all.end());
}

}  // namespace

Result<std::vector<EvologEntry>> Evolog(Repo& repo, const SnapshotId& start, const EvologOptions& options) {
  SnapshotIndexScope index_scope(repo);
  JVS_ASSIGN_OR_RETURN(Rewrites rw, ReadRewrites(repo));
  JVS_ASSIGN_OR_RETURN(auto visible, VisibleSet(repo));
  if (!rw.named.count(start) && !repo.store().HasSnapshot(start))
    return Error(ErrorCode::kNotFound,
                 "snapshot " + start.hex().substr(0, 12) + " is not in the store and the operation log does not name it",
                 "give the id of a snapshot that exists, or that a rewrite recorded")
        .WithRemedy(Remedy::kSeeHistory);

  // The versions, breadth-first from `start` along new -> old edges.
  std::vector<EvologEntry> out;
  BreadthFirstWalk<SnapshotId, IdHash> walk({start});
  while (auto id = walk.Next()) {
    EvologEntry e;
    e.id = *id;
    JVS_ASSIGN_OR_RETURN(e.snapshot, ReadIfPresent(repo, *id));
    e.hidden = !visible.count(*id);
    if (auto it = rw.replaced.find(*id); it != rw.replaced.end()) {
      e.predecessors = it->second;
      for (const auto& p : it->second) walk.Add(p);
    }
    out.push_back(std::move(e));
  }

  // Where the log has no rewrite that made a version (the change's first
  // version, made by a snapshot or a merge): the oldest operation whose view
  // names it. Views are read oldest first, only from operations that ended
  // no earlier than the snapshot was made.
  std::unordered_map<SnapshotId, int64_t, IdHash> pending;  // id -> created_at (ns)
  for (const auto& e : out)
    if (!rw.created_by.count(e.id) && e.snapshot) {
      auto t = ParseTimestamp(e.snapshot->created_at);
      pending[e.id] = t.ok() ? *t : INT64_MIN;
    }
  for (size_t k = rw.ops.size(); k-- > 0 && !pending.empty();) {
    const Operation& op = rw.ops[k].op;
    auto end = ParseTimestamp(op.metadata.end_time);
    bool may = !end.ok();
    for (const auto& [id, t] : pending)
      if (may || t <= *end) {
        may = true;
        break;
      }
    if (!may) continue;
    auto view = repo.op_store().ReadView(op.view);
    if (!view.ok()) continue;  // a damaged view only leaves the operation unknown
    for (const auto& id : view->ReferencedSnapshots())
      if (pending.erase(id)) rw.created_by[id] = k;
  }

  // Newest first: by the operation that made each version (BFS order among
  // equals and for versions of unknown origin, which go after the known).
  std::unordered_map<SnapshotId, size_t, IdHash> key;
  for (size_t i = 0; i < out.size(); ++i) {
    auto it = rw.created_by.find(out[i].id);
    if (it != rw.created_by.end()) {
      out[i].op = rw.ops[it->second].id;
      out[i].op_description = rw.ops[it->second].op.metadata.description;
      key[out[i].id] = it->second;
    } else {
      key[out[i].id] = rw.ops.size() + i;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [&key](const EvologEntry& a, const EvologEntry& b) { return key.at(a.id) < key.at(b.id); });
  if (options.limit && out.size() > *options.limit) out.resize(*options.limit);
  return out;
}

Result<std::vector<SnapshotId>> HiddenSnapshots(Repo& repo) {
  JVS_ASSIGN_OR_RETURN(Rewrites rw, ReadRewrites(repo));
  if (rw.named.empty()) return std::vector<SnapshotId>();
  JVS_ASSIGN_OR_RETURN(auto visible, VisibleSet(repo));
  std::vector<SnapshotId> out;
  for (const auto& id : rw.named)
    if (!visible.count(id) && repo.store().HasSnapshot(id)) out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace jvs
