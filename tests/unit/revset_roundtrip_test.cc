// Round trips of revset trees (jvs/revset/ast.h): a printed tree parses back
// into the same tree, over thousands of random trees (seeded, so a failure
// repeats) and over random strings of revset characters; the optimiser's
// output prints, parses (into a tree that optimises to it) and is a fixed
// point.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "jvs/revset/optimize.h"
#include "jvs/revset/parse.h"

namespace jvs::revset {
namespace {

class TreeGen {
 public:
  explicit TreeGen(uint32_t seed) : rng_(seed) {}

  Node Tree(int depth) {
    if (depth <= 0 || Pick(4) == 0) return Leaf();
    switch (Pick(15)) {
      case 0: return Op(NodeKind::kUnion, {Tree(depth - 1), Tree(depth - 1)});
      case 1: return Op(NodeKind::kIntersection, {Tree(depth - 1), Tree(depth - 1)});
      case 2: return Op(NodeKind::kDifference, {Tree(depth - 1), Tree(depth - 1)});
      case 3: return Op(NodeKind::kNot, {Tree(depth - 1)});
      case 4: return Op(NodeKind::kDagRange, {Tree(depth - 1), Tree(depth - 1)});
      case 5: return Op(NodeKind::kDagRangePre, {Tree(depth - 1)});
      case 6: return Op(NodeKind::kDagRangePost, {Tree(depth - 1)});
      case 7: return Op(NodeKind::kRange, {Tree(depth - 1), Tree(depth - 1)});
      case 8: return Op(NodeKind::kRangePre, {Tree(depth - 1)});
      case 9: return Op(NodeKind::kRangePost, {Tree(depth - 1)});
      case 10: return Op(NodeKind::kParents, {Tree(depth - 1)});
      case 11: return Op(NodeKind::kChildren, {Tree(depth - 1)});
      default: {
        static const char* kNames[] = {"all", "none", "heads", "ancestors", "f", "g_2", "latest"};
        std::vector<Node> args;
        size_t n = Pick(4);
        size_t positional = Pick(n + 1);
        for (size_t i = 0; i < n; ++i) {
          Node a = Tree(depth - 1);
          if (i >= positional) a.keyword = "k" + std::to_string(i);
          args.push_back(std::move(a));
        }
        return MakeCall(kNames[Pick(std::size(kNames))], {}, std::move(args));
      }
    }
  }

 private:
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  std::string AnyText() {
    static const char kChars[] = "ab \"'\\\n\t\x01\x7f|&~:.-+()@,=\xc3\xa9/*_0";
    std::string s;
    for (size_t i = Pick(6); i > 0; --i) s += kChars[Pick(sizeof(kChars) - 1)];
    return s;
  }

  Node Leaf() {
    static const char* kSymbols[] = {"a", "abc123", "a-b", "a--b", "v1.2.3", "x+y", "foo/bar",
                                     "x*", "caf\xc3\xa9", "0", "_", "heads", "exact"};
    static const char* kKinds[] = {"exact", "glob", "substring", "regex", "after", "before"};
    switch (Pick(7)) {
      case 0: return MakeLeaf(NodeKind::kAt, {}, "");
      case 1: return MakeLeaf(NodeKind::kString, {}, AnyText());
      case 2: return MakeLeaf(NodeKind::kWorktreeHead, {}, Pick(2) ? AnyText() : "main");
      case 3: return MakeLeaf(NodeKind::kPattern, {}, kKinds[Pick(6)], AnyText());
      case 4: return MakeOp(Pick(2) ? NodeKind::kDagRangeAll : NodeKind::kRangeAll, {}, {});
      default: return MakeLeaf(NodeKind::kSymbol, {}, kSymbols[Pick(std::size(kSymbols))]);
    }
  }

  static Node Op(NodeKind kind, std::vector<Node> args) { return MakeOp(kind, {}, std::move(args)); }

  std::mt19937 rng_;
};

TEST(RevsetRoundTripTest, PrintedRandomTreesParseBackIntoTheSameTree) {
  TreeGen gen(20261207);
  for (int i = 0; i < 4000; ++i) {
    Node tree = gen.Tree(1 + i % 7);
    std::string printed = PrintRevset(tree);
    SCOPED_TRACE(printed);
    auto again = ParseRevset(printed);
    ASSERT_TRUE(again.ok()) << RenderRevsetError(printed, again.error());
    ASSERT_TRUE(SameTree(*again, tree));
    EXPECT_EQ(PrintRevset(*again), printed);
    // The optimiser's output prints and parses, and optimising it again
    // changes nothing.
    Node opt = Optimize(tree);
    ASSERT_TRUE(SameTree(Optimize(opt), opt)) << PrintRevset(opt);
    auto opt_again = ParseRevset(PrintRevset(opt));
    ASSERT_TRUE(opt_again.ok()) << PrintRevset(opt);
    // n-ary | and & print as a chain that parses left-nested; optimising
    // flattens it again.
    EXPECT_EQ(PrintRevset(Optimize(*opt_again)), PrintRevset(opt));
  }
}

TEST(RevsetRoundTripTest, RandomTextParsesOrFailsAndRoundTrips) {
  std::mt19937 rng(7);
  static const std::string kPieces[] = {"a",  "b-c", "@",  "|", "&", "~",  "::", "..", "-",
                                        "+",  "(",   ")",  ",", "=", " ",  "f(", "x:",  "\"q\"",
                                        "'r'", "glob:", "heads(", "v1.2", ":", "."};
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (int n = std::uniform_int_distribution<int>(1, 10)(rng); n > 0; --n)
      text += kPieces[std::uniform_int_distribution<size_t>(0, std::size(kPieces) - 1)(rng)];
    SCOPED_TRACE(text);
    auto tree = ParseRevset(text);
    if (!tree.ok()) {
      EXPECT_LE(tree.error().offset, text.size());
      EXPECT_FALSE(RenderRevsetError(text, tree.error()).empty());
      continue;
    }
    ++parsed;
    auto again = ParseRevset(PrintRevset(*tree));
    ASSERT_TRUE(again.ok()) << PrintRevset(*tree);
    ASSERT_TRUE(SameTree(*again, *tree)) << PrintRevset(*tree);
    (void)CheckFunctions(*tree);
  }
  EXPECT_GT(parsed, 500) << "the generator should produce valid expressions too";
}

}  // namespace
}  // namespace jvs::revset
