// End-to-end tests of `jvs gc plan` / `jvs gc run`: the plan lists exactly the
// objects no kept operation reaches (checked against an independent walk of
// the store), run frees exactly the bytes the plan announced, every
// remaining snapshot still restores byte for byte, the op log is cut at a
// horizon that op log / undo / --at-op / merges respect, run refuses a plan
// that became wrong, a concurrent snapshot loses nothing, and a kill at any
// gc fault point leaves a valid repository.
// Over 400 lines on purpose: the independent walk of the store that checks each plan is shared by
// every scenario.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <thread>

#include "e2e_util.h"
#include "jvs/base/env.h"
#include "jvs/store/store.h"
#include "wc/tree_state.h"

namespace jvs::e2e {
namespace {

using jvs::testing::ReadFile;
using jvs::testing::WriteFile;


// Objects in the store as "kind:hex" (kind = snapshot, tree, blob).
std::set<std::string> StoreObjects(const fs::path& root) {
  std::set<std::string> out;
  for (const auto& [dir, kind] : std::vector<std::pair<std::string, std::string>>{
           {"snapshots", "snapshot"}, {"trees", "tree"}, {"blobs", "blob"}}) {
    fs::path base = root / ".jvs/store" / dir;
    if (!fs::exists(base)) continue;
    for (const auto& fan : fs::directory_iterator(base))
      for (const auto& f : fs::directory_iterator(fan.path()))
        out.insert(kind + ":" + fan.path().filename().string() + f.path().filename().string());
  }
  return out;
}

fs::path ObjectPath(const fs::path& root, const std::string& key) {
  std::string kind = key.substr(0, key.find(':'));
  std::string hex = key.substr(key.find(':') + 1);
  return jvs::testing::StoreObjectFile(root / ".jvs/store", kind, hex);
}

uint64_t Blocks(const fs::path& p) {
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_blocks) * 512;
}

// What `du -s --block-size=1` counts over the store's object directories:
// every file and directory's blocks. The snapshot index beside them is a
// cache that gc drops (history rebuilds it), not reclaimed object space.
uint64_t Du(const fs::path& store) {
  uint64_t total = 0;
  for (const char* dir : {"snapshots", "trees", "blobs"}) {
    if (!fs::exists(store / dir)) continue;
    total += Blocks(store / dir);
    for (const auto& e : fs::recursive_directory_iterator(store / dir)) total += Blocks(e.path());
  }
  return total;
}

// The oracle: everything reachable from `snapshots` (with ancestors) and the
// blobs named by every worktree's tree state, walked with the plain store
// reader (not gc's marking code).
std::set<std::string> Reachable(const fs::path& root, const std::vector<std::string>& snapshots) {
  std::set<std::string> out;
  auto store = Store::Open(Env::Default(), root / ".jvs/store");
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return out;
  std::deque<SnapshotId> queue;
  for (const auto& s : snapshots) queue.push_back(*SnapshotId::FromHex(s));
  std::deque<TreeId> trees;
  while (!queue.empty()) {
    SnapshotId id = queue.front();
    queue.pop_front();
    if (!out.insert("snapshot:" + id.hex()).second) continue;
    auto snap = (*store)->ReadSnapshot(id);
    EXPECT_TRUE(snap.ok()) << "reachable snapshot " << id.hex() << " is unreadable";
    if (!snap.ok()) continue;
    for (const auto& t : (*snap)->root_terms) trees.push_back(t);  // every term of a conflict
    for (const auto& p : (*snap)->parents) queue.push_back(p);
  }
  // Tree states (gc keeps what they name: a snapshot reuses those blob ids).
  std::set<std::string> state_blobs;
  if (fs::exists(root / ".jvs/worktrees"))
    for (const auto& w : fs::directory_iterator(root / ".jvs/worktrees")) {
      if (!fs::exists(w.path() / "tree_state")) continue;  // (Load gives an empty state)
      auto state = TreeState::Load(Env::Default(), w.path() / "tree_state");
      if (!state.ok()) continue;
      for (const auto& [path, fstate] : state->entries)
        state_blobs.insert("blob:" + ToHex(fstate.id.data(), fstate.id.size()));
      if (!state->tree.is_zero() && (*store)->ReadTree(state->tree).ok()) trees.push_back(state->tree);
    }
  while (!trees.empty()) {
    TreeId id = trees.front();
    trees.pop_front();
    if (!out.insert("tree:" + id.hex()).second) continue;
    auto tree = (*store)->ReadTree(id);
    EXPECT_TRUE(tree.ok()) << "reachable tree " << id.hex() << " is unreadable";
    if (!tree.ok()) continue;
    for (const auto& e : (*tree)->entries) {
      if (e.kind == EntryKind::kTree) trees.push_back(TreeId(e.id));
      else out.insert("blob:" + ToHex(e.id.data(), e.id.size()));
    }
  }
  out.insert(state_blobs.begin(), state_blobs.end());
  // The empty tree is known without being stored (and only sometimes is).
  if (!fs::exists(ObjectPath(root, "tree:" + EmptyTreeId().hex()))) out.erase("tree:" + EmptyTreeId().hex());
  return out;
}

std::string Blob(size_t n, char c) { return std::string(n, c) + "\n"; }

class GcTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    root_ = Root();
  }
  fs::path Main() const { return root_ / "main"; }
  RunResult J(std::vector<std::string> args) const { return Jvs(Main(), std::move(args)); }
  json JJson(std::vector<std::string> args) const {
    args.insert(args.begin(), "--json");
    RunResult r = J(std::move(args));
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r.exit_code == 0 ? r.Json() : json();
  }
  void W(const std::string& rel, const std::string& content) const { WriteFile(Main() / rel, content); }
  std::string S(const std::string& note) {
    json j = JJson({"snapshot", note});
    std::string id = j.value("snapshot_id", "");
    EXPECT_EQ(id.size(), 64u) << j.dump();
    expected_[id] = TakeManifest(Main());
    return id;
  }
  std::vector<std::string> Visible() const {
    std::vector<std::string> ids;
    for (const auto& e : JJson({"history", "--all"})) ids.push_back(e["snapshot_id"].get<std::string>());
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  std::vector<std::string> OpIds() const {
    std::vector<std::string> ids;
    for (const auto& e : JJson({"op", "log"})) ids.push_back(e["op_id"].get<std::string>());
    return ids;
  }
  void SetOpHeads(const std::vector<std::string>& heads) const {
    fs::path dir = root_ / ".jvs/op_heads";
    for (const auto& n : ListDirNames(dir)) fs::remove(dir / n);
    for (const auto& h : heads) WriteFile(dir / h, "");
  }
  json Plan(std::vector<std::string> extra) const {
    std::vector<std::string> args = {"gc", "plan"};
    args.insert(args.end(), extra.begin(), extra.end());
    return JJson(args);
  }
  std::set<std::string> PlanObjects(const std::string& plan_id) const {
    json p = ParseJson(ReadFile(root_ / ".jvs/gc" / plan_id));
    std::set<std::string> out;
    for (const auto& o : p["objects"]) out.insert(o["kind"].get<std::string>() + ":" + o["id"].get<std::string>());
    return out;
  }

  // A history with garbage of every kind the brief names:
  //  s1 -> s2 (tagged rel) ; restore s1 ; s3 (new line) ; junk (undone) ;
  //  tagged (undone, tagged by id, tag deleted) ; worktree wt: w1 (undone),
  //  then wt removed ; dirty files captured (pinned) by a restore ; s5.
  void BuildHistory() {
    W("a.txt", "one\n");
    W("big1.bin", Blob(200000, '1'));
    s1_ = S("s1");
    W("a.txt", "two\n");
    W("big2.bin", Blob(150000, '2'));
    s2_ = S("s2");
    ASSERT_OK(J({"tag", "set", "rel", s2_}));
    ASSERT_OK(J({"restore", s1_}));
    W("c.txt", "three\n");
    s3_ = S("s3");
    W("junk.bin", Blob(120000, 'j'));
    junk_ = S("junk");
    ASSERT_OK(J({"undo"}));
    // Undoing a snapshot un-records it and keeps its files: the user drops them.
    ASSERT_TRUE(fs::exists(Main() / "junk.bin"));
    fs::remove(Main() / "junk.bin");
    W("t.txt", "tagged only\n");
    tagged_ = S("tagged");
    ASSERT_OK(J({"undo"}));
    fs::remove(Main() / "t.txt");
    ASSERT_OK(J({"tag", "set", "keep", tagged_}));
    ASSERT_OK(J({"tag", "delete", "keep"}));
    json fork = JJson({"worktree", "fork", "wt"});
    fs::path wt = root_ / "worktrees" / "wt";
    ASSERT_TRUE(fs::is_directory(wt)) << fork.dump();
    WriteFile(wt / "w.txt", Blob(90000, 'w'));
    RunResult ws = Jvs(wt, {"--json", "snapshot", "w1"});
    ASSERT_OK(ws);
    w1_ = ws.Json().value("snapshot_id", "");
    ASSERT_OK(Jvs(wt, {"undo"}));
    fs::remove(wt / "w.txt");
    ASSERT_OK(J({"worktree", "remove", "wt", "--force"}));
    W("dirty.txt", "unsaved work\n");
    Manifest dirty = TakeManifest(Main());
    json r = JJson({"restore", s2_});
    ASSERT_TRUE(r.contains("captured_snapshot_id") && r["captured_snapshot_id"].is_string()) << r.dump();
    captured_ = r["captured_snapshot_id"].get<std::string>();
    expected_[captured_] = dirty;
    ASSERT_OK(J({"restore", s3_}));
    W("d.txt", "after\n");
    s5_ = S("s5");
  }

  // Every visible snapshot restores byte for byte.
  void ExpectAllRestore(const std::vector<std::string>& visible) {
    for (const auto& id : visible) {
      auto it = expected_.find(id);
      if (it == expected_.end()) continue;  // made by a command, not by S()
      RunResult r = J({"restore", id});
      ASSERT_OK(r);
      Manifest actual = TakeManifest(Main());
      EXPECT_TRUE(actual == it->second) << "snapshot " << id << ":\n" << ManifestDiff(it->second, actual);
    }
  }

  fs::path root_;
  std::map<std::string, Manifest> expected_;
  std::string s1_, s2_, s3_, junk_, tagged_, w1_, captured_, s5_;
};

