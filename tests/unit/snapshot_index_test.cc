// Unit tests of the snapshot index (store/snapshot_index: a cache of snapshot
// descriptors verified against their ids) and of the canonical fast path of
// Snapshot::Decode that history relies on.
// Over 400 lines on purpose: the index and the decode fast path it relies on are checked against
// the same crafted descriptors.

#include "store/snapshot_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "jvs/base/hash.h"
#include "jvs/store/store.h"
#include "jvs/repo/history.h"
#include "jvs/repo/workspace.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;

Snapshot MakeSnapshot(int i, std::vector<SnapshotId> parents = {}) {
  Snapshot s;
  s.SetTree(TreeId(Sha256Of("tree" + std::to_string(i % 7))));
  s.parents = std::move(parents);
  s.change_id = TreeId(Sha256Of("change" + std::to_string(i))).hex().substr(0, 32);
  s.note = "snapshot " + std::to_string(i);
  s.created_at = "2026-01-01T00:00:" + std::string(i % 60 < 10 ? "0" : "") + std::to_string(i % 60) + ".000Z";
  s.worktree = "main";
  s.author = "tester@box";
  s.engine = "copy";
  return s;
}

void ExpectSame(const Snapshot& a, const Snapshot& b) {
  EXPECT_EQ(a.root_terms, b.root_terms);
  EXPECT_EQ(a.parents, b.parents);
  EXPECT_EQ(a.change_id, b.change_id);
  EXPECT_EQ(a.note, b.note);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.worktree, b.worktree);
  EXPECT_EQ(a.author, b.author);
  EXPECT_EQ(a.engine, b.engine);
}

// ---------------------------------------------------------------- Decode

TEST(SnapshotDecodeTest, CanonicalRoundTripWithAnyNote) {
  const std::vector<std::string> notes = {
      "", "plain", "quote \" and backslash \\", "line\nbreak\ttab", "ctrl \x01\x1f", "utf-8 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
      "del \x7f", std::string(5000, 'x')};
  int i = 0;
  for (const auto& note : notes) {
    Snapshot s = MakeSnapshot(i++, {SnapshotId(Sha256Of("p1")), SnapshotId(Sha256Of("p2"))});
    s.note = note;
    auto d = Snapshot::Decode(s.Encode());
    ASSERT_TRUE(d.ok()) << d.error().message();
    ExpectSame(*d, s);
    EXPECT_EQ(d->Encode(), s.Encode());
  }
}

TEST(SnapshotDecodeTest, NonCanonicalJsonDecodesTheSame) {
  Snapshot s = MakeSnapshot(3, {SnapshotId(Sha256Of("p"))});
  // Same content, other key order and whitespace: the general parser takes it.
  nlohmann::json j = nlohmann::json::parse(s.Encode());
  std::string pretty = j.dump(2);
  auto d = Snapshot::Decode(pretty);
  ASSERT_TRUE(d.ok()) << d.error().message();
  ExpectSame(*d, s);
}

TEST(SnapshotDecodeTest, FastPathRejectsWhatTheParserRejects) {
  std::string enc = MakeSnapshot(1).Encode();
  auto with_note = [&](const std::string& raw_note) {
    std::string e = enc;
    size_t at = e.find("\"snapshot 1\"");
    return e.replace(at, 12, "\"" + raw_note + "\"");
  };
  EXPECT_FALSE(Snapshot::Decode(with_note("bad \xff utf8")).ok());
  EXPECT_FALSE(Snapshot::Decode(with_note("overlong \xc0\xaf")).ok());
  EXPECT_FALSE(Snapshot::Decode(with_note("surrogate \xed\xa0\x80")).ok());
  EXPECT_FALSE(Snapshot::Decode(with_note("truncated \xe2\x82")).ok());
  EXPECT_FALSE(Snapshot::Decode(with_note("raw\ncontrol")).ok());
  EXPECT_TRUE(Snapshot::Decode(with_note("fine \xe2\x82\xac")).ok());
  // Field validation is the same on both paths.
  std::string bad_change = enc;
  bad_change.replace(bad_change.find("\"change_id\":\"") + 13, 1, "G");
  EXPECT_EQ(Snapshot::Decode(bad_change).error().code(), ErrorCode::kCorrupt);
  std::string upper = enc;
  size_t c = upper.find("\"change_id\":\"") + 13;
  upper.replace(c, 32, std::string(32, 'A'));
  EXPECT_FALSE(Snapshot::Decode(upper).ok());
  std::string bad_tree = enc;
  bad_tree.replace(bad_tree.find("\"tree\":\"") + 8, 2, "zz");
  EXPECT_FALSE(Snapshot::Decode(bad_tree).ok());
  EXPECT_FALSE(Snapshot::Decode(enc + " x").ok());
  EXPECT_FALSE(Snapshot::Decode(enc.substr(0, enc.size() - 1)).ok());
  std::string fmt2 = enc;
  fmt2.replace(fmt2.find("\"format\":1") + 9, 1, "2");
  EXPECT_FALSE(Snapshot::Decode(fmt2).ok());
}

