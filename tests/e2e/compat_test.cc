// End-to-end tests of issue 22: scripts written for the original JVS command
// line run unchanged wherever the concept is the same. Each test calls jvs
// as such a script would and reads what it reads: exit codes, the lines it
// greps for, the JSON keys it parses.
#include <unistd.h>

#include <cstdlib>
#include <set>

#include "integrity_util.h"

namespace jvs::e2e {
namespace {

class CompatTest : public RepoTest {
 protected:
  // The lines of `text`.
  static std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      out.push_back(text.substr(start, nl - start));
      start = nl + 1;
    }
    return out;
  }
};

// ---- 4: probing for a command with --help

TEST_F(CompatTest, HelpOfAnUnknownCommandIsAUsageError) {
  RunResult r = Run({"snapshto", "--help"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Has(r.err, "jvs: error: unknown command 'snapshto'")) << r.Describe();
  EXPECT_TRUE(Has(r.err, "did you mean 'snapshot'")) << r.Describe();
  EXPECT_FALSE(Has(r.out, "Usage:")) << r.Describe();
  // Wherever --help stands, and for subcommands too.
  EXPECT_EQ(Run({"-h", "nosuchcommand"}).exit_code, 2);
  RunResult sub = Run({"worktree", "frok", "--help"});
  EXPECT_EQ(sub.exit_code, 2) << sub.Describe();
  EXPECT_TRUE(Has(sub.err, "did you mean 'fork'")) << sub.Describe();
  // With --json the error is also JSON on stdout.
  RunResult j = Run({"--json", "nosuchcommand", "--help"});
  EXPECT_EQ(j.exit_code, 2);
  EXPECT_EQ(j.Json()["error"]["code"], "E_INVALID_ARGUMENT") << j.Describe();
  // A command that exists still prints its help and exits 0.
  RunResult ok = Run({"snapshot", "--help"});
  EXPECT_EQ(ok.exit_code, 0) << ok.Describe();
  EXPECT_TRUE(Has(ok.out, "Usage:")) << ok.Describe();
  EXPECT_EQ(Run({"worktree", "fork", "--help"}).exit_code, 0);
  EXPECT_EQ(Run({"snapshot", "note words", "--help"}).exit_code, 0);
}

// ---- 1: verify output a script reads

TEST_F(CompatTest, VerifyPrintsOneLinePerSnapshotAndTheTwoChecks) {
  Write("a.txt", "one\n");
  std::string first = Snap("first");
  Write("a.txt", "two\n");
  std::string second = Snap("second");

  RunResult one = Run({"verify", first.substr(0, 8)});
  ASSERT_OK(one);
  std::vector<std::string> lines = Lines(one.out);
  ASSERT_GE(lines.size(), 4u) << one.out;
  EXPECT_EQ(lines[0], first + "  OK");
  EXPECT_EQ(lines[1], "  Checksum: true");
  EXPECT_EQ(lines[2], "  Payload hash: true");
  EXPECT_TRUE(Has(lines.back(), "everything is intact")) << one.out;

  RunResult all = Run({"verify", "--all"});
  ASSERT_OK(all);
  EXPECT_TRUE(Has(all.out, first + "  OK\n")) << all.out;
  EXPECT_TRUE(Has(all.out, second + "  OK\n")) << all.out;
  EXPECT_FALSE(Has(all.out, "Checksum:")) << all.out;
  EXPECT_TRUE(Has(all.out, "Verified 2 snapshots")) << all.out;

  // JSON keeps the per-snapshot keys.
  json j = RunJson({"verify", "--all"});
  ASSERT_EQ(j["snapshots"].size(), 2u);
  for (const auto& s : j["snapshots"]) {
    EXPECT_EQ(s["checksum_valid"], true);
    EXPECT_EQ(s["payload_hash_valid"], true);
    EXPECT_EQ(s["tamper_detected"], false);
  }
}

TEST_F(CompatTest, VerifyMarksATamperedSnapshotWithItsReason) {
  Write("data.bin", std::string(5000, 'd'));
  std::string id = Snap("data");
  FlipByte(StoreObject(Root(), "blobs", HexOf(std::string(5000, 'd'))));
  RunResult r = Run({"verify", id});
  EXPECT_EQ(r.exit_code, 3) << r.Describe();
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_GE(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0].rfind(id + "  TAMPERED: ", 0), 0u) << r.out;
  EXPECT_TRUE(Has(lines[0], "data.bin")) << r.out;
  EXPECT_EQ(lines[1], "  Checksum: true");
  EXPECT_EQ(lines[2], "  Payload hash: false");
  RunResult all = Run({"verify", "--all"});
  EXPECT_EQ(all.exit_code, 3);
  EXPECT_TRUE(Has(all.out, id + "  TAMPERED: ")) << all.out;
  json j = Run({"--json", "verify", id}).Json();
  ASSERT_EQ(j["snapshots"].size(), 1u);
  EXPECT_EQ(j["snapshots"][0]["checksum_valid"], true);
  EXPECT_EQ(j["snapshots"][0]["payload_hash_valid"], false);
  EXPECT_EQ(j["snapshots"][0]["tamper_detected"], true);
}

