// Ctrl-C and SIGTERM (issue 16, item 8): the running command stops at its
// next safe point, removes its temp files, leaves the repository and the
// files as before it, and exits 130. Real processes, real signals.
#include <signal.h>

#include <chrono>
#include <thread>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;

class InterruptTest : public RepoTest {
 protected:
  // ~`files` files of `size` bytes each, content varied by `salt`.
  void Fill(int files, size_t size, char salt) const {
    std::string body(size, salt);
    for (int i = 0; i < files; ++i) {
      body[0] = static_cast<char>('a' + i % 26);
      body[1] = static_cast<char>('a' + (i / 26) % 26);
      body[2] = static_cast<char>('a' + (i / 676) % 26);
      jvs::testing::WriteFile(Ws() / ("d" + std::to_string(i % 16)) / ("f" + std::to_string(i)), body);
    }
  }
  size_t OpCount() const { return ParseJsonRecords(Run({"--json", "op", "log"}).out).size(); }
  size_t TempFiles() const {
    size_t n = 0;
    std::error_code ec;
    for (auto it = fs::directory_iterator(Root() / ".jvs/store/tmp", ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
      ++n;
    return n;
  }
  // Runs `args` and sends `sig` after `delay`; returns the exit code and stderr.
  std::pair<int, std::string> RunAndSignal(const std::vector<std::string>& args, int sig,
                                           std::chrono::milliseconds delay, const std::string& tag) const {
    std::vector<std::string> argv = {JVS_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    BackgroundProcess p(Ws(), argv, CleanEnv({{"JVS_THREADS", "1"}}), Tmp() / tag);
    // Once it holds the worktree lock, its handlers are in place.
    EXPECT_TRUE(WaitUntilOpen(p.pid(), Root() / ".jvs/worktrees/main/lock", std::chrono::seconds(20))) << p.Err();
    std::this_thread::sleep_for(delay);
    p.Kill(sig);
    int code = p.Wait(std::chrono::seconds(60));
    return {code, p.Err()};
  }
};

TEST_F(InterruptTest, InterruptedSnapshotChangesNothingAndExits130) {
  Write("base.txt", "base\n");
  Snap("base");
  Fill(1500, 128 << 10, 'x');  // ~190 MB to read and store
  int interrupted = 0;
  for (int sig : {SIGINT, SIGTERM}) {
    for (int delay : {0, 60, 200}) {
      const size_t ops = OpCount();
      auto [code, err] = RunAndSignal({"snapshot", "big"}, sig, std::chrono::milliseconds(delay),
                                      "snap-" + std::to_string(sig) + "-" + std::to_string(delay));
      if (code == 0 || Contains(err, "it was completed")) {
        // Finished before the signal arrived (or after publishing): a complete snapshot.
        EXPECT_EQ(OpCount(), ops + 1);
        continue;
      }
      ASSERT_EQ(code, 130) << "signal " << sig << " after " << delay << " ms:\n" << err;
      ++interrupted;
      EXPECT_TRUE(Contains(err, "interrupted by")) << err;
      EXPECT_TRUE(Contains(err, "nothing was changed")) << err;
      EXPECT_TRUE(Contains(err, "hint: run the command again")) << "a hint that helps: " << err;
      EXPECT_EQ(OpCount(), ops) << "nothing was published";
      EXPECT_EQ(TempFiles(), 0u) << "temp files were removed";
      EXPECT_FALSE(fs::exists(Root() / ".jvs/worktrees/main/snapshot_pending"));
      json st = RunJson({"status"});
      EXPECT_FALSE(st.value("clean", true)) << "the files are still uncommitted: " << st.dump(2);
    }
    // Make the next round's files new again.
    Fill(1500, 128 << 10, sig == SIGINT ? 'y' : 'z');
  }
  std::cout << "[ signals  ] " << interrupted << " of 6 snapshots stopped at a safe point\n";
  EXPECT_GT(interrupted, 0) << "no run was interrupted in the middle: the workload is too small";
  // The repository is sound and a plain snapshot works.
  EXPECT_OK(Run({"verify", "--all"}));
  EXPECT_OK(Run({"snapshot", "after"}));
}

TEST_F(InterruptTest, InterruptedRestoreLeavesTheFilesAsTheyWere) {
  Fill(1200, 128 << 10, 'a');
  const std::string a = Snap("a");
  Fill(1200, 128 << 10, 'b');
  Snap("b");
  const Manifest before = TakeManifest(Ws());
  int interrupted = 0;
  for (int delay : {0, 40, 120, 300}) {
    const size_t ops = OpCount();
    auto [code, err] = RunAndSignal({"restore", a}, SIGINT, std::chrono::milliseconds(delay),
                                    "restore-" + std::to_string(delay));
    if (code == 0 || Contains(err, "it was completed")) {
      // Finished first (or signalled after publishing: completed, exit 130):
      // undo puts the files back (the workspace was clean).
      EXPECT_EQ(OpCount(), ops + 1);
      ASSERT_OK(Run({"undo"}));
      EXPECT_TRUE(TakeManifest(Ws()) == before);
      continue;
    }
    ASSERT_EQ(code, 130) << "after " << delay << " ms:\n" << err;
    ++interrupted;
    EXPECT_TRUE(Contains(err, "nothing was changed")) << err;
    EXPECT_EQ(OpCount(), ops);
    Manifest now = TakeManifest(Ws());
    EXPECT_TRUE(now == before) << ManifestDiff(before, now);
    json st = RunJson({"status"});
    EXPECT_TRUE(st.value("clean", false)) << "no marker, nothing half-applied: " << st.dump(2);
    EXPECT_EQ(TempFiles(), 0u);
  }
  std::cout << "[ signals  ] " << interrupted << " of 4 restores stopped at a safe point\n";
  EXPECT_GT(interrupted, 0) << "no restore was interrupted in the middle: the workload is too small";
}

}  // namespace
}  // namespace jvs::e2e
