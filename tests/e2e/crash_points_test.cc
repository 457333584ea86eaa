// Crash tests: every fault point of snapshot, restore, fork, operation
// publication and the merge of concurrent operations (fault::KnownPoints()),
// run in a real jvs process that is killed there by SIGKILL
// (JVS_FAULT_POINT=NAME:kill) or fails there (NAME:error).
//
// After each run:
// - the repository opens, `verify --all` passes, `doctor --repair` finds no
//   damage, and it lists its history (CheckRepositoryHealthy);
// - nothing committed before is lost: every earlier snapshot is still listed;
// - nothing is half-visible: every listed snapshot forks into a new worktree
//   byte for byte as the files were when it was taken, and a snapshot appears
//   only if its operation was published (before the commit point: the op
//   heads, the history and the files are exactly as before);
// - the next normal command succeeds (for an interrupted restore or fork:
//   after following the hint that the next command gives);
// - with :error, the command fails with "injected fault at NAME" (before the
//   commit point, and where the design says a failure after publishing is an
//   error) or succeeds with that warning (where a failure after publishing is
//   only a warning).
// A listed point that its scenario never reaches fails the test, and so does a
// point of these flows that the table below does not classify.
// Over 400 lines on purpose: the table of every fault point's expected outcome and the checker that
// runs it must stay together.

#include <signal.h>

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "e2e_util.h"
#include "jvs/base/fault.h"

namespace jvs::e2e {
namespace {

using jvs::testing::WriteFile;

// ------------------------------------------------------------- the points

// What an injected error at a point does to the command.
enum class OnError {
  kFails,  // the command fails with the injected error
  kWarns,  // the operation is already published: the command succeeds and warns
};

struct PointInfo {
  bool after_commit;  // the operation (or merge) is published when the point is reached
  OnError on_error;
};

// Every point of the flows under test, classified. A new point must be added
// here (the test fails otherwise), which forces a decision about what a crash
// or a failure there must leave behind.
const std::map<std::string, PointInfo>& Classified() {
  static const std::map<std::string, PointInfo> m = [] {
    std::map<std::string, PointInfo> t;
    const PointInfo before{false, OnError::kFails}, after_fails{true, OnError::kFails},
        after_warns{true, OnError::kWarns};
    for (const char* p : {"snapshot.after_scan", "snapshot.ingest_file", "snapshot.after_ingest",
                          "snapshot.after_trees", "snapshot.before_publish"})
      t[p] = before;
    t["snapshot.after_publish"] = after_warns;
    t["snapshot.after_tree_state"] = after_warns;
    for (std::string flow : {"restore"}) {
      for (const char* step : {".after_capture", ".stage_file", ".after_stage", ".after_marker"})
        t[flow + step] = before;
      // After publishing, a failure leaves the interrupted-restore marker: the
      // command fails and the next one says how to finish.
      t[flow + ".after_publish"] = after_fails;
      t[flow + ".apply_file"] = after_fails;
      t[flow + ".before_tree_state"] = after_warns;
      t[flow + ".before_clear_marker"] = after_warns;
    }
    // Fork writes a fresh directory before publishing; after that only the
    // tree state is left, so a failure is a warning.
    for (const char* p : {"fork.after_prepare", "fork.materialize_file", "fork.after_materialize"}) t[p] = before;
    t["fork.after_publish"] = after_warns;
    t["fork.after_tree_state"] = after_warns;
    for (const char* p : {"publish.after_view", "publish.after_op", "publish.after_barrier"})
      t[p] = before;
    t["publish.after_new_head"] = after_warns;
    t["publish.after_remove_old_head"] = after_warns;
    for (const char* p : {"merge.after_view", "merge.after_op", "merge.after_barrier"})
      t[p] = before;
    // The merge runs when a command opens the repository: failing that command
    // after the merge is published is harmless (it did nothing yet).
    t["merge.after_new_head"] = after_fails;
    t["merge.after_remove_old_heads"] = after_fails;
    return t;
  }();
  return m;
}

std::string FlowOf(std::string_view point) { return std::string(point.substr(0, point.find('.'))); }

bool InScope(std::string_view point) {
  static const std::set<std::string> flows = {"snapshot", "restore", "fork", "publish", "merge"};
  return flows.count(FlowOf(point)) > 0;
}

bool PerFile(std::string_view point) {
  return point.size() > 5 && point.substr(point.size() - 5) == "_file";
}

enum class Scenario { kSnapshot, kRestore, kFork, kMerge };

const char* ScenarioName(Scenario s) {
  switch (s) {
    case Scenario::kSnapshot:
      return "snapshot";
    case Scenario::kRestore:
      return "restore";
    case Scenario::kFork:
      return "fork";
    case Scenario::kMerge:
      return "merge";
  }
  return "?";
}

struct Case {
  std::string point;
  bool kill = true;
  int at = 1;  // the hit that fires
  Scenario scenario = Scenario::kSnapshot;

