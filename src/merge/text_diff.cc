// Unified-diff hunks in GNU diff's format and line counts, on top of the line
// diff of line_diff.h.
#include "jvs/merge/text_diff.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "merge/line_diff.h"

namespace jvs {
namespace {

using line_diff::ComputeLineDiff;
using line_diff::kAutoCostLimit;
using line_diff::LineDiff;

void AppendRange(std::string& out, size_t start, size_t count) {
  // GNU diff: an empty range names the line before it; a one-line range
  // omits its count.
  if (count == 0) {
    out += std::to_string(start);
    out += ",0";
  } else if (count == 1) {
    out += std::to_string(start + 1);
  } else {
    out += std::to_string(start + 1);
    out += ',';
    out += std::to_string(count);
  }
}

void AppendLine(std::string& out, char prefix, std::string_view line) {
  out += prefix;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

std::string FormatHunks(const LineDiff& d, size_t context) {
  struct Group {
    size_t i0, i1;  // removed old lines [i0, i1)
    size_t j0, j1;  // added new lines [j0, j1)
  };
  const size_t n = d.old_lines.size();
  const size_t m = d.new_lines.size();
  std::vector<Group> groups;
  size_t i = 0;
  size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && d.removed[i] == 0 && d.added[j] == 0) {
      ++i;
      ++j;
      continue;
    }
    Group g{i, i, j, j};
    while (g.i1 < n && d.removed[g.i1] != 0) ++g.i1;
    while (g.j1 < m && d.added[g.j1] != 0) ++g.j1;
    groups.push_back(g);
    i = g.i1;
    j = g.j1;
  }

  std::string out;
  size_t first = 0;
  while (first < groups.size()) {
    size_t last = first;
    while (last + 1 < groups.size() && groups[last + 1].i0 - groups[last].i1 <= 2 * context) {
      ++last;
    }
    const size_t lead = std::min(context, groups[first].i0);
    const size_t old_start = groups[first].i0 - lead;
    const size_t new_start = groups[first].j0 - lead;
    const size_t trail = std::min(context, n - groups[last].i1);
    const size_t old_end = groups[last].i1 + trail;
    const size_t new_end = groups[last].j1 + trail;

    out += "@@ -";
    AppendRange(out, old_start, old_end - old_start);
    out += " +";
    AppendRange(out, new_start, new_end - new_start);
    out += " @@\n";

    size_t oi = old_start;
    for (size_t g = first; g <= last; ++g) {
      for (; oi < groups[g].i0; ++oi) AppendLine(out, ' ', d.old_lines[oi]);
      for (; oi < groups[g].i1; ++oi) AppendLine(out, '-', d.old_lines[oi]);
      for (size_t nj = groups[g].j0; nj < groups[g].j1; ++nj) {
        AppendLine(out, '+', d.new_lines[nj]);
      }
    }
    for (; oi < old_end; ++oi) AppendLine(out, ' ', d.old_lines[oi]);
    first = last + 1;
  }
  return out;
}

}  // namespace

bool LooksBinary(std::string_view data) {
  const size_t len = std::min<size_t>(data.size(), 8000);
  return len != 0 && std::memchr(data.data(), '\0', len) != nullptr;
}

std::string UnifiedDiff(std::string_view old_text, std::string_view new_text,
                        const UnifiedDiffOptions& options) {
  return text_diff_internal::UnifiedDiffWithCostLimit(old_text, new_text, options.context,
                                                      options.minimal ? 0 : kAutoCostLimit);
}

LineChangeCount CountLineChanges(std::string_view old_text, std::string_view new_text) {
  const LineDiff d = ComputeLineDiff(old_text, new_text, kAutoCostLimit);
  LineChangeCount count;
  count.removed = static_cast<size_t>(std::count(d.removed.begin(), d.removed.end(), 1));
  count.added = static_cast<size_t>(std::count(d.added.begin(), d.added.end(), 1));
  return count;
}

namespace text_diff_internal {

std::string UnifiedDiffWithCostLimit(std::string_view old_text, std::string_view new_text,
                                     int context, size_t cost_limit) {
  if (old_text == new_text) return {};
  const LineDiff d = ComputeLineDiff(old_text, new_text, cost_limit);
  return FormatHunks(d, static_cast<size_t>(std::max(context, 0)));
}

}  // namespace text_diff_internal

}  // namespace jvs

