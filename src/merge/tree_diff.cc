#include "jvs/merge/tree_diff.h"

#include <string>

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

  // Walks both trees from `root` with an explicit stack (one frame per
  // directory pair being compared), so a crafted deep tree cannot overflow
  // the call stack; deeper than kMaxTreeDepth is refused.
  Status Walk(const TreeId& from, const TreeId& to) {
    std::vector<Frame> stack;
    JVS_TRY(Push(&stack, RepoPath(), from, to, nullptr, nullptr, false));
    while (!stack.empty()) {
      Frame& f = stack.back();
      const TreeEntry* x = f.i < f.ta->entries.size() ? &f.ta->entries[f.i] : nullptr;
      const TreeEntry* y = f.j < f.tb->entries.size() ? &f.tb->entries[f.j] : nullptr;
      if (!x && !y) {
        Finish(f);
        stack.pop_back();
        continue;
      }
      if (x && y && x->name == y->name) {
        ++f.i, ++f.j;
        if (x->kind == y->kind && x->id == y->id && x->mode == y->mode) continue;
      } else if (x && (!y || x->name < y->name)) {
        ++f.i;
        y = nullptr;
      } else {
        ++f.j;
        x = nullptr;
      }
      RepoPath p = f.dir.Join(x ? x->name : y->name);
      if (!Relevant(p)) continue;
      bool xt = x && x->kind == EntryKind::kTree;
      bool yt = y && y->kind == EntryKind::kTree;
      if (!xt && !yt) {
        Emit(p, x, y);
        continue;
      }
      // A file or symlink replaced by a directory (or the reverse) is one change
      // at p (old and new entry), followed by the contents of the directory side.
      bool flip = x && y && xt != yt;
      if (flip) Emit(p, x, y);
      // A directory whose permission bits change is a change of its own.
      if (xt && yt && x->mode != y->mode) Emit(p, x, y);
      if (stack.size() > kMaxTreeDepth)  // the root frame plus kMaxTreeDepth levels
        return Error(ErrorCode::kUnsupported,
                     "a tree is deeper than " + std::to_string(kMaxTreeDepth) + " levels (at '" +
                         p.str().substr(0, 200) + "...')",
                     "a tree this deep cannot be written to a filesystem; it was crafted or damaged");
      std::optional<TreeId> ta, tb;
      if (xt) ta = TreeId(x->id);
      if (yt) tb = TreeId(y->id);
      JVS_TRY(Push(&stack, std::move(p), ta, tb, xt ? x : nullptr, yt ? y : nullptr, flip));
    }
    return OkStatus();
  }

 private:
  struct Frame {
    RepoPath dir;
    std::shared_ptr<const Tree> ta, tb;  // never null (the empty tree for a missing side)
    size_t i = 0, j = 0;
    // The entries that led here (for the empty-directory rule), unless the root.
    std::optional<TreeEntry> x, y;
    bool flip = false;
    bool root = true;
    size_t before = 0;  // out.size() when the frame was pushed
  };

  Status Push(std::vector<Frame>* stack, RepoPath dir, const std::optional<TreeId>& a,
              const std::optional<TreeId>& b, const TreeEntry* x, const TreeEntry* y, bool flip) {
    static const auto kEmpty = std::make_shared<const Tree>();
    Frame f;
    f.dir = std::move(dir);
    f.ta = kEmpty;
    f.tb = kEmpty;
    if (a) {
      JVS_ASSIGN_OR_RETURN(f.ta, get_(*a));
    }
    if (b) {
      JVS_ASSIGN_OR_RETURN(f.tb, get_(*b));
    }
    f.root = !stack->empty() ? false : true;
    if (x) f.x = *x;
    if (y) f.y = *y;
    f.flip = flip;
    f.before = out.size();
    stack->push_back(std::move(f));
    return OkStatus();
  }

  // After a directory pair: an empty directory appearing or disappearing is a
  // change of its own.
  void Finish(const Frame& f) {
    if (f.root || f.flip || out.size() != f.before) return;
    std::optional<TreeId> ta, tb;
    if (f.x) ta = TreeId(f.x->id);
    if (f.y) tb = TreeId(f.y->id);
    if (ta == tb) return;
    bool x_empty = f.x && f.x->id == EmptyTreeId().bytes();
    bool y_empty = f.y && f.y->id == EmptyTreeId().bytes();
    if (x_empty && y_empty) return;
    const TreeEntry* x = f.x ? &*f.x : nullptr;
    const TreeEntry* y = f.y ? &*f.y : nullptr;
    if (x_empty) Emit(f.dir, x, nullptr);
    if (y_empty) Emit(f.dir, nullptr, y);
  }

 public:
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
  if (from != to) JVS_TRY(d.Walk(from, to));
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
