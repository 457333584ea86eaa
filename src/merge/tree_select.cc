// TakePaths (jvs/merge/tree_select.h): one walk down the selected paths,
// rewriting only the trees on the way.
#include "jvs/merge/tree_select.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

namespace jvs {

namespace {

// The selected paths as a trie: `whole` takes the entry as `source` has it.
struct Selection {
  bool whole = false;
  std::map<std::string, Selection, std::less<>> below;
};

struct Taker {
  Store& store;

  Result<std::shared_ptr<const Tree>> TreeOf(const std::optional<TreeEntry>& e) {
    if (!e || e->kind != EntryKind::kTree) return std::make_shared<const Tree>();
    return store.ReadTree(TreeId(e->id));
  }

  // The entry that replaces `b` (base) given `s` (source) and `sel`.
  Result<std::optional<TreeEntry>> Take(const std::optional<TreeEntry>& b, const std::optional<TreeEntry>& s,
                                        const Selection& sel, const std::string& name) {
    if (sel.whole) {
      if (!s) return std::optional<TreeEntry>();
      TreeEntry e = *s;
      e.name = name;
      return std::optional<TreeEntry>(std::move(e));
    }
    JVS_ASSIGN_OR_RETURN(auto bt, TreeOf(b));
    JVS_ASSIGN_OR_RETURN(auto st, TreeOf(s));
    std::vector<TreeEntry> entries = bt->entries;
    bool changed = false;
    for (const auto& [child, child_sel] : sel.below) {
      std::optional<TreeEntry> bc, sc;
      if (const TreeEntry* e = bt->Find(child)) bc = *e;
      if (const TreeEntry* e = st->Find(child)) sc = *e;
      JVS_ASSIGN_OR_RETURN(std::optional<TreeEntry> nc, Take(bc, sc, child_sel, child));
      if (nc == bc) continue;
      changed = true;
      auto it = std::lower_bound(entries.begin(), entries.end(), child,
                                 [](const TreeEntry& e, const std::string& n) { return e.name < n; });
      const bool present = it != entries.end() && it->name == child;
      if (nc) {
        if (present) {
          *it = std::move(*nc);
        } else {
          entries.insert(it, std::move(*nc));
        }
      } else if (present) {
        entries.erase(it);
      }
    }
    if (!changed && (!b || b->kind == EntryKind::kTree)) return b;
    if (!changed && entries.empty()) return b;  // a file kept: nothing selected below it exists
    Tree t;
    t.entries = std::move(entries);
    JVS_ASSIGN_OR_RETURN(TreeId id, store.WriteTree(t));
    TreeEntry e;
    e.name = name;
    e.kind = EntryKind::kTree;
    e.id = id.bytes();
    e.size = t.TotalSize();
    if (b && b->kind == EntryKind::kTree) {
      e.mode = b->mode;
    } else if (s && s->kind == EntryKind::kTree) {
      e.mode = s->mode;
    }
    return std::optional<TreeEntry>(std::move(e));
  }
};

}  // namespace

Result<TreeId> TakePaths(Store& store, const TreeId& base, const TreeId& source, const std::vector<RepoPath>& paths) {
  Selection root;
  for (const auto& p : paths) {
    Selection* node = &root;
    for (std::string_view c : p.components()) {
      if (node->whole) break;
      node = &node->below[std::string(c)];
    }
    node->whole = true;
    node->below.clear();
  }
  TreeEntry b, s;
  b.kind = s.kind = EntryKind::kTree;
  b.id = base.bytes();
  s.id = source.bytes();
  Taker taker{store};
  JVS_ASSIGN_OR_RETURN(std::optional<TreeEntry> out, taker.Take(b, s, root, ""));
  if (!out) return EmptyTreeId();
  if (out->kind != EntryKind::kTree) return base;
  return TreeId(out->id);
}

}  // namespace jvs
