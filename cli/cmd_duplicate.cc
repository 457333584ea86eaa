// jvs duplicate: copies of snapshots with new change ids (Jujutsu's
// `jj duplicate`), optionally onto other parents. One operation; no file
// changes.
#include "commands.h"
#include "jvs/base/change_id.h"
#include "jvs/repo/duplicate.h"

namespace jvs::cli {

void RegisterDuplicate(CLI::App& app, Context& ctx) {
  struct Opts {
    std::vector<std::string> refs, destinations;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("duplicate", "Copy snapshots as new changes (default: the head), on their own "
                                              "parents or onto -d DEST");
  cmd->add_option("REFS", o->refs, "The snapshots to copy: references or revsets (default: @); a hidden version works too");
  cmd->add_option("-d,--destination", o->destinations, "The copies' new parents (repeatable)");
  cmd->callback([&ctx, o] {
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    std::vector<std::string> names = o->refs;
    if (names.empty()) names.push_back("@");
    std::vector<SnapshotId> targets, dests;
    // Each argument is a revset (a plain reference is one): every snapshot it names.
    for (const auto& r : names) {
      const std::vector<SnapshotId> ids = EvaluateRevsetOrFail(ctx, *repo, ws->name(), r);
      if (ids.empty())
        Fail(ErrorCode::kNotFound, "the revset '" + r + "' names no snapshot",
             "'jvs history -r REVSET' shows what a revset names");
      for (const auto& id : ids)
        if (std::find(targets.begin(), targets.end(), id) == targets.end()) targets.push_back(id);
    }
    for (const auto& d : o->destinations) dests.push_back(ctx.Resolve(*repo, ws->name(), d));
    DuplicateOutcome out = Check(Duplicate(*ws, targets, dests));
    for (const auto& w : repo->TakeWarnings()) ctx.Warn(w);
    if (ctx.g.json) {
      json copies = json::array();
      for (const auto& c : out.copies) {
        auto s = Check(repo->ReadSnapshot(c.new_id));
        copies.push_back(json{{"old", c.old_id.hex()},
                              {"new", c.new_id.hex()},
                              {"change_id", ChangeIdToReverseHex(s->change_id).value_or(s->change_id)},
                              {"conflicted", c.conflicted}});
      }
      ctx.PrintJson(json{{"duplicated", copies}, {"op_id", out.op.hex()}});
      return;
    }
    const ChangeIndex changes = Check(ChangeIndex::Build(*repo));
    std::string text;
    for (const auto& c : out.copies) {
      auto s = Check(repo->ReadSnapshot(c.new_id));
      text += "Duplicated " + ctx.Id(*repo, c.old_id) + " as " + ctx.Id(*repo, c.new_id) + " " +
              ctx.ChangeId(changes, s->change_id) +
              (s->note.empty() ? std::string() : " \"" + NoteSummary(s->note) + "\"") +
              (c.conflicted ? " (records a conflict)" : "") + "\n";
    }
    text += "'jvs undo' takes it back.\n";
    ctx.Out(text);
  });
}

}  // namespace jvs::cli
