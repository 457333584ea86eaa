// Names and types: every keyword, function and method of a parsed template is
// looked up and its arguments checked, so that evaluation cannot fail.
#include <fmt/format.h>

#include "jvs/base/suggest.h"
#include "template/internal.h"

namespace jvs::templates {

namespace {

using CheckResult = std::variant<std::monostate, TemplateError>;

const std::vector<std::string>& FunctionNames() {
  static const std::vector<std::string> names = {"concat", "if", "json", "label", "separate"};
  return names;
}

bool IsList(Type t) { return t == Type::kStringList || t == Type::kIdList; }
// A condition: a Boolean, or anything that can be empty (empty is false).
bool IsCondition(Type t) { return t != Type::kInteger; }

TemplateError At(const Node& n, std::string message, std::string hint = {}) {
  return TemplateError{n.offset, n.length, std::move(message), std::move(hint), {}};
}
TemplateError AtName(const Node& n, std::string message, std::string hint = {}) {
  return TemplateError{n.name_offset, n.text.size(), std::move(message), std::move(hint), {}};
}

std::string Listing(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return s;
}

class Checker {
 public:
  explicit Checker(const Schema& schema) : schema_(schema) {}

  CheckResult Run(Node& n) {
    switch (n.kind) {
      case NodeKind::kString:
        n.type = Type::kString;
        return {};
      case NodeKind::kInteger:
        n.type = Type::kInteger;
        return {};
      case NodeKind::kKeyword:
        return Keyword(n);
      case NodeKind::kConcat:
        for (auto& a : n.args)
          if (auto r = Run(a); r.index()) return r;
        n.type = Type::kTemplate;
        return {};
      case NodeKind::kNot:
      case NodeKind::kAnd:
      case NodeKind::kOr:
        for (auto& a : n.args)
          if (auto r = Condition(a); r.index()) return r;
        n.type = Type::kBool;
        return {};
      case NodeKind::kMethod:
        return Method(n);
      case NodeKind::kCall:
        return Call(n);
    }
    return {};
  }

 private:
  CheckResult Keyword(Node& n) {
    if (const KeywordSpec* k = schema_.FindKeyword(n.text)) {
      n.type = k->type;
      return {};
    }
    for (const auto& f : FunctionNames())
      if (f == n.text) return At(n, fmt::format("'{}' is a function, not a keyword", n.text), fmt::format("call it: {}(...)", n.text));
    std::vector<std::string> names = schema_.KeywordNames();
    std::string hint = DidYouMean(ClosestNames(n.text, names));
    if (hint.empty()) hint = "the keywords here are: " + Listing(names);
    return At(n, fmt::format("unknown keyword '{}'", n.text), hint);
  }

  CheckResult Condition(Node& n) {
    if (auto r = Run(n); r.index()) return r;
    if (!IsCondition(n.type))
      return At(n, fmt::format("expected a condition, found {}", TypeName(n.type)),
                "a condition is a Boolean, or a String, list, id or template (true when not empty)");
    return {};
  }

  CheckResult Arity(const Node& n, size_t given, size_t min, size_t max, std::string_view what) {
    if (given >= min && given <= max) return {};
    std::string want = min == max ? fmt::format("{}", min)
                       : max == SIZE_MAX ? fmt::format("at least {}", min)
                                         : fmt::format("{} to {}", min, max);
    return AtName(n, fmt::format("{} takes {} argument{}, got {}", what, want, (min == max && min == 1) ? "" : "s", given));
  }

  CheckResult Method(Node& n) {
    if (auto r = Run(n.args[0]); r.index()) return r;
    const Type receiver = n.args[0].type;
    const MethodSpec* m = schema_.FindMethod(receiver, n.text);
    if (!m) {
      std::vector<std::string> names = schema_.MethodNames(receiver);
      std::string hint = DidYouMean(ClosestNames(n.text, names));
      if (hint.empty())
        hint = names.empty() ? fmt::format("{} has no methods", TypeName(receiver))
                             : fmt::format("the methods of {} are: {}", TypeName(receiver), Listing(names));
      return AtName(n, fmt::format("{} has no method '{}'", TypeName(receiver), n.text), hint);
    }
    const size_t given = n.args.size() - 1;
    if (auto r = Arity(n, given, m->required, m->params.size(), fmt::format("{}.{}()", TypeName(receiver), n.text));
        r.index())
      return r;
    for (size_t i = 0; i < given; ++i) {
      Node& a = n.args[i + 1];
      if (auto r = Run(a); r.index()) return r;
      const Type want = m->params[i];
      // A String argument takes any value as its text; other types must match.
      const bool ok = want == Type::kString ? !IsList(a.type) : a.type == want;
      if (!ok)
        return At(a, fmt::format("argument {} of {}() must be {}, found {}", i + 1, n.text, TypeName(want),
                                 TypeName(a.type)));
    }
    n.method = m;
    n.type = m->result;
    return {};
  }

  CheckResult Call(Node& n) {
    const std::string& f = n.text;
    if (f == "if") {
      if (auto r = Arity(n, n.args.size(), 2, 3, "if()"); r.index()) return r;
      if (auto r = Condition(n.args[0]); r.index()) return r;
      for (size_t i = 1; i < n.args.size(); ++i)
        if (auto r = Run(n.args[i]); r.index()) return r;
      n.type = Type::kTemplate;
      return {};
    }
    if (f == "separate" || f == "concat") {
      if (f == "separate")
        if (auto r = Arity(n, n.args.size(), 1, SIZE_MAX, "separate()"); r.index()) return r;
      for (auto& a : n.args)
        if (auto r = Run(a); r.index()) return r;
      n.type = Type::kTemplate;
      return {};
    }
    if (f == "label") {
      if (auto r = Arity(n, n.args.size(), 2, 2, "label()"); r.index()) return r;
      if (n.args[0].kind != NodeKind::kString)
        return At(n.args[0], "the label of label() must be a string literal", "for example label(\"tag\", tags)");
      if (auto r = Run(n.args[1]); r.index()) return r;
      n.args[0].type = Type::kString;
      // A labelled list stays a list whose items carry the label.
      n.type = IsList(n.args[1].type) ? n.args[1].type : Type::kTemplate;
      return {};
    }
    if (f == "json") {
      if (auto r = Arity(n, n.args.size(), 1, 1, "json()"); r.index()) return r;
      if (auto r = Run(n.args[0]); r.index()) return r;
      n.type = Type::kString;
      return {};
    }
    if (schema_.FindKeyword(f))
      return AtName(n, fmt::format("'{}' is a keyword, not a function", f), fmt::format("write it without parentheses: {}", f));
    std::string hint = DidYouMean(ClosestNames(f, FunctionNames()));
    if (hint.empty()) hint = "the functions are: " + Listing(FunctionNames());
    return AtName(n, fmt::format("unknown function '{}'", f), hint);
  }

  const Schema& schema_;
};

}  // namespace

CheckResult Check(Node& node, const Schema& schema) { return Checker(schema).Run(node); }

}  // namespace jvs::templates
