// Unit tests of the local content-addressed object store.
// Over 400 lines on purpose: one suite for every Store operation on one fixture (the backend has
// its own conformance suite).

#include "jvs/store/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "remedy.h"

#include <atomic>
#include <random>
#include <set>
#include <string>

#include "engine/select.h"
#include "jvs/base/hash.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;

std::string PseudoRandom(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    for (size_t k = 0; k < 8 && i + k < n; ++k) s[i + k] = static_cast<char>(v >> (8 * k));
  }
  return s;
}

size_t CountFiles(const fs::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it); it.increment(ec))
    if (!it->is_directory()) ++n;
  return n;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() / "store";
    ASSERT_TRUE(Store::Create(env_, dir_).ok());
    store_ = Reopen();
  }
  std::unique_ptr<Store> Reopen() {
    auto s = Store::Open(env_, dir_);
    EXPECT_TRUE(s.ok()) << s.error().message();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  // The file of a blob (the local backend's layout).
  fs::path BlobPath(const BlobId& id) const { return testing::StoreObjectFile(dir_, "blob", id.hex()); }
  struct stat StatOf(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st;
  }

  TempDir tmp_;
  Env* env_ = Env::Default();
  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, CreateMakesLayout) {
  for (const char* sub : {"blobs", "trees", "snapshots", "tmp"}) EXPECT_TRUE(fs::is_directory(dir_ / sub)) << sub;
  EXPECT_EQ(testing::ReadFile(dir_ / "type"), "local\n");
  EXPECT_EQ(store_->dir(), dir_);
  EXPECT_EQ(store_->name(), "local");
}

TEST_F(StoreTest, OpenRejectsWrongOrMissingType) {
  testing::WriteFile(dir_ / "type", "s3\n");
  auto s = Store::Open(env_, dir_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kUnsupported);
  for (const char* bad : {"local", "local\n\n", "LOCAL\n", "", " local\n"}) {
    testing::WriteFile(dir_ / "type", bad);
    auto r = Store::Open(env_, dir_);
    EXPECT_FALSE(r.ok()) << "'" << bad << "'";
  }
  fs::remove(dir_ / "type");
  s = Store::Open(env_, dir_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kCorrupt);
  EXPECT_FALSE(jvs::cli::FullHint(s.error()).empty());
  auto none = Store::Open(env_, tmp_.path() / "nowhere");
  ASSERT_FALSE(none.ok());
}

TEST_F(StoreTest, BlobIdIsPlainSha256OfContent) {
  struct Vector {
    std::string data, hex;
  };
  for (const Vector& v : {
           Vector{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
           Vector{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
           Vector{"The quick brown fox jumps over the lazy dog",
                  "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"},
       }) {
    auto id = store_->WriteBlob(v.data);
    ASSERT_TRUE(id.ok()) << id.error().message();
    EXPECT_EQ(id->hex(), v.hex);
    EXPECT_EQ(BlobPath(*id), dir_ / "blobs" / v.hex.substr(0, 2) / v.hex.substr(2));
    EXPECT_TRUE(store_->HasBlob(*id));
    auto data = store_->ReadBlob(*id);
    ASSERT_TRUE(data.ok());
    EXPECT_EQ(*data, v.data);
  }
}

TEST_F(StoreTest, BlobsAreReadOnlyFilesInFanOutDirs) {
  auto id = store_->WriteBlob("hello\n");
  ASSERT_TRUE(id.ok());
  fs::path p = BlobPath(*id);
  EXPECT_EQ(p.parent_path().parent_path(), dir_ / "blobs");
  EXPECT_EQ(p.parent_path().filename().string(), id->hex().substr(0, 2));
  EXPECT_EQ(p.filename().string(), id->hex().substr(2));
  struct stat st = StatOf(p);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0444u);
  EXPECT_EQ(testing::ReadFile(p), "hello\n");
  // The blob can be opened for reading.
  auto fd = store_->OpenBlob(*id);
  ASSERT_TRUE(fd.ok());
  char buf[16];
  EXPECT_EQ(::read(fd->get(), buf, sizeof(buf)), 6);
  // No temp files left behind.
  EXPECT_EQ(CountFiles(dir_ / "tmp"), 0u);
}

TEST_F(StoreTest, WriteBlobTwiceIsIdempotent) {
  auto a = store_->WriteBlob("same content");
  ASSERT_TRUE(a.ok());
  uint64_t objects = store_->objects_written(), bytes = store_->bytes_written();
  EXPECT_EQ(objects, 1u);
  EXPECT_EQ(bytes, 12u);
  struct stat before = StatOf(BlobPath(*a));
  auto b = store_->WriteBlob("same content");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(store_->objects_written(), objects);
  EXPECT_EQ(store_->bytes_written(), bytes);
  struct stat after = StatOf(BlobPath(*a));
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
  // Also through another Store instance (no in-memory state).
  auto other = Reopen();
  auto c = other->WriteBlob("same content");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, *a);
  EXPECT_EQ(other->objects_written(), 0u);
  EXPECT_EQ(CountFiles(dir_ / "blobs"), 1u);
  EXPECT_EQ(CountFiles(dir_ / "tmp"), 0u);
}

