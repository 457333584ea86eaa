// Rebase (jvs/repo/rebase.h): which snapshots move, their new parents, their
// new roots, and the view that replaces the old ones with them.
// Just over 400 lines on purpose: planning (what moves where) and applying
// (new roots, the view, pins following rewrites) share the plan's maps and
// are checked against each other; apart they would only pass those around.
#include "jvs/repo/rebase.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "jvs/base/dag_walk.h"
#include "jvs/merge/materialize.h"
#include "jvs/merge/merge_base_trees.h"
#include "repo/ancestry.h"
#include "repo/view_commit.h"

namespace jvs {

namespace {

std::string Short(const SnapshotId& id) { return id.hex().substr(0, 12); }

using IdSet = std::unordered_set<SnapshotId, IdHash>;

// The snapshots visible from a view's heads, worktrees and tags, with their
// parents and children.
struct Graph {
  std::unordered_map<SnapshotId, std::shared_ptr<const Snapshot>, IdHash> snaps;
  std::unordered_map<SnapshotId, std::vector<SnapshotId>, IdHash> children;
  std::vector<SnapshotId> order;  // breadth-first from the starts

  const std::vector<SnapshotId>& Parents(const SnapshotId& id) const { return snaps.at(id)->parents; }
  // `from` and everything below it.
  std::vector<SnapshotId> Descendants(const std::vector<SnapshotId>& from) const {
    std::vector<SnapshotId> out;
    BreadthFirstWalk<SnapshotId, IdHash> walk(from);
    while (auto n = walk.Next()) {
      if (auto it = children.find(*n); it != children.end())
        for (const auto& c : it->second) walk.Add(c);
      out.push_back(*n);
    }
    return out;
  }
  IdSet Ancestors(const std::vector<SnapshotId>& from) const {
    IdSet out;
    BreadthFirstWalk<SnapshotId, IdHash> walk(from);
    while (auto n = walk.Next()) {
      out.insert(*n);
      if (auto it = snaps.find(*n); it != snaps.end())
        for (const auto& p : it->second->parents) walk.Add(p);
    }
    return out;
  }
};

Result<Graph> VisibleGraph(Repo& repo, const View& view, const std::vector<SnapshotId>& extra) {
  std::vector<SnapshotId> starts = view.heads;
  for (const auto& [name, wt] : view.worktrees) {
    if (wt.head) starts.push_back(*wt.head);
    if (wt.latest) starts.push_back(*wt.latest);
  }
  for (const auto& [name, id] : view.tags) starts.push_back(id);
  starts.insert(starts.end(), extra.begin(), extra.end());
  Graph g;
  BreadthFirstWalk<SnapshotId, IdHash> walk(starts);
  while (auto n = walk.Next()) {
    JVS_ASSIGN_OR_RETURN(auto snap, repo.ReadSnapshot(*n));
    for (const auto& p : snap->parents) {
      walk.Add(p);
      auto& c = g.children[p];
      if (std::find(c.begin(), c.end(), *n) == c.end()) c.push_back(*n);
    }
    g.snaps.emplace(*n, std::move(snap));
    g.order.push_back(*n);
  }
  return g;
}

void AddUnique(std::vector<SnapshotId>* v, const SnapshotId& id) {
  if (std::find(v->begin(), v->end(), id) == v->end()) v->push_back(id);
}

}  // namespace

Result<Snapshot> RewriteOnto(Repo& repo, const Snapshot& old, const std::vector<SnapshotId>& parents,
                             TreeMergeStats* stats) {
  Store& store = repo.store();
  const ContentMerger merger = TextContentMerger(store);
  Repo* r = &repo;
  const CommonAncestors common = [r](const std::vector<SnapshotId>& a, const std::vector<SnapshotId>& b) {
    return CommonAncestorsOf(*r, a, b);
  };
  JVS_ASSIGN_OR_RETURN(Merge<TreeId> old_base, MergeBaseTrees(store, old.parents, common, merger, stats));
  JVS_ASSIGN_OR_RETURN(Merge<TreeId> new_base, MergeBaseTrees(store, parents, common, merger, stats));
  Merge<TreeId> root = SnapshotRoot(old);
  if (!(old_base == new_base)) {
    auto nested = Merge<Merge<TreeId>>::FromTerms({new_base, old_base, root});
    JVS_ASSIGN_OR_RETURN(root, MergeTrees(store, nested.Flatten().Simplify(), merger, stats));
  }
  Snapshot s = old;  // change id, note, author, time, worktree and engine stay
  s.parents = parents;
  SetSnapshotRoot(&s, root);
  return s;
}

Result<RebasePlan> PlanRebase(Repo& repo, const View& view, const RebaseRequest& request) {
  if (request.destinations.empty())
    return Error(ErrorCode::kInvalidArgument, "a rebase needs a destination", "name the new parent");
  std::vector<SnapshotId> extra = request.destinations;
  extra.push_back(request.what);
  JVS_ASSIGN_OR_RETURN(Graph g, VisibleGraph(repo, view, extra));

  // 1. What moves: the roots that get the destinations as parents, and the set
  //    that is rewritten (the roots and their descendants).
  std::vector<SnapshotId> roots;
  switch (request.mode) {
    case RebaseMode::kSource:
    case RebaseMode::kRevision:
      roots.push_back(request.what);
      break;
    case RebaseMode::kBranch: {
      const IdSet in_dest = g.Ancestors(request.destinations);
      const IdSet in_rev = g.Ancestors({request.what});
      for (const auto& id : g.order) {
        if (!in_rev.count(id) || in_dest.count(id)) continue;
        bool root = true;
        for (const auto& p : g.Parents(id))
          if (in_rev.count(p) && !in_dest.count(p)) root = false;
        if (root) roots.push_back(id);
      }
      if (roots.empty())
        return Error(ErrorCode::kRefused,
                     "nothing to move: snapshot " + Short(request.what) + " is already in the line of the destination",
                     "name a snapshot of another line");
      break;
    }
  }
  std::vector<SnapshotId> moving = g.Descendants(roots);
  IdSet in_set(moving.begin(), moving.end());
  for (const auto& d : request.destinations) {
    const bool cycle = request.mode == RebaseMode::kRevision ? d == request.what : in_set.count(d) > 0;
    if (cycle)
      return Error(ErrorCode::kRefused,
                   "cannot rebase onto " + Short(d) + ": it is " +
                       (d == request.what ? std::string("the snapshot being moved")
                                          : "a descendant of " + Short(request.what) + ", which moves with it"),
                   "choose a destination outside the snapshots that move");
  }

  // 2. Each rewritten snapshot's new parents, as old ids (mapped once the
  //    parents are rewritten).
  const std::set<SnapshotId> root_set(roots.begin(), roots.end());
  std::unordered_map<SnapshotId, std::vector<SnapshotId>, IdHash> wanted;
  for (const auto& id : moving) {
    std::vector<SnapshotId> ps;
    if (root_set.count(id)) {
      for (const auto& d : request.destinations) AddUnique(&ps, d);
    } else {
      for (const auto& p : g.Parents(id)) {
        if (request.mode == RebaseMode::kRevision && p == request.what) {
          for (const auto& pp : g.Parents(p)) AddUnique(&ps, pp);
        } else {
          AddUnique(&ps, p);
        }
      }
    }
    wanted[id] = std::move(ps);
  }

  // 3. Parents first (Kahn's order over the new parent edges inside the set).
  std::unordered_map<SnapshotId, int, IdHash> pending;
  std::unordered_map<SnapshotId, std::vector<SnapshotId>, IdHash> dependents;
  for (const auto& id : moving) {
    pending[id] = 0;
    for (const auto& p : wanted[id])
      if (in_set.count(p)) {
        ++pending[id];
        dependents[p].push_back(id);
      }
  }
  std::deque<SnapshotId> ready;
  for (const auto& id : moving)
    if (pending[id] == 0) ready.push_back(id);
  std::vector<SnapshotId> order;
  while (!ready.empty()) {
    SnapshotId id = ready.front();
    ready.pop_front();
    order.push_back(id);
    for (const auto& d : dependents[id])
      if (--pending[d] == 0) ready.push_back(d);
  }
  if (order.size() != moving.size())
    return Error(ErrorCode::kRefused, "the rebase would make a cycle in the history",
                 "choose a destination outside the snapshots that move");

  // 4. The new snapshots: S + (merge(new parents) - merge(old parents)).
  RebasePlan plan;
  for (const auto& id : order) {
    const Snapshot& old = *g.snaps.at(id);
    std::vector<SnapshotId> parents;
    for (const auto& p : wanted[id]) {
      auto it = plan.replacement.find(p);
      AddUnique(&parents, it == plan.replacement.end() ? p : it->second);
    }
    if (parents == old.parents) continue;  // already in place (and so is its subtree, unless moved)
    JVS_ASSIGN_OR_RETURN(Snapshot s, RewriteOnto(repo, old, parents, &plan.stats));
    JVS_ASSIGN_OR_RETURN(SnapshotId nid, repo.store().WriteSnapshot(s));
    plan.replacement[id] = nid;
    plan.new_parents[nid] = parents;
    plan.rebased.push_back({id, nid, s.conflicted()});
  }
  if (plan.rebased.empty())
    return Error(ErrorCode::kRefused,
                 "nothing to rebase: " + Short(request.what) + " is already on " +
                     (request.destinations.size() == 1 ? Short(request.destinations[0]) : "those destinations"),
                 "choose another destination");

  // 5. Old parents that lose their last visible child stay visible as heads.
  View after = ApplyRebase(view, plan);
  JVS_ASSIGN_OR_RETURN(Graph kept, VisibleGraph(repo, after, {}));
  for (const auto& [old_id, new_id] : plan.replacement)
    for (const auto& p : g.Parents(old_id))
      if (!plan.replacement.count(p) && !kept.snaps.count(p)) AddUnique(&plan.keep_visible, p);
  return plan;
}

Result<RebasePlan> PlanDescendants(Repo& repo, const View& view, const std::map<SnapshotId, SnapshotId>& rewritten,
                                   const std::vector<SnapshotId>& abandoned) {
  std::vector<SnapshotId> roots;
  for (const auto& [old_id, new_id] : rewritten) roots.push_back(old_id);
  roots.insert(roots.end(), abandoned.begin(), abandoned.end());
  JVS_ASSIGN_OR_RETURN(Graph g, VisibleGraph(repo, view, {}));
  for (const auto& id : roots)
    if (!g.snaps.count(id))
      return Error(ErrorCode::kRefused,
                   "snapshot " + Short(id) + " is not visible (it was rewritten or abandoned, or only the operation "
                   "log keeps it)",
                   "name the current version of its change (its change id names it)");
  const IdSet gone(abandoned.begin(), abandoned.end());
  RebasePlan plan;
  for (const auto& [old_id, new_id] : rewritten) {
    plan.replacement[old_id] = new_id;
    JVS_ASSIGN_OR_RETURN(auto s, repo.ReadSnapshot(new_id));
    plan.new_parents[new_id] = s->parents;
  }
  // A parent as the rewritten history has it: its new version, or for an
  // abandoned one its own parents (recursively), in order, without repeats.
  std::function<void(const SnapshotId&, std::vector<SnapshotId>*)> resolve;
  resolve = [&](const SnapshotId& p, std::vector<SnapshotId>* out) {
    if (gone.count(p)) {
      for (const auto& pp : g.Parents(p)) resolve(pp, out);
      return;
    }
    auto it = plan.replacement.find(p);
    AddUnique(out, it == plan.replacement.end() ? p : it->second);
  };
  // The descendants, parents before children (Kahn's order inside the set).
  std::vector<SnapshotId> below = g.Descendants(roots);
  IdSet moving(below.begin(), below.end());
  std::unordered_map<SnapshotId, int, IdHash> pending;
  for (const auto& id : below)
    for (const auto& p : g.Parents(id))
      if (moving.count(p)) ++pending[id];
  std::deque<SnapshotId> ready;
  for (const auto& id : below)
    if (pending[id] == 0) ready.push_back(id);
  std::vector<SnapshotId> order;
  while (!ready.empty()) {
    SnapshotId id = ready.front();
    ready.pop_front();
    order.push_back(id);
    if (auto it = g.children.find(id); it != g.children.end())
      for (const auto& c : it->second)
        if (moving.count(c) && --pending[c] == 0) ready.push_back(c);
  }
  for (const auto& id : order) {
    if (gone.count(id) || rewritten.count(id)) continue;
    const Snapshot& old = *g.snaps.at(id);
    std::vector<SnapshotId> parents;
    for (const auto& p : old.parents) resolve(p, &parents);
    if (parents == old.parents) continue;
    JVS_ASSIGN_OR_RETURN(Snapshot s, RewriteOnto(repo, old, parents, &plan.stats));
    JVS_ASSIGN_OR_RETURN(SnapshotId nid, repo.store().WriteSnapshot(s));
    plan.replacement[id] = nid;
    plan.new_parents[nid] = parents;
    plan.rebased.push_back({id, nid, s.conflicted()});
  }
  for (const auto& a : abandoned) {
    std::vector<SnapshotId> parents;
    for (const auto& p : g.Parents(a)) resolve(p, &parents);
    plan.abandoned[a] = std::move(parents);
  }
  // Parents that lose their last visible child stay visible as heads.
  View after = ApplyRebase(view, plan);
  JVS_ASSIGN_OR_RETURN(Graph kept, VisibleGraph(repo, after, {}));
  auto keep = [&](const SnapshotId& p) {
    if (!kept.snaps.count(p) && !gone.count(p) && !plan.replacement.count(p)) AddUnique(&plan.keep_visible, p);
  };
  for (const auto& [old_id, new_id] : plan.replacement)
    for (const auto& p : g.Parents(old_id)) keep(p);
  for (const auto& [a, parents] : plan.abandoned)
    for (const auto& p : parents) keep(p);
  return plan;
}

View ApplyRebase(View view, const RebasePlan& plan) {
  auto map = [&plan](const SnapshotId& id) {
    auto it = plan.replacement.find(id);
    return it == plan.replacement.end() ? id : it->second;
  };
  std::vector<SnapshotId> added, replaced;
  for (const auto& [id, parents] : plan.abandoned) replaced.push_back(id);
  for (const auto& [old_id, new_id] : plan.replacement) {
    replaced.push_back(old_id);
    added.push_back(new_id);
  }
  for (const auto& [id, parents] : plan.new_parents) replaced.insert(replaced.end(), parents.begin(), parents.end());
  // A new snapshot that is the new parent of another is not a head.
  std::vector<SnapshotId> heads;
  for (const auto& id : added)
    if (std::find(replaced.begin(), replaced.end(), id) == replaced.end()) heads.push_back(id);
  AddHeads(&view, heads, replaced);
  AddHeads(&view, plan.keep_visible, {});
  // A worktree whose snapshot was abandoned stands at its first parent.
  auto follow = [&](std::optional<SnapshotId>& slot) {
    if (!slot) return;
    if (auto it = plan.abandoned.find(*slot); it != plan.abandoned.end()) {
      slot = it->second.empty() ? std::nullopt : std::optional<SnapshotId>(it->second.front());
    } else {
      slot = map(*slot);
    }
  };
  for (auto& [name, wt] : view.worktrees) {
    follow(wt.head);
    follow(wt.latest);
  }
  for (auto& [name, id] : view.tags) id = map(id);
  // A pinned snapshot (saved uncommitted changes) that was rewritten is
  // pinned as its new version, one that was abandoned no longer (the
  // operations that saved them keep the old versions for undo and gc).
  std::vector<SnapshotId> pins;
  for (const auto& p : view.pins)
    if (!plan.abandoned.count(p)) pins.push_back(map(p));
  view.pins.clear();
  for (const auto& p : pins) AddPin(&view, p);
  // User pins likewise follow their snapshot to its new version.
  std::map<SnapshotId, PinRecord> user_pins;
  for (const auto& [id, rec] : view.user_pins)
    if (!plan.abandoned.count(id)) user_pins[map(id)] = rec;
  view.user_pins = std::move(user_pins);
  return view;
}

Result<RebaseOutcome> Rebase(Workspace& ws, const RebaseRequest& request) {
  Repo& repo = ws.repo();
  const std::string name = ws.name();
  RebaseOutcome outcome;
  auto describe = [&outcome, &request]() {
    std::string d = "rebase " + std::to_string(outcome.plan.rebased.size()) + " snapshot(s) onto ";
    for (size_t i = 0; i < request.destinations.size(); ++i) d += (i ? ", " : "") + Short(request.destinations[i]);
    size_t conflicted = 0;
    for (const auto& r : outcome.plan.rebased) conflicted += r.conflicted ? 1 : 0;
    if (conflicted) d += " (" + std::to_string(conflicted) + " conflicted)";
    return d;
  };
  // Plans on the latest view (the caller holds the worktree lock); `with_files`:
  // this worktree's head moves, and its dirty files move with it.
  auto replan = [&](bool with_files) -> Result<ViewUpdate> {
    const View before = repo.view();
    JVS_ASSIGN_OR_RETURN(outcome.plan, PlanRebase(repo, before, request));
    outcome.worktrees_moved.clear();
    for (const auto& [n, wt] : before.worktrees)
      if (wt.head && outcome.plan.replacement.count(*wt.head)) outcome.worktrees_moved.push_back(n);
    ViewUpdate u;
    u.description = describe() + (with_files ? " in worktree " + name : "");
    u.progress_phase = "rebase";
    for (const auto& r : outcome.plan.rebased) u.rewrites[r.old_id] = {r.new_id};
    u.attributes["rebased"] = std::to_string(outcome.plan.rebased.size());
    const RebasePlan p = outcome.plan;
    u.make_view = [p](View v) -> Result<View> { return ApplyRebase(std::move(v), p); };
    std::optional<SnapshotId> saved, carried;
    if (with_files) {
      // Dirty files are saved on the old head, and carried onto the new one
      // (as Jujutsu rebases its working-copy commit): the files become the
      // new head plus the same uncommitted changes.
      const SnapshotId new_head = outcome.plan.replacement.at(*before.worktrees.at(name).head);
      JVS_TRY(CarryDirty(ws, new_head, &u, &saved, &carried, &outcome.plan.stats));
    }
    outcome.carried = carried;
    outcome.captured = saved;
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

}  // namespace jvs
