// MergeText / ResolvedText (jvs/merge/text_merge.h) and the histogram diff
// behind it (src/merge/histogram_diff.h): the cases a user meets, written out,
// plus random properties with fixed seeds. The comparison with git is in
// text_merge_git_oracle_test.cc.
#include "jvs/merge/text_merge.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "merge/histogram_diff.h"

namespace jvs {
namespace {

using Hunks = std::vector<Merge<std::string>>;

Hunks Merge3(std::string_view side1, std::string_view base, std::string_view side2) {
  return MergeText(Merge<std::string_view>::ThreeWay(base, side1, side2));
}

// Hunks as text: a resolved hunk as its bytes, a conflict as <t0|t1|...>.
std::string Show(const Hunks& hunks) {
  std::string out;
  for (const auto& h : hunks) {
    if (h.is_resolved()) {
      out += h.add(0);
      continue;
    }
    out += "<";
    for (size_t i = 0; i < h.terms().size(); ++i) out += (i ? "|" : "") + h.terms()[i];
    out += ">";
  }
  return out;
}

TEST(TextMergeTest, AllEqualIsOneResolvedHunk) {
  Hunks h = Merge3("a\nb\n", "a\nb\n", "a\nb\n");
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(ResolvedText(h), "a\nb\n");
}

TEST(TextMergeTest, EmptyInputs) {
  EXPECT_TRUE(Merge3("", "", "").empty());
  EXPECT_EQ(ResolvedText({}), "");
  EXPECT_EQ(ResolvedText(Merge3("x\n", "", "")), "x\n");    // one side adds
  EXPECT_EQ(ResolvedText(Merge3("", "x\n", "x\n")), "");    // one side empties
  EXPECT_EQ(Show(Merge3("x\n", "", "y\n")), "<x\n||y\n>");  // both add, differently
  EXPECT_EQ(Show(Merge3("", "x\n", "y\n")), "<|x\n|y\n>");  // empties vs modifies
  EXPECT_EQ(ResolvedText(MergeText(Merge<std::string_view>("only\n"))), "only\n");
}

TEST(TextMergeTest, OneSideChanges) {
  EXPECT_EQ(ResolvedText(Merge3("a\nX\nc\n", "a\nb\nc\n", "a\nb\nc\n")), "a\nX\nc\n");
  EXPECT_EQ(ResolvedText(Merge3("a\nb\nc\n", "a\nb\nc\n", "a\nb\nY\n")), "a\nb\nY\n");
}

TEST(TextMergeTest, SeparateChangesOfBothSidesMergeIntoOneHunk) {
  Hunks h = Merge3("A\nb\nc\nd\ne\n", "a\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n");
  ASSERT_EQ(h.size(), 1u);  // resolved neighbours coalesce
  EXPECT_EQ(ResolvedText(h), "A\nb\nc\nd\nE\n");
}

TEST(TextMergeTest, BothSidesSameChange) {
  EXPECT_EQ(ResolvedText(Merge3("a\nX\nc\nd\n", "a\nb\nc\nd\n", "a\nX\nc\nD\n")), "a\nX\nc\nD\n");
}

TEST(TextMergeTest, OverlappingChangesConflict) {
  Hunks h = Merge3("a\nX\nc\nd\n", "a\nb\nc\nd\n", "a\nY\nc\nd\n");
  EXPECT_EQ(Show(h), "a\n<X\n|b\n|Y\n>c\nd\n");
  EXPECT_EQ(ResolvedText(h), std::nullopt);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1].terms().size(), 3u);
}

// Adjacent edits (no unchanged line between them) are one gap between stable
// lines, so they conflict, as in git merge-file: neither side's diff says how
// its change relates to a neighbouring change of the other side.
TEST(TextMergeTest, AdjacentEditsConflictAsInGit) {
  EXPECT_EQ(Show(Merge3("a\nX\nc\nd\n", "a\nb\nc\nd\n", "a\nb\nY\nd\n")),
            "a\n<X\nc\n|b\nc\n|b\nY\n>d\n");
  // One unchanged line between them is enough.
  EXPECT_EQ(ResolvedText(Merge3("X\nb\nc\n", "a\nb\nc\n", "a\nb\nY\n")), "X\nb\nY\n");
}

TEST(TextMergeTest, InsertionsAtTheSamePlace) {
  EXPECT_EQ(Show(Merge3("a\nX\nb\n", "a\nb\n", "a\nY\nb\n")), "a\n<X\n||Y\n>b\n");
  EXPECT_EQ(ResolvedText(Merge3("a\nX\nb\n", "a\nb\n", "a\nX\nb\n")), "a\nX\nb\n");
  EXPECT_EQ(Show(Merge3("X\na\n", "a\n", "Y\na\n")), "<X\n||Y\n>a\n");  // at the start
  EXPECT_EQ(Show(Merge3("a\nX\n", "a\n", "a\nY\n")), "a\n<X\n||Y\n>");  // at the end
}

TEST(TextMergeTest, DeletionVersusModification) {
  EXPECT_EQ(Show(Merge3("a\nc\n", "a\nb\nc\n", "a\nB\nc\n")), "a\n<|b\n|B\n>c\n");
  // Both delete the same line: resolved.
  EXPECT_EQ(ResolvedText(Merge3("a\nc\nd\n", "a\nb\nc\nd\n", "a\nc\nD\n")), "a\nc\nD\n");
}

