// Line-based text diff: binary detection, unified-diff hunks in GNU diff's
// format, and added/removed line counts (for --stat).
//
// Lines are compared byte for byte, including the final newline, so a last
// line without a newline differs from the same text with one (GNU diff
// behaviour). The edit script comes from Myers' O(ND) algorithm in its
// linear-space (middle snake) form, after stripping the common prefix and
// suffix and setting aside lines that occur in only one of the two texts.
// Unless `minimal` is requested, a sub-problem whose edit cost grows past a
// limit (about the square root of its size, at least a few hundred) is split
// at the furthest point reached so far: the result is then always a correct
// diff but may be slightly longer than the shortest one, and run time stays
// bounded for texts that differ almost everywhere.
//
// Thread-safety: all functions are pure (no shared or global state) and may be
// called concurrently from any number of threads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace jvs {

// True if the content should be treated as binary: a NUL byte within the first
// 8000 bytes.
bool LooksBinary(std::string_view data);

struct LineChangeCount {
  size_t added = 0;
  size_t removed = 0;
};

struct UnifiedDiffOptions {
  int context = 3;  // lines of context around each change (negative means 0)
  // Always find a shortest edit script, however long that takes (GNU diff's
  // --minimal). Off by default: the heuristic described above applies.
  bool minimal = false;
};

// The hunks of a unified diff between old_text and new_text (no ---/+++ header
// lines; the caller prints those): each hunk starts "@@ -a,b +c,d @@\n", then
// lines prefixed ' ', '-', '+'. A missing final newline on either side is shown
// with the line "\ No newline at end of file" after the affected line, as GNU
// diff does. Empty string when the texts are equal. Hunk ranges follow GNU
// diff's conventions: a range of one line is written without its count
// ("@@ -3 +3 @@"), and a zero-length range shows the line before it ("-0,0",
// "+7,0"). Within a hunk, each group of changes lists its removed lines
// before its added lines.
std::string UnifiedDiff(std::string_view old_text, std::string_view new_text,
                        const UnifiedDiffOptions& options = {});

// Number of added and removed lines (for --stat). Matches the '+' and '-'
// lines of UnifiedDiff(old_text, new_text) with default options.
LineChangeCount CountLineChanges(std::string_view old_text, std::string_view new_text);

namespace text_diff_internal {
// Exposed for tests: UnifiedDiff with an explicit edit-cost limit for each
// middle-snake search: 0 means unlimited (minimal diff), SIZE_MAX means
// automatic (what UnifiedDiff uses by default).
std::string UnifiedDiffWithCostLimit(std::string_view old_text, std::string_view new_text,
                                     int context, size_t cost_limit);
}  // namespace text_diff_internal

}  // namespace jvs
