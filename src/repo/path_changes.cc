// Which snapshots changed a path (see jvs/repo/path_changes.h).
#include "jvs/repo/path_changes.h"

#include "jvs/merge/tree_diff.h"

namespace jvs {

namespace {

Result<bool> TreesDiffer(const TreeGetter& get, const TreeId& from, const TreeId& to, const PathMatch& m) {
  if (from == to) return false;
  JVS_ASSIGN_OR_RETURN(std::vector<TreeChange> changes, DiffTrees(get, from, to, m.prefixes));
  if (!m.predicate) return !changes.empty();
  for (const auto& c : changes)
    if (m.predicate(c.path.str())) return true;
  return false;
}

// Whether `terms` (a snapshot's root, or the sides of its conflict) differ at
// the matched paths from `base` (its parent's).
Result<bool> TermsDiffer(const TreeGetter& get, const std::vector<TreeId>& base, const std::vector<TreeId>& terms,
                         const PathMatch& m) {
  if (base == terms) return false;
  for (const auto& t : terms) {
    JVS_ASSIGN_OR_RETURN(bool d, TreesDiffer(get, base.front(), t, m));
    if (d) return true;
  }
  for (size_t i = 1; i < base.size(); ++i) {
    JVS_ASSIGN_OR_RETURN(bool d, TreesDiffer(get, base[i], terms.front(), m));
    if (d) return true;
  }
  return false;
}

}  // namespace

Result<bool> SnapshotChangesPath(Repo& repo, const Snapshot& snapshot, const PathMatch& match) {
  Store* store = &repo.store();
  TreeGetter get = [store](const TreeId& id) { return store->ReadTree(id); };
  if (snapshot.parents.empty()) return TermsDiffer(get, {EmptyTreeId()}, snapshot.root_terms, match);
  for (const auto& p : snapshot.parents) {
    JVS_ASSIGN_OR_RETURN(auto parent, repo.ReadSnapshot(p));
    JVS_ASSIGN_OR_RETURN(bool d, TermsDiffer(get, parent->root_terms, snapshot.root_terms, match));
    if (!d) return false;
  }
  return true;
}

}  // namespace jvs