TEST_F(StoreTest, MissingBlob) {
  BlobId id(Sha256Of("never written"));
  EXPECT_FALSE(store_->HasBlob(id));
  auto fd = store_->OpenBlob(id);
  ASSERT_FALSE(fd.ok());
  EXPECT_EQ(fd.error().code(), ErrorCode::kNotFound);
  auto data = store_->ReadBlob(id);
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().code(), ErrorCode::kNotFound);
}

class IngestTest : public StoreTest, public ::testing::WithParamInterface<const char*> {
 protected:
  std::unique_ptr<CloneEngine> Engine() {
    auto c = ChooseEngine(env_, tmp_.path(), std::string(GetParam()));
    EXPECT_TRUE(c.ok());
    return std::move(c->engine);
  }
  void IngestAndCheck(size_t size, uint64_t seed) {
    SCOPED_TRACE("size " + std::to_string(size));
    auto engine = Engine();
    fs::path ws = tmp_.path() / "ws";
    fs::create_directories(ws);
    std::string content = PseudoRandom(size, seed);
    std::string name = "file-" + std::to_string(size);
    testing::WriteFile(ws / name, content);
    UniqueFd dfd(::open(ws.c_str(), O_RDONLY | O_DIRECTORY));
    ASSERT_TRUE(dfd.valid());

    auto r = store_->IngestFile(dfd.get(), name.c_str(), *engine);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->id, BlobId(Sha256Of(content)));
    EXPECT_EQ(r->size, size);
    EXPECT_TRUE(r->stored);
    struct stat fst = StatOf(ws / name);
    EXPECT_EQ(r->st.st_ino, fst.st_ino);
    EXPECT_EQ(static_cast<uint64_t>(r->st.st_size), size);
    EXPECT_EQ(r->st.st_mtim.tv_nsec, fst.st_mtim.tv_nsec);
    fs::path blob = BlobPath(r->id);
    EXPECT_EQ(StatOf(blob).st_mode & 07777, 0444u);
    EXPECT_EQ(static_cast<size_t>(StatOf(blob).st_size), size);
    EXPECT_TRUE(testing::ReadFile(blob) == content);

    auto again = store_->IngestFile(dfd.get(), name.c_str(), *engine);
    ASSERT_TRUE(again.ok()) << again.error().message();
    EXPECT_EQ(again->id, r->id);
    EXPECT_EQ(again->size, size);
    EXPECT_FALSE(again->stored);
    // The same content under another name is not stored again either.
    testing::WriteFile(ws / (name + ".copy"), content);
    auto copy = store_->IngestFile(dfd.get(), (name + ".copy").c_str(), *engine);
    ASSERT_TRUE(copy.ok());
    EXPECT_EQ(copy->id, r->id);
    EXPECT_FALSE(copy->stored);
    // An absolute path with AT_FDCWD works as well (the scanner uses it).
    auto abs = store_->IngestFile(AT_FDCWD, (ws / name).c_str(), *engine);
    ASSERT_TRUE(abs.ok());
    EXPECT_EQ(abs->id, r->id);
    EXPECT_EQ(CountFiles(dir_ / "tmp"), 0u);
  }
};

