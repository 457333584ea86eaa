// The line diff behind UnifiedDiff and CountLineChanges: which lines of the
// old text are removed and which lines of the new text are added (Myers'
// O(ND) algorithm, linear space, with a cost limit; see jvs/merge/text_diff.h).
// Private to src/merge. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace jvs::line_diff {

// Each line keeps its terminating '\n' when it has one, so that a final line
// without a newline never compares equal to the same text with one.
using Lines = std::vector<std::string_view>;

constexpr size_t kAutoCostLimit = std::numeric_limits<size_t>::max();

struct LineDiff {
  Lines old_lines;
  Lines new_lines;
  std::vector<uint8_t> removed;  // per old line
  std::vector<uint8_t> added;    // per new line
};

// The lines of `text`, each a view into it that keeps its '\n' (the last one
// may lack it); consecutive views are adjacent in `text`.
Lines SplitLines(std::string_view text);

// Slides each group of changed lines of one file over equal neighbouring
// lines (the diff stays valid) to join neighbouring groups and, where there is
// a choice, to line a group up with a group of changes in the other file.
// `changed` is per line of `lines`; `other_changed` per line of the other file.
void CompactGroups(const Lines& lines, std::vector<uint8_t>& changed,
                   const std::vector<uint8_t>& other_changed);

// cost_limit: 0 = minimal, kAutoCostLimit = chosen from the input size.
LineDiff ComputeLineDiff(std::string_view old_text, std::string_view new_text, size_t cost_limit);

}  // namespace jvs::line_diff
