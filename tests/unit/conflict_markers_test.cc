// Conflict markers: golden renderings of each style (the format is pinned
// here and in docs/formats.md), marker length, CRLF, missing final newline,
// edited and broken conflicts, and a property test of the round trip
// Parse(Render(h)) == h over random hunks (fixed seeds).
#include "jvs/merge/conflict_markers.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace jvs {
namespace {

using Hunks = std::vector<Merge<std::string>>;

Merge<std::string> R(std::string text) { return Merge<std::string>(std::move(text)); }
Merge<std::string> C(std::vector<std::string> terms) {
  return Merge<std::string>::FromTerms(std::move(terms));
}

// Adjacent resolved hunks joined, empty resolved hunks dropped: the form
// ParseConflicts returns.
Hunks Normalize(const Hunks& hunks) {
  Hunks out;
  for (const auto& h : hunks) {
    if (h.is_resolved()) {
      if (h.terms()[0].empty()) continue;
      if (!out.empty() && out.back().is_resolved()) {
        out.back() = R(out.back().terms()[0] + h.terms()[0]);
        continue;
      }
    }
    out.push_back(h);
  }
  return out;
}

constexpr ConflictStyle kStyles[] = {ConflictStyle::kDiff, ConflictStyle::kSnapshot,
                                     ConflictStyle::kGit};

void ExpectRoundTrip(const Hunks& hunks, size_t num_sides) {
  const size_t len = ChooseMarkerLength(hunks);
  for (ConflictStyle style : kStyles) {
    const std::string text = RenderConflicts(hunks, style, len);
    auto parsed = ParseConflicts(text, num_sides, len);
    ASSERT_TRUE(parsed.has_value()) << ConflictStyleName(style) << ":\n" << text;
    EXPECT_EQ(*parsed, Normalize(hunks)) << ConflictStyleName(style) << ":\n" << text;
  }
}

// top / a b c with side 1 changing b and side 2 changing c / end.
Hunks TwoSided() {
  return {R("top\n"), C({"a\nB\nc\n", "a\nb\nc\n", "a\nb\nC\n"}), R("end\n")};
}

TEST(ConflictMarkersTest, DiffStyleGolden) {
  EXPECT_EQ(RenderConflicts(TwoSided(), ConflictStyle::kDiff, 7),
            "top\n"
            "<<<<<<< conflict 1 of 1\n"
            "%%%%%%% diff from base to side #1\n"
            " a\n"
            "-b\n"
            "+B\n"
            " c\n"
            "+++++++ side #2\n"
            "a\n"
            "b\n"
            "C\n"
            ">>>>>>> conflict 1 of 1 ends\n"
            "end\n");
  ExpectRoundTrip(TwoSided(), 2);
}

TEST(ConflictMarkersTest, DiffStyleShowsTheSmallerDiff) {
  // Side 2 is closer to the base: it becomes the diff, side 1 the snapshot.
  Hunks hunks = {C({"x\ny\nz\n", "a\nb\nc\n", "a\nb\nc\nd\n"})};
  EXPECT_EQ(RenderConflicts(hunks, ConflictStyle::kDiff, 7),
            "<<<<<<< conflict 1 of 1\n"
            "+++++++ side #1\n"
            "x\n"
            "y\n"
            "z\n"
            "%%%%%%% diff from base to side #2\n"
            " a\n"
            " b\n"
            " c\n"
            "+d\n"
            ">>>>>>> conflict 1 of 1 ends\n");
  ExpectRoundTrip(hunks, 2);
}

TEST(ConflictMarkersTest, SnapshotStyleGolden) {
  EXPECT_EQ(RenderConflicts(TwoSided(), ConflictStyle::kSnapshot, 7),
            "top\n"
            "<<<<<<< conflict 1 of 1\n"
            "+++++++ side #1\n"
            "a\n"
            "B\n"
            "c\n"
            "------- base\n"
            "a\n"
            "b\n"
            "c\n"
            "+++++++ side #2\n"
            "a\n"
            "b\n"
            "C\n"
            ">>>>>>> conflict 1 of 1 ends\n"
            "end\n");
}

TEST(ConflictMarkersTest, GitStyleGolden) {
  EXPECT_EQ(RenderConflicts(TwoSided(), ConflictStyle::kGit, 7),
            "top\n"
            "<<<<<<< side #1\n"
            "a\n"
            "B\n"
            "c\n"
            "||||||| base\n"
            "a\n"
            "b\n"
            "c\n"
            "=======\n"
            "a\n"
            "b\n"
            "C\n"
            ">>>>>>> side #2\n"
            "end\n");
}

TEST(ConflictMarkersTest, NumbersEveryConflict) {
  Hunks hunks = {C({"1\n", "0\n", "2\n"}), R("mid\n"), C({"", "x\n", "y\n"})};
  EXPECT_EQ(RenderConflicts(hunks, ConflictStyle::kSnapshot, 7),
            "<<<<<<< conflict 1 of 2\n"
            "+++++++ side #1\n"
            "1\n"
            "------- base\n"
            "0\n"
            "+++++++ side #2\n"
            "2\n"
            ">>>>>>> conflict 1 of 2 ends\n"
            "mid\n"
            "<<<<<<< conflict 2 of 2\n"
            "+++++++ side #1\n"
            "------- base\n"
            "x\n"
            "+++++++ side #2\n"
            "y\n"
            ">>>>>>> conflict 2 of 2 ends\n");
  ExpectRoundTrip(hunks, 2);
}

Hunks ThreeSided() {
  return {C({"one\nTWO\n", "one\ntwo\n", "ONE\ntwo\n", "one\ntwo\n", "one\ntwo\nthree\n"})};
}

TEST(ConflictMarkersTest, ThreeSidedDiffStyle) {
  EXPECT_EQ(RenderConflicts(ThreeSided(), ConflictStyle::kDiff, 7),
            "<<<<<<< conflict 1 of 1\n"
            "%%%%%%% diff from base #1 to side #1\n"
            " one\n"
            "-two\n"
            "+TWO\n"
            "+++++++ side #2\n"
            "ONE\n"
            "two\n"
            "%%%%%%% diff from base #2 to side #3\n"
            " one\n"
            " two\n"
            "+three\n"
            ">>>>>>> conflict 1 of 1 ends\n");
  ExpectRoundTrip(ThreeSided(), 3);
}

TEST(ConflictMarkersTest, ThreeSidedGitStyleFallsBackToSnapshot) {
  EXPECT_EQ(RenderConflicts(ThreeSided(), ConflictStyle::kGit, 7),
            "<<<<<<< conflict 1 of 1 (3 sides: snapshot style, git style shows two)\n"
            "+++++++ side #1\n"
            "one\n"
            "TWO\n"
            "------- base #1\n"
            "one\n"
            "two\n"
            "+++++++ side #2\n"
            "ONE\n"
            "two\n"
            "------- base #2\n"
            "one\n"
            "two\n"
            "+++++++ side #3\n"
            "one\n"
            "two\n"
            "three\n"
            ">>>>>>> conflict 1 of 1 ends\n");
  // A three-sided conflict is not a two-sided one.
  EXPECT_EQ(ParseConflicts(RenderConflicts(ThreeSided(), ConflictStyle::kGit, 7), 2, 7),
            std::nullopt);
}

TEST(ConflictMarkersTest, ChooseMarkerLength) {
  EXPECT_EQ(ChooseMarkerLength({}), 7u);
  EXPECT_EQ(ChooseMarkerLength(TwoSided()), 7u);
  // Runs up to 5 stay below 7 even with a diff prefix.
  EXPECT_EQ(ChooseMarkerLength({R("-----\n+++++ x\n<<\n")}), 7u);
  // A run of 6 dashes gains a seventh as a removed line "-------".
  EXPECT_EQ(ChooseMarkerLength({R("------\n")}), 8u);
  EXPECT_EQ(ChooseMarkerLength({R("a\n"), C({"", "=======\n", ""})}), 9u);
  EXPECT_EQ(ChooseMarkerLength({R("\\\\\\\\\\\\\\\\\\\\")}), 12u);  // 10 '\', no newline
  EXPECT_EQ(ChooseMarkerLength({R(">>>>>>>>\tx\r\n")}), 10u);
  // Not marker-like: the run is followed by another character, or mixes characters.
  EXPECT_EQ(ChooseMarkerLength({R("<<<<<<<<<<x\n<<<<<<<<<<>\n ========\n")}), 7u);
}

TEST(ConflictMarkersTest, StyleNames) {
  for (ConflictStyle style : kStyles)
    EXPECT_EQ(ConflictStyleFromName(ConflictStyleName(style)), style);
  EXPECT_EQ(ConflictStyleName(ConflictStyle::kDiff), "diff");
  EXPECT_EQ(ConflictStyleFromName("diff3"), std::nullopt);
}

TEST(ConflictMarkersTest, FileWithMarkerLinesGetsLongerMarkers) {
  // A file that holds git conflict markers of its own (a test fixture, say).
  const std::string fixture = "<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> branch\n";
  Hunks hunks = {R(fixture), C({"x\n" + fixture, "y\n", fixture + "z\n"}), R(fixture)};
  ASSERT_EQ(ChooseMarkerLength(hunks), 9u);
  EXPECT_EQ(RenderConflicts({C({"<<<<<<<\n", "", "=======\n"})}, ConflictStyle::kSnapshot, 9),
            "<<<<<<<<< conflict 1 of 1\n"
            "+++++++++ side #1\n"
            "<<<<<<<\n"
            "--------- base\n"
            "+++++++++ side #2\n"
            "=======\n"
            ">>>>>>>>> conflict 1 of 1 ends\n");
  ExpectRoundTrip(hunks, 2);
  // The fixture alone, read with the chosen length, is plain text.
  EXPECT_EQ(ParseConflicts(fixture, 2, 9), std::nullopt);
}

TEST(ConflictMarkersTest, CrlfFile) {
  Hunks hunks = {R("a\r\n"), C({"x\r\n", "y\r\n", "z"}), R("")};
  EXPECT_EQ(RenderConflicts(hunks, ConflictStyle::kSnapshot, 7),
            "a\r\n"
            "<<<<<<< conflict 1 of 1\r\n"
            "+++++++ side #1\r\n"
            "x\r\n"
            "------- base\r\n"
            "y\r\n"
            "+++++++ side #2\r\n"
            "z\r\n"
            "\\\\\\\\\\\\\\ no newline after the line above\r\n"
            ">>>>>>> conflict 1 of 1 ends\r\n");
  ExpectRoundTrip(hunks, 2);
  // A file whose lines mix endings gets "\n" markers and still round-trips.
  Hunks mixed = {R("a\r\n"), C({"x\n", "y\r\n", "z\r"}), R("b\r\n")};
  EXPECT_NE(RenderConflicts(mixed, ConflictStyle::kDiff, 7).find("<<<<<<< conflict 1 of 1\n"),
            std::string::npos);
  ExpectRoundTrip(mixed, 2);
}

TEST(ConflictMarkersTest, NoFinalNewline) {
  Hunks hunks = {R("a\n"), C({"LAST", "last", "last\n"})};
  EXPECT_EQ(RenderConflicts(hunks, ConflictStyle::kDiff, 7),
            "a\n"
            "<<<<<<< conflict 1 of 1\n"
            "%%%%%%% diff from base to side #1\n"
            "-last\n"
            "\\\\\\\\\\\\\\ no newline after the line above\n"
            "+LAST\n"
            "\\\\\\\\\\\\\\ no newline after the line above\n"
            "+++++++ side #2\n"
            "last\n"
            ">>>>>>> conflict 1 of 1 ends\n");
  EXPECT_EQ(RenderConflicts(hunks, ConflictStyle::kGit, 7),
            "a\n"
            "<<<<<<< side #1\n"
            "LAST\n"
            "\\\\\\\\\\\\\\ no newline after the line above\n"
            "||||||| base\n"
            "last\n"
            "\\\\\\\\\\\\\\ no newline after the line above\n"
            "=======\n"
            "last\n"
            ">>>>>>> side #2\n");
  ExpectRoundTrip(hunks, 2);
  // A common last line without newline is one context line and one note.
  Hunks common = {C({"A\nz", "a\nz", "a\nb\nz"})};
  EXPECT_EQ(RenderConflicts(common, ConflictStyle::kDiff, 7),
            "<<<<<<< conflict 1 of 1\n"
            "+++++++ side #1\n"
            "A\n"
            "z\n"
            "\\\\\\\\\\\\\\ no newline after the line above\n"
            "%%%%%%% diff from base to side #2\n"
            " a\n"
            "+b\n"
            " z\n"
            "\\\\\\\\\\\\\\ no newline after the line above\n"
            ">>>>>>> conflict 1 of 1 ends\n");
  ExpectRoundTrip(common, 2);
  // A resolved tail without newline after a conflict.
  ExpectRoundTrip({C({"1\n", "0\n", "2\n"}), R("tail")}, 2);
}

TEST(ConflictMarkersTest, EditedConflictGivesEditedTerms) {
  std::string text = RenderConflicts(TwoSided(), ConflictStyle::kSnapshot, 7);
  // The user removes side 1's "B" line and adds a line to side 2.
  text.replace(text.find("a\nB\nc\n"), 6, "a\nc\n");
  text.replace(text.find("C\n>>>"), 2, "C\nD\n");
  Hunks expected = {R("top\n"), C({"a\nc\n", "a\nb\nc\n", "a\nb\nC\nD\n"}), R("end\n")};
  EXPECT_EQ(ParseConflicts(text, 2, 7), expected);

  // In a diff section: a changed added line and a removed context line.
  text = RenderConflicts(TwoSided(), ConflictStyle::kDiff, 7);
  text.replace(text.find("+B\n"), 3, "+Bee\n");
  text.replace(text.find(" c\n"), 3, "");
  expected = {R("top\n"), C({"a\nBee\n", "a\nb\n", "a\nb\nC\n"}), R("end\n")};
  EXPECT_EQ(ParseConflicts(text, 2, 7), expected);
}

TEST(ConflictMarkersTest, DeletedMarkersMeanResolved) {
  EXPECT_EQ(ParseConflicts("top\na\nB\nC\nend\n", 2, 7), std::nullopt);
  EXPECT_EQ(ParseConflicts("", 2, 7), std::nullopt);
  // One conflict resolved by hand, the other kept.
  Hunks hunks = {C({"1\n", "0\n", "2\n"}), R("mid\n"), C({"x\n", "", "y\n"})};
  std::string text = RenderConflicts(hunks, ConflictStyle::kDiff, 7);
  const size_t end_first = text.find("mid\n");
  text.replace(0, end_first, "12\n");
  EXPECT_EQ(ParseConflicts(text, 2, 7), (Hunks{R("12\nmid\n"), hunks[2]}));
}

TEST(ConflictMarkersTest, BrokenConflictsArePlainText) {
  const std::string good = RenderConflicts({C({"1\n", "0\n", "2\n"})}, ConflictStyle::kGit, 7);
  // The separator is gone: not a conflict.
  std::string broken = good;
  broken.replace(broken.find("=======\n"), 8, "");
  EXPECT_EQ(ParseConflicts(broken, 2, 7), std::nullopt);
  EXPECT_EQ(ParseConflicts(broken + good, 2, 7),
            (Hunks{R(broken), C({"1\n", "0\n", "2\n"})}));
  // Wrong number of sides, for the count the caller expects.
  EXPECT_EQ(ParseConflicts(good, 3, 7), std::nullopt);
  // A jvs-style body that starts with a content line, a diff line without a
  // prefix, a git marker in a jvs body, an unterminated conflict.
  EXPECT_EQ(ParseConflicts("<<<<<<<\nx\n+++++++\n1\n------- b\n+++++++\n2\n>>>>>>>\n", 2, 7),
            std::nullopt);
  EXPECT_EQ(ParseConflicts("<<<<<<<\n%%%%%%%\nx\n+++++++\n2\n>>>>>>>\n", 2, 7), std::nullopt);
  EXPECT_EQ(ParseConflicts("<<<<<<<\n+++++++\n=======\n-------\n+++++++\n>>>>>>>\n", 2, 7),
            std::nullopt);
  EXPECT_EQ(ParseConflicts("<<<<<<<\n+++++++\n1\n-------\n0\n+++++++\n2\n", 2, 7), std::nullopt);
  // Markers shorter than the expected length are content.
  EXPECT_EQ(ParseConflicts(good, 2, 8), std::nullopt);
  // A second start marker makes the first one plain text.
  EXPECT_EQ(ParseConflicts("<<<<<<< stray\n" + good, 2, 7),
            (Hunks{R("<<<<<<< stray\n"), C({"1\n", "0\n", "2\n"})}));
}

TEST(ConflictMarkersTest, ParsesLooseForms) {
  // An editor stripped the blank of an empty context line; marker labels
  // are free text; longer markers than expected are markers.
  const std::string text =
      "<<<<<<<<<< whatever\n"
      "%%%%%%%\n"
      "\n"
      "-b\n"
      "+B\n"
      "+++++++ side two\n"
      "\n"
      "c\n"
      ">>>>>>>\n";
  EXPECT_EQ(ParseConflicts(text, 2, 7), (Hunks{C({"\nB\n", "\nb\n", "\nc\n"})}));
  // Sections in another order than rendering uses: sides and bases each
  // keep their order.
  EXPECT_EQ(ParseConflicts("<<<<<<<\n------- base\n0\n+++++++\n1\n+++++++\n2\n>>>>>>>\n", 2, 7),
            (Hunks{C({"1\n", "0\n", "2\n"})}));
  // Git style without a first side, and a conflict end without newline.
  EXPECT_EQ(ParseConflicts("<<<<<<<\n|||||||\n0\n=======\n2\n>>>>>>>", 2, 7),
            (Hunks{C({"", "0\n", "2\n"})}));
}

// ---- property test ----

std::string RandomTerm(std::mt19937& rng, bool crlf, bool may_lack_newline) {
  static const char* const kLines[] = {
      "a", "b", "c", "", " ", "<<<<<<<", "<<<<<<< HEAD", "=======", ">>>>>>> x", "|||||||",
      "%%%%%%%%%", "------", "++++++", "-------", "+++++++", "\\\\\\\\\\\\\\", "-x", "+y", " z",
      "x\r", "\t", "<<<<<<<<<<<<"};
  std::uniform_int_distribution<size_t> count(0, 4), pick(0, std::size(kLines) - 1),
      coin(0, 3);
  std::string out;
  const size_t n = count(rng);
  for (size_t i = 0; i < n; ++i) {
    out += kLines[pick(rng)];
    // Mostly the file's ending, sometimes the other one.
    out += (crlf != (coin(rng) == 0)) ? "\r\n" : "\n";
  }
  if (may_lack_newline && !out.empty() && coin(rng) == 0) {
    out.pop_back();
    if (!out.empty() && out.back() == '\r' && coin(rng) != 0) out.pop_back();
  }
  return out;
}

TEST(ConflictMarkersTest, RoundTripProperty) {
  for (uint32_t seed = 1; seed <= 3000; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<size_t> sides(2, 4), num_hunks(1, 6), coin(0, 1);
    const size_t num_sides = sides(rng);
    const bool crlf = coin(rng) == 1;
    const size_t n = num_hunks(rng);
    Hunks hunks;
    bool any_conflict = false;
    for (size_t i = 0; i < n; ++i) {
      const bool last = i + 1 == n;
      if (coin(rng) == 0 && !(last && !any_conflict)) {
        // Only the file's last line may lack its newline.
        hunks.push_back(R(RandomTerm(rng, crlf, last)));
      } else {
        std::vector<std::string> terms;
        // A conflict's terms may lack a final newline anywhere: its markers
        // record that exactly.
        for (size_t t = 0; t < 2 * num_sides - 1; ++t) terms.push_back(RandomTerm(rng, crlf, true));
        hunks.push_back(C(std::move(terms)));
        any_conflict = true;
      }
    }
    SCOPED_TRACE("seed " + std::to_string(seed));
    ExpectRoundTrip(hunks, num_sides);
    if (HasFatalFailure() || HasNonfatalFailure()) break;
  }
}

}  // namespace
}  // namespace jvs