TEST_P(IngestTest, SmallFiles) {
  IngestAndCheck(0, 1);
  IngestAndCheck(1, 2);
  IngestAndCheck(4096, 3);
  IngestAndCheck(1u << 20, 4);  // exactly the small-file limit
}

TEST_P(IngestTest, LargeFiles) {
  IngestAndCheck((1u << 20) + 1, 5);
  IngestAndCheck((3u << 20) + 12345, 6);
}

TEST_P(IngestTest, RejectsNonRegularFiles) {
  auto engine = Engine();
  fs::path ws = tmp_.path() / "ws";
  fs::create_directories(ws / "sub");
  ASSERT_EQ(::mkfifo((ws / "fifo").c_str(), 0644), 0);
  ASSERT_EQ(::symlink("sub", (ws / "link").c_str()), 0);
  UniqueFd dfd(::open(ws.c_str(), O_RDONLY | O_DIRECTORY));
  // A FIFO is opened non-blocking and refused: this must not hang.
  auto fifo = store_->IngestFile(dfd.get(), "fifo", *engine);
  ASSERT_FALSE(fifo.ok());
  EXPECT_EQ(fifo.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(store_->IngestFile(dfd.get(), "sub", *engine).ok());
  EXPECT_FALSE(store_->IngestFile(dfd.get(), "link", *engine).ok());  // symlinks are never followed
  auto missing = store_->IngestFile(dfd.get(), "missing", *engine);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(CountFiles(dir_ / "blobs"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Engines, IngestTest, ::testing::Values("copy", "reflink"));

Tree SampleTree() {
  Tree t;
  TreeEntry a;
  a.name = "a";
  a.id = Sha256Of("a");
  a.size = 1;
  TreeEntry d;
  d.name = "d";
  d.kind = EntryKind::kTree;
  d.id = EmptyTreeId().bytes();
  t.entries = {a, d};
  return t;
}

TEST_F(StoreTest, TreeRoundTripAndCache) {
  Tree t = SampleTree();
  auto id = store_->WriteTree(t);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, t.ComputeId());
  fs::path p = testing::StoreObjectFile(dir_, "tree", id->hex());
  EXPECT_EQ(testing::ReadFile(p), t.Encode());
  auto back = store_->ReadTree(*id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)->entries, t.entries);
  auto fresh = Reopen()->ReadTree(*id);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->entries, t.entries);
  // Writing it again stores nothing.
  uint64_t objects = store_->objects_written();
  ASSERT_TRUE(store_->WriteTree(t).ok());
  EXPECT_EQ(store_->objects_written(), objects);
}

TEST_F(StoreTest, ReadTreeDetectsFlippedByte) {
  Tree t = SampleTree();
  auto id = store_->WriteTree(t);
  ASSERT_TRUE(id.ok());
  fs::path p = testing::StoreObjectFile(dir_, "tree", id->hex());
  std::string data = testing::ReadFile(p);
  for (size_t pos : {size_t{0}, size_t{5}, data.size() / 2, data.size() - 1}) {
    std::string bad = data;
    bad[pos] ^= 0x01;
    ASSERT_EQ(::chmod(p.c_str(), 0644), 0);
    testing::WriteFile(p, bad);
    auto r = Reopen()->ReadTree(*id);  // a fresh store: nothing cached
    ASSERT_FALSE(r.ok()) << "flipped byte " << pos;
    EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt) << r.error().message();
  }
  // Truncated and extended files are detected as well.
  testing::WriteFile(p, data.substr(0, data.size() - 1));
  EXPECT_EQ(Reopen()->ReadTree(*id).error().code(), ErrorCode::kCorrupt);
  testing::WriteFile(p, data + "x");
  EXPECT_EQ(Reopen()->ReadTree(*id).error().code(), ErrorCode::kCorrupt);
  testing::WriteFile(p, data);
  EXPECT_TRUE(Reopen()->ReadTree(*id).ok());
}

