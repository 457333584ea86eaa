// The layout of `history --all` (cli/graph.h) on small DAGs, the choice of
// glyphs from the locale, and the colour decision and id styling
// (cli/color.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "color.h"
#include "graph.h"

namespace jvs::cli {
namespace {

// Renders rows as text: a node's row ends with its id.
std::string Render(const std::vector<GraphNode>& nodes, const GraphGlyphs& g = kUnicodeGlyphs) {
  std::string out;
  for (const auto& r : LayoutGraph(nodes, g))
    out += r.prefix + (r.node >= 0 ? nodes[static_cast<size_t>(r.node)].id : "") + "\n";
  return out;
}

GraphNode N(std::string id, std::vector<std::string> parents, char glyph = 'o') {
  return GraphNode{std::move(id), std::move(parents), glyph};
}

TEST(HistoryGraphTest, Empty) { EXPECT_TRUE(LayoutGraph({}, kUnicodeGlyphs).empty()); }

TEST(HistoryGraphTest, Linear) {
  EXPECT_EQ(Render({N("c", {"b"}, '@'), N("b", {"a"}), N("a", {})}),
            "@ c\n"
            "o b\n"
            "o a\n");
}

TEST(HistoryGraphTest, RowsPointAtTheirNodes) {
  std::vector<GraphNode> nodes{N("d", {"a"}, '@'), N("c", {"a"}), N("a", {})};
  auto rows = LayoutGraph(nodes, kUnicodeGlyphs);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].node, 0);
  EXPECT_EQ(rows[1].node, 1);
  EXPECT_EQ(rows[2].node, -1) << "a connector row";
  EXPECT_EQ(rows[3].node, 2);
}

// Two worktrees forked from the same snapshot.
TEST(HistoryGraphTest, TwoBranches) {
  EXPECT_EQ(Render({N("m2", {"m1"}, '@'), N("e1", {"base"}), N("m1", {"base"}), N("base", {})}),
            "@ m2\n"
            "│ o e1\n"
            "o │ m1\n"
            "├─╯\n"
            "o base\n");
}

// Restore an older snapshot, then snapshot again: a new line starts from it.
TEST(HistoryGraphTest, RestoreThenNewLine) {
  EXPECT_EQ(Render({N("d", {"a"}, '@'), N("c", {"b"}), N("b", {"a"}), N("a", {})}),
            "@ d\n"
            "│ o c\n"
            "│ o b\n"
            "├─╯\n"
            "o a\n");
}

// A fork of a fork: three lines, joining at two different snapshots.
TEST(HistoryGraphTest, ForkOfFork) {
  EXPECT_EQ(Render({N("f1", {"e2"}), N("m1", {"root"}, '@'), N("e2", {"e1"}), N("e1", {"root"}),
                    N("root", {})}),
            "o f1\n"
            "│ @ m1\n"
            "o │ e2\n"
            "o │ e1\n"
            "├─╯\n"
            "o root\n");
  // The inner fork shares e1 with its origin line.
  EXPECT_EQ(Render({N("f1", {"e1"}), N("e2", {"e1"}), N("m1", {"root"}, '@'), N("e1", {"root"}),
                    N("root", {})}),
            "o f1\n"
            "│ o e2\n"
            "│ │ @ m1\n"
            "├─╯ │\n"
            "o   │ e1\n"
            "├───╯\n"
            "o root\n");
}

TEST(HistoryGraphTest, ThreeLinesMeetAtOneSnapshot) {
  EXPECT_EQ(Render({N("a", {"r"}, '@'), N("b", {"r"}), N("c", {"r"}), N("r", {})}),
            "@ a\n"
            "│ o b\n"
            "│ │ o c\n"
            "├─┴─╯\n"
            "o r\n");
}

TEST(HistoryGraphTest, Merge) {
  EXPECT_EQ(Render({N("m", {"a", "b"}, '@'), N("b", {"r"}), N("a", {"r"}), N("r", {})}),
            "@ m\n"
            "├─╮\n"
            "│ o b\n"
            "o │ a\n"
            "├─╯\n"
            "o r\n");
}

