// jvs restore: bring the worktree (or some paths) to a snapshot, in place.
#include "commands.h"

namespace jvs::cli {

void RegisterRestore(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string ref;
    bool verify = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("restore", "Bring the worktree (or only PATHS) to REF in place; dirty changes are saved first");
  cmd->add_option("REF", o->ref, "Snapshot to restore (HEAD: the worktree's latest snapshot)")->required();
  cmd->add_flag("--verify", o->verify,
                 "Check cloned content against its id too (reads every byte; copied content is always checked)");
  cmd->callback([&ctx, o] {
    ctx.paths_used = true;
    ctx.settings.verify_clones = o->verify;
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    std::vector<RepoPath> paths;
    for (const auto& p : ctx.paths) paths.push_back(ctx.ToRepoPath(*ws, p));
    if (ctx.has_dashdash && paths.empty())
      Fail(ErrorCode::kInvalidArgument, "no paths after '--'", "name the paths to restore, or drop '--'");
    // As in JVS, `restore HEAD` returns to the worktree's latest snapshot; a
    // worktree that made none yet (a new fork) has its head for it.
    std::string ref = o->ref;
    if (ref == "HEAD") {
      auto it = repo->view().worktrees.find(ws->name());
      ref = it != repo->view().worktrees.end() && it->second.latest ? "latest" : "@";
    }
    SnapshotId target = ctx.Resolve(*repo, ws->name(), ref);
    auto r = Check(ws->Restore(target, paths));
    for (const auto& w : r.warnings) ctx.Warn(w);
    if (ctx.g.json) {
      json j{{"snapshot_id", r.target.hex()},
             {"captured_snapshot_id", r.captured ? json(r.captured->hex()) : json(nullptr)},
             {"files_written", r.files_written},
             {"files_removed", r.files_removed},
             {"bytes_written", r.bytes_written},
             {"operation_id", r.op.hex()}};
      SetNameJson(j, "worktree_name", ws->name());
      SetNamesJson(j, "paths", ctx.paths);
      ctx.PrintJson(j);
      return;
    }
    std::string out;
    if (r.captured)
      out += "Saved uncommitted changes as snapshot " + ctx.Id(*repo, *r.captured) +
             " (bring them back with 'jvs restore " + repo->ShortId(*r.captured) + "' or 'jvs restore HEAD')\n";
    out += (paths.empty() ? "Restored worktree " + QuoteName(ws->name()) : "Restored " + std::to_string(paths.size()) + " path(s) in worktree " + QuoteName(ws->name())) +
           " to " + ctx.Id(*repo, r.target) + ": " + std::to_string(r.files_written) + " written, " +
           std::to_string(r.files_removed) + " removed\n";
    ctx.Out(out);
  });
}

}  // namespace jvs::cli
