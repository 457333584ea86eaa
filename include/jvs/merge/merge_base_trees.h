// The virtual merge base of several common ancestors (criss-cross
// histories): the ancestors' root trees merged with each other, recursively,
// as Jujutsu merges the trees of several parents. Conflicts between the
// ancestors are kept as terms of the result (a Merge<TreeId> stacks: that is
// what Flatten is for), so a merge against this base still sees every side.
//
// The graph is the caller's: `common_ancestors` answers for two sets of
// snapshots (the repo layer's DAG walk). A plain function of its arguments.
#pragma once

#include <functional>
#include <vector>

#include "jvs/base/object_id.h"
#include "jvs/base/result.h"
#include "jvs/merge/merge.h"
#include "jvs/merge/tree_merge.h"
#include "jvs/store/store.h"

namespace jvs {

// The common ancestors of `a` and `b` (the heads of their common history),
// in a stable order.
using CommonAncestors = std::function<Result<std::vector<SnapshotId>>(
    const std::vector<SnapshotId>& a, const std::vector<SnapshotId>& b)>;

// The recursion of MergeBaseTrees stops this deep (a crafted history); below
// it, the ancestors' trees are stacked against the empty tree unmerged.
inline constexpr int kMaxMergeBaseDepth = 32;

// The tree to merge against when the sides have `ancestors` in common: none,
// the empty tree; one, its root; several, folded left to right: each next
// ancestor merged into the result so far against the virtual base of the two
// (found through `common_ancestors`, recursively). Simplified.
Result<Merge<TreeId>> MergeBaseTrees(Store& store, const std::vector<SnapshotId>& ancestors,
                                     const CommonAncestors& common_ancestors,
                                     const ContentMerger& merge_files,
                                     TreeMergeStats* stats = nullptr);

}  // namespace jvs
