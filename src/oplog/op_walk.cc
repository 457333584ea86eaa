// Walks of the operation log (see include/jvs/oplog/op_walk.h): the generic
// walks of base/dag_walk.h with "neighbours" = an operation's live parents.
#include "jvs/oplog/op_walk.h"

#include <algorithm>
#include <queue>
#include <unordered_map>

namespace jvs {

namespace {

// dag_walk's neighbours function for the op log.
auto ParentsOf(const std::set<OperationId>& horizon, const OpReader& read) {
  return [&horizon, &read](const OperationId& id) -> Result<std::vector<OperationId>> {
    JVS_ASSIGN_OR_RETURN(Operation op, read(id));
    return LiveParents(horizon, op);
  };
}

}  // namespace

OpReader StoreReader(OpStore& store) {
  return [&store](const OperationId& id) { return store.ReadOperation(id); };
}

std::vector<OperationId> LiveParents(const std::set<OperationId>& horizon, const Operation& op) {
  std::vector<OperationId> out;
  for (const auto& p : op.parents)
    if (!horizon.count(p)) out.push_back(p);
  return out;
}

std::vector<OperationId> OpLogWalk::AddParents(const Operation& op) {
  std::vector<OperationId> added;
  for (const auto& p : LiveParents(horizon_, op))
    if (walk_.Add(p)) added.push_back(p);
  return added;
}

Result<std::vector<OpLogEntry>> WalkOpLog(const std::set<OperationId>& horizon,
                                          const std::vector<OperationId>& heads,
                                          const OpReader& read) {
  std::vector<OpLogEntry> out;
  OpLogWalk walk(horizon, heads);
  while (auto id = walk.Next()) {
    JVS_ASSIGN_OR_RETURN(Operation op, read(*id));
    walk.AddParents(op);
    out.push_back({*id, std::move(op)});
  }
  return out;
}

void SortNewestFirst(std::vector<OpLogEntry>* entries) {
  // Kahn's algorithm from the children: an operation is ready once every
  // child of it in `entries` is placed; of the ready ones, the newest end
  // time goes first (then the given order). A skewed clock therefore never
  // lists a parent above its child.
  const size_t n = entries->size();
  std::unordered_map<OperationId, size_t, IdHash> index;
  index.reserve(n);
  for (size_t i = 0; i < n; ++i) index.emplace((*entries)[i].id, i);
  std::vector<size_t> children(n, 0);
  for (const auto& e : *entries)
    for (const auto& p : e.op.parents)
      if (auto it = index.find(p); it != index.end()) ++children[it->second];
  auto later = [entries](size_t a, size_t b) {  // true when b goes first
    const auto& ta = (*entries)[a].op.metadata.end_time;
    const auto& tb = (*entries)[b].op.metadata.end_time;
    if (ta != tb) return ta < tb;
    return a > b;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> ready(later);
  for (size_t i = 0; i < n; ++i)
    if (children[i] == 0) ready.push(i);
  std::vector<OpLogEntry> out;
  out.reserve(n);
  std::vector<bool> placed(n, false);
  while (!ready.empty()) {
    size_t i = ready.top();
    ready.pop();
    placed[i] = true;
    out.push_back(std::move((*entries)[i]));
    for (const auto& p : out.back().op.parents)
      if (auto it = index.find(p); it != index.end() && --children[it->second] == 0) ready.push(it->second);
  }
  // A cycle (only in damaged data: ids are hashes of the parents) keeps
  // the rest in the given order rather than losing it.
  for (size_t i = 0; i < n; ++i)
    if (!placed[i]) out.push_back(std::move((*entries)[i]));
  *entries = std::move(out);
}

Result<bool> IsOpAncestor(const std::set<OperationId>& horizon, const OperationId& a,
                          const OperationId& b, const OpReader& read) {
  OpLogWalk walk(horizon, {b});
  while (auto id = walk.Next()) {
    if (*id == a) return true;
    JVS_ASSIGN_OR_RETURN(Operation op, read(*id));
    walk.AddParents(op);
  }
  return false;
}

Result<std::optional<OperationId>> ClosestCommonOperation(const std::set<OperationId>& horizon,
                                                          const OperationId& a,
                                                          const OperationId& b,
                                                          const OpReader& read) {
  return ClosestCommonNode<OperationId, IdHash>(a, b, ParentsOf(horizon, read));
}

Result<std::vector<OperationId>> DropAncestorOperations(const std::set<OperationId>& horizon,
                                                        const std::vector<OperationId>& heads,
                                                        const OpReader& read) {
  return Heads<OperationId, IdHash>(heads, ParentsOf(horizon, read));
}

Result<std::vector<OperationId>> OpsParentsFirst(const std::set<OperationId>& horizon,
                                                 const std::vector<OperationId>& heads,
                                                 const OpReader& read) {
  return TopologicalOrder<OperationId, IdHash>(heads, ParentsOf(horizon, read));
}

}  // namespace jvs
