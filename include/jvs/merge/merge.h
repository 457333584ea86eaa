// Merge<T>: a conflict as a value (Jujutsu's conflict term). A merge is an
// odd-length list of terms that alternate between adds and removes:
//
//   add0, remove0, add1, remove1, add2, ...
//
// read as add0 + (add1 - remove0) + (add2 - remove1) + ...: every remove is
// the base that the following add changed. A resolved value is a list of one
// term; the classic three-way merge of `a` and `b` against `base` is
// [a, base, b]. Simplify() cancels an add against an equal remove, and
// ResolveTrivial() resolves what needs no human (one side changed, both made
// the same change). Algorithms work on merges instead of special-casing
// "conflicted".
//
// A value type: owns its terms, thread-compatible. T needs operator==;
// ResolveTrivial() needs nothing more (no hashing, no ordering).
#pragma once

#include <cassert>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace jvs {

template <typename T>
class Merge {
 public:
  using value_type = T;

  // A resolved value.
  explicit Merge(T resolved) { terms_.push_back(std::move(resolved)); }
  // From removes and adds; adds.size() must be removes.size() + 1.
  Merge(std::vector<T> removes, std::vector<T> adds) {
    assert(adds.size() == removes.size() + 1);
    terms_.reserve(adds.size() + removes.size());
    for (size_t i = 0; i < adds.size(); ++i) {
      terms_.push_back(std::move(adds[i]));
      if (i < removes.size()) terms_.push_back(std::move(removes[i]));
    }
  }
  // The three-way merge of `a` and `b` against `base`: [a, base, b].
  static Merge ThreeWay(T base, T a, T b) {
    return Merge(std::vector<T>{std::move(base)}, std::vector<T>{std::move(a), std::move(b)});
  }
  // From interleaved terms (add0, remove0, add1, ...); the count must be odd.
  static Merge FromTerms(std::vector<T> terms) {
    assert(terms.size() % 2 == 1);
    Merge m;
    m.terms_ = std::move(terms);
    return m;
  }

  // ---- reading ----
  const std::vector<T>& terms() const { return terms_; }
  size_t num_sides() const { return terms_.size() / 2 + 1; }  // number of adds
  const T& add(size_t i) const { return terms_[2 * i]; }
  const T& remove(size_t i) const { return terms_[2 * i + 1]; }
  std::vector<T> adds() const { return Every(0); }
  std::vector<T> removes() const { return Every(1); }
  bool is_resolved() const { return terms_.size() == 1; }
  // The value when resolved, else nullopt.
  std::optional<T> as_resolved() const {
    if (!is_resolved()) return std::nullopt;
    return terms_[0];
  }

  // ---- simplification and resolution ----
  // Cancels every add that equals a remove, pair by pair, until no add equals
  // any remove. The remaining adds and removes keep their relative order, so
  // the result is deterministic; the length stays odd.
  Merge Simplify() const {
    std::vector<T> adds = Every(0), removes = Every(1);
    std::vector<bool> add_gone(adds.size(), false), remove_gone(removes.size(), false);
    for (size_t i = 0; i < adds.size(); ++i) {
      for (size_t r = 0; r < removes.size(); ++r) {
        if (!remove_gone[r] && removes[r] == adds[i]) {
          add_gone[i] = remove_gone[r] = true;
          break;
        }
      }
    }
    std::vector<T> kept_adds, kept_removes;
    for (size_t i = 0; i < adds.size(); ++i)
      if (!add_gone[i]) kept_adds.push_back(std::move(adds[i]));
    for (size_t r = 0; r < removes.size(); ++r)
      if (!remove_gone[r]) kept_removes.push_back(std::move(removes[r]));
    // Each cancellation takes one add and one remove: one add more remains.
    return Merge(std::move(kept_removes), std::move(kept_adds));
  }

  // The value that needs no human, by counting: after simplification, a
  // single remaining term is the result; when every remaining add is the same
  // value, every side made the same change and that value is the result.
  // Three-way: base == a -> b, base == b -> a, a == b -> a. Else nullopt.
  std::optional<T> ResolveTrivial() const {
    Merge s = Simplify();
    if (s.is_resolved()) return s.terms_[0];
    for (size_t i = 2; i < s.terms_.size(); i += 2)
      if (!(s.terms_[i] == s.terms_[0])) return std::nullopt;
    return s.terms_[0];
  }

  // ---- transformation ----
  // Applies `f` to every term.
  template <typename F>
  auto Map(F&& f) const -> Merge<std::invoke_result_t<F&, const T&>> {
    using U = std::invoke_result_t<F&, const T&>;
    std::vector<U> out;
    out.reserve(terms_.size());
    for (const auto& t : terms_) out.push_back(f(t));
    return Merge<U>::FromTerms(std::move(out));
  }

  // A merge of merges as one merge: the terms of an added merge keep their
  // roles, the terms of a removed merge swap them (its adds are removed, its
  // removes added). Only for T = Merge<U>.
  auto Flatten() const {
    using U = typename T::value_type;
    static_assert(std::is_same_v<T, Merge<U>>, "Flatten needs a Merge of Merges");
    std::vector<U> adds, removes;
    for (size_t i = 0; i < terms_.size(); ++i) {
      const bool outer_add = i % 2 == 0;
      const auto& inner = terms_[i].terms();
      for (size_t j = 0; j < inner.size(); ++j) {
        const bool inner_add = j % 2 == 0;
        (outer_add == inner_add ? adds : removes).push_back(inner[j]);
      }
    }
    return Merge<U>(std::move(removes), std::move(adds));
  }

  bool operator==(const Merge&) const = default;

 private:
  Merge() = default;
  std::vector<T> Every(size_t first) const {
    std::vector<T> out;
    for (size_t i = first; i < terms_.size(); i += 2) out.push_back(terms_[i]);
    return out;
  }

  std::vector<T> terms_;  // add0, remove0, add1, ...; odd count
};

}  // namespace jvs
