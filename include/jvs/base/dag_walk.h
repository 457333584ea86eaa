// Walks of a directed acyclic graph given by a neighbours function (the
// operation log with its parents, snapshot ancestry, ...): the one module for
// graph walks, so that verbs do not each write their own. Every walk is
// iterative with an explicit queue or stack: a very long chain (a crafted or
// just old history) cannot overflow the call stack. Each node is visited once.
//
// A neighbours function is a callable `(const Node&) -> Result<std::vector<Node>>`
// (for history: the node's parents); its first error ends the walk and is
// returned. Node is a small value type hashable with `Hash`.
//
// Header-only templates; no shared state: a walk object is used by one thread.
#pragma once

#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "jvs/base/result.h"

namespace jvs {

// Breadth-first order, driven by the caller: `Next()` gives the next node,
// `Add()` queues a node unless it was ever queued. Lets a walk read each node
// its own way (and stop early) while the bookkeeping lives here.
template <typename Node, typename Hash = std::hash<Node>>
class BreadthFirstWalk {
 public:
  BreadthFirstWalk() = default;
  explicit BreadthFirstWalk(const std::vector<Node>& starts) {
    for (const auto& s : starts) Add(s);
  }
  // Queues `n`; false when it was queued before (it is not queued again).
  bool Add(const Node& n) {
    if (!seen_.insert(n).second) return false;
    queue_.push_back(n);
    return true;
  }
  std::optional<Node> Next() {
    if (queue_.empty()) return std::nullopt;
    Node n = std::move(queue_.front());
    queue_.pop_front();
    return n;
  }
  bool Seen(const Node& n) const { return seen_.count(n) > 0; }

 private:
  std::unordered_set<Node, Hash> seen_;
  std::deque<Node> queue_;
};

// Every node reachable from `starts` (the starts included), breadth-first.
template <typename Node, typename Hash = std::hash<Node>, typename Neighbours>
Result<std::vector<Node>> ReachableBreadthFirst(const std::vector<Node>& starts,
                                                Neighbours&& neighbours) {
  std::vector<Node> out;
  BreadthFirstWalk<Node, Hash> walk(starts);
  while (auto n = walk.Next()) {
    JVS_ASSIGN_OR_RETURN(std::vector<Node> next, neighbours(*n));
    for (const auto& m : next) walk.Add(m);
    out.push_back(std::move(*n));
  }
  return out;
}

// Every node reachable from `starts`, each after all of its neighbours (for
// parents: oldest first; reverse it for newest first). Depth-first post-order
// with an explicit stack; neighbours are asked once per node.
template <typename Node, typename Hash = std::hash<Node>, typename Neighbours>
Result<std::vector<Node>> TopologicalOrder(const std::vector<Node>& starts,
                                           Neighbours&& neighbours) {
  std::vector<Node> out;
  enum class State { kOpen, kDone };
  std::unordered_map<Node, State, Hash> state;
  struct Frame {
    Node node;
    std::vector<Node> next;
    size_t i = 0;
  };
  std::vector<Frame> stack;
  for (const auto& s : starts) {
    if (state.count(s)) continue;
    state.emplace(s, State::kOpen);
    JVS_ASSIGN_OR_RETURN(std::vector<Node> next, neighbours(s));
    stack.push_back(Frame{s, std::move(next)});
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.i < f.next.size()) {
        Node m = f.next[f.i++];
        // kOpen: a cycle (not a DAG); the edge is ignored rather than looping.
        if (state.count(m)) continue;
        state.emplace(m, State::kOpen);
        JVS_ASSIGN_OR_RETURN(std::vector<Node> mnext, neighbours(m));
        stack.push_back(Frame{std::move(m), std::move(mnext)});  // invalidates f
        continue;
      }
      state[f.node] = State::kDone;
      out.push_back(std::move(f.node));
      stack.pop_back();
    }
  }
  return out;
}

// The nearest node reachable from both `a` and `b` (their closest common
// ancestor, for parents), or none. Breadth-first from both sides in turn,
// one node per side and round; the first node seen from both sides wins
// (with several equally near, which one depends on neighbour order).
template <typename Node, typename Hash = std::hash<Node>, typename Neighbours>
Result<std::optional<Node>> ClosestCommonNode(const Node& a, const Node& b,
                                              Neighbours&& neighbours) {
  if (a == b) return std::optional<Node>(a);
  std::unordered_set<Node, Hash> seen_a{a}, seen_b{b};
  std::deque<Node> qa{a}, qb{b};
  while (!qa.empty() || !qb.empty()) {
    for (int side = 0; side < 2; ++side) {
      auto& queue = side == 0 ? qa : qb;
      auto& mine = side == 0 ? seen_a : seen_b;
      auto& theirs = side == 0 ? seen_b : seen_a;
      if (queue.empty()) continue;
      Node n = std::move(queue.front());
      queue.pop_front();
      if (theirs.count(n)) return std::optional<Node>(n);
      JVS_ASSIGN_OR_RETURN(std::vector<Node> next, neighbours(n));
      for (const auto& m : next) {
        if (theirs.count(m)) return std::optional<Node>(m);
        if (mine.insert(m).second) queue.push_back(m);
      }
    }
  }
  return std::optional<Node>();
}

// The nodes of `nodes` that no other node of `nodes` reaches (for parents:
// drops every node that is an ancestor of another), in their given order.
// One walk from the neighbours of all of them; it stops early once a single
// candidate is left unreached.
template <typename Node, typename Hash = std::hash<Node>, typename Neighbours>
Result<std::vector<Node>> Heads(const std::vector<Node>& nodes, Neighbours&& neighbours) {
  std::unordered_set<Node, Hash> candidates(nodes.begin(), nodes.end());
  size_t unreached = candidates.size();
  std::unordered_set<Node, Hash> reached;
  BreadthFirstWalk<Node, Hash> walk;
  for (const auto& n : candidates) {
    JVS_ASSIGN_OR_RETURN(std::vector<Node> next, neighbours(n));
    for (const auto& m : next) walk.Add(m);
  }
  while (unreached > 1) {
    auto n = walk.Next();
    if (!n) break;
    if (candidates.count(*n) && reached.insert(*n).second) --unreached;
    JVS_ASSIGN_OR_RETURN(std::vector<Node> next, neighbours(*n));
    for (const auto& m : next) walk.Add(m);
  }
  // Whatever is still queued is reached too.
  while (auto n = walk.Next())
    if (candidates.count(*n)) reached.insert(*n);
  std::vector<Node> out;
  for (const auto& n : nodes)
    if (!reached.count(n)) out.push_back(n);
  return out;
}

}  // namespace jvs