TEST_F(StoreTest, ReadTreeRejectsUndecodableObjectWithMatchingHash) {
  std::string garbage = "JVST\x01\x05nonsense";
  TreeId id(Sha256Of(garbage));
  fs::path p = testing::StoreObjectFile(dir_, "tree", id.hex());
  testing::WriteFile(p, garbage);
  auto r = store_->ReadTree(id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(r.error().message().find(id.hex()), std::string::npos);
}

TEST_F(StoreTest, MissingTreeAndSnapshot) {
  auto t = store_->ReadTree(TreeId(Sha256Of("x")));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), ErrorCode::kNotFound);
  auto s = store_->ReadSnapshot(SnapshotId(Sha256Of("x")));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(store_->HasSnapshot(SnapshotId(Sha256Of("x"))));
}

Snapshot MakeSnapshot(int i) {
  Snapshot s;
  s.SetTree(EmptyTreeId());
  s.change_id = std::string(32, 'a');
  s.note = "snapshot " + std::to_string(i);
  s.created_at = "2026-01-01T00:00:00.000Z";
  s.worktree = "main";
  s.author = "u@h";
  s.engine = "copy";
  return s;
}

TEST_F(StoreTest, SnapshotRoundTripAndCorruption) {
  Snapshot s = MakeSnapshot(1);
  auto id = store_->WriteSnapshot(s);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, s.ComputeId());
  EXPECT_TRUE(store_->HasSnapshot(*id));
  auto back = Reopen()->ReadSnapshot(*id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)->note, s.note);
  fs::path p = testing::StoreObjectFile(dir_, "snapshot", id->hex());
  EXPECT_EQ(StatOf(p).st_mode & 0222, 0u);  // read-only like every object
  std::string data = testing::ReadFile(p);
  ASSERT_EQ(::chmod(p.c_str(), 0644), 0);
  data[data.find("snapshot 1")] = 'S';
  testing::WriteFile(p, data);
  auto bad = Reopen()->ReadSnapshot(*id);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kCorrupt);
}

