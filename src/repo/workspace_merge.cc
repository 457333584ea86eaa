// Workspace verbs about conflicts: merging lines into a worktree, listing the
// conflicts its files hold, and resolving one by taking a value. Snapshot and
// status are in workspace.cc, the verbs that move files in workspace_update.cc.
#include <algorithm>
#include <map>

#include "jvs/merge/merge_base_trees.h"
#include "jvs/repo/transaction.h"
#include "jvs/repo/workspace.h"
#include "repo/ancestry.h"
#include "repo/scan_setup.h"
#include "repo/working_tree.h"
#include "wc/scanner.h"
#include "wc/tree_state.h"

namespace jvs {

namespace {

std::string Short(const SnapshotId& id) { return id.hex().substr(0, 12); }

// The conflicts of the files of `head` as materialized, by path.
Result<std::map<std::string, MaterializedConflict>> MaterializedConflictsOf(Repo& repo,
                                                                         const std::optional<SnapshotId>& head) {
  std::map<std::string, MaterializedConflict> out;
  if (!head) return out;
  JVS_ASSIGN_OR_RETURN(auto snap, repo.ReadSnapshot(*head));
  if (!snap->conflicted()) return out;
  JVS_ASSIGN_OR_RETURN(MaterializedTree m,
                       MaterializeTree(repo.store(), SnapshotRoot(*snap), repo.settings().conflict_style));
  for (auto& c : m.conflicts) out.emplace(c.path.str(), std::move(c));
  return out;
}

}  // namespace

Result<MergeOutcome> Workspace::MergeWith(const std::vector<SnapshotId>& others_in, const std::string& note) {
  if (others_in.empty())
    return Error(ErrorCode::kInvalidArgument, "nothing to merge", "name at least one snapshot or worktree to merge");
  MergeOutcome outcome;
  ViewUpdate plan;
  plan.description = "merge into worktree " + name_;
  plan.make_view = [](View v) -> Result<View> { return v; };
  // Everything is decided under the worktree lock, on the latest view.
  plan.replan = [this, others_in, note, &outcome]() -> Result<ViewUpdate> {
    outcome = MergeOutcome();
    const WorktreeView wt = state();
    if (!wt.head)
      return Error(ErrorCode::kRefused, "worktree '" + name_ + "' has no snapshot to merge into",
                   "take a snapshot first");
    Store& store = repo_.store();
    // The dirty files are saved first and take part in the merge as its first parent.
    TreeState old_state = LoadTreeState(nullptr);
    ScanOptions so = WorktreeScanOptions(repo_, name_, /*store_content=*/true);
    const EngineUsage engine_before = repo_.engine().counters().Load();
    auto scanned = std::make_shared<ScanResult>();
    JVS_ASSIGN_OR_RETURN(*scanned, ScanWorkspace(repo_.env(), store, repo_.engine(), path_, old_state, so,
                                                 ThreadPool::Shared()));
    const ScanResult& scan = *scanned;
    JVS_ASSIGN_OR_RETURN(TreeId head_tree, WorkingTreeOf(repo_, wt.head));
    SnapshotId first = *wt.head;
    if (scan.root != head_tree) {
      Snapshot cap;
      JVS_ASSIGN_OR_RETURN(Merge<TreeId> root, RecordedRoot(repo_, wt.head, scan.root));
      SetSnapshotRoot(&cap, root);
      cap.parents.push_back(*wt.head);
      cap.change_id = repo_.NewChangeId();
      cap.note = "dirty changes saved before: merge into worktree " + name_;
      cap.created_at = repo_.Now();
      cap.worktree = name_;
      cap.author = repo_.Author();
      cap.engine = repo_.engine().RanAs(repo_.engine().counters().Load() - engine_before);
      JVS_ASSIGN_OR_RETURN(first, store.WriteSnapshot(cap));
      outcome.captured = first;
    }
    // The others that bring something: not the head itself, not its ancestors, each once.
    std::vector<SnapshotId> others;
    for (const auto& o : others_in) {
      if (std::find(others.begin(), others.end(), o) != others.end()) continue;
      JVS_ASSIGN_OR_RETURN(bool contained, IsAncestor(repo_, o, first));
      if (!contained) others.push_back(o);
    }
    if (others.empty())
      return Error(ErrorCode::kRefused,
                   "nothing to merge: " + (others_in.size() == 1 ? "snapshot " + Short(others_in[0]) + " is"
                                                                 : std::string("every snapshot named is")) +
                       " already in the line of worktree '" + name_ + "'",
                   "name a snapshot of another line (see `jvs history --all`)");
    const ContentMerger merger = TextContentMerger(store);
    Repo* repo = &repo_;
    const CommonAncestors common = [repo](const std::vector<SnapshotId>& a, const std::vector<SnapshotId>& b) {
      return CommonAncestorsOf(*repo, a, b);
    };
    JVS_ASSIGN_OR_RETURN(auto first_snap, store.ReadSnapshot(first));
    Merge<TreeId> acc = SnapshotRoot(*first_snap);
    std::vector<SnapshotId> so_far{first};
    for (const auto& o : others) {
      JVS_ASSIGN_OR_RETURN(auto ancestors, CommonAncestorsOf(repo_, so_far, {o}));
      JVS_ASSIGN_OR_RETURN(Merge<TreeId> base, MergeBaseTrees(store, ancestors, common, merger, &outcome.stats));
      JVS_ASSIGN_OR_RETURN(auto other_snap, store.ReadSnapshot(o));
      Merge<Merge<TreeId>> nested = Merge<Merge<TreeId>>::FromTerms({acc, base, SnapshotRoot(*other_snap)});
      JVS_ASSIGN_OR_RETURN(acc, MergeTrees(store, nested.Flatten().Simplify(), merger, &outcome.stats));
      so_far.push_back(o);
    }
    Snapshot m;
    SetSnapshotRoot(&m, acc);
    m.parents = so_far;
    m.change_id = repo_.NewChangeId();
    std::string names;
    for (const auto& o : others) names += (names.empty() ? "" : ", ") + Short(o);
    m.note = note.empty() ? "merge " + names : note;
    m.created_at = repo_.Now();
    m.worktree = name_;
    m.author = repo_.Author();
    m.engine = first_snap->engine;
    JVS_ASSIGN_OR_RETURN(SnapshotId merged, store.WriteSnapshot(m));
    JVS_ASSIGN_OR_RETURN(outcome.conflicts, ListConflicts(store, acc));
    outcome.merged = merged;
    outcome.parents = so_far;

    ViewUpdate u;
    u.description = "merge " + names + " into worktree " + name_ + " as " + Short(merged);
    if (!outcome.conflicts.empty()) u.description += " (" + std::to_string(outcome.conflicts.size()) + " conflict(s))";
    u.files_from = merged;
    u.capture_dirty = false;  // saved above, as the merge's first parent
    u.scanned = scanned;      // the files were scanned above, under the same lock
    u.progress_phase = "merge";
    u.attributes["merged"] = merged.hex();
    if (outcome.captured) u.attributes["captured_snapshot"] = outcome.captured->hex();
    const std::string name = name_;
    const std::vector<SnapshotId> parents = so_far;
    u.make_view = [name, merged, parents](View v) -> Result<View> {
      AddHeads(&v, {merged}, parents);
      v.worktrees[name].head = merged;
      v.worktrees[name].latest = merged;
      return v;
    };
    return u;
  };
  JVS_ASSIGN_OR_RETURN(outcome.update, Update(plan));
  return outcome;
}

Result<std::vector<WorkingConflict>> Workspace::Conflicts() {
  const std::optional<SnapshotId> head = state().head;
  JVS_ASSIGN_OR_RETURN(auto materialized, MaterializedConflictsOf(repo_, head));
  if (materialized.empty()) return std::vector<WorkingConflict>();
  // Stored, so that edited conflict files can be read back.
  TreeState old_state = LoadTreeState(nullptr);
  ScanOptions so = WorktreeScanOptions(repo_, name_, /*store_content=*/true);
  JVS_ASSIGN_OR_RETURN(ScanResult scan, ScanWorkspace(repo_.env(), repo_.store(), repo_.engine(), path_, old_state,
                                                      so, ThreadPool::Shared()));
  JVS_ASSIGN_OR_RETURN(Merge<TreeId> root, RecordedRoot(repo_, head, scan.root));
  JVS_ASSIGN_OR_RETURN(auto conflicts, ListConflicts(repo_.store(), root));
  std::vector<WorkingConflict> out;
  for (auto& c : conflicts) {
    WorkingConflict w{ConflictedPath{c.path, c.value.Simplify()}};
    if (auto it = materialized.find(c.path.str()); it != materialized.end()) {
      w.text = it->second.kind == MaterializedConflict::Kind::kText;
      if (it->second.note_file) w.helper_files.push_back(*it->second.note_file);
      for (const auto& f : it->second.side_files)
        if (f) w.helper_files.push_back(*f);
    }
    out.push_back(std::move(w));
  }
  return out;
}

namespace {

// Writes tree `id` as the new directory `dir` with permission bits `mode`:
// its files, symlinks and subdirectories with theirs. Iterative (depth costs
// no stack); directories get their bits last, deepest first, so a read-only
// one does not stop its own contents being written.
jvs::Status WriteTreeAt(Repo& repo, const TreeId& id, uint32_t mode, const fs::path& dir) {
  Env* env = repo.env();
  struct Pending {
    TreeId id;
    uint32_t mode;
    fs::path dir;
  };
  std::vector<Pending> stack{{id, mode, dir}};
  std::vector<std::pair<fs::path, uint32_t>> made;
  while (!stack.empty()) {
    Pending p = std::move(stack.back());
    stack.pop_back();
    JVS_TRY(env->Mkdir(p.dir, 0700));
    made.emplace_back(p.dir, p.mode);
    JVS_ASSIGN_OR_RETURN(std::shared_ptr<const Tree> tree, repo.store().ReadTree(p.id));
    for (const TreeEntry& e : tree->entries) {
      const fs::path at = p.dir / e.name;
      if (e.kind == EntryKind::kTree) {
        stack.push_back({TreeId(e.id), e.EffectiveMode(), at});
      } else if (e.kind == EntryKind::kSymlink) {
        JVS_ASSIGN_OR_RETURN(std::string target, repo.store().ReadBlob(BlobId(e.id), 1 << 20));
        JVS_TRY(env->Symlink(target, at));
      } else {
        JVS_TRY(repo.store().MaterializeBlob(BlobId(e.id), e.size, at, static_cast<mode_t>(e.EffectiveMode() & 07777),
                                             repo.engine(), repo.settings().verify_clones));
      }
    }
  }
  for (auto it = made.rbegin(); it != made.rend(); ++it)
    JVS_TRY(env->Chmod(it->first, static_cast<mode_t>(it->second & 07777)));
  return OkStatus();
}

}  // namespace

jvs::Status Workspace::ResolveConflict(const RepoPath& path, const PathValue& value) {
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo_.LockWorktree(name_));
  JVS_TRY(repo_.Reload());
  JVS_TRY(CheckNoPendingCheckout(/*locked=*/true));
  JVS_ASSIGN_OR_RETURN(auto materialized, MaterializedConflictsOf(repo_, state().head));
  auto it = materialized.find(path.str());
  if (it == materialized.end())
    return Error(ErrorCode::kNotFound, "'" + path.str() + "' is not conflicted in worktree '" + name_ + "'",
                 "list the conflicts first");
  Env* env = repo_.env();
  std::vector<RepoPath> helpers;
  if (it->second.note_file) helpers.push_back(*it->second.note_file);
  for (const auto& f : it->second.side_files)
    if (f) helpers.push_back(*f);
  const fs::path dst = path.ToFsPath(path_);
  // One operation, published before any file changes: the files as they are
  // (edits made since the head saved, pinned) so that `jvs undo` brings back
  // exactly what the resolution overwrites.
  {
    JVS_ASSIGN_OR_RETURN(std::optional<SnapshotId> saved, SaveDirty("saved before resolving " + path.str()));
    Transaction tx(repo_);
    tx.SetAttribute("worktree", name_);
    tx.SetAttribute("resolved", path.str());
    if (saved) {
      tx.AddPin(*saved);
      tx.SetAttribute("captured_snapshot", saved->hex());
    }
    JVS_ASSIGN_OR_RETURN(OperationId op, tx.Commit("resolve " + path.str() + " in worktree " + name_));
    (void)op;
  }
  // The content is read before anything on disk changes.
  std::string link_target;
  if (value && value->kind == EntryKind::kSymlink) {
    JVS_ASSIGN_OR_RETURN(link_target, repo_.store().ReadBlob(BlobId(value->id), 1 << 20));
  }
  if (value && value->is_tree()) {
    // Written whole beside the path first: a failure leaves the path as it was.
    // (A name nothing holds: what the user put there is never removed.)
    JVS_TRY(env->MkdirAll(dst.parent_path()));
    fs::path staging = dst.parent_path() / (dst.filename().string() + ".jvs-resolving");
    for (int n = 2; env->Lstat(staging).ok(); ++n)
      staging = dst.parent_path() / (dst.filename().string() + ".jvs-resolving~" + std::to_string(n));
    if (jvs::Status st = WriteTreeAt(repo_, TreeId(value->id), value->EffectiveMode(), staging); !st.ok()) {
      (void)env->RemoveAll(staging);
      return st;
    }
    if (env->Lstat(dst).ok()) JVS_TRY(env->RemoveAll(dst));
    JVS_TRY(env->Rename(staging, dst));
    for (const auto& h : helpers) (void)env->RemoveAll(h.ToFsPath(path_));
    return OkStatus();
  }
  if (env->Lstat(dst).ok()) JVS_TRY(env->RemoveAll(dst));
  if (value) {
    JVS_TRY(env->MkdirAll(dst.parent_path()));
    if (value->kind == EntryKind::kSymlink) {
      JVS_TRY(env->Symlink(link_target, dst));
    } else {
      JVS_TRY(repo_.store().MaterializeBlob(BlobId(value->id), value->size, dst,
                                            static_cast<mode_t>(value->EffectiveMode() & 07777), repo_.engine(),
                                            repo_.settings().verify_clones));
    }
  }
  for (const auto& h : helpers) (void)env->RemoveAll(h.ToFsPath(path_));
  return OkStatus();
}

}  // namespace jvs
