// The functions of the revset language and their signatures (issue 19,
// docs/revsets.md "Functions"), and CheckFunctions, which holds every call
// of a tree against them.
#include <fmt/format.h>

#include <algorithm>

#include "jvs/base/suggest.h"
#include "jvs/revset/parse.h"

namespace jvs::revset {
namespace {

enum class Arg {
  kRevset,   // any revset expression (no pattern)
  kInteger,  // a non-negative integer, written as a symbol: ancestors(x, 3)
  kPattern,  // a string pattern (exact/glob/substring/regex) or a plain string
  kDate,     // after:"DATE" or before:"DATE"
  kName,     // a plain name (symbol or string)
};

struct Param {
  const char* name;
  Arg kind;
  bool required;
};

struct Signature {
  const char* name;
  std::vector<Param> params;
};

const std::vector<Signature>& Signatures() {
  static const std::vector<Signature> sigs{
      {"all", {}},
      {"none", {}},
      {"visible_heads", {}},
      {"heads", {{"x", Arg::kRevset, true}}},
      {"roots", {{"x", Arg::kRevset, true}}},
      {"ancestors", {{"x", Arg::kRevset, true}, {"depth", Arg::kInteger, false}}},
      {"descendants", {{"x", Arg::kRevset, true}, {"depth", Arg::kInteger, false}}},
      {"parents", {{"x", Arg::kRevset, true}}},
      {"children", {{"x", Arg::kRevset, true}}},
      {"latest", {{"x", Arg::kRevset, true}, {"count", Arg::kInteger, false}}},
      {"merges", {}},
      {"conflicts", {}},
      {"empty", {}},
      {"tags", {{"pattern", Arg::kPattern, false}}},
      {"note", {{"pattern", Arg::kPattern, true}}},
      {"author", {{"pattern", Arg::kPattern, true}}},
      {"date", {{"pattern", Arg::kDate, true}}},
      {"files", {{"pattern", Arg::kPattern, true}}},
      {"worktree", {{"name", Arg::kName, true}}},
      {"hidden", {}},
      {"present", {{"x", Arg::kRevset, true}}},
      {"root", {}},
  };
  return sigs;
}

RevsetError At(const Node& n, Span span, std::string message, std::string hint = {}) {
  RevsetError e{span.offset, span.length, std::move(message), std::move(hint), {}, {}};
  if (!n.from_alias.empty()) {
    e.message += fmt::format(" (in alias '{}')", n.from_alias);
    // The span is that of the alias use in the expression: no alias body.
  }
  return e;
}

bool IsDateKind(const std::string& k) { return k == "after" || k == "before"; }

RevsetStatus Check(const Node& n, bool pattern_ok);

RevsetStatus CheckArg(const Node& call, const Param& p, const Node& a) {
  switch (p.kind) {
    case Arg::kRevset:
      return Check(a, false);
    case Arg::kInteger: {
      bool digits = (a.kind == NodeKind::kSymbol || a.kind == NodeKind::kString) &&
                    !a.text.empty() && a.text.size() <= 9 &&
                    std::all_of(a.text.begin(), a.text.end(),
                                [](char c) { return c >= '0' && c <= '9'; });
      if (!digits)
        return At(a, a.span,
                  fmt::format("'{}' of '{}' must be a non-negative integer", p.name, call.text));
      return Unit{};
    }
    case Arg::kPattern:
      if (a.kind == NodeKind::kSymbol || a.kind == NodeKind::kString) return Unit{};
      if (a.kind == NodeKind::kPattern && !IsDateKind(a.text)) return Unit{};
      return At(a, a.span, fmt::format("'{}' takes a string pattern", call.text),
                "exact:\"x\", glob:\"*.txt\", substring:x, regex:\"...\" or a plain string");
    case Arg::kDate:
      if (a.kind == NodeKind::kPattern && IsDateKind(a.text)) return Unit{};
      return At(a, a.span, fmt::format("'{}' takes a date pattern", call.text),
                "after:\"2026-01-01\" or before:\"2026-01-01\"");
    case Arg::kName:
      if (a.kind == NodeKind::kSymbol || a.kind == NodeKind::kString) return Unit{};
      return At(a, a.span, fmt::format("'{}' takes a name", call.text));
  }
  return Unit{};
}

RevsetStatus CheckCall(const Node& n) {
  const auto& sigs = Signatures();
  auto sig = std::find_if(sigs.begin(), sigs.end(),
                          [&](const Signature& s) { return n.text == s.name; });
  if (sig == sigs.end())
    return At(n, n.span, fmt::format("unknown function '{}'", n.text),
              DidYouMean(ClosestNames(n.text, FunctionNames())));
  std::vector<const Node*> given(sig->params.size(), nullptr);
  size_t positional = 0;
  for (const Node& a : n.args) {
    size_t i;
    if (a.keyword.empty()) {
      i = positional++;
      if (i >= sig->params.size())
        return At(n, a.span,
                  sig->params.empty()
                      ? fmt::format("'{}' takes no arguments", n.text)
                      : fmt::format("too many arguments: '{}' takes at most {}", n.text,
                                    sig->params.size()));
    } else {
      auto p = std::find_if(sig->params.begin(), sig->params.end(),
                            [&](const Param& q) { return a.keyword == q.name; });
      if (p == sig->params.end()) {
        std::vector<std::string> names;
        for (const Param& q : sig->params) names.push_back(q.name);
        return At(n, a.span, fmt::format("'{}' has no parameter '{}'", n.text, a.keyword),
                  DidYouMean(ClosestNames(a.keyword, names)));
      }
      i = static_cast<size_t>(p - sig->params.begin());
      if (given[i])
        return At(n, a.span, fmt::format("'{}' of '{}' is given twice", a.keyword, n.text));
    }
    given[i] = &a;
  }
  for (size_t i = 0; i < given.size(); ++i) {
    const Param& p = sig->params[i];
    if (!given[i]) {
      if (p.required)
        return At(n, n.span, fmt::format("'{}' needs its argument '{}'", n.text, p.name));
      continue;
    }
    auto st = CheckArg(n, p, *given[i]);
    if (!st.ok()) return st;
  }
  return Unit{};
}

RevsetStatus Check(const Node& n, bool pattern_ok) {
  if (n.kind == NodeKind::kPattern && !pattern_ok)
    return At(n, n.span, "a string pattern is only an argument of a function that takes one",
              "note(glob:\"*.txt\"), author(exact:\"Ann\"), date(after:\"2026-01-01\")");
  if (n.kind == NodeKind::kFunction) return CheckCall(n);
  for (const Node& c : n.args) {
    auto st = Check(c, false);
    if (!st.ok()) return st;
  }
  return Unit{};
}

}  // namespace

const std::vector<std::string>& FunctionNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Signature& s : Signatures()) v.push_back(s.name);
    return v;
  }();
  return names;
}

RevsetStatus CheckFunctions(const Node& tree) { return Check(tree, false); }

}  // namespace jvs::revset
