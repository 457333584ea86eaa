// init, info
#include <unistd.h>

#include "commands.h"
#include "jvs/base/timeutil.h"

namespace jvs::cli {

namespace {
// The keys init --json and info --json share.
json RepoJson(Repo& repo) {
  return json{{"repo_root", repo.root().string()},
              {"repo_id", repo.repo_id()},
              {"format_version", repo.format_version()},
              {"engine", std::string(repo.engine().name())},
              {"engine_reason", repo.engine_reason()}};
}
// init --here adopts a directory in place: never the filesystem root, a
// control folder, or a directory inside an existing workspace (its files
// would belong to two repositories; restores of one would remove the other's).
void RefuseAdopting(const fs::path& dir) {
  if (dir == dir.root_path())
    Fail(ErrorCode::kRefused, "refusing to adopt the filesystem root '" + dir.string() + "'",
         "adopt a directory below it (a project folder)");
  for (const auto& comp : dir)
    if (comp == kControlDirName)
      Fail(ErrorCode::kRefused, "'" + dir.string() + "' is inside a jvs control folder",
           "choose a directory outside '.jvs'");
  if (fs::exists(dir / kControlDirName)) return;  // Repo::Init says it already holds one
  for (fs::path p = dir.parent_path();; p = p.parent_path()) {
    std::error_code ec;
    if (fs::exists(p / kControlDirName, ec))
      Fail(ErrorCode::kRefused,
           "'" + dir.string() + "' is inside the jvs " +
               (fs::is_directory(p / kControlDirName, ec) ? "repository" : "worktree") + " at '" + p.string() + "'",
           "use that repository (its worktrees are made with 'jvs worktree fork'), or choose a directory outside it");
    if (p == p.root_path()) break;
  }
}

}  // namespace

void RegisterInit(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string name;
    bool here = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("init", "Create a repository: NAME/.jvs with workspace NAME/main, or adopt a directory with --here");
  cmd->add_option("NAME", o->name, "Directory to create (with --here: the directory to adopt, default .)");
  cmd->add_flag("--here", o->here, "Adopt an existing directory in place (control folder inside it, never snapshotted)");
  cmd->callback([&ctx, o] {
    ctx.RejectPaths();
    InitOptions io;
    if (o->here) {
      fs::path dir = o->name.empty() ? ctx.cwd : fs::path(o->name);
      if (dir.is_relative()) dir = ctx.cwd / dir;
      std::error_code ec;
      if (!fs::is_directory(dir, ec))
        Fail(ErrorCode::kNotFound, "'" + dir.string() + "' is not a directory", "create it first, or drop --here");
      io.root = fs::canonical(dir);
      io.workspace = io.root;
      RefuseAdopting(io.root);
    } else {
      if (o->name.empty())
        Fail(ErrorCode::kInvalidArgument, "init needs a NAME (or --here)",
             "'jvs init NAME' creates NAME/main; 'jvs init --here' adopts the current directory");
      fs::path dir = fs::path(o->name).is_relative() ? ctx.cwd / o->name : fs::path(o->name);
      dir = dir.lexically_normal();
      if (!dir.has_filename()) dir = dir.parent_path();
      std::error_code ec;
      if (fs::exists(dir / kControlDirName, ec))
        Fail(ErrorCode::kAlreadyExists, "'" + dir.string() + "' already holds a jvs repository",
             "use it as it is, or choose another NAME");
      if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
        Fail(ErrorCode::kAlreadyExists, "'" + dir.string() + "' exists and is not empty",
             "choose a new NAME, or adopt the directory with 'jvs init --here " + o->name + "'");
      io.root = dir;
      io.workspace = dir / kMainWorktree;
    }
    auto repo = Check(Repo::Init(Env::Default(), io, ctx.settings));
    if (ctx.g.json) {
      json j = RepoJson(*repo);
      j["workspace"] = io.workspace.string();
      ctx.PrintJson(j);
      return;
    }
    ctx.Out("Initialized jvs repository in " + QuoteName(repo->root().string()) + "\n");
    ctx.Out("Workspace: " + QuoteName(io.workspace.string()) + "\n");
    ctx.Out("Engine: " + std::string(repo->engine().name()) + " (" + repo->engine_reason() + ")\n");
  });
}

namespace {

struct StoreCounts {
  uint64_t blobs = 0, trees = 0, snapshots = 0, bytes = 0;
};

StoreCounts CountStore(Backend& backend) {
  StoreCounts c;
  for (StoreKind kind : kStoreKinds) {
    auto ids = backend.List(kind);
    if (!ids.ok()) continue;  // best effort, as the counts are informative
    for (const auto& id : *ids) {
      auto st = backend.Stat(kind, id);
      if (!st.ok()) continue;  // removed meanwhile
      c.bytes += st->size;
      if (kind == StoreKind::kBlob) c.blobs++;
      else if (kind == StoreKind::kTree) c.trees++;
      else c.snapshots++;
    }
  }
  return c;
}

}  // namespace

void RegisterInfo(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("info", "Repository root, format, engine and why, worktrees, counts, store size");
  cmd->callback([&ctx] {
    auto repo = ctx.OpenRepo();
    auto visible = Check(repo->AllVisibleSnapshots());
    StoreCounts counts = CountStore(repo->store().backend());
    json wts = json::array();
    for (const auto& [name, wt] : repo->view().worktrees) {
      auto p = repo->WorktreePath(name);
      wts.push_back({{"name", name},
                     {"path", p.ok() ? p->string() : ""},
                     {"head_snapshot_id", wt.head ? json(wt.head->hex()) : json(nullptr)},
                     {"latest_snapshot_id", wt.latest ? json(wt.latest->hex()) : json(nullptr)}});
    }
    std::string current = ctx.CurrentWorktree(*repo);
    // What the engine really did so far (fallbacks show clones that did not happen).
    EngineStats es = LoadEngineStats(Env::Default(), repo->control_dir());
    json engine_stats = {{"files", es.total.files}, {"cloned", es.total.cloned}, {"copied", es.total.copied},
                         {"fallbacks", es.total.fallbacks}, {"bytes_copied", es.total.bytes_copied},
                         {"trees_cloned", es.total.trees_cloned}, {"hashed_in_place", es.total.hashed_in_place},
                         {"last_fallback", es.last_fallback}};
    if (ctx.g.json) {
      json j = RepoJson(*repo);
      j.update(json{{"engine_stats", engine_stats},
                     {"worktree_name", current},
                     {"worktrees", wts},
                     {"op_id", repo->op_id().hex()},
                     {"snapshot_count", visible.size()},
                     {"object_counts", {{"blobs", counts.blobs}, {"trees", counts.trees}, {"snapshots", counts.snapshots}}},
                     {"store_bytes", counts.bytes}});
      ctx.PrintJson(j);
      return;
    }
    std::string out;
    out += "Repository:  " + QuoteName(repo->root().string()) + "\n";
    out += "Repo id:     " + repo->repo_id() + "\n";
    out += "Format:      " + std::to_string(repo->format_version()) + "\n";
    out += "Engine:      " + std::string(repo->engine().name()) + " (" + repo->engine_reason() + ")\n";
    out += "Engine use:  " + std::to_string(es.total.files) + " files moved: " + std::to_string(es.total.cloned) +
           " cloned, " + std::to_string(es.total.copied) + " copied (" + HumanBytes(es.total.bytes_copied) + "), " +
           std::to_string(es.total.fallbacks) + " fallbacks" +
           (es.last_fallback.empty() ? std::string() : " (last: " + es.last_fallback + ")") + "\n";
    out += "Operation:   " + repo->op_id().hex().substr(0, 12) + "\n";
    out += "Worktrees:\n";
    for (const auto& w : wts) {
      std::string head = w["head_snapshot_id"].is_null() ? "(no snapshot)" : w["head_snapshot_id"].get<std::string>().substr(0, 12);
      out += std::string(w["name"] == current ? "  * " : "    ") + QuoteName(w["name"].get<std::string>()) + "  " + head + "  " +
             QuoteName(w["path"].get<std::string>()) + "\n";
    }
    out += "Snapshots:   " + std::to_string(visible.size()) + "\n";
    out += "Objects:     " + std::to_string(counts.blobs) + " blobs, " + std::to_string(counts.trees) + " trees, " +
           std::to_string(counts.snapshots) + " snapshots\n";
    out += "Store size:  " + HumanBytes(counts.bytes) + "\n";
    ctx.Out(out);
  });
}

}  // namespace jvs::cli
