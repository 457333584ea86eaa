// Conflict markers (jvs/merge/conflict_markers.h), both directions. The
// first byte picks the mode, the number of sides (2-4) and the marker length
// (7-10); the rest is the input.
//  - parse: the rest is a working-copy file. Parsing never crashes; what it
//    accepts is well formed (no empty or adjacent resolved hunks, every
//    conflict has the asked number of sides, the text before a conflict ends
//    a line) and renders, in every style, to a text that parses back to the
//    same hunks.
//  - render: the rest, cut at NUL bytes, gives the terms of hunks (one piece
//    for a resolved hunk, 2n-1 for a conflict). Rendering and parsing back
//    gives the same hunks (adjacent resolved hunks joined, empty ones dropped).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "jvs/merge/conflict_markers.h"

namespace {

using Hunks = std::vector<jvs::Merge<std::string>>;
constexpr jvs::ConflictStyle kStyles[] = {jvs::ConflictStyle::kDiff,
                                          jvs::ConflictStyle::kSnapshot,
                                          jvs::ConflictStyle::kGit};

Hunks Normalize(const Hunks& hunks) {
  Hunks out;
  for (const auto& h : hunks) {
    if (h.is_resolved()) {
      if (h.terms()[0].empty()) continue;
      if (!out.empty() && out.back().is_resolved()) {
        out.back() = jvs::Merge<std::string>(out.back().terms()[0] + h.terms()[0]);
        continue;
      }
    }
    out.push_back(h);
  }
  return out;
}

void CheckRoundTrip(const Hunks& hunks, size_t num_sides) {
  const size_t len = jvs::ChooseMarkerLength(hunks);
  FUZZ_CHECK(len >= jvs::kMinConflictMarkerLength);
  const Hunks want = Normalize(hunks);
  for (auto style : kStyles) {
    const std::string text = jvs::RenderConflicts(hunks, style, len);
    auto again = jvs::ParseConflicts(text, num_sides, len);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(*again == want);
  }
}

void ParseMode(std::string_view text, size_t num_sides, size_t marker_len) {
  auto hunks = jvs::ParseConflicts(text, num_sides, marker_len);
  if (!hunks) return;
  FUZZ_CHECK(!hunks->empty());
  bool any_conflict = false;
  std::string resolved_before;  // the text of the resolved hunk before, if any
  for (size_t i = 0; i < hunks->size(); ++i) {
    const auto& h = (*hunks)[i];
    if (h.is_resolved()) {
      FUZZ_CHECK(!h.terms()[0].empty());
      FUZZ_CHECK(i == 0 || !(*hunks)[i - 1].is_resolved());
      resolved_before = h.terms()[0];
      continue;
    }
    any_conflict = true;
    FUZZ_CHECK(h.num_sides() == num_sides);
    FUZZ_CHECK(resolved_before.empty() || resolved_before.back() == '\n');
    resolved_before.clear();
  }
  FUZZ_CHECK(any_conflict);
  CheckRoundTrip(*hunks, num_sides);
}

void RenderMode(std::string_view rest, size_t num_sides) {
  std::vector<std::string> pieces;
  size_t pos = 0;
  while (pos <= rest.size()) {
    const size_t nul = rest.find('\0', pos);
    const size_t end = nul == std::string_view::npos ? rest.size() : nul;
    pieces.emplace_back(rest.substr(pos, end - pos));
    pos = end + 1;
  }
  Hunks hunks;
  bool conflict = false;  // alternate, starting with a resolved hunk
  for (size_t i = 0; i < pieces.size();) {
    if (conflict && pieces.size() - i >= 2 * num_sides - 1) {
      std::vector<std::string> terms(pieces.begin() + static_cast<std::ptrdiff_t>(i),
                                     pieces.begin() + static_cast<std::ptrdiff_t>(i + 2 * num_sides - 1));
      hunks.push_back(jvs::Merge<std::string>::FromTerms(std::move(terms)));
      i += 2 * num_sides - 1;
    } else {
      std::string text = pieces[i++];
      // Only the file's end may lack a newline (the precondition of rendering).
      if (i < pieces.size() && !text.empty() && text.back() != '\n') text += '\n';
      hunks.emplace_back(std::move(text));
    }
    conflict = !conflict;
  }
  const bool any_conflict =
      std::any_of(hunks.begin(), hunks.end(), [](const auto& h) { return !h.is_resolved(); });
  if (!any_conflict) {
    // Text alone: with markers longer than any of its lines it is resolved.
    const size_t len = jvs::ChooseMarkerLength(hunks);
    for (auto style : kStyles)
      FUZZ_CHECK(!jvs::ParseConflicts(jvs::RenderConflicts(hunks, style, len), num_sides, len));
    return;
  }
  CheckRoundTrip(hunks, num_sides);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const size_t num_sides = 2 + (mode & 3) % 3;
  const size_t marker_len = 7 + ((mode >> 2) & 3);
  const std::string_view rest = AsView(data + 1, size - 1);
  if ((mode & 0x80) != 0) {
    RenderMode(rest, num_sides);
  } else {
    ParseMode(rest, num_sides, marker_len);
  }
  return 0;
}
