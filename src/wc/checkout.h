// Checkout: applies a list of tree changes to a workspace in place. New file
// content is first staged (through the clone engine) in the worktree's control
// folder, so that a full disk fails before the workspace changes; `Apply` then
// removes what went away and renames staged files into place. The workspace
// directory itself is never replaced, so a shell inside it stays valid.
// Untracked and ignored files are never removed. Not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "jvs/engine/engine.h"
#include "jvs/base/progress.h"
#include "jvs/store/store.h"
#include "jvs/merge/tree_diff.h"
#include "wc/tree_state.h"

namespace jvs {

struct CheckoutStats {
  uint64_t files_written = 0;
  uint64_t files_removed = 0;
  uint64_t bytes_written = 0;
  std::vector<std::pair<std::string, FileState>> written;  // new tree-state entries
  std::vector<std::string> warnings;
};

class Checkout {
 public:
  Checkout(Env* env, Store& store, CloneEngine& engine, fs::path workspace, fs::path control_dir);
  ~Checkout();
  // Names the per-file fault points "<flow>.stage_file" and "<flow>.apply_file".
  void set_fault_flow(std::string flow) { fault_flow_ = std::move(flow); }
  // Hash shared clones too (reading every byte back), not only copied bytes.
  void set_hash_clones(bool on) { hash_clones_ = on; }
  // What the content comes from, for messages ("snapshot 1a2b3c4d5e6f").
  void set_source(std::string source) { source_ = std::move(source); }

  // Stages the content of every added or modified file, reporting files and
  // bytes written to `progress` (may be null) as phase `phase`.
  Status Stage(const std::vector<TreeChange>& changes, ProgressSink* progress = nullptr,
               std::string_view phase = "restore");
  // Checks, without changing anything, that Apply can place every entry: no
  // symlink or file where a directory is needed, no untracked directory where
  // a file goes. Run before the operation is published.
  Status Preflight(const std::vector<TreeChange>& changes);
  // Checks, without changing anything, that the filesystem can hold every
  // entry the changes add: each path (under the workspace, as an absolute
  // path, with room for a temp name beside it) shorter than PATH_MAX, each
  // name at most NAME_MAX bytes, at most kMaxTreeDepth levels. Every step of
  // jvs reaches files by absolute path, so a deeper tree could be neither
  // written completely nor scanned afterwards. Run before anything is written.
  Status CheckLimits(const std::vector<TreeChange>& changes) const;
  // Drops staged files (when the operation is abandoned).
  void Abandon();
  // Writes every entry of `changes` (all additions) into the workspace, which
  // must be an empty directory nobody else uses yet (a new fork): files are
  // cloned straight into place in parallel, without staging or renames. On
  // failure the caller removes the directory.
  // `target_root` (through `get`) is the tree written, for directory modes.
  Result<CheckoutStats> Materialize(const std::vector<TreeChange>& changes, const TreeGetter& get,
                                    const TreeId& target_root, ProgressSink* progress = nullptr,
                                    std::string_view phase = "fork");
  // Applies the changes. `target_root` (through `get`) is the tree the
  // workspace moves to; directories that it no longer has are removed when empty.
  Result<CheckoutStats> Apply(const std::vector<TreeChange>& changes, const TreeGetter& get,
                              const TreeId& target_root);

 private:
  static bool NeedsContent(const TreeChange& c);
  // Creates `dst` holding the content of the file entry `c.new_entry`
  // (Store::MaterializeBlob: size and, where copied or with hash_clones,
  // content checked against the blob id); kCorrupt names the path and source_.
  Status PlaceBlob(const TreeChange& c, const fs::path& dst);
  // Reads a symlink's target from the store; kCorrupt when it is empty,
  // holds NUL or differs in length from the tree entry.
  Result<std::string> ReadLinkTarget(const TreeChange& c);
  // Makes sure every component of `dir` (relative to the workspace) is a real
  // directory, never a symlink, creating missing ones when `create` is set, so
  // that nothing is ever written or removed outside the workspace.
  Status EnsureRealDir(const RepoPath& dir, bool create);
  // The path of the first entry at or below the workspace directory `dir` that Apply
  // would leave in place (one not in `removed`, or an empty directory that
  // is not removed itself); nullopt when Apply empties and removes `dir`.
  Result<std::optional<std::string>> FirstKeptEntry(const RepoPath& dir,
                                                    const std::set<std::string>& removed);
  Status FaultPoint(const char* step) const;
  void RemoveStaleStaging();
  // Directory modes (checkout_modes.cc). Gives the owner rwx on each existing
  // directory that `changes` add to or remove from (a 0500 directory must
  // still be updated), remembering its mode in opened_dirs_.
  Status OpenDirsForWriting(const std::vector<TreeChange>& changes);
  // Sets every directory this checkout created, opened or whose mode changes
  // to its mode in the target tree, deepest first, after the content is in
  // place; an opened directory the target does not have gets its mode back.
  Status SetDirModes(const std::vector<TreeChange>& changes, const TreeGetter& get, const TreeId& target_root);
  Env* env_;
  Store& store_;
  CloneEngine& engine_;
  fs::path workspace_;
  fs::path staging_;
  std::vector<std::string> staged_;  // per change index: staged file path or ""
  std::vector<std::optional<std::string>> targets_;  // per change index: symlink target
  std::set<std::string> verified_dirs_;
  std::set<std::string> created_dirs_;             // directories this checkout made
  std::map<std::string, mode_t> opened_dirs_;      // directory -> its mode before OpenDirsForWriting
  std::string fault_flow_ = "restore";
  bool hash_clones_ = false;
  std::string source_;
};

}  // namespace jvs
