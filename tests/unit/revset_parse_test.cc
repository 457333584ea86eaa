// The revset parser (jvs/revset/parse.h, optimize.h): a golden table of
// expressions with their parsed and optimised forms (PrintRevset), the
// precedence and associativity of the operators, and every kind of error with
// the byte offset it points at.
#include <gtest/gtest.h>

#include <string>

#include "jvs/revset/optimize.h"
#include "jvs/revset/parse.h"

namespace jvs::revset {
namespace {

struct Golden {
  const char* expr;
  const char* parsed;     // PrintRevset of the parse
  const char* optimised;  // PrintRevset of Optimize
};

// The golden forms. An intended change of the grammar or of the optimiser
// changes these strings; review each changed line.
const Golden kGolden[] = {
    {R"(a)", R"(a)", R"(a)"},
    {R"(@)", R"(@)", R"(@)"},
    {R"(root())", R"(root())", R"(root())"},
    {R"(wt@)", R"(wt@)", R"(wt@)"},
    {R"("my wt"@)", R"("my wt"@)", R"("my wt"@)"},
    {R"("quoted sym")", R"("quoted sym")", R"("quoted sym")"},
    {R"('raw\n')", R"("raw\\n")", R"("raw\\n")"},
    {R"("esc\"\n\x41")", R"("esc\"\nA")", R"("esc\"\nA")"},
    {R"(a | b)", R"(a | b)", R"(a | b)"},
    {R"(a & b)", R"(a & b)", R"(a & b)"},
    {R"(a ~ b)", R"(a ~ b)", R"(a ~ b)"},
    {R"(~a)", R"(~a)", R"(~a)"},
    {R"(~~a)", R"(~(~a))", R"(a)"},
    {R"(a | b | c)", R"((a | b) | c)", R"(a | b | c)"},
    {R"(a & b | c)", R"((a & b) | c)", R"((a & b) | c)"},
    {R"(a | b & c)", R"(a | (b & c))", R"(a | (b & c))"},
    {R"(a ~ b & c)", R"((a ~ b) & c)", R"((a ~ b) & c)"},
    {R"(a & b ~ c)", R"((a & b) ~ c)", R"((a & b) ~ c)"},
    {R"(~a & b)", R"((~a) & b)", R"((~a) & b)"},
    {R"(~a | ~b)", R"((~a) | (~b))", R"((~a) | (~b))"},
    {R"(a::b)", R"(a::b)", R"(descendants(a) & ancestors(b))"},
    {R"(::a)", R"(::a)", R"(ancestors(a))"},
    {R"(a::)", R"(a::)", R"(descendants(a))"},
    {R"(::)", R"(::)", R"(all())"},
    {R"(a..b)", R"(a..b)", R"(ancestors(b) ~ ancestors(a))"},
    {R"(..a)", R"(..a)", R"(ancestors(a) ~ root())"},
    {R"(a..)", R"(a..)", R"(ancestors(visible_heads()) ~ ancestors(a))"},
    {R"(..)", R"(..)", R"(ancestors(visible_heads()) ~ root())"},
    {R"(a-)", R"(a-)", R"(parents(a))"},
    {R"(a+)", R"(a+)", R"(children(a))"},
    {R"(a--)", R"((a-)-)", R"(parents(parents(a)))"},
    {R"(a-+)", R"((a-)+)", R"(children(parents(a)))"},
    {R"(@-)", R"(@-)", R"(parents(@))"},
    {R"(wt@-)", R"(wt@-)", R"(parents(wt@))"},
    {R"(a-b)", R"(a-b)", R"(a-b)"},
    {R"(a-b-)", R"(a-b-)", R"(parents(a-b))"},
    {R"(a--b)", R"(a--b)", R"(a--b)"},
    {R"(v1.2.3)", R"(v1.2.3)", R"(v1.2.3)"},
    {R"(v1.2..v2)", R"(v1.2..v2)", R"(ancestors(v2) ~ ancestors(v1.2))"},
    {R"(a+b)", R"(a+b)", R"(a+b)"},
    {R"(a+b+)", R"(a+b+)", R"(children(a+b))"},
    {R"(foo/bar)", R"(foo/bar)", R"(foo/bar)"},
    {R"(x*)", R"(x*)", R"(x*)"},
    {R"((a | b) & c)", R"((a | b) & c)", R"((a | b) & c)"},
    {R"(((a)))", R"(a)", R"(a)"},
    {R"((a | b)-)", R"((a | b)-)", R"(parents(a | b))"},
    {R"(~(a & b))", R"(~(a & b))", R"(~(a & b))"},
    {R"(::a-)", R"(::(a-))", R"(ancestors(parents(a)))"},
    {R"(::a | b)", R"((::a) | b)", R"(ancestors(a) | b)"},
    {R"(a::b & c)", R"((a::b) & c)", R"(descendants(a) & ancestors(b) & c)"},
    {R"(~a::b)", R"(~(a::b))", R"(~(descendants(a) & ancestors(b)))"},
    {R"(a::b-)", R"(a::(b-))", R"(descendants(a) & ancestors(parents(b)))"},
    {R"(heads(a))", R"(heads(a))", R"(heads(a))"},
    {R"(heads(a | b))", R"(heads(a | b))", R"(heads(a | b))"},
    {R"(ancestors(a, 3))", R"(ancestors(a, 3))", R"(ancestors(a, 3))"},
    {R"(ancestors(a, depth=3))", R"(ancestors(a, depth=3))", R"(ancestors(a, depth=3))"},
    {R"(ancestors(x=a, depth=3))", R"(ancestors(x=a, depth=3))", R"(ancestors(x=a, depth=3))"},
    {R"(descendants(@, 2))", R"(descendants(@, 2))", R"(descendants(@, 2))"},
    {R"(latest(tags(), 5))", R"(latest(tags(), 5))", R"(latest(tags(), 5))"},
    {R"(latest(::@, count=10))", R"(latest(::@, count=10))", R"(latest(ancestors(@), count=10))"},
    {R"(note(glob:"*epoch*"))", R"(note(glob:"*epoch*"))", R"(note(glob:"*epoch*"))"},
    {R"(note(exact:"x y"))", R"(note(exact:"x y"))", R"(note(exact:"x y"))"},
    {R"(author(substring:ann))", R"(author(substring:"ann"))", R"(author(substring:"ann"))"},
    {R"(author(regex:"^A.*"))", R"(author(regex:"^A.*"))", R"(author(regex:"^A.*"))"},
    {R"(date(after:"2026-01-01"))", R"(date(after:"2026-01-01"))", R"(date(after:"2026-01-01"))"},
    {R"(date(before:"2026-02-01") & merges())", R"(date(before:"2026-02-01") & merges())", R"(date(before:"2026-02-01") & merges())"},
    {R"(tags())", R"(tags())", R"(tags())"},
    {R"(tags(glob:"v1.*"))", R"(tags(glob:"v1.*"))", R"(tags(glob:"v1.*"))"},
    {R"(files(glob:"*.txt"))", R"(files(glob:"*.txt"))", R"(files(glob:"*.txt"))"},
    {R"(worktree(main))", R"(worktree(main))", R"(worktree(main))"},
    {R"(worktree("my wt"))", R"(worktree("my wt"))", R"(worktree("my wt"))"},
    {R"(present(abc123))", R"(present(abc123))", R"(present(abc123))"},
    {R"(visible_heads())", R"(visible_heads())", R"(visible_heads())"},
    {R"(all() & a)", R"(all() & a)", R"(a)"},
    {R"(a & all())", R"(a & all())", R"(a)"},
    {R"(a | none())", R"(a | none())", R"(a)"},
    {R"(none() | a)", R"(none() | a)", R"(a)"},
    {R"(a ~ none())", R"(a ~ none())", R"(a)"},
    {R"(a & all() & b)", R"((a & all()) & b)", R"(a & b)"},
    {R"((a | b) | (c | d))", R"((a | b) | (c | d))", R"(a | b | c | d)"},
    {R"((a & b) & (c & d))", R"((a & b) & (c & d))", R"(a & b & c & d)"},
    {R"(~~~a)", R"(~(~(~a)))", R"(~a)"},
    {R"(a..b | c)", R"((a..b) | c)", R"((ancestors(b) ~ ancestors(a)) | c)"},
    {R"(::@ ~ ::wt@)", R"((::@) ~ (::wt@))", R"(ancestors(@) ~ ancestors(wt@))"},
    {R"(heads(::@ & tags()))", R"(heads((::@) & tags()))", R"(heads(ancestors(@) & tags()))"},
    {R"(heads(a,))", R"(heads(a))", R"(heads(a))"},
    {R"(conflicts() | empty() | hidden())", R"((conflicts() | empty()) | hidden())", R"(conflicts() | empty() | hidden())"},
    {R"(roots(a::b))", R"(roots(a::b))", R"(roots(descendants(a) & ancestors(b)))"},
    {R"(parents(a) | children(b))", R"(parents(a) | children(b))", R"(parents(a) | children(b))"},
    {R"(a-::b+)", R"((a-)::(b+))", R"(descendants(parents(a)) & ancestors(children(b)))"},
    {R"( a  |  b )", R"(a | b)", R"(a | b)"},
    {R"(ancestors(a::b, 2) | descendants(wt@-, depth=1))", R"(ancestors(a::b, 2) | descendants(wt@-, depth=1))", R"(ancestors(descendants(a) & ancestors(b), 2) | descendants(parents(wt@), depth=1))"},
    {R"(latest(a | b & c))", R"(latest(a | (b & c)))", R"(latest(a | (b & c)))"},
    {R"(present(~a))", R"(present(~a))", R"(present(~a))"},
    {R"(a & (b & (c & d)))", R"(a & (b & (c & d)))", R"(a & b & c & d)"},
    {R"((a | none()) & (all() & b))", R"((a | none()) & (all() & b))", R"(a & b)"},
    {R"(~(~a | b))", R"(~((~a) | b))", R"(~((~a) | b))"},
};

TEST(RevsetParseTest, GoldenParsedAndOptimisedForms) {
  EXPECT_GE(std::size(kGolden), 60u);
  for (const Golden& g : kGolden) {
    SCOPED_TRACE(g.expr);
    auto tree = ParseRevset(g.expr);
    ASSERT_TRUE(tree.ok()) << RenderRevsetError(g.expr, tree.error());
    auto checked = CheckFunctions(*tree);
    ASSERT_TRUE(checked.ok()) << RenderRevsetError(g.expr, checked.error());
    EXPECT_EQ(PrintRevset(*tree), g.parsed);
    Node opt = Optimize(*tree);
    EXPECT_EQ(PrintRevset(opt), g.optimised);
    // The printed forms parse back into the same trees, and optimising twice
    // changes nothing.
    auto again = ParseRevset(g.parsed);
    ASSERT_TRUE(again.ok()) << g.parsed;
    EXPECT_TRUE(SameTree(*again, *tree));
    EXPECT_TRUE(SameTree(Optimize(opt), opt));
    auto opt_again = ParseRevset(g.optimised);
    ASSERT_TRUE(opt_again.ok()) << g.optimised;
    EXPECT_TRUE(CheckFunctions(*opt_again).ok()) << g.optimised;
  }
}

std::string Parsed(std::string_view expr) {
  auto tree = ParseRevset(expr);
  if (!tree.ok()) return "error: " + tree.error().message;
  return PrintRevset(*tree);
}

TEST(RevsetParseTest, PrecedenceAndAssociativity) {
  // | binds loosest; & and ~ bind tighter, at one level, to the left.
  EXPECT_EQ(Parsed("a | b & c ~ d | e"), "(a | ((b & c) ~ d)) | e");
  EXPECT_EQ(Parsed("a ~ b ~ c"), "(a ~ b) ~ c");
  EXPECT_EQ(Parsed("a ~ b & c"), "(a ~ b) & c");
  // Prefix ~ binds tighter than the binary operators, looser than ranges.
  EXPECT_EQ(Parsed("~a::b & c"), "(~(a::b)) & c");
  EXPECT_EQ(Parsed("a ~ ~b"), "a ~ (~b)");
  EXPECT_EQ(Parsed("a&~b"), "a & (~b)");
  // Ranges bind looser than the postfix operators.
  EXPECT_EQ(Parsed("a-::b+"), "(a-)::(b+)");
  EXPECT_EQ(Parsed("..a--"), "..((a-)-)");
  EXPECT_EQ(Parsed("a+.."), "(a+)..");
  // A bare range operator with nothing to its right is the post form or all.
  EXPECT_EQ(Parsed(":: | a"), "(::) | a");
  EXPECT_EQ(Parsed("a:: | b"), "(a::) | b");
  EXPECT_EQ(Parsed(".. & a"), "(..) & a");
  EXPECT_EQ(Parsed("::~a"), "(::) ~ a");
  // Parentheses override everything.
  EXPECT_EQ(Parsed("(a | b) & c"), "(a | b) & c");
  EXPECT_EQ(Parsed("(a::b)::c"), "(a::b)::c");
  EXPECT_EQ(Parsed("((a))-"), "a-");
  // Whitespace is free between tokens, and none is needed.
  EXPECT_EQ(Parsed(" a\t|\nb "), "a | b");
  EXPECT_EQ(Parsed("a|b&c"), "a | (b & c)");
}

TEST(RevsetParseTest, IdentifiersAndPostfixMinus) {
  // '-', '+' and '.' join two parts of a name; at the end they are operators.
  EXPECT_EQ(Parsed("release-1.2"), "release-1.2");
  EXPECT_EQ(Parsed("release-1.2-"), "release-1.2-");
  EXPECT_EQ(Parsed("abc--"), "(abc-)-");
  EXPECT_EQ(Parsed("abc---def"), "abc---def");
  EXPECT_EQ(Parsed("x- -"), "(x-)-");
  EXPECT_EQ(Parsed("a+ | b"), "(a+) | b");
  EXPECT_EQ(Parsed("tags/v1"), "tags/v1");
  EXPECT_EQ(Parsed("caf\xc3\xa9"), "caf\xc3\xa9");
  // A quoted name can hold anything; NAME@ takes a quoted name too.
  EXPECT_EQ(Parsed("\"a b\" | 'c|d'"), "\"a b\" | \"c|d\"");
  EXPECT_EQ(Parsed("'main'@"), "main@");
  EXPECT_EQ(Parsed("\"\\t\\x7f\\e\\0\""), "\"\\t\\x7f\\e\\0\"");
  // `name (` with a space is not a call; `wt @` is not a worktree head.
  EXPECT_EQ(Parsed("heads (a)"), "error: unexpected '('");
  EXPECT_EQ(Parsed("wt @"), "error: unexpected '@'");
}

TEST(RevsetParseTest, SpansPointAtTheSource) {
  auto t = ParseRevset("heads(a) | b-");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->span.offset, 0u);
  EXPECT_EQ(t->span.length, 13u);
  EXPECT_EQ(t->args[0].span.length, 8u);
  EXPECT_EQ(t->args[0].args[0].span.offset, 6u);
  EXPECT_EQ(t->args[1].kind, NodeKind::kParents);
  EXPECT_EQ(t->args[1].span.offset, 11u);
  EXPECT_EQ(t->args[1].span.length, 2u);
  auto k = ParseRevset("ancestors(x, depth=3)");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->args[1].keyword, "depth");
  EXPECT_EQ(k->args[1].span.offset, 13u);
  EXPECT_EQ(k->args[1].span.length, 7u);
}

