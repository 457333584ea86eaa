#include "graph.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <unordered_set>

namespace jvs::cli {

const GraphGlyphs kUnicodeGlyphs{"│", "─", "├", "╯", "┴", "╮", "┬", "┼"};
const GraphGlyphs kAsciiGlyphs{"|", "-", "|", "'", "'", ".", ".", "+"};

const GraphGlyphs& GlyphsForLocale(const char* lc_all, const char* lc_ctype, const char* lang) {
  const char* locale = nullptr;
  for (const char* v : {lc_all, lc_ctype, lang}) {
    if (v && *v) {
      locale = v;
      break;
    }
  }
  if (!locale) return kAsciiGlyphs;
  std::string l;
  for (const char* p = locale; *p; ++p)
    if (*p != '-') l += static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
  return l.find("utf8") != std::string::npos ? kUnicodeGlyphs : kAsciiGlyphs;
}

namespace {

using Columns = std::vector<std::optional<std::string>>;

void TrimColumns(Columns* cols) {
  while (!cols->empty() && !cols->back()) cols->pop_back();
}

void RightTrim(std::string* s) {
  while (!s->empty() && s->back() == ' ') s->pop_back();
}

// A connector row in which the columns `ends` (all right of `c`) join or
// leave column `c` along one horizontal edge.
std::string ConnectorRow(const Columns& cols, size_t c, const std::vector<size_t>& ends,
                         const char* end_glyph, const char* mid_glyph, const GraphGlyphs& g) {
  const size_t last = ends.back();
  std::string row;
  for (size_t j = 0; j < std::max(cols.size(), last + 1); ++j) {
    bool active = j < cols.size() && cols[j].has_value();
    if (j < c || j > last) {
      row += active ? g.vertical : " ";
      row += " ";
    } else if (j == c) {
      row += g.branch;
      row += g.horizontal;
    } else if (std::find(ends.begin(), ends.end(), j) != ends.end()) {
      row += j == last ? end_glyph : mid_glyph;
      row += j == last ? " " : g.horizontal;
    } else {
      row += active ? g.cross : g.horizontal;
      row += g.horizontal;
    }
  }
  RightTrim(&row);
  return row;
}

size_t FreeSlot(Columns* cols, size_t from) {
  for (size_t j = from; j < cols->size(); ++j)
    if (!(*cols)[j]) return j;
  cols->emplace_back();
  return cols->size() - 1;
}

}  // namespace

std::vector<GraphRow> LayoutGraph(const std::vector<GraphNode>& nodes, const GraphGlyphs& g) {
  std::unordered_set<std::string> present;
  for (const auto& n : nodes) present.insert(n.id);
  std::vector<GraphRow> rows;
  Columns cols;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const GraphNode& n = nodes[i];
    std::vector<size_t> targets;  // columns whose edge ends at this node
    for (size_t j = 0; j < cols.size(); ++j)
      if (cols[j] == n.id) targets.push_back(j);
    size_t c = targets.empty() ? FreeSlot(&cols, 0) : targets[0];
    if (targets.size() > 1) {
      std::vector<size_t> ends(targets.begin() + 1, targets.end());
      rows.push_back({ConnectorRow(cols, c, ends, g.join_end, g.join_mid, g), -1});
      for (size_t j : ends) cols[j].reset();
    }
    cols[c] = n.id;  // occupied while the row is drawn
    // Trailing empty columns are left out; the text follows the last column.
    size_t width_cols = cols.size();
    while (width_cols > c + 1 && !cols[width_cols - 1]) --width_cols;
    std::string row;
    for (size_t j = 0; j < width_cols; ++j) {
      if (j == c)
        row += n.glyph;
      else
        row += cols[j] ? g.vertical : " ";
      row += ' ';
    }
    rows.push_back({row, static_cast<int>(i)});
    // The edges to the parents shown.
    std::vector<std::string> parents;
    for (const auto& p : n.parents)
      if (present.count(p) && std::find(parents.begin(), parents.end(), p) == parents.end())
        parents.push_back(p);
    if (parents.empty()) {
      if (!n.parents.empty()) {
        // Its parents are not shown (filtered or limited): say so with '~'.
        std::string elided;
        for (size_t j = 0; j < cols.size(); ++j) {
          elided += j == c ? "~" : cols[j] ? g.vertical : " ";
          elided += ' ';
        }
        RightTrim(&elided);
        rows.push_back({elided, -1});
      }
      cols[c].reset();
    } else {
      cols[c] = parents[0];
      std::vector<size_t> opened;
      for (size_t k = 1; k < parents.size(); ++k) {
        size_t d = FreeSlot(&cols, c + 1);
        cols[d] = parents[k];
        opened.push_back(d);
      }
      if (!opened.empty()) {
        std::sort(opened.begin(), opened.end());
        // Draw the new columns as not yet active, so the edge is not crossed.
        Columns before = cols;
        for (size_t d : opened) before[d].reset();
        rows.push_back({ConnectorRow(before, c, opened, g.fork_end, g.fork_mid, g), -1});
      }
    }
    TrimColumns(&cols);
  }
  return rows;
}

}  // namespace jvs::cli
