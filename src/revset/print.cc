// Building, comparing and printing revset trees (jvs/revset/ast.h).
#include <fmt/format.h>

#include <utility>

#include "jvs/revset/ast.h"
#include "revset/lexer.h"

namespace jvs::revset {

std::string_view NodeKindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kSymbol: return "symbol";
    case NodeKind::kString: return "string";
    case NodeKind::kAt: return "@";
    case NodeKind::kWorktreeHead: return "worktree head";
    case NodeKind::kPattern: return "pattern";
    case NodeKind::kFunction: return "function";
    case NodeKind::kUnion: return "union";
    case NodeKind::kIntersection: return "intersection";
    case NodeKind::kDifference: return "difference";
    case NodeKind::kNot: return "negation";
    case NodeKind::kDagRange: return "x::y";
    case NodeKind::kDagRangePre: return "::x";
    case NodeKind::kDagRangePost: return "x::";
    case NodeKind::kDagRangeAll: return "::";
    case NodeKind::kRange: return "x..y";
    case NodeKind::kRangePre: return "..x";
    case NodeKind::kRangePost: return "x..";
    case NodeKind::kRangeAll: return "..";
    case NodeKind::kParents: return "parents (x-)";
    case NodeKind::kChildren: return "children (x+)";
  }
  return "?";
}

Node MakeLeaf(NodeKind kind, Span span, std::string text, std::string value) {
  Node n;
  n.kind = kind;
  n.span = span;
  n.text = std::move(text);
  n.value = std::move(value);
  return n;
}

Node MakeOp(NodeKind kind, Span span, std::vector<Node> args) {
  Node n;
  n.kind = kind;
  n.span = span;
  n.args = std::move(args);
  return n;
}

Node MakeCall(std::string name, Span span, std::vector<Node> args) {
  Node n = MakeOp(NodeKind::kFunction, span, std::move(args));
  n.text = std::move(name);
  return n;
}

bool SameTree(const Node& a, const Node& b) {
  if (a.kind != b.kind || a.text != b.text || a.value != b.value || a.keyword != b.keyword ||
      a.args.size() != b.args.size())
    return false;
  for (size_t i = 0; i < a.args.size(); ++i)
    if (!SameTree(a.args[i], b.args[i])) return false;
  return true;
}

bool IsBareIdentifier(std::string_view text) {
  if (text.empty() || !IsIdentChar(static_cast<unsigned char>(text[0]))) return false;
  auto toks = Tokenize(text);
  return toks.ok() && toks->size() == 2 && (*toks)[0].kind == Tok::kIdent &&
         (*toks)[0].length == text.size();
}

std::string QuoteString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\0': out += "\\0"; break;
      case '\x1b': out += "\\e"; break;
      default:
        if ((c >= 0 && c < 0x20) || c == 0x7f) out += fmt::format("\\x{:02x}", static_cast<int>(c));
        else out += c;
    }
  }
  return out + "\"";
}

size_t TreeHeight(const Node& node) {
  size_t best = 0;
  std::vector<std::pair<const Node*, size_t>> stack{{&node, 1}};
  while (!stack.empty()) {
    auto [n, h] = stack.back();
    stack.pop_back();
    best = std::max(best, h);
    for (const Node& c : n->args) stack.push_back({&c, h + 1});
  }
  return best;
}

namespace {

std::string Name(const std::string& text) {
  return IsBareIdentifier(text) ? text : QuoteString(text);
}

// `bare`: no parentheses around this node (the whole expression, or a
// function argument, which the commas and the call's parentheses delimit).
void Print(const Node& n, std::string& out, bool bare) {
  auto joined = [&](std::string_view sep, bool parens) {
    if (parens) out += '(';
    for (size_t i = 0; i < n.args.size(); ++i) {
      if (i) out += sep;
      Print(n.args[i], out, n.kind == NodeKind::kFunction);
    }
    if (parens) out += ')';
  };
  auto unary = [&](std::string_view pre, std::string_view post) {
    if (!bare) out += '(';
    out += pre;
    if (!n.args.empty()) Print(n.args[0], out, false);
    out += post;
    if (!bare) out += ')';
  };
  if (!n.keyword.empty()) out += n.keyword + "=";
  switch (n.kind) {
    case NodeKind::kSymbol: out += Name(n.text); break;
    case NodeKind::kString: out += QuoteString(n.text); break;
    case NodeKind::kAt: out += '@'; break;
    case NodeKind::kWorktreeHead: out += Name(n.text) + "@"; break;
    case NodeKind::kPattern: out += n.text + ":" + QuoteString(n.value); break;
    case NodeKind::kFunction:
      out += n.text;
      if (n.args.empty()) out += "()";
      else joined(", ", true);
      break;
    case NodeKind::kUnion: joined(" | ", !bare); break;
    case NodeKind::kIntersection: joined(" & ", !bare); break;
    case NodeKind::kDifference: joined(" ~ ", !bare); break;
    case NodeKind::kNot: unary("~", ""); break;
    case NodeKind::kDagRange: joined("::", !bare); break;
    case NodeKind::kDagRangePre: unary("::", ""); break;
    case NodeKind::kDagRangePost: unary("", "::"); break;
    case NodeKind::kDagRangeAll: out += bare ? "::" : "(::)"; break;
    case NodeKind::kRange: joined("..", !bare); break;
    case NodeKind::kRangePre: unary("..", ""); break;
    case NodeKind::kRangePost: unary("", ".."); break;
    case NodeKind::kRangeAll: out += bare ? ".." : "(..)"; break;
    case NodeKind::kParents: unary("", "-"); break;
    case NodeKind::kChildren: unary("", "+"); break;
  }
}

}  // namespace

std::string PrintRevset(const Node& node) {
  std::string out;
  Print(node, out, true);
  return out;
}

}  // namespace jvs::revset
