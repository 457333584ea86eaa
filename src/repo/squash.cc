// Squash and split (jvs/repo/squash.h): each plans its rewrites as one or two
// descendant rebases (PlanDescendants) and publishes them through one driver
// that moves this worktree's files when its head moved.
#include "jvs/repo/squash.h"

#include <algorithm>
#include <functional>

#include "jvs/merge/materialize.h"
#include "jvs/merge/merge_base_trees.h"
#include "jvs/merge/tree_diff.h"
#include "jvs/merge/tree_select.h"
#include "repo/ancestry.h"
#include "repo/view_commit.h"

namespace jvs {

namespace {

std::string Short(const SnapshotId& id) { return id.hex().substr(0, 12); }

// The merged tree of a snapshot's parents (the empty tree for a root).
Result<Merge<TreeId>> ParentsRoot(Repo& repo, const Snapshot& s) {
  Repo* r = &repo;
  const CommonAncestors common = [r](const std::vector<SnapshotId>& a, const std::vector<SnapshotId>& b) {
    return CommonAncestorsOf(*r, a, b);
  };
  return MergeBaseTrees(repo.store(), s.parents, common, TextContentMerger(repo.store()));
}

Result<TreeId> Resolved(const Merge<TreeId>& m, const SnapshotId& id, const std::string& what) {
  if (auto r = m.as_resolved()) return *r;
  return Error(ErrorCode::kRefused, what + " of snapshot " + Short(id) + " records a conflict",
               "resolve the conflict first (a snapshot that resolves it), then move changes");
}

// Each path must name something in one of the trees (a typo moves nothing).
Status CheckPaths(Store& store, const std::vector<RepoPath>& paths, const TreeId& a, const TreeId& b,
                  const SnapshotId& id) {
  TreeGetter get = [&store](const TreeId& t) { return store.ReadTree(t); };
  for (const auto& p : paths) {
    if (p.is_root()) continue;
    JVS_ASSIGN_OR_RETURN(auto in_a, LookupPath(get, a, p));
    JVS_ASSIGN_OR_RETURN(auto in_b, LookupPath(get, b, p));
    if (!in_a && !in_b)
      return Error(ErrorCode::kNotFound,
                   "path '" + p.str() + "' is neither in snapshot " + Short(id) + " nor in its parent",
                   "paths are relative to the workspace root; name paths the snapshot changed");
  }
  return OkStatus();
}

// What a squash or split decided: the rebases to apply in order, the rewrites
// to record, and the outcome so far.
struct Planned {
  std::vector<RebasePlan> plans;
  std::map<SnapshotId, std::vector<SnapshotId>> rewrites;
  std::string description;
  std::map<std::string, std::string> attributes;
  RewriteOutcome outcome;
};
using Planner = std::function<Result<Planned>(const View& before)>;

View ApplyAll(View v, const std::vector<RebasePlan>& plans) {
  for (const auto& p : plans) v = ApplyRebase(std::move(v), p);
  return v;
}

// The descendants a plan sequence rewrote (not `skip`), as final versions.
std::vector<RebasedSnapshot> FinalDescendants(const std::vector<RebasePlan>& plans,
                                              const std::vector<SnapshotId>& skip) {
  std::map<SnapshotId, RebasedSnapshot> latest;  // original id -> final
  std::map<SnapshotId, SnapshotId> origin;       // any version -> original id
  std::vector<SnapshotId> order;
  for (const auto& plan : plans)
    for (const auto& r : plan.rebased) {
      SnapshotId o = origin.count(r.old_id) ? origin[r.old_id] : r.old_id;
      origin[r.new_id] = o;
      if (!latest.count(o)) order.push_back(o);
      latest[o] = {o, r.new_id, r.conflicted};
    }
  std::vector<RebasedSnapshot> out;
  for (const auto& o : order)
    if (std::find(skip.begin(), skip.end(), o) == skip.end()) out.push_back(latest[o]);
  return out;
}

// The rewrites of a plan sequence, from each original id to its final version.
std::map<SnapshotId, std::vector<SnapshotId>> ComposeRewrites(const std::vector<RebasePlan>& plans) {
  std::map<SnapshotId, SnapshotId> final_of;  // original -> newest
  std::map<SnapshotId, SnapshotId> origin;
  for (const auto& plan : plans)
    for (const auto& [old_id, new_id] : plan.replacement) {
      SnapshotId o = origin.count(old_id) ? origin[old_id] : old_id;
      origin[new_id] = o;
      final_of[o] = new_id;
    }
  std::map<SnapshotId, std::vector<SnapshotId>> out;
  for (const auto& [o, n] : final_of) out[o] = {n};
  return out;
}

Result<RewriteOutcome> RunRewrite(Workspace& ws, const Planner& planner, const std::string& phase) {
  Repo& repo = ws.repo();
  const std::string name = ws.name();
  RewriteOutcome outcome;
  auto replan = [&](bool with_files) -> Result<ViewUpdate> {
    const View before = repo.view();
    JVS_ASSIGN_OR_RETURN(Planned p, planner(before));
    const View after = ApplyAll(before, p.plans);
    outcome = p.outcome;
    for (const auto& [n, wt] : before.worktrees) {
      auto it = after.worktrees.find(n);
      if (it != after.worktrees.end() && it->second.head != wt.head) outcome.worktrees_moved.push_back(n);
    }
    ViewUpdate u;
    u.description = p.description + (with_files ? " in worktree " + name : "");
    u.attributes = p.attributes;
    u.rewrites = p.rewrites;
    u.progress_phase = phase;
    const std::vector<RebasePlan> plans = p.plans;
    u.make_view = [plans](View v) -> Result<View> { return ApplyAll(std::move(v), plans); };
    if (with_files) {
      const std::optional<SnapshotId> old_head = before.worktrees.at(name).head;
      const std::optional<SnapshotId> new_head = after.worktrees.at(name).head;
      bool same_tree = old_head.has_value() == new_head.has_value();
      if (same_tree && old_head) {
        JVS_ASSIGN_OR_RETURN(auto o, repo.ReadSnapshot(*old_head));
        JVS_ASSIGN_OR_RETURN(auto n, repo.ReadSnapshot(*new_head));
        same_tree = SnapshotRoot(*o) == SnapshotRoot(*n);
      }
      if (same_tree) {
        u.keep_files = true;  // the head's tree is unchanged: files and uncommitted changes stay
      } else {
        TreeMergeStats stats;
        JVS_TRY(CarryDirty(ws, new_head, &u, &outcome.captured, &outcome.carried, &stats));
      }
    }
    return u;
  };
  auto moves_here = [&]() {
    const auto& moved = outcome.worktrees_moved;
    return std::find(moved.begin(), moved.end(), name) != moved.end();
  };
  JVS_ASSIGN_OR_RETURN(RewriteRun run, PublishRewrite(ws, replan, moves_here));
  outcome.op = run.op;
  outcome.files_updated = run.files_updated;
  outcome.update = std::move(run.update);
  return outcome;
}

std::string JoinNotes(const std::string& into, const std::string& from) {
  if (from.empty() || from == into) return into;
  if (into.empty()) return from;
  return into + "\n\n" + from;
}

}  // namespace

Result<RewriteOutcome> Squash(Workspace& ws, const SquashRequest& req) {
  Repo& repo = ws.repo();
  Store& store = repo.store();
  Planner planner = [&](const View& before) -> Result<Planned> {
    JVS_ASSIGN_OR_RETURN(auto from, repo.ReadSnapshot(req.from));
    SnapshotId into_id;
    if (req.into) {
      into_id = *req.into;
    } else if (from->parents.size() == 1) {
      into_id = from->parents[0];
    } else if (from->parents.empty()) {
      return Error(ErrorCode::kRefused, "snapshot " + Short(req.from) + " has no parent to squash into",
                   "name the destination with --into");
    } else {
      return Error(ErrorCode::kRefused,
                   "snapshot " + Short(req.from) + " is a merge of " + std::to_string(from->parents.size()) +
                       " parents: which one to squash into is not clear",
                   "name the destination with --into");
    }
    if (into_id == req.from)
      return Error(ErrorCode::kRefused, "cannot squash snapshot " + Short(req.from) + " into itself",
                   "name another destination with --into");
    JVS_ASSIGN_OR_RETURN(TreeId from_root, Resolved(SnapshotRoot(*from), req.from, "the tree"));
    JVS_ASSIGN_OR_RETURN(Merge<TreeId> base_merge, ParentsRoot(repo, *from));
    JVS_ASSIGN_OR_RETURN(TreeId base, Resolved(base_merge, req.from, "the merged parents"));
    JVS_TRY(CheckPaths(store, req.paths, from_root, base, req.from));
    TreeId selected = from_root, rest = base;
    if (!req.paths.empty()) {
      JVS_ASSIGN_OR_RETURN(selected, TakePaths(store, base, from_root, req.paths));
      JVS_ASSIGN_OR_RETURN(rest, TakePaths(store, from_root, base, req.paths));
    }
    if (selected == base)
      return Error(ErrorCode::kRefused,
                   "nothing to squash: snapshot " + Short(req.from) +
                       (req.paths.empty() ? std::string(" changes nothing") : " changes none of these paths"),
                   "name a snapshot (or paths) with changes");
    Planned p;
    // 1. The source without the moved changes (abandoned when nothing is left).
    const bool emptied = rest == base;
    if (emptied) {
      JVS_ASSIGN_OR_RETURN(RebasePlan plan, PlanDescendants(repo, before, {}, {req.from}));
      p.plans.push_back(std::move(plan));
    } else {
      Snapshot s = *from;
      SetSnapshotRoot(&s, Merge<TreeId>(rest));
      JVS_ASSIGN_OR_RETURN(SnapshotId nid, store.WriteSnapshot(s));
      JVS_ASSIGN_OR_RETURN(RebasePlan plan, PlanDescendants(repo, before, {{req.from, nid}}, {}));
      p.plans.push_back(std::move(plan));
    }
    const View mid = ApplyRebase(before, p.plans[0]);
    // 2. The destination, as rebased by step 1, gets the changes.
    SnapshotId into_now = into_id;
    if (auto it = p.plans[0].replacement.find(into_id); it != p.plans[0].replacement.end()) into_now = it->second;
    JVS_ASSIGN_OR_RETURN(auto into, repo.ReadSnapshot(into_now));
    Snapshot d = *into;
    auto nested = Merge<Merge<TreeId>>::FromTerms({SnapshotRoot(*into), Merge<TreeId>(base), Merge<TreeId>(selected)});
    TreeMergeStats stats;
    JVS_ASSIGN_OR_RETURN(Merge<TreeId> root,
                         MergeTrees(store, nested.Flatten().Simplify(), TextContentMerger(store), &stats));
    SetSnapshotRoot(&d, root);
    d.note = req.note ? *req.note : JoinNotes(into->note, from->note);
    JVS_ASSIGN_OR_RETURN(SnapshotId dest, store.WriteSnapshot(d));
    JVS_ASSIGN_OR_RETURN(RebasePlan plan2, PlanDescendants(repo, mid, {{into_now, dest}}, {}));
    p.plans.push_back(std::move(plan2));
    // The rewrites, each original to its final version; an emptied source
    // was squashed into the destination.
    p.rewrites = ComposeRewrites(p.plans);
    p.rewrites[into_id] = {dest};
    if (emptied) p.rewrites[req.from] = {dest};
    p.outcome.first = dest;
    p.outcome.conflicted = d.conflicted();
    if (!emptied) p.outcome.second = p.rewrites.at(req.from).front();
    p.outcome.descendants = FinalDescendants(p.plans, {req.from, into_id});
    p.description = "squash " + Short(req.from) + " into " + Short(into_id);
    if (!req.paths.empty()) p.description += " (" + std::to_string(req.paths.size()) + " path(s))";
    if (!p.outcome.descendants.empty())
      p.description += ", " + std::to_string(p.outcome.descendants.size()) + " descendant(s) rebased";
    p.attributes["squashed"] = req.from.hex();
    p.attributes["into"] = into_id.hex();
    return p;
  };
  return RunRewrite(ws, planner, "squash");
}

Result<RewriteOutcome> Split(Workspace& ws, const SplitRequest& req) {
  Repo& repo = ws.repo();
  Store& store = repo.store();
  if (req.paths.empty())
    return Error(ErrorCode::kInvalidArgument, "split needs the paths whose changes go to the first part",
                 "name them after '--'");
  const std::string second_change = repo.NewChangeId();  // once: planning again gives the same ids
  Planner planner = [&](const View& before) -> Result<Planned> {
    JVS_ASSIGN_OR_RETURN(auto target, repo.ReadSnapshot(req.target));
    JVS_ASSIGN_OR_RETURN(TreeId root, Resolved(SnapshotRoot(*target), req.target, "the tree"));
    JVS_ASSIGN_OR_RETURN(Merge<TreeId> base_merge, ParentsRoot(repo, *target));
    JVS_ASSIGN_OR_RETURN(TreeId base, Resolved(base_merge, req.target, "the merged parents"));
    JVS_TRY(CheckPaths(store, req.paths, root, base, req.target));
    JVS_ASSIGN_OR_RETURN(TreeId first_root, TakePaths(store, base, root, req.paths));
    if (first_root == base)
      return Error(ErrorCode::kRefused,
                   "nothing to split: snapshot " + Short(req.target) + " changes none of these paths",
                   "name paths the snapshot changed");
    if (first_root == root)
      return Error(ErrorCode::kRefused,
                   "nothing left for the second part: every change of snapshot " + Short(req.target) +
                       " is in these paths",
                   "name fewer paths");
    Snapshot first = *target;
    SetSnapshotRoot(&first, Merge<TreeId>(first_root));
    if (req.note) first.note = *req.note;
    JVS_ASSIGN_OR_RETURN(SnapshotId first_id, store.WriteSnapshot(first));
    Snapshot second = *target;
    second.parents = {first_id};
    second.change_id = second_change;
    JVS_ASSIGN_OR_RETURN(SnapshotId second_id, store.WriteSnapshot(second));
    Planned p;
    JVS_ASSIGN_OR_RETURN(RebasePlan plan, PlanDescendants(repo, before, {{req.target, second_id}}, {}));
    p.plans.push_back(std::move(plan));
    p.rewrites = ComposeRewrites(p.plans);
    p.rewrites[req.target] = {first_id, second_id};
    p.outcome.first = first_id;
    p.outcome.second = second_id;
    p.outcome.descendants = FinalDescendants(p.plans, {req.target});
    p.description = "split " + Short(req.target) + " into " + Short(first_id) + " and " + Short(second_id);
    if (!p.outcome.descendants.empty())
      p.description += ", " + std::to_string(p.outcome.descendants.size()) + " descendant(s) rebased";
    p.attributes["split"] = req.target.hex();
    return p;
  };
  return RunRewrite(ws, planner, "split");
}

}  // namespace jvs
