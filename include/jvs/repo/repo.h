// Repo: one jvs repository as of one operation. Opening a repository reads its
// op heads; several heads (concurrent operations) are merged into one merge
// operation first. A mutating command builds a new View and publishes it as
// one Operation through a Transaction (jvs/repo/transaction.h). Repo is not
// thread-safe; use one per command.
//
// Layout (see docs/formats.md):
//   ROOT/.jvs/format, repo_id, store/, op_store/, op_heads/, worktrees/<name>/
//   ROOT/main/ (init NAME) or ROOT itself (init --here) is the main workspace.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "jvs/merge/conflict_markers.h"
#include "jvs/engine/engine.h"
#include "jvs/base/env.h"
#include "jvs/store/objects.h"
#include "jvs/oplog/oplog.h"
#include "jvs/base/progress.h"
#include "jvs/base/repo_path.h"
#include "jvs/store/store.h"

namespace jvs {

inline constexpr int kRepoFormatVersion = 1;
inline constexpr const char* kControlDirName = ".jvs";
inline constexpr const char* kMainWorktree = "main";

// `.jvs/format`: the repository format version, read in one place for open,
// verify and doctor (each words a bad one its own way).
struct RepoFormat {
  enum class State { kOk, kMissing, kMalformed, kTooNew };
  State state = State::kMissing;
  int version = 0;   // when kOk or kTooNew
  std::string text;  // the file's content without trailing newlines and spaces
};
RepoFormat ReadRepoFormat(Env* env, const fs::path& control);
// OK when `format` (read from `control`) is one this jvs reads; otherwise the
// error for a command that wants to `verb` ("open", "verify") the repository:
// kCorrupt when missing or malformed, kFormatTooNew when newer than
// kRepoFormatVersion.
Status CheckRepoFormat(const RepoFormat& format, const fs::path& control, std::string_view verb);

// Everything a command needs to know about its caller; filled by the CLI
// (from JVS_USER, JVS_TIMESTAMP, JVS_RANDOMNESS_SEED, ..., and the
// configuration files, see jvs/config.h). The library never reads the
// environment or configuration itself.
struct Settings {
  std::string user = "unknown";
  std::string host = "localhost";
  std::string email;                      // user.email; empty: none
  std::optional<int64_t> pinned_time_ns;  // every timestamp written uses it
  std::optional<uint64_t> random_seed;    // deterministic change ids
  std::chrono::milliseconds lock_wait{10000};
  std::string command;                    // command line, for the op log
  std::optional<std::string> engine;      // forced engine name
  std::string engine_origin;              // what forced it, for `jvs info` (default "JVS_ENGINE=<engine>")
  std::string program_path;               // where helper programs (juicefs) are looked up: the caller's PATH
  // Ignore patterns (gitignore syntax) applied at every workspace root before
  // its .jvsignore files, which can override them (config ignore.patterns).
  std::vector<std::string> ignore_patterns;
  ProgressSink* progress = nullptr;        // long work reports here (not owned)
  // Restore and fork check content against its blob id as it is copied; with
  // this set, content a sharing engine clones is read back and checked too
  // (costs a read of every byte placed; `--verify`).
  bool verify_clones = false;
  // How text conflicts are written into the working copy (merge.conflict_style).
  ConflictStyle conflict_style = ConflictStyle::kDiff;
};

struct InitOptions {
  fs::path root;       // the directory that will hold .jvs
  fs::path workspace;  // the main workspace (root/main, or root itself)
};

class Repo {
 public:
  ~Repo();

  // Creates a repository. `options.root` may exist (it must not contain
  // .jvs); the workspace is created if missing.
  static Result<std::unique_ptr<Repo>> Init(Env* env, const InitOptions& options,
                                            const Settings& settings);
  // Finds the repository containing `start` (walking up) and opens it at its
  // current operation. With `at_op`, opens it read-only as of that operation.
  static Result<std::unique_ptr<Repo>> Open(Env* env, const fs::path& start,
                                            const Settings& settings,
                                            std::optional<std::string> at_op = {});
  // The root of the repository containing `start` (walking up; a worktree
  // outside the root names it in its `.jvs` file), without opening it.
  static Result<fs::path> FindRoot(Env* env, const fs::path& start);

  Env* env() const { return env_; }
  const Settings& settings() const { return settings_; }
  const fs::path& root() const { return root_; }
  fs::path control_dir() const { return root_ / kControlDirName; }
  const std::string& repo_id() const { return repo_id_; }
  int format_version() const { return kRepoFormatVersion; }
  Store& store() { return *store_; }
  OpStore& op_store() { return *op_store_; }
  CloneEngine& engine() { return *engine_; }
  std::string engine_reason() const { return engine_reason_; }

  const OperationId& op_id() const { return op_id_; }
  const Operation& operation() const { return op_; }
  const View& view() const { return view_; }
  bool read_only() const { return read_only_; }

  // The worktree the running command was started in. Every operation a
  // Transaction publishes records it as the attribute "from_worktree": undo
  // takes back the latest operation of one worktree (see operations.h).
  void set_command_worktree(std::string name) { command_worktree_ = std::move(name); }
  const std::string& command_worktree() const { return command_worktree_; }

