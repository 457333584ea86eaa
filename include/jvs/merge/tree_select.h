// TakePaths: a tree that is `base` except at some paths, where it holds what
// `source` holds (or nothing, where `source` has nothing). The tree algebra
// behind moving part of a snapshot's change (`squash -- PATHS`, `split`). A
// path selects an entry and everything below it; selecting a path below a
// file of `base` turns that file into a folder. Stateless; the Store is the
// caller's.
#pragma once

#include <vector>

#include "jvs/base/repo_path.h"
#include "jvs/store/store.h"

namespace jvs {

// `base` with every path of `paths` (and what is below it) taken from
// `source`. The root path selects everything (the result is `source`).
// Trees are written to the store as needed.
Result<TreeId> TakePaths(Store& store, const TreeId& base, const TreeId& source, const std::vector<RepoPath>& paths);

}  // namespace jvs
