// Crash safety under random kills: a real `jvs` process taking a large
// snapshot or doing a large restore is killed with SIGKILL at a random moment,
// JVS_CRASH_ITERATIONS times (default 50; JVS_CRASH_SEED picks the moments).
// After every kill:
//   - the repository opens and `jvs verify --all` passes;
//   - every snapshot committed before is still in `history --all`;
//   - no snapshot is half-visible: every snapshot that appeared restores to
//     exactly the files it was taken from;
//   - `jvs doctor --repair` leaves a healthy repository (`doctor` then says so)
//     once an interrupted restore is finished as its hint says;
//   - the next command works.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::WriteFile;

int EnvInt(const char* name, int dflt) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : dflt;
}

class RandomKillTest : public RepoTest {
 protected:
  std::mt19937_64 rng_{static_cast<uint64_t>(EnvInt("JVS_CRASH_SEED", 20261121))};

  std::string RandomBytes(size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; i += 8) {
      uint64_t v = rng_();
      for (size_t k = 0; k < 8 && i + k < n; ++k) s[i + k] = static_cast<char>(v >> (8 * k));
    }
    return s;
  }

  // A workspace big enough that snapshot and restore take a noticeable time.
  void MakeWorkload() {
    for (int i = 0; i < 1500; ++i)
      Write("small/d" + std::to_string(i % 30) + "/f" + std::to_string(i) + ".bin", RandomBytes(1024 + rng_() % 8192));
    for (int i = 0; i < 4; ++i) Write("big/b" + std::to_string(i) + ".bin", RandomBytes(8 << 20));
  }

  // Changes a random part of the workspace: rewrites, new files, removals, a big file.
  void Mutate(int round) {
    for (int k = 0; k < 200; ++k) {
      int i = static_cast<int>(rng_() % 1500);
      fs::path p = Ws() / ("small/d" + std::to_string(i % 30) + "/f" + std::to_string(i) + ".bin");
      if (rng_() % 10 == 0) {
        fs::remove(p);
      } else {
        WriteFile(p, RandomBytes(1024 + rng_() % 8192));
      }
    }
    Write("new/r" + std::to_string(round) + ".txt", "round " + std::to_string(round) + "\n");
    Write("big/b" + std::to_string(rng_() % 4) + ".bin", RandomBytes(8 << 20));
  }

  std::vector<json> HistoryAll() {
    RunResult r = Run({"--json", "history", "--all"});
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    json j = r.exit_code == 0 ? r.Json() : json::array();
    return j.is_array() ? std::vector<json>(j.begin(), j.end()) : std::vector<json>{};
  }
  std::set<std::string> Ids() {
    std::set<std::string> ids;
    for (const auto& s : HistoryAll()) ids.insert(s.value("snapshot_id", ""));
    return ids;
  }

  // Finishes an interrupted restore the way its hint says, if there is one.
  void FinishInterruptedRestore() {
    RunResult st = Run({"status"});
    if (st.exit_code == 0) return;
    const std::string key = "run 'jvs restore ";
    size_t at = st.err.find(key);
    ASSERT_NE(at, std::string::npos) << "status failed without an interrupted restore:\n" << st.Describe();
    std::string target = st.err.substr(at + key.size(), 12);
    RunResult r = Run({"restore", target});
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    RunResult again = Run({"status"});
    ASSERT_EQ(again.exit_code, 0) << again.Describe();
  }

  void CheckHealthy(const std::string& when) {
    SCOPED_TRACE(when);
    RunResult info = Run({"info"});
    ASSERT_EQ(info.exit_code, 0) << info.Describe();
    RunResult verify = Run({"--json", "verify", "--all"});
    ASSERT_EQ(verify.exit_code, 0) << verify.Describe();
    RunResult repair = Run({"--json", "doctor", "--repair"});
    ASSERT_NE(repair.exit_code, 3) << repair.Describe();
    // What doctor reports but leaves to the user: an interrupted restore,
    // finished as its hint says.
    FinishInterruptedRestore();
    RunResult doctor = Run({"--json", "doctor"});
    ASSERT_EQ(doctor.exit_code, 0) << doctor.Describe();
    EXPECT_TRUE(doctor.Json().value("healthy", false)) << doctor.Describe();
  }

  // Runs `args` in the workspace and kills it after `delay` unless it has
  // finished by then. Returns its exit code; `took` gets its run time when
  // it finished on its own (for the next delay).
  int RunAndKill(const std::vector<std::string>& args, std::chrono::microseconds delay, int n,
                 std::chrono::microseconds* took) {
    std::vector<std::string> argv = {JVS_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    auto start = std::chrono::steady_clock::now();
    BackgroundProcess p(Ws(), argv, CleanEnv(), Tmp() / ("run" + std::to_string(n)));
    while (std::chrono::steady_clock::now() - start < delay) {
      if (auto code = p.Poll()) {
        *took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
        return *code;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    ::kill(p.pid(), SIGKILL);
    return p.Wait();
  }

  // Brings the workspace to `id` and compares it with the manifest it was taken from.
  void ExpectRestoresTo(const std::string& id, const Manifest& expected) {
    RunResult r = Run({"restore", id});
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    EXPECT_EQ(ManifestDiff(expected, TakeManifest(Ws())), "") << "snapshot " << id;
  }
};

TEST_F(RandomKillTest, KillsDuringLargeSnapshotsAndRestoresLoseNothing) {
  const int iterations = EnvInt("JVS_CRASH_ITERATIONS", 50);
  MakeWorkload();
  // Timing of an undisturbed snapshot and restore of the size the loop does,
  // to spread the kills over them.
  std::map<std::string, Manifest> content;  // every snapshot known to exist -> its files
  std::string first = Snap("first");
  content[first] = TakeManifest(Ws());
  Mutate(0);
  auto t0 = std::chrono::steady_clock::now();
  std::string second = Snap("second");
  auto snap_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  content[second] = TakeManifest(Ws());
  t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Run({"restore", first}).exit_code, 0);
  auto restore_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  std::cerr << "[ info ] undisturbed snapshot " << snap_us.count() / 1000 << " ms, restore "
            << restore_us.count() / 1000 << " ms; " << iterations << " kills\n";

  int completed = 0, killed = 0;
  std::set<std::string> unknown_content;  // made while finishing an interrupted restore
  for (int it = 1; it <= iterations && !HasFatalFailure(); ++it) {
    SCOPED_TRACE("iteration " + std::to_string(it));
    std::set<std::string> before = Ids();
    Manifest wc_before;
    int code;
    std::string what;
    // Kills land anywhere from the start to a bit past the command's usual
    // end (the estimate follows the runs that finished before their kill).
    std::chrono::microseconds* estimate;
    std::vector<std::string> args;
    if (it % 2 == 1) {
      Mutate(it);
      what = "snapshot";
      args = {"snapshot", "round " + std::to_string(it)};
      estimate = &snap_us;
    } else {
      // Restore to a random known snapshot, with a few dirty files to capture first.
      auto pick = std::next(content.begin(), static_cast<long>(rng_() % content.size()));
      Write("dirty/x" + std::to_string(it) + ".txt", "dirty " + std::to_string(it) + "\n");
      what = "restore";
      args = {"restore", pick->first};
      estimate = &restore_us;
    }
    wc_before = TakeManifest(Ws());
    auto delay = std::chrono::microseconds(rng_() % (estimate->count() * 6 / 5 + 1));
    std::chrono::microseconds took{0};
    code = RunAndKill(args, delay, it, &took);
    if (code == 137) {
      killed++;
      *estimate = *estimate * 9 / 8;  // perhaps it takes longer than thought
    } else {
      completed++;
      *estimate = took;
    }
    ASSERT_TRUE(code == 137 || code == 0) << what << " exited with " << code;
    // A snapshot that became visible holds exactly the files it was taken
    // from (the snapshot itself, or the dirty files a restore saved first).
    std::set<std::string> mid = Ids();
    for (const auto& id : before) EXPECT_TRUE(mid.count(id)) << "snapshot " << id << " was lost by a killed " << what;
    for (const auto& id : mid)
      if (!before.count(id)) content[id] = wc_before;
    CheckHealthy("after a killed " + what);
    // Finishing an interrupted restore saves the half-updated files first.
    std::set<std::string> after = Ids();
    for (const auto& id : mid) EXPECT_TRUE(after.count(id)) << "snapshot " << id << " was lost by the repair";
    for (const auto& id : after)
      if (!mid.count(id)) unknown_content.insert(id);
    // Every few rounds, check the new snapshots byte for byte.
    if (it % 10 == 0)
      for (const auto& id : mid)
        if (!before.count(id)) ExpectRestoresTo(id, content[id]);
  }
  std::set<std::string> final_ids = Ids();
  for (const auto& id : unknown_content) EXPECT_TRUE(final_ids.count(id)) << "snapshot " << id << " was lost";
  // In the end every snapshot ever seen restores exactly.
  for (const auto& [id, m] : content) ExpectRestoresTo(id, m);
  CheckHealthy("at the end");
  std::cerr << "[ info ] " << killed << " commands killed, " << completed << " finished before the kill; "
            << content.size() << " snapshots checked\n";
  EXPECT_GT(killed, iterations / 4) << "the kills should mostly land inside the commands";
}

}  // namespace
}  // namespace jvs::e2e