  std::string Spec() const {
    return point + (kill ? ":kill" : ":error") + (at > 1 ? "@" + std::to_string(at) : "");
  }
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.Spec() << " in the " << ScenarioName(c.scenario) << " scenario";
}

std::vector<Case> AllCases() {
  std::vector<Case> out;
  for (std::string_view p : fault::KnownPoints()) {
    if (!InScope(p)) continue;  // e.g. gc.*: tested with gc
    std::string flow = FlowOf(p);
    std::vector<Scenario> scenarios;
    if (flow == "snapshot") scenarios = {Scenario::kSnapshot};
    if (flow == "restore") scenarios = {Scenario::kRestore};
    if (flow == "fork") scenarios = {Scenario::kFork};
    if (flow == "merge") scenarios = {Scenario::kMerge};
    if (flow == "publish") scenarios = {Scenario::kSnapshot, Scenario::kRestore, Scenario::kFork};
    for (Scenario s : scenarios)
      for (bool kill : {true, false})
        for (int at : PerFile(p) ? std::vector<int>{1, 3} : std::vector<int>{1})
          out.push_back(Case{std::string(p), kill, at, s});
  }
  return out;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  const Case& c = info.param;
  std::string n = c.point + (c.kill ? "_kill" : "_error") +
                  (c.at > 1 ? "_at" + std::to_string(c.at) : "") + "_in_" +
                  ScenarioName(c.scenario);
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

// ------------------------------------------------------------- helpers

struct HistoryEntry {
  std::string id;
  std::string note;
};

// The checks every repository must pass after any crash or failure: it opens,
// its history and operation log can be listed, its worktrees are listed.
// Returns `jvs history --all` (empty, with a test failure, when it cannot be
// listed). The place to add `jvs verify --all` and `jvs doctor` once they exist.
std::vector<HistoryEntry> CheckRepositoryHealthy(const fs::path& dir) {
  std::vector<HistoryEntry> out;
  RunResult info = Jvs(dir, {"--json", "info"});
  EXPECT_EQ(info.exit_code, 0) << "the repository must open\n" << info.Describe();
  RunResult oplog = Jvs(dir, {"--json", "op", "log"});
  EXPECT_EQ(oplog.exit_code, 0) << "the operation log must be readable\n" << oplog.Describe();
  RunResult wts = Jvs(dir, {"--json", "worktree", "list"});
  EXPECT_EQ(wts.exit_code, 0) << wts.Describe();
  // Every reachable object intact, every operation and view hashing to its id.
  RunResult verify = Jvs(dir, {"--json", "verify", "--all"});
  EXPECT_EQ(verify.exit_code, 0) << "verify --all must pass\n" << verify.Describe();
  // doctor --repair may have work (temp files, op heads) but finds no damage.
  RunResult repair = Jvs(dir, {"--json", "doctor", "--repair"});
  EXPECT_NE(repair.exit_code, 3) << repair.Describe();
  RunResult h = Jvs(dir, {"--json", "history", "--all"});
  EXPECT_EQ(h.exit_code, 0) << "the history must be listed\n" << h.Describe();
  if (h.exit_code != 0) return out;
  json j = ParseJson(h.out);
  EXPECT_TRUE(j.is_array()) << h.out;
  if (!j.is_array()) return out;
  for (const auto& e : j) out.push_back({e.value("snapshot_id", ""), e.value("note", "")});
  return out;
}

class CrashPointTest : public RepoTest, public ::testing::WithParamInterface<Case> {
 protected:
  fs::path Heads() const { return Root() / ".jvs" / "op_heads"; }
  fs::path Wt() const { return Root() / "worktrees" / "wt"; }
  fs::path Marker(const std::string& worktree) const {
    return Root() / ".jvs" / "worktrees" / worktree / "checkout_pending";
  }

  // jvs ARGS in `cwd`; expects success.
  json Ok(const fs::path& cwd, std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    RunResult r = Jvs(cwd, args);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r.exit_code == 0 ? r.Json() : json();
  }
  std::string SnapOk(const fs::path& cwd, const std::string& note) {
    json j = Ok(cwd, {"snapshot", note});
    std::string id = j.is_object() ? j.value("snapshot_id", "") : "";
    if (!id.empty()) expected_[id] = TakeManifest(cwd);
    return id;
  }

  // The scenario's files, version 1 and 2: files, a subdirectory, an
  // executable, a symlink, an empty directory and one file above the
  // small-file limit (it goes through the engine and a temp file).
  void WriteV1() {
    Write("a.txt", "alpha one\n");
    Write("dir/b.txt", "beta one\n");
    Write("dir/sub/c.bin", std::string("\0\1\2binary one\n", 14));
    Write("run.sh", "#!/bin/sh\necho one\n");
    fs::permissions(Ws() / "run.sh", fs::perms::owner_exec, fs::perm_options::add);
    fs::create_directories(Ws() / "empty");
    fs::create_symlink("a.txt", Ws() / "link");
  }
  void WriteV2() {
    Write("a.txt", "alpha two\n");
    Write("dir/b.txt", "beta two\n");
    Write("new1.txt", "new file one\n");
    Write("new2.txt", "new file two\n");
    Write("dir/sub/big.bin", std::string((1u << 20) + 4096, 'B'));
    fs::remove(Ws() / "run.sh");
    fs::remove(Ws() / "link");
    fs::create_symlink("dir/b.txt", Ws() / "link");
  }

  // ---- state before the faulty command ----

  void Prepare() {
    const Case& c = GetParam();
    WriteV1();
    s1_ = SnapOk(Ws(), "s1");
    ASSERT_FALSE(s1_.empty());
    switch (c.scenario) {
      case Scenario::kSnapshot:
        WriteV2();
        argv_ = {"snapshot", "s2"};
        cwd_ = Ws();
        new_notes_ = {{"s2", TakeManifest(Ws())}};
        break;
      case Scenario::kRestore:
        WriteV2();
        s2_ = SnapOk(Ws(), "s2");
        ASSERT_FALSE(s2_.empty());
        // Dirty changes: the restore saves them first.
        Write("a.txt", "alpha dirty\n");
        Write("dirty-new.txt", "dirty new file\n");
        fs::remove(Ws() / "new1.txt");
        argv_ = {"restore", s1_};
        cwd_ = Ws();
        new_notes_ = {{"dirty changes saved before: restore worktree main", TakeManifest(Ws())}};
        break;
      case Scenario::kFork:
        WriteV2();
        s2_ = SnapOk(Ws(), "s2");
        ASSERT_FALSE(s2_.empty());
        argv_ = {"worktree", "fork", s1_, "wt"};
        cwd_ = Ws();
        break;
      case Scenario::kMerge: {
        // Two concurrent operations: tag t1 and tag t2, both children of the
        // operation of s1 (the op heads are set as two racing writers leave them).
        auto heads = ListDirNames(Heads());
        ASSERT_EQ(heads.size(), 1u);
        Ok(Ws(), {"tag", "set", "t1"});
        auto after_t1 = ListDirNames(Heads());
        ASSERT_EQ(after_t1.size(), 1u);
        fs::remove(Heads() / after_t1[0]);
        WriteFile(Heads() / heads[0], "");
        Ok(Ws(), {"tag", "set", "t2"});
        WriteFile(Heads() / after_t1[0], "");
        ASSERT_EQ(ListDirNames(Heads()).size(), 2u);
        WriteV2();
        argv_ = {"snapshot", "s2"};  // merges the two heads when it opens the repository
        cwd_ = Ws();
        break;
      }
    }
    heads_before_ = ListDirNames(Heads());
    ws_before_ = TakeManifest(Ws());
    for (const auto& [id, m] : expected_) history_before_.insert(id);
  }

  // A kill after the restore wrote its marker but before it published leaves
  // the marker (it is written first so that a crash after publishing is
  // noticed); it names the operation it belongs to, which was never
  // published, so it is void: the next command ignores it, and removes it
  // when it holds the worktree lock.
  bool MarkerMayRemain() const {
    const Case& c = GetParam();
    if (!c.kill || c.scenario != Scenario::kRestore) return false;
    return c.point == "restore.after_marker" || FlowOf(c.point) == "publish";
  }

  // ---- checks ----

  // Every snapshot listed must be one we know (taken before, or one the
  // command was allowed to make) and must fork byte for byte; every snapshot
  // taken before must still be listed. `allowed` maps note prefixes to the
  // content a new snapshot with that note must have.
  std::set<std::string> CheckSnapshots(const std::string& when,
                                       const std::map<std::string, Manifest>& allowed) {
    SCOPED_TRACE(when);
    auto history = CheckRepositoryHealthy(Ws());
    std::set<std::string> listed;
    for (const auto& e : history) listed.insert(e.id);
    for (const auto& [id, m] : expected_)
      EXPECT_TRUE(listed.count(id)) << "snapshot " << id << " was lost";
    for (const auto& e : history) {
      if (expected_.count(e.id)) continue;
      bool known = false;
      for (const auto& [prefix, m] : allowed)
        if (e.note.rfind(prefix, 0) == 0) {
          expected_[e.id] = m;
          known = true;
          break;
        }
      EXPECT_TRUE(known) << "unexpected snapshot " << e.id << " \"" << e.note << "\"";
    }
    for (const auto& e : history) {
      if (verified_.count(e.id) || !expected_.count(e.id)) continue;
      verified_.insert(e.id);
      std::string name = "chk" + std::to_string(verified_.size());
      RunResult r = Jvs(Ws(), {"worktree", "fork", e.id, name});
      EXPECT_EQ(r.exit_code, 0) << "snapshot " << e.id << " \"" << e.note << "\" cannot be forked\n"
                                << r.Describe();
      if (r.exit_code != 0) continue;
      Manifest got = TakeManifest(Root() / "worktrees" / name);
      EXPECT_TRUE(got == expected_[e.id])
          << "snapshot " << e.id << " \"" << e.note << "\" is not what was taken:\n"
          << ManifestDiff(expected_[e.id], got);
    }
    return listed;
  }

  // Nothing of the command is visible: same op heads (as found right after
  // the command), same history, same files.
  void CheckUnchanged(const std::vector<std::string>& heads, const std::set<std::string>& listed) {
    EXPECT_EQ(heads, heads_before_) << "the operation heads changed";
    EXPECT_EQ(listed, history_before_) << "the history changed";
    Manifest ws = TakeManifest(Ws());
    EXPECT_TRUE(ws == ws_before_) << "the workspace changed:\n" << ManifestDiff(ws_before_, ws);
    if (!MarkerMayRemain()) {
      EXPECT_FALSE(fs::exists(Marker("main")));
    }
    if (GetParam().scenario == Scenario::kFork && !GetParam().kill) {
      // A failed fork removes what it made.
      EXPECT_FALSE(fs::exists(Wt())) << "a failed fork left its directory";
      EXPECT_FALSE(fs::exists(Root() / ".jvs" / "worktrees" / "wt"))
          << "a failed fork left its control folder";
    }
  }

  // Finishes an interrupted restore (or fork) in `cwd` the way a user would:
  // the next command either says so and names the restore to run (which is
  // then run), or -- when the operation was published and the worktree's tree
  // state is older than its head -- the stale-worktree update finishes it,
  // saving the half-restored files first. Either way the worktree ends at
  // `target` and nothing is lost.
  void FinishInterruptedRestore(const fs::path& cwd, const std::string& worktree,
                                const std::string& target, const Manifest& expected) {
    if (!fs::exists(Marker(worktree))) return;
    if (!committed_) {
      // Killed before its operation was published: the marker is void. Nothing
      // asks to finish a restore that did not happen, and the next command
      // holding the worktree lock removes the marker.
      RunResult st = Jvs(cwd, {"status"});
      EXPECT_EQ(st.exit_code, 0) << st.Describe();
      EXPECT_EQ(st.err.find("interrupted restore"), std::string::npos) << st.Describe();
      WriteFile(cwd / "void-marker.txt", "the marker is void\n");
      Manifest with_file = TakeManifest(cwd);
      RunResult snap = Jvs(cwd, {"--json", "snapshot", "after a void marker"});
      EXPECT_EQ(snap.exit_code, 0) << snap.Describe();
      EXPECT_NE((snap.out + snap.err).find("interrupted before it was recorded"), std::string::npos)
          << snap.Describe();
      EXPECT_FALSE(fs::exists(Marker(worktree)));
      if (snap.exit_code == 0) expected_[snap.Json().value("snapshot_id", "")] = with_file;
      fs::remove(cwd / "void-marker.txt");
      return;
    }
    Manifest before = TakeManifest(cwd);
    RunResult st = Jvs(cwd, {"status"});
    if (st.exit_code == 0) {
      EXPECT_NE(st.err.find("its files were updated"), std::string::npos) << st.Describe();
      CheckSnapshots("after the stale-worktree update",
                     {{"dirty changes saved before: update stale worktree " + worktree, before}});
    } else {
      std::string hint = "run 'jvs restore " + target.substr(0, 12) + "'";
      EXPECT_NE(st.err.find("interrupted restore"), std::string::npos) << st.Describe();
      EXPECT_NE(st.err.find(hint), std::string::npos) << "the hint must say how to finish\n"
                                                      << st.Describe();
      RunResult r = Jvs(cwd, {"restore", target.substr(0, 12)});
      EXPECT_EQ(r.exit_code, 0) << r.Describe();
      CheckSnapshots("after finishing the interrupted restore",
                     {{"dirty changes saved before: restore worktree " + worktree, before}});
    }
    Manifest now = TakeManifest(cwd);
    EXPECT_TRUE(now == expected) << ManifestDiff(expected, now);
    EXPECT_FALSE(fs::exists(Marker(worktree)));
  }

  // The next normal commands succeed and their snapshots are complete.
  void Recover() {
    const Case& c = GetParam();
    switch (c.scenario) {
      case Scenario::kSnapshot:
      case Scenario::kMerge:
        break;
      case Scenario::kRestore: {
        FinishInterruptedRestore(Ws(), "main", s1_, expected_[s1_]);
        Manifest before = TakeManifest(Ws());
        // A failed restore is simply run again.
        RunResult r = Jvs(Ws(), {"restore", s1_});
        EXPECT_EQ(r.exit_code, 0) << r.Describe();
        CheckSnapshots("after restoring again",
                       {{"dirty changes saved before: restore worktree main", before}});
        Manifest now = TakeManifest(Ws());
        EXPECT_TRUE(now == expected_[s1_]) << ManifestDiff(expected_[s1_], now);
        break;
      }
      case Scenario::kFork: {
        json list = Ok(Ws(), {"worktree", "list"});
        bool exists = false;
        for (const auto& w : list)
          if (w.value("name", "") == "wt") exists = true;
        if (exists) {
          FinishInterruptedRestore(Wt(), "wt", s1_, expected_[s1_]);
        } else {
          RunResult r = Jvs(Ws(), {"worktree", "fork", s1_, "wt"});
          EXPECT_EQ(r.exit_code, 0) << "forking again must work\n" << r.Describe();
        }
        Manifest now = TakeManifest(Wt());
        EXPECT_TRUE(now == expected_[s1_]) << "the fork is not s1:\n"
                                           << ManifestDiff(expected_[s1_], now);
        WriteFile(Wt() / "after-fork.txt", "after fork\n");
        EXPECT_FALSE(SnapOk(Wt(), "after fork").empty());
        break;
      }
    }
    Write("after.txt", "after the fault\n");
    std::string after = SnapOk(Ws(), "after");
    EXPECT_FALSE(after.empty()) << "the next snapshot must succeed";
    CheckSnapshots("after the next commands", {});
    if (c.scenario == Scenario::kMerge) {
      // Both concurrent operations survived the merge.
      json tags = Ok(Ws(), {"tag", "list"});
      std::set<std::string> names;
      for (const auto& t : tags) names.insert(t.value("name", ""));
      EXPECT_EQ(names, (std::set<std::string>{"t1", "t2"}));
    }
    EXPECT_EQ(ListDirNames(Heads()).size(), 1u) << "one operation head after the next commands";
    // What killed processes staged is cleaned up by the next update of the worktree.
    for (const auto& wt : ListDirNames(Root() / ".jvs" / "worktrees"))
      for (const auto& n : ListDirNames(Root() / ".jvs" / "worktrees" / wt))
        EXPECT_NE(n.rfind("staging-", 0), 0u) << "left over: .jvs/worktrees/" << wt << "/" << n;
  }

  std::string s1_, s2_;
  std::vector<std::string> argv_;
  fs::path cwd_;
  std::map<std::string, Manifest>
      new_notes_;  // note prefix -> content of snapshots the command may make
  std::map<std::string, Manifest> expected_;  // snapshot id -> content
  std::set<std::string> verified_;
  bool committed_ = false;  // the fault point lies after the operation is published
  std::vector<std::string> heads_before_;
  std::set<std::string> history_before_;
  Manifest ws_before_;
};

TEST_P(CrashPointTest, LeavesTheRepositoryConsistent) {
  const Case& c = GetParam();
  auto info = Classified().find(c.point);
  ASSERT_NE(info, Classified().end())
      << "fault point " << c.point << " is not classified in crash_points_test.cc (Classified())";
  ASSERT_NO_FATAL_FAILURE(Prepare());
  SCOPED_TRACE("JVS_FAULT_POINT=" + c.Spec());
  committed_ = info->second.after_commit;

  RunResult r = JvsEnv(cwd_, argv_, {{"JVS_FAULT_POINT", c.Spec()}});
  const std::string injected = "injected fault at " + c.point;
  bool committed = info->second.after_commit;
  if (c.kill) {
    ASSERT_EQ(r.exit_code, 128 + SIGKILL)
        << "the point was not reached (or the process died otherwise)\n"
        << r.Describe();
  } else if (info->second.on_error == OnError::kFails) {
    ASSERT_NE(r.exit_code, 0) << "the point was not reached, or its error was lost\n"
                              << r.Describe();
    EXPECT_NE(r.err.find("jvs: error: "), std::string::npos) << r.Describe();
    EXPECT_NE(r.err.find(injected), std::string::npos) << "the point was not reached\n"
                                                       << r.Describe();
    EXPECT_NE(r.err.find("\nhint: "), std::string::npos) << "every error has a hint\n"
                                                         << r.Describe();
  } else {
    // Published: a failure afterwards is a warning, never the command's error
    // (a retry would repeat the operation).
    ASSERT_EQ(r.exit_code, 0) << "a failure after publishing must not fail the command\n"
                              << r.Describe();
    EXPECT_NE(r.err.find("jvs: warning: "), std::string::npos) << r.Describe();
    EXPECT_NE(r.err.find(injected), std::string::npos) << "the point was not reached\n"
                                                       << r.Describe();
  }

  if (!committed) {
    // The heads first: any command merges racing heads (merge scenario).
    const std::vector<std::string> heads = ListDirNames(Heads());
    CheckUnchanged(heads, CheckSnapshots("after the fault", {}));
  } else {
    CheckSnapshots("after the fault", new_notes_);
    if (c.scenario == Scenario::kSnapshot) {
      bool listed = false;
      for (const auto& [id, m] : expected_) listed |= (m == new_notes_["s2"]);
      EXPECT_TRUE(listed) << "the snapshot was published: it must be listed";
    }
    if (c.scenario == Scenario::kMerge) {
      EXPECT_FALSE(ListDirNames(Heads()) == heads_before_) << "the merge was published";
    }
  }
  Recover();
}

INSTANTIATE_TEST_SUITE_P(AllPoints, CrashPointTest, ::testing::ValuesIn(AllCases()), CaseName);

TEST(CrashPointsCoverage, EveryPointOfTheFlowsIsClassifiedAndExists) {
  std::set<std::string> known;
  for (std::string_view p : fault::KnownPoints()) {
    known.insert(std::string(p));
    if (InScope(p)) {
      EXPECT_TRUE(Classified().count(std::string(p))) << p << " is not classified";
    }
  }
  for (const auto& [p, i] : Classified())
    EXPECT_TRUE(known.count(p)) << p << " is not a known point any more";
  // Each flow has points, and the per-file points exist where @N matters.
  for (const char* p : {"snapshot.ingest_file", "restore.apply_file", "fork.materialize_file",
                        "publish.after_new_head", "merge.after_new_head"})
    EXPECT_TRUE(known.count(p)) << p;
}

}  // namespace
}  // namespace jvs::e2e
