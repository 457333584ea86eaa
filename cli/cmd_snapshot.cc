// jvs snapshot: record the worktree as a new snapshot.
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "commands.h"

namespace jvs::cli {

void RegisterSnapshot(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string note_pos, note_opt, note_file, compress;
    std::vector<std::string> tags, paths;
    bool amend = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("snapshot", "Record the worktree as a new snapshot");
  auto* npos = cmd->add_option("NOTE", o->note_pos, "A note for the snapshot ('-' reads it from stdin)");
  auto* nopt = cmd->add_option("-m,--message", o->note_opt, "The note (same as NOTE)");
  auto* nfile = cmd->add_option("-F,--file", o->note_file, "Read the note from FILE ('-': standard input)");
  cmd->add_option("--tag", o->tags, "Tag the new snapshot (repeatable)");
  cmd->add_option("--paths", o->paths,
                  "A partial snapshot: take only these paths (comma-separated) from the files, the rest from the head")
      ->delimiter(',');
  cmd->add_option("--compress", o->compress,
                  "Compression level: none, fast, default, max (recorded with the operation; applied once storage "
                  "compresses)")
      ->check(CLI::IsMember({"none", "fast", "default", "max"}));
  cmd->add_flag("--amend", o->amend,
                "Replace the head with the current files instead (same change id; keeps its note unless one is "
                "given; its descendants follow)");
  cmd->footer("Examples:\n  jvs snapshot \"before training\" --tag baseline\n  echo \"long note\" | jvs snapshot -\n"
              "  jvs snapshot --amend");
  cmd->callback([&ctx, o, npos, nopt, nfile] {
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
    if (nfile->count() && (npos->count() || nopt->count()))
      Fail(ErrorCode::kInvalidArgument, "give the note either as NOTE, with -m or with -F, not several",
           "for example: jvs snapshot -F notes.txt");
    std::string note = o->note_opt.empty() ? o->note_pos : o->note_opt;
    if (nfile->count()) {
      if (o->note_file == "-") {
        note.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      } else {
        fs::path p = fs::path(o->note_file).is_absolute() ? fs::path(o->note_file) : ctx.cwd / o->note_file;
        auto text = Env::Default()->ReadFile(p, 1u << 20);
        if (!text.ok())
          Fail(text.error().code() == ErrorCode::kNotFound ? ErrorCode::kNotFound : text.error().code(),
               "cannot read the note file " + QuoteName(o->note_file) + ": " + text.error().message(),
               "give a readable text file (at most 1 MiB), or '-' for standard input");
        note = *text;
      }
      while (!note.empty() && (note.back() == '\n' || note.back() == '\r')) note.pop_back();
    }
    if (note == "-" && !ctx.paths_used && !nfile->count()) {  // after "--", "-" is the note itself
      note.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      while (!note.empty() && (note.back() == '\n' || note.back() == '\r')) note.pop_back();
    }
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    SnapshotOptions so{note, o->tags};
    so.amend = o->amend;
    so.compression = o->compress;
    for (const auto& p : o->paths) {
      if (p.empty()) Fail(ErrorCode::kInvalidArgument, "an empty path in --paths", "for example: --paths data,models/a.bin");
      so.paths.push_back(ctx.ToRepoPath(*ws, p));
    }
    so.keep_note = o->amend && !npos->count() && !nopt->count();
    // Detached (the head is not the worktree's latest snapshot, after a
    // restore of an older one): the original JVS refuses to snapshot there;
    // jvs starts a new line, and says so.
    std::optional<SnapshotId> detached_from;
    if (auto wt = repo->view().worktrees.find(ws->name()); wt != repo->view().worktrees.end())
      if (wt->second.head && wt->second.latest && *wt->second.head != *wt->second.latest) detached_from = wt->second.head;
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
      j["compression"] = o->compress.empty() ? json(nullptr) : json(o->compress);
      SetNamesJson(j, "paths", o->paths);
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
    if (detached_from && !r.amended)
      ctx.Out("  Started a new line from " + ctx.Id(*repo, *detached_from) +
              " (the worktree was detached; its other line stays in 'jvs history --all')\n");
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
