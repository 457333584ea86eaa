// Merging concurrent operations: when several op heads exist, their views
// are merged three-way against the view of their nearest common ancestor
// into one merge operation (as Jujutsu does). Part of Repo.
#include <unistd.h>

#include <algorithm>
#include <set>

#include "jvs/base/fault.h"
#include "jvs/merge/merge.h"
#include "jvs/oplog/op_walk.h"
#include "jvs/repo/repo.h"

namespace jvs {

Status Repo::MergeHeads(const std::vector<OperationId>& heads_in) {
  // Concurrent operations: merge their views into one merge operation,
  // three-way against the view of their nearest common ancestor.
  JVS_ASSIGN_OR_RETURN(std::vector<OperationId> heads, DropAncestorHeads(heads_in));
  if (heads.size() == 1) {
    JVS_ASSIGN_OR_RETURN(op_, op_store_->ReadOperation(heads[0]));
    JVS_ASSIGN_OR_RETURN(view_, op_store_->ReadView(op_.view));
    op_id_ = heads[0];
    // A writer published a child of the other head and has not yet removed
    // its parent's file: removing it here is the same step.
    if (!read_only_) (void)op_heads_->Update(heads[0], heads_in);
    return OkStatus();
  }
  struct Side {
    OperationId id;
    Operation op;
    View view;
  };
  std::vector<Side> sides;
  for (const auto& h : heads) {
    Side s;
    s.id = h;
    JVS_ASSIGN_OR_RETURN(s.op, op_store_->ReadOperation(h));
    JVS_ASSIGN_OR_RETURN(s.view, op_store_->ReadView(s.op.view));
    sides.push_back(std::move(s));
  }
  // Oldest first, so that on a conflict the newer operation's choice wins.
  std::sort(sides.begin(), sides.end(), [](const Side& a, const Side& b) {
    return std::tie(a.op.metadata.end_time, a.id) < std::tie(b.op.metadata.end_time, b.id);
  });
  View merged = sides[0].view;
  OperationId merged_id = sides[0].id;
  std::vector<std::string> conflicts;
  for (size_t i = 1; i < sides.size(); ++i) {
    JVS_ASSIGN_OR_RETURN(std::optional<OperationId> base_id, CommonAncestor(merged_id, sides[i].id));
    View base;
    if (base_id) {
      JVS_ASSIGN_OR_RETURN(Operation bop, op_store_->ReadOperation(*base_id));
      JVS_ASSIGN_OR_RETURN(base, op_store_->ReadView(bop.view));
    }
    JVS_ASSIGN_OR_RETURN(merged, MergeViews(base, merged, sides[i].view, &conflicts));
    merged_id = sides[i].id;
  }
  JVS_ASSIGN_OR_RETURN(ViewId vid, op_store_->WriteView(merged));
  JVS_FAULT("merge.after_view");
  Operation op;
  for (const auto& s : sides) op.parents.push_back(s.id);
  op.view = vid;
  std::string now = Now();
  op.metadata = {now, now, settings_.user, settings_.host, static_cast<int64_t>(::getpid()),
                 settings_.command, "merge " + std::to_string(sides.size()) + " concurrent operations", {}};
  if (!conflicts.empty()) {
    std::string list;
    for (const auto& t : conflicts) list += (list.empty() ? "" : ",") + t;
    op.metadata.attributes["conflicts"] = list;
  }
  JVS_ASSIGN_OR_RETURN(OperationId oid, op_store_->WriteOperation(op));
  JVS_FAULT("merge.after_op");
  {
    // Two readers may merge the same heads at once: a short lock keeps the
    // op-heads directory from getting two identical merges. Waiting is cheap.
    JVS_ASSIGN_OR_RETURN(UniqueFd lock, env_->LockFile(control_dir() / "op_heads.lock", std::chrono::milliseconds(5000)));
    JVS_ASSIGN_OR_RETURN(auto now_heads, op_heads_->List());
    bool unchanged = now_heads.size() == heads_in.size() &&
                     std::equal(now_heads.begin(), now_heads.end(), heads_in.begin());
    if (!unchanged) {
      lock.reset();
      return LoadHeads();  // someone else merged or published meanwhile: start over
    }
    JVS_TRY(store_->Sync());
    JVS_FAULT("merge.after_barrier");
    JVS_TRY(op_heads_->Add(oid));
    // Published. Failing the command from here on is harmless: it has not
    // done its own work yet, and a retry finds the merge as the only head.
    JVS_FAULT("merge.after_new_head");
    op_heads_->RemoveOld(oid, heads_in);
    JVS_FAULT("merge.after_remove_old_heads");
    JVS_TRY(op_heads_->Sync());
  }
  op_id_ = oid;
  op_ = std::move(op);
  view_ = std::move(merged);
  if (!conflicts.empty()) {
    std::string list;
    for (const auto& t : conflicts) list += (list.empty() ? "" : ", ") + t;
    warnings_.push_back("merged " + std::to_string(sides.size()) +
                        " concurrent operations that set different values of " + list +
                        "; the newer value was kept and the other stays visible (the merge operation " +
                        oid.hex().substr(0, 12) + " records the conflict)");
  }
  return OkStatus();
}

Result<std::vector<OperationId>> Repo::DropAncestorHeads(const std::vector<OperationId>& heads) {
  // A head that is an ancestor of another head was superseded (its writer is
  // between creating the new head file and removing the old one).
  JVS_ASSIGN_OR_RETURN(std::vector<OperationId> out,
                       DropAncestorOperations(op_store_->horizon(), heads, StoreReader(*op_store_)));
  if (out.empty()) out.push_back(heads.front());
  return out;
}

Result<bool> Repo::IsAncestor(const OperationId& a, const OperationId& b) {
  // The log ends at the gc horizon.
  return IsOpAncestor(op_store_->horizon(), a, b, StoreReader(*op_store_));
}

Result<std::optional<OperationId>> Repo::CommonAncestor(const OperationId& a, const OperationId& b) {
  // The nearest common ancestor (good enough for merging views). Parents cut
  // by gc are absent; with no common ancestor left the views merge against an
  // empty base (union, newer side wins on conflicts).
  return ClosestCommonOperation(op_store_->horizon(), a, b, StoreReader(*op_store_));
}

Result<View> Repo::MergeViews(const View& base, const View& a, const View& b, std::vector<std::string>* conflicts) {
  // Every value (a worktree's head and latest, a tag) is a Merge of
  // [a, base, b], absent values included (nullopt), resolved trivially: one
  // side changed it, or both made the same change. What is left is a real
  // conflict: the newer side wins, the other snapshot stays visible, and the
  // conflict is recorded.
  using Value = std::optional<SnapshotId>;
  auto created = [&](const Value& id) -> std::string {
    if (!id) return "";
    auto s = store_->ReadSnapshot(*id);
    return s.ok() ? (*s)->created_at : "";
  };
  View out;
  std::set<SnapshotId> keep;  // snapshots that must stay visible
  std::set<std::string> names;
  for (const auto* v : {&base, &a, &b})
    for (const auto& [n, w] : v->worktrees) names.insert(n);
  auto get = [](const View& v, const std::string& n) -> std::optional<WorktreeView> {
    auto it = v.worktrees.find(n);
    if (it == v.worktrees.end()) return std::nullopt;
    return it->second;
  };
  for (const auto& n : names) {
    const auto vb = get(base, n), va = get(a, n), vc = get(b, n);
    // Whether the worktree exists: booleans always resolve three-way.
    const bool exists = *Merge<bool>::ThreeWay(vb.has_value(), va.has_value(), vc.has_value()).ResolveTrivial();
    if (!exists) {
      // Removed on one side, changed on the other: keep it as changed.
      if (va && va != vb) out.worktrees[n] = *va;
      else if (vc && vc != vb) out.worktrees[n] = *vc;
      continue;
    }
    auto field = [](const std::optional<WorktreeView>& w, Value WorktreeView::*f) -> Value {
      return w ? (*w).*f : Value();
    };
    WorktreeView r;
    bool conflicted = false;
    for (Value WorktreeView::*f : {&WorktreeView::head, &WorktreeView::latest}) {
      const Value fa = field(va, f), fc = field(vc, f);
      if (auto v = Merge<Value>::ThreeWay(field(vb, f), fa, fc).ResolveTrivial()) {
        r.*f = *v;
        continue;
      }
      // Both sides moved it: the newer snapshot wins.
      r.*f = created(fc) >= created(fa) ? fc : fa;
      conflicted = true;
      if (f == &WorktreeView::head) conflicts->push_back("worktree:" + n);
    }
    if (conflicted) {
      // The losing snapshots stay visible.
      for (const auto& side : {va, vc}) {
        if (!side) continue;
        if (side->head) keep.insert(*side->head);
        if (side->latest) keep.insert(*side->latest);
      }
    }
    out.worktrees[n] = r;
  }
  // Tags; different values: the newer side (b) wins, a's stays visible.
  std::set<std::string> tags;
  for (const auto* v : {&base, &a, &b})
    for (const auto& [n, id] : v->tags) tags.insert(n);
  auto tag = [](const View& v, const std::string& n) -> Value {
    auto it = v.tags.find(n);
    if (it == v.tags.end()) return std::nullopt;
    return it->second;
  };
  for (const auto& n : tags) {
    const Value tb = tag(base, n), ta = tag(a, n), tc = tag(b, n);
    Value r;
    if (auto v = Merge<Value>::ThreeWay(tb, ta, tc).ResolveTrivial()) {
      r = *v;
    } else {
      r = tc ? tc : ta;
      if (ta) keep.insert(*ta);
      conflicts->push_back("tag:" + n);
    }
    if (r) out.tags[n] = *r;
  }
  // Heads: what either side had, minus what a side dropped since the base.
  std::set<SnapshotId> hb(base.heads.begin(), base.heads.end());
  std::set<SnapshotId> ha(a.heads.begin(), a.heads.end()), hc(b.heads.begin(), b.heads.end());
  std::set<SnapshotId> heads;
  for (const auto& h : ha)
    if (!hb.count(h) || hc.count(h)) heads.insert(h);
  for (const auto& h : hc)
    if (!hb.count(h) || ha.count(h)) heads.insert(h);
  heads.insert(keep.begin(), keep.end());
  out.heads.assign(heads.begin(), heads.end());
  for (const auto* v : {&a, &b})
    for (const auto& p : v->pins) AddPin(&out, p);
  // User pins: three-way per snapshot; when both sides changed one, b wins.
  std::set<SnapshotId> pinned;
  for (const auto* v : {&base, &a, &b})
    for (const auto& [id, rec] : v->user_pins) pinned.insert(id);
  auto pin = [](const View& v, const SnapshotId& id) -> std::optional<PinRecord> {
    auto it = v.user_pins.find(id);
    if (it == v.user_pins.end()) return std::nullopt;
    return it->second;
  };
  for (const auto& id : pinned) {
    const auto pb = pin(base, id), pa = pin(a, id), pc = pin(b, id);
    const auto r = pa == pb ? pc : pc == pb ? pa : (pc ? pc : pa);
    if (r) out.user_pins[id] = *r;
  }
  return out;
}

}  // namespace jvs
