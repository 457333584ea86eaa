// Unit tests of the snapshot index (store/snapshot_index.h, index_segment.h):
// segments written and verified, lookups by id, id prefix and change id,
// the squash rule, concurrent writers, damage detected and rebuilt, and
// history read through it.

#include "store/snapshot_index.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "jvs/base/hash.h"
#include "jvs/repo/history.h"
#include "jvs/repo/workspace.h"
#include "jvs/store/store.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;

Snapshot MakeSnapshot(int i, std::vector<SnapshotId> parents = {}) {
  Snapshot s;
  s.SetTree(TreeId(Sha256Of("tree" + std::to_string(i % 7))));
  s.parents = std::move(parents);
  s.change_id = TreeId(Sha256Of("change" + std::to_string(i % 1000))).hex().substr(0, 32);
  s.note = "snapshot " + std::to_string(i);
  s.created_at = "2026-01-01T00:00:" + std::string(i % 60 < 10 ? "0" : "") + std::to_string(i % 60) + ".000Z";
  s.worktree = "main";
  s.author = "tester@box";
  s.engine = "copy";
  return s;
}

class SnapshotIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() / "store";
    ASSERT_TRUE(Store::Create(env_, dir_).ok());
  }
  std::unique_ptr<Store> Open() {
    auto s = Store::Open(env_, dir_);
    EXPECT_TRUE(s.ok());
    return std::move(s).value();
  }
  // A line of `n` snapshots on `base`, oldest first.
  std::vector<SnapshotId> WriteLine(Store& store, int n, int first, std::optional<SnapshotId> base = {}) {
    std::vector<SnapshotId> out;
    for (int i = first; i < first + n; ++i) {
      std::vector<SnapshotId> parents;
      if (!out.empty()) parents.push_back(out.back());
      else if (base) parents.push_back(*base);
      auto id = store.WriteSnapshot(MakeSnapshot(i, parents));
      EXPECT_TRUE(id.ok());
      out.push_back(*id);
    }
    return out;
  }
  void IndexAndFlush(const std::vector<SnapshotId>& heads) {
    auto store = Open();
    ASSERT_TRUE(store->IndexSnapshots(heads, false).ok());
    ASSERT_TRUE(store->FlushSnapshotIndex().ok());
  }
  SnapshotIndex LoadIndex() {
    SnapshotIndex idx(dir_ / "index");
    idx.Load(env_);
    return idx;
  }
  std::vector<uint32_t> ChainCounts() {
    std::vector<uint32_t> out;
    SnapshotIndex idx = LoadIndex();
    for (const auto& s : idx.chain()) out.push_back(s.count);
    return out;
  }

  Env* env_ = Env::Default();
  TempDir tmp_;
  fs::path dir_;
};

TEST_F(SnapshotIndexTest, OffByDefault) {
  auto store = Open();
  auto line = WriteLine(*store, 3, 0);
  for (const auto& id : line) ASSERT_TRUE(store->ReadSnapshot(id).ok());
  ASSERT_TRUE(store->FlushSnapshotIndex().ok());
  EXPECT_FALSE(fs::exists(dir_ / "index"));
}