TEST_F(GcTest, PlanListsExactlyTheUnreachableObjectsAndRunFreesTheirBytes) {
  BuildHistory();
  if (HasFatalFailure()) return;
  const std::vector<std::string> visible = Visible();
  for (const auto& id : {s1_, s2_, s3_, captured_, s5_})
    EXPECT_TRUE(std::binary_search(visible.begin(), visible.end(), id)) << id;
  for (const auto& id : {junk_, w1_}) EXPECT_FALSE(std::binary_search(visible.begin(), visible.end(), id)) << id;

  const std::set<std::string> before = StoreObjects(root_);
  const std::set<std::string> reachable = Reachable(root_, visible);
  std::set<std::string> garbage;
  for (const auto& o : before)
    if (!reachable.count(o)) garbage.insert(o);
  ASSERT_TRUE(garbage.count("snapshot:" + junk_));
  ASSERT_TRUE(garbage.count("snapshot:" + w1_));
  EXPECT_EQ(garbage.count("snapshot:" + tagged_), std::binary_search(visible.begin(), visible.end(), tagged_) ? 0u : 1u);
  uint64_t garbage_bytes = 0;
  for (const auto& o : garbage) garbage_bytes += Blocks(ObjectPath(root_, o));

  json plan = Plan({"--keep-last", "1", "--grace-minutes", "0"});
  const std::string id = plan.value("plan_id", "");
  ASSERT_EQ(id.size(), 16u) << plan.dump(2);
  EXPECT_EQ(PlanObjects(id), garbage);
  EXPECT_EQ(plan["to_delete"].get<uint64_t>(), garbage.size());
  EXPECT_EQ(plan["protected"].get<uint64_t>(), before.size() - garbage.size());
  EXPECT_EQ(plan["reclaimable_bytes"].get<uint64_t>(), garbage_bytes);
  EXPECT_GT(plan["operations_to_cut"].get<uint64_t>(), 10u);
  EXPECT_TRUE(plan.contains("created_at"));
  // Planning deletes nothing.
  EXPECT_EQ(StoreObjects(root_), before);
  RunResult text = J({"gc", "plan", "--keep-last", "1", "--grace-minutes", "0"});
  ASSERT_OK(text);
  EXPECT_TRUE(Contains(text.out, "jvs gc run --plan-id " + id)) << text.out;

  const uint64_t du_before = Du(root_ / ".jvs/store");
  json run = JJson({"gc", "run", "--plan-id", id});
  ASSERT_TRUE(run.is_object());
  EXPECT_EQ(run["deleted"].get<uint64_t>(), garbage.size());
  EXPECT_EQ(run["freed_bytes"].get<uint64_t>(), garbage_bytes);
  const uint64_t du_after = Du(root_ / ".jvs/store");
  EXPECT_EQ(du_before - du_after, plan["reclaimable_bytes"].get<uint64_t>());
  EXPECT_EQ(StoreObjects(root_), reachable);
  EXPECT_FALSE(fs::exists(root_ / ".jvs/gc" / id)) << "a plan is used up by its run";

  // History, tags and the pinned capture are intact; every snapshot restores exactly.
  EXPECT_EQ(Visible(), visible);
  EXPECT_OK(J({"diff", s1_, s5_}));
  json tags = JJson({"tag", "list"});
  EXPECT_TRUE(Contains(tags.dump(), s2_)) << tags.dump();
  ExpectAllRestore(visible);
  // Every operation file left on disk is in the op log.
  std::vector<std::string> ops = OpIds();
  std::sort(ops.begin(), ops.end());
  EXPECT_EQ(ListDirNames(root_ / ".jvs/op_store/operations"), ops);
}

