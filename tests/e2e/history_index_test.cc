// End-to-end: `jvs history` prints the same with the snapshot index
// (.jvs/store/index, a cache) as without it, and with a damaged one, which
// `doctor` reports and `doctor --repair` rebuilds.

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "e2e_util.h"


namespace jvs::e2e {
namespace {

class HistoryIndexTest : public RepoTest {};

TEST_F(HistoryIndexTest, OutputIdenticalWithAndWithoutTheIndex) {
  for (int i = 0; i < 6; ++i) {
    Write("f", std::to_string(i));
    Snap("note " + std::to_string(i), i % 2 ? std::vector<std::string>{"t" + std::to_string(i)}
                                            : std::vector<std::string>{});
  }
  ASSERT_OK(Run({"worktree", "fork", "@~2", "side"}));
  const fs::path index = Root() / ".jvs" / "store" / "index";
  const std::vector<std::vector<std::string>> commands = {
      {"history"}, {"history", "--all"}, {"history", "-n", "2"}, {"--json", "history"},
      {"--json", "history", "--all"}, {"history", "--grep", "note 3"}, {"history", "--tag", "t5"}};
  for (const auto& cmd : commands) {
    SCOPED_TRACE(cmd.back());
    fs::remove_all(index);
    RunResult without = Run(cmd);
    ASSERT_OK(without);
    ASSERT_TRUE(fs::exists(index / "heads")) << "history files what it read in the index";
    RunResult with = Run(cmd);
    ASSERT_OK(with);
    EXPECT_EQ(with.out, without.out);
    // A damaged index is detected, ignored and rebuilt.
    for (const auto& e : fs::directory_iterator(index / "segments")) {
      std::string data = jvs::testing::ReadFile(e.path());
      for (size_t i = 8; i < data.size(); i += 97) data[i] = static_cast<char>(data[i] ^ 0x5a);
      std::ofstream f(e.path(), std::ios::binary | std::ios::trunc);
      f << data;
    }
    RunResult damaged = Run(cmd);
    ASSERT_OK(damaged);
    EXPECT_EQ(damaged.out, without.out);
    RunResult rebuilt = Run(cmd);
    ASSERT_OK(rebuilt);
    EXPECT_EQ(rebuilt.out, without.out);
  }
}

// A damaged segment: `doctor` names it (a warning: the index is a cache),
// `doctor --repair` builds the index again, after which doctor finds nothing.
TEST_F(HistoryIndexTest, DoctorReportsADamagedSegmentAndRepairRebuildsIt) {
  for (int i = 0; i < 4; ++i) {
    Write("f", std::to_string(i));
    Snap("note " + std::to_string(i));
  }
  ASSERT_OK(Run({"history"}));
  const fs::path segments = Root() / ".jvs" / "store" / "index" / "segments";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(segments)) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  std::string data = jvs::testing::ReadFile(files[0]);
  data[data.size() / 3] = static_cast<char>(data[data.size() / 3] ^ 0x11);
  {
    std::ofstream f(files[0], std::ios::binary | std::ios::trunc);
    f << data;
  }
  auto findings = [&](const json& report) {
    std::vector<json> out;
    for (const auto& f : report["findings"])
      if (f["category"] == "snapshot_index") out.push_back(f);
    return out;
  };
  RunResult check = Run({"--json", "doctor"});
  auto found = findings(check.Json());
  ASSERT_EQ(found.size(), 1u) << check.Describe();
  EXPECT_NE(found[0]["description"].get<std::string>().find(files[0].filename().string()), std::string::npos);
  EXPECT_EQ(found[0]["repaired"], false);
  RunResult repair = Run({"--json", "doctor", "--repair"});
  found = findings(repair.Json());
  ASSERT_EQ(found.size(), 1u) << repair.Describe();
  EXPECT_EQ(found[0]["repaired"], true);
  EXPECT_TRUE(findings(Run({"--json", "doctor"}).Json()).empty());
  EXPECT_NE(jvs::testing::ReadFile(files[0]), data) << "the segment was written again, whole";
  RunResult h = Run({"history"});
  ASSERT_OK(h);
  EXPECT_NE(h.out.find("note 3"), std::string::npos) << h.Describe();
}

}  // namespace
}  // namespace jvs::e2e
