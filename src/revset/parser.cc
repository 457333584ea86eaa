// The revset parser: precedence climbing over the tokens of lexer.h
// (docs/revsets.md "Precedence"). Recursion is bounded: parentheses and
// calls may nest at most kMaxTreeHeight deep and every tree built is at most
// kMaxTreeHeight high, so crafted input cannot exhaust the stack.
#include <fmt/format.h>

#include <algorithm>

#include "jvs/base/suggest.h"
#include "jvs/revset/parse.h"
#include "revset/lexer.h"

namespace jvs::revset {
namespace {

const std::vector<std::string>& PatternKinds() {
  static const std::vector<std::string> kinds{"exact", "glob",  "substring",
                                              "regex", "after", "before"};
  return kinds;
}

bool IsStrictIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

bool IsFunctionName(std::string_view s) {
  return IsStrictIdentifier(s) && !(s[0] >= '0' && s[0] <= '9');
}

Span Join(Span a, Span b) { return Span{a.offset, b.offset + b.length - a.offset}; }
Span TokSpan(const Token& t) { return Span{t.offset, t.length}; }

struct Parsed {
  Node node;
  size_t height = 1;
};

RevsetError Err(Span at, std::string message, std::string hint = {}) {
  return RevsetError{at.offset, at.length, std::move(message), std::move(hint), {}, {}};
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : toks_(std::move(toks)) {}

  RevsetResult<Node> ParseAll() {
    auto e = ParseBinary(1);
    if (!e.ok()) return e.error();
    if (Peek().kind != Tok::kEnd) return Unexpected();
    return std::move(e->node);
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    return toks_[std::min(pos_ + ahead, toks_.size() - 1)];
  }
  const Token& Next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }

  static bool StartsPrimary(const Token& t) {
    return t.kind == Tok::kIdent || t.kind == Tok::kString || t.kind == Tok::kAt ||
           t.kind == Tok::kLParen;
  }
  static int Precedence(Tok k) {
    if (k == Tok::kPipe) return 1;
    if (k == Tok::kAmp || k == Tok::kTilde) return 2;
    return 0;
  }

  RevsetError Unexpected() const {
    const Token& t = Peek();
    std::string hint;
    if (t.kind == Tok::kRParen) hint = "there is no '(' for this ')' to close";
    else if (t.kind == Tok::kEquals) hint = "'=' passes a keyword argument: f(name=value)";
    else if (t.kind == Tok::kColon) hint = "a pattern is KIND:VALUE without spaces; '::' is the DAG range";
    else if (t.kind == Tok::kComma) hint = "',' separates the arguments of a function";
    else if (pos_ > 0 && toks_[pos_ - 1].kind == Tok::kMinus && toks_[pos_ - 1].space_before)
      hint = "'-' is the parents operator; use '~' for the difference of two sets";
    else hint = "expected an operator (| & ~ :: .. - +) or the end";
    return Err(TokSpan(t), fmt::format("unexpected {}", TokenName(t)), hint);
  }

  RevsetResult<Parsed> Wrap(NodeKind kind, Span span, std::vector<Parsed> parts) {
    size_t h = 0;
    std::vector<Node> args;
    for (Parsed& p : parts) {
      h = std::max(h, p.height);
      args.push_back(std::move(p.node));
    }
    if (h + 1 > kMaxTreeHeight)
      return Err(span, fmt::format("expression nested too deeply (more than {} levels)",
                                   kMaxTreeHeight));
    return Parsed{MakeOp(kind, span, std::move(args)), h + 1};
  }

  // Binary operators of precedence >= min_prec, left-associative.
  RevsetResult<Parsed> ParseBinary(int min_prec) {
    auto lhs = min_prec < 2 ? ParseBinary(2) : ParseNegation();
    if (!lhs.ok()) return lhs;
    while (Precedence(Peek().kind) == min_prec) {
      Tok op = Next().kind;
      auto rhs = min_prec < 2 ? ParseBinary(2) : ParseNegation();
      if (!rhs.ok()) return rhs;
      NodeKind kind = op == Tok::kPipe  ? NodeKind::kUnion
                      : op == Tok::kAmp ? NodeKind::kIntersection
                                        : NodeKind::kDifference;
      Span span = Join(lhs->node.span, rhs->node.span);
      std::vector<Parsed> parts;
      parts.push_back(std::move(*lhs));
      parts.push_back(std::move(*rhs));
      lhs = Wrap(kind, span, std::move(parts));
      if (!lhs.ok()) return lhs;
    }
    return lhs;
  }