TEST_F(GcTest, RunRefusesWhenACandidateBecameReachableAgain) {
  BuildHistory();
  if (HasFatalFailure()) return;
  json plan = Plan({"--keep-last", "1", "--grace-minutes", "0"});
  const std::string id = plan.value("plan_id", "");
  ASSERT_TRUE(PlanObjects(id).count("snapshot:" + junk_));
  // The candidate is still in the store: a tag by full id makes it reachable.
  ASSERT_OK(J({"tag", "set", "back", junk_}));
  const std::set<std::string> before = StoreObjects(root_);
  RunResult r = ExpectError(Main(), {"gc", "run", "--plan-id", id}, 1, "reachable again");
  EXPECT_TRUE(Contains(r.err, "jvs gc plan")) << r.err;
  EXPECT_EQ(StoreObjects(root_), before) << "a refused run deletes nothing";
  EXPECT_FALSE(fs::exists(root_ / ".jvs/op_store/horizon"));
  // Planning again keeps it, and that plan runs.
  json again = Plan({"--keep-last", "1", "--grace-minutes", "0"});
  EXPECT_FALSE(PlanObjects(again["plan_id"]).count("snapshot:" + junk_));
  ASSERT_OK(J({"gc", "run", "--plan-id", again["plan_id"].get<std::string>()}));
  ASSERT_OK(J({"restore", "back"}));
  Manifest m = TakeManifest(Main());
  EXPECT_TRUE(m == expected_[junk_]) << ManifestDiff(expected_[junk_], m);
}

