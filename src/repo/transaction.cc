#include "jvs/repo/transaction.h"

#include <algorithm>
#include <utility>

namespace jvs {

Transaction::Transaction(Repo& repo) : repo_(repo), base_op_(repo.op_id()), view_(repo.view()) {}

void Transaction::AddSnapshot(const SnapshotId& id, const std::vector<SnapshotId>& replaced) {
  AddHeads(&view_, {id}, replaced);
}

void Transaction::AddPin(const SnapshotId& id) { jvs::AddPin(&view_, id); }

void Transaction::RecordRewrite(const SnapshotId& old_id, std::vector<SnapshotId> new_ids) {
  auto& news = predecessors_[old_id];
  for (auto& n : new_ids)
    if (std::find(news.begin(), news.end(), n) == news.end()) news.push_back(std::move(n));
}

void Transaction::SetWorktreeHead(const std::string& worktree, std::optional<SnapshotId> head) {
  view_.worktrees[worktree].head = std::move(head);
}

void Transaction::SetWorktreeLatest(const std::string& worktree, std::optional<SnapshotId> latest) {
  view_.worktrees[worktree].latest = std::move(latest);
}

void Transaction::AddWorktree(const std::string& worktree, WorktreeView state) {
  view_.worktrees[worktree] = std::move(state);
}

void Transaction::RemoveWorktree(const std::string& worktree) {
  auto it = view_.worktrees.find(worktree);
  if (it == view_.worktrees.end()) return;
  std::vector<SnapshotId> keep;
  if (it->second.head) keep.push_back(*it->second.head);
  if (it->second.latest) keep.push_back(*it->second.latest);
  view_.worktrees.erase(it);
  AddHeads(&view_, keep, {});  // its snapshots stay visible
}

void Transaction::RenameWorktree(const std::string& from, const std::string& to) {
  auto it = view_.worktrees.find(from);
  if (it == view_.worktrees.end() || from == to) return;
  WorktreeView state = it->second;
  view_.worktrees.erase(it);
  view_.worktrees[to] = std::move(state);
}

void Transaction::SetTag(const std::string& name, const SnapshotId& id) { view_.tags[name] = id; }

void Transaction::DeleteTag(const std::string& name) {
  auto it = view_.tags.find(name);
  if (it == view_.tags.end()) return;
  SnapshotId id = it->second;
  view_.tags.erase(it);
  AddHeads(&view_, {id}, {});  // the snapshot stays reachable
}

Result<OperationId> Transaction::Commit(std::string description) {
  if (committed_) return Error(ErrorCode::kInternal, "transaction committed twice");
  if (repo_.op_id() != base_op_)
    return Error(ErrorCode::kInternal, "the repository moved to another operation while a transaction was open");
  if (!repo_.command_worktree().empty() && !attributes_.count("from_worktree"))
    attributes_["from_worktree"] = repo_.command_worktree();
  JVS_ASSIGN_OR_RETURN(OperationId op, repo_.PublishOperation(view_, std::move(description), attributes_,
                                                              predecessors_));
  committed_ = true;
  return op;
}

}  // namespace jvs
