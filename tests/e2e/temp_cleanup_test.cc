// Temp files of killed commands (issue 16, item 8): the next command that
// holds a worktree lock removes the store's temp files whose writer was a
// process of this host that is gone; a writer on another host (a repository
// shared over CephFS), a live writer, and older names without a host are left
// alone (doctor judges those).
#include "integrity_util.h"

namespace jvs::e2e {
namespace {

class InterruptedTempFilesTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    Write("a.txt", "one\n");
    Snap("first");
  }
  fs::path TmpDir() const { return Root() / ".jvs/store/tmp"; }
  // Plants a partial blob named as a writer `pid` on `host` would name it.
  fs::path Plant(long pid, const std::string& host, int n) const {
    fs::path p = TmpDir() / ("obj-" + std::to_string(pid) + "@" + host + "-" + std::to_string(n) + "-77");
    jvs::testing::WriteFile(p, std::string(4096, 'p'));
    return p;
  }
};

TEST_F(InterruptedTempFilesTest, SnapshotRemovesTempFilesOfDeadProcessesOfThisHost) {
  long dead = DeadPid();
  fs::path gone = Plant(dead, "testhost", 1);  // JVS_HOST of the tests
  fs::path other_host = Plant(dead, "otherhost", 2);
  fs::path live = Plant(static_cast<long>(::getpid()), "testhost", 3);
  fs::path old_format = TmpDir() / ("obj-" + std::to_string(dead) + "-4-77");
  jvs::testing::WriteFile(old_format, "x");
  Write("a.txt", "two\n");
  ASSERT_OK(Run({"snapshot", "second"}));
  EXPECT_FALSE(fs::exists(gone)) << "a dead process's temp file stayed";
  EXPECT_TRUE(fs::exists(other_host)) << "a temp file of another host was removed";
  EXPECT_TRUE(fs::exists(live)) << "a live process's temp file was removed";
  EXPECT_TRUE(fs::exists(old_format)) << "a name without a host is doctor's to judge";
  // doctor still reports the old-format leftover of a dead process.
  RunResult d = Run({"doctor"});
  EXPECT_TRUE(Contains(d.out, old_format.filename().string())) << d.Describe();
}

TEST_F(InterruptedTempFilesTest, RestoreAndForkRemoveThemToo) {
  std::string first = Snap("again");
  long dead = DeadPid();
  fs::path a = Plant(dead, "testhost", 5);
  ASSERT_OK(Run({"restore", first.substr(0, 12)}));
  EXPECT_FALSE(fs::exists(a));
  fs::path b = Plant(dead, "testhost", 6);
  ASSERT_OK(Run({"worktree", "fork", "fk"}));
  EXPECT_FALSE(fs::exists(b));
  // A read-only command does not clean (it takes no lock).
  fs::path c = Plant(dead, "testhost", 7);
  ASSERT_OK(Run({"status"}));
  EXPECT_TRUE(fs::exists(c));
}

}  // namespace
}  // namespace jvs::e2e
