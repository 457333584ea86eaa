// View::ReferencedSnapshots: the one list of the snapshots a view keeps alive
// (gc marks from it; a snapshot missing from it would be deleted while named).

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string>

#include "jvs/base/hash.h"
#include "jvs/oplog/oplog.h"

namespace jvs {
namespace {

SnapshotId Sid(std::string_view seed) { return SnapshotId(Sha256Of(seed)); }

// A view with every field set, each to snapshots no other field names.
View FullView() {
  View v;
  // If one of these fails to compile, View or WorktreeView gained a field:
  // if it holds a SnapshotId, return it from View::ReferencedSnapshots
  // (src/oplog/oplog.cc), set it below, and add its name here.
  {
    auto& [worktrees, heads, tags, pins, user_pins] = v;
    (void)worktrees, (void)heads, (void)tags, (void)pins, (void)user_pins;
    WorktreeView probe;
    auto& [head, latest] = probe;
    (void)head, (void)latest;
  }
  v.worktrees["main"] = WorktreeView{Sid("wt-head"), Sid("wt-latest")};
  v.worktrees["other"] = WorktreeView{std::nullopt, Sid("other-latest")};
  v.worktrees["bare"] = WorktreeView{};
  v.heads = {Sid("head-1"), Sid("head-2")};
  std::sort(v.heads.begin(), v.heads.end());
  v.tags["v1"] = Sid("tag-1");
  v.pins = {Sid("pin-1")};
  v.user_pins[Sid("user-pin-1")] = PinRecord{"2026-01-01T00:00:00.000Z", "", "kept"};
  return v;
}

// Every 64-hex-digit string in the view's stored form: every snapshot id the
// view holds, whatever field it is in (views hold no other ids).
std::set<std::string> IdsInEncoding(const View& v) {
  std::set<std::string> out;
  std::string enc = v.Encode();
  std::regex hex("[0-9a-f]{64}");
  for (auto it = std::sregex_iterator(enc.begin(), enc.end(), hex); it != std::sregex_iterator();
       ++it)
    out.insert(it->str());
  return out;
}

TEST(ViewReferencedSnapshots, ReturnsEveryIdTheViewHolds) {
  View v = FullView();
  std::set<std::string> got;
  for (const auto& id : v.ReferencedSnapshots()) got.insert(id.hex());
  EXPECT_EQ(got, IdsInEncoding(v));
  EXPECT_EQ(got.size(), 8u);
}

TEST(ViewReferencedSnapshots, FieldOrderAndEachOnce) {
  View v;
  v.heads = {Sid("h")};
  v.worktrees["main"] = WorktreeView{Sid("h"), Sid("l")};
  v.tags["t"] = Sid("l");
  v.pins = {Sid("p"), Sid("h")};
  v.user_pins[Sid("u")] = PinRecord{};
  v.user_pins[Sid("p")] = PinRecord{};
  std::vector<SnapshotId> want = {Sid("h"), Sid("l"), Sid("p"), Sid("u")};
  EXPECT_EQ(v.ReferencedSnapshots(), want);
}

TEST(ViewReferencedSnapshots, EmptyView) { EXPECT_TRUE(View{}.ReferencedSnapshots().empty()); }

}  // namespace
}  // namespace jvs
