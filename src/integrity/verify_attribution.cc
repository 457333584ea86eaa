// Verification, attribution: runs only when the passes before it found
// damage or a size they could not check on the way. It walks each verified
// snapshot's trees again, memoised per tree and iterative (a crafted tree may
// be very deep), to decide whether the snapshot contains damage, to check
// every tree entry's size against the blob or subtree it names, and to name
// the damaged objects with their paths ("snapshot X: blob for a/b: ...").
// Each damaged object is reported once, with the first snapshot found and the
// number of snapshots that contain it. Trees are re-read through LoadTree
// (a bounded cache), so memory stays proportional to distinct objects.
#include "integrity/verify_internal.h"

namespace jvs::verify_internal {

std::shared_ptr<const Tree> Attribution::CachedTree(const TreeId& id) {
  auto it = cache_.find(id);
  if (it != cache_.end()) return it->second;
  auto rec = s_.trees.find(id);
  if (rec == s_.trees.end() || rec->second.damage) return nullptr;
  auto tree = std::make_shared<Tree>();
  if (auto damage = LoadTree(s_, id, tree.get())) {
    // Changed since the walk: damaged now.
    rec->second.damage = std::move(damage);
    return nullptr;
  }
  if (cache_.size() > 200000) cache_.clear();
  cache_.emplace(id, tree);
  return tree;
}

void Attribution::DamageTree(const TreeId& id, Damage d) {
  auto& rec = s_.trees.at(id);
  if (!rec.damage) rec.damage = std::move(d);
}

// Whether the tree `root` contains any damage (memoised, iterative). Also
// checks every entry's size.
bool Attribution::Evaluate(const TreeId& root) {
  if (auto m = memo_.find(root); m != memo_.end()) return m->second.bad;
  struct Frame {
    TreeId id;
    std::shared_ptr<const Tree> tree;
    size_t next = 0;
    bool bad = false;
  };
  std::vector<Frame> stack;
  stack.push_back(Frame{root});
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next == 0 && !f.tree) {
      f.tree = CachedTree(f.id);
      if (!f.tree) {
        memo_[f.id] = Memo{true, 0};
        stack.pop_back();
        continue;
      }
      if (s_.trees.at(f.id).damage) f.bad = true;
    }
    if (f.next < f.tree->entries.size()) {
      const TreeEntry& e = f.tree->entries[f.next];
      if (e.kind == EntryKind::kTree) {
        TreeId child(e.id);
        auto m = memo_.find(child);
        if (m == memo_.end()) {
          stack.push_back(Frame{child});  // f is invalidated; come back to this entry
          continue;
        }
        if (m->second.bad) f.bad = true;
        auto rec = s_.trees.find(child);
        bool child_ok = rec != s_.trees.end() && !rec->second.damage;
        if (child_ok && m->second.total != e.size) {
          DamageTree(f.id, MakeDamage(ProblemType::kSizeMismatch,
                                      "entry '" + e.name + "' says " + std::to_string(e.size) +
                                          " bytes below it, the tree holds " +
                                          std::to_string(m->second.total)));
          f.bad = true;
        }
      } else {
        auto b = s_.blobs.find(BlobId(e.id));
        if (b != s_.blobs.end()) {
          if (b->second.damage) {
            f.bad = true;
          } else if (e.kind == EntryKind::kSymlink && b->second.bad_target) {
            DamageTree(f.id, MakeDamage(ProblemType::kMalformed,
                                        "symlink '" + e.name +
                                            "' has an empty target or one containing NUL"));
            f.bad = true;
          } else if (b->second.actual != kNoClaim && b->second.actual != e.size) {
            DamageTree(
                f.id, MakeDamage(ProblemType::kSizeMismatch,
                                 "entry '" + e.name + "' says " + std::to_string(e.size) +
                                     " bytes, the blob holds " + std::to_string(b->second.actual)));
            f.bad = true;
          }
        }
      }
      f.next++;
      continue;
    }
    memo_[f.id] = Memo{f.bad || s_.trees.at(f.id).damage.has_value(), f.tree->TotalSize()};
    stack.pop_back();
  }
  return memo_.at(root).bad;
}

// The damaged objects below `root`, depth-first in entry order.
std::vector<Attribution::Item> Attribution::Collect(const TreeId& root) {
  std::vector<Item> items;
  std::vector<std::pair<TreeId, std::string>> stack{{root, ""}};
  while (!stack.empty() && items.size() < kMaxItemsPerSnapshot) {
    auto [id, path] = stack.back();
    stack.pop_back();
    const TreeRec& rec = s_.trees.at(id);
    if (rec.damage)
      items.push_back({ObjectKind::kTree, id.hex(), path, *rec.damage, rec.reachable});
    auto tree = CachedTree(id);
    if (!tree) continue;
    std::vector<std::pair<TreeId, std::string>> children;
    for (const auto& e : tree->entries) {
      std::string p = path.empty() ? e.name : path + "/" + e.name;
      if (e.kind == EntryKind::kTree) {
        auto m = memo_.find(TreeId(e.id));
        if (m != memo_.end() && m->second.bad) children.emplace_back(TreeId(e.id), p);
      } else if (auto b = s_.blobs.find(BlobId(e.id)); b != s_.blobs.end() && b->second.damage) {
        items.push_back(
            {ObjectKind::kBlob, b->first.hex(), p, *b->second.damage, b->second.reachable});
      }
    }
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(std::move(*it));
  }
  return items;
}

std::string Attribution::Describe(const Item& item) {
  std::string what = std::string(ObjectKindName(item.kind)) + " for " + item.path;
  if (item.kind == ObjectKind::kTree && item.path.empty()) what = "root tree";
  if (item.term >= 0) what += " (conflict term " + std::to_string(item.term) + ")";
  return what + ": " + item.damage.text;
}

void Attribution::Run() {
  for (auto& [id, rec] : s_.snaps) {
    // Every term of a conflicted root counts; its items name the term.
    std::vector<Item> items;
    for (size_t t = 0; t < rec.roots.size(); ++t) {
      if (!Evaluate(rec.roots[t])) continue;
      rec.payload_bad = true;
      std::vector<Item> term_items = Collect(rec.roots[t]);
      for (auto& item : term_items) {
        if (rec.roots.size() > 1) item.term = static_cast<int>(t);
        items.push_back(std::move(item));
      }
    }
    if (items.empty()) continue;
    rec.error = Describe(items[0]);
    if (items.size() > 1) rec.error += " (and " + std::to_string(items.size() - 1) + " more)";
    for (const auto& item : items) {
      auto d = DigestFromHex(item.hex);
      if (!d.ok()) continue;
      auto [it, inserted] = s_.reported.try_emplace(*d, s_.attributed.size());
      if (!inserted) {
        s_.attributed[it->second].snapshots_affected++;
        continue;
      }
      VerifyProblem p;
      p.kind = item.kind;
      p.type = item.damage.type;
      p.id = item.hex;
      p.snapshot = id;
      p.path = item.path;
      p.snapshots_affected = 1;
      p.reachable = item.reachable;
      p.message = "snapshot " + Short(id.hex()) + ": " + Describe(item);
      s_.attributed.push_back(std::move(p));
    }
  }
}

}  // namespace jvs::verify_internal