// ---- 2: restore says whether the worktree is detached

TEST_F(CompatTest, RestoreSaysDetachedOrHead) {
  Write("a.txt", "1\n");
  std::string first = Snap("first");
  Write("a.txt", "2\n");
  std::string second = Snap("second");

  RunResult back = Run({"restore", first});
  ASSERT_OK(back);
  std::vector<std::string> lines = Lines(back.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "Worktree is now in DETACHED state.") << back.out;
  EXPECT_TRUE(Has(back.out, "Restored worktree")) << back.out;  // today's line stays
  EXPECT_EQ(RunJson({"status"})["head_snapshot_id"], first);
  EXPECT_EQ(RunJson({"restore", first})["detached"], true);

  RunResult head = Run({"restore", "HEAD"});
  ASSERT_OK(head);
  EXPECT_EQ(Lines(head.out).back(), "Worktree is now at HEAD state.") << head.out;
  EXPECT_EQ(Read("a.txt"), "2\n");

  // Restoring the latest snapshot by id is the HEAD state too.
  Run({"restore", first});
  RunResult by_id = Run({"restore", second.substr(0, 10)});
  ASSERT_OK(by_id);
  EXPECT_TRUE(Has(by_id.out, "Worktree is now at HEAD state.\n")) << by_id.out;
  EXPECT_EQ(RunJson({"restore", "HEAD"})["detached"], false);
}

// A snapshot in a detached worktree starts a new line (the original JVS
// refuses it), and says so.
TEST_F(CompatTest, SnapshotWhenDetachedSaysItStartsANewLine) {
  Write("a.txt", "1\n");
  std::string first = Snap("first");
  Write("a.txt", "2\n");
  std::string second = Snap("second");
  ASSERT_OK(Run({"restore", first}));
  Write("a.txt", "3\n");
  RunResult r = Run({"snapshot", "-m", "branch"});
  ASSERT_OK(r);
  EXPECT_TRUE(Has(r.out, "Started a new line from " + first.substr(0, 8))) << r.out;
  // Now at HEAD again: no such line.
  Write("a.txt", "4\n");
  RunResult next = Run({"snapshot", "-m", "on"});
  EXPECT_FALSE(Has(next.out, "Started a new line")) << next.out;
  EXPECT_TRUE(Visible().count(second));
}

// ---- 3: gc plan output a script reads

TEST_F(CompatTest, GcPlanStartsWithItsIdAndCarriesTheOriginalKeys) {
  Write("a.txt", "1\n");
  std::string first = Snap("first");
  Write("a.txt", "2\n");
  std::string second = Snap("second");

  RunResult text = Run({"gc", "plan"});
  ASSERT_OK(text);
  ASSERT_EQ(text.out.rfind("GC Plan: ", 0), 0u) << text.out;
  std::string plan_id = Lines(text.out)[0].substr(9, 16);

  json j = RunJson({"gc", "plan"});
  EXPECT_EQ(j["plan_id"].get<std::string>().size(), 16u);
  EXPECT_EQ(plan_id.size(), 16u);
  EXPECT_EQ(j["candidate_count"], 0);
  EXPECT_EQ(j["protected_by_pin"], 0);
  EXPECT_EQ(j["protected_by_lineage"], 2);
  EXPECT_EQ(j["protected_by_retention"], 0);
  ASSERT_TRUE(j["protected_set"].is_array());
  std::vector<std::string> kept = j["protected_set"].get<std::vector<std::string>>();
  std::vector<std::string> both = {first, second};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(kept, both);

  // An abandoned snapshot is kept by the retention window only; once the
  // window lets it go it is a candidate.
  ASSERT_OK(Run({"abandon", second}));
  json kept_by_window = RunJson({"gc", "plan"});
  EXPECT_EQ(kept_by_window["protected_by_lineage"], 1);
  EXPECT_EQ(kept_by_window["protected_by_retention"], 1);
  json cut = RunJson({"gc", "plan", "--keep-last", "1", "--grace-minutes", "0"});
  EXPECT_EQ(cut["candidate_count"], 1);
  EXPECT_EQ(cut["protected_set"], json::array({first}));
}

