// Workspace verbs that read a worktree's files: snapshot, status and the
// status-mode scan; opening a workspace. The verbs that move files (restore,
// Update, stale updates) are in workspace_update.cc.
#include "jvs/repo/workspace.h"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "jvs/base/fault.h"
#include "jvs/base/interrupt.h"
#include "jvs/repo/rebase.h"
#include "jvs/repo/tags.h"
#include "jvs/merge/tree_select.h"
#include "jvs/repo/transaction.h"
#include "repo/checkout_marker.h"
#include "wc/checkout.h"
#include "repo/scan_setup.h"
#include "repo/working_tree.h"
#include "wc/scanner.h"

namespace jvs {

struct Workspace::Shared {
  TreeMap scanned;  // trees of the last status-mode scan
};

namespace {

ScanSummary Summarize(const ScanStats& s) {
  ScanSummary o;
  o.files = s.files;
  o.dirs = s.dirs;
  o.hashed_files = s.hashed_files;
  o.hashed_bytes = s.hashed_bytes;
  o.stored_bytes = s.stored_bytes;
  o.total_bytes = s.total_bytes;
  o.walk_ns = s.walk_ns;
  o.read_ns = s.read_ns;
  o.build_ns = s.build_ns;
  return o;
}

std::string ShortNote(const std::string& note) {
  std::string n = note.substr(0, note.find('\n'));
  if (n.size() > 60) n = n.substr(0, 57) + "...";
  return n;
}

}  // namespace

Workspace::~Workspace() = default;

Result<std::unique_ptr<Workspace>> Workspace::Open(Repo& repo, const std::string& name) {
  if (!repo.view().worktrees.count(name) &&
      repo.env()->Exists(repo.WorktreeControlDir(name) / "fork_pending"))
    return Error(ErrorCode::kNotFound,
                 "this directory was left by a fork of worktree '" + name +
                     "' that was interrupted before it was recorded: it is not a worktree (yet)",
                 "fork it again to finish (that refuses while it holds files the fork did not write), or move "
                 "the directory away")
        .WithRemedy(Remedy::kInspectRepository);
  if (!repo.view().worktrees.count(name))
    return Error(ErrorCode::kNotFound,
                 "worktree '" + name + "' does not exist in the current operation",
                 "it was removed, or an undo/op restore went back to before it existed")
        .WithRemedy(Remedy::kUndoOrRestoreOperation);
  JVS_ASSIGN_OR_RETURN(fs::path path, repo.WorktreePath(name));
  auto st = repo.env()->Stat(path);
  if (!st.ok() || !S_ISDIR(st->st_mode))
    return Error(ErrorCode::kNotFound, "the directory of worktree '" + name + "' (" + path.string() +
                                           ") is missing",
                 "recreate the directory")
        .WithRemedy(Remedy::kRestoreHead);
  std::unique_ptr<Workspace> ws(new Workspace(repo, name, path));
  ws->shared_ = std::make_shared<Shared>();
  return ws;
}

std::unique_ptr<Workspace> Workspace::ForNew(Repo& repo, const std::string& name, const fs::path& path) {
  std::unique_ptr<Workspace> ws(new Workspace(repo, name, path));
  ws->shared_ = std::make_shared<Shared>();
  return ws;
}

const WorktreeView& Workspace::state() const {
  static const WorktreeView kNone;
  auto it = repo_.view().worktrees.find(name_);
  return it == repo_.view().worktrees.end() ? kNone : it->second;
}

fs::path Workspace::TreeStatePath() const { return repo_.WorktreeControlDir(name_) / "tree_state"; }

// `snapshot_pending`: the tree id of a snapshot being published from this
// worktree's files, written before its operation is published and removed
// once the tree state (which names the operation) is saved. If the command
// dies or fails in between, the tree state names an older operation although
// the files are exactly the new head: the marker keeps the next command from
// taking the worktree for stale (and moving the user's later edits into a
// "dirty changes" snapshot).
fs::path Workspace::SnapshotPendingPath() const {
  return repo_.WorktreeControlDir(name_) / "snapshot_pending";
}


fs::path Workspace::PendingCheckoutPath() const {
  return repo_.WorktreeControlDir(name_) / "checkout_pending";
}

Status Workspace::CheckNoPendingCheckout(bool locked) {
  auto marker = repo_.env()->ReadFile(PendingCheckoutPath(), 4096);
  if (!marker.ok()) return OkStatus();
  JVS_ASSIGN_OR_RETURN(bool published,
                       CheckoutMarkerPublished(repo_.op_store(), {repo_.op_id()}, name_, *marker));
  if (!published) {
    // Killed before its operation was published: nothing in the workspace
    // had changed (files are only written after publishing). The marker is
    // void; under the worktree lock (its writer is gone) it is removed with
    // what that process staged.
    if (locked) {
      const PendingMarker m = DecodeMarker(*marker);
      (void)repo_.env()->RemoveAll(repo_.WorktreeControlDir(name_) / ("staging-" + std::to_string(m.pid)));
      (void)repo_.env()->Unlink(PendingCheckoutPath());
      repo_.AddWarning("a restore of worktree '" + name_ + "' (to " + m.target.substr(0, 12) +
                       ") was interrupted before it was recorded; nothing had changed, its marker was removed");
    }
    return OkStatus();
  }
  std::string target = marker->substr(0, 12);
  return Error(ErrorCode::kRefused,
               "an interrupted restore (to " + target + ") left worktree '" + name_ + "' partly updated")
      .WithRemedy(Remedy::kFinishRestore, target);
}

Result<std::optional<Workspace::Interrupted>> Workspace::InterruptedUpdate() {
  auto marker = repo_.env()->ReadFile(PendingCheckoutPath(), 4096);
  if (!marker.ok()) {
    if (marker.error().code() == ErrorCode::kNotFound) return std::optional<Interrupted>();
    return marker.error();
  }
  const PendingMarker m = DecodeMarker(*marker);
  Interrupted out;
  out.target = m.target;
  out.base = m.base;
  JVS_ASSIGN_OR_RETURN(out.published, CheckoutMarkerPublished(repo_.op_store(), {repo_.op_id()}, name_, *marker));
  return std::optional<Interrupted>(std::move(out));
}

jvs::Status Workspace::DiscardVoidMarker() {
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo_.LockWorktree(name_));
  JVS_TRY(repo_.Reload());
  return CheckNoPendingCheckout(/*locked=*/true);  // removes a void marker, refuses a published one
}

