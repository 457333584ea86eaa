// Workspace verbs that move the files of a worktree: restore, the general
// Update (undo, redo, op restore, fork use it), stale detection and the
// update of a stale worktree. Snapshot and status are in workspace.cc.
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "jvs/base/fault.h"
#include "jvs/base/interrupt.h"
#include "jvs/repo/transaction.h"
#include "jvs/repo/workspace.h"
#include "repo/checkout_marker.h"
#include "wc/checkout.h"
#include "repo/scan_setup.h"
#include "repo/view_commit.h"
#include "repo/working_tree.h"
#include "wc/scanner.h"

namespace jvs {

Result<std::optional<SnapshotId>> Workspace::StaleFrom() {
  Env* env = repo_.env();
  // A damaged tree state is a cache to rebuild, not an error: without its
  // operation there is nothing to compare with.
  auto header = TreeState::LoadHeader(env, TreeStatePath());
  if (!header.ok()) return std::optional<SnapshotId>();
  const TreeState& ts = *header;
  if (ts.op.is_zero()) return std::optional<SnapshotId>();
  if (auto pending = env->ReadFile(SnapshotPendingPath(), 4096); pending.ok() && state().head) {
    // A snapshot of these files was published but its tree state not saved:
    // if that snapshot is still the head, the files are not stale.
    auto head_tree = WorkingTreeOf(repo_, state().head);
    if (head_tree.ok() && pending->substr(0, kIdHexLength) == head_tree->hex()) return std::optional<SnapshotId>();
  }
  auto op = repo_.op_store().ReadOperation(ts.op);
  if (!op.ok()) return std::optional<SnapshotId>();  // e.g. collected: nothing to compare
  JVS_ASSIGN_OR_RETURN(View then, repo_.op_store().ReadView(op->view));
  auto it = then.worktrees.find(name_);
  if (it == then.worktrees.end() || !it->second.head) return std::optional<SnapshotId>();
  if (state().head == it->second.head) return std::optional<SnapshotId>();
  return it->second.head;
}

Result<RestoreOutcome> Workspace::UpdateStale(const SnapshotId& old_head) {
  ViewUpdate u;
  u.description = "update stale worktree " + name_;
  // Implicit (no command asked for it): undo passes over it (src/repo/operations.cc).
  u.attributes["stale_update"] = old_head.hex();
  u.capture_parent = old_head;
  u.only_if_stale_from = old_head;
  u.make_view = [](View v) -> Result<View> { return v; };
  // Planned under the lock: when the new head rewrote the old one (same
  // change, another tree), local changes are carried onto it.
  u.replan = [this, u, old_head]() -> Result<ViewUpdate> {
    ViewUpdate plan = u;
    plan.replan = nullptr;
    const std::optional<SnapshotId> head = state().head;
    if (!head || *head == old_head) return plan;
    JVS_ASSIGN_OR_RETURN(auto now, repo_.ReadSnapshot(*head));
    JVS_ASSIGN_OR_RETURN(auto was, repo_.ReadSnapshot(old_head));
    if (now->change_id != was->change_id || SnapshotRoot(*now) == SnapshotRoot(*was)) return plan;
    JVS_ASSIGN_OR_RETURN(auto stale, StaleFrom());
    if (stale != old_head) return plan;  // Update skips it
    std::optional<SnapshotId> saved, carried;
    TreeMergeStats stats;
    JVS_TRY(CarryDirty(*this, head, &plan, &saved, &carried, &stats, old_head));
    return plan;
  };
  return Update(u);
}

Result<RestoreOutcome> Workspace::Restore(const SnapshotId& target, const std::vector<RepoPath>& paths) {
  ViewUpdate u;
  u.files_from = target;
  u.paths = paths;
  u.description = "restore worktree " + name_ + " to " + target.hex().substr(0, 12);
  if (!paths.empty()) u.description += " (" + std::to_string(paths.size()) + " path(s))";
  u.attributes["target"] = target.hex();
  u.capture_becomes_latest = true;
  const std::string name = name_;
  bool whole = paths.empty();
  u.make_view = [name, target, whole](View v) -> Result<View> {
    if (whole) v.worktrees[name].head = target;
    return v;
  };
  return Update(u);
}

Result<RestoreOutcome> Workspace::Update(const ViewUpdate& planned) {
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo_.LockWorktree(name_));
  JVS_TRY(repo_.Reload());
  ViewUpdate u = planned;
  if (planned.replan) {
    JVS_ASSIGN_OR_RETURN(u, planned.replan());
  }
  // The fault points of this flow: "<fault_flow>.<step>" (restore.*, fork.*).
  auto fault_point = [&u](const char* step) -> jvs::Status {
    if (!fault::Armed()) return OkStatus();
    return fault::Point(u.fault_flow + "." + step);
  };
  if (u.only_if_stale_from) {
    JVS_ASSIGN_OR_RETURN(auto stale, StaleFrom());
    if (stale != u.only_if_stale_from) {
      RestoreOutcome none;
      none.skipped = true;
      none.op = repo_.op_id();
      return none;
    }
  }
  u.attributes["worktree"] = name_;
  if (u.keep_files) u.attributes["files"] = "kept";
  Env* env = repo_.env();
  Store& store = repo_.store();
  const std::vector<RepoPath>& paths = u.paths;
  // 1. Capture the working copy as it is (stored, so nothing can be lost).
  TreeState old_state = LoadTreeState(nullptr);
  ScanOptions so = WorktreeScanOptions(repo_, name_, /*store_content=*/true);
  const EngineUsage engine_before = repo_.engine().counters().Load();
  ScanResult scan;
  if (u.scanned) {
    scan = std::move(*u.scanned);
  } else {
    JVS_ASSIGN_OR_RETURN(scan, ScanWorkspace(env, store, repo_.engine(), path_, old_state, so, ThreadPool::Shared()));
  }
  RestoreOutcome out;
  out.description = u.description;
  out.recreate_files_from = u.recreate_files_from;
  out.warnings = scan.warnings;
  const WorktreeView wt = state();
  JVS_ASSIGN_OR_RETURN(TreeId head_tree, WorkingTreeOf(repo_, wt.head));
  bool same_tree = false;
  if (u.only_if_stale_from && scan.root != head_tree) {
    // The head was rewritten without changing its tree (describe): the files,
    // with their local changes, are already based on it.
    JVS_ASSIGN_OR_RETURN(TreeId from_tree, WorkingTreeOf(repo_, *u.only_if_stale_from));
    same_tree = from_tree == head_tree;
  }
  if (u.only_if_stale_from && (scan.root == head_tree || same_tree)) {
    // The files already are the head (or based on a head with the same
    // tree): a command published it and was interrupted (or failed) before
    // saving the tree state, or rewrote only metadata. Nothing to save,
    // nothing to move, no operation: only the tree state is brought up to date.
    scan.new_state.op = repo_.op_id();
    if (jvs::Status st = scan.new_state.Save(env, TreeStatePath()); !st.ok()) {
      out.warnings.push_back("the tree state could not be saved (the next snapshot re-reads files): " +
                             st.error().message());
    } else {
      (void)env->Unlink(SnapshotPendingPath());
    }
    out.skipped = true;
    out.op = repo_.op_id();
    if (wt.head) out.target = *wt.head;
    return out;
  }
  TreeGetter getter = StoreGetter();
  Transaction tx(repo_);
  // The update decides on the view as it is; the capture is added afterwards
  // (so that a three-way revert sees no change it did not make).
  JVS_ASSIGN_OR_RETURN(View planned_view, u.make_view(tx.view()));
  // An update that takes this worktree out of the view (an undo of its fork,
  // an op restore to before it) leaves its files where they are.
  if (!planned_view.worktrees.count(name_) && !u.fresh_directory) {
    u.keep_files = true;
    u.attributes["files"] = "kept";
  }
  for (const auto& [k, v] : u.attributes) tx.SetAttribute(k, v);
  for (const auto& [old_id, new_ids] : u.rewrites) tx.RecordRewrite(old_id, new_ids);
  // The capture goes into the current view before the update decides the new
  // one, and stays a visible head whatever the update does.
  std::optional<SnapshotId> captured;
  // local changes are relative to what the files were based on
  const std::optional<SnapshotId> files_base = u.capture_parent ? u.capture_parent : wt.head;
  if (u.capture_parent) {
    JVS_ASSIGN_OR_RETURN(head_tree, WorkingTreeOf(repo_, u.capture_parent));
  }
  if (u.capture_dirty && !u.keep_files && scan.root != head_tree) {
    Snapshot cap;
    JVS_ASSIGN_OR_RETURN(Merge<TreeId> cap_root, RecordedRoot(repo_, files_base, scan.root));
    SetSnapshotRoot(&cap, cap_root);
    if (u.capture_parent) cap.parents.push_back(*u.capture_parent);
    else if (wt.head) cap.parents.push_back(*wt.head);
    cap.change_id = repo_.NewChangeId();
    cap.note = "dirty changes saved before: " + u.description;
    cap.created_at = repo_.Now();
    cap.worktree = name_;
    cap.author = repo_.Author();
    cap.engine = repo_.engine().RanAs(repo_.engine().counters().Load() - engine_before);
    JVS_ASSIGN_OR_RETURN(SnapshotId cid, store.WriteSnapshot(cap));
    captured = cid;
    out.captured = cid;
    tx.SetAttribute("captured_snapshot", cid.hex());
  }
  if (!u.fresh_directory) JVS_TRY(fault_point("after_capture"));  // (a fork captures nothing)
  const std::vector<SnapshotId> pins_before = tx.view().pins;
  tx.SetView(std::move(planned_view));
  // Saved dirty files stay visible whatever view the update chose.
  for (const auto& p : pins_before) tx.AddPin(p);
  if (captured) {
    tx.AddPin(*captured);
    tx.AddSnapshot(*captured);
    if (u.capture_becomes_latest) tx.SetWorktreeLatest(name_, *captured);
  }
  // What the files move to: an explicit snapshot (restore), else the new head.
  std::optional<SnapshotId> target = u.files_from;
  if (!target) {
    auto it = tx.view().worktrees.find(name_);
    if (it != tx.view().worktrees.end()) target = it->second.head;
  }
  TreeId target_tree = EmptyTreeId();
  if (u.keep_files) {
    out.files_kept = true;
    target_tree = scan.root;  // the files are the target: nothing to write
    if (target) out.target = *target;
  } else if (target) {
    JVS_ASSIGN_OR_RETURN(target_tree, WorkingTreeOf(repo_, target));
    out.target = *target;
  }
  // With paths, each must exist in the target or in the working copy.
  for (const auto& p : paths) {
    JVS_ASSIGN_OR_RETURN(auto in_target, LookupPath(getter, target_tree, p));
    JVS_ASSIGN_OR_RETURN(auto in_wc, LookupPath(getter, scan.root, p));
    if (!in_target && !in_wc)
      return Error(ErrorCode::kNotFound,
                   "path '" + p.str() + "' is neither in snapshot " + out.target.hex().substr(0, 12) +
                       " nor in the worktree",
                   "check the path")
            .WithRemedy(Remedy::kCheckPathInSnapshot, out.target.hex().substr(0, 12));
  }
  JVS_ASSIGN_OR_RETURN(auto changes, DiffTrees(getter, scan.root, target_tree, paths));
  if (u.fresh_directory) return MaterializeFresh(u, tx, changes, target_tree, std::move(out));
  // 2. Stage every new file outside the workspace: a full disk fails here,
  //    before anything in the workspace or the repository changed.
  Checkout checkout(env, store, repo_.engine(), path_, repo_.WorktreeControlDir(name_));
  checkout.set_fault_flow(u.fault_flow);
  checkout.set_hash_clones(repo_.settings().verify_clones);
  checkout.set_source("snapshot " + out.target.hex().substr(0, 12));
  JVS_TRY(checkout.CheckLimits(changes));
  JVS_TRY(checkout.Preflight(changes));
  JVS_TRY(checkout.Stage(changes, repo_.settings().progress, u.progress_phase));
  // The last safe point: stopping here leaves the repository and the files as
  // before the command (the staged files go with `checkout`).
  JVS_TRY(CheckInterrupt("restoring files"));
  // The clock once every new file is staged: restored files (their mtime is
  // older) are then clean for the next snapshot, and any later write gives
  // them a newer mtime that stat sees. See "Materialisation and mtimes" in
  // docs/engines.md.
  JVS_TRY(fault_point("after_stage"));
  std::optional<int64_t> clock_after_stage;
  if (!changes.empty())
    if (auto now = FilesystemClockAfterWrites(env, repo_.WorktreeControlDir(name_)); now.ok()) clock_after_stage = *now;
  // 3. Until the tree state is saved, the working copy may be half-updated: a
  //    marker, written before the operation is published, makes the next
  //    command say so instead of snapshotting a mix. When no file changes
  //    (the files are kept, or already are the target) there is nothing to
  //    finish: without a marker, a process killed after publishing leaves
  //    only an old tree state, which the next command brings up to date.
  const bool needs_marker = !changes.empty();
  PendingMarker marker;
  marker.target = out.target.hex();
  if (u.publish) {
    // Names the operation about to be published: if this process dies before
    // it is, the marker is void (see CheckoutMarkerPublished).
    marker.base = repo_.op_id();
    marker.pid = static_cast<int64_t>(::getpid());
    marker.host = repo_.settings().host;
  }
  if (needs_marker) {
    if (jvs::Status st = env->WriteFileAtomic(PendingCheckoutPath(), EncodeMarker(marker)); !st.ok()) {
      checkout.Abandon();
      return st.error();
    }
  }
  if (jvs::Status f = fault_point("after_marker"); !f.ok()) {
    checkout.Abandon();
    (void)env->Unlink(PendingCheckoutPath());
    return f.error();
  }
  // 4. Publish the operation, then 5. apply the changes in place. A failure
  //    from here on leaves the marker: the next command says how to finish.
  auto op = u.publish ? tx.Commit(u.description) : Result<OperationId>(repo_.op_id());
  if (!op.ok()) {
    checkout.Abandon();
    (void)env->Unlink(PendingCheckoutPath());
    return op.error();
  }
  out.op = *op;
  JVS_TRY(fault_point("after_publish"));
  JVS_ASSIGN_OR_RETURN(CheckoutStats cs, checkout.Apply(changes, getter, target_tree));
  out.warnings.insert(out.warnings.end(), cs.warnings.begin(), cs.warnings.end());
  out.files_written = cs.files_written;
  out.files_removed = cs.files_removed;
  out.bytes_written = cs.bytes_written;
  // 5. The new tree state: scanned entries, minus what changed, plus what was written.
  TreeState ns = std::move(scan.new_state);
  ns.op = *op;
  ns.tree = paths.empty() ? target_tree : EmptyTreeId();
  std::set<std::string> changed;
  for (const auto& c : changes)
    if (!c.old_entry || !c.new_entry || c.old_entry->kind != EntryKind::kTree ||
        c.new_entry->kind != EntryKind::kTree)
      changed.insert(c.path.str());  // (a directory whose mode changes keeps its files' states)
  auto is_changed = [&](const std::string& p) {
    if (changed.count(p)) return true;
    for (size_t pos = p.find('/'); pos != std::string::npos; pos = p.find('/', pos + 1))
      if (changed.count(p.substr(0, pos))) return true;  // below a replaced directory
    return false;
  };
  // Scanned entries that were racy for the capture scan must stay so under
  // the later clock: they are dropped (the next snapshot re-reads them).
  const int64_t scan_clock = ns.fs_time_ns;
  if (clock_after_stage) ns.fs_time_ns = *clock_after_stage;
  std::vector<std::pair<std::string, FileState>> merged;
  merged.reserve(ns.entries.size() + cs.written.size());
  for (auto& e : ns.entries)
    if (!is_changed(e.first) && (e.second.mtime_ns < scan_clock || !clock_after_stage)) merged.push_back(std::move(e));
  for (auto& w : cs.written) merged.push_back(std::move(w));
  std::sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  merged.erase(std::unique(merged.begin(), merged.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }),
               merged.end());
  ns.entries = std::move(merged);
  jvs::Status saved = fault_point("before_tree_state");
  if (saved.ok()) saved = ns.Save(env, TreeStatePath());
  if (saved.ok()) (void)env->Unlink(SnapshotPendingPath());
  if (!saved.ok())
    out.warnings.push_back("restored, but the tree state could not be saved (the next snapshot re-reads files): " +
                           saved.error().message());
  if (jvs::Status f = fault_point("before_clear_marker"); !f.ok())
    out.warnings.push_back("restored, but: " + f.error().message());
  (void)env->Unlink(PendingCheckoutPath());
  for (auto& w : repo_.TakeWarnings()) out.warnings.push_back(std::move(w));
  (void)repo_.engine().RecordUsage(env);  // clone/copy/fallback counts for `jvs info`
  return out;
}

