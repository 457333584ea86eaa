#include "repo/ancestry.h"

#include <algorithm>
#include <unordered_set>

#include "jvs/base/dag_walk.h"

namespace jvs {

namespace {

Result<std::vector<SnapshotId>> Parents(Repo& repo, const SnapshotId& id) {
  JVS_ASSIGN_OR_RETURN(auto snap, repo.ReadSnapshot(id));
  return snap->parents;
}

Result<std::vector<SnapshotId>> AncestorsOf(Repo& repo, const std::vector<SnapshotId>& starts) {
  return ReachableBreadthFirst<SnapshotId, IdHash>(starts, [&repo](const SnapshotId& id) { return Parents(repo, id); });
}

}  // namespace

Result<std::vector<SnapshotId>> CommonAncestorsOf(Repo& repo, const std::vector<SnapshotId>& a,
                                                  const std::vector<SnapshotId>& b) {
  JVS_ASSIGN_OR_RETURN(auto in_a, AncestorsOf(repo, a));
  JVS_ASSIGN_OR_RETURN(auto in_b, AncestorsOf(repo, b));
  std::unordered_set<SnapshotId, IdHash> of_a(in_a.begin(), in_a.end());
  std::vector<SnapshotId> common;
  for (const auto& id : in_b)
    if (of_a.count(id)) common.push_back(id);
  // An ancestor of a common ancestor is common too, and is reached through a
  // parent edge from inside the set: the heads are those no member names as parent.
  std::unordered_set<SnapshotId, IdHash> not_head;
  for (const auto& id : common) {
    JVS_ASSIGN_OR_RETURN(auto parents, Parents(repo, id));
    for (const auto& p : parents) not_head.insert(p);
  }
  std::vector<SnapshotId> heads;
  for (const auto& id : common)
    if (!not_head.count(id)) heads.push_back(id);
  std::sort(heads.begin(), heads.end());
  return heads;
}

Result<bool> IsAncestor(Repo& repo, const SnapshotId& ancestor, const SnapshotId& id) {
  BreadthFirstWalk<SnapshotId, IdHash> walk({id});
  while (auto n = walk.Next()) {
    if (*n == ancestor) return true;
    JVS_ASSIGN_OR_RETURN(auto parents, Parents(repo, *n));
    for (const auto& p : parents) walk.Add(p);
  }
  return false;
}

}  // namespace jvs
