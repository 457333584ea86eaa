// jvs abandon: hide snapshots (Jujutsu's `jj abandon`). One operation: the
// snapshots leave the visible history, their descendants are rebased onto
// their parents, and worktrees whose head was abandoned stand at its parent
// (here the files follow, uncommitted changes carried).
#include "commands.h"
#include "jvs/base/change_id.h"
#include "jvs/repo/abandon.h"

namespace jvs::cli {

void RegisterAbandon(CLI::App& app, Context& ctx) {
  auto refs = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("abandon", "Hide snapshots from the history; their descendants move onto their "
                                            "parents");
  cmd->add_option("REFS", *refs, "The snapshots to abandon: references or revsets (default: @, the worktree's head)");
  cmd->callback([&ctx, refs] {
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    std::vector<std::string> names = *refs;
    if (names.empty()) names.push_back("@");
    std::vector<SnapshotId> targets;
    // Each argument is a revset (a plain reference is one): every snapshot it names.
    for (const auto& r : names) {
      const std::vector<SnapshotId> ids = EvaluateRevsetOrFail(ctx, *repo, ws->name(), r);
      if (ids.empty())
        Fail(ErrorCode::kNotFound, "the revset '" + r + "' names no snapshot",
             "'jvs history -r REVSET' shows what a revset names");
      for (const auto& id : ids)
        if (std::find(targets.begin(), targets.end(), id) == targets.end()) targets.push_back(id);
    }
    // Read before: what each abandoned snapshot was (for the report).
    std::vector<std::shared_ptr<const Snapshot>> snaps;
    for (const auto& t : targets) snaps.push_back(Check(repo->ReadSnapshot(t)));
    AbandonOutcome out = Check(Abandon(*ws, targets));
    for (const auto& w : out.update.warnings) ctx.Warn(w);
    for (const auto& w : repo->TakeWarnings()) ctx.Warn(w);
    size_t conflicted = 0;
    for (const auto& d : out.descendants) conflicted += d.conflicted ? 1 : 0;
    if (ctx.g.json) {
      json abandoned = json::array();
      for (const auto& id : out.abandoned) abandoned.push_back(id.hex());
      json rebased = json::array();
      for (const auto& x : out.descendants)
        rebased.push_back(json{{"old", x.old_id.hex()}, {"new", x.new_id.hex()}, {"conflicted", x.conflicted}});
      const auto& head = repo->view().worktrees.at(ws->name()).head;
      ctx.PrintJson(json{{"abandoned", abandoned},
                         {"rebased", rebased},
                         {"worktrees_moved", out.worktrees_moved},
                         {"head", head ? json(head->hex()) : json(nullptr)},
                         {"files_updated", out.files_updated},
                         {"captured_snapshot_id", out.captured ? json(out.captured->hex()) : json(nullptr)},
                         {"files_written", out.update.files_written},
                         {"files_removed", out.update.files_removed},
                         {"op_id", out.op.hex()}});
      return;
    }
    std::string text;
    for (size_t i = 0; i < out.abandoned.size(); ++i) {
      const Snapshot& s = *Check(repo->ReadSnapshot(out.abandoned[i]));
      text += "Abandoned " + ctx.Id(*repo, out.abandoned[i]) + " " +
              ChangeIdToReverseHex(s.change_id).value_or(s.change_id).substr(0, 8) +
              (s.note.empty() ? std::string(" (no note)") : " \"" + NoteSummary(s.note) + "\"") + "\n";
    }
    if (!out.descendants.empty()) {
      text += "Rebased " + std::to_string(out.descendants.size()) + " descendant(s) onto the parents";
      if (conflicted) text += " (" + std::to_string(conflicted) + " now record a conflict)";
      text += "\n";
    }
    if (out.files_updated) {
      const auto& head = repo->view().worktrees.at(ws->name()).head;
      text += "The worktree's head is now " + (head ? ctx.Id(*repo, *head) : std::string("empty (no snapshot)")) +
              "; files: " + std::to_string(out.update.files_written) + " written, " +
              std::to_string(out.update.files_removed) + " removed\n";
      if (out.captured)
        text += "Uncommitted changes were saved as snapshot " + ctx.Id(*repo, *out.captured) +
                " and carried onto the new head\n";
    }
    for (const auto& w : out.worktrees_moved) {
      if (w == ws->name()) continue;
      text += "Worktree " + QuoteName(w) + " moved; its files follow on its next command\n";
    }
    text += "'jvs undo' takes it back.\n";
    ctx.Out(text);
  });
}

}  // namespace jvs::cli
