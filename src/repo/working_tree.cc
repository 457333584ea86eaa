#include "repo/working_tree.h"

#include "jvs/merge/merge_base_trees.h"
#include "jvs/repo/workspace.h"
#include "repo/ancestry.h"

namespace jvs {

Result<TreeId> WorkingTreeOf(Repo& repo, const Snapshot& snapshot) {
  if (!snapshot.conflicted()) return snapshot.root_terms[0];
  JVS_ASSIGN_OR_RETURN(MaterializedTree m,
                       MaterializeTree(repo.store(), SnapshotRoot(snapshot), repo.settings().conflict_style));
  return m.tree;
}

Result<TreeId> WorkingTreeOf(Repo& repo, const std::optional<SnapshotId>& snapshot) {
  if (!snapshot) return EmptyTreeId();
  JVS_ASSIGN_OR_RETURN(auto snap, repo.ReadSnapshot(*snapshot));
  return WorkingTreeOf(repo, *snap);
}

Result<TreeId> MaterializedTreeOf(Repo& repo, const SnapshotId& id) {
  return WorkingTreeOf(repo, std::optional<SnapshotId>(id));
}

Result<TreeId> ParentsTreeOf(Repo& repo, const Snapshot& snapshot) {
  if (snapshot.parents.empty()) return EmptyTreeId();
  Repo* r = &repo;
  const CommonAncestors common = [r](const std::vector<SnapshotId>& a, const std::vector<SnapshotId>& b) {
    return CommonAncestorsOf(*r, a, b);
  };
  JVS_ASSIGN_OR_RETURN(Merge<TreeId> merged, MergeBaseTrees(repo.store(), snapshot.parents, common,
                                                            TextContentMerger(repo.store())));
  if (auto resolved = merged.as_resolved()) return *resolved;
  JVS_ASSIGN_OR_RETURN(MaterializedTree m, MaterializeTree(repo.store(), merged, repo.settings().conflict_style));
  return m.tree;
}

Result<Merge<TreeId>> RecordedRoot(Repo& repo, const std::optional<SnapshotId>& base, const TreeId& scanned) {
  if (!base) return Merge<TreeId>(scanned);
  JVS_ASSIGN_OR_RETURN(auto snap, repo.ReadSnapshot(*base));
  if (!snap->conflicted()) return Merge<TreeId>(scanned);
  return RecordWorkingTree(repo.store(), SnapshotRoot(*snap), scanned);
}

}  // namespace jvs