TEST_F(GcTest, DefaultRetentionDeletesNothingRecent) {
  BuildHistory();
  if (HasFatalFailure()) return;
  const std::set<std::string> before = StoreObjects(root_);
  // Defaults (last 20 operations and 14 days): every operation is recent, so
  // everything any of them references stays, even without the grace period:
  // the undone snapshots too. Only objects no operation ever referenced go
  // (none here: the empty tree a fork's scan once stored is no longer
  // written, see DoctorTest.ForksEmptyFoldersAndConcurrentSnapshotsLeaveNoFindings).
  json plan = Plan({"--grace-minutes", "0"});
  EXPECT_EQ(plan["operations_to_cut"], 0) << plan.dump(2);
  EXPECT_EQ(plan["to_delete_snapshots"], 0) << plan.dump(2);
  EXPECT_EQ(plan["to_delete_blobs"], 0) << plan.dump(2);
  std::set<std::string> listed = PlanObjects(plan["plan_id"]);
  EXPECT_LE(listed.size(), 1u);
  for (const auto& o : listed) EXPECT_EQ(o, "tree:" + EmptyTreeId().hex());
  json p = ParseJson(ReadFile(root_ / ".jvs/gc" / plan["plan_id"].get<std::string>()));
  for (const auto& o : p["objects"]) EXPECT_EQ(o["reason"], "unreferenced") << o.dump();
  EXPECT_EQ(plan["keep_days"], 14);
  EXPECT_EQ(plan["keep_last"], 20);
  // The default grace period (60 minutes) alone protects freshly written
  // objects even when the window keeps only the current operation.
  json graced = Plan({"--keep-last", "1"});
  EXPECT_EQ(graced["to_delete"], 0) << graced.dump(2);
  EXPECT_EQ(graced["protected_recent"].get<uint64_t>(), before.size() - graced["protected_reachable"].get<uint64_t>());
  ASSERT_OK(J({"gc", "run", "--plan-id", plan["plan_id"].get<std::string>()}));
  std::set<std::string> after = StoreObjects(root_);
  for (const auto& o : before)
    if (!listed.count(o)) {
      EXPECT_TRUE(after.count(o)) << o;
    }
  for (const auto& id : {s1_, s2_, s3_, junk_, tagged_, w1_, captured_, s5_})
    EXPECT_TRUE(after.count("snapshot:" + id)) << id;
}

