// Unit tests of garbage collection through the library: the op log horizon
// (OpStore), the roots gc keeps (views, tree states, young objects), plan
// files, the exclusive repository lock, and refusal on a damaged repository.

#include "jvs/integrity/gc.h"

#include <gtest/gtest.h>

#include "remedy.h"
#include <sys/stat.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "jvs/base/hash.h"
#include "jvs/oplog/oplog.h"
#include "jvs/oplog/simple.h"
#include "jvs/repo/repo.h"
#include "jvs/repo/workspace.h"
#include "test_util.h"
#include "wc/tree_state.h"

namespace jvs {
namespace {

using testing::TempDir;
using testing::WriteFile;

constexpr int64_t kBaseTime = 1767225600'000'000'000;  // 2026-01-01T00:00:00Z

Settings TestSettings() {
  Settings s;
  s.user = "test";
  s.host = "host";
  s.pinned_time_ns = kBaseTime;
  s.random_seed = 7;
  s.lock_wait = std::chrono::milliseconds(200);
  return s;
}

// Sets a file's mtime to a day ago (older than any grace period used here).
void MakeOld(const fs::path& p) {
  struct timespec ts[2];
  ::clock_gettime(CLOCK_REALTIME, &ts[0]);
  ts[0].tv_sec -= 86400;
  ts[1] = ts[0];
  ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), ts, AT_SYMLINK_NOFOLLOW), 0) << p;
}

// The error code of a failed result; kInternal when it unexpectedly succeeded.
template <typename T>
ErrorCode CodeOf(const Result<T>& r) {
  return r.ok() ? ErrorCode::kInternal : r.error().code();
}
ErrorCode CodeOf(const Status& s) { return s.ok() ? ErrorCode::kInternal : s.error().code(); }

fs::path ObjectFile(const fs::path& root, const char* kind, const Digest& id) {
  return testing::StoreObjectFile(root / ".jvs/store", kind, ToHex(id.data(), id.size()));
}

class GcLibTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitOptions o{tmp_.path() / "repo", tmp_.path() / "repo" / "main"};
    auto repo = Repo::Init(Env::Default(), o, TestSettings());
    ASSERT_TRUE(repo.ok()) << repo.error().message();
  }
  fs::path Root() const { return tmp_.path() / "repo"; }
  std::unique_ptr<Repo> Open() {
    auto r = Repo::Open(Env::Default(), Root(), TestSettings());
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? std::move(r).value() : nullptr;
  }
  SnapshotId Snap(const std::string& file, const std::string& content) {
    WriteFile(Root() / "main" / file, content);
    auto repo = Open();
    auto ws = Workspace::Open(*repo, "main");
    EXPECT_TRUE(ws.ok());
    auto s = (*ws)->TakeSnapshot({});
    EXPECT_TRUE(s.ok()) << s.error().message();
    return s->id;
  }
  TempDir tmp_;
};

TEST(OpStoreHorizon, RoundTripLiveParentsAndMessages) {
  TempDir tmp;
  ASSERT_TRUE(SimpleOpStore::Create(Env::Default(), tmp.path()).ok());
  SimpleOpStore ops(Env::Default(), tmp.path());
  ASSERT_TRUE(ops.LoadHorizon().ok());
  EXPECT_TRUE(ops.horizon().empty());
  Operation op;
  op.parents = {OperationId(Sha256Of("cut")), OperationId(Sha256Of("kept"))};
  op.view = ViewId(Sha256Of("v"));
  EXPECT_EQ(ops.LiveParents(op), op.parents);
  // Without a horizon a missing operation is plainly missing.
  auto missing = ops.ReadOperation(OperationId(Sha256Of("cut")));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message().find("horizon"), std::string::npos);

  ASSERT_TRUE(ops.WriteHorizon({OperationId(Sha256Of("cut"))}).ok());
  EXPECT_TRUE(ops.IsCut(OperationId(Sha256Of("cut"))));
  EXPECT_EQ(ops.LiveParents(op), std::vector<OperationId>{OperationId(Sha256Of("kept"))});
  SimpleOpStore fresh(Env::Default(), tmp.path());
  ASSERT_TRUE(fresh.LoadHorizon().ok());
  EXPECT_EQ(fresh.horizon(), ops.horizon());
  missing = fresh.ReadOperation(OperationId(Sha256Of("cut")));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find("horizon"), std::string::npos) << missing.error().message();
  EXPECT_FALSE(jvs::cli::FullHint(missing.error()).empty());

  for (const char* bad : {"", "{}", "{\"format\":1}", "{\"format\":1,\"cut\":[\"xyz\"]}", "[1]"}) {
    WriteFile(tmp.path() / "horizon", bad);
    Status st = fresh.LoadHorizon();
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().code(), ErrorCode::kCorrupt) << bad;
  }
  WriteFile(tmp.path() / "horizon", "{\"format\":2,\"cut\":[]}");
  EXPECT_EQ(CodeOf(fresh.LoadHorizon()), ErrorCode::kFormatTooNew);
}