  RevsetResult<Parsed> ParseNegation() {
    std::vector<size_t> tildes;
    while (Peek().kind == Tok::kTilde) tildes.push_back(Next().offset);
    auto e = ParseRange();
    if (!e.ok()) return e;
    for (size_t i = tildes.size(); i-- > 0;) {
      Span span = Join(Span{tildes[i], 1}, e->node.span);
      std::vector<Parsed> parts;
      parts.push_back(std::move(*e));
      e = Wrap(NodeKind::kNot, span, std::move(parts));
      if (!e.ok()) return e;
    }
    return e;
  }

  static bool IsRangeOp(Tok k) { return k == Tok::kDagRange || k == Tok::kRange; }

  RevsetResult<Parsed> ParseRange() {
    RevsetResult<Parsed> e = Parsed{};
    if (IsRangeOp(Peek().kind)) {
      const Token& op = Next();
      bool dag = op.kind == Tok::kDagRange;
      if (StartsPrimary(Peek())) {
        auto x = ParseNeighbors();
        if (!x.ok()) return x;
        Span span = Join(TokSpan(op), x->node.span);
        std::vector<Parsed> parts;
        parts.push_back(std::move(*x));
        e = Wrap(dag ? NodeKind::kDagRangePre : NodeKind::kRangePre, span, std::move(parts));
      } else {
        e = Parsed{MakeOp(dag ? NodeKind::kDagRangeAll : NodeKind::kRangeAll, TokSpan(op), {}), 1};
      }
    } else {
      e = ParseNeighbors();
      if (!e.ok() || !IsRangeOp(Peek().kind)) return e;
      const Token& op = Next();
      bool dag = op.kind == Tok::kDagRange;
      std::vector<Parsed> parts;
      Span span = Join(e->node.span, TokSpan(op));
      parts.push_back(std::move(*e));
      if (StartsPrimary(Peek())) {
        auto y = ParseNeighbors();
        if (!y.ok()) return y;
        span = Join(span, y->node.span);
        parts.push_back(std::move(*y));
        e = Wrap(dag ? NodeKind::kDagRange : NodeKind::kRange, span, std::move(parts));
      } else {
        e = Wrap(dag ? NodeKind::kDagRangePost : NodeKind::kRangePost, span, std::move(parts));
      }
    }
    if (e.ok() && IsRangeOp(Peek().kind))
      return Err(TokSpan(Peek()), fmt::format("unexpected {}: ranges do not chain", TokenName(Peek())),
                 fmt::format("add parentheses: (a{0}b){0}c", Peek().kind == Tok::kDagRange ? "::" : ".."));
    return e;
  }

  RevsetResult<Parsed> ParseNeighbors() {
    auto e = ParsePrimary();
    while (e.ok() && (Peek().kind == Tok::kMinus || Peek().kind == Tok::kPlus)) {
      const Token& op = Next();
      Span span = Join(e->node.span, TokSpan(op));
      std::vector<Parsed> parts;
      parts.push_back(std::move(*e));
      e = Wrap(op.kind == Tok::kMinus ? NodeKind::kParents : NodeKind::kChildren, span,
               std::move(parts));
    }
    return e;
  }

  RevsetStatus Enter(const Token& at) {
    if (++depth_ > kMaxTreeHeight)
      return Err(TokSpan(at), fmt::format("expression nested too deeply (more than {} levels)",
                                          kMaxTreeHeight));
    return Unit{};
  }