TEST_F(GcTest, OpLogIsCutAtAHorizonThatUndoAndAtOpRespect) {
  BuildHistory();
  if (HasFatalFailure()) return;
  const std::vector<std::string> ops_before = OpIds();
  json plan = Plan({"--keep-last", "2", "--grace-minutes", "0"});
  ASSERT_OK(J({"gc", "run", "--plan-id", plan["plan_id"].get<std::string>()}));
  std::vector<json> log = JJson({"op", "log"});
  ASSERT_EQ(log.size(), 3u);
  EXPECT_TRUE(Contains(log[0]["description"].get<std::string>(), "gc: deleted ")) << log[0].dump(2);
  EXPECT_EQ(log[1]["op_id"], ops_before[0]);
  EXPECT_EQ(log[2]["op_id"], ops_before[1]);
  ASSERT_TRUE(fs::exists(root_ / ".jvs/op_store/horizon"));
  json horizon = ParseJson(ReadFile(root_ / ".jvs/op_store/horizon"));
  EXPECT_EQ(horizon["cut"], json::array({ops_before[2]})) << horizon.dump();
  EXPECT_FALSE(fs::exists(root_ / ".jvs/op_store/operations" / ops_before[2]));
  RunResult text = J({"op", "log"});
  ASSERT_OK(text);
  EXPECT_TRUE(Contains(text.out, "gc: deleted")) << text.out;

  // --at-op still works inside the horizon, and says why it cannot go past it.
  EXPECT_OK(J({"--at-op", "@--", "history"}));
  ExpectError(Main(), {"--at-op", "@---", "history"}, 1, "horizon");
  ExpectError(Main(), {"op", "restore", ops_before[3].substr(0, 12)}, 1, "horizon");
  // Undo steps back through what remains, then stops with a hint.
  ASSERT_OK(J({"undo"}));  // the gc (its view is unchanged)
  ASSERT_OK(J({"undo"}));  // ops_before[0]
  RunResult past = ExpectError(Main(), {"undo"}, 1, "horizon");
  EXPECT_TRUE(Contains(past.err, "op restore")) << past.err;
  EXPECT_OK(J({"redo"}));
  EXPECT_OK(J({"status"}));

  // A second plan right after finds no objects to delete.
  json second = Plan({"--keep-last", "1", "--grace-minutes", "0"});
  EXPECT_EQ(second["to_delete"], 0) << second.dump(2);
  EXPECT_OK(J({"gc", "run", "--plan-id", second["plan_id"].get<std::string>()}));
  json third = Plan({"--keep-last", "1", "--grace-minutes", "0"});
  EXPECT_EQ(third["to_delete"], 0) << third.dump(2);
  EXPECT_EQ(third["operations_to_cut"], 1) << "only the previous operation: " << third.dump(2);
  EXPECT_OK(J({"op", "log"}));
}