TEST_F(GcLibTest, KeepsRootsAndDeletesOnlyOldUnreferencedObjects) {
  const SnapshotId head = Snap("a.txt", "kept content\n");
  auto repo = Open();
  Store& store = repo->store();
  // Objects no operation references: one old, one young, one named by the
  // tree state of a worktree, one old snapshot whose tree is old too.
  auto old_blob = store.WriteBlob("old garbage");
  auto young_blob = store.WriteBlob("young garbage");
  auto state_blob = store.WriteBlob("named by a tree state");
  ASSERT_TRUE(old_blob.ok() && young_blob.ok() && state_blob.ok());
  Tree t;
  t.entries.push_back({"g", EntryKind::kFile, old_blob->bytes(), 11});
  auto old_tree = store.WriteTree(t);
  ASSERT_TRUE(old_tree.ok());
  Snapshot s;
  s.SetTree(*old_tree);
  s.parents = {head};
  s.change_id = std::string(32, 'a');
  s.created_at = "2026-01-01T00:00:00.000Z";
  s.worktree = "main";
  s.author = "x@y";
  s.engine = "copy";
  auto old_snap = store.WriteSnapshot(s);
  ASSERT_TRUE(old_snap.ok());
  MakeOld(ObjectFile(Root(), "blobs", old_blob->bytes()));
  MakeOld(ObjectFile(Root(), "blobs", state_blob->bytes()));
  MakeOld(ObjectFile(Root(), "trees", old_tree->bytes()));
  MakeOld(ObjectFile(Root(), "snapshots", old_snap->bytes()));
  // A second worktree record whose tree state names state_blob.
  TreeState ts;
  FileState fstate;
  fstate.id = state_blob->bytes();
  ts.entries.push_back({"x", fstate});
  fs::create_directories(Root() / ".jvs/worktrees/other");
  ASSERT_TRUE(ts.Save(Env::Default(), Root() / ".jvs/worktrees/other/tree_state").ok());

  GcOptions o;
  o.keep_last = 1;
  o.grace_seconds = 600;
  auto plan = MakeGcPlan(*repo, o);
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  std::set<std::string> listed;
  for (const auto& c : plan->objects) {
    listed.insert(std::string(GcObjectKindName(c.kind)) + ":" + ToHex(c.id.data(), c.id.size()));
    EXPECT_EQ(c.reason, "unreferenced");
    EXPECT_GT(c.bytes, 0u);
  }
  EXPECT_EQ(listed, (std::set<std::string>{"blob:" + old_blob->hex(), "tree:" + old_tree->hex(),
                                           "snapshot:" + old_snap->hex()}));
  EXPECT_GE(plan->protected_recent, 1u);  // young_blob
  EXPECT_TRUE(fs::exists(Root() / ".jvs/gc" / plan->plan_id));
  auto loaded = LoadGcPlan(*repo, plan->plan_id);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->objects.size(), 3u);
  EXPECT_EQ(loaded->reclaimable_bytes, plan->reclaimable_bytes);

  auto run = RunGcPlan(*repo, plan->plan_id);
  ASSERT_TRUE(run.ok()) << run.error().message();
  EXPECT_EQ(run->objects_deleted(), 3u);
  EXPECT_EQ(run->bytes_freed, plan->reclaimable_bytes);
  EXPECT_FALSE(store.HasBlob(*old_blob));
  EXPECT_FALSE(fs::exists(ObjectFile(Root(), "trees", old_tree->bytes())));
  EXPECT_FALSE(store.HasSnapshot(*old_snap));
  EXPECT_TRUE(store.HasBlob(*young_blob));
  EXPECT_TRUE(store.HasBlob(*state_blob));
  EXPECT_TRUE(store.HasSnapshot(head));
  EXPECT_EQ(repo->operation().metadata.description.rfind("gc: deleted 3 objects", 0), 0u)
      << repo->operation().metadata.description;
  EXPECT_EQ(CodeOf(LoadGcPlan(*repo, plan->plan_id)), ErrorCode::kNotFound);
}

// Records what the library reports.
class RecordingSink : public ProgressSink {
 public:
  void Begin(std::string_view phase, uint64_t items, uint64_t bytes) override {
    std::lock_guard<std::mutex> l(mu);
    begins.push_back({std::string(phase), items, bytes});
  }
  void Add(uint64_t items, uint64_t bytes) override {
    std::lock_guard<std::mutex> l(mu);
    added_items += items;
    added_bytes += bytes;
  }
  void End() override {
    std::lock_guard<std::mutex> l(mu);
    ++ends;
  }
  struct Phase {
    std::string name;
    uint64_t items, bytes;
  };
  std::mutex mu;
  std::vector<Phase> begins;
  uint64_t added_items = 0, added_bytes = 0, ends = 0;
};

