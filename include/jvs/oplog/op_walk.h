// Walks of the operation log, on top of base/dag_walk.h. Every walk follows
// an operation's *live* parents: the parents `jvs gc run` cut (the horizon,
// OpStore::horizon) are absent, so the oldest kept operations are roots.
// Which operations exist comes from an OpReader: OpStore::ReadOperation for
// commands, the operations gc loaded from disk, or verify's own reads (verify
// uses OpLogWalk directly, to report damage instead of failing).
//
// Free functions; OpLogWalk is used by one thread.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "jvs/base/dag_walk.h"
#include "jvs/oplog/oplog.h"

namespace jvs {

struct OpLogEntry {
  OperationId id;
  Operation op;
};

// Gives the operation `id` names (an error ends the walk).
using OpReader = std::function<Result<Operation>(const OperationId&)>;
// Reads from `store` (verified against the id).
OpReader StoreReader(OpStore& store);

// The parents of `op` that `horizon` does not cut.
std::vector<OperationId> LiveParents(const std::set<OperationId>& horizon, const Operation& op);

// Breadth-first over operations, following live parents: Next() gives the
// next operation id; once the caller has read it, AddParents queues its live
// parents that were not queued before (returned, in parent order).
class OpLogWalk {
 public:
  explicit OpLogWalk(const std::set<OperationId>& horizon,
                     const std::vector<OperationId>& heads = {})
      : horizon_(horizon), walk_(heads) {}
  bool Add(const OperationId& id) { return walk_.Add(id); }
  std::optional<OperationId> Next() { return walk_.Next(); }
  std::vector<OperationId> AddParents(const Operation& op);
  bool Seen(const OperationId& id) const { return walk_.Seen(id); }

 private:
  const std::set<OperationId>& horizon_;
  BreadthFirstWalk<OperationId, IdHash> walk_;
};

// Every operation reachable from `heads`, breadth-first, each read once.
Result<std::vector<OpLogEntry>> WalkOpLog(const std::set<OperationId>& horizon,
                                          const std::vector<OperationId>& heads,
                                          const OpReader& read);

// Sorts `entries` as `jvs op log` lists them: by the op graph, every
// operation before its parents (whatever the clocks said), and among those
// free to go next the newest end time first, then the given order.
void SortNewestFirst(std::vector<OpLogEntry>* entries);

// Whether `a` is `b` or one of its ancestors.
Result<bool> IsOpAncestor(const std::set<OperationId>& horizon, const OperationId& a,
                          const OperationId& b, const OpReader& read);

// The nearest common ancestor of `a` and `b` (dag_walk's ClosestCommonNode);
// none when the horizon cut every common one.
Result<std::optional<OperationId>> ClosestCommonOperation(const std::set<OperationId>& horizon,
                                                          const OperationId& a,
                                                          const OperationId& b,
                                                          const OpReader& read);

// `heads` without those that are ancestors of another one (superseded op
// heads whose writer has not removed them yet), in the given order.
Result<std::vector<OperationId>> DropAncestorOperations(const std::set<OperationId>& horizon,
                                                        const std::vector<OperationId>& heads,
                                                        const OpReader& read);

// Every operation reachable from `heads`, each after all of its live parents
// (oldest first; dag_walk's TopologicalOrder).
Result<std::vector<OperationId>> OpsParentsFirst(const std::set<OperationId>& horizon,
                                                 const std::vector<OperationId>& heads,
                                                 const OpReader& read);

}  // namespace jvs
