#include "jvs/repo/operations.h"

#include <algorithm>

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

// The update that takes the repository back to the view before operation `x`
// (the view after `x`'s parent). Saved dirty files stay pinned and visible.
Result<ViewUpdate> Revert(Repo& repo, const OperationId& x, const Operation& x_op, const std::string& worktree,
                          std::string description, std::map<std::string, std::string> attributes) {
  OpStore& ops = repo.op_store();
  if (x_op.parents.empty())
    return Error(ErrorCode::kRefused, "nothing to undo: the repository is at its first operation")
        .WithRemedy(Remedy::kListOperations);
  if (FirstParentCut(ops, x_op)) return PastHorizon("cannot go back past operation " + Short(x));
  JVS_ASSIGN_OR_RETURN(View after, ops.ReadView(x_op.view));
  JVS_ASSIGN_OR_RETURN(Operation parent, ops.ReadOperation(x_op.parents[0]));
  JVS_ASSIGN_OR_RETURN(View before, ops.ReadView(parent.view));
  ViewUpdate u;
  u.description = std::move(description);
  u.attributes = std::move(attributes);
  u.make_view = [before](View) -> Result<View> { return before; };
  (void)x;
  (void)after;
  (void)worktree;
  return u;
}

Result<ViewUpdate> PlanUndoNow(Repo& repo, const std::string& worktree) {
  OpStore& ops = repo.op_store();
  OperationId c = repo.op_id();
  // Skip operations that are already undone: an undo and what it undid cancel.
  for (int guard = 0; guard < 1000000; ++guard) {
    JVS_ASSIGN_OR_RETURN(Operation op, ReadNamed(ops, c, "nothing left to undo"));
    if (auto r = Attr(op, "redo_of")) {
      JVS_ASSIGN_OR_RETURN(Operation undo, ReadNamed(ops, *r, "nothing left to undo after operation " + Short(c)));
      auto x = Attr(undo, "undo_of");
      if (!x) return Error(ErrorCode::kCorrupt, "operation " + Short(c) + " redoes a non-undo operation");
      c = *x;  // the redo re-applied x: undoing it undoes x again
      break;
    }
    if (auto x = Attr(op, "undo_of")) {
      JVS_ASSIGN_OR_RETURN(Operation undone, ReadNamed(ops, *x, "nothing left to undo after operation " + Short(c)));
      if (undone.parents.empty())
        return Error(ErrorCode::kRefused, "nothing left to undo")
            .WithRemedy(Remedy::kListOperations)
            .WithRemedy(Remedy::kRedoAfterUndo);
      if (FirstParentCut(ops, undone)) return PastHorizon("nothing left to undo after operation " + Short(*x));
      c = undone.parents[0];
      continue;
    }
    if (op.parents.size() > 1) {
      // A merge of concurrent operations: undo the newest of them.
      std::optional<Operation> newest;
      auto live = ops.LiveParents(op);
      if (live.empty()) return PastHorizon("cannot undo merge operation " + Short(c));
      for (const auto& p : live) {
        JVS_ASSIGN_OR_RETURN(Operation po, ops.ReadOperation(p));
        if (!newest || po.metadata.end_time > newest->metadata.end_time) {
          newest = po;
          c = p;
        }
      }
      continue;
    }
    break;
  }
  JVS_ASSIGN_OR_RETURN(Operation target, ReadNamed(ops, c, "nothing left to undo"));
  if (target.parents.empty())
    return Error(ErrorCode::kRefused, "nothing to undo: the repository is at its first operation")
        .WithRemedy(Remedy::kListOperations);
  if (FirstParentCut(ops, target)) return PastHorizon("cannot undo operation " + Short(c));
  return Revert(repo, c, target, worktree, "undo operation " + Short(c) + ": " + target.metadata.description,
                {{"undo_of", c.hex()}});
}

Result<ViewUpdate> PlanRedoNow(Repo& repo, const std::string& worktree) {
  OpStore& ops = repo.op_store();
  OperationId u_id = repo.op_id();
  JVS_ASSIGN_OR_RETURN(Operation cur, ops.ReadOperation(u_id));
  if (auto r = Attr(cur, "redo_of")) {
    // After a redo, the next one re-applies the undo before it in the run.
    JVS_ASSIGN_OR_RETURN(Operation redone, ReadNamed(ops, *r, "nothing more to redo"));
    if (redone.parents.empty())
      return Error(ErrorCode::kRefused, "nothing to redo").WithRemedy(Remedy::kListOperations);
    if (FirstParentCut(ops, redone)) return PastHorizon("nothing more to redo after operation " + Short(*r));
    u_id = redone.parents[0];
    JVS_ASSIGN_OR_RETURN(cur, ops.ReadOperation(u_id));
  }
  auto x = Attr(cur, "undo_of");
  if (!x)
    return Error(ErrorCode::kRefused, "nothing to redo: the latest operation is not an undo",
                 "redo works right after an undo")
        .WithRemedy(Remedy::kRestoreAnyOperation);
  JVS_ASSIGN_OR_RETURN(Operation undone, ReadNamed(ops, *x, "nothing more to redo"));
  // Reverting the undo re-applies what it took back.
  return Revert(repo, u_id, cur, worktree, "redo operation " + Short(*x) + ": " + undone.metadata.description,
                {{"redo_of", u_id.hex()}});
}

}  // namespace

Result<ViewUpdate> PlanUndo(Repo& repo, const std::string& worktree) {
  JVS_ASSIGN_OR_RETURN(ViewUpdate u, PlanUndoNow(repo, worktree));  // fail early, before any lock
  Repo* r = &repo;
  u.replan = [r, worktree] { return PlanUndoNow(*r, worktree); };
  return u;
}

Result<ViewUpdate> PlanRedo(Repo& repo, const std::string& worktree) {
  JVS_ASSIGN_OR_RETURN(ViewUpdate u, PlanRedoNow(repo, worktree));
  Repo* r = &repo;
  u.replan = [r, worktree] { return PlanRedoNow(*r, worktree); };
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
  // The attributes and description of the plan as first made (what the user asked for).
  for (const auto& [k, v] : plan.attributes) tx.SetAttribute(k, v);
  ViewOnlyOutcome out;
  JVS_ASSIGN_OR_RETURN(out.op, tx.Commit(plan.description));
  JVS_ASSIGN_OR_RETURN(out.recreated, MaterializeMissingWorktrees(repo));
  return out;
}

}  // namespace jvs
