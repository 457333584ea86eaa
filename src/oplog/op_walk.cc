// Walks of the operation log (see include/jvs/oplog/op_walk.h): the generic
// walks of base/dag_walk.h with "neighbours" = an operation's live parents.
#include "jvs/oplog/op_walk.h"

#include <algorithm>

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
  std::stable_sort(entries->begin(), entries->end(), [](const OpLogEntry& a, const OpLogEntry& b) {
    return a.op.metadata.end_time > b.op.metadata.end_time;
  });
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
