// jvs rebase: move snapshots onto new parents (-s SRC with its descendants,
// -r REV alone, -b REV its whole branch) in one operation. Conflicts are
// recorded in the rebased snapshots, never blocking (docs/conflicts.md).
#include "commands.h"
#include "jvs/repo/rebase.h"

namespace jvs::cli {

void RegisterRebase(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string source, revision, branch;
    std::vector<std::string> destinations;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("rebase", "Move snapshots onto another parent (-s with descendants, -r alone, -b the "
                                           "whole branch); conflicts are recorded, never blocking");
  auto* s = cmd->add_option("-s,--source", o->source, "Move this snapshot and all its descendants");
  auto* r = cmd->add_option("-r,--revision", o->revision,
                            "Move only this snapshot; its descendants stay, on its old parents");
  auto* b = cmd->add_option("-b,--branch", o->branch,
                            "Move the whole branch of this snapshot: its ancestors that are not in the "
                            "destination's line, with their descendants");
  s->excludes(r)->excludes(b);
  r->excludes(b);
  cmd->add_option("-d,--destination", o->destinations, "The new parent (repeat for several: a merge)")->required();
  cmd->callback([&ctx, o] {
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    RebaseRequest req;
    if (!o->source.empty()) {
      req.mode = RebaseMode::kSource;
      req.what = ctx.Resolve(*repo, ws->name(), o->source);
    } else if (!o->revision.empty()) {
      req.mode = RebaseMode::kRevision;
      req.what = ctx.Resolve(*repo, ws->name(), o->revision);
    } else if (!o->branch.empty()) {
      req.mode = RebaseMode::kBranch;
      req.what = ctx.Resolve(*repo, ws->name(), o->branch);
    } else {
      Fail(ErrorCode::kInvalidArgument, "say what to move: -s SRC, -r REV or -b REV",
           "'jvs rebase -s SRC -d DEST' moves SRC and its descendants onto DEST");
    }
    for (const auto& d : o->destinations) req.destinations.push_back(ctx.Resolve(*repo, ws->name(), d));
    RebaseOutcome out = Check(Rebase(*ws, req));
    for (const auto& w : out.update.warnings) ctx.Warn(w);
    for (const auto& w : repo->TakeWarnings()) ctx.Warn(w);
    if (ctx.g.json) {
      json rebased = json::array();
      for (const auto& x : out.plan.rebased)
        rebased.push_back(json{{"old", x.old_id.hex()}, {"new", x.new_id.hex()}, {"conflicted", x.conflicted}});
      json moved = json::array();
      for (const auto& w : out.worktrees_moved) moved.push_back(w);
      json j{{"rebased", rebased},
             {"worktrees_moved", moved},
             {"files_updated", out.files_updated},
             {"captured_snapshot_id", out.captured ? json(out.captured->hex()) : json(nullptr)},
             {"files_written", out.update.files_written},
             {"files_removed", out.update.files_removed},
             {"op_id", out.op.hex()}};
      ctx.PrintJson(j);
      return;
    }
    std::string text;
    if (out.captured)
      text += "Saved uncommitted changes as snapshot " + ctx.Id(*repo, *out.captured) + "; they are carried onto the new head\n";
    text += "Rebased " + std::to_string(out.plan.rebased.size()) + " snapshot(s)\n";
    std::string conflicted;
    size_t n_conflicted = 0;
    for (const auto& x : out.plan.rebased) {
      if (!x.conflicted) continue;
      ++n_conflicted;
      conflicted += "  C " + ctx.Id(*repo, x.new_id) + " (was " + ctx.Id(*repo, x.old_id) + ")\n";
    }
    if (n_conflicted)
      text += std::to_string(n_conflicted) + " of them now hold conflicts (recorded, resolve them later):\n" + conflicted;
    for (const auto& w : out.worktrees_moved) {
      if (w == ws->name() && out.files_updated) {
        text += "Worktree " + QuoteName(w) + " follows: " + std::to_string(out.update.files_written) + " written, " +
                std::to_string(out.update.files_removed) + " removed\n";
      } else {
        text += "Worktree " + QuoteName(w) + " moved; its files follow on its next command\n";
      }
    }
    text += "'jvs undo' takes the rebase back.\n";
    ctx.Out(text);
  });
}

}  // namespace jvs::cli
