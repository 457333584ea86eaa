// jvs squash and jvs split: move changes between snapshots (Jujutsu's
// `jj squash` and `jj split`), each one operation that undo takes back.
#include "commands.h"
#include "jvs/base/change_id.h"
#include "jvs/repo/squash.h"

namespace jvs::cli {

namespace {

// The report both commands share.
void Report(Context& ctx, Repo& repo, Workspace& ws, const RewriteOutcome& out, const std::string& verb,
            const std::string& text_head) {
  for (const auto& w : out.update.warnings) ctx.Warn(w);
  for (const auto& w : repo.TakeWarnings()) ctx.Warn(w);
  if (ctx.g.json) {
    json rebased = json::array();
    for (const auto& x : out.descendants)
      rebased.push_back(json{{"old", x.old_id.hex()}, {"new", x.new_id.hex()}, {"conflicted", x.conflicted}});
    json j{{"rebased", rebased},
           {"worktrees_moved", out.worktrees_moved},
           {"files_updated", out.files_updated},
           {"captured_snapshot_id", out.captured ? json(out.captured->hex()) : json(nullptr)},
           {"files_written", out.update.files_written},
           {"files_removed", out.update.files_removed},
           {"op_id", out.op.hex()}};
    if (verb == "squash") {
      j["snapshot_id"] = out.first.hex();
      j["source_snapshot_id"] = out.second ? json(out.second->hex()) : json(nullptr);
      j["source_abandoned"] = !out.second.has_value();
      j["conflicted"] = out.conflicted;
    } else {
      j["first_snapshot_id"] = out.first.hex();
      j["second_snapshot_id"] = out.second ? json(out.second->hex()) : json(nullptr);
    }
    ctx.PrintJson(j);
    return;
  }
  std::string text = text_head;
  if (out.captured)
    text += "Uncommitted changes were saved as snapshot " + ctx.Id(repo, *out.captured) +
            " and carried onto the new head\n";
  size_t conflicted = 0;
  for (const auto& d : out.descendants) conflicted += d.conflicted ? 1 : 0;
  if (!out.descendants.empty()) {
    text += "Rebased " + std::to_string(out.descendants.size()) + " descendant(s)";
    if (conflicted) text += " (" + std::to_string(conflicted) + " now record a conflict)";
    text += "\n";
  }
  for (const auto& w : out.worktrees_moved) {
    if (w == ws.name()) {
      text += out.files_updated ? "Worktree " + QuoteName(w) + " follows: " + std::to_string(out.update.files_written) +
                                      " written, " + std::to_string(out.update.files_removed) + " removed\n"
                                : "Worktree " + QuoteName(w) + " moved; its files are unchanged (same tree)\n";
    } else {
      text += "Worktree " + QuoteName(w) + " moved; its files follow on its next command\n";
    }
  }
  text += "'jvs undo' takes it back.\n";
  ctx.Out(text);
}

std::vector<RepoPath> Paths(Context& ctx, Workspace& ws) {
  std::vector<RepoPath> paths;
  for (const auto& p : ctx.paths) paths.push_back(ctx.ToRepoPath(ws, p));
  return paths;
}

}  // namespace

void RegisterSquash(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string from, into, message;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("squash", "Move the changes of a snapshot (default: the head) into another "
                                           "(default: its parent); -- PATHS moves only those");
  cmd->add_option("--from", o->from, "The snapshot whose changes move (default: @, the worktree's head)");
  cmd->add_option("--into", o->into, "The snapshot that receives them (default: the parent of --from)");
  auto* m = cmd->add_option("-m,--message", o->message, "The destination's new note (default: both notes joined)");
  cmd->callback([&ctx, o, m] {
    ctx.paths_used = true;
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    SquashRequest req;
    req.from = ctx.Resolve(*repo, ws->name(), o->from.empty() ? "@" : o->from);
    if (!o->into.empty()) req.into = ctx.Resolve(*repo, ws->name(), o->into);
    req.paths = Paths(ctx, *ws);
    if (ctx.has_dashdash && req.paths.empty())
      Fail(ErrorCode::kInvalidArgument, "no paths after '--'", "name the paths whose changes move, or drop '--'");
    if (m->count()) req.note = o->message;
    RewriteOutcome out = Check(Squash(*ws, req));
    std::string head = "Squashed " + ctx.Id(*repo, req.from) + " into " + ctx.Id(*repo, out.first);
    if (out.conflicted) head += " (it now records a conflict: 'jvs resolve --list' once it is a head)";
    head += "\n";
    head += out.second ? "The source remains as " + ctx.Id(*repo, *out.second) + " with the rest of its changes\n"
                       : "The source is now empty and was abandoned\n";
    Report(ctx, *repo, *ws, out, "squash", head);
  });
}

void RegisterSplit(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string ref, message;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("split", "Cut a snapshot (default: the head) in two: the changes of PATHS "
                                          "first, the rest on top");
  cmd->add_option("REF", o->ref, "The snapshot to split (default: @, the worktree's head)");
  auto* m = cmd->add_option("-m,--message", o->message, "The first part's note (default: the snapshot's)");
  cmd->callback([&ctx, o, m] {
    ctx.paths_used = true;
    if (ctx.paths.empty())
      Fail(ErrorCode::kInvalidArgument, "split needs the paths whose changes go to the first part",
           "for example: jvs split -- data/ (the rest stays in a second snapshot on top)");
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    SplitRequest req;
    req.target = ctx.Resolve(*repo, ws->name(), o->ref.empty() ? "@" : o->ref);
    req.paths = Paths(ctx, *ws);
    if (m->count()) req.note = o->message;
    RewriteOutcome out = Check(Split(*ws, req));
    std::string head = "Split " + ctx.Id(*repo, req.target) + " into " + ctx.Id(*repo, out.first) + " (" +
                       std::to_string(req.paths.size()) + " path(s)) and " + ctx.Id(*repo, *out.second) +
                       " (the rest, a new change)\n";
    Report(ctx, *repo, *ws, out, "split", head);
  });
}

}  // namespace jvs::cli
