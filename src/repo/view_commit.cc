// CommitWithoutFiles (repo/view_commit.h).
#include "repo/view_commit.h"

#include "jvs/repo/rebase.h"

namespace jvs {

Result<OperationId> CommitWithoutFiles(Repo& repo, const ViewUpdate& u) {
  Transaction tx(repo);
  JVS_ASSIGN_OR_RETURN(View v, u.make_view(tx.view()));
  tx.SetView(std::move(v));
  for (const auto& [k, val] : u.attributes) tx.SetAttribute(k, val);
  for (const auto& [old_id, new_ids] : u.rewrites) tx.RecordRewrite(old_id, new_ids);
  return tx.Commit(u.description);
}

Result<RewriteRun> PublishRewrite(Workspace& ws, const std::function<Result<ViewUpdate>(bool with_files)>& replan,
                                  const std::function<bool()>& moves_here) {
  Repo& repo = ws.repo();
  RewriteRun run;
  {
    JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo.LockWorktree(ws.name()));
    JVS_TRY(repo.Reload());
    JVS_ASSIGN_OR_RETURN(ViewUpdate u, replan(false));
    if (!moves_here()) {
      JVS_ASSIGN_OR_RETURN(run.op, CommitWithoutFiles(repo, u));
      return run;
    }
  }
  ViewUpdate update;
  update.make_view = [](View v) -> Result<View> { return v; };
  update.replan = [&replan]() { return replan(true); };
  JVS_ASSIGN_OR_RETURN(run.update, ws.Update(update));
  run.files_updated = !run.update.files_kept;
  run.op = run.update.op;
  return run;
}

Status CarryDirty(Workspace& ws, const std::optional<SnapshotId>& new_head, ViewUpdate* u,
                  std::optional<SnapshotId>* saved, std::optional<SnapshotId>* carried, TreeMergeStats* stats,
                  const std::optional<SnapshotId>& base) {
  Repo& repo = ws.repo();
  u->capture_dirty = false;
  saved->reset();
  carried->reset();
  JVS_ASSIGN_OR_RETURN(*saved, ws.SaveDirty("dirty changes saved before: " + u->description, base));
  if (!*saved) return OkStatus();
  JVS_ASSIGN_OR_RETURN(auto cap, repo.ReadSnapshot(**saved));
  std::vector<SnapshotId> parents;
  if (new_head) parents.push_back(*new_head);
  JVS_ASSIGN_OR_RETURN(Snapshot moved, RewriteOnto(repo, *cap, parents, stats));
  moved.note = "uncommitted changes carried over: " + u->description;
  JVS_ASSIGN_OR_RETURN(SnapshotId c, repo.store().WriteSnapshot(moved));
  *carried = c;
  u->files_from = c;
  u->attributes["captured_snapshot"] = (*saved)->hex();  // undo brings these files back
  u->attributes["carried_snapshot"] = c.hex();
  const SnapshotId s = **saved;
  auto inner = u->make_view;
  u->make_view = [inner, s, c](View v) -> Result<View> {
    JVS_ASSIGN_OR_RETURN(View out, inner(std::move(v)));
    AddPin(&out, s);
    AddPin(&out, c);
    AddHeads(&out, {c}, {});
    return out;
  };
  return OkStatus();
}

SnapshotIndexScope::SnapshotIndexScope(Repo& repo) : store_(repo.store()) {
  store_.UseSnapshotIndex(true);
  (void)store_.IndexSnapshots(repo.view().ReferencedSnapshots(), /*missing_ok=*/true);
}

SnapshotIndexScope::~SnapshotIndexScope() {
  (void)store_.FlushSnapshotIndex();
  store_.UseSnapshotIndex(false);
}

}  // namespace jvs