TEST_F(SnapshotIndexTest, BuildLookupPrefixChangeAndDescriptors) {
  std::vector<SnapshotId> a, b;
  SnapshotId merge;
  {
    auto store = Open();
    a = WriteLine(*store, 40, 0);
    b = WriteLine(*store, 5, 100, a[10]);
    auto m = store->WriteSnapshot(MakeSnapshot(200, {a.back(), b.back()}));
    ASSERT_TRUE(m.ok());
    merge = *m;
  }
  IndexAndFlush({merge});
  SnapshotIndex idx = LoadIndex();
  EXPECT_TRUE(idx.damaged().empty());
  ASSERT_EQ(idx.size(), 46u);
  for (size_t i = 0; i < a.size(); ++i) {
    auto pos = idx.Find(a[i]);
    ASSERT_TRUE(pos.has_value());
    EXPECT_EQ(idx.Id(*pos), a[i]);
    EXPECT_EQ(idx.Generation(*pos), i);
    auto s = idx.SnapshotAt(*pos);
    ASSERT_TRUE(s.ok()) << s.error().message();
    EXPECT_EQ(s->Encode(), MakeSnapshot(static_cast<int>(i), i ? std::vector<SnapshotId>{a[i - 1]}
                                                                  : std::vector<SnapshotId>{}).Encode());
  }
  auto mpos = *idx.Find(merge);
  EXPECT_EQ(idx.Generation(mpos), 40u);  // max(39, 10 + 5) + 1
  std::vector<uint32_t> ps;
  idx.Parents(mpos, &ps);
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(idx.Id(ps[0]), a.back());
  EXPECT_EQ(idx.Id(ps[1]), b.back());
  // Prefixes of every length find the id (and only ids with that prefix).
  for (size_t len : {1, 2, 3, 7, 64}) {
    auto found = idx.FindPrefix(b[2].hex().substr(0, len));
    EXPECT_NE(std::find(found.begin(), found.end(), *idx.Find(b[2])), found.end()) << len;
    for (uint32_t p : found) EXPECT_EQ(idx.Id(p).hex().substr(0, len), b[2].hex().substr(0, len));
  }
  EXPECT_TRUE(idx.FindPrefix("zz").empty());
  // Change ids: snapshot i and i + 1000 would share one; here each is its own.
  auto changes = idx.FindChange(ChangeKeyOf(MakeSnapshot(102).change_id));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(idx.Id(changes[0]), b[2]);
  EXPECT_TRUE(idx.FindChange(ChangeKeyOf(MakeSnapshot(999).change_id)).empty());
}

TEST_F(SnapshotIndexTest, NewSegmentOnTopWhenSmallSquashedWhenOverHalfItsParent) {
  auto store = Open();
  std::vector<SnapshotId> line = WriteLine(*store, 16, 0);
  IndexAndFlush({line.back()});
  EXPECT_EQ(ChainCounts(), (std::vector<uint32_t>{16}));
  auto add = [&](int n) {
    auto more = WriteLine(*store, n, static_cast<int>(line.size()), line.back());
    line.insert(line.end(), more.begin(), more.end());
    IndexAndFlush({line.back()});
  };
  add(4);
  EXPECT_EQ(ChainCounts(), (std::vector<uint32_t>{16, 4}));
  add(2);
  EXPECT_EQ(ChainCounts(), (std::vector<uint32_t>{16, 4, 2}));
  add(2);  // 2 > 2/2: into the 2, then 4 > 4/2: into the 4, then 8 is not > 16/2
  EXPECT_EQ(ChainCounts(), (std::vector<uint32_t>{16, 8}));
  add(9);  // 9 > 8/2, then 17 > 16/2: one segment
  EXPECT_EQ(ChainCounts(), (std::vector<uint32_t>{33}));
  SnapshotIndex idx = LoadIndex();
  for (size_t i = 0; i < line.size(); ++i) {
    auto pos = idx.Find(line[i]);
    ASSERT_TRUE(pos.has_value());
    EXPECT_EQ(*pos, i) << "positions stay where they were across squashes";
    EXPECT_TRUE(idx.SnapshotAt(*pos).ok());
  }
  EXPECT_EQ(idx.heads_loaded(), 1u);
}

