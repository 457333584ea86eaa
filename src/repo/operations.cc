#include "jvs/repo/operations.h"

#include <algorithm>
#include <set>

#include "jvs/merge/merge.h"
#include "jvs/repo/transaction.h"
#include "jvs/repo/worktrees.h"

namespace jvs {

namespace {

std::optional<OperationId> Attr(const Operation& op, const char* key) {
  auto it = op.metadata.attributes.find(key);
  if (it == op.metadata.attributes.end()) return std::nullopt;
  auto id = OperationId::FromHex(it->second);
  if (!id.ok()) return std::nullopt;
  return *id;
}

std::string Short(const OperationId& id) { return id.hex().substr(0, 12); }

// `op` names parents but gc cut the first one: nothing before it can be reached.
bool FirstParentCut(const OpStore& ops, const Operation& op) {
  return !op.parents.empty() && ops.IsCut(op.parents[0]);
}

Error PastHorizon(const std::string& what) {
  return Error(ErrorCode::kRefused,
               what + ": the operations before it were removed by garbage collection (the op log horizon)")
      .WithRemedy(Remedy::kListOperations)
      .WithRemedy(Remedy::kRestoreAnyOperation);
}

// Reads an operation named by an undo/redo attribute: one that gc removed
// means the undo history goes past the horizon.
Result<Operation> ReadNamed(OpStore& ops, const OperationId& id, const std::string& what) {
  auto op = ops.ReadOperation(id);
  if (!op.ok() && op.error().code() == ErrorCode::kNotFound && !ops.horizon().empty()) return PastHorizon(what);
  return op;
}

}  // namespace

Result<std::vector<OpLogEntry>> OperationLog(Repo& repo, std::optional<size_t> limit) {
  // The log ends at the gc horizon.
  JVS_ASSIGN_OR_RETURN(std::vector<OpLogEntry> out, WalkOpLog(repo.op_store().horizon(), {repo.op_id()},
                                                              StoreReader(repo.op_store())));
  SortNewestFirst(&out);  // a parent never comes before its child (BFS order breaks ties)
  if (limit && out.size() > *limit) out.resize(*limit);
  return out;
}

Result<OperationId> ResolveOperation(Repo& repo, std::string_view spec) {
  std::string base(spec);
  int up = 0;
  while (!base.empty() && base.back() == '-') {
    base.pop_back();
    ++up;
  }
  OperationId target = repo.op_id();
  if (base != "@") {
    std::string lower = base;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.size() < 4 || !IsHexString(lower))
      return Error(ErrorCode::kInvalidArgument, "invalid operation '" + std::string(spec) + "'",
                   "give an operation id prefix (at least 4 hex digits), '@' or '@-'")
          .WithRemedy(Remedy::kListOperations);
    JVS_ASSIGN_OR_RETURN(auto matches, repo.op_store().FindOperationsByPrefix(lower));
    if (matches.empty()) {
      if (!repo.op_store().horizon().empty())
        return Error(ErrorCode::kNotFound,
                     "no operation matches '" + base +
                         "' (operations older than the op log horizon were removed by garbage collection)")
            .WithRemedy(Remedy::kListOperations);
      return Error(ErrorCode::kNotFound, "no operation matches '" + base + "'").WithRemedy(Remedy::kSeeOperations);
    }
    if (matches.size() > 1) {
      std::string cands;
      for (const auto& m : matches) cands += "\n  " + m.hex().substr(0, 16);
      return Error(ErrorCode::kAmbiguous, "operation prefix '" + base + "' is ambiguous; candidates:" + cands,
                   "give more digits");
    }
    target = matches[0];
  }
  for (int i = 0; i < up; ++i) {
    JVS_ASSIGN_OR_RETURN(Operation op, repo.op_store().ReadOperation(target));
    if (op.parents.empty())
      return Error(ErrorCode::kNotFound, "operation '" + std::string(spec) + "' goes past the first operation")
          .WithRemedy(Remedy::kListOperations);
    if (FirstParentCut(repo.op_store(), op))
      return Error(ErrorCode::kNotFound,
                   "operation '" + std::string(spec) +
                       "' goes past the op log horizon (earlier operations were removed by garbage collection)")
          .WithRemedy(Remedy::kListOperations);
    target = op.parents[0];
  }
  return target;
}

