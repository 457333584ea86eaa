// jvs snapshot: record the worktree as a new snapshot.
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "commands.h"

namespace jvs::cli {

void RegisterSnapshot(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string note_pos, note_opt;
    std::vector<std::string> tags;
    bool amend = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("snapshot", "Record the worktree as a new snapshot");
  auto* npos = cmd->add_option("NOTE", o->note_pos, "A note for the snapshot ('-' reads it from stdin)");
  auto* nopt = cmd->add_option("-m,--message", o->note_opt, "The note (same as NOTE)");
  cmd->add_option("--tag", o->tags, "Tag the new snapshot (repeatable)");
  cmd->add_flag("--amend", o->amend,
                "Replace the head with the current files instead (same change id; keeps its note unless one is "
                "given; its descendants follow)");
  cmd->footer("Examples:\n  jvs snapshot \"before training\" --tag baseline\n  echo \"long note\" | jvs snapshot -\n"
              "  jvs snapshot --amend");
  cmd->callback([&ctx, o, npos, nopt] {
    // `jvs snapshot -- "-5% loss"`: one word after "--" that starts with '-' is the note (the
    // parser would take it for an option). Other words after "--" look like paths, which
    // snapshot does not take: they stay refused (OpenRepo -> RejectPaths).
    if (ctx.has_dashdash && ctx.paths.size() == 1 && ctx.paths[0].rfind('-', 0) == 0 && o->note_pos.empty() &&
        o->note_opt.empty()) {
      ctx.paths_used = true;
      o->note_pos = ctx.paths[0];
    }
    if (!o->note_pos.empty() && !o->note_opt.empty())
      Fail(ErrorCode::kInvalidArgument, "give the note either as NOTE or with -m, not both",
           "for example: jvs snapshot -m \"my note\"");
    std::string note = o->note_opt.empty() ? o->note_pos : o->note_opt;
    if (note == "-" && !ctx.paths_used) {  // after "--", "-" is the note itself
      note.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      while (!note.empty() && (note.back() == '\n' || note.back() == '\r')) note.pop_back();
    }
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    SnapshotOptions so{note, o->tags};
    so.amend = o->amend;
    so.keep_note = o->amend && !npos->count() && !nopt->count();
    auto r = Check(ws->TakeSnapshot(so));
    for (const auto& w : r.warnings) ctx.Warn(w);
    ctx.Debug("scanned " + std::to_string(r.scan.files) + " files in " + std::to_string(r.scan.dirs) +
              " dirs; read " + std::to_string(r.scan.hashed_files) + " files (" + HumanBytes(r.scan.hashed_bytes) +
              "), stored " + HumanBytes(r.scan.stored_bytes) + "; engine " + std::string(repo->engine().name()) +
              ", fallbacks " + std::to_string(repo->engine().counters().fallbacks.load()) +
              (repo->engine().hashes_source_under_lease()
                   ? ", hashed in place under a read lease " +
                         std::to_string(repo->engine().counters().hashed_in_place.load())
                   : std::string()));
    ctx.Debug(fmt::format("timings: walk {:.1f} ms, read {:.1f} ms, trees {:.1f} ms, publish {:.1f} ms",
                          r.scan.walk_ns / 1e6, r.scan.read_ns / 1e6, r.scan.build_ns / 1e6, r.scan.publish_ns / 1e6));
    if (ctx.g.json) {
      json j = SnapshotJson(*repo, r.id, r.snapshot);
      j["op_id"] = r.op.hex();
      j["files"] = r.scan.files;
      j["bytes"] = r.scan.total_bytes;
      j["hashed_files"] = r.scan.hashed_files;
      j["hashed_bytes"] = r.scan.hashed_bytes;
      j["warnings"] = r.warnings;
      if (o->amend) {
        j["amended"] = r.amended ? json(r.amended->hex()) : json(nullptr);
        j["unchanged"] = r.unchanged;
        json rebased = json::array();
        for (const auto& [from, to] : r.rebased) rebased.push_back(json{{"old", from.hex()}, {"new", to.hex()}});
        j["rebased"] = rebased;
        j["worktrees_moved"] = r.worktrees_moved;
      }
      ctx.PrintJson(j);
      return;
    }
    if (r.unchanged) {
      ctx.Out("Nothing to amend: the files and the note are those of snapshot " + ctx.Id(*repo, r.id) + "\n");
      return;
    }
    std::string line = r.amended ? "Amended snapshot " + ctx.Id(*repo, *r.amended) + " as " + ctx.Id(*repo, r.id)
                                 : "Created snapshot " + ctx.Id(*repo, r.id);
    if (!r.snapshot.note.empty()) line += " \"" + NoteSummary(r.snapshot.note) + "\"";
    if (!o->tags.empty()) {
      line += " [";
      for (size_t i = 0; i < o->tags.size(); ++i) line += (i ? ", " : "") + QuoteName(o->tags[i]);
      line += "]";
    }
    ctx.Out(line + "\n");
    if (r.snapshot.conflicted()) {
      // Recorded as conflicts, never one side silently: say which remain.
      auto conflicts = Check(ListConflicts(repo->store(), SnapshotRoot(r.snapshot)));
      std::string c = "  " + std::to_string(conflicts.size()) + " conflicted path(s) recorded:";
      for (size_t i = 0; i < conflicts.size() && i < 5; ++i) c += " " + QuoteName(conflicts[i].path.str());
      if (conflicts.size() > 5) c += " ...";
      ctx.Out(c + " ('jvs resolve --list')\n");
    }
    if (!r.rebased.empty()) {
      std::string t = "  Rebased " + std::to_string(r.rebased.size()) + " descendant(s) onto it";
      if (r.conflicted) t += " (" + std::to_string(r.conflicted) + " now record a conflict)";
      ctx.Out(t + "\n");
    }
    for (const auto& w : r.worktrees_moved)
      ctx.Out("  Worktree " + QuoteName(w) + " moved; its files follow on its next command\n");
    if (!ctx.g.quiet)
      ctx.Out("  " + std::to_string(r.scan.files) + " files, " + HumanBytes(r.scan.total_bytes) + "; " +
              std::to_string(r.scan.hashed_files) + " new or changed (" + HumanBytes(r.scan.hashed_bytes) + " read)\n");
  });
}

}  // namespace jvs::cli
