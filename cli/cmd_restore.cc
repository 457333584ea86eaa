// jvs restore: bring the worktree (or some paths) to a snapshot, in place.
#include "commands.h"
#include "jvs/repo/operations.h"
#include "jvs/repo/tags.h"

namespace jvs::cli {

namespace {

// restore --abort: the interrupted update of this worktree is taken back as
// `jvs undo` would (its captured dirty files and the head before it); one
// that was never recorded changed nothing and only loses its marker.
void AbortRestore(Context& ctx) {
  auto repo = ctx.OpenRepo(false);
  const std::string name = ctx.ExistingWorktree(*repo);
  // Not OpenWorkspace: that would bring a half-updated worktree "up to date".
  auto ws = Check(Workspace::Open(*repo, name));
  auto pending = Check(ws->InterruptedUpdate());
  if (!pending)
    Fail(ErrorCode::kRefused, "no interrupted restore in worktree " + QuoteName(name) + ": nothing to abort",
         "'jvs status' shows the worktree; 'jvs undo' takes back a restore that finished");
  const std::string target = pending->target.substr(0, 12);
  if (!pending->published) {
    Check(ws->DiscardVoidMarker());
    for (const auto& w : repo->TakeWarnings()) ctx.Warn(w);
    if (ctx.g.json) {
      ctx.PrintJson({{"aborted", true}, {"recorded", false}, {"op_id", nullptr}, {"worktree_name", name}});
      return;
    }
    ctx.Out("The interrupted restore (to " + target + ") was never recorded; nothing had changed\n");
    return;
  }
  ViewUpdate plan = Check(PlanUndo(*repo, name, /*whole_repo=*/false));
  // It must take back exactly the interrupted operation (published on the
  // marker's base), not an older one.
  auto undone = plan.attributes.find("undo_of");
  bool matches = false;
  if (undone != plan.attributes.end() && pending->base) {
    if (auto id = OperationId::FromHex(undone->second); id.ok())
      if (auto op = repo->op_store().ReadOperation(*id); op.ok())
        matches = !op->parents.empty() && op->parents[0] == *pending->base;
  }
  if (!matches)
    Fail(ErrorCode::kRefused,
         "the interrupted restore (to " + target + ") is not the latest operation of worktree " + QuoteName(name) +
             " that can be taken back",
         "finish it with 'jvs restore " + target + "', then 'jvs undo'; 'jvs op log' shows what happened");
  ApplyUpdate(ctx, *repo, *ws, plan, "Aborted the interrupted restore; undid");
}

}  // namespace

void RegisterRestore(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string ref, latest_tag, revision;
    bool abort = false;
    bool verify = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("restore", "Bring the worktree (or only PATHS) to REF in place; dirty changes are saved first");
  auto* ref_opt = cmd->add_option("REF", o->ref, "Snapshot to restore (HEAD: the worktree's latest snapshot)");
  cmd->add_option("-r,--revision", o->revision,
                  "Snapshot to restore, as REF: a reference or a revset naming exactly one snapshot")
      ->excludes(ref_opt);
  cmd->add_flag("--abort", o->abort,
                "Take back a restore that was interrupted (killed, failed, disk full): the files and the head go back "
                "to what they were before it");
  auto* latest = cmd->add_option("--latest-tag", o->latest_tag,
                                 "Restore to the newest snapshot with a tag matching the glob PATTERN (default: any "
                                 "tag), instead of REF")
                     ->expected(0, 1)
                     ->type_name("[PATTERN]");
  cmd->add_flag("--verify", o->verify,
                "Check cloned content against its id too (reads every byte; copied content is always checked)");
  cmd->callback([&ctx, o, latest] {
    if (!o->revision.empty()) o->ref = o->revision;
    const bool by_tag = latest->count() > 0;
    if (o->abort) {
      if (!o->ref.empty() || ctx.has_dashdash || by_tag)
        Fail(ErrorCode::kInvalidArgument, "--abort takes no REF, --latest-tag or paths", "run 'jvs restore --abort' alone");
      AbortRestore(ctx);
      return;
    }
    if (by_tag && !o->ref.empty())
      Fail(ErrorCode::kInvalidArgument, "give REF or --latest-tag, not both",
           "'jvs restore --latest-tag [PATTERN]' picks the snapshot itself; a PATTERN goes right after the option");
    if (o->ref.empty() && !by_tag)
      Fail(ErrorCode::kInvalidArgument, "'jvs restore' needs REF",
           "usage: jvs restore REF, or jvs restore --abort after an interrupted restore; 'jvs restore --help' says "
           "more");
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
    std::optional<TaggedSnapshot> tagged;
    if (by_tag) {
      auto t = LatestTagged(*repo, o->latest_tag);
      if (!t.ok() && t.error().code() == ErrorCode::kNotFound) {
        Error e = std::move(t).error();
        Fail(ErrorCode::kNotFound, e.message(), e.hint() + ("; 'jvs tag set NAME' tags the head"));
      }
      tagged = Check(std::move(t));
    }
    SnapshotId target = tagged ? tagged->id : ctx.Resolve(*repo, ws->name(), ref);
    auto r = Check(ws->Restore(target, paths));
    for (const auto& w : r.warnings) ctx.Warn(w);
    // As the original JVS: the worktree is DETACHED when its head is not its
    // latest snapshot (a worktree that made none yet has no line to leave).
    auto wt = repo->view().worktrees.find(ws->name());
    const bool detached = wt != repo->view().worktrees.end() && wt->second.latest && wt->second.head &&
                          *wt->second.head != *wt->second.latest;
    if (ctx.g.json) {
      json j{{"snapshot_id", r.target.hex()},
             {"captured_snapshot_id", r.captured ? json(r.captured->hex()) : json(nullptr)},
             {"files_written", r.files_written},
             {"files_removed", r.files_removed},
             {"bytes_written", r.bytes_written},
             {"op_id", r.op.hex()},
             {"tag", tagged ? json(tagged->tag) : json(nullptr)},
             {"detached", detached}};
      // The head after the command: the target, or (with PATHS) the head
      // that did not move.
      j["head_snapshot_id"] = wt != repo->view().worktrees.end() && wt->second.head ? json(wt->second.head->hex())
                                                                                     : json(nullptr);
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
           " to " + ctx.Id(*repo, r.target) + (tagged ? " (tag " + QuoteName(tagged->tag) + ")" : std::string()) +
           ": " + std::to_string(r.files_written) + " written, " +
           std::to_string(r.files_removed) + " removed\n";
    out += detached ? "Worktree is now in DETACHED state.\n" : "Worktree is now at HEAD state.\n";
    ctx.Out(out);
  });
}

}  // namespace jvs::cli