// ---------------------------------------------------------------- SnapshotIndex

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
  // A line of `n` snapshots, oldest first.
  std::vector<std::pair<SnapshotId, Snapshot>> WriteLine(Store& store, int n, int first = 0) {
    std::vector<std::pair<SnapshotId, Snapshot>> out;
    for (int i = first; i < first + n; ++i) {
      std::vector<SnapshotId> parents;
      if (!out.empty()) parents.push_back(out.back().first);
      Snapshot s = MakeSnapshot(i, parents);
      auto id = store.WriteSnapshot(s);
      EXPECT_TRUE(id.ok());
      out.emplace_back(*id, s);
    }
    return out;
  }
  // Reads every snapshot through the index and files them there.
  void ReadAllIndexed(const std::vector<std::pair<SnapshotId, Snapshot>>& line) {
    auto store = Open();
    store->UseSnapshotIndex(true);
    for (const auto& [id, s] : line) {
      auto r = store->ReadSnapshot(id);
      ASSERT_TRUE(r.ok()) << r.error().message();
      ExpectSame(**r, s);
    }
    ASSERT_TRUE(store->FlushSnapshotIndex().ok());
  }
  fs::path IndexPath() const { return dir_ / "snapshot_index"; }
  SnapshotIndex LoadIndex() {
    SnapshotIndex idx(IndexPath());
    idx.Load(env_);
    return idx;
  }

  Env* env_ = Env::Default();
  TempDir tmp_;
  fs::path dir_;
};

TEST_F(SnapshotIndexTest, OffByDefault) {
  auto store = Open();
  auto line = WriteLine(*store, 3);
  for (const auto& [id, s] : line) ASSERT_TRUE(store->ReadSnapshot(id).ok());
  ASSERT_TRUE(store->FlushSnapshotIndex().ok());
  EXPECT_FALSE(fs::exists(IndexPath()));
}

TEST_F(SnapshotIndexTest, BuiltLazilyThenServesEveryDescriptor) {
  std::vector<std::pair<SnapshotId, Snapshot>> line;
  {
    auto store = Open();
    line = WriteLine(*store, 50);
  }
  ReadAllIndexed(line);
  ASSERT_TRUE(fs::exists(IndexPath()));
  SnapshotIndex idx = LoadIndex();
  EXPECT_EQ(idx.size(), 50u);
  EXPECT_FALSE(idx.needs_rewrite());
  // The index alone answers now: hide the objects and read again.
  // (the folder of every snapshot file in the local backend's layout)
  const fs::path snapshots = testing::StoreObjectFile(dir_, "snapshot", line[0].first.hex()).parent_path().parent_path();
  fs::rename(snapshots, tmp_.path() / "hidden");
  {
    auto store = Open();
    store->UseSnapshotIndex(true);
    for (const auto& [id, s] : line) {
      auto r = store->ReadSnapshot(id);
      ASSERT_TRUE(r.ok()) << r.error().message();
      ExpectSame(**r, s);
    }
    // Without the index the objects are what counts.
    auto plain = Open();
    EXPECT_EQ(plain->ReadSnapshot(line[0].first).error().code(), ErrorCode::kNotFound);
  }
  fs::rename(tmp_.path() / "hidden", snapshots);
}

TEST_F(SnapshotIndexTest, MissingRecordsAreAppended) {
  std::vector<std::pair<SnapshotId, Snapshot>> line;
  {
    auto store = Open();
    line = WriteLine(*store, 10);
  }
  ReadAllIndexed(line);
  auto size_before = fs::file_size(IndexPath());
  std::vector<std::pair<SnapshotId, Snapshot>> more;
  {
    auto store = Open();
    more = WriteLine(*store, 5, 100);
  }
  ReadAllIndexed(more);
  EXPECT_GT(fs::file_size(IndexPath()), size_before);
  EXPECT_EQ(LoadIndex().size(), 15u);
}

TEST_F(SnapshotIndexTest, DamagedRecordIsDetectedAndRebuilt) {
  std::vector<std::pair<SnapshotId, Snapshot>> line;
  {
    auto store = Open();
    line = WriteLine(*store, 20);
  }
  ReadAllIndexed(line);
  // Flip one byte inside a record's descriptor (keeps the framing intact).
  std::string data = testing::ReadFile(IndexPath());
  size_t at = data.find("snapshot 7");
  ASSERT_NE(at, std::string::npos);
  data[at] = 'S';
  testing::WriteFile(IndexPath(), data);
  {
    auto store = Open();
    store->UseSnapshotIndex(true);
    for (const auto& [id, s] : line) {
      auto r = store->ReadSnapshot(id);
      ASSERT_TRUE(r.ok()) << r.error().message();
      ExpectSame(**r, s);  // the damaged record was not used
    }
    ASSERT_TRUE(store->FlushSnapshotIndex().ok());
  }
  SnapshotIndex idx = LoadIndex();
  EXPECT_FALSE(idx.needs_rewrite());
  EXPECT_EQ(idx.size(), 20u);
  for (const auto& [id, s] : line) EXPECT_TRUE(idx.Find(id).has_value());
  EXPECT_FALSE(idx.needs_rewrite()) << "every record verifies after the rebuild";
  EXPECT_EQ(testing::ReadFile(IndexPath()).find("Snapshot 7"), std::string::npos);
}