TEST(HistoryGraphTest, UnrelatedRootsAndFilteredParents) {
  // Parents that are not shown end their line with '~'; separate roots stack up.
  EXPECT_EQ(Render({N("b", {"hidden"}), N("a", {}), N("x", {"y"}), N("y", {})}),
            "o b\n"
            "~\n"
            "o a\n"
            "o x\n"
            "o y\n");
  EXPECT_EQ(Render({N("c", {"b"}, '@'), N("f", {"e"}), N("b", {"hidden"})}),
            "@ c\n"
            "│ o f\n"
            "│ ~\n"
            "o b\n"
            "~\n");
}

TEST(HistoryGraphTest, AsciiGlyphs) {
  EXPECT_EQ(Render({N("d", {"a"}, '@'), N("c", {"a"}), N("a", {})}, kAsciiGlyphs),
            "@ d\n"
            "| o c\n"
            "|-'\n"
            "o a\n");
  EXPECT_EQ(Render({N("m", {"a", "b"}), N("b", {}), N("a", {})}, kAsciiGlyphs),
            "o m\n"
            "|-.\n"
            "| o b\n"
            "o a\n");
}

TEST(HistoryGraphTest, GlyphsFollowTheLocale) {
  EXPECT_EQ(&GlyphsForLocale(nullptr, nullptr, nullptr), &kAsciiGlyphs);
  EXPECT_EQ(&GlyphsForLocale("C", nullptr, "en_US.UTF-8"), &kAsciiGlyphs) << "LC_ALL wins";
  EXPECT_EQ(&GlyphsForLocale("", nullptr, "en_US.UTF-8"), &kUnicodeGlyphs)
      << "an empty variable is unset";
  EXPECT_EQ(&GlyphsForLocale(nullptr, "C.utf8", "C"), &kUnicodeGlyphs);
  EXPECT_EQ(&GlyphsForLocale("POSIX", nullptr, nullptr), &kAsciiGlyphs);
}

TEST(ColorTest, Decision) {
  using W = ColorWhen;
  EXPECT_TRUE(ColorEnabled(W::kAuto, false, nullptr, "xterm-256color", true));
  EXPECT_FALSE(ColorEnabled(W::kAuto, false, nullptr, "xterm-256color", false)) << "pipes";
  EXPECT_FALSE(ColorEnabled(W::kAuto, true, nullptr, "xterm", true)) << "--no-color";
  EXPECT_FALSE(ColorEnabled(W::kAuto, false, "1", "xterm", true)) << "NO_COLOR";
  EXPECT_TRUE(ColorEnabled(W::kAuto, false, "", "xterm", true))
      << "an empty NO_COLOR does not count";
  EXPECT_FALSE(ColorEnabled(W::kAuto, false, nullptr, "dumb", true)) << "TERM=dumb";
  EXPECT_TRUE(ColorEnabled(W::kAlways, false, "1", "dumb", false)) << "--color=always wins";
  EXPECT_FALSE(ColorEnabled(W::kNever, false, nullptr, "xterm", true));
  ColorWhen w;
  EXPECT_TRUE(ParseColorWhen("always", &w));
  EXPECT_EQ(w, W::kAlways);
  EXPECT_FALSE(ParseColorWhen("sometimes", &w));
}

TEST(ColorTest, IdHighlightsTheUniquePrefix) {
  Style on(true), off(false);
  EXPECT_EQ(off.Id("0123456789abcdef", 4, 8), "01234567");
  EXPECT_EQ(on.Id("0123456789abcdef", 4, 8), "\x1b[1;34m0123\x1b[0m\x1b[90m4567\x1b[0m");
  EXPECT_EQ(on.Id("0123456789abcdef", 10, 10), "\x1b[1;34m0123456789\x1b[0m")
      << "no empty dim part";
  EXPECT_EQ(on.Id("0123", 6, 8), "\x1b[1;34m0123\x1b[0m");
  EXPECT_EQ(off.Tag("v1"), "v1");
  EXPECT_EQ(on.Tag("v1"), "\x1b[33mv1\x1b[0m");
  EXPECT_EQ(on.Graph(""), "");
}

}  // namespace
}  // namespace jvs::cli
