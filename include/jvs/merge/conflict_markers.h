// Conflict markers: how a conflicted text file is written into the working
// copy, and how the file the user edited is read back into hunks.
//
// A file is a sequence of hunks (`Merge<std::string>`): a resolved hunk has
// one term and is written as it is; a conflicted hunk (2k+1 terms: side 1,
// base 1, side 2, ...) is written between marker lines:
//
//   <<<<<<< conflict 1 of 2
//   %%%%%%% diff from base to side #1
//    unchanged line
//   -line as in the base
//   +line as on side 1
//   +++++++ side #2
//   line as on side 2
//   >>>>>>> conflict 1 of 2 ends
//
// A marker line is one character repeated marker_len times (7 unless the
// content already holds such lines, see ChooseMarkerLength), then optionally a
// space and a label, then the file's line ending. A term whose last line has
// no newline gets one, followed by a "\\\\\\\ no newline after the line above"
// note line that parsing takes away again, so every term comes back byte for
// byte. docs/formats.md ("Conflict markers") pins the format exactly.
//
// Precondition for rendering: the text before each conflicted hunk ends with
// '\n' or is empty (hunks are whole lines; only the file's last line may lack
// one), else its start marker would not begin a line. The terms of a
// conflicted hunk may lack a final newline anywhere. Parsing takes any text.
//
// All functions are pure (no shared state) and may be called concurrently.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/merge/merge.h"

namespace jvs {

enum class ConflictStyle {
  // Each base shown as a diff to the side it matches best ("%%%%%%%"), the
  // remaining side as a snapshot ("+++++++"). The default.
  kDiff,
  // Every side ("+++++++") and every base ("-------") in full.
  kSnapshot,
  // Git's diff3 form (<<<<<<< side #1, ||||||| base, =======, >>>>>>> side #2)
  // for tools that know only that; a conflict of more than two sides falls
  // back to kSnapshot and says so on its first marker line.
  kGit,
};

// The configuration name of a style ("diff", "snapshot", "git") and back.
std::string_view ConflictStyleName(ConflictStyle style);
std::optional<ConflictStyle> ConflictStyleFromName(std::string_view name);

// The shortest marker length.
inline constexpr size_t kMinConflictMarkerLength = 7;

// The marker length that keeps every line of every term distinct from a
// marker: 7, or the longest marker-like run in any term plus 2 (one because a
// diff section prefixes each line with a character that may extend the run,
// one to be longer), whichever is more. A marker-like line starts with a run
// of one of the characters < > = | % + - \ followed by the end of the line or
// an ASCII whitespace character; its run is the length of that run.
size_t ChooseMarkerLength(const std::vector<Merge<std::string>>& hunks);

// The file's text: resolved hunks as they are, each conflicted hunk between
// markers of `marker_len` characters (at least kMinConflictMarkerLength; pass
// ChooseMarkerLength(hunks) for a text that parses back). Marker lines end
// with "\r\n" when the content's lines do (every term that holds a newline has
// "\r\n" at its first one), else with "\n".
std::string RenderConflicts(const std::vector<Merge<std::string>>& hunks, ConflictStyle style,
                            size_t marker_len);

// Reads conflicts back from `text` (any of the three styles): markers at least
// `marker_len` long; a conflict must have exactly `num_sides` sides, otherwise
// (or when its sections do not parse) its lines count as plain text. Text
// outside conflicts becomes resolved hunks (never empty ones). Returns nullopt
// when no valid conflict remains: the file is resolved.
//
// Round trip: for hunks whose conflicts all have num_sides sides,
// ParseConflicts(RenderConflicts(h, style, ChooseMarkerLength(h)), num_sides,
// ChooseMarkerLength(h)) == h once adjacent resolved hunks of h are joined and
// empty ones dropped.
std::optional<std::vector<Merge<std::string>>> ParseConflicts(std::string_view text,
                                                               size_t num_sides,
                                                               size_t marker_len);

}  // namespace jvs
