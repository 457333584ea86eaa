// Revset alias expansion (jvs/revset/alias.h), as Jujutsu's
// `[revset-aliases]`: declarations parsed up front, bodies on first use.
#include "jvs/revset/alias.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "revset/lexer.h"

namespace jvs::revset {
namespace {

constexpr size_t kMaxExpandedNodes = 100000;

struct Decl {
  std::string decl;  // as written in the map
  std::string name;
  bool function = false;
  std::vector<std::string> params;
  const std::string* body = nullptr;
  std::optional<Node> tree;  // the body, once parsed
};

RevsetError DeclError(const std::string& decl, const Token& t, std::string message) {
  return RevsetError{t.offset, t.length, "malformed alias declaration: " + std::move(message),
                     "declare 'name', 'name()' or 'name(a, b)'", decl, decl};
}

RevsetResult<Decl> ParseDecl(const std::string& decl) {
  auto toks = Tokenize(decl);
  if (!toks.ok()) {
    RevsetError e = toks.error();
    e.message = "malformed alias declaration: " + e.message;
    e.alias = e.alias_body = decl;
    return e;
  }
  const std::vector<Token>& t = *toks;
  Decl d;
  d.decl = decl;
  if (t[0].kind != Tok::kIdent) return DeclError(decl, t[0], "expected a name");
  d.name = t[0].text;
  if (t[1].kind == Tok::kEnd) return d;
  if (t[1].kind != Tok::kLParen || t[1].space_before)
    return DeclError(decl, t[1], fmt::format("unexpected {}", TokenName(t[1])));
  d.function = true;
  size_t i = 2;
  while (t[i].kind != Tok::kRParen) {
    if (t[i].kind != Tok::kIdent) return DeclError(decl, t[i], "expected a parameter name");
    if (std::find(d.params.begin(), d.params.end(), t[i].text) != d.params.end())
      return DeclError(decl, t[i], fmt::format("parameter '{}' declared twice", t[i].text));
    d.params.push_back(t[i].text);
    ++i;
    if (t[i].kind == Tok::kComma) ++i;
    else if (t[i].kind != Tok::kRParen)
      return DeclError(decl, t[i], fmt::format("expected ',' or ')', found {}", TokenName(t[i])));
  }
  if (t[i + 1].kind != Tok::kEnd)
    return DeclError(decl, t[i + 1], fmt::format("unexpected {}", TokenName(t[i + 1])));
  return d;
}

size_t TreeSize(const Node& root) {
  size_t count = 0;
  std::vector<const Node*> stack{&root};
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    ++count;
    for (const Node& c : n->args) stack.push_back(&c);
  }
  return count;
}

class Expander {
 public:
  std::vector<Decl> decls;

  // `n` of the text of `origin` (nullptr: the user's expression), with
  // `params` the arguments of the alias being expanded; `user_span` is the
  // span of the outermost alias use, given to every node from a body.
  RevsetResult<Node> Expand(const Node& n, const Decl* origin,
                            const std::map<std::string, Node>& params, Span user_span,
                            size_t depth) {
    if (depth > kMaxTreeHeight || ++nodes_ > kMaxExpandedNodes)
      return At(origin, n.span, "expression too large after alias expansion");
    if (n.kind == NodeKind::kSymbol) {
      auto p = params.find(n.text);
      if (p != params.end()) {
        // An argument used several times is copied each time: count it, so
        // that bodies like `x | x` nested in each other cannot blow up.
        nodes_ += TreeSize(p->second);
        if (nodes_ > kMaxExpandedNodes || depth + TreeHeight(p->second) > kMaxTreeHeight)
          return At(origin, n.span, "expression too large after alias expansion");
        Node copy = p->second;
        copy.keyword = n.keyword;
        return copy;
      }
      if (Decl* d = Find(n.text, false, 0)) return Use(*d, n, origin, {}, user_span, depth);
    }
    std::vector<Node> args;
    for (const Node& a : n.args) {
      auto e = Expand(a, origin, params, user_span, depth + 1);
      if (!e.ok()) return e;
      args.push_back(std::move(*e));
    }
    if (n.kind == NodeKind::kFunction) {
      Decl* d = Find(n.text, true, n.args.size());
      if (!d && Find(n.text, true, std::nullopt)) {
        Decl* any = Find(n.text, true, std::nullopt);
        return At(origin, n.span,
                  fmt::format("alias '{}' takes {} argument(s), got {}", any->decl,
                              any->params.size(), n.args.size()));
      }
      if (d) {
        for (const Node& a : n.args)
          if (!a.keyword.empty())
            return At(origin, a.span,
                      fmt::format("alias '{}' takes no keyword arguments", d->decl));
        return Use(*d, n, origin, std::move(args), user_span, depth);
      }
    }
    Node out = n;
    out.args = std::move(args);
    if (origin) {
      out.span = user_span;
      out.from_alias = origin->decl;
    }
    return out;
  }

 private:
  Decl* Find(const std::string& name, bool function, std::optional<size_t> arity) {
    for (Decl& d : decls)
      if (d.name == name && d.function == function && (!arity || d.params.size() == *arity))
        return &d;
    return nullptr;
  }

  static RevsetError At(const Decl* origin, Span span, std::string message,
                        std::string hint = {}) {
    RevsetError e{span.offset, span.length, std::move(message), std::move(hint), {}, {}};
    if (origin) {
      e.alias = origin->decl;
      e.alias_body = *origin->body;
    }
    return e;
  }

  RevsetResult<Node> Use(Decl& d, const Node& use, const Decl* origin, std::vector<Node> args,
                         Span user_span, size_t depth) {
    if (std::find(stack_.begin(), stack_.end(), &d) != stack_.end()) {
      std::string chain;
      auto from = std::find(stack_.begin(), stack_.end(), &d);
      for (auto it = from; it != stack_.end(); ++it) chain += (*it)->decl + " -> ";
      return At(origin, use.span, fmt::format("alias '{}' expands to itself: {}{}", d.decl, chain,
                                              d.decl),
                "an alias cannot use itself, directly or through other aliases");
    }
    if (!d.tree) {
      auto body = ParseRevset(*d.body);
      if (!body.ok()) {
        RevsetError e = body.error();
        e.alias = d.decl;
        e.alias_body = *d.body;
        return e;
      }
      d.tree = std::move(*body);
    }
    std::map<std::string, Node> params;
    for (size_t i = 0; i < d.params.size(); ++i) params[d.params[i]] = std::move(args[i]);
    if (!origin) user_span = use.span;
    stack_.push_back(&d);
    auto r = Expand(*d.tree, &d, params, user_span, depth + 1);
    stack_.pop_back();
    if (r.ok()) r->keyword = use.keyword;
    return r;
  }

  std::vector<const Decl*> stack_;
  size_t nodes_ = 0;
};

}  // namespace

RevsetResult<Node> ExpandAliases(const Node& tree, const AliasMap& aliases) {
  if (aliases.empty()) return tree;
  Expander x;
  x.decls.reserve(aliases.size());
  for (const auto& [decl, body] : aliases) {
    auto d = ParseDecl(decl);
    if (!d.ok()) return d.error();
    d->body = &body;
    x.decls.push_back(std::move(*d));
  }
  auto r = x.Expand(tree, nullptr, {}, tree.span, 0);
  if (r.ok() && TreeHeight(*r) > kMaxTreeHeight)
    return RevsetError{tree.span.offset, tree.span.length,
                       fmt::format("expression nested too deeply after alias expansion (more "
                                   "than {} levels)", kMaxTreeHeight),
                       {}, {}, {}};
  return r;
}

}  // namespace jvs::revset