TEST(TextMergeTest, NoFinalNewline) {
  EXPECT_EQ(ResolvedText(Merge3("A\nb\nc", "a\nb\nc", "a\nb\nC")), "A\nb\nC");
  // Both append after a last line without '\n': that line changes on both.
  EXPECT_EQ(Show(Merge3("a\nb\nx\n", "a\nb", "a\nb\ny\n")), "a\n<b\nx\n|b|b\ny\n>");
  // Adding the final newline on one side, editing elsewhere on the other.
  EXPECT_EQ(ResolvedText(Merge3("a\nb\nc\n", "a\nb\nc", "A\nb\nc")), "A\nb\nc\n");
}

TEST(TextMergeTest, CrlfLinesKeepTheirBytes) {
  EXPECT_EQ(ResolvedText(Merge3("A\r\nb\r\nc\r\n", "a\r\nb\r\nc\r\n", "a\r\nb\r\nC\r\n")),
            "A\r\nb\r\nC\r\n");
  // Changing a line's ending is a change of that line.
  EXPECT_EQ(Show(Merge3("a\r\nb\n", "a\r\nb\r\n", "a\r\nB\r\n")), "a\r\n<b\n|b\r\n|B\r\n>");
}

// Five terms: [side1, base1, side2, base2, side3], e.g. a merge whose sides
// are themselves merges. Term 2*i of a conflict is side i+1's lines.
TEST(TextMergeTest, FiveWayMerge) {
  const std::string base = "a\nb\nc\nd\ne\n";
  const std::string s1 = "A\nb\nc\nd\ne\n";
  const std::string cc = "a\nb\nC\nd\ne\n";  // side2 and base2 share this change,
  const std::string s3 = "a\nb\nC\nd\nE\n";  // so only side3's E is new there
  Merge<std::string_view> m = Merge<std::string_view>::FromTerms({s1, base, cc, cc, s3});
  EXPECT_EQ(ResolvedText(MergeText(m)), "A\nb\nC\nd\nE\n");

  const std::string s3z = "Z\nb\nC\nd\nE\n";  // side 3 also changes line a
  Hunks h = MergeText(Merge<std::string_view>::FromTerms({s1, base, cc, cc, s3z}));
  EXPECT_EQ(Show(h), "<A\n|a\n|a\n|a\n|Z\n>b\nC\nd\nE\n");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].terms().size(), 5u);
}

TEST(TextMergeTest, ConflictsAndResolvedHunksAlternate) {
  Hunks h = Merge3("X\nb\nc\nY\n", "a\nb\nc\nd\n", "x\nb\nc\ny\n");
  EXPECT_EQ(Show(h), "<X\n|a\n|x\n>b\nc\n<Y\n|d\n|y\n>");
  for (size_t i = 1; i < h.size(); ++i) EXPECT_NE(h[i].is_resolved(), h[i - 1].is_resolved());
}

// ---- the histogram diff ----

// Unchanged lines of both sides pair up in order and are equal.
void ExpectValidDiff(std::string_view a, std::string_view b) {
  line_diff::LineDiff d = histogram_diff::ComputeHistogramDiff(a, b);
  ASSERT_EQ(d.removed.size(), d.old_lines.size());
  ASSERT_EQ(d.added.size(), d.new_lines.size());
  std::vector<std::string_view> ka, kb;
  for (size_t i = 0; i < d.old_lines.size(); ++i)
    if (!d.removed[i]) ka.push_back(d.old_lines[i]);
  for (size_t j = 0; j < d.new_lines.size(); ++j)
    if (!d.added[j]) kb.push_back(d.new_lines[j]);
  EXPECT_EQ(ka, kb);
}

size_t CountChanged(const line_diff::LineDiff& d) {
  size_t n = 0;
  for (auto f : d.removed) n += f;
  for (auto f : d.added) n += f;
  return n;
}

TEST(HistogramDiffTest, AnchorsOnRareLines) {
  // The unique line "u" anchors; the frequent "x" lines around it are matched
  // as its neighbours.
  auto d = histogram_diff::ComputeHistogramDiff("x\nx\nu\nx\n", "x\nu\nx\nx\n");
  EXPECT_EQ(CountChanged(d), 2u);
  ExpectValidDiff("x\nx\nu\nx\n", "x\nu\nx\nx\n");
}

TEST(HistogramDiffTest, NothingCommonAndOnlyFrequentLines) {
  auto d = histogram_diff::ComputeHistogramDiff("a\nb\n", "c\nd\n");
  EXPECT_EQ(CountChanged(d), 4u);
  // 100 equal lines on each side, one insertion in the middle: every line
  // occurs more than kMaxOccurrences times, so Myers finishes the region.
  std::string a, b;
  for (int i = 0; i < 100; ++i) a += "same\n";
  b = a.substr(0, 250) + "new\n" + a.substr(250);
  d = histogram_diff::ComputeHistogramDiff(a, b);
  EXPECT_EQ(CountChanged(d), 1u);
}

TEST(HistogramDiffTest, RandomEditsGiveValidDiffs) {
  std::mt19937 rng(17);
  for (int round = 0; round < 300; ++round) {
    std::uniform_int_distribution<int> word(0, round % 2 ? 5 : 80), len(0, 60);
    std::string a, b;
    int na = len(rng), nb = len(rng);
    for (int i = 0; i < na; ++i) a += "w" + std::to_string(word(rng)) + "\n";
    b = a;
    for (int i = 0; i < nb / 10; ++i) {
      size_t at = b.empty() ? 0 : rng() % b.size();
      b.insert(at, "w" + std::to_string(word(rng)) + "\n");
    }
    if (round % 3 == 0) b += "tail";  // no final newline
    ExpectValidDiff(a, b);
    ExpectValidDiff(b, a);
  }
}

}  // namespace
}  // namespace jvs
