// The layout of `history --all` as a graph of lines, like `git log --graph`
// and Jujutsu: nodes newest first, one column per line of history that is
// still open, an edge from each node to its parents below it.
//
//   @ 3f2a9c01 main ...        '@': the current worktree's head, 'o': others
//   │ o 9b1e22aa exp ...       '│': an edge passing by
//   ├─╯                        two lines meet at their common parent
//   o 77aa0312 main ...
//
// Merges (several parents) open a new column to the right ("├─╮"). A node
// none of whose parents is shown (filtered out, or beyond a limit) is
// followed by a '~' row, as in Jujutsu. Each column is two characters wide;
// the text of a node follows its row. Pure function.
#pragma once

#include <string>
#include <vector>

namespace jvs::cli {

struct GraphNode {
  std::string id;
  std::vector<std::string> parents;  // first parent first
  char glyph = 'o';                  // '@' for the current head
};

struct GraphGlyphs {
  const char* vertical;    // │
  const char* horizontal;  // ─
  const char* branch;      // ├  (an edge leaves or joins a column on the left)
  const char* join_end;    // ╯  (the rightmost edge joining to the left)
  const char* join_mid;    // ┴  (another edge joining on the way)
  const char* fork_end;    // ╮  (a new column opened by a merge)
  const char* fork_mid;    // ┬
  const char* cross;       // ┼  (a horizontal edge over a vertical one)
};
extern const GraphGlyphs kUnicodeGlyphs;
extern const GraphGlyphs kAsciiGlyphs;  // | - | ' ' . . +

// Box-drawing glyphs when the locale's character set is UTF-8 (the first of
// LC_ALL, LC_CTYPE, LANG that is set and not empty names it), ASCII otherwise.
// Null arguments are unset variables.
const GraphGlyphs& GlyphsForLocale(const char* lc_all, const char* lc_ctype, const char* lang);

struct GraphRow {
  std::string prefix;  // the graph part (right-trimmed for connector rows)
  int node = -1;       // index into the nodes for a node's row; -1 for a connector row
};

// One row per node (in the given order) plus connector rows where lines meet
// or split. `nodes` must be ordered children before parents.
std::vector<GraphRow> LayoutGraph(const std::vector<GraphNode>& nodes, const GraphGlyphs& glyphs);

}  // namespace jvs::cli
