// Histogram line diff; see histogram_diff.h.
#include "merge/histogram_diff.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace jvs::histogram_diff {
namespace {

using line_diff::Lines;

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// Maps each distinct line to a small integer id: open addressing, linear
// probing, sized up front (load <= 2/3) so it never grows. Each line is
// hashed once; its bytes are compared only with lines of the same hash tag.
// Slots are 8 bytes (a 32-bit tag of the hash and the id) to keep the table,
// read at random, small.
class Interner {
 public:
  explicit Interner(size_t max_lines) {
    size_t capacity = 16;
    while (capacity < max_lines + max_lines / 2) capacity <<= 1;
    slots_.assign(capacity, Slot{0, kNone});
    mask_ = capacity - 1;
    lines_.reserve(max_lines);
  }

  uint32_t Intern(std::string_view line) {
    const size_t hash = std::hash<std::string_view>{}(line);
    const uint32_t tag = static_cast<uint32_t>(hash >> 32);
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.id == kNone) {
        slot = Slot{tag, static_cast<uint32_t>(lines_.size())};
        lines_.push_back(line);
        return slot.id;
      }
      if (slot.tag == tag && lines_[slot.id] == line) return slot.id;
    }
  }

  size_t size() const { return lines_.size(); }

 private:
  struct Slot {
    uint32_t tag;
    uint32_t id;
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<std::string_view> lines_;  // by id
};

struct Region {
  size_t a0, a1, b0, b1;  // [a0, a1) of the old lines, [b0, b1) of the new
};

// The bytes of lines [begin, end) (adjacent views into one text).
std::string_view Span(const Lines& lines, size_t begin, size_t end) {
  if (begin == end) return {};
  const char* first = lines[begin].data();
  const char* last = lines[end - 1].data() + lines[end - 1].size();
  return std::string_view(first, static_cast<size_t>(last - first));
}

class HistogramDiff {
 public:
  HistogramDiff(const Lines& a, const Lines& b, Changes& out) : a_(a), b_(b), out_(out) {}

  void Run() {
    const size_t n = a_.size(), m = b_.size();
    out_.removed.assign(n, 0);
    out_.added.assign(m, 0);
    size_t prefix = 0;
    while (prefix < n && prefix < m && a_[prefix] == b_[prefix]) ++prefix;
    size_t suffix = 0;
    while (suffix < n - prefix && suffix < m - prefix && a_[n - 1 - suffix] == b_[m - 1 - suffix]) {
      ++suffix;
    }
    const Region whole{prefix, n - suffix, prefix, m - suffix};
    if (whole.a0 == whole.a1 || whole.b0 == whole.b1) {
      MarkAllChanged(whole);
      return;
    }
    Interner interner((whole.a1 - whole.a0) + (whole.b1 - whole.b0));
    ida_.assign(n, 0);
    idb_.assign(m, 0);
    for (size_t i = whole.a0; i < whole.a1; ++i) ida_[i] = interner.Intern(a_[i]);
    for (size_t j = whole.b0; j < whole.b1; ++j) idb_[j] = interner.Intern(b_[j]);
    count_.assign(interner.size(), 0);
    head_.assign(interner.size(), kNone);
    next_.assign(n, kNone);
    budget_ = 64 * (n + m) + (size_t{1} << 20);

    std::vector<Region> stack{whole};
    while (!stack.empty()) {
      Region r = stack.back();
      stack.pop_back();
      while (r.a0 < r.a1 && r.b0 < r.b1 && ida_[r.a0] == idb_[r.b0]) ++r.a0, ++r.b0;
      while (r.a0 < r.a1 && r.b0 < r.b1 && ida_[r.a1 - 1] == idb_[r.b1 - 1]) --r.a1, --r.b1;
      if (r.a0 == r.a1 || r.b0 == r.b1) {
        MarkAllChanged(r);
        continue;
      }
      if (work_ > budget_) {
        Myers(r);
        continue;
      }
      work_ += (r.a1 - r.a0) + (r.b1 - r.b0);
      Region anchor{};
      switch (FindAnchor(r, anchor)) {
        case Found::kNothingCommon:
          MarkAllChanged(r);
          break;
        case Found::kOnlyFrequent:
          Myers(r);
          break;
        case Found::kAnchor:
          // The right part is pushed first so the left part is done first.
          stack.push_back(Region{anchor.a1, r.a1, anchor.b1, r.b1});
          stack.push_back(Region{r.a0, anchor.a0, r.b0, anchor.b0});
          break;
      }
    }
    line_diff::CompactGroups(a_, out_.removed, out_.added);
    line_diff::CompactGroups(b_, out_.added, out_.removed);
  }