TEST_F(SnapshotIndexTest, ConcurrentWritersFromTwoProcessesBothSurvive) {
  std::vector<SnapshotId> base, lines[2];
  {
    auto store = Open();
    base = WriteLine(*store, 10, 0);
    for (int w = 0; w < 2; ++w) lines[w] = WriteLine(*store, 6, 100 * (w + 1), base.back());
  }
  IndexAndFlush({base.back()});
  // Both processes load the same head, add their own line and publish.
  int up[2][2], down[2][2];  // child -> parent: loaded; parent -> child: go
  pid_t pids[2];
  for (int w = 0; w < 2; ++w) {
    ASSERT_EQ(pipe(up[w]), 0);
    ASSERT_EQ(pipe(down[w]), 0);
    pids[w] = fork();
    ASSERT_GE(pids[w], 0);
    if (pids[w] == 0) {
      auto store = Store::Open(env_, dir_);
      bool ok = store.ok() && (*store)->IndexSnapshots({lines[w].back()}, false).ok();
      char c;  // wait until both have loaded the index
      ok = write(up[w][1], "l", 1) == 1 && read(down[w][0], &c, 1) == 1 && ok;
      ok = ok && (*store)->FlushSnapshotIndex().ok();
      _exit(ok ? 0 : 1);
    }
  }
  char c;
  for (int w = 0; w < 2; ++w) ASSERT_EQ(read(up[w][0], &c, 1), 1);
  for (int w = 0; w < 2; ++w) ASSERT_EQ(write(down[w][1], "g", 1), 1);
  for (int w = 0; w < 2; ++w) {
    int status = 0;
    ASSERT_EQ(waitpid(pids[w], &status, 0), pids[w]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    for (int* p : {up[w], down[w]}) {
      close(p[0]);
      close(p[1]);
    }
  }
  {
    SnapshotIndex idx = LoadIndex();
    EXPECT_EQ(idx.heads_loaded(), 2u) << "each writer published its own head";
    EXPECT_EQ(idx.size(), 22u);
    for (const auto& l : lines)
      for (const auto& id : l) {
        auto pos = idx.Find(id);
        ASSERT_TRUE(pos.has_value());
        EXPECT_TRUE(idx.SnapshotAt(*pos).ok());
      }
    // The next writer merges them into one head.
    ASSERT_TRUE(idx.Flush(env_).ok());
  }
  SnapshotIndex idx = LoadIndex();
  EXPECT_EQ(idx.heads_loaded(), 1u);
  EXPECT_EQ(idx.size(), 22u);
  for (const auto& l : lines)
    for (const auto& id : l) EXPECT_TRUE(idx.Find(id).has_value());
}

TEST_F(SnapshotIndexTest, DamagedSegmentIsDetectedIgnoredAndRebuilt) {
  std::vector<SnapshotId> line;
  {
    auto store = Open();
    line = WriteLine(*store, 30, 0);
  }
  IndexAndFlush({line.back()});
  const fs::path seg = dir_ / "index" / "segments" / fs::directory_iterator(dir_ / "index" / "segments")->path().filename();
  std::string data = testing::ReadFile(seg);
  data[data.size() / 2] ^= 0x20;
  testing::WriteFile(seg, data);
  {
    SnapshotIndex idx = LoadIndex();
    ASSERT_EQ(idx.damaged().size(), 1u);
    EXPECT_NE(idx.damaged()[0].find(seg.filename().string()), std::string::npos) << idx.damaged()[0];
    EXPECT_EQ(idx.size(), 0u);
  }
  {
    // Readers still get every descriptor (from the objects), and rebuild.
    auto store = Open();
    store->UseSnapshotIndex(true);
    for (const auto& id : line) ASSERT_TRUE(store->ReadSnapshot(id).ok());
    ASSERT_TRUE(store->IndexSnapshots({line.back()}, false).ok());
    ASSERT_TRUE(store->FlushSnapshotIndex().ok());
    store->UseSnapshotIndex(false);
  }
  SnapshotIndex idx = LoadIndex();
  EXPECT_TRUE(idx.damaged().empty());
  EXPECT_EQ(idx.size(), 30u);
  EXPECT_EQ(idx.heads_loaded(), 1u);
}

TEST_F(SnapshotIndexTest, EntryThatDoesNotMatchItsSnapshotIsNeverUsed) {
  // A well-formed segment (its hash is right) whose entry lies about the note.
  std::vector<SnapshotId> line;
  {
    auto store = Open();
    line = WriteLine(*store, 1, 0);
  }
  Snapshot lie = MakeSnapshot(0);
  lie.note = "not what was written";
  IndexEntry e;
  e.id = line[0];
  e.change = ChangeKeyOf(lie.change_id);
  e.extra = EncodeExtra(lie, {});
  std::string data = IndexSegment::Encode(std::nullopt, 0, {&e});
  const std::string name = ToHex(IndexSegment::NameOf(data).data(), kIdBytes);
  testing::WriteFile(dir_ / "index" / "segments" / name, data);
  testing::WriteFile(dir_ / "index" / "heads" / name, "");
  SnapshotIndex idx = LoadIndex();
  ASSERT_EQ(idx.size(), 1u);
  EXPECT_EQ(idx.SnapshotAt(0).error().code(), ErrorCode::kCorrupt);
  auto store = Open();
  store->UseSnapshotIndex(true);
  auto s = store->ReadSnapshot(line[0]);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->note, "snapshot 0");
  store->UseSnapshotIndex(false);
}

