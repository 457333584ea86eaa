// Several jvs processes at once on one repository: mutating commands on a
// worktree serialize on its lock (snapshots form one line), and concurrent
// operations that only change names (tags) are all kept.
#include <memory>
#include <set>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

class ConcurrencyTest : public RepoTest {};

TEST_F(ConcurrencyTest, ParallelSnapshotsFormOneLine) {
  Write("a.txt", "a\n");
  auto env = CleanEnv({{"JVS_LOCK_TIMEOUT_MS", "30000"}});
  constexpr int kN = 6;
  std::vector<std::unique_ptr<Child>> kids;
  for (int i = 0; i < kN; ++i)
    kids.push_back(std::make_unique<Child>(Ws(), std::vector<std::string>{JVS_BINARY, "-q", "snapshot",
                                                                           "parallel " + std::to_string(i)},
                                           env));
  for (auto& k : kids) {
    RunResult r = k->Finish("", std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
  }
  json h = RunJson({"history"});
  ASSERT_TRUE(h.is_array());
  ASSERT_EQ(h.size(), static_cast<size_t>(kN)) << "every snapshot is on the current line\n" << h.dump(2);
  std::set<std::string> notes;
  for (size_t i = 0; i < h.size(); ++i) {
    notes.insert(h[i].value("note", ""));
    if (i + 1 < h.size()) {
      EXPECT_EQ(h[i]["parent_id"], h[i + 1]["snapshot_id"]);
    } else {
      EXPECT_TRUE(h[i]["parent_id"].is_null());
    }
  }
  EXPECT_EQ(notes.size(), static_cast<size_t>(kN));
  EXPECT_EQ(RunJson({"history", "--all"}).size(), static_cast<size_t>(kN));
  EXPECT_EQ(RunJson({"info"}).value("snapshot_count", 0), kN);
}

TEST_F(ConcurrencyTest, ParallelTagsAreAllKept) {
  Write("a.txt", "a\n");
  std::string id = Snap("base");
  auto env = CleanEnv();
  constexpr int kN = 5;
  std::vector<std::unique_ptr<Child>> kids;
  for (int i = 0; i < kN; ++i)
    kids.push_back(std::make_unique<Child>(
        Ws(), std::vector<std::string>{JVS_BINARY, "tag", "set", "t" + std::to_string(i)}, env));
  for (auto& k : kids) {
    RunResult r = k->Finish("", std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
  }
  json tags = RunJson({"tag", "list"});
  ASSERT_EQ(tags.size(), static_cast<size_t>(kN)) << tags.dump(2);
  for (const auto& t : tags) EXPECT_EQ(t["snapshot_id"], id);
  // The repository is still usable afterwards.
  EXPECT_EQ(Run({"snapshot", "after"}).exit_code, 0);
  EXPECT_EQ(RunJson({"history"}).size(), 2u);
}

}  // namespace
}  // namespace jvs::e2e
