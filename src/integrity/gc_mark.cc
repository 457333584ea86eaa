// Garbage collection, marking: which objects of the store are reachable.
// Roots are the views of the kept operations (View::ReferencedSnapshots: every
// snapshot a view names), every worktree's tree state, and every object
// younger than the grace period; from a snapshot the marker follows its
// ancestors and its tree, from a tree everything below it, iteratively. What
// no root reaches is garbage, listed snapshots first, then trees, then blobs.
// Objects are listed and stat'ed through the store backend.
#include <fcntl.h>

#include <algorithm>

#include "integrity/gc_internal.h"
#include "wc/tree_state.h"

namespace jvs::gc_internal {

namespace {

// Marks the roots that do not come from operations: every worktree's tree
// state (blob ids of unchanged files are reused by the next snapshot).
Status MarkTreeStates(Repo& repo, Marker& marker) {
  Env* env = repo.env();
  fs::path dir = repo.control_dir() / "worktrees";
  auto dfd = env->Open(dir, O_RDONLY | O_DIRECTORY);
  if (!dfd.ok()) {
    if (dfd.error().code() == ErrorCode::kNotFound) return OkStatus();
    return dfd.error();
  }
  JVS_ASSIGN_OR_RETURN(auto entries, env->ReadDir(dfd->get()));
  for (const auto& e : entries) {
    fs::path p = dir / e.name / "tree_state";
    if (!env->Exists(p)) continue;
    auto state = TreeState::Load(env, p);
    if (!state.ok())
      return Error(state.error().code(),
                   "cannot collect garbage: the tree state of worktree '" + e.name +
                       "' is unreadable: " + state.error().message(),
                   "delete '" + p.string() +
                       "' (a cache; the next snapshot re-reads every file), then plan again");
    for (const auto& [path, fstate] : state->entries) marker.blobs.insert(fstate.id);
    if (!state->tree.is_zero()) JVS_TRY(marker.MarkTree(state->tree, /*strict=*/false));
  }
  return OkStatus();
}

}  // namespace

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

StoreKind ToStoreKind(GcObjectKind k) {
  switch (k) {
    case GcObjectKind::kSnapshot:
      return StoreKind::kSnapshot;
    case GcObjectKind::kTree:
      return StoreKind::kTree;
    case GcObjectKind::kBlob:
      break;
  }
  return StoreKind::kBlob;
}

bool Marker::Has(GcObjectKind k, const Digest& d) const {
  const DigestSet& s = k == GcObjectKind::kSnapshot ? snapshots
                       : k == GcObjectKind::kTree   ? trees
                                                    : blobs;
  return s.count(d) > 0;
}

Status Marker::MarkView(const View& v, bool strict) {
  for (const auto& id : v.ReferencedSnapshots()) JVS_TRY(MarkSnapshot(id, strict));
  return OkStatus();
}

Status Marker::MarkSnapshot(const SnapshotId& root, bool strict) {
  std::vector<SnapshotId> stack{root};
  while (!stack.empty()) {
    SnapshotId id = stack.back();
    stack.pop_back();
    if (skip_ && skip_->snapshots.count(id.bytes())) continue;
    if (!snapshots.insert(id.bytes()).second) continue;
    progress_.Add(1);
    auto snap = store_.ReadSnapshot(id);
    if (!snap.ok()) {
      if (!strict) continue;
      return Error(snap.error().code(), "cannot collect garbage: " + snap.error().message(),
                   "the repository is damaged")
          .WithRemedy(Remedy::kInspectRepositoryFirst);
    }
    // A conflicted snapshot keeps every term of its root.
    for (const auto& t : (*snap)->root_terms) JVS_TRY(MarkTree(t, strict));
    for (const auto& p : (*snap)->parents) stack.push_back(p);
  }
  return OkStatus();
}

Status Marker::MarkTree(const TreeId& root, bool strict) {
  std::vector<TreeId> stack{root};
  while (!stack.empty()) {
    TreeId id = stack.back();
    stack.pop_back();
    if (skip_ && skip_->trees.count(id.bytes())) continue;
    if (!trees.insert(id.bytes()).second) continue;
    progress_.Add(1);
    auto tree = store_.ReadTree(id);
    if (!tree.ok()) {
      if (!strict) continue;
      return Error(tree.error().code(), "cannot collect garbage: " + tree.error().message(),
                   "the repository is damaged")
          .WithRemedy(Remedy::kInspectRepositoryFirst);
    }
    for (const auto& e : (*tree)->entries) {
      if (e.kind == EntryKind::kTree) {
        stack.push_back(TreeId(e.id));
      } else if (!(skip_ && skip_->blobs.count(e.id)) && blobs.insert(e.id).second) {
        progress_.Add(1);
      }
    }
  }
  return OkStatus();
}

Result<Reachability> Mark(Repo& repo, const std::map<OperationId, OpFile>& ops,
                          const std::set<OperationId>& kept_ops, int64_t young_since_ns,
                          const ProgressScope& progress) {
  Reachability r;
  r.marker = std::make_unique<Marker>(repo.store(), progress);
  Marker& m = *r.marker;
  JVS_TRY(m.MarkView(repo.view(), /*strict=*/true));
  // What the current view reaches (its lineage); the rest is kept by the
  // retention window, the tree states or the grace period.
  const DigestSet lineage = m.snapshots;
  std::set<ViewId> views_done{repo.operation().view};
  for (const auto& id : kept_ops) {
    const Operation& op = ops.at(id).op;
    if (!views_done.insert(op.view).second) continue;
    auto v = repo.op_store().ReadView(op.view);
    if (!v.ok())
      return Error(v.error().code(), "cannot collect garbage: " + v.error().message(),
                   "the op log is damaged")
          .WithRemedy(Remedy::kInspectRepositoryFirst);
    JVS_TRY(m.MarkView(*v, /*strict=*/true));
  }
  JVS_TRY(MarkTreeStates(repo, m));
  size_t reachable_marked = 0;
  // Young objects: roots with everything they reference (a command may be
  // about to publish them). Snapshots first: their closure covers trees and blobs.
  std::vector<StoredObject> unmarked;
  Backend& backend = repo.store().backend();
  for (GcObjectKind k : kKinds) {
    JVS_ASSIGN_OR_RETURN(auto ids, backend.List(ToStoreKind(k)));
    for (const auto& d : ids) {
      if (m.Has(k, d)) {
        ++reachable_marked;
        continue;
      }
      auto st = backend.Stat(ToStoreKind(k), d);
      if (!st.ok()) {
        if (st.error().code() == ErrorCode::kNotFound) continue;
        return st.error();
      }
      if (st->mtime_ns >= young_since_ns) {
        if (k == GcObjectKind::kSnapshot)
          JVS_TRY(m.MarkSnapshot(SnapshotId(d), /*strict=*/false));
        else if (k == GcObjectKind::kTree)
          JVS_TRY(m.MarkTree(TreeId(d), /*strict=*/false));
        else
          m.blobs.insert(d);
        ++r.protected_recent;
        continue;
      }
      unmarked.push_back({k, d, *st});
    }
  }
  for (auto& o : unmarked) {
    if (m.Has(o.kind, o.id)) {
      ++r.protected_recent;  // referenced only by a young object
      continue;
    }
    r.garbage.push_back(o);
  }
  r.protected_reachable = reachable_marked;
  // The kept snapshots, each counted once: pinned, else the current view's
  // lineage, else retention (window, tree states, grace period).
  JVS_ASSIGN_OR_RETURN(auto stored, backend.List(StoreKind::kSnapshot));
  DigestSet pinned;
  for (const auto& id : repo.view().pins) pinned.insert(id.bytes());
  for (const auto& [id, pin] : repo.view().user_pins)
    if (!pin.Expired(repo.NowNanos())) pinned.insert(id.bytes());
  for (const auto& d : stored) {
    if (!m.snapshots.count(d)) continue;
    r.kept_snapshots.push_back(SnapshotId(d));
    if (pinned.count(d)) ++r.by_pin;
    else if (lineage.count(d)) ++r.by_lineage;
    else ++r.by_retention;
  }
  std::sort(r.kept_snapshots.begin(), r.kept_snapshots.end());
  return r;
}

}  // namespace jvs::gc_internal