struct ErrorCase {
  const char* expr;
  size_t offset;
  const char* message;  // a part of the message
  bool check = false;   // found by CheckFunctions, not by the parse
};

const ErrorCase kErrors[] = {
    {"", 0, "expected an expression"},
    {"heads(x &)", 9, "expected an expression, found ')'"},
    {"a |", 3, "expected an expression"},
    {"(a | b", 6, "expected ')', found the end"},
    {"a)", 1, "unexpected ')'"},
    {"a b", 2, "unexpected 'b'"},
    {"a 'b\\'", 2, "unexpected \"b\\\\\""},
    {"a - b", 4, "unexpected 'b'"},
    {"$", 0, "unexpected character '$'"},
    {"a.", 1, "unexpected character '.'"},
    {"a ^", 2, "unexpected character '^'"},
    {"!a", 0, "unexpected character '!'"},
    {"a\x01", 1, "unexpected character byte 0x01"},
    {"\"abc", 0, "unterminated string"},
    {"x | 'abc", 4, "unterminated string"},
    {"\"a\\qb\"", 2, "invalid escape '\\q'"},
    {"\"\\x4\"", 1, "invalid escape '\\x'"},
    {"a::b::c", 4, "ranges do not chain"},
    {"::a::", 3, "ranges do not chain"},
    {"a..b..c", 4, "ranges do not chain"},
    {"a = b", 2, "unexpected '='"},
    {"a, b", 1, "unexpected ','"},
    {"a :b", 2, "unexpected ':'"},
    {"ancestors(depth=3, a)", 19, "a positional argument follows a keyword argument"},
    {"heads(a b)", 8, "expected ',' or ')', found 'b'"},
    {"1a(b)", 0, "'1a' is not a function name"},
    {"a-b(c)", 0, "'a-b' is not a function name"},
    {"exact: x", 6, "expected a pattern value right after 'exact:'"},
    {"note(glob:)", 10, "expected a pattern value right after 'glob:'"},
    {"globb:\"x\"", 0, "unknown pattern kind 'globb'"},
    {"a-b:\"x\"", 0, "'a-b' is not a pattern kind"},
    {"f(a-b=c)", 2, "'a-b' is not a keyword"},
    {"heads(a, b)", 9, "too many arguments: 'heads' takes at most 1", true},
    {"heads()", 0, "'heads' needs its argument 'x'", true},
    {"note()", 0, "'note' needs its argument 'pattern'", true},
    {"x | all(a)", 8, "'all' takes no arguments", true},
    {"a & hedas(a)", 4, "unknown function 'hedas'", true},
    {"ancestors(a, depth=x)", 13, "'depth' of 'ancestors' must be a non-negative integer", true},
    {"latest(a, \"1x\")", 10, "'count' of 'latest' must be a non-negative integer", true},
    {"ancestors(a, dept=3)", 13, "'ancestors' has no parameter 'dept'", true},
    {"ancestors(a, depth=3, depth=4)", 22, "'depth' of 'ancestors' is given twice", true},
    {"ancestors(a, 1, x=a)", 16, "'x' of 'ancestors' is given twice", true},
    {"glob:\"x\"", 0, "a string pattern is only an argument", true},
    {"a | exact:b", 4, "a string pattern is only an argument", true},
    {"heads(glob:\"x\")", 6, "a string pattern is only an argument", true},
    {"note(after:\"x\")", 5, "'note' takes a string pattern", true},
    {"note(a | b)", 5, "'note' takes a string pattern", true},
    {"date(glob:\"x\")", 5, "'date' takes a date pattern", true},
    {"date(2026)", 5, "'date' takes a date pattern", true},
    {"worktree(a | b)", 9, "'worktree' takes a name", true},
};