TreeState Workspace::LoadTreeState(std::vector<std::string>* warnings) {
  std::string warning;
  TreeState t = TreeState::LoadOrDiscard(repo_.env(), TreeStatePath(), &warning);
  if (!warning.empty()) {
    if (warnings) warnings->push_back(warning);
    else repo_.AddWarning(warning);
  }
  return t;
}

TreeGetter Workspace::StoreGetter() {
  Store* store = &repo_.store();
  return [store](const TreeId& id) { return store->ReadTree(id); };
}

Result<SnapshotOutcome> Workspace::TakeSnapshot(const SnapshotOptions& options) {
  for (const auto& t : options.tags) JVS_TRY(ValidateNewTagName(t));
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo_.LockWorktree(name_));
  JVS_TRY(repo_.Reload());
  JVS_TRY(CheckNoPendingCheckout(/*locked=*/true));
  Env* env = repo_.env();
  TreeState old_state = LoadTreeState(nullptr);
  ScanOptions so = WorktreeScanOptions(repo_, name_, /*store_content=*/true);
  so.snapshot_fault_points = true;
  const EngineUsage engine_before = repo_.engine().counters().Load();
  JVS_ASSIGN_OR_RETURN(ScanResult scan, ScanWorkspace(env, repo_.store(), repo_.engine(), path_,
                                                      old_state, so, ThreadPool::Shared()));
  Snapshot snap;
  const WorktreeView wt = state();
  // A partial snapshot: the head's files except at the paths asked for.
  TreeId taken = scan.root;
  if (!options.paths.empty()) {
    JVS_ASSIGN_OR_RETURN(TreeId head_tree, WorkingTreeOf(repo_, wt.head));
    JVS_ASSIGN_OR_RETURN(taken, TakePaths(repo_.store(), head_tree, scan.root, options.paths));
  }
  // A conflict still marked in the files stays a conflict (repo/working_tree.h).
  JVS_ASSIGN_OR_RETURN(Merge<TreeId> root, RecordedRoot(repo_, wt.head, taken));
  SetSnapshotRoot(&snap, root);
  std::shared_ptr<const jvs::Snapshot> amended;
  if (options.amend) {
    if (!wt.head)
      return Error(ErrorCode::kRefused, "nothing to amend: worktree '" + name_ + "' has no snapshot yet")
          .WithRemedy(Remedy::kCreateSnapshot);
    JVS_ASSIGN_OR_RETURN(amended, repo_.ReadSnapshot(*wt.head));
    snap.parents = amended->parents;
    snap.change_id = amended->change_id;
    snap.note = options.keep_note ? amended->note : options.note;
    snap.author = amended->author;
    if (root == SnapshotRoot(*amended) && snap.note == amended->note && options.tags.empty()) {
      // Nothing to replace: no snapshot written, no operation.
      SnapshotOutcome out;
      out.id = *wt.head;
      out.snapshot = *amended;
      out.op = repo_.op_id();
      out.amended = wt.head;
      out.unchanged = true;
      out.scan = Summarize(scan.stats);
      out.warnings = std::move(scan.warnings);
      for (auto& w : repo_.TakeWarnings()) out.warnings.push_back(std::move(w));
      return out;
    }
  } else {
    if (wt.head) snap.parents.push_back(*wt.head);
    snap.change_id = repo_.NewChangeId();
    snap.note = options.note;
    snap.author = repo_.Author();
  }
  snap.created_at = repo_.Now();
  snap.worktree = name_;
  // The engine that really ran for this snapshot's files ("copy" when every clone fell back).
  snap.engine = repo_.engine().RanAs(repo_.engine().counters().Load() - engine_before);
  JVS_ASSIGN_OR_RETURN(SnapshotId id, repo_.store().WriteSnapshot(snap));
  // The last safe point: stopping here publishes nothing (the objects stored
  // stay unreferenced, for gc).
  JVS_TRY(CheckInterrupt("taking the snapshot"));
  JVS_FAULT("snapshot.before_publish");
  const fs::path pending = SnapshotPendingPath();
  JVS_TRY(env->WriteFileAtomic(pending, taken.hex() + "\n"));
  Transaction tx(repo_);
  RebasePlan plan;
  std::vector<std::string> moved;  // other worktrees whose head was rebased
  if (amended) {
    // The head's descendants follow its new version (all lines, all worktrees).
    auto planned = PlanDescendants(repo_, tx.view(), {{*wt.head, id}}, {});
    if (!planned.ok()) {
      (void)env->Unlink(pending);
      return planned.error();
    }
    plan = std::move(*planned);
    for (const auto& [n, w] : tx.view().worktrees)
      if (n != name_ && w.head && plan.replacement.count(*w.head)) moved.push_back(n);
    tx.SetView(ApplyRebase(tx.view(), plan));
    tx.RecordRewrite(*wt.head, {id});
    for (const auto& r : plan.rebased) tx.RecordRewrite(r.old_id, {r.new_id});
    tx.SetAttribute("amended", wt.head->hex());
    tx.SetAttribute("rebased", std::to_string(plan.rebased.size()));
  } else {
    tx.AddSnapshot(id, snap.parents);
  }
  tx.SetWorktreeHead(name_, id);
  tx.SetWorktreeLatest(name_, id);
  for (const auto& t : options.tags) tx.SetTag(t, id);
  if (!options.compression.empty()) tx.SetAttribute("compression", options.compression);
  if (!options.paths.empty()) tx.SetAttribute("partial", std::to_string(options.paths.size()) + " path(s)");
  std::string desc = amended ? "amend snapshot " + wt.head->hex().substr(0, 12) + " as " + id.hex().substr(0, 12) +
                                   " in worktree " + name_
                             : "snapshot " + id.hex().substr(0, 12) + " in worktree " + name_;
  if (!plan.rebased.empty()) desc += " (" + std::to_string(plan.rebased.size()) + " descendant(s) rebased)";
  if (!snap.note.empty()) desc += ": " + ShortNote(snap.note);
  int64_t t0 = env->NowNanos();
  auto published = tx.Commit(desc);
  if (!published.ok()) {
    (void)env->Unlink(pending);
    return published.error();
  }
  const OperationId op = *published;
  // Published: from here on a failure is a warning, never the command's error.
  scan.new_state.op = op;
  jvs::Status saved = fault::Point("snapshot.after_publish");
  if (saved.ok()) saved = scan.new_state.Save(env, TreeStatePath());
  if (saved.ok()) {
    (void)env->Unlink(pending);
  } else {
    repo_.AddWarning("snapshot recorded, but the tree state could not be saved (the next snapshot re-reads files): " +
                     saved.error().message());
  }
  if (jvs::Status f = fault::Point("snapshot.after_tree_state"); !f.ok()) {
    repo_.AddWarning("snapshot recorded, but its engine statistics were not: " + f.error().message());
  } else {
    (void)repo_.engine().RecordUsage(env);  // clone/copy/fallback counts for `jvs info`
  }
  int64_t publish_ns = env->NowNanos() - t0;
  SnapshotOutcome out;
  out.id = id;
  out.snapshot = std::move(snap);
  out.op = op;
  out.scan = Summarize(scan.stats);
  out.scan.publish_ns = publish_ns;
  out.warnings = std::move(scan.warnings);
  for (auto& w : repo_.TakeWarnings()) out.warnings.push_back(std::move(w));
  if (amended) {
    out.amended = wt.head;
    for (const auto& r : plan.rebased) {
      out.rebased.emplace_back(r.old_id, r.new_id);
      out.conflicted += r.conflicted ? 1 : 0;
    }
    out.worktrees_moved = std::move(moved);
  }
  return out;
}

