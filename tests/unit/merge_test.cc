// Merge<T>: construction, simplification, trivial resolution, Map, Flatten;
// plus property tests over random merges of small ints (fixed seed).
#include "jvs/merge/merge.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace jvs {
namespace {

// Value -> (number of adds) - (number of removes), zero counts dropped.
template <typename T>
std::map<T, int> SignedSum(const Merge<T>& m) {
  std::map<T, int> out;
  for (size_t i = 0; i < m.terms().size(); ++i) out[m.terms()[i]] += i % 2 == 0 ? 1 : -1;
  std::erase_if(out, [](const auto& kv) { return kv.second == 0; });
  return out;
}

Merge<int> RandomMerge(std::mt19937& rng, int max_sides, int values) {
  std::uniform_int_distribution<int> sides(1, max_sides), value(0, values - 1);
  int n = sides(rng);
  std::vector<int> terms;
  for (int i = 0; i < 2 * n - 1; ++i) terms.push_back(value(rng));
  return Merge<int>::FromTerms(terms);
}

TEST(MergeTest, ResolvedValue) {
  Merge<int> m(7);
  EXPECT_TRUE(m.is_resolved());
  EXPECT_EQ(m.as_resolved(), 7);
  EXPECT_EQ(m.num_sides(), 1u);
  EXPECT_EQ(m.terms(), std::vector<int>{7});
  EXPECT_TRUE(m.removes().empty());
}

TEST(MergeTest, FromRemovesAndAddsInterleaves) {
  Merge<int> m({10, 11}, {1, 2, 3});
  EXPECT_EQ(m.terms(), (std::vector<int>{1, 10, 2, 11, 3}));
  EXPECT_FALSE(m.is_resolved());
  EXPECT_EQ(m.as_resolved(), std::nullopt);
  EXPECT_EQ(m.num_sides(), 3u);
  EXPECT_EQ(m.adds(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(m.removes(), (std::vector<int>{10, 11}));
  EXPECT_EQ(m.add(1), 2);
  EXPECT_EQ(m.remove(1), 11);
  EXPECT_EQ(Merge<int>::ThreeWay(0, 1, 2).terms(), (std::vector<int>{1, 0, 2}));
}

TEST(MergeTest, SimplifyCancelsPairs) {
  EXPECT_EQ(Merge<int>::ThreeWay(0, 0, 2).Simplify(), Merge<int>(2));
  EXPECT_EQ(Merge<int>::ThreeWay(0, 1, 0).Simplify(), Merge<int>(1));
  EXPECT_EQ(Merge<int>::ThreeWay(0, 0, 0).Simplify(), Merge<int>(0));
  // Nothing to cancel: unchanged.
  EXPECT_EQ(Merge<int>::ThreeWay(0, 1, 2).Simplify(), Merge<int>::ThreeWay(0, 1, 2));
  EXPECT_EQ(Merge<int>::ThreeWay(0, 1, 1).Simplify(), Merge<int>::ThreeWay(0, 1, 1));
  // Five terms: one pair cancels, the rest keeps its order.
  Merge<int> m({1, 2}, {3, 1, 4});  // 3 - 1 + 1 - 2 + 4
  EXPECT_EQ(m.Simplify().terms(), (std::vector<int>{3, 2, 4}));
  // Each remove cancels one add only.
  Merge<int> twice({5, 6}, {5, 5, 7});
  EXPECT_EQ(twice.Simplify().terms(), (std::vector<int>{5, 6, 7}));
}

TEST(MergeTest, ResolveTrivialClassicCases) {
  EXPECT_EQ(Merge<int>::ThreeWay(0, 0, 2).ResolveTrivial(), 2);  // base == a -> b
  EXPECT_EQ(Merge<int>::ThreeWay(0, 1, 0).ResolveTrivial(), 1);  // base == b -> a
  EXPECT_EQ(Merge<int>::ThreeWay(0, 3, 3).ResolveTrivial(), 3);  // a == b -> a
  EXPECT_EQ(Merge<int>::ThreeWay(0, 1, 2).ResolveTrivial(), std::nullopt);
  EXPECT_EQ(Merge<int>(4).ResolveTrivial(), 4);
  // Optional values: creation and deletion are values too.
  using Opt = std::optional<int>;
  EXPECT_EQ(Merge<Opt>::ThreeWay(std::nullopt, std::nullopt, 5).ResolveTrivial(), std::optional<Opt>(5));
  EXPECT_EQ(Merge<Opt>::ThreeWay(5, std::nullopt, 5).ResolveTrivial(), std::optional<Opt>(Opt()));
  EXPECT_EQ(Merge<Opt>::ThreeWay(5, std::nullopt, 6).ResolveTrivial(), std::nullopt);
}

TEST(MergeTest, MapAppliesToEveryTerm) {
  Merge<int> m({1}, {2, 3});
  Merge<std::string> s = m.Map([](int v) { return std::to_string(v * 10); });
  EXPECT_EQ(s.terms(), (std::vector<std::string>{"20", "10", "30"}));
}

TEST(MergeTest, FlattenSwapsRolesOfRemovedMerges) {
  // (a0 - b0 + c0) - (x - y + z) + (p)
  Merge<Merge<int>> mm({Merge<int>({2}, {7, 8})}, {Merge<int>({11}, {10, 12}), Merge<int>(20)});
  Merge<int> flat = mm.Flatten();
  EXPECT_EQ(flat.adds(), (std::vector<int>{10, 12, 2, 20}));
  EXPECT_EQ(flat.removes(), (std::vector<int>{11, 7, 8}));
  EXPECT_EQ(Merge<Merge<int>>(Merge<int>(3)).Flatten(), Merge<int>(3));
}

TEST(MergeTest, EqualityIsByTermsInOrder) {
  EXPECT_EQ(Merge<int>::ThreeWay(0, 1, 2), Merge<int>::ThreeWay(0, 1, 2));
  EXPECT_NE(Merge<int>::ThreeWay(0, 1, 2), Merge<int>::ThreeWay(0, 2, 1));
  EXPECT_NE(Merge<int>(1), Merge<int>::ThreeWay(1, 1, 1));
}

TEST(MergePropertyTest, SimplifyPreservesSignedSum) {
  std::mt19937 rng(1234);
  for (int iter = 0; iter < 2000; ++iter) {
    Merge<int> m = RandomMerge(rng, 5, 4);
    Merge<int> s = m.Simplify();
    ASSERT_EQ(SignedSum(s), SignedSum(m));
    ASSERT_EQ(s.terms().size() % 2, 1u);
    // Nothing is left to cancel, and simplifying again changes nothing.
    for (const auto& a : s.adds())
      for (const auto& r : s.removes()) ASSERT_NE(a, r);
    ASSERT_EQ(s.Simplify(), s);
  }
}

TEST(MergePropertyTest, FlattenThenSimplifyEqualsSimplifyOfTerms) {
  std::mt19937 rng(99);
  auto sorted = [](std::vector<int> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  for (int iter = 0; iter < 1000; ++iter) {
    std::uniform_int_distribution<int> sides(1, 3);
    int n = sides(rng);
    std::vector<Merge<int>> outer;
    for (int i = 0; i < 2 * n - 1; ++i) outer.push_back(RandomMerge(rng, 3, 4));
    Merge<Merge<int>> mm = Merge<Merge<int>>::FromTerms(outer);
    // The flattened terms, built independently: signed sum of the outer
    // terms' signed sums.
    std::map<int, int> expected;
    for (size_t i = 0; i < outer.size(); ++i)
      for (const auto& [v, c] : SignedSum(outer[i])) expected[v] += i % 2 == 0 ? c : -c;
    std::erase_if(expected, [](const auto& kv) { return kv.second == 0; });
    Merge<int> flat = mm.Flatten();
    ASSERT_EQ(flat.terms().size() % 2, 1u);
    ASSERT_EQ(SignedSum(flat), expected);
    // Simplifying the inner merges first leads to the same simplified terms.
    Merge<int> a = flat.Simplify();
    Merge<int> b = mm.Map([](const Merge<int>& m) { return m.Simplify(); }).Flatten().Simplify();
    ASSERT_EQ(sorted(a.adds()), sorted(b.adds()));
    ASSERT_EQ(sorted(a.removes()), sorted(b.removes()));
    ASSERT_EQ(a.ResolveTrivial(), b.ResolveTrivial());
  }
}

TEST(MergePropertyTest, ResolveTrivialAgreesWithThreeWayRule) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> value(0, 2);
  for (int iter = 0; iter < 500; ++iter) {
    int base = value(rng), a = value(rng), b = value(rng);
    std::optional<int> expected;
    if (a == b) expected = a;
    else if (base == a) expected = b;
    else if (base == b) expected = a;
    ASSERT_EQ(Merge<int>::ThreeWay(base, a, b).ResolveTrivial(), expected)
        << base << " " << a << " " << b;
  }
}

TEST(MergePropertyTest, ResolvedResultMatchesSignedSum) {
  // When simplification leaves one term, it is the only value with a
  // non-zero count, and that count is +1.
  std::mt19937 rng(42);
  for (int iter = 0; iter < 2000; ++iter) {
    Merge<int> m = RandomMerge(rng, 4, 3);
    auto sum = SignedSum(m);
    auto s = m.Simplify();
    if (s.is_resolved()) {
      ASSERT_EQ(sum.size(), 1u);
      ASSERT_EQ(sum.begin()->first, *s.as_resolved());
      ASSERT_EQ(sum.begin()->second, 1);
    } else {
      ASSERT_NE(sum.size(), 1u);
    }
  }
}

}  // namespace
}  // namespace jvs