TEST(RevsetParseTest, EveryErrorPointsAtItsColumn) {
  for (const ErrorCase& c : kErrors) {
    SCOPED_TRACE(c.expr);
    auto tree = ParseRevset(c.expr);
    RevsetError error;
    if (c.check) {
      ASSERT_TRUE(tree.ok()) << RenderRevsetError(c.expr, tree.error());
      auto st = CheckFunctions(*tree);
      ASSERT_FALSE(st.ok());
      error = st.error();
    } else {
      ASSERT_FALSE(tree.ok()) << PrintRevset(*tree);
      error = tree.error();
    }
    EXPECT_EQ(error.offset, c.offset);
    EXPECT_NE(error.message.find(c.message), std::string::npos) << error.message;
    EXPECT_TRUE(error.alias.empty());
  }
}

TEST(RevsetParseTest, HintsSuggestTheClosestNames) {
  auto t = ParseRevset("hedas(x)");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(CheckFunctions(*t).error().hint, "did you mean 'heads'?");
  t = ParseRevset("ancestors(x, dpeth=1)");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(CheckFunctions(*t).error().hint, "did you mean 'depth'?");
  EXPECT_EQ(ParseRevset("regx:a").error().hint, "did you mean 'regex'?");
  t = ParseRevset("frobnicate()");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(CheckFunctions(*t).error().hint, "") << "nothing plausible, no suggestion";
  EXPECT_EQ(FunctionNames().size(), 22u);
}

