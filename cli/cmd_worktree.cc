// worktree fork | create | list | path | rename | remove  (alias: wt)
#include <unistd.h>
#include "commands.h"
#include "jvs/repo/worktrees.h"

namespace jvs::cli {

void RegisterWorktree(CLI::App& app, Context& ctx) {
  auto* wt = app.add_subcommand("worktree", "Parallel workspaces sharing one store");
  wt->alias("wt");
  wt->require_subcommand(1);

  struct ForkOpts {
    std::vector<std::string> args;
    std::string path;
    bool force = false;
    bool verify = false;
  };
  auto fo = std::make_shared<ForkOpts>();
  auto* fork = wt->add_subcommand("fork", "Create worktree NAME holding the files of REF (default @)");
  fork->add_option("REF NAME", fo->args, "[REF] NAME")->expected(1, 2)->required();
  fork->add_option("--path", fo->path, "Directory for the worktree (default: ROOT/worktrees/NAME)");
  fork->add_flag("--force", fo->force,
                 "Replace what an interrupted fork of NAME left, saving files it did not write as a snapshot first");
  fork->add_flag("--verify", fo->verify,
                 "Check cloned content against its id too (reads every byte; copied content is always checked)");
  fork->callback([&ctx, fo] {
    ctx.settings.verify_clones = fo->verify;
    auto repo = ctx.OpenRepo(false);
    std::string name = fo->args.back();
    std::string ref = fo->args.size() == 2 ? fo->args[0] : "@";
    SnapshotId from = ctx.Resolve(*repo, ctx.ExistingWorktree(*repo), ref);
    fs::path path = fo->path.empty() ? DefaultWorktreePath(*repo, name)
                                     : (fs::path(fo->path).is_absolute() ? fs::path(fo->path) : ctx.cwd / fo->path);
    path = path.lexically_normal();
    auto r = Check(ForkWorktree(*repo, from, name, path, fo->force));
    for (const auto& w : r.warnings) ctx.Warn(w);
    for (const auto& w : repo->TakeWarnings()) ctx.Warn(w);
    if (ctx.g.json) {
      json j{{"head_snapshot_id", from.hex()},
             {"files_written", r.files_written},
             {"bytes_written", r.bytes_written},
             {"engine", std::string(repo->engine().name())},
             {"op_id", r.op.hex()}};
      SetNameJson(j, "name", name);
      SetNameJson(j, "path", path.string());
      ctx.PrintJson(j);
      return;
    }
    ctx.Out("Created worktree " + QuoteName(name) + " at " + QuoteName(path.string()) + " from " + ctx.Id(*repo, from) + " (" +
            std::to_string(r.files_written) + " files)\n");
  });

  // As the original JVS: `worktree create NAME [--from REF]`, an empty
  // worktree or (with --from) a fork of REF.
  struct CreateOpts {
    std::string name, from, path;
  };
  auto co = std::make_shared<CreateOpts>();
  auto* create = wt->add_subcommand("create", "Create worktree NAME: empty, or holding the files of REF with --from");
  create->add_option("NAME", co->name, "Name of the new worktree")->required();
  create->add_option("--from", co->from, "Snapshot whose files it starts with (as 'jvs worktree fork REF NAME')");
  create->add_option("--path", co->path, "Directory for the worktree (default: ROOT/worktrees/NAME)");
  create->callback([&ctx, co] {
    auto repo = ctx.OpenRepo(false);
    std::optional<SnapshotId> from;
    if (!co->from.empty()) from = ctx.Resolve(*repo, ctx.ExistingWorktree(*repo), co->from);
    fs::path path = co->path.empty() ? DefaultWorktreePath(*repo, co->name)
                                     : (fs::path(co->path).is_absolute() ? fs::path(co->path) : ctx.cwd / co->path);
    path = path.lexically_normal();
    auto r = Check(from ? ForkWorktree(*repo, *from, co->name, path) : CreateEmptyWorktree(*repo, co->name, path));
    for (const auto& w : r.warnings) ctx.Warn(w);
    for (const auto& w : repo->TakeWarnings()) ctx.Warn(w);
    if (ctx.g.json) {
      json j{{"head_snapshot_id", from ? json(from->hex()) : json(nullptr)},
             {"files_written", r.files_written},
             {"bytes_written", r.bytes_written},
             {"engine", std::string(repo->engine().name())},
             {"op_id", r.op.hex()}};
      SetNameJson(j, "name", co->name);
      SetNameJson(j, "path", path.string());
      ctx.PrintJson(j);
      return;
    }
    ctx.Out("Created worktree " + QuoteName(co->name) + " at " + QuoteName(path.string()) +
            (from ? " from " + ctx.Id(*repo, *from) + " (" + std::to_string(r.files_written) + " files)" : " (empty)") +
            "\n");
  });

  auto* list = wt->add_subcommand("list", "Worktrees with their head and latest snapshots");
  list->alias("ls");
  list->callback([&ctx] {
    auto repo = ctx.OpenRepo();
    auto all = ListWorktrees(*repo);
    std::string current = ctx.CurrentWorktree(*repo);
    if (ctx.g.json) {
      json arr = json::array();
      for (const auto& w : all) {
        json j{{"head_snapshot_id", w.head ? json(w.head->hex()) : json(nullptr)},
               {"latest_snapshot_id", w.latest ? json(w.latest->hex()) : json(nullptr)},
               {"current", w.name == current},
               {"exists", w.directory_exists}};
        SetNameJson(j, "name", w.name);
        SetNameJson(j, "path", w.path.string());
        arr.push_back(j);
      }
      ctx.PrintJson(arr);
      return;
    }
    std::string out;
    for (const auto& w : all)
      out += std::string(w.name == current ? "* " : "  ") + QuoteName(w.name) + "  " +
             (w.head ? ctx.Id(*repo, *w.head) : std::string("(no snapshot)")) + "  " + QuoteName(w.path.string()) +
             (w.directory_exists ? "" : "  (directory missing)") + "\n";
    ctx.Out(out);
  });

  auto pname = std::make_shared<std::string>();
  auto* path = wt->add_subcommand("path", "Print the directory of worktree NAME (default: the current one)");
  path->add_option("NAME", *pname, "Worktree name");
  path->callback([&ctx, pname] {
    auto repo = ctx.OpenRepo();
    std::string name = pname->empty() ? ctx.CurrentWorktree(*repo) : *pname;
    if (!repo->view().worktrees.count(name)) throw CommandError{UnknownWorktree(*repo, name)};
    fs::path p = Check(repo->WorktreePath(name));
    if (ctx.g.json) {
      json j;
      SetNameJson(j, "name", name);
      SetNameJson(j, "path", p.string());
      ctx.PrintJson(j);
      return;
    }
    // For `cd "$(jvs worktree path NAME)"`: the exact bytes when captured by a
    // script; quoted only on a terminal, where control bytes must not land.
    ctx.Out((::isatty(STDOUT_FILENO) != 0 ? QuoteName(p.string()) : p.string()) + "\n");
  });

  auto names = std::make_shared<std::vector<std::string>>();
  auto* rename = wt->add_subcommand("rename", "Rename worktree OLD to NEW (its default directory moves too)");
  rename->add_option("OLD NEW", *names, "Old and new names")->expected(2)->required();
  rename->callback([&ctx, names] {
    auto repo = ctx.OpenRepo(false);
    Check(RenameWorktree(*repo, (*names)[0], (*names)[1]));
    fs::path p = Check(repo->WorktreePath((*names)[1]));
    if (ctx.g.json) {
      json j{{"op_id", repo->op_id().hex()}};
      SetNameJson(j, "old_name", (*names)[0]);
      SetNameJson(j, "name", (*names)[1]);
      SetNameJson(j, "path", p.string());
      ctx.PrintJson(j);
      return;
    }
    ctx.Out("Renamed worktree " + QuoteName((*names)[0]) + " to " + QuoteName((*names)[1]) + " (" + QuoteName(p.string()) + ")\n");
  });

  struct RemoveOpts {
    std::string name;
    bool force = false;
  };
  auto ro = std::make_shared<RemoveOpts>();
  auto* remove = wt->add_subcommand("remove", "Remove worktree NAME and its directory (dirty files are saved first)");
  remove->alias("rm");
  remove->add_option("NAME", ro->name, "Worktree name")->required();
  remove->add_flag("--force", ro->force, "Do not save dirty files first");
  remove->callback([&ctx, ro] {
    auto repo = ctx.OpenRepo(false);
    auto r = Check(RemoveWorktree(*repo, ro->name, ro->force));
    for (const auto& w : repo->TakeWarnings()) ctx.Warn(w);
    if (ctx.g.json) {
      json j{{"captured_snapshot_id", r.captured ? json(r.captured->hex()) : json(nullptr)},
             {"forced", ro->force},
             {"op_id", r.op.hex()}};
      SetNameJson(j, "name", ro->name);
      SetNameJson(j, "path", r.path.string());
      ctx.PrintJson(j);
      return;
    }
    std::string out;
    if (r.captured) out += "Saved uncommitted changes as snapshot " + ctx.Id(*repo, *r.captured) + "\n";
    if (ro->force) out += "Removed without saving uncommitted changes (--force)\n";
    out += "Removed worktree " + QuoteName(ro->name) + " (" + QuoteName(r.path.string()) + "); 'jvs undo' brings it back\n";
    ctx.Out(out);
  });
  for (auto* sub : wt->get_subcommands({})) sub->fallthrough();
  wt->fallthrough();
}

}  // namespace jvs::cli