// ---- 5: worktree create NAME [--from REF]

TEST_F(CompatTest, WorktreeCreateEmptyOrFromARef) {
  Write("a.txt", "1\n");
  std::string first = Snap("first", {"v1"});
  Write("a.txt", "2\n");
  Snap("second");

  RunResult empty = Run({"worktree", "create", "scratch"});
  ASSERT_OK(empty);
  EXPECT_EQ(empty.out.rfind("Created worktree ", 0), 0u) << empty.out;
  fs::path scratch = Root() / "worktrees" / "scratch";
  ASSERT_TRUE(fs::is_directory(scratch)) << empty.out;
  EXPECT_TRUE(TakeManifest(scratch).empty()) << ManifestDiff({}, TakeManifest(scratch));
  // Its first snapshot starts a new line (no parent).
  WriteAt(scratch / "new.txt", "fresh\n");
  json snap = In(scratch, {"snapshot", "-m", "first of scratch"});
  EXPECT_TRUE(snap["parents"].empty()) << snap.dump(2);

  RunResult from = Run({"worktree", "create", "eval", "--from", "v1"});
  ASSERT_OK(from);
  EXPECT_EQ(from.out.rfind("Created worktree ", 0), 0u) << from.out;
  EXPECT_EQ(ReadAt(Root() / "worktrees" / "eval" / "a.txt"), "1\n");
  EXPECT_EQ(Head(Root() / "worktrees" / "eval"), first);

  json list = RunJson({"worktree", "list"});
  std::set<std::string> names;
  for (const auto& w : list) names.insert(w["name"].get<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"eval", "main", "scratch"}));

  json j = RunJson({"worktree", "create", "third", "--from", first.substr(0, 8)});
  EXPECT_EQ(j["name"], "third");
  EXPECT_EQ(j["head_snapshot_id"], first);
  // An existing name is refused; an unknown ref too.
  EXPECT_EQ(Run({"worktree", "create", "eval"}).exit_code, 1);
  EXPECT_EQ(Run({"worktree", "create", "other", "--from", "nosuchtag"}).exit_code, 1);
}

// ---- 6: pins keep snapshots from gc until they expire

class PinTest : public CompatTest {
 protected:
  // Two snapshots; `old_` is abandoned, so only the op log keeps it.
  void SetUp() override {
    CompatTest::SetUp();
    Write("a.txt", "1\n");
    keep_ = Snap("keep");
    Write("a.txt", "2\n");
    old_ = Snap("old");
    ASSERT_OK(Run({"restore", keep_}));
    ASSERT_OK(Run({"abandon", old_}));
  }
  // The snapshot ids gc plan --keep-last 1 would delete.
  json Plan() const { return RunJson({"gc", "plan", "--keep-last", "1", "--grace-minutes", "0"}); }
  std::string keep_, old_;
};

