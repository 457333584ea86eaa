#include "jvs/repo/worktrees.h"

#include <algorithm>
#include <set>

#include "jvs/base/suggest.h"
#include "jvs/base/fault.h"
#include "jvs/repo/transaction.h"
#include "repo/working_tree.h"
#include "repo/fork_leftover.h"

namespace jvs {

std::vector<WorktreeInfo> ListWorktrees(Repo& repo) {
  std::vector<WorktreeInfo> out;
  for (const auto& [name, wt] : repo.view().worktrees) {
    WorktreeInfo w;
    w.name = name;
    auto p = repo.WorktreePath(name);
    if (p.ok()) w.path = *p;
    w.head = wt.head;
    w.latest = wt.latest;
    auto st = repo.env()->Stat(w.path);
    w.directory_exists = p.ok() && st.ok() && S_ISDIR(st->st_mode);
    out.push_back(std::move(w));
  }
  return out;
}

fs::path DefaultWorktreePath(Repo& repo, const std::string& name) {
  auto main_path = repo.WorktreePath(kMainWorktree);
  if (main_path.ok() && *main_path == repo.root()) {
    fs::path root = repo.root();
    return root.parent_path() / (root.filename().string() + ".worktrees") / name;
  }
  return repo.root() / "worktrees" / name;
}

Error UnknownWorktree(const Repo& repo, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& [n, wt] : repo.view().worktrees) names.push_back(n);
  std::string hint = DidYouMean(ClosestNames(name, names));
  return Error(ErrorCode::kNotFound, "worktree '" + name + "' does not exist", hint)
      .WithRemedy(Remedy::kListWorktrees);
}

namespace {

Status WritePathRecord(Repo& repo, const std::string& name, const fs::path& path) {
  Env* env = repo.env();
  fs::path dir = repo.WorktreeControlDir(name);
  JVS_TRY(env->MkdirAll(dir));
  std::error_code ec;
  fs::path rel = path.lexically_relative(repo.root());
  std::string rec = (!rel.empty() && rel.generic_string().rfind("..", 0) != 0) ? rel.generic_string() : path.string();
  return env->WriteFileAtomic(dir / "path", rec + "\n");
}

Status CheckNewName(Repo& repo, const std::string& name) {
  JVS_TRY(ValidateWorktreeName(name));
  if (repo.view().worktrees.count(name))
    return Error(ErrorCode::kAlreadyExists, "worktree '" + name + "' already exists", "choose another name")
        .WithRemedy(Remedy::kListWorktrees);
  return OkStatus();
}

Status CheckFreeDirectory(Env* env, const fs::path& path) {
  auto st = env->Lstat(path);
  if (!st.ok()) return OkStatus();
  if (S_ISDIR(st->st_mode)) {
    JVS_ASSIGN_OR_RETURN(UniqueFd fd, env->Open(path, O_RDONLY | O_DIRECTORY));
    JVS_ASSIGN_OR_RETURN(auto entries, env->ReadDir(fd.get()));
    if (entries.empty()) return OkStatus();
  }
  return Error(ErrorCode::kAlreadyExists, "'" + path.string() + "' already exists and is not an empty directory",
               "choose another name, or pass --path to put the worktree elsewhere");
}

// A directory that is (or is inside, or contains) a workspace or the control
// folder cannot hold a new worktree: a restore of one would remove the other's
// files, and a snapshot would record the other's files or skip its own.
Status CheckWorktreePlace(Repo& repo, const fs::path& path) {
  std::error_code ec;
  auto canon = [&](const fs::path& p) {
    fs::path c = fs::weakly_canonical(p, ec);
    return (ec || c.empty()) ? p.lexically_normal() : c;
  };
  auto within = [](const fs::path& inner, const fs::path& outer) {  // inner == outer or below it
    return std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end()).first == outer.end();
  };
  const fs::path p = canon(path);
  const fs::path control = canon(repo.control_dir());
  if (within(p, control) || within(control, p))
    return Error(ErrorCode::kRefused,
                 "'" + path.string() + "' is " + (within(p, control) ? "inside" : "a parent of") +
                     " the repository's control folder " + control.string(),
                 "choose a directory outside the control folder and outside every workspace");
  for (const auto& [wname, wt] : repo.view().worktrees) {
    auto wp = repo.WorktreePath(wname);
    if (!wp.ok()) continue;
    const fs::path w = canon(*wp);
    if (within(p, w) || within(w, p))
      return Error(ErrorCode::kRefused,
                   "'" + path.string() + "' is " + (p == w ? "the directory of" : within(p, w) ? "inside" : "a parent of") +
                       " worktree '" + wname + "' (" + w.string() + ")",
                   "choose a directory outside every workspace (a restore there would remove the other's files)")
          .WithRemedy(Remedy::kListWorktrees);
  }
  return OkStatus();
}

