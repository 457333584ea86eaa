// Unit tests of the canonical fast path of Snapshot::Decode that history
// relies on.

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "jvs/base/hash.h"
#include "jvs/store/store.h"
#include "jvs/repo/history.h"
#include "jvs/repo/workspace.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;

Snapshot MakeSnapshot(int i, std::vector<SnapshotId> parents = {}) {
  Snapshot s;
  s.SetTree(TreeId(Sha256Of("tree" + std::to_string(i % 7))));
  s.parents = std::move(parents);
  s.change_id = TreeId(Sha256Of("change" + std::to_string(i))).hex().substr(0, 32);
  s.note = "snapshot " + std::to_string(i);
  s.created_at = "2026-01-01T00:00:" + std::string(i % 60 < 10 ? "0" : "") + std::to_string(i % 60) + ".000Z";
  s.worktree = "main";
  s.author = "tester@box";
  s.engine = "copy";
  return s;
}

void ExpectSame(const Snapshot& a, const Snapshot& b) {
  EXPECT_EQ(a.root_terms, b.root_terms);
  EXPECT_EQ(a.parents, b.parents);
  EXPECT_EQ(a.change_id, b.change_id);
  EXPECT_EQ(a.note, b.note);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.worktree, b.worktree);
  EXPECT_EQ(a.author, b.author);
  EXPECT_EQ(a.engine, b.engine);
}

// ---------------------------------------------------------------- Decode

TEST(SnapshotDecodeTest, CanonicalRoundTripWithAnyNote) {
  const std::vector<std::string> notes = {
      "", "plain", "quote \" and backslash \\", "line\nbreak\ttab", "ctrl \x01\x1f", "utf-8 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
      "del \x7f", std::string(5000, 'x')};
  int i = 0;
  for (const auto& note : notes) {
    Snapshot s = MakeSnapshot(i++, {SnapshotId(Sha256Of("p1")), SnapshotId(Sha256Of("p2"))});
    s.note = note;
    auto d = Snapshot::Decode(s.Encode());
    ASSERT_TRUE(d.ok()) << d.error().message();
    ExpectSame(*d, s);
    EXPECT_EQ(d->Encode(), s.Encode());
  }
}

TEST(SnapshotDecodeTest, NonCanonicalJsonDecodesTheSame) {
  Snapshot s = MakeSnapshot(3, {SnapshotId(Sha256Of("p"))});
  // Same content, other key order and whitespace: the general parser takes it.
  nlohmann::json j = nlohmann::json::parse(s.Encode());
  std::string pretty = j.dump(2);
  auto d = Snapshot::Decode(pretty);
  ASSERT_TRUE(d.ok()) << d.error().message();
  ExpectSame(*d, s);
}

TEST(SnapshotDecodeTest, FastPathRejectsWhatTheParserRejects) {
  std::string enc = MakeSnapshot(1).Encode();
  auto with_note = [&](const std::string& raw_note) {
    std::string e = enc;
    size_t at = e.find("\"snapshot 1\"");
    return e.replace(at, 12, "\"" + raw_note + "\"");
  };
  EXPECT_FALSE(Snapshot::Decode(with_note("bad \xff utf8")).ok());
  EXPECT_FALSE(Snapshot::Decode(with_note("overlong \xc0\xaf")).ok());
  EXPECT_FALSE(Snapshot::Decode(with_note("surrogate \xed\xa0\x80")).ok());
  EXPECT_FALSE(Snapshot::Decode(with_note("truncated \xe2\x82")).ok());
  EXPECT_FALSE(Snapshot::Decode(with_note("raw\ncontrol")).ok());
  EXPECT_TRUE(Snapshot::Decode(with_note("fine \xe2\x82\xac")).ok());
  // Field validation is the same on both paths.
  std::string bad_change = enc;
  bad_change.replace(bad_change.find("\"change_id\":\"") + 13, 1, "G");
  EXPECT_EQ(Snapshot::Decode(bad_change).error().code(), ErrorCode::kCorrupt);
  std::string upper = enc;
  size_t c = upper.find("\"change_id\":\"") + 13;
  upper.replace(c, 32, std::string(32, 'A'));
  EXPECT_FALSE(Snapshot::Decode(upper).ok());
  std::string bad_tree = enc;
  bad_tree.replace(bad_tree.find("\"tree\":\"") + 8, 2, "zz");
  EXPECT_FALSE(Snapshot::Decode(bad_tree).ok());
  EXPECT_FALSE(Snapshot::Decode(enc + " x").ok());
  EXPECT_FALSE(Snapshot::Decode(enc.substr(0, enc.size() - 1)).ok());
  std::string fmt2 = enc;
  fmt2.replace(fmt2.find("\"format\":1") + 9, 1, "2");
  EXPECT_FALSE(Snapshot::Decode(fmt2).ok());
}

}  // namespace
}  // namespace jvs