TEST_F(PinTest, APinKeepsASnapshotFromGcAndIsListed) {
  EXPECT_EQ(Plan()["candidate_count"], 1);  // old_ would go
  RunResult add = Run({"pin", "add", old_, "--reason", "audit 2026"});
  ASSERT_OK(add);
  EXPECT_EQ(add.out.rfind("Pinned ", 0), 0u) << add.out;
  json plan = Plan();
  EXPECT_EQ(plan["candidate_count"], 0);
  EXPECT_EQ(plan["protected_by_pin"], 1);
  bool listed = false;
  for (const auto& id : plan["protected_set"]) listed |= id == old_;
  EXPECT_TRUE(listed) << plan.dump(2);
  // Shown by gc plan and pin list.
  RunResult text = Run({"gc", "plan"});
  EXPECT_TRUE(Has(text.out, "pins:")) << text.out;
  EXPECT_TRUE(Has(text.out, "audit 2026")) << text.out;
  json pins = RunJson({"pin", "list"});
  ASSERT_EQ(pins.size(), 1u);
  EXPECT_EQ(pins[0]["snapshot_id"], old_);
  EXPECT_EQ(pins[0]["reason"], "audit 2026");
  EXPECT_TRUE(pins[0]["expires_at"].is_null());
  EXPECT_EQ(pins[0]["pinned_at"], "2026-01-01T00:00:00.000Z");
  RunResult list = Run({"pin", "list"});
  EXPECT_TRUE(Has(list.out, "no expiry  audit 2026")) << list.out;
  // A gc run keeps it: it can still be restored.
  ASSERT_OK(Run({"gc", "run", "--plan-id", Plan()["plan_id"].get<std::string>()}));
  ASSERT_OK(Run({"restore", old_}));
  EXPECT_EQ(Read("a.txt"), "2\n");
  ASSERT_OK(Run({"verify", "--all"}));

  // Removed: gc may collect it again once nothing else needs it.
  ASSERT_OK(Run({"restore", keep_}));
  RunResult rm = Run({"pin", "remove", old_.substr(0, 10)});
  ASSERT_OK(rm);
  EXPECT_EQ(rm.out.rfind("Unpinned ", 0), 0u) << rm.out;
  EXPECT_TRUE(RunJson({"pin", "list"}).empty());
  EXPECT_EQ(Run({"pin", "remove", old_}).exit_code, 1);
  RunResult none = Run({"pin", "list"});
  EXPECT_TRUE(Has(none.out, "No pins")) << none.out;
}

TEST_F(PinTest, AnExpiredPinNoLongerProtects) {
  // Pinned until a time that has passed by the time gc runs.
  ASSERT_OK(Run({"pin", "add", old_, "--until", "2026-01-01T00:00:10Z"}));
  json pins = RunJson({"pin", "list"});
  ASSERT_EQ(pins.size(), 1u);
  EXPECT_EQ(pins[0]["expires_at"], "2026-01-01T00:00:10.000Z");
  EXPECT_EQ(pins[0]["expired"], false);
  EXPECT_EQ(Plan()["protected_by_pin"], 1);

  const EnvOverrides later = {{"JVS_TIMESTAMP", "2026-01-02T00:00:00Z"}};
  json expired = ParseJson(JvsEnv(Ws(), {"--json", "pin", "list"}, later).out);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0]["expired"], true);
  json plan = ParseJson(JvsEnv(Ws(), {"--json", "gc", "plan", "--keep-last", "1", "--grace-minutes", "0"}, later).out);
  EXPECT_EQ(plan["protected_by_pin"], 0);
  // The run drops the expired pin; the next plan (the op log window past it)
  // lets the snapshot go.
  RunResult run = JvsEnv(Ws(), {"gc", "run", "--plan-id", plan["plan_id"].get<std::string>()}, later);
  ASSERT_OK(run);
  EXPECT_TRUE(ParseJson(JvsEnv(Ws(), {"--json", "pin", "list"}, later).out).empty());
  json next = ParseJson(JvsEnv(Ws(), {"--json", "gc", "plan", "--keep-last", "1", "--grace-minutes", "0"}, later).out);
  EXPECT_EQ(next["candidate_count"], 1);
  ASSERT_OK(JvsEnv(Ws(), {"gc", "run", "--plan-id", next["plan_id"].get<std::string>()}, later));
  EXPECT_NE(Run({"restore", old_}).exit_code, 0);
  ASSERT_OK(Run({"verify", "--all"}));
}

TEST_F(PinTest, BadExpiryIsRefused) {
  RunResult past = Run({"pin", "add", old_, "--until", "2020-01-01T00:00:00Z"});
  EXPECT_EQ(past.exit_code, 2) << past.Describe();
  EXPECT_TRUE(Has(past.err, "already passed")) << past.Describe();
  RunResult junk = Run({"pin", "add", old_, "--until", "next tuesday"});
  EXPECT_EQ(junk.exit_code, 2) << junk.Describe();
  EXPECT_TRUE(Has(junk.err, "hint: ")) << junk.Describe();
  EXPECT_EQ(Run({"pin", "add", "nosuchref"}).exit_code, 1);
  EXPECT_TRUE(RunJson({"pin", "list"}).empty());
}

