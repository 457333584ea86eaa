// jvs git export|import: snapshots to Git commits and back (docs/git.md).
#include "commands.h"
#include "jvs/git/git.h"

namespace jvs::cli {

namespace {

// The default export target: .jvs/git/export.git (bare).
fs::path DefaultExportDir(Repo& repo) { return repo.control_dir() / "git" / "export.git"; }

fs::path Absolute(const Context& ctx, const std::string& p) {
  fs::path path(p);
  return (path.is_absolute() ? path : ctx.cwd / path).lexically_normal();
}

json StringsJson(const std::vector<std::string>& v) {
  json a = json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

void RegisterGitExport(CLI::App& git, Context& ctx) {
  struct Opts {
    std::string to;
    std::vector<std::string> revsets;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = git.add_subcommand("export", "Write snapshots as Git commits into a Git repository (created bare "
                                           "if missing; default .jvs/git/export.git)");
  cmd->add_option("--to", o->to, "The Git repository (default: .jvs/git/export.git)");
  cmd->add_option("-r,--revisions", o->revsets,
                  "The snapshots to export, with their ancestors (revsets; default: every visible snapshot)");
  cmd->callback([&ctx, o] {
    auto repo = ctx.OpenRepo();
    GitExportOptions opts;
    opts.git_dir = o->to.empty() ? DefaultExportDir(*repo) : Absolute(ctx, o->to);
    const std::string large = ctx.config.String("git.large_files").value_or("include");
    opts.large_files = large == "lfs" ? LargeFiles::kLfs : large == "skip" ? LargeFiles::kSkip : LargeFiles::kInclude;
    if (auto t = ctx.config.Int("git.lfs_threshold")) opts.lfs_threshold = static_cast<uint64_t>(*t);
    const std::string wt = ctx.CurrentWorktree(*repo);
    for (const auto& r : o->revsets)
      for (const auto& id : EvaluateRevsetOrFail(ctx, *repo, wt, r))
        if (std::find(opts.snapshots.begin(), opts.snapshots.end(), id) == opts.snapshots.end())
          opts.snapshots.push_back(id);
    if (!o->revsets.empty() && opts.snapshots.empty())
      Fail(ErrorCode::kNotFound, "the revisions given name no snapshot",
           "'jvs history -r REVSET' shows what a revset names");
    GitExportOutcome out = Check(ExportToGit(*repo, opts));
    if (ctx.g.json) {
      ctx.PrintJson(json{{"git_dir", out.git_dir.string()},
                         {"created", out.created},
                         {"snapshots", out.snapshots},
                         {"commits_written", out.commits_written},
                         {"blobs_written", out.blobs_written},
                         {"conflicted", out.conflicted},
                         {"lfs_objects", out.lfs_objects},
                         {"refs_updated", StringsJson(out.refs_updated)},
                         {"skipped", StringsJson(out.skipped)}});
      return;
    }
    for (const auto& s : out.skipped) ctx.Warn("left out of Git: " + s);
    std::string text = std::string(out.created ? "Created" : "Updated") + " Git repository " +
                       QuoteName(out.git_dir.string()) + ": " + std::to_string(out.commits_written) + " new commit" +
                       (out.commits_written == 1 ? "" : "s") + " (" + std::to_string(out.blobs_written) +
                       " new blobs), " + std::to_string(out.refs_updated.size()) + " refs updated\n";
    if (out.lfs_objects)
      text += std::to_string(out.lfs_objects) + " large file(s) placed under lfs/objects, as Git LFS pointers in the commits\n";
    if (out.conflicted)
      text += std::to_string(out.conflicted) + " conflicted snapshot(s) exported with conflict markers in the files\n";
    ctx.Out(text);
  });
}

void RegisterGitImport(CLI::App& git, Context& ctx) {
  struct Opts {
    std::string path, refs;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = git.add_subcommand("import", "Bring the commits of a Git repository in as snapshots (one operation; "
                                           "branches and tags become tags)");
  cmd->add_option("PATH", o->path, "The Git repository (a work tree, its .git, or a bare repository)")->required();
  cmd->add_option("--refs", o->refs, "Only refs matching this glob (default: refs/heads/* and refs/tags/*)");
  cmd->callback([&ctx, o] {
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    GitImportOptions opts;
    opts.git_dir = Absolute(ctx, o->path);
    opts.refs_pattern = o->refs;
    GitImportOutcome out = Check(ImportFromGit(*ws, opts));
    for (const auto& w : repo->TakeWarnings()) ctx.Warn(w);
    if (ctx.g.json) {
      json tags = json::array();
      for (const auto& [name, id] : out.tags_set) tags.push_back(json{{"name", name}, {"snapshot_id", id.hex()}});
      json j{{"commits", out.commits},
             {"snapshots_written", out.snapshots_written},
             {"lfs_objects", out.lfs_objects},
             {"tags_set", tags},
             {"skipped", StringsJson(out.skipped)}};
      j["op_id"] = out.op ? json(out.op->hex()) : json(nullptr);
      ctx.PrintJson(j);
      return;
    }
    for (const auto& s : out.skipped) ctx.Warn("not imported: " + s);
    std::string text = "Imported " + std::to_string(out.commits) + " commit" + (out.commits == 1 ? "" : "s") + ": " +
                       std::to_string(out.snapshots_written) + " new snapshot" +
                       (out.snapshots_written == 1 ? "" : "s") + ", " + std::to_string(out.tags_set.size()) +
                       " tag" + (out.tags_set.size() == 1 ? "" : "s") + " set\n";
    for (const auto& [name, id] : out.tags_set) text += "  " + name + " -> " + ctx.Id(*repo, id) + "\n";
    text += out.op ? "'jvs undo' takes it back.\n" : "Nothing new.\n";
    ctx.Out(text);
  });
}

}  // namespace

void RegisterGit(CLI::App& app, Context& ctx) {
  auto* git = app.add_subcommand("git", "Git interop: export snapshots as Git commits, import Git commits");
  git->require_subcommand(1);
  RegisterGitExport(*git, ctx);
  RegisterGitImport(*git, ctx);
}

}  // namespace jvs::cli
