// "Did you mean ...?": finds the known names closest to a mistyped one by
// edit distance, for error hints (the library composes hints; it never
// prints). Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace jvs {

// Optimal string alignment distance: insertions, deletions, substitutions and
// transpositions of two adjacent characters each cost 1.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidates closest to `word` (in the order given), at most
// `max_results`: those that start with `word` when it has at least 3
// characters; else those at the smallest edit distance, if it is small enough
// to be a plausible typo (at most 1 for words of up to 3 characters, 2 up to
// 6, else 3). Never `word` itself.
std::vector<std::string> ClosestNames(std::string_view word,
                                      const std::vector<std::string>& candidates,
                                      size_t max_results = 3);

// "did you mean 'x'?" / "did you mean 'x' or 'y'?" ("" when `names` is empty).
std::string DidYouMean(const std::vector<std::string>& names);

}  // namespace jvs