// Two heads whose only common ancestor was cut still merge (against an
// empty base: union of heads, the newer side wins conflicts).
TEST_F(GcTest, HeadsWhoseCommonAncestorWasCutStillMerge) {
  W("a.txt", "a\n");
  const std::string s = S("base");
  const std::string base_op = OpIds()[0];
  const std::string left_op = JJson({"tag", "set", "left"}).value("op_id", "");
  SetOpHeads({base_op});
  const std::string right_op = JJson({"tag", "set", "right"}).value("op_id", "");
  SetOpHeads({left_op, right_op});
  ASSERT_EQ(OpIds().size(), 5u);  // merge, left, right, snapshot, init
  json plan = Plan({"--keep-last", "3", "--grace-minutes", "0"});
  ASSERT_EQ(plan["operations_to_cut"], 2) << plan.dump(2);
  ASSERT_OK(J({"gc", "run", "--plan-id", plan["plan_id"].get<std::string>()}));
  SetOpHeads({left_op, right_op});  // as if both had just been published
  std::vector<json> log = JJson({"op", "log"});
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0]["is_merge"], true) << log[0].dump(2);
  json tags = JJson({"tag", "list"});
  EXPECT_TRUE(Contains(tags.dump(), "left") && Contains(tags.dump(), "right")) << tags.dump();
  EXPECT_OK(J({"restore", "left"}));
  EXPECT_EQ(ReadFile(Main() / "a.txt"), "a\n");
  (void)s;
}

TEST_F(GcTest, UnknownPlanAndBadOptionsFailWithHints) {
  RunResult r = ExpectError(Main(), {"gc", "run", "--plan-id", "0123456789abcdef"}, 1, "no gc plan");
  EXPECT_TRUE(Contains(r.err, "jvs gc plan")) << r.err;
  ExpectError(Main(), {"gc", "run", "--plan-id", "../../format"}, 1, "no gc plan");
  ExpectError(Main(), {"gc", "run"}, 2);
  ExpectError(Main(), {"gc", "plan", "--keep-last", "0"}, 2);
  ExpectError(Main(), {"gc", "plan", "--keep-days", "-1"}, 2);
  ExpectError(Main(), {"--at-op", "@", "gc", "plan"}, 2);
  // A used plan is gone.
  json plan = Plan({"--grace-minutes", "0"});
  ASSERT_OK(J({"gc", "run", "--plan-id", plan["plan_id"].get<std::string>()}));
  ExpectError(Main(), {"gc", "run", "--plan-id", plan["plan_id"].get<std::string>()}, 1, "no gc plan");
}

