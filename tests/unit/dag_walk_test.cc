// The graph walks of base/dag_walk.h and the op-log walks on top of them
// (oplog/op_walk.h): diamonds, criss-cross merges, cut parents (the gc
// horizon), and a chain long enough that a recursive walk would overflow.

#include "jvs/base/dag_walk.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "jvs/base/hash.h"
#include "jvs/oplog/op_walk.h"

namespace jvs {
namespace {

// A graph of ints: node -> its parents.
using Graph = std::map<int, std::vector<int>>;

auto ParentsIn(const Graph& g) {
  return [&g](const int& n) -> Result<std::vector<int>> {
    auto it = g.find(n);
    if (it == g.end())
      return Error(ErrorCode::kNotFound, "node " + std::to_string(n) + " is missing");
    return it->second;
  };
}

size_t Pos(const std::vector<int>& v, int n) {
  return std::find(v.begin(), v.end(), n) - v.begin();
}

//     4
//    / \        (each edge points down, from child to parent)
//   2   3
//    \ /
//     1
const Graph kDiamond = {{1, {}}, {2, {1}}, {3, {1}}, {4, {2, 3}}};

// Criss-cross: 3 and 4 both merge 1 and 2.
const Graph kCrissCross = {{1, {}}, {2, {}}, {3, {1, 2}}, {4, {2, 1}}};

TEST(DagWalk, BreadthFirstVisitsEachNodeOnceNearestFirst) {
  auto order = ReachableBreadthFirst<int>({4}, ParentsIn(kDiamond));
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(*order, (std::vector<int>{4, 2, 3, 1}));
  auto from_two = ReachableBreadthFirst<int>({2, 3, 2}, ParentsIn(kDiamond));
  ASSERT_TRUE(from_two.ok());
  EXPECT_EQ(*from_two, (std::vector<int>{2, 3, 1}));
}

TEST(DagWalk, BreadthFirstWalkAddsOnce) {
  BreadthFirstWalk<int> walk({1, 2});
  EXPECT_FALSE(walk.Add(1));
  EXPECT_TRUE(walk.Add(3));
  EXPECT_TRUE(walk.Seen(3));
  std::vector<int> got;
  while (auto n = walk.Next()) got.push_back(*n);
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(walk.Add(2));  // seen stays seen after it was visited
}

TEST(DagWalk, TopologicalOrderPutsParentsFirst) {
  for (const Graph* g : {&kDiamond, &kCrissCross}) {
    std::vector<int> starts = {4, 3};
    auto order = TopologicalOrder<int>(starts, ParentsIn(*g));
    ASSERT_TRUE(order.ok());
    ASSERT_EQ(order->size(), g->size());
    for (const auto& [node, parents] : *g)
      for (int p : parents) EXPECT_LT(Pos(*order, p), Pos(*order, node)) << p << " before " << node;
  }
}

TEST(DagWalk, ClosestCommonNode) {
  auto common = [](const Graph& g, int a, int b) {
    auto r = ClosestCommonNode<int>(a, b, ParentsIn(g));
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::optional<int>(-1);
  };
  EXPECT_EQ(common(kDiamond, 2, 3), 1);
  EXPECT_EQ(common(kDiamond, 4, 3), 3);  // an ancestor of the other
  EXPECT_EQ(common(kDiamond, 2, 4), 2);
  EXPECT_EQ(common(kDiamond, 4, 4), 4);
  // Criss-cross: two equally near common ancestors; either is right.
  auto cc = common(kCrissCross, 3, 4);
  EXPECT_TRUE(cc == 1 || cc == 2) << (cc ? *cc : -1);
  // Unrelated roots.
  EXPECT_EQ(common(kCrissCross, 1, 2), std::nullopt);
}

TEST(DagWalk, HeadsDropsNodesOtherNodesReach) {
  auto heads = [](const Graph& g, std::vector<int> nodes) {
    auto r = Heads<int>(nodes, ParentsIn(g));
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<int>{};
  };
  EXPECT_EQ(heads(kDiamond, {1, 4}), (std::vector<int>{4}));
  EXPECT_EQ(heads(kDiamond, {3, 2}), (std::vector<int>{3, 2}));  // given order kept
  EXPECT_EQ(heads(kDiamond, {2, 4, 3}), (std::vector<int>{4}));
  EXPECT_EQ(heads(kCrissCross, {1, 2, 3, 4}), (std::vector<int>{3, 4}));
  EXPECT_EQ(heads(kCrissCross, {4}), (std::vector<int>{4}));
  EXPECT_EQ(heads(kCrissCross, {}), (std::vector<int>{}));
}

TEST(DagWalk, NeighbourErrorsEndTheWalk) {
  Graph broken = {{2, {1}}, {3, {2}}};  // 1 is missing
  EXPECT_EQ(ReachableBreadthFirst<int>({3}, ParentsIn(broken)).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(TopologicalOrder<int>({3}, ParentsIn(broken)).error().code(), ErrorCode::kNotFound);
  Graph no_answer = {{2, {1}}, {3, {4}}};
  EXPECT_FALSE(ClosestCommonNode<int>(3, 2, ParentsIn(no_answer)).ok());
}

TEST(DagWalk, LongChainDoesNotOverflowTheStack) {
  constexpr int kLength = 100000;
  auto parents = [](const int& n) -> Result<std::vector<int>> {
    if (n == 0) return std::vector<int>{};
    return std::vector<int>{n - 1};
  };
  auto topo = TopologicalOrder<int>({kLength - 1}, parents);
  ASSERT_TRUE(topo.ok());
  ASSERT_EQ(topo->size(), size_t{kLength});
  EXPECT_EQ(topo->front(), 0);
  EXPECT_EQ(topo->back(), kLength - 1);
  auto bfs = ReachableBreadthFirst<int>({kLength - 1}, parents);
  ASSERT_TRUE(bfs.ok());
  EXPECT_EQ(bfs->size(), size_t{kLength});
  auto common = ClosestCommonNode<int>(kLength - 1, 7, parents);
  ASSERT_TRUE(common.ok());
  EXPECT_EQ(*common, 7);
  auto heads = Heads<int>({0, kLength - 1, 500}, parents);
  ASSERT_TRUE(heads.ok());
  EXPECT_EQ(*heads, (std::vector<int>{kLength - 1}));
}

// ---------------------------------------------------------------- op log

OperationId Oid(const std::string& name) { return OperationId(Sha256Of(name)); }

// An op log in memory: name -> (parents, end time).
class FakeLog {
 public:
  void Add(const std::string& name, std::vector<std::string> parents, std::string end_time) {
    Operation op;
    for (const auto& p : parents) op.parents.push_back(Oid(p));
    op.metadata.end_time = std::move(end_time);
    op.metadata.description = name;
    ops_[Oid(name)] = op;
  }
  void Remove(const std::string& name) { ops_.erase(Oid(name)); }
  OpReader Reader() {
    return [this](const OperationId& id) -> Result<Operation> {
      auto it = ops_.find(id);
      if (it == ops_.end()) return Error(ErrorCode::kNotFound, "operation is missing");
      return it->second;
    };
  }

 private:
  std::map<OperationId, Operation> ops_;
};

std::vector<std::string> Names(const std::vector<OpLogEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.op.metadata.description);
  return out;
}

TEST(OpWalk, WalksLiveParentsAndSortsNewestFirst) {
  FakeLog log;
  log.Add("root", {}, "t0");
  log.Add("a", {"root"}, "t1");
  log.Add("b", {"root"}, "t2");
  log.Add("merge", {"a", "b"}, "t3");
  std::set<OperationId> no_cut;
  auto entries = WalkOpLog(no_cut, {Oid("merge")}, log.Reader());
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(Names(*entries), (std::vector<std::string>{"merge", "a", "b", "root"}));
  SortNewestFirst(&*entries);
  EXPECT_EQ(Names(*entries), (std::vector<std::string>{"merge", "b", "a", "root"}));
}

TEST(OpWalk, CutParentsAreAbsent) {
  // gc cut "root" and "a": "b" and "c" name them, yet the walks stop there.
  FakeLog log;
  log.Add("b", {"a"}, "t2");
  log.Add("c", {"b", "side"}, "t3");
  log.Add("side", {"root"}, "t2");
  std::set<OperationId> horizon = {Oid("a"), Oid("root")};
  auto entries = WalkOpLog(horizon, {Oid("c")}, log.Reader());
  ASSERT_TRUE(entries.ok()) << entries.error().message();
  EXPECT_EQ(Names(*entries), (std::vector<std::string>{"c", "b", "side"}));
  // Without the horizon the same walk fails: "a" is gone.
  EXPECT_FALSE(WalkOpLog({}, {Oid("c")}, log.Reader()).ok());

  Operation c;
  c.parents = {Oid("b"), Oid("a"), Oid("side")};
  EXPECT_EQ(LiveParents(horizon, c), (std::vector<OperationId>{Oid("b"), Oid("side")}));

  auto anc = IsOpAncestor(horizon, Oid("a"), Oid("c"), log.Reader());
  ASSERT_TRUE(anc.ok());
  EXPECT_FALSE(*anc);
  auto common = ClosestCommonOperation(horizon, Oid("b"), Oid("side"), log.Reader());
  ASSERT_TRUE(common.ok());
  EXPECT_EQ(*common, std::nullopt);  // their common ancestor was cut
  auto heads = DropAncestorOperations(horizon, {Oid("b"), Oid("c"), Oid("side")}, log.Reader());
  ASSERT_TRUE(heads.ok());
  EXPECT_EQ(*heads, (std::vector<OperationId>{Oid("c")}));
  auto order = OpsParentsFirst(horizon, {Oid("c")}, log.Reader());
  ASSERT_TRUE(order.ok());
  ASSERT_EQ(order->size(), 3u);
  EXPECT_EQ(order->back(), Oid("c"));
}

TEST(OpWalk, OpLogWalkReportsNewParentsOnly) {
  std::set<OperationId> horizon = {Oid("cut")};
  OpLogWalk walk(horizon, {Oid("x")});
  Operation op;
  op.parents = {Oid("p"), Oid("cut"), Oid("x"), Oid("q")};
  EXPECT_EQ(walk.AddParents(op), (std::vector<OperationId>{Oid("p"), Oid("q")}));
  EXPECT_EQ(walk.AddParents(op), (std::vector<OperationId>{}));
  EXPECT_TRUE(walk.Seen(Oid("q")));
  EXPECT_FALSE(walk.Seen(Oid("cut")));
}

}  // namespace
}  // namespace jvs
