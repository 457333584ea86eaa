// Describe (jvs/repo/describe.h): the new version of one snapshot, its
// descendants moved onto it, and the view that replaces the old ones.
#include "jvs/repo/describe.h"

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "jvs/base/dag_walk.h"
#include "repo/view_commit.h"

namespace jvs {

namespace {

std::string Short(const SnapshotId& id) { return id.hex().substr(0, 12); }

// The rewrites of describing `target` in `view`, written to the store: the
// new version of `target` first, then its visible descendants, parents before
// children. Deterministic (the same inputs give the same snapshot ids), so
// that planning again under a lock repeats it exactly.
Result<RebasePlan> PlanDescribe(Repo& repo, const View& view, const SnapshotId& target, const std::string& note,
                                const std::string& change_id) {
  // The visible snapshots (heads, worktrees, tags; pins do not pull snapshots
  // in, as for rebase) and their children.
  std::vector<SnapshotId> starts = view.heads;
  for (const auto& [name, wt] : view.worktrees) {
    if (wt.head) starts.push_back(*wt.head);
    if (wt.latest) starts.push_back(*wt.latest);
  }
  for (const auto& [name, id] : view.tags) starts.push_back(id);
  std::unordered_map<SnapshotId, std::shared_ptr<const Snapshot>, IdHash> snaps;
  std::unordered_map<SnapshotId, std::vector<SnapshotId>, IdHash> children;
  BreadthFirstWalk<SnapshotId, IdHash> walk(starts);
  while (auto n = walk.Next()) {
    JVS_ASSIGN_OR_RETURN(auto s, repo.ReadSnapshot(*n));
    for (const auto& p : s->parents) {
      walk.Add(p);
      auto& c = children[p];
      if (std::find(c.begin(), c.end(), *n) == c.end()) c.push_back(*n);
    }
    snaps.emplace(*n, std::move(s));
  }
  if (!snaps.count(target))
    return Error(ErrorCode::kRefused,
                 "snapshot " + Short(target) + " is not visible (it was rewritten, or only the operation log keeps it)",
                 "describe the current version of its change (its change id names it)");

  // The descendants of `target`, parents before children (Kahn's order).
  std::vector<SnapshotId> below;
  {
    BreadthFirstWalk<SnapshotId, IdHash> down({target});
    while (auto n = down.Next()) {
      if (auto it = children.find(*n); it != children.end())
        for (const auto& c : it->second) down.Add(c);
      if (*n != target) below.push_back(*n);
    }
  }
  std::unordered_set<SnapshotId, IdHash> moving(below.begin(), below.end());
  moving.insert(target);
  std::unordered_map<SnapshotId, int, IdHash> pending;
  for (const auto& id : below)
    for (const auto& p : snaps.at(id)->parents)
      if (moving.count(p)) ++pending[id];
  std::deque<SnapshotId> ready{target};
  std::vector<SnapshotId> order;
  while (!ready.empty()) {
    SnapshotId id = ready.front();
    ready.pop_front();
    order.push_back(id);
    if (auto it = children.find(id); it != children.end())
      for (const auto& c : it->second)
        if (--pending[c] == 0) ready.push_back(c);
  }

  RebasePlan plan;
  for (const auto& id : order) {
    Snapshot s = *snaps.at(id);  // change id, root, author, time, worktree and engine stay
    if (id == target) {
      s.note = note;
      if (!change_id.empty()) s.change_id = change_id;
    } else {
      // Only a note above changed: each parent's root is what it was, so the
      // root stays too (a rebase would compute the same).
      for (auto& p : s.parents)
        if (auto it = plan.replacement.find(p); it != plan.replacement.end()) p = it->second;
    }
    JVS_ASSIGN_OR_RETURN(SnapshotId nid, repo.store().WriteSnapshot(s));
    plan.replacement[id] = nid;
    plan.new_parents[nid] = s.parents;
    plan.rebased.push_back({id, nid, s.conflicted()});
  }
  return plan;
}

}  // namespace

Result<DescribeOutcome> Describe(Workspace& ws, const SnapshotId& target, const std::string& note) {
  DescribeOptions o;
  o.note = note;
  return Describe(ws, target, o);
}

Result<DescribeOutcome> Describe(Workspace& ws, const SnapshotId& target, const DescribeOptions& options) {
  if (!options.note && !options.new_change_id)
    return Error(ErrorCode::kInvalidArgument, "nothing to describe: no note and no new change id",
                 "give the new note, or ask for a new change id");
  Repo& repo = ws.repo();
  const std::string name = ws.name();
  DescribeOutcome outcome;
  outcome.old_id = target;
  // Drawn once: planning again under the lock gives the same snapshots.
  const std::string change_id = options.new_change_id ? repo.NewChangeId() : std::string();
  std::string note;
  // Plans on the latest view (the caller holds the worktree lock).
  auto replan = [&]() -> Result<ViewUpdate> {
    const View before = repo.view();
    JVS_ASSIGN_OR_RETURN(RebasePlan plan, PlanDescribe(repo, before, target, note, change_id));
    outcome.new_id = plan.replacement.at(target);
    outcome.descendants.assign(plan.rebased.begin() + 1, plan.rebased.end());
    outcome.worktrees_moved.clear();
    for (const auto& [n, wt] : before.worktrees)
      if (wt.head && plan.replacement.count(*wt.head)) outcome.worktrees_moved.push_back(n);
    ViewUpdate u;
    u.description = "describe " + Short(target) + " as " + Short(outcome.new_id);
    if (!change_id.empty()) u.description += " (a new change)";
    if (!outcome.descendants.empty())
      u.description += " (" + std::to_string(outcome.descendants.size()) + " descendant(s) rebased)";
    u.progress_phase = "describe";
    for (const auto& r : plan.rebased) u.rewrites[r.old_id] = {r.new_id};
    u.attributes["described"] = target.hex();
    u.attributes["rebased"] = std::to_string(outcome.descendants.size());
    u.keep_files = true;  // the head's tree is unchanged: the files stay as they are
    u.make_view = [plan](View v) -> Result<View> { return ApplyRebase(std::move(v), plan); };
    return u;
  };
  {
    JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo.LockWorktree(name));
    JVS_TRY(repo.Reload());
    JVS_ASSIGN_OR_RETURN(auto old, repo.ReadSnapshot(target));
    note = options.note ? *options.note : old->note;
    if (old->note == note && change_id.empty()) {
      outcome.new_id = target;
      outcome.unchanged = true;
      outcome.op = repo.op_id();
      return outcome;
    }
    JVS_ASSIGN_OR_RETURN(ViewUpdate u, replan());
    const auto& moved = outcome.worktrees_moved;
    if (std::find(moved.begin(), moved.end(), name) == moved.end()) {
      // This worktree's head stays: one plain transaction, no file touched.
      JVS_ASSIGN_OR_RETURN(outcome.op, CommitWithoutFiles(repo, u));
      return outcome;
    }
  }
  // This worktree's head is rewritten: its tree state follows (files kept),
  // re-planned by Update under the lock it takes (same inputs, same ids).
  ViewUpdate update;
  update.make_view = [](View v) -> Result<View> { return v; };
  update.keep_files = true;
  update.replan = replan;
  JVS_ASSIGN_OR_RETURN(RestoreOutcome r, ws.Update(update));
  outcome.op = r.op;
  return outcome;
}

}  // namespace jvs