Result<RestoreOutcome> Workspace::MaterializeFresh(const ViewUpdate& u, Transaction& tx,
                                                   const std::vector<TreeChange>& changes,
                                                   const TreeId& target_tree, RestoreOutcome out) {
  Env* env = repo_.env();
  for (const auto& c : changes)
    if (c.old_entry)
      return Error(ErrorCode::kRefused, "'" + path_.string() + "' is not empty",
                   "a new worktree needs an empty directory; choose another path");
  // Nothing is visible until the operation is published: a crash before it
  // leaves only a directory that no view names (and the caller removes it on
  // an error), so no pending-checkout marker is needed.
  auto fault_point = [&u](const char* step) -> jvs::Status {
    if (!fault::Armed()) return OkStatus();
    return fault::Point(u.fault_flow + "." + step);
  };
  Checkout checkout(env, repo_.store(), repo_.engine(), path_, repo_.WorktreeControlDir(name_));
  checkout.set_fault_flow(u.fault_flow);
  checkout.set_hash_clones(repo_.settings().verify_clones);
  checkout.set_source("snapshot " + out.target.hex().substr(0, 12));
  JVS_TRY(checkout.CheckLimits(changes));
  JVS_ASSIGN_OR_RETURN(CheckoutStats cs, checkout.Materialize(changes, StoreGetter(), target_tree,
                                                                      repo_.settings().progress, u.progress_phase));
  JVS_TRY(fault_point("after_materialize"));
  JVS_ASSIGN_OR_RETURN(OperationId op, tx.Commit(u.description));
  out.op = op;
  // Published: every file is in place, only the tree state is still to be
  // written, so a failure from here on is a warning (the next snapshot then
  // re-reads the files).
  if (jvs::Status f = fault_point("after_publish"); !f.ok()) {
    out.warnings.push_back("forked, but the tree state was not saved: " + f.error().message());
    return out;
  }
  out.files_written = cs.files_written;
  out.bytes_written = cs.bytes_written;
  TreeState ns;
  ns.op = op;
  ns.tree = target_tree;
  // Every entry was written by this command and stat'ed right after: the
  // clock taken now makes them clean for the next snapshot (no re-hash), and
  // a file changed later in the same clock tick is still re-read.
  if (auto now = FilesystemClockAfterWrites(env, repo_.WorktreeControlDir(name_)); now.ok()) ns.fs_time_ns = *now;
  ns.entries = std::move(cs.written);
  std::sort(ns.entries.begin(), ns.entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  if (jvs::Status st = ns.Save(env, TreeStatePath()); !st.ok())
    out.warnings.push_back("forked, but the tree state could not be saved (the next snapshot re-reads files): " +
                           st.error().message());
  else if (jvs::Status f = fault_point("after_tree_state"); !f.ok())
    out.warnings.push_back(f.error().message());
  for (auto& w : repo_.TakeWarnings()) out.warnings.push_back(std::move(w));
  (void)repo_.engine().RecordUsage(env);
  return out;
}

}  // namespace jvs