TEST_F(StoreTest, FindSnapshotsByPrefix) {
  std::vector<SnapshotId> ids;
  for (int i = 0; i < 40; ++i) {
    auto id = store_->WriteSnapshot(MakeSnapshot(i));
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  for (const auto& id : ids) {
    std::string hex = id.hex();
    for (size_t len : {2, 3, 4, 8, 63, 64}) {
      auto m = store_->FindSnapshotsByPrefix(hex.substr(0, len));
      ASSERT_TRUE(m.ok());
      EXPECT_NE(std::find(m->begin(), m->end(), id), m->end()) << hex.substr(0, len);
      EXPECT_TRUE(std::is_sorted(m->begin(), m->end()));
      for (const auto& x : *m) EXPECT_EQ(x.hex().substr(0, len), hex.substr(0, len));
    }
    auto exact = store_->FindSnapshotsByPrefix(hex);
    ASSERT_TRUE(exact.ok());
    EXPECT_EQ(exact->size(), 1u);
    std::string upper = hex.substr(0, 10);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto up = store_->FindSnapshotsByPrefix(upper);
    ASSERT_TRUE(up.ok());
    EXPECT_NE(std::find(up->begin(), up->end(), id), up->end()) << upper;
  }
  // Every snapshot is found by the union of its 2-digit fan-outs.
  std::set<SnapshotId> all;
  for (int b = 0; b < 256; ++b) {
    char pre[3];
    std::snprintf(pre, sizeof(pre), "%02x", b);
    auto m = store_->FindSnapshotsByPrefix(pre);
    ASSERT_TRUE(m.ok());
    all.insert(m->begin(), m->end());
  }
  EXPECT_EQ(all, std::set<SnapshotId>(ids.begin(), ids.end()));
  // Invalid prefixes match nothing.
  for (const std::string& bad : {std::string(""), std::string("a"), std::string("zz"), std::string("0g"),
                                 ids[0].hex() + "0", std::string("../"), std::string("..")}) {
    auto m = store_->FindSnapshotsByPrefix(bad);
    ASSERT_TRUE(m.ok()) << bad;
    EXPECT_TRUE(m->empty()) << bad;
  }
  // Blobs and trees are not snapshots.
  auto blob = store_->WriteBlob("x");
  auto bm = store_->FindSnapshotsByPrefix(blob->hex().substr(0, 8));
  ASSERT_TRUE(bm.ok());
  for (const auto& x : *bm) EXPECT_NE(x.hex(), blob->hex());
  // Stray files in a fan-out directory are ignored.
  std::string hex = ids[0].hex();
  testing::WriteFile(testing::StoreObjectFile(dir_, "snapshot", hex).parent_path() / (hex.substr(2) + ".tmp"), "x");
  testing::WriteFile(testing::StoreObjectFile(dir_, "snapshot", hex).parent_path() / "short", "x");
  auto m = store_->FindSnapshotsByPrefix(hex.substr(0, 2));
  ASSERT_TRUE(m.ok());
  for (const auto& x : *m) EXPECT_EQ(x.hex().substr(0, 2), hex.substr(0, 2));
}

// Counts durability calls (fsync of files and directories, syncfs) and can
// fail them.
class CountingEnv : public EnvWrapper {
 public:
  CountingEnv() : EnvWrapper(Env::Default()) {}
  Status SyncFs(int fd) override { return Count(fd); }
  Status Fsync(int fd) override { return Count(fd); }
  Status Count(int fd) {
    syncs++;
    if (fail_sync) return ErrnoError(EIO, "injected sync failure");
    return fd >= 0 ? OkStatus() : ErrnoError(EBADF, "sync");
  }
  std::atomic<int> syncs{0};
  std::atomic<bool> fail_sync{false};
};

TEST_F(StoreTest, SyncIsABarrierOnlyWhenDirty) {
  CountingEnv env;
  auto s = Store::Open(&env, dir_);
  ASSERT_TRUE(s.ok());
  Store& store = **s;
  ASSERT_TRUE(store.Sync().ok());
  EXPECT_EQ(env.syncs, 0);  // nothing written
  ASSERT_TRUE(store.WriteBlob("a").ok());
  ASSERT_TRUE(store.WriteBlob("b").ok());
  ASSERT_TRUE(store.WriteTree(SampleTree()).ok());
  ASSERT_TRUE(store.Sync().ok());
  EXPECT_GE(env.syncs, 1);
  int after_first = env.syncs;
  ASSERT_TRUE(store.Sync().ok());
  EXPECT_EQ(env.syncs, after_first);  // nothing new
  // Objects that already existed are not written, so there is nothing to sync.
  ASSERT_TRUE(store.WriteBlob("a").ok());
  ASSERT_TRUE(store.Sync().ok());
  EXPECT_EQ(env.syncs, after_first);
}

TEST_F(StoreTest, FailedSyncIsRetriedByTheNextSync) {
  CountingEnv env;
  auto s = Store::Open(&env, dir_);
  ASSERT_TRUE(s.ok());
  Store& store = **s;
  ASSERT_TRUE(store.WriteBlob("c").ok());
  env.fail_sync = true;
  EXPECT_FALSE(store.Sync().ok());
  env.fail_sync = false;
  int before = env.syncs;
  ASSERT_TRUE(store.Sync().ok());
  EXPECT_GT(env.syncs, before);
}

}  // namespace
}  // namespace jvs
