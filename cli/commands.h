// Registration of every jvs subcommand on the CLI11 application.
#pragma once

#include <CLI/CLI.hpp>

#include "context.h"
#include "quote.h"

namespace jvs::cli {

void RegisterInit(CLI::App& app, Context& ctx);
void RegisterInfo(CLI::App& app, Context& ctx);
void RegisterStatus(CLI::App& app, Context& ctx);
void RegisterSnapshot(CLI::App& app, Context& ctx);
void RegisterHistory(CLI::App& app, Context& ctx);
// The snapshots revset `text` names (history order), as `@` means in
// `worktree`; errors drawn with a caret in text output (cmd_history.cc).
std::vector<SnapshotId> EvaluateRevsetOrFail(Context& ctx, Repo& repo, const std::string& worktree,
                                             const std::string& text);
void RegisterDiff(CLI::App& app, Context& ctx);
void RegisterRestore(CLI::App& app, Context& ctx);
// Applies a planned view update (undo, redo, op restore, restore --abort) to
// the worktree `ws` and reports it (cmd_op.cc).
void ApplyUpdate(Context& ctx, Repo& repo, Workspace& ws, const ViewUpdate& plan, const std::string& verb);
void RegisterTag(CLI::App& app, Context& ctx);
// merge and resolve (cmd_merge.cc).
void RegisterMerge(CLI::App& app, Context& ctx);
// rebase (cmd_rebase.cc).
void RegisterRebase(CLI::App& app, Context& ctx);
// describe (cmd_describe.cc).
void RegisterDescribe(CLI::App& app, Context& ctx);
// squash and split (cmd_squash.cc).
void RegisterSquash(CLI::App& app, Context& ctx);
void RegisterSplit(CLI::App& app, Context& ctx);
// duplicate (cmd_duplicate.cc).
void RegisterDuplicate(CLI::App& app, Context& ctx);
// show, cat and file list (cmd_show.cc).
void RegisterShow(CLI::App& app, Context& ctx);
void RegisterCat(CLI::App& app, Context& ctx);
void RegisterFile(CLI::App& app, Context& ctx);
// abandon (cmd_abandon.cc).
void RegisterAbandon(CLI::App& app, Context& ctx);
// evolog (cmd_evolog.cc).
void RegisterEvolog(CLI::App& app, Context& ctx);
void RegisterOp(CLI::App& app, Context& ctx);
void RegisterWorktree(CLI::App& app, Context& ctx);
void RegisterVerify(CLI::App& app, Context& ctx);
void RegisterDoctor(CLI::App& app, Context& ctx);
void RegisterGc(CLI::App& app, Context& ctx);
// pin add|list|remove (cmd_pin.cc); PinsText: the pins one a line (also for gc plan).
void RegisterPin(CLI::App& app, Context& ctx);
std::string PinsText(Context& ctx, Repo& repo, const std::string& indent);
void RegisterConfig(CLI::App& app, Context& ctx);
// git export and git import (cmd_git.cc).
void RegisterGit(CLI::App& app, Context& ctx);

}  // namespace jvs::cli

namespace jvs::cli {
// JSON arrays added/removed/modified with totals (shared by status and diff).
json ChangesJson(const std::vector<TreeChange>& changes);
// A conflicted path with its sides and bases (merge, resolve, status; cmd_merge.cc).
json ConflictJson(const ConflictedPath& c);
// Where the content of one side of a diff comes from: the store, or the
// files of a working copy.
struct DiffSide {
  bool working_copy = false;
  fs::path root;  // workspace root when working_copy
};
// `changes` as `jvs diff` prints them: per-file hunks (git's unified form),
// or with `stat` per-file line counts and a total (cmd_diff.cc).
std::string DiffText(Repo& repo, const DiffSide& from, const DiffSide& to, const std::vector<TreeChange>& changes,
                     bool stat);
// `changes` with renames paired (jvs/merge/renames.h), contents read from
// the given sides (cmd_diff.cc).
std::vector<TreeChange> WithRenames(Repo& repo, const DiffSide& from, const DiffSide& to,
                                    std::vector<TreeChange> changes);
// "old -> new", each quoted as needed.
std::string RenameText(const TreeChange& c);
}  // namespace jvs::cli