// A worktree outside the repository root cannot find it by walking up: a
// `.jvs` file names it (never part of a snapshot, like the control folder).
Status WritePointerIfOutside(Repo& repo, const fs::path& path) {
  fs::path rel = path.lexically_relative(repo.root());
  if (!rel.empty() && rel.generic_string().rfind("..", 0) != 0) return OkStatus();
  return repo.env()->WriteFileAtomic(path / kControlDirName, "jvs-repo: " + repo.root().string() + "\n");
}

}  // namespace

namespace {

// ForkWorktree (from a snapshot) and CreateEmptyWorktree (from nothing).
Result<RestoreOutcome> NewWorktree(Repo& repo, const std::optional<SnapshotId>& from_opt, const std::string& name,
                                   const fs::path& path, bool force) {
  JVS_TRY(CheckNewName(repo, name));
  JVS_TRY(CheckWorktreePlace(repo, path));
  Env* env = repo.env();
  // A fork of this name killed before it published left a marker naming its
  // directory. Only what that fork wrote is removed (under the worktree lock,
  // so never while that fork still runs); anything else in it is the user's.
  const fs::path marker = repo.WorktreeControlDir(name) / "fork_pending";
  std::optional<ForkMarker> left;
  if (auto m = env->ReadFile(marker, 4096); m.ok()) left = DecodeForkMarker(*m);
  // An empty worktree has no fork to finish: a leftover directory is refused
  // by CheckFreeDirectory below like any directory holding files.
  if (left && left->path == path && from_opt) {
    const SnapshotId& from = *from_opt;
    JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo.LockWorktree(name));
    JVS_TRY(repo.Reload());
    JVS_TRY(CheckNewName(repo, name));
    if (env->Exists(path)) {
      JVS_ASSIGN_OR_RETURN(LeftoverCheck check, CheckForkLeftover(repo, left->from, path));
      if (!check.only_fork_output) {
        if (!force)
          return Error(ErrorCode::kRefused,
                       "'" + path.string() + "' was left by an interrupted fork of '" + name +
                           "' but holds files that fork did not write" +
                           (check.first_foreign.empty() ? std::string() : " (e.g. '" + check.first_foreign + "')") +
                           "; nothing was changed")
              .WithRemedy(Remedy::kForceFork, from.hex().substr(0, 12) + " " + name +
                                                   (path == DefaultWorktreePath(repo, name)
                                                        ? std::string()
                                                        : " --path '" + path.string() + "'"));
        JVS_ASSIGN_OR_RETURN(SnapshotId saved, SaveLeftoverAsSnapshot(repo, name, path, left->from, check.entries));
        repo.AddWarning("saved the files in " + path.string() + " as snapshot " + saved.hex().substr(0, 12) +
                        " before replacing them");
      }
      JVS_TRY(env->RemoveAll(path));
    }
    (void)env->Unlink(marker);
    repo.AddWarning("removed the files of an interrupted fork of '" + name + "' in " + path.string());
  }
  JVS_TRY(CheckFreeDirectory(env, path));
  JVS_ASSIGN_OR_RETURN(TreeId from_tree, WorkingTreeOf(repo, from_opt));  // read errors before any directory is made
  (void)from_tree;
  bool created_dir = !env->Exists(path);
  JVS_TRY(env->MkdirAll(path));
  if (created_dir) {
    // The workspace directory's own mode is not in a snapshot: a new one is as
    // open as the main workspace's directory (never wider than the user chose).
    if (auto main_path = repo.WorktreePath(kMainWorktree); main_path.ok())
      if (auto st = env->Stat(*main_path); st.ok() && S_ISDIR(st->st_mode))
        (void)env->Chmod(path, st->st_mode & 0777);
  }
  // A directory the user made is left as it was: only the pointer file this
  // fork wrote into it goes.
  const bool had_pointer = env->Exists(path / kControlDirName);
  auto cleanup = [&] {
    if (created_dir) (void)env->RemoveAll(path);
    else if (!had_pointer) (void)env->Unlink(path / kControlDirName);
    (void)env->RemoveAll(repo.WorktreeControlDir(name));
  };
  if (Status st = WritePathRecord(repo, name, path); !st.ok()) {
    cleanup();
    return st.error();
  }
  if (from_opt)
    if (Status st = env->WriteFileAtomic(marker, EncodeForkMarker(path, *from_opt)); !st.ok()) {
      cleanup();
      return st.error();
    }
  if (Status st = WritePointerIfOutside(repo, path); !st.ok()) {
    cleanup();
    return st.error();
  }
  if (Status f = fault::Point("fork.after_prepare"); !f.ok()) {
    cleanup();
    return f.error();
  }
  auto ws = Workspace::ForNew(repo, name, path);
  ViewUpdate u;
  u.fault_flow = "fork";
  u.files_from = from_opt;
  u.fresh_directory = true;
  u.capture_dirty = false;
  if (from_opt) {
    u.description = "fork worktree " + name + " from " + from_opt->hex().substr(0, 12);
    u.attributes["fork_of"] = from_opt->hex();
  } else {
    u.description = "create empty worktree " + name;
  }
  u.progress_phase = "fork";
  u.make_view = [name, from_opt](View v) -> Result<View> {
    // The fork starts at `from`: its first snapshot's parent is `from`.
    v.worktrees[name] = WorktreeView{from_opt, std::nullopt};
    return v;
  };
  auto r = ws->Update(u);
  if (repo.view().worktrees.count(name)) (void)env->Unlink(marker);  // published
  if (!r.ok()) {
    // Once the operation is published the worktree exists: its directory and
    // path record stay, and the interrupted-restore marker says how to finish.
    if (!repo.view().worktrees.count(name)) {
      cleanup();
      return r.error();
    }
    if (!from_opt) return r.error();
    return r.error()
        .WithHint("the worktree was created but not all of its files were written; finish from inside it")
        .WithRemedy(Remedy::kFinishRestore, from_opt->hex().substr(0, 12));
  }
  return r;
}

}  // namespace