// A run that deletes and cuts nothing records no operation (so it does not
// push real work out of the retention window or become something to undo);
// gc.keep_last below 1 is refused from the configuration and from
// JVS_GC_KEEP_LAST, naming where it came from.
TEST_F(GcTest, EmptyRunRecordsNoOperationAndKeepLastBelowOneIsRefused) {
  Write("a.txt", "a\n");
  Snap("one");
  json first = Plan({"--grace-minutes", "0"});
  ASSERT_OK(J({"gc", "run", "--plan-id", first["plan_id"].get<std::string>()}));
  const size_t ops_before = ParseJsonRecords(J({"--json", "op", "log"}).out).size();
  json plan = Plan({"--grace-minutes", "0"});
  ASSERT_EQ(plan["to_delete"], 0) << plan.dump(2);
  ASSERT_EQ(plan["operations_to_cut"], 0) << plan.dump(2);
  RunResult run = J({"--json", "gc", "run", "--plan-id", plan["plan_id"].get<std::string>()});
  ASSERT_OK(run);
  json r = ParseJson(run.out);
  EXPECT_TRUE(r["op_id"].is_null()) << run.out;
  EXPECT_EQ(r["deleted"], 0) << run.out;
  EXPECT_EQ(ParseJsonRecords(J({"--json", "op", "log"}).out).size(), ops_before);
  RunResult text = J({"gc", "run", "--plan-id", Plan({"--grace-minutes", "0"})["plan_id"].get<std::string>()});
  ASSERT_OK(text);
  EXPECT_TRUE(Contains(text.out, "no operation was recorded")) << text.out;

  RunResult env = RunProcess(Main(), {JVS_BINARY, "gc", "plan"}, CleanEnv({{"JVS_GC_KEEP_LAST", "0"}}));
  EXPECT_EQ(env.exit_code, 2) << env.err;
  EXPECT_TRUE(Contains(env.err, "JVS_GC_KEEP_LAST")) << env.err;
  EXPECT_TRUE(Contains(env.err, "1 or more")) << env.err;
  ExpectError(Main(), {"config", "set", "gc.keep_last", "0"}, 2, "1 or more");
  ASSERT_OK(J({"config", "set", "gc.keep_last", "1"}));
}

// A snapshot running in a real parallel process while gc runs loses nothing,
// even when it stores a file whose content is a blob the plan deletes (the
// snapshot finds the blob present and does not store it again).
TEST_F(GcTest, ConcurrentSnapshotDuringGcLosesNothing) {
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    root_ = Tmp() / ("r" + std::to_string(round));
    ASSERT_OK(Jvs(Tmp(), {"init", root_.filename().string()}));
    W("a.txt", "base\n");
    S("base");
    const std::string junk_content = Blob(50000, 'q');
    W("junk.bin", junk_content);
    const std::string junk = S("junk");
    ASSERT_OK(J({"undo"}));
    json plan = Plan({"--keep-last", "1", "--grace-minutes", "0"});
    const std::string id = plan.value("plan_id", "");
    ASSERT_TRUE(PlanObjects(id).count("snapshot:" + junk));
    // Many files so that the snapshot takes a while, one of them the junk content.
    for (int i = 0; i < 400; ++i) W("many/f" + std::to_string(i) + ".txt", "file " + std::to_string(i) + "\n");
    W("again/junk.bin", junk_content);
    const Manifest want = TakeManifest(Main());
    // Even rounds start the snapshot first, odd rounds the gc.
    RunResult gc, snapped;
    std::string snap_out;
    if (round % 2 == 0) {
      BackgroundProcess snap(Main(), {JVS_BINARY, "--json", "snapshot", "concurrent"}, CleanEnv(),
                             Tmp() / ("snap" + std::to_string(round)));
      if (round == 2) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      gc = Jvs(root_, {"gc", "run", "--plan-id", id});
      ASSERT_EQ(snap.Wait(), 0) << snap.Err();
      snap_out = snap.Out();
    } else {
      BackgroundProcess bg(root_, {JVS_BINARY, "gc", "run", "--plan-id", id}, CleanEnv(),
                           Tmp() / ("gc" + std::to_string(round)));
      if (round == 3) std::this_thread::sleep_for(std::chrono::milliseconds(30));
      snapped = Jvs(Main(), {"--json", "snapshot", "concurrent"});
      ASSERT_OK(snapped);
      snap_out = snapped.out;
      gc.exit_code = bg.Wait();
      gc.err = bg.Err();
    }
    std::printf("[ info     ] round %d: gc run exit %d\n", round, gc.exit_code);
    if (gc.exit_code != 0) {
      EXPECT_EQ(gc.exit_code, 1) << gc.Describe();
      EXPECT_TRUE(Contains(gc.err, "reachable again")) << gc.Describe();
    }
    const std::string snap_id = ParseJson(snap_out).value("snapshot_id", "");
    ASSERT_EQ(snap_id.size(), 64u) << snap_out;
    // Every object the new snapshot needs is in the store, and it restores exactly.
    const std::set<std::string> need = Reachable(root_, {snap_id});
    const std::set<std::string> have = StoreObjects(root_);
    for (const auto& o : need) EXPECT_TRUE(have.count(o)) << o << " is missing";
    ASSERT_OK(J({"restore", "base"}));
    ASSERT_OK(J({"restore", snap_id}));
    Manifest got = TakeManifest(Main());
    EXPECT_TRUE(got == want) << ManifestDiff(want, got);
  }
}

