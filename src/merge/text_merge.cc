// Line-level N-way text merge; see jvs/merge/text_merge.h.
#include "jvs/merge/text_merge.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>

#include "merge/histogram_diff.h"
#include "merge/line_diff.h"

namespace jvs {
namespace {

using line_diff::Lines;

constexpr uint32_t kUnmatched = std::numeric_limits<uint32_t>::max();
constexpr size_t kReference = 1;  // base1: every other input is diffed against it

// The bytes of lines [begin, end) of one text (adjacent views into it).
std::string_view Span(const Lines& lines, size_t begin, size_t end) {
  if (begin == end) return {};
  const char* first = lines[begin].data();
  const char* last = lines[end - 1].data() + lines[end - 1].size();
  return std::string_view(first, static_cast<size_t>(last - first));
}

// For each line of `base`, the line of `other` it is matched with, or
// kUnmatched (from the histogram diff of base -> other).
std::vector<uint32_t> MatchLines(const Lines& base, const Lines& other) {
  const histogram_diff::Changes c = histogram_diff::DiffLines(base, other);
  std::vector<uint32_t> match(base.size(), kUnmatched);
  size_t j = 0;
  for (size_t i = 0; i < base.size(); ++i) {
    if (c.removed[i] != 0) continue;
    while (c.added[j] != 0) ++j;  // an unremoved base line has a partner ahead
    match[i] = static_cast<uint32_t>(j++);
  }
  return match;
}

// Collects hunks: resolved bytes wait in `pending_` so that neighbouring
// resolved hunks become one.
class HunkSink {
 public:
  // `size_hint`: the expected size of the first resolved run (reserved once,
  // so a long unchanged run is not copied again as the buffer grows).
  explicit HunkSink(size_t size_hint) { pending_.reserve(size_hint); }
  void AddResolved(std::string_view bytes) { pending_.append(bytes); }
  void AddConflict(const Merge<std::string_view>& hunk) {
    Flush();
    hunks_.push_back(hunk.Map([](std::string_view s) { return std::string(s); }));
  }
  std::vector<Merge<std::string>> Finish() {
    Flush();
    return std::move(hunks_);
  }

 private:
  void Flush() {
    if (pending_.empty()) return;
    hunks_.emplace_back(std::move(pending_));
    pending_.clear();
  }
  std::string pending_;
  std::vector<Merge<std::string>> hunks_;
};

}  // namespace

std::vector<Merge<std::string>> MergeText(const Merge<std::string_view>& inputs) {
  if (std::optional<std::string_view> whole = inputs.ResolveTrivial()) {
    std::vector<Merge<std::string>> hunks;
    if (!whole->empty()) hunks.emplace_back(std::string(*whole));
    return hunks;
  }
  const std::vector<std::string_view>& terms = inputs.terms();
  const size_t k = terms.size();  // >= 3: a single term always resolves

  // Split every input and match its lines with base1's; an input equal to an
  // earlier one shares its matching.
  std::vector<Lines> lines(k);
  for (size_t t = 0; t < k; ++t) lines[t] = line_diff::SplitLines(terms[t]);
  const Lines& base = lines[kReference];
  const size_t n = base.size();
  std::vector<std::vector<uint32_t>> owned(k);
  std::vector<const std::vector<uint32_t>*> match(k, nullptr);
  for (size_t t = 0; t < k; ++t) {
    if (t == kReference) continue;
    for (size_t u = 0; u < t && match[t] == nullptr; ++u) {
      if (u != kReference && terms[u] == terms[t]) match[t] = match[u];
    }
    if (match[t] != nullptr) continue;
    if (terms[t] == terms[kReference]) {
      owned[t].resize(n);
      for (size_t i = 0; i < n; ++i) owned[t][i] = static_cast<uint32_t>(i);
    } else {
      owned[t] = MatchLines(base, lines[t]);
    }
    match[t] = &owned[t];
  }

  // Walk base1's stable lines (kept by every input). `cursor[t]` is the first
  // line of input t not yet emitted; `run_begin` starts the current unchanged
  // run of base1 lines, emitted in one piece when it ends.
  HunkSink sink(terms[kReference].size());
  std::vector<size_t> cursor(k, 0), pos(k, 0);
  size_t run_begin = 0;
  std::vector<std::string_view> gap(k);
  for (size_t r = 0; r <= n; ++r) {
    bool stable = true;
    for (size_t t = 0; t < k && stable; ++t) {
      if (t == kReference) {
        pos[t] = r;
      } else {
        pos[t] = r < n ? (*match[t])[r] : lines[t].size();
        stable = pos[t] != kUnmatched;
      }
    }
    if (!stable) continue;
    bool changed = false;
    for (size_t t = 0; t < k; ++t) changed = changed || pos[t] != cursor[t];
    if (changed) {
      sink.AddResolved(Span(base, run_begin, cursor[kReference]));
      for (size_t t = 0; t < k; ++t) gap[t] = Span(lines[t], cursor[t], pos[t]);
      const Merge<std::string_view> hunk = Merge<std::string_view>::FromTerms(gap);
      if (std::optional<std::string_view> resolved = hunk.ResolveTrivial()) {
        sink.AddResolved(*resolved);
      } else {
        sink.AddConflict(hunk);
      }
      run_begin = r;
    }
    for (size_t t = 0; t < k; ++t) cursor[t] = pos[t] + 1;
  }
  sink.AddResolved(Span(base, run_begin, n));
  return sink.Finish();
}

std::optional<std::string> ResolvedText(const std::vector<Merge<std::string>>& hunks) {
  std::string out;
  for (const Merge<std::string>& hunk : hunks) {
    if (!hunk.is_resolved()) return std::nullopt;
    out += hunk.add(0);
  }
  return out;
}

}  // namespace jvs