Result<RestoreOutcome> ForkWorktree(Repo& repo, const SnapshotId& from, const std::string& name, const fs::path& path,
                                    bool force) {
  return NewWorktree(repo, from, name, path, force);
}

Result<RestoreOutcome> CreateEmptyWorktree(Repo& repo, const std::string& name, const fs::path& path) {
  return NewWorktree(repo, std::nullopt, name, path, /*force=*/false);
}

Status RenameWorktree(Repo& repo, const std::string& old_name, const std::string& new_name) {
  if (old_name == kMainWorktree)
    return Error(ErrorCode::kRefused, "the main worktree cannot be renamed", "fork it under the new name instead");
  if (!repo.view().worktrees.count(old_name))
    return UnknownWorktree(repo, old_name);
  JVS_TRY(CheckNewName(repo, new_name));
  Env* env = repo.env();
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo.LockWorktree(old_name));
  JVS_TRY(repo.Reload());
  JVS_ASSIGN_OR_RETURN(fs::path old_path, repo.WorktreePath(old_name));
  // A worktree in its default place moves with its name; elsewhere it stays.
  fs::path new_path = old_path;
  if (old_path == DefaultWorktreePath(repo, old_name)) {
    new_path = DefaultWorktreePath(repo, new_name);
    if (env->Exists(new_path))
      return Error(ErrorCode::kAlreadyExists, "'" + new_path.string() + "' already exists",
                   "move it away or choose another name");
  }
  fs::path old_ctl = repo.WorktreeControlDir(old_name), new_ctl = repo.WorktreeControlDir(new_name);
  if (env->Exists(new_ctl)) JVS_TRY(env->RemoveAll(new_ctl));  // leftover of an interrupted command
  // 1. control folder, 2. directory, 3. operation; each undone if a later step fails.
  JVS_TRY(env->Rename(old_ctl, new_ctl));
  if (new_path != old_path) {
    if (Status st = env->Rename(old_path, new_path); !st.ok()) {
      (void)env->Rename(new_ctl, old_ctl);
      return st.error().WithHint("the worktree is in use or on another filesystem; nothing was changed");
    }
  }
  auto undo_moves = [&] {
    if (new_path != old_path) (void)env->Rename(new_path, old_path);
    (void)env->Rename(new_ctl, old_ctl);
  };
  if (Status st = WritePathRecord(repo, new_name, new_path); !st.ok()) {
    undo_moves();
    return st.error();
  }
  Transaction tx(repo);
  tx.RenameWorktree(old_name, new_name);
  tx.SetAttribute("renamed_from", old_name);
  auto op = tx.Commit("rename worktree " + old_name + " to " + new_name);
  if (!op.ok()) {
    (void)WritePathRecord(repo, old_name, old_path);
    undo_moves();
    (void)WritePathRecord(repo, old_name, old_path);
    return op.error();
  }
  return OkStatus();
}