// A kill at any gc fault point leaves a valid repository: the op log and
// history work, every visible snapshot is complete, and running the plan
// again (or planning again) finishes the job exactly.
TEST_F(GcTest, KillAtEveryGcPointLeavesAValidRepository) {
  const std::vector<std::pair<std::string, std::string>> points = {
      {"gc.locked", "gc.locked"},
      {"gc.before_horizon", "gc.before_horizon"},
      {"gc.after_horizon", "gc.after_horizon"},
      {"gc.delete_operation", "gc.delete_operation@3"},
      {"gc.delete_view", "gc.delete_view@2"},
      {"gc.after_op_log", "gc.after_op_log"},
      {"gc.delete_object", "gc.delete_object@4"},
      {"gc.before_publish", "gc.before_publish"},
      {"gc.after_publish", "gc.after_publish"},
  };
  int n = 0;
  for (const auto& [name, spec] : points) {
    SCOPED_TRACE(spec);
    root_ = Tmp() / ("crash" + std::to_string(n++));
    expected_.clear();
    ASSERT_OK(Jvs(Tmp(), {"init", root_.filename().string()}));
    BuildHistory();
    if (HasFatalFailure()) return;
    const std::vector<std::string> visible = Visible();
    const std::set<std::string> reachable = Reachable(root_, visible);
    json plan = Plan({"--keep-last", "1", "--grace-minutes", "0"});
    const std::string id = plan.value("plan_id", "");
    RunResult killed = JvsEnv(Main(), {"gc", "run", "--plan-id", id}, {{"JVS_FAULT_POINT", spec}});
    ASSERT_EQ(killed.exit_code, 137) << "the point was not reached: " << killed.Describe();
    // Valid right after the crash.
    ASSERT_OK(J({"op", "log"}));
    EXPECT_EQ(Visible(), visible);
    const std::set<std::string> have = StoreObjects(root_);
    for (const auto& o : reachable) EXPECT_TRUE(have.count(o)) << o << " is missing after a kill at " << spec;
    // Every operation the log still shows can be looked at (its view's snapshots exist).
    for (const auto& op : OpIds()) EXPECT_OK(J({"--at-op", op, "history", "--all"}));
    ExpectAllRestore({s5_, captured_, s1_});
    // Finishing the job: the same plan if it is still there, else a new one.
    if (fs::exists(root_ / ".jvs/gc" / id)) {
      ASSERT_OK(J({"gc", "run", "--plan-id", id}));
    }
    json again = Plan({"--keep-last", "1", "--grace-minutes", "0"});
    ASSERT_OK(J({"gc", "run", "--plan-id", again["plan_id"].get<std::string>()}));
    // The restores above added reachable state only (restore targets are
    // visible): what remains is exactly what is reachable now.
    EXPECT_EQ(StoreObjects(root_), Reachable(root_, Visible()));
    std::vector<std::string> ops = OpIds();
    std::sort(ops.begin(), ops.end());
    EXPECT_EQ(ListDirNames(root_ / ".jvs/op_store/operations"), ops);
  }
}

}  // namespace
}  // namespace jvs::e2e