 private:
  enum class Found { kNothingCommon, kOnlyFrequent, kAnchor };

  void MarkAllChanged(const Region& r) {
    std::fill(out_.removed.begin() + static_cast<ptrdiff_t>(r.a0),
              out_.removed.begin() + static_cast<ptrdiff_t>(r.a1), 1);
    std::fill(out_.added.begin() + static_cast<ptrdiff_t>(r.b0),
              out_.added.begin() + static_cast<ptrdiff_t>(r.b1), 1);
  }

  void Myers(const Region& r) {
    const line_diff::LineDiff d = line_diff::ComputeLineDiff(
        Span(a_, r.a0, r.a1), Span(b_, r.b0, r.b1), line_diff::kAutoCostLimit);
    std::copy(d.removed.begin(), d.removed.end(),
              out_.removed.begin() + static_cast<ptrdiff_t>(r.a0));
    std::copy(d.added.begin(), d.added.end(), out_.added.begin() + static_cast<ptrdiff_t>(r.b0));
  }

  // The common run of lines whose rarest line is rarest in r's old lines
  // (ties: the longest; then the first found scanning the new lines).
  Found FindAnchor(const Region& r, Region& best) {
    // Occurrence counts and chains of positions (ascending) of the old lines.
    for (size_t i = r.a1; i-- > r.a0;) {
      const uint32_t id = ida_[i];
      ++count_[id];
      next_[i] = head_[id];
      head_[id] = static_cast<uint32_t>(i);
    }
    bool common = false;
    uint32_t best_count = kMaxOccurrences + 1;
    size_t best_len = 0;
    for (size_t b = r.b0; b < r.b1;) {
      const uint32_t id = idb_[b];
      const uint32_t c = count_[id];
      if (c == 0) {
        ++b;
        continue;
      }
      common = true;
      if (c > best_count) {
        ++b;
        continue;
      }
      size_t b_next = b + 1;
      for (uint32_t pos = head_[id]; pos != kNone;) {
        size_t as = pos, bs = b, ae = pos + 1, be = b + 1;
        uint32_t rc = c;
        while (as > r.a0 && bs > r.b0 && ida_[as - 1] == idb_[bs - 1]) {
          --as, --bs;
          if (rc > 1) rc = std::min(rc, count_[ida_[as]]);
        }
        while (ae < r.a1 && be < r.b1 && ida_[ae] == idb_[be]) {
          if (rc > 1) rc = std::min(rc, count_[ida_[ae]]);
          ++ae, ++be;
        }
        b_next = std::max(b_next, be);
        if (rc < best_count || (rc == best_count && ae - as > best_len)) {
          best = Region{as, ae, bs, be};
          best_count = rc;
          best_len = ae - as;
        }
        // Occurrences inside the run just found give nothing new.
        pos = next_[pos];
        while (pos != kNone && pos < ae) pos = next_[pos];
      }
      b = b_next;
    }
    for (size_t i = r.a0; i < r.a1; ++i) {
      count_[ida_[i]] = 0;
      head_[ida_[i]] = kNone;
    }
    if (best_len > 0) return Found::kAnchor;
    return common ? Found::kOnlyFrequent : Found::kNothingCommon;
  }

  const Lines& a_;
  const Lines& b_;
  Changes& out_;
  std::vector<uint32_t> ida_, idb_;  // line ids, by position
  std::vector<uint32_t> count_;      // by id: occurrences in the region's old lines
  std::vector<uint32_t> head_;       // by id: first position in the region's old lines
  std::vector<uint32_t> next_;       // by old position: next position of the same line
  size_t work_ = 0, budget_ = 0;
};

}  // namespace

Changes DiffLines(const Lines& old_lines, const Lines& new_lines) {
  Changes out;
  HistogramDiff(old_lines, new_lines, out).Run();
  return out;
}

line_diff::LineDiff ComputeHistogramDiff(std::string_view old_text, std::string_view new_text) {
  line_diff::LineDiff d;
  d.old_lines = line_diff::SplitLines(old_text);
  d.new_lines = line_diff::SplitLines(new_text);
  Changes c = DiffLines(d.old_lines, d.new_lines);
  d.removed = std::move(c.removed);
  d.added = std::move(c.added);
  return d;
}

}  // namespace jvs::histogram_diff