Result<std::optional<SnapshotId>> Workspace::SaveDirty(const std::string& note,
                                                       const std::optional<SnapshotId>& base) {
  JVS_TRY(CheckNoPendingCheckout(/*locked=*/true));
  TreeState old_state = LoadTreeState(nullptr);
  ScanOptions so = WorktreeScanOptions(repo_, name_, /*store_content=*/true);
  const EngineUsage engine_before = repo_.engine().counters().Load();
  JVS_ASSIGN_OR_RETURN(ScanResult scan, ScanWorkspace(repo_.env(), repo_.store(), repo_.engine(), path_,
                                                      old_state, so, ThreadPool::Shared()));
  const std::optional<SnapshotId> parent = base ? base : state().head;
  JVS_ASSIGN_OR_RETURN(TreeId head_tree, WorkingTreeOf(repo_, parent));
  if (scan.root == head_tree) return std::optional<SnapshotId>();
  Snapshot snap;
  JVS_ASSIGN_OR_RETURN(Merge<TreeId> root, RecordedRoot(repo_, parent, scan.root));
  SetSnapshotRoot(&snap, root);
  if (parent) snap.parents.push_back(*parent);
  snap.change_id = repo_.NewChangeId();
  snap.note = note;
  snap.created_at = repo_.Now();
  snap.worktree = name_;
  snap.author = repo_.Author();
  snap.engine = repo_.engine().RanAs(repo_.engine().counters().Load() - engine_before);
  JVS_ASSIGN_OR_RETURN(SnapshotId id, repo_.store().WriteSnapshot(snap));
  return std::optional<SnapshotId>(id);
}

