// Revset aliases (jvs/revset/alias.h): symbol and function aliases with
// parameters, the scope of parameters, recursion, errors in declarations and
// bodies (which name the alias), and the size limits.
#include <gtest/gtest.h>

#include <string>

#include "jvs/revset/alias.h"
#include "jvs/revset/parse.h"

namespace jvs::revset {
namespace {

// The expanded expression printed, or "error: MESSAGE".
std::string Expanded(std::string_view expr, const AliasMap& aliases) {
  auto tree = ParseRevset(expr);
  if (!tree.ok()) return "parse error: " + tree.error().message;
  auto out = ExpandAliases(*tree, aliases);
  if (!out.ok()) return "error: " + out.error().message;
  return PrintRevset(*out);
}

RevsetError ExpandError(std::string_view expr, const AliasMap& aliases) {
  auto tree = ParseRevset(expr);
  EXPECT_TRUE(tree.ok());
  auto out = ExpandAliases(*tree, aliases);
  EXPECT_FALSE(out.ok());
  return out.ok() ? RevsetError{} : out.error();
}

TEST(RevsetAliasTest, SymbolAndFunctionAliases) {
  AliasMap aliases{{"trunk", "main@ | tags(glob:\"v*\")"},
                   {"mine()", "author(exact:\"ann\")"},
                   {"between(x, y)", "x::y ~ x"}};
  EXPECT_EQ(Expanded("trunk & @", aliases), "(main@ | tags(glob:\"v*\")) & @");
  EXPECT_EQ(Expanded("mine() ~ merges()", aliases), "author(exact:\"ann\") ~ merges()");
  EXPECT_EQ(Expanded("between(a, b-)", aliases), "(a::(b-)) ~ a");
  EXPECT_EQ(Expanded("between(trunk, mine())", aliases),
            "((main@ | tags(glob:\"v*\"))::author(exact:\"ann\")) ~ (main@ | tags(glob:\"v*\"))");
  // A quoted name is never an alias, nor a call of a symbol alias.
  EXPECT_EQ(Expanded("\"trunk\" | trunk-", aliases), "\"trunk\" | ((main@ | tags(glob:\"v*\"))-)");
  EXPECT_EQ(Expanded("heads(x)", aliases), "heads(x)") << "no alias used: unchanged";
  EXPECT_EQ(Expanded("mine", aliases), "mine") << "mine() is a function alias only";
}

TEST(RevsetAliasTest, ParametersAreLocalToTheirBody) {
  AliasMap aliases{{"f(x)", "g | x"}, {"g", "x"}, {"h(x)", "k(x-)"}, {"k(y)", "heads(y)"}};
  EXPECT_EQ(Expanded("f(a)", aliases), "x | a") << "g's body names the symbol x, not f's x";
  EXPECT_EQ(Expanded("h(a | b)", aliases), "heads((a | b)-)");
  // An argument is expanded where it was written, before it is substituted.
  EXPECT_EQ(Expanded("k(g)", aliases), "heads(x)");
}

TEST(RevsetAliasTest, OverloadsByArityAndShadowsFunctions) {
  AliasMap aliases{{"f()", "a"}, {"f(x)", "x | b"}, {"heads(x)", "roots(x)"}};
  EXPECT_EQ(Expanded("f() & f(c)", aliases), "a & (c | b)");
  EXPECT_EQ(Expanded("heads(z)", aliases), "roots(z)");
  EXPECT_EQ(Expanded("f(a, b)", aliases), "error: alias 'f()' takes 0 argument(s), got 2");
  EXPECT_EQ(Expanded("f(x=a)", aliases), "error: alias 'f(x)' takes no keyword arguments");
}

TEST(RevsetAliasTest, ExpandedNodesTakeTheSpanOfTheUse) {
  AliasMap aliases{{"mine()", "author(exact:\"ann\") & heads(x)"}, {"bad", "hedas(x)"}};
  auto tree = ParseRevset("a | mine()");
  ASSERT_TRUE(tree.ok());
  auto out = ExpandAliases(*tree, aliases);
  ASSERT_TRUE(out.ok());
  const Node& body = out->args[1];
  EXPECT_EQ(body.span.offset, 4u);
  EXPECT_EQ(body.span.length, 6u);
  EXPECT_EQ(body.from_alias, "mine()");
  EXPECT_EQ(body.args[1].args[0].span.offset, 4u);
  EXPECT_EQ(out->args[0].from_alias, "");
  // A function error inside an alias body names the alias and points at its use.
  tree = ParseRevset("a | bad");
  ASSERT_TRUE(tree.ok());
  out = ExpandAliases(*tree, aliases);
  ASSERT_TRUE(out.ok());
  auto st = CheckFunctions(*out);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "unknown function 'hedas' (in alias 'bad')");
  EXPECT_EQ(st.error().offset, 4u);
  EXPECT_EQ(st.error().hint, "did you mean 'heads'?");
}

TEST(RevsetAliasTest, RecursionIsAnError) {
  RevsetError e = ExpandError("x | a", {{"a", "a | b"}});
  EXPECT_EQ(e.message, "alias 'a' expands to itself: a -> a");
  EXPECT_EQ(e.alias, "a") << "the use is in a's body";
  EXPECT_EQ(e.offset, 0u);
  e = ExpandError("x & f(y)", {{"f(x)", "g(x)"}, {"g(y)", "heads(y) | f(y-)"}});
  EXPECT_EQ(e.message, "alias 'f(x)' expands to itself: f(x) -> g(y) -> f(x)");
  EXPECT_EQ(e.alias, "g(y)");
  EXPECT_EQ(e.offset, 11u);
  EXPECT_EQ(e.hint, "an alias cannot use itself, directly or through other aliases");
  EXPECT_EQ(RenderRevsetError("x & f(y)", e),
            "in alias 'g(y)':\n  heads(y) | f(y-)\n             ^ alias 'f(x)' expands to itself: "
            "f(x) -> g(y) -> f(x)\nhint: an alias cannot use itself, directly or through other "
            "aliases");
  // Using one alias twice side by side is not recursion.
  EXPECT_EQ(Expanded("b | b", {{"b", "c"}, {"a", "b & b"}}), "c | c");
  EXPECT_EQ(Expanded("a", {{"b", "c"}, {"a", "b & b"}}), "c & c");
}

TEST(RevsetAliasTest, AnErrorInABodyNamesTheAlias) {
  AliasMap aliases{{"bad", "heads(x &)"}};
  RevsetError e = ExpandError("a | bad", aliases);
  EXPECT_EQ(e.alias, "bad");
  EXPECT_EQ(e.alias_body, "heads(x &)");
  EXPECT_EQ(e.offset, 9u) << "an offset into the body";
  EXPECT_EQ(RenderRevsetError("a | bad", e),
            "in alias 'bad':\n  heads(x &)\n           ^ expected an expression, found ')'");
  EXPECT_EQ(e.ToError().message(),
            "revset alias 'bad': column 10: expected an expression, found ')'");
  // An unused alias with a broken body is no error.
  EXPECT_EQ(Expanded("a", aliases), "a");
}

TEST(RevsetAliasTest, MalformedDeclarations) {
  for (const char* decl : {"f(x, x)", "f(", "a b", "(x)", "f (x)", "f(x)y", "f(1+)", "\"q\""}) {
    SCOPED_TRACE(decl);
    RevsetError e = ExpandError("a", {{decl, "b"}});
    EXPECT_EQ(e.alias, decl);
    EXPECT_NE(e.message.find("malformed alias declaration"), std::string::npos) << e.message;
  }
  EXPECT_EQ(ExpandError("a", {{"f(x, x)", "b"}}).offset, 5u);
  EXPECT_EQ(Expanded("f(a, )", {{"f(x,)", "x"}}), "a") << "a trailing comma is fine";
}

TEST(RevsetAliasTest, ExpansionIsBounded) {
  AliasMap doubling;
  for (int i = 0; i < 30; ++i)
    doubling["a" + std::to_string(i)] = "a" + std::to_string(i + 1) + " | a" + std::to_string(i + 1);
  EXPECT_EQ(Expanded("a0", doubling), "error: expression too large after alias expansion");
  // Arguments used twice, nested: 2^40 nodes if nothing counted the copies.
  AliasMap copies{{"d(x)", "x | x"}, {"e(x)", "d(d(d(d(d(x)))))"}, {"f(x)", "e(e(e(e(x))))"}};
  EXPECT_EQ(Expanded("f(f(a))", copies), "error: expression too large after alias expansion");
  EXPECT_EQ(Expanded("d(d(a))", copies), "(a | a) | (a | a)");
  AliasMap deep;
  for (int i = 0; i < 300; ++i) deep["d" + std::to_string(i)] = "d" + std::to_string(i + 1) + "-";
  std::string out = Expanded("d0", deep);
  EXPECT_NE(out.find("error: "), std::string::npos) << out;
}

}  // namespace
}  // namespace jvs::revset