namespace {

using Value = std::optional<SnapshotId>;

std::optional<WorktreeView> Entry(const View& v, const std::string& name) {
  auto it = v.worktrees.find(name);
  if (it == v.worktrees.end()) return std::nullopt;
  return it->second;
}

// Three-way: the change from `after` to `before` applied on `current`; where
// `current` changed the value too (a later operation), `current` is kept.
template <typename T>
T Reverted(const T& current, const T& before, const T& after) {
  if (auto v = Merge<T>::ThreeWay(after, current, before).ResolveTrivial()) return *v;
  return current;
}

// One worktree's record taken back from `after` to `before`; the snapshots
// the current record names stay visible (as heads) when it moves off them.
void RevertEntry(View* out, const View& current, const View& before, const View& after, const std::string& name) {
  const auto cur = Entry(current, name), b = Entry(before, name), a = Entry(after, name);
  const bool exists = Reverted<bool>(cur.has_value(), b.has_value(), a.has_value());
  if (!exists) {
    // T created it; a later operation moved it since: it stays (as MergeViews
    // keeps a worktree removed on one side and changed on the other).
    if (!(cur && a && *cur != *a)) out->worktrees.erase(name);
    return;
  }
  auto field = [](const std::optional<WorktreeView>& w, Value WorktreeView::*f) -> Value {
    return w ? (*w).*f : Value();
  };
  WorktreeView r;
  for (Value WorktreeView::*f : {&WorktreeView::head, &WorktreeView::latest})
    r.*f = Reverted<Value>(field(cur, f), field(b, f), field(a, f));
  out->worktrees[name] = r;
}

// The view `current` with operation T's changes taken back, T having turned
// `before` into `after` (Jujutsu's `op revert`): every value T changed and no
// later operation changed again goes back; later operations' changes stay.
// With `only_worktree`, only that worktree's record goes back (T was run
// elsewhere: the other worktrees' records are not this undo's to change), and
// the snapshots it moves off stay visible. Pins are never dropped.
View RevertView(const View& current, const View& before, const View& after, const std::string& only_worktree) {
  View out = current;
  if (!only_worktree.empty()) {
    RevertEntry(&out, current, before, after, only_worktree);
    if (auto cur = Entry(current, only_worktree)) {
      std::vector<SnapshotId> keep;
      auto now = Entry(out, only_worktree);
      for (const Value& v : {cur->head, cur->latest})
        if (v && (!now || (now->head != v && now->latest != v))) keep.push_back(*v);
      AddHeads(&out, keep, {});
    }
    return out;
  }
  std::set<std::string> names;
  for (const View* v : {&current, &before, &after})
    for (const auto& [n, w] : v->worktrees) names.insert(n);
  for (const auto& n : names) RevertEntry(&out, current, before, after, n);
  std::set<std::string> tags;
  for (const View* v : {&current, &before, &after})
    for (const auto& [n, id] : v->tags) tags.insert(n);
  auto tag = [](const View& v, const std::string& n) -> Value {
    auto it = v.tags.find(n);
    if (it == v.tags.end()) return std::nullopt;
    return it->second;
  };
  out.tags.clear();
  for (const auto& n : tags)
    if (Value r = Reverted<Value>(tag(current, n), tag(before, n), tag(after, n))) out.tags[n] = *r;
  // Heads: what T added goes, what T dropped comes back.
  std::set<SnapshotId> hb(before.heads.begin(), before.heads.end()), ha(after.heads.begin(), after.heads.end());
  std::set<SnapshotId> heads;
  for (const auto& h : current.heads)
    if (!ha.count(h) || hb.count(h)) heads.insert(h);
  for (const auto& h : hb)
    if (!ha.count(h)) heads.insert(h);
  out.heads.assign(heads.begin(), heads.end());
  for (const auto& p : before.pins) AddPin(&out, p);
  return out;
}

// How operation `op` stands to `worktree`: run there, run elsewhere but
// changed its record, or neither. Merges of concurrent operations are never
// undone themselves (their sides are). An empty `worktree` (undo --all-worktrees)
// takes every operation as its own.
enum class Relation { kNone, kRunThere, kChangedIt };

Result<Relation> RelationTo(OpStore& ops, const Operation& op, const std::string& worktree) {
  if (op.parents.size() > 1) return Relation::kNone;
  if (worktree.empty()) return Relation::kRunThere;
  const auto& attrs = op.metadata.attributes;
  if (auto it = attrs.find("from_worktree"); it != attrs.end() && it->second == worktree) return Relation::kRunThere;
  if (op.parents.empty() || FirstParentCut(ops, op)) return Relation::kNone;
  JVS_ASSIGN_OR_RETURN(Operation parent, ops.ReadOperation(op.parents[0]));
  if (parent.view == op.view) return Relation::kNone;
  JVS_ASSIGN_OR_RETURN(View after, ops.ReadView(op.view));
  JVS_ASSIGN_OR_RETURN(View before, ops.ReadView(parent.view));
  return Entry(after, worktree) != Entry(before, worktree) ? Relation::kChangedIt : Relation::kNone;
}

// The operations reachable from the current one, each before its parents
// (graph order: a skewed clock cannot reorder them).
Result<std::vector<OperationId>> ChildrenFirst(Repo& repo) {
  JVS_ASSIGN_OR_RETURN(std::vector<OperationId> order,
                       OpsParentsFirst(repo.op_store().horizon(), {repo.op_id()}, StoreReader(repo.op_store())));
  std::reverse(order.begin(), order.end());
  return order;
}

// The update that takes back operation `t_id` (run in `selection` or changing
// it) for a command run in worktree `here`, described and attributed as given.
// The files of `here` go back to what they were just before `t`: the dirty
// files `t` saved, or as they are when `t` did not move them (a snapshot, a
// tag, an undo of a snapshot), else the new head's.
Result<ViewUpdate> Revert(Repo& repo, const OperationId& t_id, const Operation& t, Relation rel,
                          const std::string& selection, const std::string& here, std::string description,
                          std::map<std::string, std::string> attributes) {
  OpStore& ops = repo.op_store();
  if (t.parents.empty())
    return Error(ErrorCode::kRefused, "nothing to undo: the repository is at its first operation")
        .WithRemedy(Remedy::kListOperations);
  if (FirstParentCut(ops, t)) return PastHorizon("cannot go back past operation " + Short(t_id));
  JVS_ASSIGN_OR_RETURN(View after, ops.ReadView(t.view));
  JVS_ASSIGN_OR_RETURN(Operation parent, ops.ReadOperation(t.parents[0]));
  JVS_ASSIGN_OR_RETURN(View before, ops.ReadView(parent.view));
  ViewUpdate u;
  u.description = std::move(description);
  u.attributes = std::move(attributes);
  const std::string only = rel == Relation::kChangedIt ? selection : std::string();
  u.make_view = [before, after, only](View current) -> Result<View> {
    return RevertView(current, before, after, only);
  };
  const auto& attrs = t.metadata.attributes;
  auto moved = attrs.find("worktree");
  if (moved == attrs.end() || moved->second != here) {
    u.keep_files = true;  // `t` did not touch these files
  } else if (auto c = attrs.find("captured_snapshot"); c != attrs.end()) {
    auto id = SnapshotId::FromHex(c->second);
    if (!id.ok()) return Error(ErrorCode::kCorrupt, "operation " + Short(t_id) + " names a bad captured snapshot");
    u.files_from = *id;  // the dirty files as they were before `t`
  } else if (auto f = attrs.find("files"); f != attrs.end() && f->second == "kept") {
    u.keep_files = true;
  }
  // An undone removal brings the worktree back at its head with the dirty
  // files it saved on top (the files as they were just before `t`).
  if (auto w = attrs.find("removed_worktree"); w != attrs.end() && !attrs.count("undo_of")) {
    if (auto c = attrs.find("captured_snapshot"); c != attrs.end()) {
      auto id = SnapshotId::FromHex(c->second);
      if (!id.ok()) return Error(ErrorCode::kCorrupt, "operation " + Short(t_id) + " names a bad captured snapshot");
      u.recreate_files_from[w->second] = *id;
    }
  }
  return u;
}

Result<ViewUpdate> PlanUndoNow(Repo& repo, const std::string& here, bool whole_repo) {
  OpStore& ops = repo.op_store();
  const std::string selection = whole_repo ? std::string() : here;
  JVS_ASSIGN_OR_RETURN(std::vector<OperationId> order, ChildrenFirst(repo));
  // Newest first: an undo cancels what it undid (so repeated undos step
  // back); a redo is an operation like any other (undoing it undoes again).
  std::set<OperationId> undone;
  // The implicit update of this worktree's files after another command moved
  // its head (a stale worktree) is no command of its own: undo passes over
  // it to the command that made the worktree stale, and the files go back to
  // what they were before that update (its saved dirty files, or the head
  // the undo brings back).
  bool passed_stale_update = false;
  std::optional<std::string> stale_capture;
  for (const OperationId& id : order) {
    if (undone.count(id)) continue;
    JVS_ASSIGN_OR_RETURN(Operation op, ops.ReadOperation(id));
    if (auto x = Attr(op, "undo_of")) {
      undone.insert(*x);
      continue;
    }
    const auto& attrs = op.metadata.attributes;
    if (auto st = attrs.find("stale_update"); st != attrs.end() && op.parents.size() == 1) {
      auto w = attrs.find("worktree");
      if (w != attrs.end() && w->second == here) {
        if (!passed_stale_update) {
          auto c = attrs.find("captured_snapshot");
          if (c != attrs.end()) stale_capture = c->second;
        }
        passed_stale_update = true;
        continue;
      }
      if (whole_repo) continue;
    }
    JVS_ASSIGN_OR_RETURN(Relation rel, RelationTo(ops, op, selection));
    if (rel == Relation::kNone) continue;
    if (op.parents.empty()) break;
    JVS_ASSIGN_OR_RETURN(ViewUpdate u, Revert(repo, id, op, rel, selection, here,
                                              "undo operation " + Short(id) + ": " + op.metadata.description,
                                              {{"undo_of", id.hex()}}));
    if (passed_stale_update) {
      u.keep_files = false;
      u.files_from.reset();
      if (stale_capture) {
        auto c = SnapshotId::FromHex(*stale_capture);
        if (!c.ok()) return Error(ErrorCode::kCorrupt, "an operation names a bad captured snapshot");
        u.files_from = *c;
      }
    }
    return u;
  }
  if (!ops.horizon().empty()) return PastHorizon("nothing left to undo");
  return Error(ErrorCode::kRefused, whole_repo ? "nothing left to undo"
                                               : "nothing left to undo in worktree '" + here + "'")
      .WithRemedy(Remedy::kListOperations)
      .WithRemedy(Remedy::kRedoAfterUndo);
}

Result<ViewUpdate> PlanRedoNow(Repo& repo, const std::string& here, bool whole_repo) {
  OpStore& ops = repo.op_store();
  JVS_ASSIGN_OR_RETURN(std::vector<OperationId> order, ChildrenFirst(repo));
  // Newest first among this worktree's operations: redos mark the undos they
  // re-applied; the first undo not re-applied is the one to redo; any other
  // operation ends the run of undos.
  std::set<OperationId> redone;
  for (const OperationId& id : order) {
    JVS_ASSIGN_OR_RETURN(Operation op, ops.ReadOperation(id));
    if (op.parents.size() > 1) continue;
    const auto& attrs = op.metadata.attributes;
    auto from = attrs.find("from_worktree");
    auto moved = attrs.find("worktree");  // operations recorded before "from_worktree"
    const bool mine = whole_repo || (from != attrs.end() ? from->second == here
                                                         : moved != attrs.end() && moved->second == here);
    if (!mine) continue;
    if (auto r = Attr(op, "redo_of")) {
      redone.insert(*r);
      continue;
    }
    if (auto x = Attr(op, "undo_of")) {
      if (redone.count(id)) continue;
      JVS_ASSIGN_OR_RETURN(Operation undone, ReadNamed(ops, *x, "nothing more to redo"));
      return Revert(repo, id, op, Relation::kRunThere, here, here,
                    "redo operation " + Short(*x) + ": " + undone.metadata.description, {{"redo_of", id.hex()}});
    }
    break;
  }
  return Error(ErrorCode::kRefused, "nothing to redo: the latest operation here is not an undo",
               "redo works right after an undo")
      .WithRemedy(Remedy::kRestoreAnyOperation);
}

}  // namespace

