// Abandon (jvs/repo/abandon.h): the descendants moved onto the abandoned
// snapshots' parents, and the view without them.
#include "jvs/repo/abandon.h"

#include <algorithm>

#include "jvs/repo/history.h"
#include "repo/view_commit.h"

namespace jvs {

namespace {

std::string Short(const SnapshotId& id) { return id.hex().substr(0, 12); }

}  // namespace

Result<AbandonOutcome> Abandon(Workspace& ws, const std::vector<SnapshotId>& targets) {
  Repo& repo = ws.repo();
  const std::string name = ws.name();
  AbandonOutcome outcome;
  for (const auto& t : targets)
    if (std::find(outcome.abandoned.begin(), outcome.abandoned.end(), t) == outcome.abandoned.end())
      outcome.abandoned.push_back(t);
  if (outcome.abandoned.empty())
    return Error(ErrorCode::kInvalidArgument, "nothing to abandon", "name the snapshots to abandon");
  // Plans on the latest view (the caller holds the worktree lock).
  auto replan = [&](bool with_files) -> Result<ViewUpdate> {
    const View before = repo.view();
    for (const auto& id : outcome.abandoned) {
      std::vector<std::string> tags = TagsOf(before, id);
      if (!tags.empty())
        return Error(ErrorCode::kRefused, "snapshot " + Short(id) + " is tagged '" + tags.front() + "'",
                     "a tag keeps its snapshot: delete the tag first, or abandon another snapshot");
    }
    RebasePlan plan;
    JVS_ASSIGN_OR_RETURN(plan, PlanDescendants(repo, before, {}, outcome.abandoned));
    outcome.descendants = plan.rebased;
    outcome.worktrees_moved.clear();
    for (const auto& [n, wt] : before.worktrees)
      if (wt.head && (plan.replacement.count(*wt.head) || plan.abandoned.count(*wt.head)))
        outcome.worktrees_moved.push_back(n);
    ViewUpdate u;
    u.description = "abandon " + Short(outcome.abandoned.front());
    if (outcome.abandoned.size() > 1) u.description += " and " + std::to_string(outcome.abandoned.size() - 1) + " more";
    if (!plan.rebased.empty()) u.description += " (" + std::to_string(plan.rebased.size()) + " descendant(s) rebased)";
    u.progress_phase = "abandon";
    for (const auto& id : outcome.abandoned) u.rewrites[id] = {};
    for (const auto& r : plan.rebased) u.rewrites[r.old_id] = {r.new_id};
    std::string ids;
    for (const auto& id : outcome.abandoned) ids += (ids.empty() ? "" : ",") + id.hex();
    u.attributes["abandoned"] = ids;
    u.attributes["rebased"] = std::to_string(plan.rebased.size());
    u.make_view = [plan](View v) -> Result<View> { return ApplyRebase(std::move(v), plan); };
    outcome.captured.reset();
    outcome.carried.reset();
    if (with_files) {
      // The files follow the new head; uncommitted changes are carried onto it.
      u.description += " in worktree " + name;
      const std::optional<SnapshotId> new_head = ApplyRebase(before, plan).worktrees.at(name).head;
      JVS_TRY(CarryDirty(ws, new_head, &u, &outcome.captured, &outcome.carried, &plan.stats));
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

}  // namespace jvs
