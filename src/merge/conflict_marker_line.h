// The pieces of the conflict-marker format that rendering and parsing share
// (see jvs/merge/conflict_markers.h and docs/formats.md, "Conflict markers"):
// which characters make markers, what counts as a marker line, and the note
// that follows a line which had no newline. Private to src/merge. Pure
// functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace jvs::conflict_markers {

// The characters a marker line is made of.
inline constexpr char kStart = '<';      // a conflict begins
inline constexpr char kEnd = '>';        // a conflict ends
inline constexpr char kDiff = '%';       // a base and a side, as a diff
inline constexpr char kAdd = '+';        // a side in full
inline constexpr char kRemove = '-';     // a base in full
inline constexpr char kNote = '\\';      // the line above had no newline
inline constexpr char kGitBase = '|';    // git style: the base follows
inline constexpr char kGitSplit = '=';   // git style: side 2 follows

// The label of a note line (parsing ignores it).
inline constexpr std::string_view kNoNewlineNote = "no newline after the line above";

struct MarkerRun {
  char c;
  size_t len;
};

// A marker-like line: a run of one marker character, then the end of the line
// or a space, tab, CR or LF. Returns the character and the run's length, or
// nullopt when the line is not marker-like.
std::optional<MarkerRun> MarkerLikeRun(std::string_view line);

// The marker character of `line` when it is a marker line of at least
// `marker_len` characters, else nullopt.
inline std::optional<char> MarkerOf(std::string_view line, size_t marker_len) {
  auto run = MarkerLikeRun(line);
  if (!run || run->len < marker_len) return std::nullopt;
  return run->c;
}

// The line of `text` that starts at `pos`, with its '\n' when it has one.
inline std::string_view LineAt(std::string_view text, size_t pos) {
  const size_t nl = text.find('\n', pos);
  return text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos + 1);
}

}  // namespace jvs::conflict_markers
