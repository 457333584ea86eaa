// Parsing conflict markers back into hunks (see jvs/merge/conflict_markers.h
// and docs/formats.md, "Conflict markers"). A conflict runs from a start
// marker to the next end marker; a later start marker before the end makes
// the earlier one plain text. Its body is read in the style its first line
// names: a '%', '+' or '-' marker starts the jvs styles (diff, snapshot), a
// '|' marker or a content line starts git's diff3 form. Anything else, or a
// body that does not give num_sides sides, leaves the lines as plain text.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/merge/conflict_markers.h"
#include "merge/conflict_marker_line.h"

namespace jvs {
namespace {

namespace cm = conflict_markers;

// The line ending a note line stands for: the one it ends with itself.
std::string_view NoteEol(std::string_view note_line) {
  return note_line.size() >= 2 && note_line.substr(note_line.size() - 2) == "\r\n"
             ? std::string_view("\r\n")
             : std::string_view("\n");
}

// Takes the line ending that rendering added back off `term` (a note whose
// term does not end with it was edited by hand and changes nothing).
void StripEol(std::string& term, std::string_view eol) {
  if (term.size() >= eol.size() && std::string_view(term).substr(term.size() - eol.size()) == eol)
    term.resize(term.size() - eol.size());
}

// Interleaves removes and adds into terms (add0, remove0, add1, ...).
std::vector<std::string> Interleave(std::vector<std::string>& removes,
                                    std::vector<std::string>& adds) {
  std::vector<std::string> terms;
  terms.reserve(adds.size() + removes.size());
  for (size_t i = 0; i < adds.size(); ++i) {
    terms.push_back(std::move(adds[i]));
    if (i < removes.size()) terms.push_back(std::move(removes[i]));
  }
  return terms;
}

// The jvs styles: '%' sections give a base and a side, '+' sections a side,
// '-' sections a base; sides and bases keep their order of appearance.
std::optional<std::vector<std::string>> ParseJvsBody(std::string_view body, size_t marker_len) {
  enum class State { kNone, kDiff, kRemove, kAdd };
  // Which terms the previous content line went to (a note strips them).
  constexpr int kToRemove = 1;
  constexpr int kToAdd = 2;
  State state = State::kNone;
  int last = 0;
  std::vector<std::string> removes, adds;
  for (size_t pos = 0; pos < body.size();) {
    const std::string_view line = cm::LineAt(body, pos);
    pos += line.size();
    if (auto marker = cm::MarkerOf(line, marker_len)) {
      if (*marker == cm::kNote) {
        if ((last & kToRemove) != 0) StripEol(removes.back(), NoteEol(line));
        if ((last & kToAdd) != 0) StripEol(adds.back(), NoteEol(line));
        last = 0;
        continue;
      }
      last = 0;
      if (*marker == cm::kDiff) {
        removes.emplace_back();
        adds.emplace_back();
        state = State::kDiff;
      } else if (*marker == cm::kRemove) {
        removes.emplace_back();
        state = State::kRemove;
      } else if (*marker == cm::kAdd) {
        adds.emplace_back();
        state = State::kAdd;
      } else {
        return std::nullopt;  // a git-style marker in a jvs-style body
      }
      continue;
    }
    switch (state) {
      case State::kNone:
        return std::nullopt;
      case State::kRemove:
        removes.back() += line;
        last = kToRemove;
        break;
      case State::kAdd:
        adds.back() += line;
        last = kToAdd;
        break;
      case State::kDiff: {
        const char prefix = line[0];
        if (prefix == '-') {
          removes.back() += line.substr(1);
          last = kToRemove;
        } else if (prefix == '+') {
          adds.back() += line.substr(1);
          last = kToAdd;
        } else if (prefix == ' ') {
          removes.back() += line.substr(1);
          adds.back() += line.substr(1);
          last = kToRemove | kToAdd;
        } else if (line == "\n" || line == "\r\n") {
          // An editor that strips trailing blanks turns " \n" into "\n".
          removes.back() += line;
          adds.back() += line;
          last = kToRemove | kToAdd;
        } else {
          return std::nullopt;
        }
        break;
      }
    }
  }
  if (adds.size() != removes.size() + 1) return std::nullopt;
  return Interleave(removes, adds);
}

// Git's diff3 form: side 1, then a '|' marker and the base, then a '='
// marker and side 2.
std::optional<std::vector<std::string>> ParseGitBody(std::string_view body, size_t marker_len) {
  std::string sections[3];  // side 1, base, side 2
  size_t state = 0;
  bool last = false;  // the previous line was content (a note strips it)
  for (size_t pos = 0; pos < body.size();) {
    const std::string_view line = cm::LineAt(body, pos);
    pos += line.size();
    if (auto marker = cm::MarkerOf(line, marker_len)) {
      if (*marker == cm::kNote) {
        if (last) StripEol(sections[state], NoteEol(line));
      } else if (*marker == cm::kGitBase && state == 0) {
        state = 1;
      } else if (*marker == cm::kGitSplit && state == 1) {
        state = 2;
      } else {
        return std::nullopt;
      }
      last = false;
      continue;
    }
    sections[state] += line;
    last = true;
  }
  if (state != 2) return std::nullopt;
  return std::vector<std::string>{std::move(sections[0]), std::move(sections[1]),
                                  std::move(sections[2])};
}

// The terms of a conflict body (between its start and end marker lines).
std::optional<std::vector<std::string>> ParseBody(std::string_view body, size_t marker_len) {
  const auto first = cm::MarkerOf(cm::LineAt(body, 0), marker_len);
  if (!first || *first == cm::kGitBase) return ParseGitBody(body, marker_len);
  if (*first == cm::kDiff || *first == cm::kAdd || *first == cm::kRemove)
    return ParseJvsBody(body, marker_len);
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<Merge<std::string>>> ParseConflicts(std::string_view text,
                                                               size_t num_sides,
                                                               size_t marker_len) {
  if (num_sides < 2) return std::nullopt;  // one side is no conflict
  if (marker_len == 0) marker_len = 1;
  std::vector<Merge<std::string>> hunks;
  constexpr size_t kNone = std::string_view::npos;
  size_t resolved_start = 0;  // where the text not yet in a hunk begins
  size_t start_line = kNone;  // the open start marker line, if any
  size_t body_start = 0;
  for (size_t pos = 0; pos < text.size();) {
    const std::string_view line = cm::LineAt(text, pos);
    const size_t next = pos + line.size();
    const auto marker = cm::MarkerOf(line, marker_len);
    if (marker == cm::kStart) {
      start_line = pos;
      body_start = next;
    } else if (marker == cm::kEnd && start_line != kNone) {
      auto terms = ParseBody(text.substr(body_start, pos - body_start), marker_len);
      if (terms && terms->size() == 2 * num_sides - 1) {
        if (start_line > resolved_start)
          hunks.emplace_back(std::string(text.substr(resolved_start, start_line - resolved_start)));
        hunks.push_back(Merge<std::string>::FromTerms(std::move(*terms)));
        resolved_start = next;
      }
      start_line = kNone;
    }
    pos = next;
  }
  if (hunks.empty()) return std::nullopt;
  if (resolved_start < text.size()) hunks.emplace_back(std::string(text.substr(resolved_start)));
  return hunks;
}

}  // namespace jvs