TEST_F(PinTest, LaterCommandsKeepPinsAndTheViewVerifies) {
  ASSERT_OK(Run({"pin", "add", old_}));
  // Later commands carry the pin; the view that holds it is format 2 and
  // verify accepts it.
  Write("b.txt", "b\n");
  Snap("after the pin");
  ASSERT_EQ(RunJson({"pin", "list"}).size(), 1u);
  ASSERT_OK(Run({"verify", "--all"}));
  ASSERT_OK(Run({"doctor"}));
}

TEST_F(PinTest, APinFollowsItsSnapshotWhenRewritten) {
  ASSERT_OK(Run({"pin", "add", keep_, "--reason", "r"}));
  ASSERT_OK(Run({"describe", keep_, "-m", "renamed"}));
  json pins = RunJson({"pin", "list"});
  ASSERT_EQ(pins.size(), 1u) << pins.dump(2);
  EXPECT_NE(pins[0]["snapshot_id"], keep_);
  EXPECT_EQ(pins[0]["snapshot_id"], Head(Ws()));
  EXPECT_EQ(pins[0]["reason"], "r");
  ASSERT_OK(Run({"verify", "--all"}));
}

// ---- 8: options a script calls

TEST_F(CompatTest, SnapshotNoteFromAFile) {
  WriteAt(Tmp() / "note.txt", "trained 3 epochs\n\nloss 0.12\n");
  Write("a.txt", "1\n");
  json j = RunJson({"snapshot", "-F", (Tmp() / "note.txt").string()});
  EXPECT_EQ(j["note"], "trained 3 epochs\n\nloss 0.12");
  json from_stdin = ParseJson(Run({"--json", "snapshot", "--file", "-"}, "from stdin\n").out);
  EXPECT_EQ(from_stdin["note"], "from stdin");
  EXPECT_EQ(Run({"snapshot", "-F", (Tmp() / "note.txt").string(), "-m", "x"}).exit_code, 2);
  RunResult missing = Run({"snapshot", "-F", "no-such-file.txt"});
  EXPECT_EQ(missing.exit_code, 1) << missing.Describe();
  EXPECT_TRUE(Has(missing.err, "no-such-file.txt")) << missing.Describe();
}

TEST_F(CompatTest, SnapshotCompressIsValidatedAndRecorded) {
  Write("a.txt", "1\n");
  json j = RunJson({"snapshot", "--compress", "max", "-m", "packed"});
  EXPECT_EQ(j["compression"], "max");
  // Recorded with the operation, for when storage compresses.
  json ops = RunJson({"op", "log", "-n", "1"});
  ASSERT_FALSE(ops.empty());
  EXPECT_EQ(ops[0]["attributes"]["compression"], "max") << ops[0].dump(2);
  for (const char* level : {"none", "fast", "default"}) EXPECT_OK(Run({"snapshot", "--compress", level}));
  RunResult bad = Run({"snapshot", "--compress", "ultra"});
  EXPECT_EQ(bad.exit_code, 2) << bad.Describe();
  EXPECT_TRUE(RunJson({"snapshot"})["compression"].is_null());
}

