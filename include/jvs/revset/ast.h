// The syntax tree of a revset expression (docs/revsets.md), as the parser
// (jvs/revset/parse.h) produces it: no name has been looked up, so a symbol is
// only text. A `Node` owns its children by value; trees are plain values,
// thread-compatible, compared with `SameTree` (spans and alias origins are not
// part of the comparison) and printed with `PrintRevset` in a canonical, fully
// parenthesised form that parses back into the same tree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jvs::revset {

// Where a node was written: a byte range of the expression text.
struct Span {
  size_t offset = 0;
  size_t length = 0;
};

enum class NodeKind : uint8_t {
  kSymbol,        // text: a bare identifier (id prefix, change id, tag name)
  kString,        // text: a quoted symbol, "..." (escapes decoded) or '...'
  kAt,            // `@`: the current worktree's head
  kWorktreeHead,  // text: `NAME@`, the head of worktree NAME
  kPattern,       // text: the kind (exact, glob, ...), value: the pattern
  kFunction,      // text: the name; args: the arguments in order
  kUnion,         // args: two (or more, after optimisation) operands: a | b
  kIntersection,  // a & b (two or more operands after optimisation)
  kDifference,    // a ~ b
  kNot,           // ~a
  kDagRange,      // a::b
  kDagRangePre,   // ::a
  kDagRangePost,  // a::
  kDagRangeAll,   // ::
  kRange,         // a..b
  kRangePre,      // ..a
  kRangePost,     // a..
  kRangeAll,      // ..
  kParents,       // a-
  kChildren,      // a+
};

// "symbol", "union", ...: for messages and tests.
std::string_view NodeKindName(NodeKind kind);

struct Node {
  NodeKind kind = NodeKind::kSymbol;
  Span span;
  std::string text;   // symbol, string, worktree or function name, pattern kind
  std::string value;  // pattern value
  // A function argument passed by keyword (`depth=3`): the keyword; else "".
  std::string keyword;
  std::vector<Node> args;  // operands of an operator, arguments of a function
  // The alias whose body this node was written in ("" for the user's own
  // text); set by ExpandAliases, used to name the alias in later errors.
  std::string from_alias;
};

Node MakeLeaf(NodeKind kind, Span span, std::string text, std::string value = {});
Node MakeOp(NodeKind kind, Span span, std::vector<Node> args);
Node MakeCall(std::string name, Span span, std::vector<Node> args);

// Equal trees: kinds, texts, values, keywords and children; spans and
// `from_alias` are ignored.
bool SameTree(const Node& a, const Node& b);

// The canonical text: every operator in parentheses (except the whole
// expression and a function argument), symbols bare, strings,
// pattern values and worktree names that are not bare identifiers quoted with
// "..." and escapes, function arguments separated by ", ", keywords as k=v.
// `PrintRevset(ParseRevset(PrintRevset(t)))` equals `PrintRevset(t)`.
std::string PrintRevset(const Node& node);

// True when `text` lexes as exactly one bare identifier (docs/revsets.md).
bool IsBareIdentifier(std::string_view text);

// `text` as a double-quoted string literal with escapes.
std::string QuoteString(std::string_view text);

// The number of levels of the tree (a leaf is 1); iterative.
size_t TreeHeight(const Node& node);

}  // namespace jvs::revset
