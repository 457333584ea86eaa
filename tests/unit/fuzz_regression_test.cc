// Regression tests for what the fuzz targets' properties (fuzz/) found in the
// decoders and parsers, one test per bug, with the offending input.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "jvs/oplog/oplog.h"
#include "jvs/base/repo_path.h"
#include "jvs/base/timeutil.h"
#include "jvs/repo/refs.h"
#include "jvs/repo/workspace.h"
#include "wc/tree_state.h"

namespace jvs {
namespace {

const std::string kId(64, 'a');

std::string ViewWithWorktree(const std::string& name) {
  return R"({"format":1,"heads":[],"pins":[],"tags":{},"worktrees":{")" + name +
         R"(":{"head":null,"latest":null}}})";
}

TEST(FuzzRegression, ViewRejectsWorktreeNamesThatLeaveTheControlFolder) {
  // view_fuzz (12k runs, input: a worktree "main:"): a view accepted any
  // worktree name, and a worktree name becomes a directory under
  // .jvs/worktrees/ -- "../../x" pointed outside it.
  ASSERT_TRUE(View::Decode(ViewWithWorktree("main")).ok());
  for (const char* bad : {"main:", "..", "../../etc", "a/b", "", ".hidden", "@", "a b", "-x"}) {
    SCOPED_TRACE(bad);
    auto v = View::Decode(ViewWithWorktree(bad));
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code(), ErrorCode::kCorrupt);
    EXPECT_NE(v.error().message().find("invalid worktree name"), std::string::npos)
        << v.error().message();
  }
}

TEST(FuzzRegression, ViewRejectsInvalidTagNames) {
  // Same view_fuzz property: tags that `jvs tag set` refuses ("@", "a~1", "x/y") were
  // accepted from disk, and then could never be named on the command line.
  auto with_tag = [](const std::string& tag) {
    return R"({"format":1,"heads":[],"pins":[],"tags":{")" + tag + R"(":")" + kId +
           R"("},"worktrees":{"main":{"head":null,"latest":null}}})";
  };
  ASSERT_TRUE(View::Decode(with_tag("v1.0")).ok());
  for (const char* bad : {"@", "HEAD", "a~1", "x/y", "", "-f", ".."}) {
    SCOPED_TRACE(bad);
    auto v = View::Decode(with_tag(bad));
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code(), ErrorCode::kCorrupt);
  }
}

TreeState OneEntry(const std::string& path, uint64_t mode) {
  TreeState t;
  FileState s;
  s.mode = static_cast<uint32_t>(mode);
  t.entries.emplace_back(path, s);
  return t;
}

TEST(FuzzRegression, TreeStateRejectsNonNormalisedPaths) {
  // Found writing tree_state_fuzz's property (normalised paths): "a/" was
  // accepted (RepoPath::Parse drops the trailing '/'), so the state held a
  // key the scanner never looks up.
  ASSERT_TRUE(TreeState::Decode(OneEntry("a/b", 0100644).Encode()).ok());
  for (const char* bad : {"a/", "a//b", "/a", "./a", "a/../b"}) {
    SCOPED_TRACE(bad);
    auto t = TreeState::Decode(OneEntry(bad, 0100644).Encode());
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code(), ErrorCode::kCorrupt);
  }
}

TEST(FuzzRegression, TreeStateRejectsAModeAbove32Bits) {
  // tree_state_fuzz (54k runs, a mode of 0x325c9001e): a mode varint above
  // 2^32 was silently truncated, so the decoded state re-encoded to different bytes.
  // The mode is the last varint before the 32-byte id: rebuild the entry
  // with the 5-byte varint of 2^32 + 0100644 instead.
  TreeState ok = OneEntry("f", 0100644);
  std::string good = ok.Encode();
  std::string mode_enc = "\xa4\x83\x02";  // 0100644 = 33188 as LEB128
  size_t pos = good.rfind(mode_enc);
  ASSERT_NE(pos, std::string::npos);
  std::string big =
      good.substr(0, pos) + std::string("\xa4\x83\x82\x80\x10", 5) + good.substr(pos + 3);
  auto t = TreeState::Decode(big);
  ASSERT_FALSE(t.ok()) << "mode " << (t.ok() ? t->entries[0].second.mode : 0);
  EXPECT_EQ(t.error().code(), ErrorCode::kCorrupt);
  EXPECT_TRUE(TreeState::Decode(good).ok());
}

TEST(FuzzRegression, TimestampsOutsideTheInt64RangeAreRejected) {
  // timestamp_fuzz (UBSan, 277 runs, input "196996911969"): 12-digit epoch
  // seconds and years after 2262 overflowed int64 nanoseconds (signed
  // overflow, undefined behaviour).
  for (const char* bad : {"196996911969", "999999999999", "9223372037", "9999-12-31T23:59:59Z",
                          "2263-01-01T00:00:00Z", "1000-01-01T00:00:00Z"}) {
    SCOPED_TRACE(bad);
    auto t = ParseTimestamp(bad);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code(), ErrorCode::kInvalidArgument);
  }
  auto max = ParseTimestamp("2262-04-10T00:00:00Z");
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(FormatRfc3339(*max), "2262-04-10T00:00:00.000Z");
}

TEST(FuzzRegression, TimestampFieldsAreExactlyTheirDigits) {
  // timestamp_fuzz: sscanf("%2d") took signs and spaces ("T-1: 1:+1"), and the
  // offset's digits were not checked ("+a0:00" gave a wild offset).
  for (const char* bad :
       {"2026-01-01T-1:00:00Z", "2026-01-01T 1:00:00Z", "2026-01-01T01:+1:00Z",
        " 2026-01-01T01:00:00Z", "+026-01-01T01:00:00Z", "2026-01-01T01:00:00+a0:00",
        "2026-01-01T01:00:00+24:00", "2026-01-01T01:00:00+01:60", "2026-1-01T01:00:00Z"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseTimestamp(bad).ok());
  }
  auto t = ParseTimestamp("2026-01-02T03:04:05.250+01:30");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatRfc3339(*t), "2026-01-02T01:34:05.250Z");
  EXPECT_EQ(*ParseTimestamp("2026-01-02t03:04:05z"), *ParseTimestamp("2026-01-02T03:04:05Z"));
  EXPECT_EQ(*ParseTimestamp("1767323045"), *ParseTimestamp("2026-01-02T03:04:05Z"));
}

TEST(RefExpr, ParsesBaseAndSteps) {
  auto e = ParseRefExpr("v1~2~~0");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->base, "v1");
  EXPECT_EQ(e->steps, (std::vector<uint32_t>{2, 1, 0}));
  EXPECT_FALSE(e->suffix_error);
  auto tilde_first = ParseRefExpr("~1");  // a leading '~' is part of the base (a note prefix)
  ASSERT_TRUE(tilde_first.ok());
  EXPECT_EQ(tilde_first->base, "~1");
  EXPECT_TRUE(tilde_first->steps.empty());
  auto bad = ParseRefExpr("@~1x");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->steps, (std::vector<uint32_t>{1}));
  ASSERT_TRUE(bad->suffix_error);
  EXPECT_EQ(bad->suffix_error->code(), ErrorCode::kNotFound);
  auto long_n = ParseRefExpr("@~1234567");
  ASSERT_TRUE(long_n.ok());
  ASSERT_TRUE(long_n->suffix_error);
  EXPECT_EQ(long_n->suffix_error->code(), ErrorCode::kInvalidArgument);
  auto empty = ParseRefExpr("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace jvs
