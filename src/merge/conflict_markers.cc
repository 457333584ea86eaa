// Rendering conflicts with markers, the marker length, and the shared marker
// line rule (see jvs/merge/conflict_markers.h). Parsing is in
// conflict_markers_parse.cc.
#include "jvs/merge/conflict_markers.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "merge/conflict_marker_line.h"
#include "merge/line_diff.h"

namespace jvs {

namespace conflict_markers {

std::optional<MarkerRun> MarkerLikeRun(std::string_view line) {
  if (line.empty()) return std::nullopt;
  const char c = line[0];
  switch (c) {
    case kStart:
    case kEnd:
    case kDiff:
    case kAdd:
    case kRemove:
    case kNote:
    case kGitBase:
    case kGitSplit:
      break;
    default:
      return std::nullopt;
  }
  size_t len = 1;
  while (len < line.size() && line[len] == c) ++len;
  if (len < line.size()) {
    const char next = line[len];
    if (next != ' ' && next != '\t' && next != '\r' && next != '\n') return std::nullopt;
  }
  return MarkerRun{c, len};
}

}  // namespace conflict_markers

namespace {

namespace cm = conflict_markers;

// "\r\n" when every term that holds a newline has "\r\n" at its first one
// (and at least one term holds a newline), else "\n".
std::string_view DetectEol(const std::vector<Merge<std::string>>& hunks) {
  bool any = false;
  for (const auto& hunk : hunks) {
    for (const auto& term : hunk.terms()) {
      const size_t nl = term.find('\n');
      if (nl == std::string::npos) continue;
      if (nl == 0 || term[nl - 1] != '\r') return "\n";
      any = true;
    }
  }
  return any ? "\r\n" : "\n";
}

std::string SideLabel(size_t i) { return "side #" + std::to_string(i + 1); }
std::string BaseLabel(size_t i, size_t num_bases) {
  return num_bases == 1 ? std::string("base") : "base #" + std::to_string(i + 1);
}

// Appends the marker lines and sections of one file to `out`.
class Writer {
 public:
  Writer(std::string& out, std::string_view eol, size_t marker_len)
      : out_(out), eol_(eol), marker_len_(marker_len) {}

  void Marker(char c, std::string_view label) {
    out_.append(marker_len_, c);
    if (!label.empty()) {
      out_ += ' ';
      out_ += label;
    }
    out_ += eol_;
  }

  // A term in full; a last line without newline gets one and a note.
  void Raw(std::string_view term) {
    out_ += term;
    if (!term.empty() && term.back() != '\n') NoNewline();
  }

  // One line of a diff section.
  void DiffLine(char prefix, std::string_view line) {
    out_ += prefix;
    out_ += line;
    if (line.back() != '\n') NoNewline();
  }

 private:
  void NoNewline() {
    out_ += eol_;
    Marker(cm::kNote, cm::kNoNewlineNote);
  }

