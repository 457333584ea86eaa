#include "jvs/merge/tree_diff.h"

namespace jvs {

namespace {

class Differ {
 public:
  Differ(const TreeGetter& get, const std::vector<RepoPath>& paths) : get_(get), paths_(paths) {}

  // Whether anything at or below `p` can be reported.
  bool Relevant(const RepoPath& p) const {
    if (paths_.empty()) return true;
    for (const auto& f : paths_)
      if (p.StartsWith(f) || f.StartsWith(p)) return true;
    return false;
  }
  bool Selected(const RepoPath& p) const {
    if (paths_.empty()) return true;
    for (const auto& f : paths_)
      if (p.StartsWith(f)) return true;
    return false;
  }

  Status Walk(const RepoPath& dir, const std::optional<TreeId>& a, const std::optional<TreeId>& b) {
    static const Tree kEmpty;
    std::shared_ptr<const Tree> ta, tb;
    if (a) {
      JVS_ASSIGN_OR_RETURN(ta, get_(*a));
    }
    if (b) {
      JVS_ASSIGN_OR_RETURN(tb, get_(*b));
    }
    const auto& ea = ta ? ta->entries : kEmpty.entries;
    const auto& eb = tb ? tb->entries : kEmpty.entries;
    size_t i = 0, j = 0;
    while (i < ea.size() || j < eb.size()) {
      const TreeEntry* x = i < ea.size() ? &ea[i] : nullptr;
      const TreeEntry* y = j < eb.size() ? &eb[j] : nullptr;
      if (x && y && x->name == y->name) {
        ++i, ++j;
        if (x->kind == y->kind && x->id == y->id) continue;
        JVS_TRY(Pair(dir.Join(x->name), x, y));
      } else if (x && (!y || x->name < y->name)) {
        ++i;
        JVS_TRY(Pair(dir.Join(x->name), x, nullptr));
      } else {
        ++j;
        JVS_TRY(Pair(dir.Join(y->name), nullptr, y));
      }
    }
    return OkStatus();
  }

  Status Pair(const RepoPath& p, const TreeEntry* x, const TreeEntry* y) {
    if (!Relevant(p)) return OkStatus();
    bool xt = x && x->kind == EntryKind::kTree;
    bool yt = y && y->kind == EntryKind::kTree;
    if (!xt && !yt) {
      Emit(p, x, y);
      return OkStatus();
    }
    // A file or symlink replaced by a directory (or the reverse) is one change
    // at p (old and new entry), followed by the contents of the directory side.
    bool flip = x && y && xt != yt;
    if (flip) Emit(p, x, y);
    std::optional<TreeId> ta, tb;
    if (xt) ta = TreeId(x->id);
    if (yt) tb = TreeId(y->id);
    size_t before = out.size();
    JVS_TRY(Walk(p, ta, tb));
    // An empty directory appearing or disappearing is a change of its own.
    if (!flip && out.size() == before && ta != tb) {
      bool x_empty = xt && x->id == EmptyTreeId().bytes();
      bool y_empty = yt && y->id == EmptyTreeId().bytes();
      if (x_empty && y_empty) return OkStatus();
      if (x_empty) Emit(p, x, nullptr);
      if (y_empty) Emit(p, nullptr, y);
    }
    return OkStatus();
  }

  void Emit(const RepoPath& p, const TreeEntry* x, const TreeEntry* y) {
    if (!Selected(p)) return;
    TreeChange c;
    c.path = p;
    if (x) c.old_entry = *x;
    if (y) c.new_entry = *y;
    out.push_back(std::move(c));
  }

  std::vector<TreeChange> out;

 private:
  const TreeGetter& get_;
  const std::vector<RepoPath>& paths_;
};

}  // namespace

Result<std::vector<TreeChange>> DiffTrees(const TreeGetter& get, const TreeId& from, const TreeId& to,
                                          const std::vector<RepoPath>& paths) {
  Differ d(get, paths);
  if (from != to) JVS_TRY(d.Walk(RepoPath(), from, to));
  std::stable_sort(d.out.begin(), d.out.end(),
                   [](const TreeChange& a, const TreeChange& b) { return a.path < b.path; });
  return std::move(d.out);
}

Result<std::optional<TreeEntry>> LookupPath(const TreeGetter& get, const TreeId& root, const RepoPath& path) {
  if (path.is_root()) {
    TreeEntry e;
    e.kind = EntryKind::kTree;
    e.id = root.bytes();
    return std::optional<TreeEntry>(e);
  }
  TreeId cur = root;
  auto comps = path.components();
  for (size_t i = 0; i < comps.size(); ++i) {
    JVS_ASSIGN_OR_RETURN(auto tree, get(cur));
    const TreeEntry* e = tree->Find(comps[i]);
    if (!e) return std::optional<TreeEntry>();
    if (i + 1 == comps.size()) return std::optional<TreeEntry>(*e);
    if (e->kind != EntryKind::kTree) return std::optional<TreeEntry>();
    cur = TreeId(e->id);
  }
  return std::optional<TreeEntry>();
}

}  // namespace jvs