Result<RemoveOutcome> RemoveWorktree(Repo& repo, const std::string& name, bool force) {
  if (name == kMainWorktree)
    return Error(ErrorCode::kRefused, "the main worktree cannot be removed", "remove other worktrees by name");
  if (!repo.view().worktrees.count(name))
    return UnknownWorktree(repo, name);
  RemoveOutcome out;
  JVS_ASSIGN_OR_RETURN(out.path, repo.WorktreePath(name));
  Env* env = repo.env();
  bool dir_exists = env->Exists(out.path);
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo.LockWorktree(name));
  JVS_TRY(repo.Reload());
  if (!repo.view().worktrees.count(name)) return UnknownWorktree(repo, name);
  if (!force && dir_exists) {
    // Save the files first, without moving the head: the removal records
    // them as its `captured_snapshot` (pinned, so visible), and `jvs undo`
    // brings the worktree back at its head with these files on top.
    JVS_ASSIGN_OR_RETURN(auto ws, Workspace::Open(repo, name));
    JVS_ASSIGN_OR_RETURN(out.captured, ws->SaveDirty("saved before removing worktree " + name));
  }
  Transaction tx(repo);
  tx.RemoveWorktree(name);  // its snapshots stay visible
  tx.SetAttribute("removed_worktree", name);
  tx.SetAttribute("path", out.path.string());
  if (out.captured) {
    tx.AddSnapshot(*out.captured);
    tx.AddPin(*out.captured);
    tx.SetAttribute("captured_snapshot", out.captured->hex());
  }
  if (force) tx.SetAttribute("forced", "true");
  JVS_ASSIGN_OR_RETURN(out.op, tx.Commit("remove worktree " + name));
  if (dir_exists) {
    if (Status st = env->RemoveAll(out.path); !st.ok())
      repo.AddWarning("worktree removed, but its directory could not be deleted: " + st.error().message());
  }
  // The control folder (path record) stays so that undo can bring the worktree back.
  (void)env->Unlink(repo.WorktreeControlDir(name) / "tree_state");
  return out;
}

Result<std::vector<std::string>> MaterializeMissingWorktrees(Repo& repo,
                                                            const std::map<std::string, SnapshotId>& files_from) {
  std::vector<std::string> done;
  for (const auto& w : ListWorktrees(repo)) {
    if (w.directory_exists || w.path.empty()) continue;
    JVS_TRY(repo.env()->MkdirAll(w.path));
    JVS_TRY(WritePointerIfOutside(repo, w.path));
    auto ws = Workspace::ForNew(repo, w.name, w.path);
    ViewUpdate u;
    u.description = "recreate worktree " + w.name;
    u.make_view = [](View v) -> Result<View> { return v; };
    u.capture_dirty = false;  // the directory was just created empty
    if (auto f = files_from.find(w.name); f != files_from.end()) u.files_from = f->second;
    u.publish = false;        // the view already has the worktree
    JVS_TRY(ws->Update(u));
    done.push_back(w.name);
  }
  return done;
}

}  // namespace jvs