TEST_F(GcLibTest, ReportsProgressInTheGcPhase) {
  Snap("a.txt", "x\n");
  {
    auto repo = Open();
    auto blob = repo->store().WriteBlob("garbage");
    ASSERT_TRUE(blob.ok());
    MakeOld(ObjectFile(Root(), "blobs", blob->bytes()));
  }
  RecordingSink sink;
  Settings settings = TestSettings();
  settings.progress = &sink;
  auto repo = Repo::Open(Env::Default(), Root(), settings);
  ASSERT_TRUE(repo.ok());
  GcOptions o;
  o.keep_last = 1;
  o.grace_seconds = 60;
  auto plan = MakeGcPlan(**repo, o);
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  ASSERT_EQ(plan->objects.size(), 1u);
  auto run = RunGcPlan(**repo, plan->plan_id);
  ASSERT_TRUE(run.ok()) << run.error().message();
  ASSERT_GE(sink.begins.size(), 3u);  // plan; run: marking, deleting
  for (const auto& b : sink.begins) EXPECT_EQ(b.name, "gc");
  EXPECT_EQ(sink.ends, sink.begins.size());
  EXPECT_EQ(sink.begins.back().items, 1u);
  EXPECT_EQ(sink.begins.back().bytes, plan->reclaimable_bytes);
  EXPECT_EQ(sink.added_bytes, plan->reclaimable_bytes);
  EXPECT_GT(sink.added_items, 2u);  // marked objects and the deleted one
}

TEST_F(GcLibTest, RunWaitsForOtherCommandsAndGivesUp) {
  Snap("a.txt", "x\n");
  auto repo = Open();
  GcOptions o;
  o.keep_last = 1;
  o.grace_seconds = 0;
  auto plan = MakeGcPlan(*repo, o);
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  {
    auto other = Open();  // another command (holds the shared lock)
    auto run = RunGcPlan(*repo, plan->plan_id);
    ASSERT_FALSE(run.ok());
    EXPECT_EQ(run.error().code(), ErrorCode::kLocked) << run.error().message();
    EXPECT_FALSE(jvs::cli::FullHint(run.error()).empty());
  }
  // The plan is still there and the repository unchanged; a new open works.
  auto repo2 = Open();
  repo.reset();
  auto run = RunGcPlan(*repo2, plan->plan_id);
  EXPECT_TRUE(run.ok()) << run.error().message();
}

TEST_F(GcLibTest, CommandsWaitWhileGcHoldsTheLock) {
  auto repo = Open();
  ASSERT_TRUE(repo->LockRepositoryExclusive().ok());
  auto other = Repo::Open(Env::Default(), Root(), TestSettings());
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code(), ErrorCode::kLocked);
  EXPECT_NE(other.error().message().find("gc"), std::string::npos) << other.error().message();
}

TEST_F(GcLibTest, RefusesWhenAReachableSnapshotIsMissing) {
  const SnapshotId s1 = Snap("a.txt", "one\n");
  Snap("a.txt", "two\n");
  fs::path p = ObjectFile(Root(), "snapshots", s1.bytes());
  ASSERT_TRUE(fs::remove(p));
  auto repo = Open();
  GcOptions o;
  o.keep_last = 1;
  o.grace_seconds = 0;
  auto plan = MakeGcPlan(*repo, o);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message().find("cannot collect garbage"), std::string::npos) << plan.error().message();
  EXPECT_NE(jvs::cli::FullHint(plan.error()).find("doctor"), std::string::npos);
}

TEST_F(GcLibTest, RejectsBadOptionsAndPlanIds) {
  auto repo = Open();
  GcOptions o;
  o.keep_last = 0;
  EXPECT_EQ(CodeOf(MakeGcPlan(*repo, o)), ErrorCode::kInvalidArgument);
  o.keep_last.reset();
  o.keep_days = -1;
  EXPECT_EQ(CodeOf(MakeGcPlan(*repo, o)), ErrorCode::kInvalidArgument);
  for (const char* id : {"", "zz", "../format", "0123456789abcdef", "0123456789ABCDEFG"})
    EXPECT_EQ(CodeOf(LoadGcPlan(*repo, id)), ErrorCode::kNotFound) << id;
  WriteFile(Root() / ".jvs/gc/0123456789abcdef", "{\"format\":1}");
  EXPECT_EQ(CodeOf(LoadGcPlan(*repo, "0123456789abcdef")), ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace jvs
