// Histogram line diff: the diff behind the text merge (jvs/merge/text_merge.h).
//
// After stripping the common prefix and suffix of a region, the lines of the
// old side are counted; the common run of lines whose rarest line occurs the
// fewest times in the old side (ties: the longest run) becomes an anchor, and
// the regions before and after it are diffed the same way (an explicit work
// stack, no recursion). A region with no common line is all changed; a
// region whose common lines all occur more than kMaxOccurrences times, or a
// diff whose total scanning work exceeds a budget linear in the input, is
// finished by the Myers diff of line_diff.h (bounded by its cost limit). The
// groups of changes are then slid as line_diff does (CompactGroups), so that
// equal inputs give the same groups whichever diff found them.
//
// Cost: every line is hashed once; lines are compared by id (hash and bytes
// checked once, when interned). With few scattered edits each level of the
// split costs O(lines of the region) and the regions shrink like quicksort's,
// so a 50 MB file with 1,000 edits takes a few tens of passes over the ids.
//
// Private to src/merge. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "merge/line_diff.h"

namespace jvs::histogram_diff {

// Lines occurring more often than this in a region are never anchors.
constexpr uint32_t kMaxOccurrences = 64;

struct Changes {
  std::vector<uint8_t> removed;  // per old line: 1 if not matched
  std::vector<uint8_t> added;    // per new line: 1 if not matched
};

// The diff of two texts split by line_diff::SplitLines (each list is a run of
// adjacent views into one text, as SplitLines makes them).
Changes DiffLines(const line_diff::Lines& old_lines, const line_diff::Lines& new_lines);

// The same from the texts (for tests and small callers).
line_diff::LineDiff ComputeHistogramDiff(std::string_view old_text, std::string_view new_text);

}  // namespace jvs::histogram_diff
