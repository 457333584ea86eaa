#include "jvs/base/suggest.h"

#include <algorithm>
#include <set>

namespace jvs {

size_t EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  // Three rows: i-2, i-1, i (the transposition looks two rows back).
  std::vector<size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::vector<std::string> ClosestNames(std::string_view word,
                                      const std::vector<std::string>& candidates,
                                      size_t max_results) {
  if (word.empty()) return {};
  const size_t limit = word.size() <= 3 ? 1 : word.size() <= 6 ? 2 : 3;
  struct Hit {
    size_t distance, order;
    const std::string* name;
  };
  std::vector<Hit> hits;
  std::set<std::string_view> seen;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const std::string& c = candidates[i];
    if (c == word || !seen.insert(c).second) continue;
    size_t d = EditDistance(word, c);
    bool prefix = word.size() >= 3 && c.compare(0, word.size(), word) == 0;
    // A completion of what was typed ranks above any typo.
    if (d <= limit || prefix) hits.push_back({prefix ? 0 : d, i, &c});
  }
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& x, const Hit& y) {
    return x.distance != y.distance ? x.distance < y.distance : x.order < y.order;
  });
  // Only the best tier: "stat" suggests 'status', not also 'tag'.
  std::vector<std::string> out;
  for (const auto& h : hits) {
    if (out.size() == max_results || h.distance != hits.front().distance) break;
    out.push_back(*h.name);
  }
  return out;
}

std::string DidYouMean(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string s = "did you mean ";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) s += i + 1 == names.size() ? " or " : ", ";
    s += "'" + names[i] + "'";
  }
  return s + "?";
}

}  // namespace jvs
