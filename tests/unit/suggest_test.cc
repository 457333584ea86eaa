// "Did you mean" (jvs/suggest.h): edit distance and the choice of close names.
#include "jvs/base/suggest.h"

#include <gtest/gtest.h>

namespace jvs {
namespace {

TEST(SuggestTest, EditDistance) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("snapshot", "snapshot"), 0u);
  EXPECT_EQ(EditDistance("snapshto", "snapshot"), 1u) << "a transposition costs 1";
  EXPECT_EQ(EditDistance("snapshit", "snapshot"), 1u);
  EXPECT_EQ(EditDistance("snapsht", "snapshot"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("ca", "abc"), 3u) << "optimal string alignment, not full Damerau";
}

TEST(SuggestTest, ClosestNames) {
  std::vector<std::string> commands{"init", "info", "status",  "snapshot", "history",
                                    "log",  "diff", "restore", "tag"};
  EXPECT_EQ(ClosestNames("snapshto", commands), std::vector<std::string>{"snapshot"});
  EXPECT_EQ(ClosestNames("histroy", commands), std::vector<std::string>{"history"});
  EXPECT_EQ(ClosestNames("stat", commands), std::vector<std::string>{"status"}) << "a prefix";
  EXPECT_EQ(ClosestNames("inot", commands), std::vector<std::string>{"init"}) << "only the closest";
  EXPECT_EQ(ClosestNames("inf", commands), std::vector<std::string>{"info"})
      << "a completion ranks first";
  EXPECT_EQ(ClosestNames("tg", {"tog", "tag"}), (std::vector<std::string>{"tog", "tag"}))
      << "ties keep their order";
  EXPECT_TRUE(ClosestNames("frobnicate", commands).empty()) << "nothing plausible: no suggestion";
  EXPECT_TRUE(ClosestNames("xyz", commands).empty());
  EXPECT_TRUE(ClosestNames("", commands).empty());
  EXPECT_TRUE(ClosestNames("status", commands).empty()) << "never the word itself";
  EXPECT_EQ(ClosestNames("baselin", {"baseline", "baseline2", "other"}, 1),
            std::vector<std::string>{"baseline"});
  EXPECT_EQ(ClosestNames("v1", {"v2", "v1.0", "v13"}), (std::vector<std::string>{"v2", "v13"}))
      << "short words allow one edit";
}

TEST(SuggestTest, DidYouMean) {
  EXPECT_EQ(DidYouMean({}), "");
  EXPECT_EQ(DidYouMean({"snapshot"}), "did you mean 'snapshot'?");
  EXPECT_EQ(DidYouMean({"a", "b"}), "did you mean 'a' or 'b'?");
  EXPECT_EQ(DidYouMean({"a", "b", "c"}), "did you mean 'a', 'b' or 'c'?");
}

}  // namespace
}  // namespace jvs