  RevsetResult<Parsed> ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kLParen: {
        Next();
        auto in = Enter(t);
        if (!in.ok()) return in.error();
        auto e = ParseBinary(1);
        if (!e.ok()) return e;
        if (Peek().kind != Tok::kRParen)
          return Err(TokSpan(Peek()), fmt::format("expected ')', found {}", TokenName(Peek())),
                     fmt::format("to close the '(' at column {}", t.offset + 1));
        e->node.span = Join(TokSpan(t), TokSpan(Next()));
        --depth_;
        return e;
      }
      case Tok::kAt:
        Next();
        return Parsed{MakeLeaf(NodeKind::kAt, TokSpan(t), {}), 1};
      case Tok::kIdent:
      case Tok::kString: {
        const Token& name = Next();
        const Token& after = Peek();
        bool attached = !after.space_before;
        if (attached && after.kind == Tok::kAt) {
          Next();
          return Parsed{MakeLeaf(NodeKind::kWorktreeHead, Join(TokSpan(name), TokSpan(after)),
                                 name.text), 1};
        }
        if (name.kind == Tok::kIdent && attached && after.kind == Tok::kLParen)
          return ParseCall(name);
        if (name.kind == Tok::kIdent && attached && after.kind == Tok::kColon)
          return ParsePattern(name);
        return Parsed{MakeLeaf(name.kind == Tok::kIdent ? NodeKind::kSymbol : NodeKind::kString,
                               TokSpan(name), name.text), 1};
      }
      default:
        return Err(TokSpan(t), t.kind == Tok::kEnd
                                   ? std::string("expected an expression")
                                   : fmt::format("expected an expression, found {}", TokenName(t)));
    }
  }

  RevsetResult<Parsed> ParsePattern(const Token& kind) {
    const Token& colon = Next();
    if (!IsStrictIdentifier(kind.text))
      return Err(TokSpan(kind), fmt::format("'{}' is not a pattern kind", kind.text),
                 "a pattern kind is one of exact, glob, substring, regex, after, before");
    const auto& kinds = PatternKinds();
    if (std::find(kinds.begin(), kinds.end(), kind.text) == kinds.end()) {
      std::string hint = DidYouMean(ClosestNames(kind.text, kinds));
      if (hint.empty()) hint = "pattern kinds: exact, glob, substring, regex, after, before";
      return Err(TokSpan(kind), fmt::format("unknown pattern kind '{}'", kind.text), hint);
    }
    const Token& v = Peek();
    if (v.space_before || (v.kind != Tok::kIdent && v.kind != Tok::kString))
      return Err(Span{colon.offset + 1, 0},
                 fmt::format("expected a pattern value right after '{}:'", kind.text),
                 "quote a value with spaces or operators: glob:\"*.txt\"");
    Next();
    return Parsed{MakeLeaf(NodeKind::kPattern, Join(TokSpan(kind), TokSpan(v)), kind.text, v.text),
                  1};
  }

  RevsetResult<Parsed> ParseCall(const Token& name) {
    if (!IsFunctionName(name.text))
      return Err(TokSpan(name), fmt::format("'{}' is not a function name", name.text),
                 "a function name is letters, digits and '_'");
    const Token& open = Next();
    auto in = Enter(open);
    if (!in.ok()) return in.error();
    std::vector<Parsed> args;
    bool keyword_seen = false;
    while (Peek().kind != Tok::kRParen) {
      std::string keyword;
      const Token& first = Peek();
      if (first.kind == Tok::kIdent && Peek(1).kind == Tok::kEquals) {
        if (!IsStrictIdentifier(first.text))
          return Err(TokSpan(first), fmt::format("'{}' is not a keyword", first.text));
        keyword = first.text;
        Next();
        Next();
        keyword_seen = true;
      } else if (keyword_seen) {
        return Err(TokSpan(first), "a positional argument follows a keyword argument",
                   "pass positional arguments first");
      }
      auto a = ParseBinary(1);
      if (!a.ok()) return a;
      a->node.keyword = std::move(keyword);
      if (!a->node.keyword.empty()) a->node.span = Join(TokSpan(first), a->node.span);
      args.push_back(std::move(*a));
      if (Peek().kind == Tok::kComma) {
        Next();
        continue;
      }
      if (Peek().kind != Tok::kRParen)
        return Err(TokSpan(Peek()), fmt::format("expected ',' or ')', found {}", TokenName(Peek())),
                   fmt::format("the arguments of '{}' start at column {}", name.text, open.offset + 1));
    }
    Span span = Join(TokSpan(name), TokSpan(Next()));
    --depth_;
    auto r = Wrap(NodeKind::kFunction, span, std::move(args));
    if (r.ok()) r->node.text = name.text;
    return r;
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  size_t depth_ = 0;
};

}  // namespace

RevsetResult<Node> ParseRevset(std::string_view text) {
  auto toks = Tokenize(text);
  if (!toks.ok()) return toks.error();
  return Parser(std::move(*toks)).ParseAll();
}

}  // namespace jvs::revset
