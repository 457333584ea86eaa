// Unit tests of the line diff for unified output (jvs/merge/text_diff.h).
// Over 400 lines on purpose: many small cases of one algorithm (Myers, linear space), with its
// binary detection.
#include "jvs/merge/text_diff.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "test_util.h"

namespace jvs {
namespace {

// ---------------------------------------------------------------------------
// A tiny, strict patch applier for the hunks UnifiedDiff produces.

std::vector<std::string> SplitKeepNewlines(std::string_view text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.emplace_back(text.substr(pos, end - pos));
    pos = end;
  }
  return lines;
}

// Parses "N" or "N,M" (GNU never writes a count of 1).
bool ParseRange(const std::string& s, size_t* start, size_t* count, std::string* error) {
  size_t comma = s.find(',');
  try {
    *start = std::stoul(s.substr(0, comma));
    if (comma == std::string::npos) {
      *count = 1;
    } else {
      *count = std::stoul(s.substr(comma + 1));
      if (*count == 1) {
        *error = "count of 1 written explicitly: " + s;
        return false;
      }
    }
  } catch (...) {
    *error = "bad range: " + s;
    return false;
  }
  return true;
}

struct ApplyResult {
  std::optional<std::string> text;  // nullopt on failure
  std::string error;
  size_t added = 0;
  size_t removed = 0;
  size_t hunks = 0;
};

// Applies `diff` to `old_text`, checking headers, counts, context and that
// hunks are ordered and do not overlap.
ApplyResult ApplyDiff(std::string_view old_text, std::string_view diff) {
  ApplyResult r;
  auto fail = [&](std::string msg) {
    r.text.reset();
    r.error = std::move(msg);
    return r;
  };
  const std::vector<std::string> old_lines = SplitKeepNewlines(old_text);
  std::vector<std::string> diff_lines;
  for (std::string& l : SplitKeepNewlines(diff)) {
    if (l.empty() || l.back() != '\n') return fail("diff does not end in a newline");
    l.pop_back();
    diff_lines.push_back(std::move(l));
  }
  std::string out;
  size_t out_lines = 0;
  size_t pos = 0;  // next old line to copy
  size_t k = 0;
  while (k < diff_lines.size()) {
    const std::string& h = diff_lines[k++];
    if (h.rfind("@@ -", 0) != 0 || h.size() < 9 || h.substr(h.size() - 3) != " @@") {
      return fail("bad hunk header: " + h);
    }
    const std::string inner = h.substr(4, h.size() - 7);
    const size_t plus = inner.find(" +");
    if (plus == std::string::npos) return fail("bad hunk header: " + h);
    size_t a = 0, b = 0, c = 0, d = 0;
    if (!ParseRange(inner.substr(0, plus), &a, &b, &r.error)) return fail(r.error);
    if (!ParseRange(inner.substr(plus + 2), &c, &d, &r.error)) return fail(r.error);
    const size_t old_start = b == 0 ? a : a - 1;
    const size_t new_start = d == 0 ? c : c - 1;
    if ((b != 0 && a == 0) || (d != 0 && c == 0)) return fail("line 0 in non-empty range: " + h);
    if (old_start < pos) return fail("hunks overlap or are out of order: " + h);
    if (r.hunks > 0 && old_start == pos) return fail("adjacent hunks not merged: " + h);
    if (old_start > old_lines.size()) return fail("hunk past end of old text: " + h);
    for (; pos < old_start; ++pos, ++out_lines) out += old_lines[pos];
    if (out_lines != new_start) return fail("new start does not match: " + h);
    ++r.hunks;
    size_t seen_old = 0, seen_new = 0;
    bool any_change = false;
    while (k < diff_lines.size() && diff_lines[k].rfind("@@", 0) != 0) {
      const std::string& line = diff_lines[k++];
      if (line.empty()) return fail("empty body line");
      std::string content = line.substr(1);
      if (k < diff_lines.size() && diff_lines[k] == "\\ No newline at end of file") {
        ++k;
      } else {
        content += '\n';
      }
      switch (line[0]) {
        case ' ':
        case '-':
          if (pos >= old_lines.size() || old_lines[pos] != content) {
            return fail("old text mismatch at old line " + std::to_string(pos + 1));
          }
          ++pos;
          ++seen_old;
          if (line[0] == ' ') {
            out += content;
            ++out_lines;
            ++seen_new;
          } else {
            ++r.removed;
            any_change = true;
          }
          break;
        case '+':
          out += content;
          ++out_lines;
          ++seen_new;
          ++r.added;
          any_change = true;
          break;
        default:
          return fail("bad body line: " + line);
      }
    }
    if (seen_old != b || seen_new != d) return fail("hunk counts do not match body: " + h);
    if (!any_change) return fail("hunk without changes: " + h);
  }
  for (; pos < old_lines.size(); ++pos) out += old_lines[pos];
  r.text = std::move(out);
  return r;
}

// Checks that `diff` turns old_text into new_text and agrees with
// CountLineChanges; returns the applier's result for further checks.
ApplyResult ExpectValidDiff(const std::string& old_text, const std::string& new_text,
                            const std::string& diff) {
  ApplyResult r = ApplyDiff(old_text, diff);
  EXPECT_TRUE(r.text.has_value()) << r.error << "\nold:\n" << old_text << "\nnew:\n"
                                  << new_text << "\ndiff:\n" << diff;
  if (r.text) {
    EXPECT_EQ(*r.text, new_text) << "old:\n" << old_text << "\ndiff:\n" << diff;
  }
  EXPECT_EQ(diff.empty(), old_text == new_text);
  return r;
}

size_t LcsLength(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string Numbered(size_t from, size_t to) {  // "from\n" ... "to\n"
  std::string s;
  for (size_t i = from; i <= to; ++i) s += std::to_string(i) + "\n";
  return s;
}

// Lines 1..20, with the lines whose numbers are in `changed` replaced by "X<n>".
std::string TwentyWith(std::initializer_list<int> changed) {
  std::string s;
  for (int i = 1; i <= 20; ++i) {
    bool c = std::find(changed.begin(), changed.end(), i) != changed.end();
    s += (c ? "X" : "") + std::to_string(i) + "\n";
  }
  return s;
}

// ---------------------------------------------------------------------------

TEST(TextDiffLooksBinary, DetectsNulInFirst8000Bytes) {
  EXPECT_FALSE(LooksBinary(""));
  EXPECT_FALSE(LooksBinary("hello\nworld\n"));
  EXPECT_TRUE(LooksBinary(std::string_view("a\0b", 3)));
  std::string s(7999, 'x');
  s.push_back('\0');
  EXPECT_TRUE(LooksBinary(s));
  std::string t(8000, 'x');
  t.push_back('\0');
  EXPECT_FALSE(LooksBinary(t));
}

TEST(TextDiff, EqualTextsGiveEmptyDiff) {
  EXPECT_EQ(UnifiedDiff("", ""), "");
  EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n"), "");
  EXPECT_EQ(UnifiedDiff("a\nb", "a\nb"), "");
  LineChangeCount c = CountLineChanges("a\n", "a\n");
  EXPECT_EQ(c.added, 0u);
  EXPECT_EQ(c.removed, 0u);
}

TEST(TextDiff, SingleChange) {
  EXPECT_EQ(UnifiedDiff("a\nb\nc\n", "a\nB\nc\n"), "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  EXPECT_EQ(UnifiedDiff("a\n", "b\n"), "@@ -1 +1 @@\n-a\n+b\n");
  EXPECT_EQ(UnifiedDiff(Numbered(1, 20), TwentyWith({10})),
            "@@ -7,7 +7,7 @@\n 7\n 8\n 9\n-10\n+X10\n 11\n 12\n 13\n");
}

TEST(TextDiff, InsertAtStartAndEnd) {
  EXPECT_EQ(UnifiedDiff("a\nb\n", "x\na\nb\n"), "@@ -1,2 +1,3 @@\n+x\n a\n b\n");
  EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\nc\n"), "@@ -1,2 +1,3 @@\n a\n b\n+c\n");
  EXPECT_EQ(UnifiedDiff(Numbered(1, 10), "0\n" + Numbered(1, 10)),
            "@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n");
  EXPECT_EQ(UnifiedDiff(Numbered(1, 10), Numbered(1, 11)),
            "@@ -8,3 +8,4 @@\n 8\n 9\n 10\n+11\n");
}

TEST(TextDiff, DeleteAllAndEmptySides) {
  EXPECT_EQ(UnifiedDiff("a\nb\n", ""), "@@ -1,2 +0,0 @@\n-a\n-b\n");
  EXPECT_EQ(UnifiedDiff("a\n", ""), "@@ -1 +0,0 @@\n-a\n");
  EXPECT_EQ(UnifiedDiff("", "a\n"), "@@ -0,0 +1 @@\n+a\n");
  EXPECT_EQ(UnifiedDiff("", "a\nb\nc\n"), "@@ -0,0 +1,3 @@\n+a\n+b\n+c\n");
  EXPECT_EQ(UnifiedDiff("", "a"), "@@ -0,0 +1 @@\n+a\n\\ No newline at end of file\n");
  EXPECT_EQ(UnifiedDiff("a", ""), "@@ -1 +0,0 @@\n-a\n\\ No newline at end of file\n");
}

TEST(TextDiff, NoNewlineAtEnd) {
  // Only the old side lacks the final newline.
  EXPECT_EQ(UnifiedDiff("a\nb", "a\nb\n"),
            "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
  // Only the new side lacks it.
  EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb"),
            "@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n");
  // Both lack it; the last line is unchanged context.
  EXPECT_EQ(UnifiedDiff("a\nb\nc", "a\nB\nc"),
            "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n\\ No newline at end of file\n");
  // Both lack it and the last line changes.
  EXPECT_EQ(UnifiedDiff("a\nb", "a\nc"),
            "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n"
            "\\ No newline at end of file\n");
  // Appending to a file without a final newline.
  EXPECT_EQ(UnifiedDiff("a", "a\nb\n"), "@@ -1 +1,2 @@\n-a\n\\ No newline at end of file\n+a\n+b\n");
  // The unterminated last line is outside the hunk.
  EXPECT_EQ(UnifiedDiff("1\n2\n3\n4\n5\n6\n7\n8", "1\nX\n3\n4\n5\n6\n7\n8"),
            "@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n");
}

TEST(TextDiff, NearbyChangesShareAHunk) {
  // 6 unchanged lines between the changes (== 2 * context): one hunk.
  EXPECT_EQ(UnifiedDiff(Numbered(1, 20), TwentyWith({5, 12})),
            "@@ -2,14 +2,14 @@\n 2\n 3\n 4\n-5\n+X5\n 6\n 7\n 8\n 9\n 10\n 11\n-12\n+X12\n"
            " 13\n 14\n 15\n");
}

TEST(TextDiff, DistantChangesGetSeparateHunks) {
  // 7 unchanged lines between the changes: two hunks.
  EXPECT_EQ(UnifiedDiff(Numbered(1, 20), TwentyWith({5, 13})),
            "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X5\n 6\n 7\n 8\n"
            "@@ -10,7 +10,7 @@\n 10\n 11\n 12\n-13\n+X13\n 14\n 15\n 16\n");
}

TEST(TextDiff, ContextOption) {
  UnifiedDiffOptions zero;
  zero.context = 0;
  EXPECT_EQ(UnifiedDiff(Numbered(1, 20), TwentyWith({5, 7}), zero),
            "@@ -5 +5 @@\n-5\n+X5\n@@ -7 +7 @@\n-7\n+X7\n");
  // Pure insertion and deletion with no context: empty ranges name the line before.
  EXPECT_EQ(UnifiedDiff("a\nb\nc\n", "a\nb\nx\nc\n", zero), "@@ -2,0 +3 @@\n+x\n");
  EXPECT_EQ(UnifiedDiff("a\nb\nx\nc\n", "a\nb\nc\n", zero), "@@ -3 +2,0 @@\n-x\n");
  EXPECT_EQ(UnifiedDiff("a\n", "x\na\n", zero), "@@ -0,0 +1 @@\n+x\n");
  UnifiedDiffOptions one;
  one.context = 1;
  EXPECT_EQ(UnifiedDiff(Numbered(1, 20), TwentyWith({5, 7}), one),
            "@@ -4,5 +4,5 @@\n 4\n-5\n+X5\n 6\n-7\n+X7\n 8\n");
  EXPECT_EQ(UnifiedDiff(Numbered(1, 20), TwentyWith({5, 8}), one),
            "@@ -4,6 +4,6 @@\n 4\n-5\n+X5\n 6\n 7\n-8\n+X8\n 9\n");
  EXPECT_EQ(UnifiedDiff(Numbered(1, 20), TwentyWith({5, 9}), one),
            "@@ -4,3 +4,3 @@\n 4\n-5\n+X5\n 6\n@@ -8,3 +8,3 @@\n 8\n-9\n+X9\n 10\n");
  UnifiedDiffOptions negative;
  negative.context = -5;
  EXPECT_EQ(UnifiedDiff("a\nb\nc\n", "a\nB\nc\n", negative), "@@ -2 +2 @@\n-b\n+B\n");
}

TEST(TextDiff, ReplacementStaysTogether) {
  // The removed and added lines of a replacement appear as one group even
  // when the surrounding lines repeat.
  const std::string old_text = "x\nx\nold\nx\nx\n";
  const std::string new_text = "x\nx\nnew\nx\nx\n";
  EXPECT_EQ(UnifiedDiff(old_text, new_text), "@@ -1,5 +1,5 @@\n x\n x\n-old\n+new\n x\n x\n");
}

TEST(TextDiff, CountLineChanges) {
  LineChangeCount c = CountLineChanges("a\nb\nc\n", "a\nB\nc\nd\n");
  EXPECT_EQ(c.added, 2u);
  EXPECT_EQ(c.removed, 1u);
  c = CountLineChanges("", "a\nb\n");
  EXPECT_EQ(c.added, 2u);
  EXPECT_EQ(c.removed, 0u);
  c = CountLineChanges("a\nb", "a\nb\n");
  EXPECT_EQ(c.added, 1u);
  EXPECT_EQ(c.removed, 1u);
}

// Random small texts over a tiny alphabet (lots of repeated lines), with and
// without final newlines; also new texts derived from old by random edits.
TEST(TextDiffProperty, RandomTextsRoundTrip) {
  std::mt19937 rng(12345);
  const std::vector<std::string> alphabet = {"a", "b", "c", "d", "", "a b"};
  auto random_text = [&](size_t max_lines) {
    std::string s;
    const size_t lines = rng() % (max_lines + 1);
    for (size_t i = 0; i < lines; ++i) s += alphabet[rng() % alphabet.size()] + "\n";
    if (!s.empty() && rng() % 4 == 0) s.pop_back();
    return s;
  };
  auto mutate = [&](const std::string& text) {
    std::vector<std::string> lines = SplitKeepNewlines(text);
    const size_t edits = rng() % 4;
    for (size_t e = 0; e < edits; ++e) {
      const size_t at = lines.empty() ? 0 : rng() % (lines.size() + 1);
      switch (rng() % 3) {
        case 0:
          lines.insert(lines.begin() + static_cast<ptrdiff_t>(at),
                       alphabet[rng() % alphabet.size()] + "\n");
          break;
        case 1:
          if (at < lines.size()) lines.erase(lines.begin() + static_cast<ptrdiff_t>(at));
          break;
        default:
          if (at < lines.size()) lines[at] = "new" + std::to_string(rng() % 3) + "\n";
          break;
      }
    }
    std::string s;
    for (const std::string& l : lines) {
      if (!s.empty() && s.back() != '\n') s += '\n';
      s += l;
    }
    if (!s.empty() && s.back() == '\n' && rng() % 5 == 0) s.pop_back();
    return s;
  };

  for (int iter = 0; iter < 3000; ++iter) {
    const std::string old_text = random_text(iter < 1500 ? 8 : 25);
    const std::string new_text = iter % 2 == 0 ? random_text(iter < 1500 ? 8 : 25)
                                               : mutate(old_text);
    UnifiedDiffOptions options;
    options.context = static_cast<int>(rng() % 5);
    const std::string diff = UnifiedDiff(old_text, new_text, options);
    ApplyResult r = ExpectValidDiff(old_text, new_text, diff);
    if (::testing::Test::HasFailure()) return;

    // CountLineChanges agrees with the '+' / '-' lines (at any context).
    const LineChangeCount count = CountLineChanges(old_text, new_text);
    EXPECT_EQ(count.added, r.added);
    EXPECT_EQ(count.removed, r.removed);

    // Small inputs stay below the cost limit, so the diff is minimal.
    const std::vector<std::string> a = SplitKeepNewlines(old_text);
    const std::vector<std::string> b = SplitKeepNewlines(new_text);
    const size_t lcs = LcsLength(a, b);
    EXPECT_EQ(r.removed, a.size() - lcs);
    EXPECT_EQ(r.added, b.size() - lcs);

    // A tiny cost limit forces the heuristic split: still a correct diff,
    // never smaller than the minimal one.
    const std::string rough =
        text_diff_internal::UnifiedDiffWithCostLimit(old_text, new_text, options.context,
                                                     1 + rng() % 3);
    ApplyResult rr = ExpectValidDiff(old_text, new_text, rough);
    EXPECT_GE(rr.removed, a.size() - lcs);
    EXPECT_GE(rr.added, b.size() - lcs);

    // Reversing the diff direction is also correct.
    ExpectValidDiff(new_text, old_text, UnifiedDiff(new_text, old_text, options));
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "iteration " << iter;
      return;
    }
  }
}

TEST(TextDiffProperty, MinimalOptionIsMinimal) {
  std::mt19937 rng(777);
  for (int iter = 0; iter < 300; ++iter) {
    std::string old_text, new_text;
    for (size_t i = rng() % 60; i > 0; --i) old_text += std::string(1, "abc"[rng() % 3]) + "\n";
    for (size_t i = rng() % 60; i > 0; --i) new_text += std::string(1, "abc"[rng() % 3]) + "\n";
    UnifiedDiffOptions options;
    options.minimal = true;
    ApplyResult r = ExpectValidDiff(old_text, new_text, UnifiedDiff(old_text, new_text, options));
    const size_t lcs = LcsLength(SplitKeepNewlines(old_text), SplitKeepNewlines(new_text));
    EXPECT_EQ(r.removed + lcs, SplitKeepNewlines(old_text).size());
    EXPECT_EQ(r.added + lcs, SplitKeepNewlines(new_text).size());
    if (::testing::Test::HasFailure()) return;
  }
}

// ---------------------------------------------------------------------------
// Large inputs: these must finish quickly; no timing asserts.

TEST(TextDiffLarge, MillionLinesFewChanges) {
  constexpr size_t kLines = 1000000;
  std::string old_text;
  old_text.reserve(kLines * 14);
  for (size_t i = 0; i < kLines; ++i) old_text += "line " + std::to_string(i) + "\n";
  std::vector<std::string> lines = SplitKeepNewlines(old_text);
  lines[10] = "changed 10\n";
  lines[500000] = "changed 500000\n";
  lines.erase(lines.begin() + 700000, lines.begin() + 700003);
  lines.insert(lines.begin() + 900000, "inserted\n");
  lines.push_back("tail");  // no newline at end
  std::string new_text;
  new_text.reserve(old_text.size() + 64);
  for (const std::string& l : lines) new_text += l;

  const std::string diff = UnifiedDiff(old_text, new_text);
  ApplyResult r = ExpectValidDiff(old_text, new_text, diff);
  EXPECT_EQ(r.removed, 5u);
  EXPECT_EQ(r.added, 4u);
  EXPECT_EQ(r.hunks, 5u);
  LineChangeCount c = CountLineChanges(old_text, new_text);
  EXPECT_EQ(c.removed, 5u);
  EXPECT_EQ(c.added, 4u);
}

TEST(TextDiffLarge, CompletelyDifferentFiles) {
  constexpr size_t kLines = 50000;
  std::string old_text, new_text;
  for (size_t i = 0; i < kLines; ++i) {
    old_text += "old " + std::to_string(i) + "\n";
    new_text += "new " + std::to_string(i) + "\n";
  }
  const std::string diff = UnifiedDiff(old_text, new_text);
  ApplyResult r = ExpectValidDiff(old_text, new_text, diff);
  EXPECT_EQ(r.removed, kLines);
  EXPECT_EQ(r.added, kLines);
  EXPECT_EQ(r.hunks, 1u);
}

// Both files drawn from a small set of lines: nothing can be set aside as
// unique, the edit distance is large and the cost limit has to kick in.
TEST(TextDiffLarge, DifferentFilesWithRepeatedLines) {
  std::mt19937 rng(99);
  for (size_t alphabet : {2u, 10u, 1000u}) {
    constexpr size_t kLines = 50000;
    std::string old_text, new_text;
    for (size_t i = 0; i < kLines; ++i) {
      old_text += "l" + std::to_string(rng() % alphabet) + "\n";
      new_text += "l" + std::to_string(rng() % alphabet) + "\n";
    }
    const std::string diff = UnifiedDiff(old_text, new_text);
    ApplyResult r = ExpectValidDiff(old_text, new_text, diff);
    LineChangeCount c = CountLineChanges(old_text, new_text);
    EXPECT_EQ(c.added, r.added);
    EXPECT_EQ(c.removed, r.removed);
    EXPECT_EQ(r.added + kLines, r.removed + kLines);  // same line counts on both sides
  }
}

TEST(TextDiffLarge, ManyScatteredChanges) {
  std::mt19937 rng(5);
  constexpr size_t kLines = 200000;
  std::vector<std::string> lines;
  for (size_t i = 0; i < kLines; ++i) lines.push_back("v" + std::to_string(rng() % 5000) + "\n");
  std::string old_text;
  for (const std::string& l : lines) old_text += l;
  for (int e = 0; e < 2000; ++e) {
    const size_t at = rng() % lines.size();
    if (e % 2 == 0) {
      lines[at] = "edited " + std::to_string(e) + "\n";
    } else {
      lines.erase(lines.begin() + static_cast<ptrdiff_t>(at));
    }
  }
  std::string new_text;
  for (const std::string& l : lines) new_text += l;
  ExpectValidDiff(old_text, new_text, UnifiedDiff(old_text, new_text));
}

// ---------------------------------------------------------------------------
// Compare with GNU diff where available (skipped otherwise).

std::optional<std::string> GnuDiff(const std::string& old_text, const std::string& new_text,
                                   int context) {
  if (std::system("diff --version 2>/dev/null | grep -q GNU") != 0) return std::nullopt;
  testing::TempDir dir;
  testing::WriteFile(dir / "old", old_text);
  testing::WriteFile(dir / "new", new_text);
  const std::string cmd = "diff -U" + std::to_string(context) + " '" + (dir / "old").string() +
                          "' '" + (dir / "new").string() + "'";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t got = 0;
  while ((got = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, got);
  pclose(pipe);
  // Drop the "---" and "+++" header lines.
  for (int i = 0; i < 2 && !out.empty(); ++i) {
    const size_t nl = out.find('\n');
    out.erase(0, nl == std::string::npos ? out.size() : nl + 1);
  }
  return out;
}

TEST(TextDiffGnu, MatchesGnuDiffOnFixedCases) {
  if (!GnuDiff("", "", 3)) GTEST_SKIP() << "GNU diff not available";
  struct Case {
    std::string old_text, new_text;
    int context;
  };
  std::string hundred = Numbered(1, 100);
  std::string hundred_edited = hundred;
  hundred_edited.replace(hundred_edited.find("\n50\n"), 4, "\nfifty\n");
  hundred_edited.replace(hundred_edited.find("\n10\n"), 4, "\n10\nten\nTEN\n");
  hundred_edited.erase(hundred_edited.find("\n80\n"), 9);  // drop 80 and 81
  const std::vector<Case> cases = {
      {"a\nb\nc\n", "a\nB\nc\n", 3},
      {"a\nb\n", "x\na\nb\n", 3},
      {"a\nb\n", "a\nb\nc\n", 3},
      {"a\nb\n", "", 3},
      {"", "a\nb\n", 3},
      {"a\nb", "a\nb\n", 3},
      {"a\nb\n", "a\nb", 3},
      {"a\nb\nc", "a\nB\nc", 3},
      {"a\nb", "a\nc", 3},
      {Numbered(1, 20), TwentyWith({5, 12}), 3},
      {Numbered(1, 20), TwentyWith({5, 13}), 3},
      {Numbered(1, 20), TwentyWith({5, 7}), 0},
      {Numbered(1, 20), TwentyWith({1, 20}), 2},
      {Numbered(1, 20), TwentyWith({5, 8}), 1},
      {Numbered(1, 20), TwentyWith({5, 9}), 1},
      {hundred, hundred_edited, 3},
      {hundred, hundred_edited, 0},
      {hundred, hundred_edited, 10},
  };
  for (const Case& c : cases) {
    UnifiedDiffOptions options;
    options.context = c.context;
    EXPECT_EQ(UnifiedDiff(c.old_text, c.new_text, options),
              *GnuDiff(c.old_text, c.new_text, c.context))
        << "old:\n" << c.old_text << "\nnew:\n" << c.new_text;
  }
}

}  // namespace
}  // namespace jvs