TEST_F(CompatTest, PartialSnapshotTakesOnlyThePathsGiven) {
  Write("data/a.txt", "a1\n");
  Write("data/b.txt", "b1\n");
  Write("models/m.bin", "m1\n");
  Write("notes.txt", "n1\n");
  std::string base = Snap("base");
  Write("data/a.txt", "a2\n");
  Write("models/m.bin", "m2\n");
  Write("notes.txt", "n2\n");
  Write("new.txt", "new\n");
  json j = RunJson({"snapshot", "--paths", "data,new.txt", "-m", "partial"});
  EXPECT_EQ(j["parents"], json::array({base}));
  EXPECT_EQ(j["paths"], json::array({"data", "new.txt"}));
  std::string partial = j["snapshot_id"];
  // In the snapshot: the paths from the files, the rest as the parent had it.
  EXPECT_EQ(Run({"cat", partial, "data/a.txt"}).out, "a2\n");
  EXPECT_EQ(Run({"cat", partial, "new.txt"}).out, "new\n");
  EXPECT_EQ(Run({"cat", partial, "models/m.bin"}).out, "m1\n");
  EXPECT_EQ(Run({"cat", partial, "notes.txt"}).out, "n1\n");
  // The files are untouched; what was left out is still a change.
  EXPECT_EQ(Read("models/m.bin"), "m2\n");
  json st = RunJson({"status"});
  std::set<std::string> modified;
  for (const auto& m : st["modified"]) modified.insert(m["path"].get<std::string>());
  EXPECT_EQ(modified, (std::set<std::string>{"models/m.bin", "notes.txt"})) << st.dump(2);
  // A removed file named in --paths is removed from the snapshot.
  fs::remove(Ws() / "data" / "b.txt");
  json rm = RunJson({"snapshot", "--paths", "data/b.txt"});
  EXPECT_NE(Run({"cat", rm["snapshot_id"].get<std::string>(), "data/b.txt"}).exit_code, 0);
  EXPECT_EQ(Run({"cat", rm["snapshot_id"].get<std::string>(), "notes.txt"}).out, "n1\n");
  ASSERT_OK(Run({"verify", "--all"}));
}

TEST_F(CompatTest, GcPlanKeepDaily) {
  // Operations on three days; --keep-daily 2 keeps the newest of the last two days.
  for (const char* day : {"2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"}) {
    Write("a.txt", day);
    ASSERT_OK(JvsEnv(Ws(), {"snapshot", "-m", day}, {{"JVS_TIMESTAMP", day}}));
  }
  const EnvOverrides now = {{"JVS_TIMESTAMP", "2026-01-03T12:00:00Z"}};
  json two = ParseJson(JvsEnv(Ws(), {"--json", "gc", "plan", "--keep-daily", "2", "--grace-minutes", "0"}, now).out);
  EXPECT_EQ(two["keep_daily"], 2);
  json one = ParseJson(JvsEnv(Ws(), {"--json", "gc", "plan", "--keep-daily", "1", "--grace-minutes", "0"}, now).out);
  json all = ParseJson(JvsEnv(Ws(), {"--json", "gc", "plan", "--keep-daily", "9", "--grace-minutes", "0"}, now).out);
  // init (day 1) and three snapshots: 1 day keeps 1 operation, 2 days 2, every day all 4 minus
  // day 1's older one.
  EXPECT_EQ(one["operations_kept"], 1);
  EXPECT_EQ(two["operations_kept"], 2);
  EXPECT_EQ(all["operations_kept"], 3);
  EXPECT_EQ(all["operations_to_cut"], 1);
  EXPECT_EQ(Run({"gc", "plan", "--keep-daily", "0"}).exit_code, 2);
}

TEST_F(CompatTest, ConfigShowAndDoctorRepairOptions) {
  RunResult show = Run({"config", "show"});
  ASSERT_OK(show);
  EXPECT_EQ(show.out, Run({"config", "list"}).out);
  EXPECT_TRUE(Has(show.out, "merge.conflict_style = ")) << show.out;

  RunResult list = Run({"doctor", "--repair-list"});
  ASSERT_OK(list);
  EXPECT_TRUE(Has(list.out, "temp_file: ")) << list.out;
  EXPECT_TRUE(Has(list.out, "op_heads: ")) << list.out;
  json repairs = RunJson({"doctor", "--repair-list"});
  ASSERT_TRUE(repairs["repairs"].is_array());
  EXPECT_GE(repairs["repairs"].size(), 2u);
  EXPECT_EQ(Run({"doctor", "--repair-list", "--repair"}).exit_code, 2);

  // --repair-runtime is --repair: a stray temp file of a dead command goes.
  fs::path stray = Root() / ".jvs" / "store" / "tmp" / ("obj-" + std::to_string(DeadPid()) + "-3-12345");
  WriteAt(stray, "partial");
  json before = RunJson({"doctor"});
  EXPECT_EQ(before["healthy"], false) << before.dump(2);
  RunResult fixed = Run({"doctor", "--repair-runtime"});
  EXPECT_OK(fixed);
  EXPECT_TRUE(Has(fixed.out, "repaired: temp_file")) << fixed.out;
  EXPECT_FALSE(fs::exists(stray));
  json after = RunJson({"doctor"});
  EXPECT_EQ(after["healthy"], true) << after.dump(2);
}

