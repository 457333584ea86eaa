// jvs describe: give a snapshot a new note (Jujutsu's `jj describe`). One
// operation: the snapshot is rewritten with the same change id, its visible
// descendants move onto the new version, and the worktrees and tags that
// named a rewritten snapshot follow; no file changes.
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

#include "commands.h"
#include "jvs/base/change_id.h"
#include "jvs/repo/describe.h"

namespace jvs::cli {

void RegisterDescribe(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string ref, message, file;
    bool has_message = false;
    bool new_change_id = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("describe", "Change the note of a snapshot (default: the worktree's head); its "
                                             "descendants follow, with the same change ids");
  cmd->add_option("REF", o->ref, "The snapshot to describe (default: @, the worktree's head)");
  auto* m = cmd->add_option("-m,--message", o->message, "The new note (may be empty)");
  auto* f = cmd->add_option("-F,--file", o->file, "Read the new note from FILE ('-': stdin)");
  m->excludes(f);
  cmd->add_flag("--new-change-id", o->new_change_id,
                "Give the snapshot a new change id (it leaves its change; resolves a divergent change); the note "
                "stays unless -m or -F is given");
  cmd->callback([&ctx, o, m, f] {
    std::optional<std::string> note;
    if (m->count()) {
      note = o->message;
    } else if (f->count()) {
      std::string text;
      if (o->file == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      } else {
        std::ifstream in(ctx.cwd / o->file, std::ios::binary);
        if (!in)
          Fail(ErrorCode::kNotFound, "cannot read note file '" + o->file + "'", "give a readable file, or -m NOTE");
        std::ostringstream ss;
        ss << in.rdbuf();
        text = ss.str();
      }
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      note = text;
    } else if (!o->new_change_id) {
      Fail(ErrorCode::kInvalidArgument, "give the new note with -m NOTE or -F FILE",
           "for example: jvs describe -m \"better note\" (an empty note: -m \"\"); --new-change-id alone gives "
           "the snapshot a new change id");
    }
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    const SnapshotId target = ctx.Resolve(*repo, ws->name(), o->ref.empty() ? "@" : o->ref);
    DescribeOptions opts;
    opts.note = note;
    opts.new_change_id = o->new_change_id;
    DescribeOutcome out = Check(Describe(*ws, target, opts));
    for (const auto& w : repo->TakeWarnings()) ctx.Warn(w);
    auto snap = Check(repo->ReadSnapshot(out.new_id));
    const std::string& final_note = snap->note;
    const std::string change = ChangeIdToReverseHex(snap->change_id).value_or(snap->change_id);
    if (ctx.g.json) {
      json descendants = json::array();
      for (const auto& x : out.descendants) descendants.push_back(json{{"old", x.old_id.hex()}, {"new", x.new_id.hex()}});
      json moved = json::array();
      for (const auto& w : out.worktrees_moved) moved.push_back(w);
      json j{{"old_snapshot_id", out.old_id.hex()},
             {"new_snapshot_id", out.new_id.hex()},
             {"change_id", change},
             {"note", final_note},
             {"unchanged", out.unchanged},
             {"rebased", descendants},
             {"worktrees_moved", moved},
             {"op_id", out.op.hex()}};
      SetNameJson(j, "note", final_note);
      ctx.PrintJson(j);
      return;
    }
    if (out.unchanged) {
      ctx.Out("Nothing changed: snapshot " + ctx.Id(*repo, out.old_id) + " already has that note.\n");
      return;
    }
    const ChangeIndex changes = Check(ChangeIndex::Build(*repo));
    std::string text = "Described " + ctx.Id(*repo, out.old_id) + " as " + ctx.Id(*repo, out.new_id) + " " +
                       ctx.ChangeId(changes, snap->change_id) +
                       (final_note.empty() ? std::string(" (no note)") : " \"" + NoteSummary(final_note) + "\"") +
                       (o->new_change_id ? " (a new change)" : "") + "\n";
    if (!out.descendants.empty())
      text += "Rebased " + std::to_string(out.descendants.size()) + " descendant(s) onto it\n";
    for (const auto& w : out.worktrees_moved) {
      if (w == ws->name()) continue;
      text += "Worktree " + QuoteName(w) + " moved; its files stay as they are (same tree)\n";
    }
    text += "'jvs undo' takes it back.\n";
    ctx.Out(text);
  });
}

}  // namespace jvs::cli