Result<WorkingCopyTree> Workspace::ScanWorkingCopy() {
  JVS_TRY(CheckNoPendingCheckout(/*locked=*/false));
  Env* env = repo_.env();
  std::vector<std::string> load_warnings;
  TreeState old_state = LoadTreeState(&load_warnings);
  ScanOptions so = WorktreeScanOptions(repo_, name_, /*store_content=*/false);
  JVS_ASSIGN_OR_RETURN(ScanResult scan, ScanWorkspace(env, repo_.store(), repo_.engine(), path_,
                                                      old_state, so, ThreadPool::Shared()));
  shared_->scanned = std::move(scan.trees);
  WorkingCopyTree wc;
  wc.root = scan.root;
  wc.warnings = std::move(scan.warnings);
  wc.warnings.insert(wc.warnings.begin(), load_warnings.begin(), load_warnings.end());
  auto shared = shared_;
  Store* store = &repo_.store();
  wc.getter = [shared, store](const TreeId& id) -> Result<std::shared_ptr<const Tree>> {
    auto it = shared->scanned.find(id);
    if (it != shared->scanned.end()) return it->second;
    return store->ReadTree(id);
  };
  return wc;
}

Result<StatusReport> Workspace::Status() {
  StatusReport r;
  r.head = state().head;
  JVS_ASSIGN_OR_RETURN(WorkingCopyTree wc, ScanWorkingCopy());
  JVS_ASSIGN_OR_RETURN(TreeId head_tree, WorkingTreeOf(repo_, r.head));
  JVS_ASSIGN_OR_RETURN(r.changes, DiffTrees(wc.getter, head_tree, wc.root));
  if (r.head) {
    JVS_ASSIGN_OR_RETURN(auto snap, repo_.store().ReadSnapshot(*r.head));
    if (snap->conflicted()) {
      JVS_ASSIGN_OR_RETURN(r.conflicts, ListConflicts(repo_.store(), SnapshotRoot(*snap)));
    }
  }
  r.warnings = std::move(wc.warnings);
  return r;
}

}  // namespace jvs