  std::string& out_;
  std::string_view eol_;
  size_t marker_len_;
};

size_t DiffCost(const line_diff::LineDiff& d) {
  size_t cost = 0;
  for (size_t i = 0; i < d.old_lines.size(); ++i)
    if (d.removed[i] != 0) cost += d.old_lines[i].size();
  for (size_t j = 0; j < d.new_lines.size(); ++j)
    if (d.added[j] != 0) cost += d.new_lines[j].size();
  return cost;
}

// The lines of a diff section: the base's removed lines ('-'), then the
// side's added lines ('+'), then the next common line (' '), in order.
void WriteDiff(Writer& w, const line_diff::LineDiff& d) {
  const size_t n = d.old_lines.size();
  const size_t m = d.new_lines.size();
  size_t i = 0;
  size_t j = 0;
  while (i < n || j < m) {
    while (i < n && d.removed[i] != 0) w.DiffLine('-', d.old_lines[i++]);
    while (j < m && d.added[j] != 0) w.DiffLine('+', d.new_lines[j++]);
    if (i < n && j < m) {
      w.DiffLine(' ', d.old_lines[i]);
      ++i;
      ++j;
    } else {
      // A consistent diff leaves no unmatched line; write any leftover as a
      // change so the section still reproduces both terms.
      while (i < n) w.DiffLine('-', d.old_lines[i++]);
      while (j < m) w.DiffLine('+', d.new_lines[j++]);
    }
  }
}

// Diff style: with sides a0..an and bases r0..r(n-1), one side s is written in
// full and each base is shown as a diff to a neighbouring side: r_i to a_i
// for i < s, r_i to a_(i+1) for i >= s. s is chosen so that the diffs are
// smallest in bytes (ties: the later s, so a two-sided conflict whose sides
// changed equally shows side 1 as a diff and side 2 in full).
void WriteDiffStyle(Writer& w, const Merge<std::string>& hunk) {
  const size_t n = hunk.num_sides() - 1;  // number of bases
  using line_diff::ComputeLineDiff;
  std::vector<line_diff::LineDiff> to_same, to_next;  // r_i -> a_i, r_i -> a_(i+1)
  to_same.reserve(n);
  to_next.reserve(n);
  std::vector<size_t> cost_same(n), cost_next(n);
  for (size_t i = 0; i < n; ++i) {
    to_same.push_back(
        ComputeLineDiff(hunk.remove(i), hunk.add(i), line_diff::kAutoCostLimit));
    to_next.push_back(
        ComputeLineDiff(hunk.remove(i), hunk.add(i + 1), line_diff::kAutoCostLimit));
    cost_same[i] = DiffCost(to_same[i]);
    cost_next[i] = DiffCost(to_next[i]);
  }
  // total(s) = sum_{i<s} cost_same[i] + sum_{i>=s} cost_next[i].
  size_t total = 0;
  for (size_t i = 0; i < n; ++i) total += cost_next[i];
  size_t best = total;
  size_t best_s = 0;
  for (size_t s = 1; s <= n; ++s) {
    total = total - cost_next[s - 1] + cost_same[s - 1];
    if (total <= best) {
      best = total;
      best_s = s;
    }
  }
  for (size_t k = 0; k <= n; ++k) {
    if (k == best_s) {
      w.Marker(cm::kAdd, SideLabel(k));
      w.Raw(hunk.add(k));
      continue;
    }
    const size_t base = k < best_s ? k : k - 1;
    w.Marker(cm::kDiff, "diff from " + BaseLabel(base, n) + " to " + SideLabel(k));
    WriteDiff(w, k < best_s ? to_same[base] : to_next[base]);
  }
}

void WriteSnapshotStyle(Writer& w, const Merge<std::string>& hunk) {
  const size_t n = hunk.num_sides() - 1;
  w.Marker(cm::kAdd, SideLabel(0));
  w.Raw(hunk.add(0));
  for (size_t i = 0; i < n; ++i) {
    w.Marker(cm::kRemove, BaseLabel(i, n));
    w.Raw(hunk.remove(i));
    w.Marker(cm::kAdd, SideLabel(i + 1));
    w.Raw(hunk.add(i + 1));
  }
}

}  // namespace

std::string_view ConflictStyleName(ConflictStyle style) {
  switch (style) {
    case ConflictStyle::kDiff:
      return "diff";
    case ConflictStyle::kSnapshot:
      return "snapshot";
    case ConflictStyle::kGit:
      return "git";
  }
  return "diff";
}

std::optional<ConflictStyle> ConflictStyleFromName(std::string_view name) {
  if (name == "diff") return ConflictStyle::kDiff;
  if (name == "snapshot") return ConflictStyle::kSnapshot;
  if (name == "git") return ConflictStyle::kGit;
  return std::nullopt;
}

size_t ChooseMarkerLength(const std::vector<Merge<std::string>>& hunks) {
  size_t longest = 0;
  for (const auto& hunk : hunks) {
    for (const auto& term : hunk.terms()) {
      std::string_view text = term;
      for (size_t pos = 0; pos < text.size();) {
        const std::string_view line = cm::LineAt(text, pos);
        if (auto run = cm::MarkerLikeRun(line)) longest = std::max(longest, run->len);
        pos += line.size();
      }
    }
  }
  return std::max(kMinConflictMarkerLength, longest + 2);
}

std::string RenderConflicts(const std::vector<Merge<std::string>>& hunks, ConflictStyle style,
                            size_t marker_len) {
  const std::string_view eol = DetectEol(hunks);
  const size_t num_conflicts = static_cast<size_t>(std::count_if(
      hunks.begin(), hunks.end(), [](const auto& h) { return !h.is_resolved(); }));
  std::string out;
  Writer w(out, eol, std::max<size_t>(marker_len, 1));
  size_t index = 0;
  for (const auto& hunk : hunks) {
    if (hunk.is_resolved()) {
      out += hunk.terms()[0];
      continue;
    }
    ++index;
    const std::string title =
        "conflict " + std::to_string(index) + " of " + std::to_string(num_conflicts);
    if (style == ConflictStyle::kGit && hunk.num_sides() == 2) {
      w.Marker(cm::kStart, SideLabel(0));
      w.Raw(hunk.add(0));
      w.Marker(cm::kGitBase, BaseLabel(0, 1));
      w.Raw(hunk.remove(0));
      w.Marker(cm::kGitSplit, "");
      w.Raw(hunk.add(1));
      w.Marker(cm::kEnd, SideLabel(1));
      continue;
    }
    if (style == ConflictStyle::kGit) {
      w.Marker(cm::kStart, title + " (" + std::to_string(hunk.num_sides()) +
                               " sides: snapshot style, git style shows two)");
    } else {
      w.Marker(cm::kStart, title);
    }
    if (style == ConflictStyle::kDiff) {
      WriteDiffStyle(w, hunk);
    } else {
      WriteSnapshotStyle(w, hunk);
    }
    w.Marker(cm::kEnd, title + " ends");
  }
  return out;
}

}  // namespace jvs