TEST_F(SnapshotIndexTest, TornTailAndBadHeaderAreRebuilt) {
  std::vector<std::pair<SnapshotId, Snapshot>> line;
  {
    auto store = Open();
    line = WriteLine(*store, 8);
  }
  ReadAllIndexed(line);
  std::string data = testing::ReadFile(IndexPath());
  for (const std::string& damaged : {data.substr(0, data.size() - 9), std::string("JVSI\x07") + data.substr(5),
                                     std::string("garbage")}) {
    testing::WriteFile(IndexPath(), damaged);
    EXPECT_TRUE(LoadIndex().needs_rewrite());
    ReadAllIndexed(line);
    SnapshotIndex idx = LoadIndex();
    EXPECT_FALSE(idx.needs_rewrite());
    EXPECT_EQ(idx.size(), 8u);
  }
}

TEST_F(SnapshotIndexTest, RecordUnderTheWrongIdIsNeverUsed) {
  std::vector<std::pair<SnapshotId, Snapshot>> line;
  {
    auto store = Open();
    line = WriteLine(*store, 2);
  }
  // A well-framed index that files snapshot 1's bytes under snapshot 0's id.
  std::string forged = SnapshotIndex::Header() +
                       SnapshotIndex::EncodeRecord(line[0].first, line[1].second.Encode());
  testing::WriteFile(IndexPath(), forged);
  auto store = Open();
  store->UseSnapshotIndex(true);
  auto r = store->ReadSnapshot(line[0].first);
  ASSERT_TRUE(r.ok());
  ExpectSame(**r, line[0].second);
}

TEST_F(SnapshotIndexTest, ConcurrentAppendersLoseNothing) {
  // Each thread stands for a process: its own Store, its own file descriptor.
  constexpr int kWriters = 4, kPerWriter = 60;
  std::vector<std::vector<std::pair<SnapshotId, Snapshot>>> lines(kWriters);
  {
    auto store = Open();
    for (int w = 0; w < kWriters; ++w) lines[w] = WriteLine(*store, kPerWriter, 1000 * (w + 1));
  }
  testing::WriteFile(IndexPath(), SnapshotIndex::Header());  // exists: writers append
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w)
    threads.emplace_back([&, w] {
      // Several small batches each, to interleave with the other writers.
      for (int b = 0; b < kPerWriter; b += 10) {
        auto store = Open();
        store->UseSnapshotIndex(true);
        for (int i = b; i < b + 10; ++i) EXPECT_TRUE(store->ReadSnapshot(lines[w][i].first).ok());
        EXPECT_TRUE(store->FlushSnapshotIndex().ok());
      }
    });
  for (auto& t : threads) t.join();
  SnapshotIndex idx = LoadIndex();
  EXPECT_FALSE(idx.needs_rewrite());
  EXPECT_EQ(idx.size(), static_cast<size_t>(kWriters * kPerWriter));
  for (const auto& line : lines)
    for (const auto& [id, s] : line) {
      auto d = idx.Find(id);
      ASSERT_TRUE(d.has_value());
      EXPECT_EQ(*d, s.Encode());
    }
}

TEST_F(SnapshotIndexTest, ConcurrentRebuildersLeaveAValidIndex) {
  std::vector<std::pair<SnapshotId, Snapshot>> line;
  {
    auto store = Open();
    line = WriteLine(*store, 40);
  }
  testing::WriteFile(IndexPath(), "damaged");
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w)
    threads.emplace_back([&] {
      auto store = Open();
      store->UseSnapshotIndex(true);
      for (const auto& [id, s] : line) {
        auto r = store->ReadSnapshot(id);
        EXPECT_TRUE(r.ok());
        if (r.ok()) ExpectSame(**r, s);
      }
      EXPECT_TRUE(store->FlushSnapshotIndex().ok());
    });
  for (auto& t : threads) t.join();
  SnapshotIndex idx = LoadIndex();
  EXPECT_FALSE(idx.needs_rewrite());
  for (const auto& [id, s] : line) EXPECT_TRUE(idx.Find(id).has_value());
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
  fs::path index = root / ".jvs" / "store" / "snapshot_index";
  for (const auto& o : variants) {
    fs::remove(index);
    std::string from_objects = render(o);
    EXPECT_FALSE(from_objects.empty());
    std::string from_index = render(o);
    EXPECT_EQ(from_index, from_objects);
    // Damage the middle of the index: the answer stays the same.
    std::string data = testing::ReadFile(index);
    testing::WriteFile(index, data.substr(0, data.size() / 2) + "damage" + data.substr(data.size() / 2 + 6));
    EXPECT_EQ(render(o), from_objects) << "damaged index";
  }
  auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  EXPECT_EQ(lines(render(variants[0])), 12);
  EXPECT_EQ(lines(render(variants[1])), 12);
  EXPECT_EQ(lines(render(variants[2])), 3);
}

}  // namespace
}  // namespace jvs