  // Re-reads the op heads (after taking a worktree lock), merging if needed.
  Status Reload();

  // Every open Repo holds a shared lock on `.jvs/gc.lock` for its lifetime,
  // so that `jvs gc run` (which converts its own to exclusive) never deletes
  // objects while another command may be about to reference them. Waits up
  // to Settings::lock_wait; kLocked on timeout. Only one Repo per process
  // may call it (a second open Repo in the same process would block it).
  Status LockRepositoryExclusive();

  // ---- worktrees ----
  std::vector<std::string> WorktreeNames() const;
  Result<fs::path> WorktreePath(const std::string& name) const;
  fs::path WorktreeControlDir(const std::string& name) const {
    return control_dir() / "worktrees" / name;
  }
  // The worktree whose directory contains `path` (main when none does).
  std::string WorktreeForPath(const fs::path& path) const;
  // Takes worktree `name`'s lock (bounded wait, kLocked). Once held, removes
  // the store's temp files left by dead processes of this host
  // (Backend::RemoveTempsOfDeadWriters), so a killed snapshot's partial
  // blobs do not wait for `doctor --repair`.
  Result<UniqueFd> LockWorktree(const std::string& name);

  // Three-way merge of views: the changes from `base` to `b` applied on top of
  // `a`; on a conflict `b` wins and the other value stays visible.
  Result<View> MergeViews(const View& base, const View& a, const View& b, std::vector<std::string>* conflicts);

  // ---- publishing ----
  // Every change is published through a Transaction (jvs/repo/transaction.h).
  // This is shorthand for a transaction that replaces the whole view with
  // `view`, sets `attributes` and commits: one operation whose parent is the
  // current operation. The repo then stands at it.
  Result<OperationId> Publish(View view, std::string description,
                              std::map<std::string, std::string> attributes = {});

  // Problems that did not stop a command (e.g. after its operation was
  // published); the caller reports them. Clears the list.
  std::vector<std::string> TakeWarnings() { return std::exchange(warnings_, {}); }
  void AddWarning(std::string w) { warnings_.push_back(std::move(w)); }

  // ---- time and identity ----
  int64_t NowNanos();
  std::string Now();  // RFC 3339
  // "user@host", or "user <email>" when an e-mail is configured.
  std::string Author() const {
    return settings_.email.empty() ? settings_.user + "@" + settings_.host
                                   : settings_.user + " <" + settings_.email + ">";
  }
  std::string NewChangeId();

  // ---- snapshots ----
  Result<std::shared_ptr<const Snapshot>> ReadSnapshot(const SnapshotId& id) {
    return store_->ReadSnapshot(id);
  }
  // Every snapshot reachable from the view (View::ReferencedSnapshots and
  // their ancestors), breadth-first.
  Result<std::vector<SnapshotId>> AllVisibleSnapshots();
  // Minimal unique hex prefix length (>= 8) for displaying `id`.
  std::string ShortId(const SnapshotId& id);

 private:
  friend class Transaction;
  Repo(Env* env, Settings settings) : env_(env), settings_(std::move(settings)) {}
  // The publish step of Transaction::Commit: writes `view` and an operation
  // whose parent is the current operation, makes them durable, and moves the
  // op head.
  Result<OperationId> PublishOperation(View view, std::string description,
                                       std::map<std::string, std::string> attributes,
                                       std::map<SnapshotId, std::vector<SnapshotId>> predecessors);
  Status OpenAt(const fs::path& root);
  Status LoadHeads();
  Status TakeGcLock();
  Status MergeHeads(const std::vector<OperationId>& heads);
  Result<std::vector<OperationId>> DropAncestorHeads(const std::vector<OperationId>& heads);
  Result<bool> IsAncestor(const OperationId& a, const OperationId& b);
  Result<std::optional<OperationId>> CommonAncestor(const OperationId& a, const OperationId& b);
  Status SelectEngine();

  Env* env_;
  Settings settings_;
  fs::path root_;
  std::string repo_id_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<OpStore> op_store_;
  std::unique_ptr<OpHeads> op_heads_;
  UniqueFd gc_lock_;  // shared (exclusive while gc deletes)
  std::unique_ptr<CloneEngine> engine_;
  std::string engine_reason_;
  std::string command_worktree_;
  OperationId op_id_;
  Operation op_;
  View view_;
  bool read_only_ = false;
  int64_t start_ns_ = 0;
  std::optional<std::mt19937_64> rng_;
  std::vector<std::string> warnings_;
};

// Finds the root of the repository containing `start`, walking up (a `.jvs`
// pointer file in a worktree outside the root names the root). Reads nothing
// else, so it works on a repository too damaged to open (verify, doctor).
Result<fs::path> FindRepoRoot(Env* env, const fs::path& start);

// Recomputes the visible heads of a view after `added` were created with
// parents `replaced` (parents stop being heads).
void AddHeads(View* view, const std::vector<SnapshotId>& added,
              const std::vector<SnapshotId>& replaced);

// Adds `id` to the view's pins (kept sorted and unique).
void AddPin(View* view, const SnapshotId& id);

// ValidateTagName and ValidateWorktreeName: see jvs/repo_path.h.

}  // namespace jvs
