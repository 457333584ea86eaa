// The first optimiser pass (jvs/revset/optimize.h): desugars the range and
// neighbour operators into the functions they mean and drops what cannot
// change the result. Bottom-up, one pass; a pure function.
#include "jvs/revset/optimize.h"

#include <utility>

namespace jvs::revset {
namespace {

bool IsCall(const Node& n, std::string_view name) {
  return n.kind == NodeKind::kFunction && n.text == name && n.args.empty();
}

Node Call(std::string name, Span span, std::vector<Node> args = {}) {
  return MakeCall(std::move(name), span, std::move(args));
}

Node Op(NodeKind kind, Span span, Node a, Node b) {
  std::vector<Node> args;
  args.push_back(std::move(a));
  args.push_back(std::move(b));
  return MakeOp(kind, span, std::move(args));
}

Node One(std::string name, Span span, Node a) {
  std::vector<Node> args;
  args.push_back(std::move(a));
  return Call(std::move(name), span, std::move(args));
}

// Union or intersection: nested ones of the same kind spliced in, operands
// equal to `unit` (none() for |, all() for &) dropped.
Node Flatten(NodeKind kind, Span span, std::vector<Node> args, std::string_view unit) {
  std::vector<Node> flat;
  for (Node& a : args) {
    if (a.kind == kind && a.keyword.empty()) {
      for (Node& b : a.args) flat.push_back(std::move(b));
    } else if (!IsCall(a, unit)) {
      flat.push_back(std::move(a));
    }
  }
  if (flat.empty()) return Call(std::string(unit), span);
  if (flat.size() == 1) return std::move(flat[0]);
  return MakeOp(kind, span, std::move(flat));
}

Node Opt(const Node& n) {
  std::vector<Node> a;
  a.reserve(n.args.size());
  for (const Node& c : n.args) a.push_back(Opt(c));
  Span s = n.span;
  Node out;
  switch (n.kind) {
    case NodeKind::kDagRangePre: out = One("ancestors", s, std::move(a[0])); break;
    case NodeKind::kDagRangePost: out = One("descendants", s, std::move(a[0])); break;
    case NodeKind::kDagRange:
      out = Op(NodeKind::kIntersection, s, One("descendants", s, std::move(a[0])),
               One("ancestors", s, std::move(a[1])));
      break;
    case NodeKind::kDagRangeAll: out = Call("all", s); break;
    case NodeKind::kRange:
      out = Op(NodeKind::kDifference, s, One("ancestors", s, std::move(a[1])),
               One("ancestors", s, std::move(a[0])));
      break;
    case NodeKind::kRangePre:
      out = Op(NodeKind::kDifference, s, One("ancestors", s, std::move(a[0])), Call("root", s));
      break;
    case NodeKind::kRangePost:
      out = Op(NodeKind::kDifference, s, One("ancestors", s, Call("visible_heads", s)),
               One("ancestors", s, std::move(a[0])));
      break;
    case NodeKind::kRangeAll:
      out = Op(NodeKind::kDifference, s, One("ancestors", s, Call("visible_heads", s)),
               Call("root", s));
      break;
    case NodeKind::kParents: out = One("parents", s, std::move(a[0])); break;
    case NodeKind::kChildren: out = One("children", s, std::move(a[0])); break;
    case NodeKind::kNot:
      if (a[0].kind == NodeKind::kNot && a[0].keyword.empty()) out = std::move(a[0].args[0]);
      else out = MakeOp(NodeKind::kNot, s, std::move(a));
      break;
    case NodeKind::kUnion: out = Flatten(NodeKind::kUnion, s, std::move(a), "none"); break;
    case NodeKind::kIntersection:
      out = Flatten(NodeKind::kIntersection, s, std::move(a), "all");
      break;
    case NodeKind::kDifference:
      if (IsCall(a[1], "none")) out = std::move(a[0]);
      else out = MakeOp(NodeKind::kDifference, s, std::move(a));
      break;
    default:
      out = n;
      out.args = std::move(a);
      return out;
  }
  out.keyword = n.keyword;
  if (out.from_alias.empty()) out.from_alias = n.from_alias;
  return out;
}

}  // namespace

Node Optimize(const Node& tree) { return Opt(tree); }

}  // namespace jvs::revset
