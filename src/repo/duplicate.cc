// Duplicate (jvs/repo/duplicate.h): the copies, parents first, published as
// new heads in one plain transaction.
#include "jvs/repo/duplicate.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "repo/view_commit.h"

namespace jvs {

namespace {

std::string Short(const SnapshotId& id) { return id.hex().substr(0, 12); }

}  // namespace

Result<DuplicateOutcome> Duplicate(Workspace& ws, const std::vector<SnapshotId>& targets,
                                   const std::vector<SnapshotId>& destinations) {
  Repo& repo = ws.repo();
  std::vector<SnapshotId> set;
  for (const auto& t : targets)
    if (std::find(set.begin(), set.end(), t) == set.end()) set.push_back(t);
  if (set.empty()) return Error(ErrorCode::kInvalidArgument, "nothing to duplicate", "name the snapshots to copy");
  for (const auto& d : destinations)
    if (std::find(set.begin(), set.end(), d) != set.end())
      return Error(ErrorCode::kRefused, "cannot duplicate snapshot " + Short(d) + " onto itself",
                   "choose a destination outside the snapshots copied");
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo.LockWorktree(ws.name()));
  JVS_TRY(repo.Reload());
  // Parents first among the copied snapshots (Kahn's order, stable).
  std::map<SnapshotId, std::shared_ptr<const Snapshot>> snaps;
  for (const auto& id : set) {
    JVS_ASSIGN_OR_RETURN(auto s, repo.ReadSnapshot(id));
    snaps[id] = std::move(s);
  }
  std::map<SnapshotId, int> pending;
  std::map<SnapshotId, std::vector<SnapshotId>> children;
  for (const auto& id : set)
    for (const auto& p : snaps[id]->parents)
      if (snaps.count(p)) {
        ++pending[id];
        children[p].push_back(id);
      }
  std::deque<SnapshotId> ready;
  for (const auto& id : set)
    if (!pending[id]) ready.push_back(id);
  std::vector<SnapshotId> order;
  while (!ready.empty()) {
    SnapshotId id = ready.front();
    ready.pop_front();
    order.push_back(id);
    for (const auto& c : children[id])
      if (--pending[c] == 0) ready.push_back(c);
  }
  DuplicateOutcome out;
  std::map<SnapshotId, SnapshotId> copy_of;
  std::vector<SnapshotId> heads, replaced;
  for (const auto& id : order) {
    const Snapshot& old = *snaps[id];
    std::vector<SnapshotId> parents;
    bool outside = false;
    for (const auto& p : old.parents) {
      if (auto it = copy_of.find(p); it != copy_of.end()) {
        if (std::find(parents.begin(), parents.end(), it->second) == parents.end()) parents.push_back(it->second);
      } else {
        outside = true;
      }
    }
    // Parents outside the copied set: the destinations when given, else the originals'.
    if (outside || old.parents.empty()) {
      const std::vector<SnapshotId>& base = destinations.empty() ? old.parents : destinations;
      for (const auto& p : base)
        if (!copy_of.count(p) && std::find(parents.begin(), parents.end(), p) == parents.end()) parents.push_back(p);
    }
    Snapshot s;
    if (destinations.empty()) {
      s = old;
      s.parents = parents;  // the same trees: the parents are copies of the same trees
    } else {
      JVS_ASSIGN_OR_RETURN(s, RewriteOnto(repo, old, parents));
    }
    s.change_id = repo.NewChangeId();
    JVS_ASSIGN_OR_RETURN(SnapshotId nid, repo.store().WriteSnapshot(s));
    copy_of[id] = nid;
    out.copies.push_back({id, nid, s.conflicted()});
    heads.push_back(nid);
    replaced.insert(replaced.end(), parents.begin(), parents.end());
  }
  ViewUpdate u;
  u.description = "duplicate " + Short(order.front());
  if (order.size() > 1) u.description += " and " + std::to_string(order.size() - 1) + " more";
  if (!destinations.empty()) u.description += " onto " + Short(destinations.front());
  std::string ids;
  for (const auto& c : out.copies) ids += (ids.empty() ? "" : ",") + c.old_id.hex();
  u.attributes["duplicated"] = ids;
  u.make_view = [heads, replaced](View v) -> Result<View> {
    // A copy that is the parent of another copy is not a head.
    std::vector<SnapshotId> new_heads;
    for (const auto& h : heads)
      if (std::find(replaced.begin(), replaced.end(), h) == replaced.end()) new_heads.push_back(h);
    AddHeads(&v, new_heads, replaced);
    return v;
  };
  JVS_ASSIGN_OR_RETURN(out.op, CommitWithoutFiles(repo, u));
  return out;
}

}  // namespace jvs
