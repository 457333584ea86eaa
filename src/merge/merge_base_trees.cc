#include "jvs/merge/merge_base_trees.h"

#include <utility>

namespace jvs {

namespace {

Result<Merge<TreeId>> RootOf(Store& store, const SnapshotId& id) {
  JVS_ASSIGN_OR_RETURN(auto snap, store.ReadSnapshot(id));
  return SnapshotRoot(*snap);
}

// Recursion over criss-cross levels: `depth` bounds it (each level is one
// more layer of merges of merge bases, a handful in real histories).
Result<Merge<TreeId>> MergeBase(Store& store, const std::vector<SnapshotId>& ancestors,
                                const CommonAncestors& common, const ContentMerger& merge_files,
                                TreeMergeStats* stats, int depth) {
  if (ancestors.empty()) return Merge<TreeId>(EmptyTreeId());
  JVS_ASSIGN_OR_RETURN(Merge<TreeId> acc, RootOf(store, ancestors[0]));
  std::vector<SnapshotId> seen{ancestors[0]};
  for (size_t i = 1; i < ancestors.size(); ++i) {
    JVS_ASSIGN_OR_RETURN(Merge<TreeId> next, RootOf(store, ancestors[i]));
    Merge<TreeId> base(EmptyTreeId());
    if (depth < kMaxMergeBaseDepth) {
      JVS_ASSIGN_OR_RETURN(std::vector<SnapshotId> bases, common(seen, {ancestors[i]}));
      JVS_ASSIGN_OR_RETURN(base, MergeBase(store, bases, common, merge_files, stats, depth + 1));
    }
    auto stacked = Merge<Merge<TreeId>>::ThreeWay(std::move(base), std::move(acc), std::move(next));
    JVS_ASSIGN_OR_RETURN(acc, MergeTrees(store, stacked.Flatten(), merge_files, stats));
    seen.push_back(ancestors[i]);
  }
  return acc.Simplify();
}

}  // namespace

Result<Merge<TreeId>> MergeBaseTrees(Store& store, const std::vector<SnapshotId>& ancestors,
                                     const CommonAncestors& common_ancestors,
                                     const ContentMerger& merge_files, TreeMergeStats* stats) {
  return MergeBase(store, ancestors, common_ancestors, merge_files, stats, 0);
}

}  // namespace jvs