TEST(RevsetParseTest, RenderDrawsACaretUnderTheColumn) {
  auto t = ParseRevset("heads(x &)");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(RenderRevsetError("heads(x &)", t.error()),
            "  heads(x &)\n"
            "           ^ expected an expression, found ')'");
  t = ParseRevset("a)");
  EXPECT_EQ(RenderRevsetError("a)", t.error()),
            "  a)\n   ^ unexpected ')'\nhint: there is no '(' for this ')' to close");
  // Only the line of the error, one column per character (not per byte).
  std::string multi = "a |\n\tcaf\xc3\xa9 $";
  t = ParseRevset(multi);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().offset, 11u);
  EXPECT_EQ(RenderRevsetError(multi, t.error()),
            "   caf\xc3\xa9 $\n        ^ unexpected character '$'");
  // The library Error: 1-based column, the hint kept.
  Error e = ParseRevset("a)").error().ToError();
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.message(), "revset: column 2: unexpected ')'");
  EXPECT_EQ(e.hint(), "there is no '(' for this ')' to close");
}

TEST(RevsetParseTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(5000, '(');
  deep += "a" + std::string(5000, ')');
  auto t = ParseRevset(deep);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("nested too deeply"), std::string::npos);
  EXPECT_FALSE(ParseRevset("a" + std::string(100000, '-')).ok());
  EXPECT_FALSE(ParseRevset(std::string(100000, '~') + "a").ok());
  std::string wide = "a";
  for (int i = 0; i < 10000; ++i) wide += " | a";
  EXPECT_FALSE(ParseRevset(wide).ok());
  std::string ok(kMaxTreeHeight - 1, '~');
  EXPECT_TRUE(ParseRevset(ok + "a").ok());
  EXPECT_FALSE(ParseRevset(ok + "~a").ok());
}

}  // namespace
}  // namespace jvs::revset