Result<ViewUpdate> PlanUndo(Repo& repo, const std::string& worktree, bool whole_repo) {
  JVS_ASSIGN_OR_RETURN(ViewUpdate u, PlanUndoNow(repo, worktree, whole_repo));  // fail early, before any lock
  Repo* r = &repo;
  u.replan = [r, worktree, whole_repo] { return PlanUndoNow(*r, worktree, whole_repo); };
  return u;
}

Result<ViewUpdate> PlanRedo(Repo& repo, const std::string& worktree, bool whole_repo) {
  JVS_ASSIGN_OR_RETURN(ViewUpdate u, PlanRedoNow(repo, worktree, whole_repo));
  Repo* r = &repo;
  u.replan = [r, worktree, whole_repo] { return PlanRedoNow(*r, worktree, whole_repo); };
  return u;
}

Result<ViewUpdate> PlanOpRestore(Repo& repo, const OperationId& target) {
  JVS_ASSIGN_OR_RETURN(Operation op, repo.op_store().ReadOperation(target));
  JVS_ASSIGN_OR_RETURN(View view, repo.op_store().ReadView(op.view));
  ViewUpdate u;
  u.description = "restore to operation " + Short(target) + ": " + op.metadata.description;
  u.attributes["restored_from"] = target.hex();
  u.make_view = [view](View) -> Result<View> { return view; };
  return u;
}

Result<ViewOnlyOutcome> ApplyUpdateWithoutFiles(Repo& repo, const ViewUpdate& plan) {
  ViewUpdate fresh = plan;
  if (plan.replan) {
    JVS_ASSIGN_OR_RETURN(fresh, plan.replan());
  }
  Transaction tx(repo);
  JVS_ASSIGN_OR_RETURN(View view, fresh.make_view(tx.view()));
  tx.SetView(std::move(view));
  // What the plan made under the lock does (it may differ from the first plan).
  for (const auto& [k, v] : fresh.attributes) tx.SetAttribute(k, v);
  ViewOnlyOutcome out;
  out.description = fresh.description;
  JVS_ASSIGN_OR_RETURN(out.op, tx.Commit(fresh.description));
  JVS_ASSIGN_OR_RETURN(out.recreated, MaterializeMissingWorktrees(repo, fresh.recreate_files_from));
  return out;
}

}  // namespace jvs