TEST(IndexSegmentTest, ParseRefusesEveryFlippedByteAndWrongName) {
  std::vector<IndexEntry> entries(3);
  for (int i = 0; i < 3; ++i) {
    Snapshot s = MakeSnapshot(i);
    entries[i].id = s.ComputeId();
    entries[i].generation = static_cast<uint32_t>(i);
    if (i) entries[i].parents = {static_cast<uint32_t>(i - 1)};
    entries[i].extra = EncodeExtra(s, {});
  }
  std::string data = IndexSegment::Encode(std::nullopt, 0, {&entries[0], &entries[1], &entries[2]});
  const Digest name = IndexSegment::NameOf(data);
  ASSERT_TRUE(IndexSegment::Parse(data, name).ok());
  for (size_t i = 0; i < data.size(); i += 7) {
    std::string bad = data;
    bad[i] ^= 0x01;
    EXPECT_FALSE(IndexSegment::Parse(bad, name).ok()) << i;
  }
  EXPECT_FALSE(IndexSegment::Parse(data, Sha256Of("other")).ok());
  // A parent after its child is refused even with a right hash.
  entries[0].parents = {2};
  std::string cyclic = IndexSegment::Encode(std::nullopt, 0, {&entries[0], &entries[1], &entries[2]});
  EXPECT_EQ(IndexSegment::Parse(cyclic, IndexSegment::NameOf(cyclic)).error().code(), ErrorCode::kCorrupt);
}

// ---------------------------------------------------------------- History

// History through the index equals History read from the objects: on first
// use (index missing), from the index, and with a damaged index.
TEST(HistoryIndexTest, SameEntriesWithAndWithoutTheIndex) {
  TempDir tmp;
  fs::path root = tmp.path() / "repo", ws = root / "main";
  Settings settings;
  settings.user = "tester";
  settings.host = "box";
  settings.random_seed = 7;
  settings.engine = "copy";
  int64_t clock = 1767225600'000'000'000;
  auto next = [&] {
    Settings s = settings;
    s.pinned_time_ns = (clock += 1'000'000'000);
    return s;
  };
  ASSERT_TRUE(Repo::Init(Env::Default(), InitOptions{root, ws}, next()).ok());
  for (int i = 0; i < 12; ++i) {
    testing::WriteFile(ws / "f", std::to_string(i));
    auto repo = Repo::Open(Env::Default(), ws, next());
    ASSERT_TRUE(repo.ok());
    auto w = Workspace::Open(**repo, "main");
    ASSERT_TRUE(w.ok());
    SnapshotOptions so;
    so.note = "note " + std::to_string(i);
    if (i % 5 == 0) so.tags.push_back("t" + std::to_string(i));
    ASSERT_TRUE((*w)->TakeSnapshot(so).ok());
  }
  auto render = [&](const HistoryOptions& o) {
    auto repo = Repo::Open(Env::Default(), ws, next());
    EXPECT_TRUE(repo.ok());
    auto h = History(**repo, "main", o);
    EXPECT_TRUE(h.ok()) << h.error().message();
    std::string out;
    for (const auto& e : *h) {
      out += e.id.hex() + " " + e.snapshot->Encode();
      for (const auto& t : e.tags) out += " " + t;
      out += "\n";
    }
    return out;
  };
  std::vector<HistoryOptions> variants(5);
  variants[1].all = true;
  variants[2].limit = 3;
  variants[3].grep = "note 1";
  variants[4].tag = "t5";
  fs::path index = root / ".jvs" / "store" / "index";
  for (const auto& o : variants) {
    fs::remove_all(index);
    std::string from_objects = render(o);
    EXPECT_FALSE(from_objects.empty());
    ASSERT_TRUE(fs::exists(index / "heads"));
    std::string from_index = render(o);
    EXPECT_EQ(from_index, from_objects);
    // Damage the middle of every segment: the answer stays the same.
    for (const auto& e : fs::directory_iterator(index / "segments")) {
      std::string data = testing::ReadFile(e.path());
      testing::WriteFile(e.path(), data.substr(0, data.size() / 2) + "damage" + data.substr(data.size() / 2 + 6));
    }
    EXPECT_EQ(render(o), from_objects) << "damaged index";
  }
  auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  EXPECT_EQ(lines(render(variants[0])), 12);
  EXPECT_EQ(lines(render(variants[1])), 12);
  EXPECT_EQ(lines(render(variants[2])), 3);
}

}  // namespace
}  // namespace jvs
