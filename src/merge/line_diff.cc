// Myers' O(ND) line diff in linear space (middle snake), after stripping the
// common prefix and suffix and setting aside lines found in only one text;
// a cost limit splits sub-problems that grow too expensive. See line_diff.h.
// Over 400 lines on purpose: one algorithm (the middle-snake search and the
// bookkeeping around it) that reads best in one place.
#include "merge/line_diff.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

namespace jvs::line_diff {

Lines SplitLines(std::string_view text) {
  Lines lines;
  lines.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  size_t pos = 0;
  while (pos < text.size()) {
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    const size_t end =
        nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1
                      : text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return lines;
}

namespace {

// Maps each distinct line to a small integer id (open addressing, linear
// probing; sized up front for the number of lines so it never grows).
class LineInterner {
 public:
  explicit LineInterner(size_t max_lines) {
    size_t capacity = 16;
    while (capacity < 2 * max_lines) capacity <<= 1;
    slots_.assign(capacity, Slot{0, kEmpty});
    mask_ = capacity - 1;
    lines_.reserve(max_lines);
  }

  uint32_t Intern(std::string_view line) {
    const size_t hash = std::hash<std::string_view>{}(line);
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.id == kEmpty) {
        slot.hash = hash;
        slot.id = static_cast<uint32_t>(lines_.size());
        lines_.push_back(line);
        return slot.id;
      }
      if (slot.hash == hash && lines_[slot.id] == line) return slot.id;
    }
  }

  size_t size() const { return lines_.size(); }

 private:
  static constexpr uint32_t kEmpty = std::numeric_limits<uint32_t>::max();
  struct Slot {
    size_t hash;
    uint32_t id;
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<std::string_view> lines_;  // by id
};

// Marker for "choose the cost limit from the input size".
// The automatic limit is about sqrt(n + m), but never below this.
constexpr size_t kMinCostLimit = 256;

size_t AutoCostLimit(size_t total_lines) {
  size_t limit = 1;
  for (size_t d = total_lines; d != 0; d >>= 2) limit <<= 1;
  return std::max(limit, kMinCostLimit);
}

// Myers' O(ND) diff in linear space. Works on interned line ids and sets
// a_changed[i] / b_changed[j] for every line of a / b that is not part of the
// common subsequence it finds. Sub-problems are kept on an explicit stack, so
// deep splits cannot overflow the call stack.
class MyersDiff {
 public:
  // cost_limit == 0: always find the middle snake (minimal diff).
  MyersDiff(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, size_t cost_limit,
            std::vector<uint8_t>& a_changed, std::vector<uint8_t>& b_changed)
      : a_(a),
        b_(b),
        cost_limit_(cost_limit),
        a_changed_(a_changed),
        b_changed_(b_changed),
        fd_(a.size() + b.size() + 3),
        bd_(a.size() + b.size() + 3),
        diag_offset_(static_cast<ptrdiff_t>(b.size()) + 1) {}

  void Run() {
    struct Box {
      ptrdiff_t xoff, xlim, yoff, ylim;
    };
    std::vector<Box> stack;
    stack.push_back({0, static_cast<ptrdiff_t>(a_.size()), 0, static_cast<ptrdiff_t>(b_.size())});
    while (!stack.empty()) {
      Box box = stack.back();
      stack.pop_back();
      while (box.xoff < box.xlim && box.yoff < box.ylim && a_[box.xoff] == b_[box.yoff]) {
        ++box.xoff;
        ++box.yoff;
      }
      while (box.xoff < box.xlim && box.yoff < box.ylim &&
             a_[box.xlim - 1] == b_[box.ylim - 1]) {
        --box.xlim;
        --box.ylim;
      }
      if (box.xoff == box.xlim || box.yoff == box.ylim) {
        MarkChanged(box.xoff, box.xlim, box.yoff, box.ylim);
        continue;
      }
      ptrdiff_t x = 0;
      ptrdiff_t y = 0;
      if (!FindSplit(box.xoff, box.xlim, box.yoff, box.ylim, &x, &y)) {
        // No useful split (cannot happen in theory); all-changed is still valid.
        MarkChanged(box.xoff, box.xlim, box.yoff, box.ylim);
        continue;
      }
      stack.push_back({x, box.xlim, y, box.ylim});
      stack.push_back({box.xoff, x, box.yoff, y});
    }
  }

 private:
  static constexpr ptrdiff_t kNoForward = -1;
  static constexpr ptrdiff_t kNoBackward = std::numeric_limits<ptrdiff_t>::max();

  void MarkChanged(ptrdiff_t xoff, ptrdiff_t xlim, ptrdiff_t yoff, ptrdiff_t ylim) {
    for (ptrdiff_t x = xoff; x < xlim; ++x) a_changed_[static_cast<size_t>(x)] = 1;
    for (ptrdiff_t y = yoff; y < ylim; ++y) b_changed_[static_cast<size_t>(y)] = 1;
  }

  // Finds a point (x, y) strictly inside the edit graph of the box
  // [xoff, xlim) x [yoff, ylim) through which a shortest edit path passes (or,
  // past the cost limit, through which some reasonable path passes). Both
  // sequences must be non-empty and differ at both ends.
  //
  // Diagonal k holds the points with x - y == k. fd[k] is the largest x reached
  // on diagonal k from the top-left corner with the current cost; bd[k] is the
  // smallest x reached from the bottom-right corner.
  bool FindSplit(ptrdiff_t xoff, ptrdiff_t xlim, ptrdiff_t yoff, ptrdiff_t ylim, ptrdiff_t* split_x,
                 ptrdiff_t* split_y) {
    ptrdiff_t* const fd = fd_.data() + diag_offset_;
    ptrdiff_t* const bd = bd_.data() + diag_offset_;
    const ptrdiff_t dmin = xoff - ylim;
    const ptrdiff_t dmax = xlim - yoff;
    const ptrdiff_t fmid = xoff - yoff;
    const ptrdiff_t bmid = xlim - ylim;
    // With an odd difference the searches meet during a forward step,
    // otherwise during a backward step.
    const bool odd = ((fmid - bmid) & 1) != 0;
    ptrdiff_t fmin = fmid;
    ptrdiff_t fmax = fmid;
    ptrdiff_t bmin = bmid;
    ptrdiff_t bmax = bmid;
    fd[fmid] = xoff;
    bd[bmid] = xlim;

    for (size_t cost = 1;; ++cost) {
      // Forward step: diagonals fmin, fmin + 2, ..., fmax, clipped to the box.
      // The neighbours just outside the range get a "not reached" marker.
      if (fmin > dmin) {
        --fmin;
        fd[fmin - 1] = kNoForward;
      } else {
        ++fmin;
      }
      if (fmax < dmax) {
        ++fmax;
        fd[fmax + 1] = kNoForward;
      } else {
        --fmax;
      }
      for (ptrdiff_t k = fmax; k >= fmin; k -= 2) {
        const ptrdiff_t left = fd[k - 1];   // move right from diagonal k - 1
        const ptrdiff_t above = fd[k + 1];  // move down from diagonal k + 1
        ptrdiff_t x = kNoForward;
        if (left != kNoForward && left < xlim) x = left + 1;
        if (above != kNoForward && above - k <= ylim && above > x) x = above;
        if (x == kNoForward) {
          fd[k] = kNoForward;
          continue;
        }
        ptrdiff_t y = x - k;
        while (x < xlim && y < ylim && a_[x] == b_[y]) {
          ++x;
          ++y;
        }
        fd[k] = x;
        if (odd && bmin <= k && k <= bmax && bd[k] <= x) {
          *split_x = x;
          *split_y = y;
          return true;
        }
      }

      // Backward step, mirrored.
      if (bmin > dmin) {
        --bmin;
        bd[bmin - 1] = kNoBackward;
      } else {
        ++bmin;
      }
      if (bmax < dmax) {
        ++bmax;
        bd[bmax + 1] = kNoBackward;
      } else {
        --bmax;
      }
      for (ptrdiff_t k = bmax; k >= bmin; k -= 2) {
        const ptrdiff_t right = bd[k + 1];  // move left from diagonal k + 1
        const ptrdiff_t below = bd[k - 1];  // move up from diagonal k - 1
        ptrdiff_t x = kNoBackward;
        if (right != kNoBackward && right > xoff) x = right - 1;
        if (below != kNoBackward && below - k >= yoff && below < x) x = below;
        if (x == kNoBackward) {
          bd[k] = kNoBackward;
          continue;
        }
        ptrdiff_t y = x - k;
        while (x > xoff && y > yoff && a_[x - 1] == b_[y - 1]) {
          --x;
          --y;
        }
        bd[k] = x;
        if (!odd && fmin <= k && k <= fmax && x <= fd[k]) {
          *split_x = x;
          *split_y = y;
          return true;
        }
      }

      if (cost_limit_ != 0 && cost >= cost_limit_) {
        // Too expensive: split at whichever frontier point has made the most
        // progress along its direction. Any split point yields a correct diff.
        ptrdiff_t best_forward = -1;
        ptrdiff_t fx = 0;
        ptrdiff_t fy = 0;
        for (ptrdiff_t k = fmax; k >= fmin; k -= 2) {
          const ptrdiff_t x = fd[k];
          if (x == kNoForward) continue;
          const ptrdiff_t progress = (x - xoff) + (x - k - yoff);
          if (progress > best_forward) {
            best_forward = progress;
            fx = x;
            fy = x - k;
          }
        }
        ptrdiff_t best_backward = -1;
        ptrdiff_t bx = 0;
        ptrdiff_t by = 0;
        for (ptrdiff_t k = bmax; k >= bmin; k -= 2) {
          const ptrdiff_t x = bd[k];
          if (x == kNoBackward) continue;
          const ptrdiff_t progress = (xlim - x) + (ylim - (x - k));
          if (progress > best_backward) {
            best_backward = progress;
            bx = x;
            by = x - k;
          }
        }
        if (best_forward < 0 && best_backward < 0) return false;
        const bool use_forward = best_forward >= best_backward;
        const ptrdiff_t x = use_forward ? fx : bx;
        const ptrdiff_t y = use_forward ? fy : by;
        if ((x == xoff && y == yoff) || (x == xlim && y == ylim)) return false;
        if (x < xoff || x > xlim || y < yoff || y > ylim) return false;
        *split_x = x;
        *split_y = y;
        return true;
      }
    }
  }

  const std::vector<uint32_t>& a_;
  const std::vector<uint32_t>& b_;
  const size_t cost_limit_;
  std::vector<uint8_t>& a_changed_;
  std::vector<uint8_t>& b_changed_;
  std::vector<ptrdiff_t> fd_;
  std::vector<ptrdiff_t> bd_;
  const ptrdiff_t diag_offset_;
};

}  // namespace

// Slides each group of changed lines of one file up or down over equal lines
// (which keeps the diff valid) to merge neighbouring groups, and, where there
// is a choice, to line the group up with a group of changes in the other file,
// so that e.g. a replaced line is shown as "-old +new" rather than as a
// deletion and an insertion some lines apart.
void CompactGroups(const Lines& lines, std::vector<uint8_t>& changed,
                   const std::vector<uint8_t>& other_changed) {
  const size_t n = lines.size();
  // The u-th unchanged line of this file is paired with other_unchanged[u].
  std::vector<size_t> other_unchanged;
  for (size_t j = 0; j < other_changed.size(); ++j) {
    if (other_changed[j] == 0) other_unchanged.push_back(j);
  }
  // Whether the other file has changed lines at the place that corresponds to
  // a group here with `u` unchanged lines before it.
  auto other_has_changes = [&](size_t u) {
    const size_t begin = u == 0 ? 0 : other_unchanged[u - 1] + 1;
    const size_t end = u < other_unchanged.size() ? other_unchanged[u] : other_changed.size();
    return begin < end;
  };

  size_t u = 0;  // unchanged lines before position i
  size_t i = 0;
  while (i < n) {
    if (changed[i] == 0) {
      ++u;
      ++i;
      continue;
    }
    size_t start = i;
    size_t end = i;
    while (end < n && changed[end] != 0) ++end;
    // Invariant below: u == number of unchanged lines before `start`.
    bool aligned = false;
    size_t aligned_end = 0;
    size_t group_size = 0;
    do {
      group_size = end - start;
      aligned = false;
      while (start > 0 && lines[start - 1] == lines[end - 1]) {
        changed[--start] = 1;
        changed[--end] = 0;
        --u;
        while (start > 0 && changed[start - 1] != 0) --start;
      }
      if (other_has_changes(u)) {
        aligned = true;
        aligned_end = end;
      }
      while (end < n && lines[start] == lines[end]) {
        changed[start++] = 0;
        changed[end++] = 1;
        ++u;
        while (end < n && changed[end] != 0) ++end;
        if (other_has_changes(u)) {
          aligned = true;
          aligned_end = end;
        }
      }
    } while (group_size != end - start);
    if (aligned) {
      while (end > aligned_end) {
        changed[--start] = 1;
        changed[--end] = 0;
        --u;
      }
    }
    i = end;
  }
}

LineDiff ComputeLineDiff(std::string_view old_text, std::string_view new_text,
                         size_t cost_limit) {
  LineDiff d;
  d.old_lines = SplitLines(old_text);
  d.new_lines = SplitLines(new_text);
  const Lines& a = d.old_lines;
  const Lines& b = d.new_lines;
  const size_t n = a.size();
  const size_t m = b.size();
  d.removed.assign(n, 0);
  d.added.assign(m, 0);

  size_t prefix = 0;
  while (prefix < n && prefix < m && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < n - prefix && suffix < m - prefix && a[n - 1 - suffix] == b[m - 1 - suffix]) {
    ++suffix;
  }
  const size_t a_end = n - suffix;
  const size_t b_end = m - suffix;
  if (prefix == a_end && prefix == b_end) return d;

  // Intern the remaining lines, noting which ids occur in each file.
  LineInterner interner((a_end - prefix) + (b_end - prefix));
  std::vector<uint32_t> a_ids;
  std::vector<uint32_t> b_ids;
  a_ids.reserve(a_end - prefix);
  b_ids.reserve(b_end - prefix);
  for (size_t i = prefix; i < a_end; ++i) a_ids.push_back(interner.Intern(a[i]));
  std::vector<uint8_t> in_a(interner.size(), 1);
  for (size_t j = prefix; j < b_end; ++j) b_ids.push_back(interner.Intern(b[j]));
  std::vector<uint8_t> in_b(interner.size(), 0);
  for (uint32_t id : b_ids) in_b[id] = 1;
  in_a.resize(interner.size(), 0);

  // A line that occurs in only one file can never be matched: mark it
  // changed and leave it out of the search. The shortest edit script of what
  // remains is then also a shortest one of the whole.
  std::vector<uint32_t> fa;
  std::vector<size_t> fa_index;
  for (size_t i = 0; i < a_ids.size(); ++i) {
    if (in_b[a_ids[i]] != 0) {
      fa.push_back(a_ids[i]);
      fa_index.push_back(prefix + i);
    } else {
      d.removed[prefix + i] = 1;
    }
  }
  std::vector<uint32_t> fb;
  std::vector<size_t> fb_index;
  for (size_t j = 0; j < b_ids.size(); ++j) {
    if (in_a[b_ids[j]] != 0) {
      fb.push_back(b_ids[j]);
      fb_index.push_back(prefix + j);
    } else {
      d.added[prefix + j] = 1;
    }
  }

  if (!fa.empty() || !fb.empty()) {
    std::vector<uint8_t> fa_changed(fa.size(), 0);
    std::vector<uint8_t> fb_changed(fb.size(), 0);
    const size_t limit =
        cost_limit == kAutoCostLimit ? AutoCostLimit(fa.size() + fb.size()) : cost_limit;
    MyersDiff(fa, fb, limit, fa_changed, fb_changed).Run();
    for (size_t i = 0; i < fa.size(); ++i) {
      if (fa_changed[i] != 0) d.removed[fa_index[i]] = 1;
    }
    for (size_t j = 0; j < fb.size(); ++j) {
      if (fb_changed[j] != 0) d.added[fb_index[j]] = 1;
    }
  }

  CompactGroups(a, d.removed, d.added);
  CompactGroups(b, d.added, d.removed);
  return d;
}

}  // namespace jvs::line_diff
