// Many real jvs processes on one repository at once: writers of one worktree
// serialize on its lock, writers of names (tags) and of different worktrees
// publish concurrently and the next reader merges their operations; a waiter
// gives up after JVS_LOCK_TIMEOUT_MS with exit code 4; SIGKILL at random
// moments never loses a published snapshot nor leaves the repository
// unusable. Bounded: each test runs a few seconds.
// Over 400 lines on purpose: the process launcher, the concurrent scenarios and the final
// consistency check share their state.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "e2e_util.h"
#include "jvs/base/hash.h"

namespace jvs::e2e {
namespace {

using jvs::testing::ReadFile;
using jvs::testing::WriteFile;
using Clock = std::chrono::steady_clock;


bool IsOpHeadName(const std::string& name) {
  return name.size() == 64 && std::all_of(name.begin(), name.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

// One jvs invocation of a writer: writer k's i-th command.
struct Job {
  int writer = 0;
  int index = 0;
  int exit_code = -1;
  bool killed = false;  // we sent SIGKILL (it may have finished first)
  std::string out, err;
  int64_t ms = 0;  // how long it ran
  std::string Describe() const {
    return "writer " + std::to_string(writer) + " #" + std::to_string(index) + " exit " + std::to_string(exit_code) +
           (killed ? " (SIGKILL sent)" : "") + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
  }
};

struct WriterPlan {
  int writers = 8;
  int per_writer = 25;
  // argv (after the binary) of writer k's i-th command, and its directory.
  std::function<std::vector<std::string>(int k, int i)> args;
  std::function<fs::path(int k)> cwd;
  // Runs in the test process right before writer k starts command i.
  std::function<void(int k, int i)> before;
  std::map<std::string, std::string> env;
  // Kill: each command is picked with this probability and gets SIGKILL after
  // a random delay of up to kill_within.
  double kill_probability = 0;
  std::chrono::milliseconds kill_within{0};
  uint32_t seed = 1;
  std::chrono::seconds limit{120};
};

// Runs every writer's commands one after the other, all writers at once.
std::vector<Job> RunWriters(const WriterPlan& plan, const fs::path& logs) {
  fs::create_directories(logs);
  std::mt19937 rng(plan.seed);
  std::uniform_real_distribution<double> coin(0, 1);
  std::uniform_int_distribution<int> delay(0, static_cast<int>(plan.kill_within.count()));
  struct Slot {
    std::unique_ptr<BackgroundProcess> proc;
    Job job;
    std::optional<Clock::time_point> kill_at;
    Clock::time_point started;
  };
  std::vector<Slot> slots(static_cast<size_t>(plan.writers));
  std::vector<int> next(static_cast<size_t>(plan.writers), 0);
  std::vector<Job> done;
  const auto deadline = Clock::now() + plan.limit;
  while (true) {
    bool busy = false;
    for (int k = 0; k < plan.writers; ++k) {
      Slot& s = slots[static_cast<size_t>(k)];
      if (s.proc) {
        if (auto code = s.proc->Poll()) {
          s.job.exit_code = *code;
          s.job.out = s.proc->Out();
          s.job.err = s.proc->Err();
          s.job.ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - s.started).count();
          done.push_back(s.job);
          s.proc.reset();
        } else if (s.kill_at && Clock::now() >= *s.kill_at) {
          s.proc->Kill(SIGKILL);
          s.job.killed = true;
          s.kill_at.reset();
        }
      }
      if (!s.proc && next[static_cast<size_t>(k)] < plan.per_writer) {
        int i = next[static_cast<size_t>(k)]++;
        if (plan.before) plan.before(k, i);
        std::vector<std::string> argv = {JVS_BINARY};
        for (auto& a : plan.args(k, i)) argv.push_back(std::move(a));
        s.job = Job{k, i, -1, false, "", "", 0};
        s.started = Clock::now();
        s.kill_at.reset();
        // Both draws happen for every command, so the schedule depends on the seed only.
        bool kill = coin(rng) < plan.kill_probability;
        int ms = delay(rng);
        if (kill) s.kill_at = Clock::now() + std::chrono::milliseconds(ms);
        s.proc = std::make_unique<BackgroundProcess>(
            plan.cwd(k), argv, plan.env, logs / ("w" + std::to_string(k) + "-" + std::to_string(i)));
      }
      busy = busy || s.proc;
    }
    if (!busy) break;
    if (Clock::now() > deadline) {
      ADD_FAILURE() << "writers did not finish within " << plan.limit.count() << " s";
      for (auto& s : slots)
        if (s.proc) s.proc->Kill(SIGKILL);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done;
}

int64_t Slowest(const std::vector<Job>& jobs) {
  int64_t m = 0;
  for (const auto& j : jobs) m = std::max(m, j.ms);
  return m;
}

class OpLogStressTest : public RepoTest {
 protected:
  fs::path HeadsDir() const { return Root() / ".jvs/op_heads"; }
  // Real clocks and random ids: what concurrent users have.
  std::map<std::string, std::string> WriterEnv() const {
    return CleanEnv({{"JVS_TIMESTAMP", std::nullopt},
                     {"JVS_RANDOMNESS_SEED", std::nullopt},
                     {"JVS_LOCK_TIMEOUT_MS", "120000"}});
  }
  std::vector<std::string> HeadNames() const {
    std::vector<std::string> out;
    for (const auto& n : ListDirNames(HeadsDir()))
      if (IsOpHeadName(n)) out.push_back(n);
    return out;
  }
  std::vector<json> OpLog() const {
    RunResult r = Run({"--json", "op", "log"});
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r.exit_code == 0 ? ParseJsonRecords(r.out) : std::vector<json>{};
  }
  // note -> snapshot of `history --all --json`.
  std::map<std::string, json> AllByNote() const {
    std::map<std::string, json> out;
    for (const auto& e : RunJson({"history", "--all"})) out[e.value("note", "")] = e;
    return out;
  }
  // SHA-256 of `path` in snapshot `id` ("" when absent), through a diff from
  // `base`, a snapshot without that path.
  std::string BlobIn(const std::string& base, const std::string& id, const std::string& path) const {
    json d = RunJson({"diff", base, id});
    if (!d.is_object() || !d.contains("added")) return "";
    for (const auto& e : d["added"])
      if (e.value("path", "") == path && e["new_hash"].is_string()) return e["new_hash"].get<std::string>();
    return "";
  }
  static std::string Sha(const std::string& data) {
    Digest d = Sha256Of(data);
    return ToHex(d.data(), d.size());
  }
  static std::string Note(int k, int i) { return "w" + std::to_string(k) + "-" + std::to_string(i); }
  static std::string Content(int k, int i) { return std::to_string(k) + "-" + std::to_string(i) + "\n"; }
};

// ---- 8 processes x 25 snapshots in one worktree ----

TEST_F(OpLogStressTest, ConcurrentSnapshotsInOneWorktree) {
  Write("base.txt", "base\n");
  const std::string base = Snap("base");
  WriterPlan plan;
  plan.args = [](int k, int i) { return std::vector<std::string>{"--json", "snapshot", Note(k, i)}; };
  plan.cwd = [this](int) { return Ws(); };
  plan.before = [this](int k, int i) { Write("w" + std::to_string(k) + ".txt", Content(k, i)); };
  plan.env = WriterEnv();
  const auto t0 = Clock::now();
  std::vector<Job> jobs = RunWriters(plan, Tmp() / "logs");
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::cout << "[ stress   ] " << jobs.size() << " concurrent snapshots in " << secs << " s (slowest command "
            << Slowest(jobs) << " ms)\n";
  ASSERT_EQ(jobs.size(), 200u);

  std::map<std::string, std::string> op_of;  // note -> operation id
  std::map<std::string, std::string> id_of;   // note -> snapshot id
  for (const auto& j : jobs) {
    ASSERT_EQ(j.exit_code, 0) << j.Describe();
    json s = ParseJson(j.out);
    ASSERT_TRUE(s.is_object() && s.contains("op_id")) << j.Describe();
    op_of[Note(j.writer, j.index)] = s["op_id"].get<std::string>();
    id_of[Note(j.writer, j.index)] = s["snapshot_id"].get<std::string>();
  }

  // Every snapshot is visible, on one line (they serialized on the lock).
  std::map<std::string, json> all = AllByNote();
  for (const auto& [note, id] : id_of) {
    ASSERT_TRUE(all.count(note)) << note << " is missing from history --all";
    EXPECT_EQ(all[note]["snapshot_id"], id);
  }
  json line = RunJson({"history"});
  ASSERT_EQ(line.size(), 201u) << "the 200 snapshots and the base form one line";
  for (size_t i = 0; i + 1 < line.size(); ++i) EXPECT_EQ(line[i]["parent_id"], line[i + 1]["snapshot_id"]);
  EXPECT_EQ(line.back()["snapshot_id"], base);

  // Every operation is in the op log, which is one chain.
  std::vector<json> log = OpLog();
  std::set<std::string> logged;
  for (const auto& e : log) logged.insert(e.value("op_id", ""));
  for (const auto& [note, op] : op_of) EXPECT_TRUE(logged.count(op)) << "operation of " << note << " not in op log";
  EXPECT_EQ(HeadNames().size(), 1u) << ::testing::PrintToString(ListDirNames(HeadsDir()));

  EXPECT_EQ(RunJson({"status"}).value("clean", false), true);

  // What goes wrong when a command touches files it was not asked to: each
  // snapshot must hold its writer's file as written just before it ran
  // (sampled), the working copy must still hold what each writer wrote last,
  // and nothing but the snapshots may be recorded.
  std::vector<std::string> symptoms;
  std::mt19937 rng(7);
  for (int n = 0; n < 12; ++n) {
    int k = static_cast<int>(rng() % 8), i = static_cast<int>(rng() % 25);
    if (BlobIn(base, id_of[Note(k, i)], "w" + std::to_string(k) + ".txt") != Sha(Content(k, i)))
      symptoms.push_back("snapshot " + Note(k, i) + " does not hold w" + std::to_string(k) + ".txt = " +
                         Content(k, i).substr(0, Content(k, i).size() - 1));
  }
  for (int k = 0; k < 8; ++k) {
    const std::string f = "w" + std::to_string(k) + ".txt";
    if (Read(f) != Content(k, 24))
      symptoms.push_back("the working copy's " + f + " was changed behind its writer's back: " + Read(f));
  }
  for (const auto& e : log) {
    const std::string d = e.value("description", "");
    if (d.rfind("snapshot ", 0) != 0 && d != "initialize repository" && !e.value("is_merge", false))
      symptoms.push_back("unrequested operation: " + d + " (" + e.value("command", "") + ")");
  }
  for (const auto& [note, s] : all)
    if (!id_of.count(note) && note != "base") symptoms.push_back("unrequested snapshot: " + note);
  std::string list;
  for (size_t n = 0; n < symptoms.size() && n < 8; ++n) list += "\n  " + symptoms[n];
  EXPECT_TRUE(symptoms.empty()) << "concurrent snapshots in one worktree: a command touched files or recorded "
                                   "what it was not asked to ("
                                << symptoms.size() << " symptoms):" << list;
}

// ---- 8 processes x 25 tag set: no worktree lock, real concurrent publication ----

TEST_F(OpLogStressTest, ConcurrentTagSetsAreAllMerged) {
  Write("a.txt", "a\n");
  const std::string base = Snap("base");
  WriterPlan plan;
  plan.args = [](int k, int i) { return std::vector<std::string>{"--json", "tag", "set", "t" + Note(k, i)}; };
  plan.cwd = [this](int) { return Ws(); };
  plan.env = WriterEnv();
  const auto t0 = Clock::now();
  std::vector<Job> jobs = RunWriters(plan, Tmp() / "logs");
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::cout << "[ stress   ] " << jobs.size() << " concurrent tag sets in " << secs << " s (slowest command "
            << Slowest(jobs) << " ms)\n";
  ASSERT_EQ(jobs.size(), 200u);
  std::set<std::string> ops;
  for (const auto& j : jobs) {
    ASSERT_EQ(j.exit_code, 0) << j.Describe();
    ops.insert(ParseJson(j.out).value("op_id", ""));
  }
  json tags = RunJson({"tag", "list"});
  ASSERT_EQ(tags.size(), 200u);
  for (const auto& t : tags) EXPECT_EQ(t["snapshot_id"], base) << t.dump();
  EXPECT_EQ(HeadNames().size(), 1u) << "the reader merged every head";
  std::vector<json> log = OpLog();
  std::set<std::string> logged;
  size_t merges = 0;
  for (const auto& e : log) {
    logged.insert(e.value("op_id", ""));
    if (e.value("is_merge", false)) {
      ++merges;
      EXPECT_GE(e["parents"].size(), 2u) << e.dump(2);
    }
  }
  for (const auto& op : ops) EXPECT_TRUE(logged.count(op)) << op << " is not in op log";
  EXPECT_GT(merges, 0u) << "200 concurrent publications produced no merge operation";
  std::cout << "[ stress   ] " << merges << " merge operations\n";
  // The merged repository is fully usable.
  Write("a.txt", "b\n");
  ASSERT_OK(Run({"snapshot", "after"}));
  EXPECT_EQ(RunJson({"tag", "list"}).size(), 200u);
  EXPECT_EQ(HeadNames().size(), 1u);
}

// ---- writers of different worktrees publish concurrently ----

TEST_F(OpLogStressTest, ConcurrentSnapshotsInDifferentWorktrees) {
  Write("a.txt", "a\n");
  Snap("base");
  constexpr int kWorktrees = 4, kPerWorktree = 2, kSnaps = 6;
  std::vector<fs::path> dirs = {Ws()};
  for (int w = 1; w < kWorktrees; ++w) {
    json f = RunJson({"worktree", "fork", "wt" + std::to_string(w)});
    ASSERT_TRUE(f.contains("path")) << f.dump(2);
    dirs.push_back(f["path"].get<std::string>());
  }
  WriterPlan plan;
  plan.writers = kWorktrees * kPerWorktree;
  plan.per_writer = kSnaps;
  plan.args = [](int k, int i) { return std::vector<std::string>{"--json", "snapshot", Note(k, i)}; };
  plan.cwd = [&](int k) { return dirs[static_cast<size_t>(k % kWorktrees)]; };
  plan.before = [&](int k, int i) {
    WriteFile(dirs[static_cast<size_t>(k % kWorktrees)] / ("w" + std::to_string(k) + ".txt"), Content(k, i));
  };
  plan.env = WriterEnv();
  const auto t0 = Clock::now();
  std::vector<Job> jobs = RunWriters(plan, Tmp() / "logs");
  std::cout << "[ stress   ] " << jobs.size() << " snapshots in " << kWorktrees << " worktrees in "
            << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";
  std::map<std::string, std::string> op_of;
  for (const auto& j : jobs) {
    ASSERT_EQ(j.exit_code, 0) << j.Describe();
    op_of[Note(j.writer, j.index)] = ParseJson(j.out).value("op_id", "");
  }
  std::map<std::string, json> all = AllByNote();
  for (const auto& [note, op] : op_of) EXPECT_TRUE(all.count(note)) << note << " missing from history --all";
  // Each worktree's line holds its own writers' snapshots.
  for (int w = 0; w < kWorktrees; ++w) {
    RunResult h = Jvs(dirs[static_cast<size_t>(w)], {"--json", "history"});
    ASSERT_OK(h);
    std::set<std::string> notes;
    for (const auto& e : h.Json()) notes.insert(e.value("note", ""));
    for (int k = w; k < plan.writers; k += kWorktrees)
      for (int i = 0; i < kSnaps; ++i) EXPECT_TRUE(notes.count(Note(k, i))) << Note(k, i) << " not on wt " << w;
    RunResult st = Jvs(dirs[static_cast<size_t>(w)], {"--json", "status"});
    ASSERT_OK(st);
    EXPECT_EQ(st.Json().value("clean", false), true) << st.Describe();
  }
  std::vector<json> log = OpLog();
  std::set<std::string> logged;
  size_t merges = 0;
  for (const auto& e : log) {
    logged.insert(e.value("op_id", ""));
    merges += e.value("is_merge", false);
  }
  for (const auto& [note, op] : op_of) EXPECT_TRUE(logged.count(op)) << "operation of " << note << " not in op log";
  EXPECT_EQ(HeadNames().size(), 1u);
  std::cout << "[ stress   ] " << merges << " merge operations\n";
}

// ---- a waiter gives up ----

TEST_F(OpLogStressTest, WaiterGivesUpWithExitFourAndAHint) {
  Write("a.txt", "1\n");
  const std::string s1 = Snap("one");
  Write("a.txt", "2\n");
  Snap("two");
  Write("a.txt", "dirty\n");
  const size_t ops_before = OpLog().size();
  FileLock lock(Root() / ".jvs/worktrees/main/lock");
  ASSERT_TRUE(lock.locked());
  const EnvOverrides quick = {{"JVS_LOCK_TIMEOUT_MS", "200"}};
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"snapshot", "blocked"}, {"restore", s1}, {"undo"}, {"op", "restore", "@-"}}) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const auto t0 = Clock::now();
    RunResult r = JvsEnv(Ws(), args, quick);
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
    EXPECT_EQ(r.exit_code, 4) << r.Describe();
    EXPECT_EQ(r.out, "") << r.Describe();
    EXPECT_EQ(r.err.rfind("jvs: error: ", 0), 0u) << r.Describe();
    EXPECT_TRUE(Contains(r.err, "\nhint: ")) << r.Describe();
    EXPECT_TRUE(Contains(r.err, "JVS_LOCK_TIMEOUT_MS")) << "the hint names the setting\n" << r.Describe();
    EXPECT_GE(waited.count(), 190) << "it waited for the limit first";
    EXPECT_LT(waited.count(), 20000);
    if (args[0] != "undo") continue;
    std::vector<std::string> jargs = {"--json"};
    jargs.insert(jargs.end(), args.begin(), args.end());
    RunResult j = JvsEnv(Ws(), jargs, quick);
    EXPECT_EQ(j.exit_code, 4) << j.Describe();
    json e = ParseJson(j.out);
    EXPECT_EQ(e["error"]["code"], "E_LOCKED") << j.Describe();
  }
  // Commands that do not write this worktree do not wait.
  EXPECT_OK(JvsEnv(Ws(), {"history"}, quick));
  EXPECT_OK(JvsEnv(Ws(), {"op", "log"}, quick));
  EXPECT_OK(JvsEnv(Ws(), {"tag", "set", "while-locked"}, quick));
  EXPECT_EQ(Read("a.txt"), "dirty\n") << "nothing touched the files";
  EXPECT_EQ(OpLog().size(), ops_before + 1) << "only the tag was recorded";
  lock.Release();
  // A waiter with a longer limit gets the lock once it is free.
  FileLock again(Root() / ".jvs/worktrees/main/lock");
  BackgroundProcess waiter(Ws(), {JVS_BINARY, "snapshot", "waited"}, CleanEnv({{"JVS_LOCK_TIMEOUT_MS", "30000"}}),
                           Tmp() / "waiter");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(waiter.Poll().has_value()) << "it waits while the lock is held\n" << waiter.Err();
  again.Release();
  EXPECT_EQ(waiter.Wait(std::chrono::seconds(30)), 0) << waiter.Err();
  EXPECT_TRUE(Contains(waiter.Out(), "Created snapshot")) << waiter.Out();
}

// ---- an undo that waited for the lock ----

// `jvs undo` decides what to undo, then waits for the worktree lock; an
// operation published meanwhile (a tag: no worktree lock) must not be lost.
TEST_F(OpLogStressTest, UndoThatWaitedForTheLockKeepsAConcurrentOperation) {
  Write("a.txt", "1\n");
  const std::string s1 = Snap("one");
  Write("a.txt", "2\n");
  const std::string s2 = Snap("two");
  const fs::path lock_path = Root() / ".jvs/worktrees/main/lock";
  FileLock lock(lock_path);
  BackgroundProcess undo(Ws(), {JVS_BINARY, "--json", "undo"}, CleanEnv({{"JVS_LOCK_TIMEOUT_MS", "30000"}}),
                         Tmp() / "undo");
  ASSERT_TRUE(WaitUntilOpen(undo.pid(), lock_path, std::chrono::seconds(20))) << undo.Err();
  ASSERT_OK(Run({"tag", "set", "meanwhile"}));
  lock.Release();
  ASSERT_EQ(undo.Wait(std::chrono::seconds(30)), 0) << undo.Out() << undo.Err();
  json u = ParseJson(undo.Out());
  json tags = RunJson({"tag", "list"});
  const std::string head = RunJson({"status"}).value("head_snapshot_id", "");
  const bool tag_kept = tags.dump().find("meanwhile") != std::string::npos;
  // Either the undo took back the latest operation (the tag), or it took back
  // the snapshot and kept the tag; never both. It reports what it recorded.
  EXPECT_TRUE(tag_kept || head == s2) << "the tag set meanwhile was dropped with the snapshot: "
                                      << u.value("description", "");
  if (head == s1) {
    EXPECT_TRUE(tag_kept);
  }
  EXPECT_TRUE(Contains(u.value("description", ""), tag_kept ? "snapshot" : "tag meanwhile"))
      << u.value("description", "");
}

// ---- kill -9 ----

TEST_F(OpLogStressTest, KillNineDuringConcurrentSnapshots) {
  Write("base.txt", "base\n");
  const std::string base = Snap("base");
  const uint32_t seed = 20260101;
  std::cout << "[ stress   ] kill -9 seed " << seed << "\n";
  RecordProperty("kill_seed", std::to_string(seed));
  WriterPlan plan;
  plan.per_writer = 12;
  plan.args = [](int k, int i) { return std::vector<std::string>{"snapshot", Note(k, i)}; };
  plan.cwd = [this](int) { return Ws(); };
  plan.before = [this](int k, int i) { Write("w" + std::to_string(k) + ".txt", Content(k, i)); };
  plan.env = WriterEnv();
  plan.kill_probability = 0.4;
  plan.kill_within = std::chrono::milliseconds(30);
  plan.seed = seed;
  const auto t0 = Clock::now();
  std::vector<Job> jobs = RunWriters(plan, Tmp() / "logs");
  size_t killed = 0, ok = 0;
  for (const auto& j : jobs) {
    killed += j.exit_code == 128 + SIGKILL;
    ok += j.exit_code == 0;
  }
  std::cout << "[ stress   ] " << jobs.size() << " snapshots, " << killed << " killed, " << ok << " completed, in "
            << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";
  EXPECT_GT(killed, 0u);
  std::vector<std::string> symptoms;
  for (const auto& j : jobs) {
    if (j.exit_code == 0 || j.exit_code == 128 + SIGKILL) continue;
    if (Contains(j.err, "interrupted restore")) {
      // Only a restore leaves that marker: a snapshot-only workload ran one
      // it was not asked for (see ConcurrentSnapshotsInOneWorktree).
      symptoms.push_back("snapshot refused after a killed, unrequested restore: " + j.err);
      continue;
    }
    ADD_FAILURE() << j.Describe();
  }

  // The repository opens.
  RunResult info = Run({"info"});
  ASSERT_OK(info);
  // A later command merges or drops whatever heads were left.
  ASSERT_OK(Run({"history", "--all"}));
  EXPECT_EQ(HeadNames().size(), 1u) << ::testing::PrintToString(ListDirNames(HeadsDir()));
  for (const auto& n : ListDirNames(HeadsDir()))
    if (!IsOpHeadName(n)) std::cout << "[ stress   ] left in op_heads (not a head): " << n << "\n";

  // Nothing committed is lost: every snapshot reported as created is visible,
  // with the content its writer had written.
  std::map<std::string, json> all = AllByNote();
  std::vector<const Job*> created;
  for (const auto& j : jobs) {
    const std::string note = Note(j.writer, j.index);
    size_t pos = j.out.find("Created snapshot ");
    if (j.exit_code == 0) {
      EXPECT_NE(pos, std::string::npos) << j.Describe();
    }
    if (pos == std::string::npos) continue;
    std::string short_id = j.out.substr(pos + 17, j.out.find_first_of(" \n", pos + 17) - pos - 17);
    ASSERT_TRUE(all.count(note)) << note << " was created but is not in history --all\n" << j.Describe();
    EXPECT_EQ(all[note]["snapshot_id"].get<std::string>().rfind(short_id, 0), 0u) << j.Describe();
    created.push_back(&j);
  }
  size_t published_then_killed = 0;
  for (const auto& j : jobs)
    if (j.exit_code == 128 + SIGKILL && all.count(Note(j.writer, j.index))) ++published_then_killed;
  std::cout << "[ stress   ] " << published_then_killed << " killed after publishing their snapshot\n";
  EXPECT_TRUE(symptoms.empty()) << (symptoms.empty() ? "" : symptoms[0]) << " (" << symptoms.size() << " in all)";
  symptoms.clear();
  // Each holds what its writer wrote (sampled), and restores.
  std::mt19937 rng(seed);
  for (int n = 0; n < 10 && !created.empty(); ++n) {
    const Job* j = created[rng() % created.size()];
    const std::string id = all[Note(j->writer, j->index)]["snapshot_id"].get<std::string>();
    if (BlobIn(base, id, "w" + std::to_string(j->writer) + ".txt") != Sha(Content(j->writer, j->index)))
      symptoms.push_back("snapshot " + Note(j->writer, j->index) + " does not hold what its writer wrote");
  }
  for (int n = 0; n < 3 && !created.empty(); ++n) {
    const Job* j = created[rng() % created.size()];
    RunResult r = Run({"restore", all[Note(j->writer, j->index)]["snapshot_id"].get<std::string>()});
    ASSERT_OK(r);
    if (Read("w" + std::to_string(j->writer) + ".txt") != Content(j->writer, j->index))
      symptoms.push_back("restored " + Note(j->writer, j->index) + " holds " + Read("w" + std::to_string(j->writer) + ".txt"));
  }
  // The log reads back completely, and the repository keeps working.
  std::vector<json> log = OpLog();
  EXPECT_GE(log.size(), created.size() + 2);
  Write("after.txt", "after\n");
  RunResult after = Run({"snapshot", "after"});
  EXPECT_OK(after);
  EXPECT_EQ(RunJson({"status"}).value("clean", false), true);
  EXPECT_EQ(HeadNames().size(), 1u);
  EXPECT_TRUE(symptoms.empty()) << "snapshots that do not hold what their writer wrote: "
                                << (symptoms.empty() ? "" : symptoms[0]) << " (" << symptoms.size() << " in all)";
}

}  // namespace
}  // namespace jvs::e2e