TEST_F(CompatTest, HistoryTagAndRestoreLatestTagExist) {
  Write("a.txt", "1\n");
  std::string v1 = Snap("one", {"v1.0"});
  Write("a.txt", "2\n");
  std::string v2 = Snap("two", {"v2.0"});
  Write("a.txt", "3\n");
  Snap("three");
  json tagged = RunJson({"history", "--tag", "v1.0"});
  ASSERT_EQ(tagged.size(), 1u);
  EXPECT_EQ(tagged[0]["snapshot_id"], v1);
  RunResult latest = Run({"restore", "--latest-tag", "v*"});
  ASSERT_OK(latest);
  EXPECT_EQ(Read("a.txt"), "2\n");
  EXPECT_TRUE(Has(latest.out, "Worktree is now in DETACHED state.")) << latest.out;
}

// ---- 10: installed like any command-line tool

// The absolute path of `name` on PATH ("" when absent).
std::string FindProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    size_t colon = dirs.find(':', start);
    if (colon == std::string::npos) colon = dirs.size();
    fs::path p = fs::path(dirs.substr(start, colon - start)) / name;
    if (!p.parent_path().empty() && ::access(p.c_str(), X_OK) == 0) return p.string();
    start = colon + 1;
  }
  return "";
}

TEST(CompatInstallTest, CmakeInstallPutsProgramManPageAndCompletionsInPlace) {
  std::string cmake = FindProgram("cmake");
  if (cmake.empty()) GTEST_SKIP() << "cmake is not on PATH";
  const fs::path build = fs::path(JVS_BINARY).parent_path();
  if (!fs::exists(build / "cmake_install.cmake")) GTEST_SKIP() << "no cmake_install.cmake in " << build;
  jvs::testing::TempDir tmp;
  const fs::path prefix = tmp.path() / "prefix";
  RunResult r = RunProcess(tmp.path(), {cmake, "--install", build.string(), "--prefix", prefix.string()}, CleanEnv());
  ASSERT_OK(r);
  // The program runs from where it was installed.
  RunResult version = RunProcess(tmp.path(), {(prefix / "bin" / "jvs").string(), "--version"}, CleanEnv());
  ASSERT_OK(version);
  EXPECT_EQ(version.out.rfind("jvs ", 0), 0u) << version.out;
  // man jvs: the page is where man looks below the prefix.
  std::string page = jvs::testing::ReadFile(prefix / "share" / "man" / "man1" / "jvs.1");
  EXPECT_NE(page.find(".TH JVS 1"), std::string::npos) << page.substr(0, 200);
  EXPECT_NE(page.find("worktree create"), std::string::npos);
  // Completions where bash-completion, zsh and fish look for them.
  std::string bash = jvs::testing::ReadFile(prefix / "share" / "bash-completion" / "completions" / "jvs");
  EXPECT_NE(bash.find("complete "), std::string::npos) << bash.substr(0, 200);
  std::string zsh = jvs::testing::ReadFile(prefix / "share" / "zsh" / "site-functions" / "_jvs");
  EXPECT_EQ(zsh.rfind("#compdef jvs", 0), 0u) << zsh.substr(0, 200);
  std::string fish = jvs::testing::ReadFile(prefix / "share" / "fish" / "vendor_completions.d" / "jvs.fish");
  EXPECT_NE(fish.find("complete -c jvs"), std::string::npos) << fish.substr(0, 200);
  // bash loads it: `jvs` gets a completion function.
  std::string bash_bin = FindProgram("bash");
  if (!bash_bin.empty()) {
    RunResult loaded = RunProcess(tmp.path(), {bash_bin, "-c", "source \"$1\" && complete -p jvs", "bash",
                                               (prefix / "share" / "bash-completion" / "completions" / "jvs").string()},
                                  CleanEnv());
    EXPECT_OK(loaded);
    EXPECT_NE(loaded.out.find("jvs"), std::string::npos) << loaded.Describe();
  }
}

}  // namespace
}  // namespace jvs::e2e
