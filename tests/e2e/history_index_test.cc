// End-to-end: `jvs history` prints the same with the snapshot index
// (.jvs/store/snapshot_index, a cache) as without it, and with a damaged one.

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
  const fs::path index = Root() / ".jvs" / "store" / "snapshot_index";
  const std::vector<std::vector<std::string>> commands = {
      {"history"}, {"history", "--all"}, {"history", "-n", "2"}, {"--json", "history"},
      {"--json", "history", "--all"}, {"history", "--grep", "note 3"}, {"history", "--tag", "t5"}};
  for (const auto& cmd : commands) {
    SCOPED_TRACE(cmd.back());
    fs::remove(index);
    RunResult without = Run(cmd);
    ASSERT_OK(without);
    ASSERT_TRUE(fs::exists(index)) << "history files what it read in the index";
    RunResult with = Run(cmd);
    ASSERT_OK(with);
    EXPECT_EQ(with.out, without.out);
    // A damaged index is detected, ignored and rebuilt.
    std::string data = jvs::testing::ReadFile(index);
    for (size_t i = 8; i < data.size(); i += 97) data[i] = static_cast<char>(data[i] ^ 0x5a);
    {
      std::ofstream f(index, std::ios::binary | std::ios::trunc);
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

}  // namespace
}  // namespace jvs::e2e
