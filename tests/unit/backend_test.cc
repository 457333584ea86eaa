// Conformance suite of the store Backend interface (include/jvs/store/backend.h),
// run against every implementation the factory knows (BackendNames()): write,
// read, has, stat, list, prefix buckets, delete, materialise, ingest,
// concurrent writers of one object, failed writes, type files.

#include "jvs/store/backend.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "jvs/base/hash.h"
#include "jvs/store/store.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;

Digest IdOf(std::string_view data) { return Sha256Of(data); }

// Fails writes, renames and copies with ENOSPC while armed.
class FailingEnv : public EnvWrapper {
 public:
  FailingEnv() : EnvWrapper(Env::Default()) {}
  Status Write(int fd, const void* b, size_t n) override {
    if (fail_write) return ErrnoError(ENOSPC, "injected write failure");
    return EnvWrapper::Write(fd, b, n);
  }
  Status RenameNoReplace(const fs::path& a, const fs::path& b) override {
    if (fail_rename) return ErrnoError(ENOSPC, "injected rename failure");
    return EnvWrapper::RenameNoReplace(a, b);
  }
  Result<size_t> CopyFileRange(int i, int64_t* io, int o, int64_t* oo, size_t n) override {
    if (fail_write) return ErrnoError(ENOSPC, "injected copy failure");
    return EnvWrapper::CopyFileRange(i, io, o, oo, n);
  }
  Status Unlink(const fs::path& p) override {
    if (fail_unlink) return ErrnoError(EIO, "injected unlink failure");
    return EnvWrapper::Unlink(p);
  }
  std::atomic<bool> fail_write{false}, fail_rename{false}, fail_unlink{false};
};

class BackendConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() / "store";
    ASSERT_TRUE(CreateBackend(Env::Default(), dir_, GetParam()).ok());
    backend_ = Open(Env::Default());
    ASSERT_NE(backend_, nullptr);
    fs::create_directories(ws());
  }
  std::unique_ptr<Backend> Open(Env* env) {
    auto b = OpenBackend(env, dir_);
    EXPECT_TRUE(b.ok()) << b.error().message();
    return b.ok() ? std::move(b).value() : nullptr;
  }
  fs::path ws() const { return tmp_.path() / "ws"; }
  // A writer that cannot clean up (as one killed mid-write) leaves a temp file.
  void LeaveTempFile() {
    FailingEnv env;
    auto backend = Open(&env);
    env.fail_rename = true;
    env.fail_unlink = true;
    ASSERT_FALSE(backend->Write(StoreKind::kBlob, IdOf("x"), "x").ok());
  }
  size_t TempCount() {
    auto t = backend_->TempFiles();
    EXPECT_TRUE(t.ok());
    return t.ok() ? t->size() : 0;
  }

  TempDir tmp_;
  fs::path dir_;
  std::unique_ptr<Backend> backend_;
};

TEST_P(BackendConformance, NameIsWhatTheTypeFileSays) {
  EXPECT_EQ(backend_->name(), GetParam());
  EXPECT_EQ(testing::ReadFile(dir_ / "type"), GetParam() + "\n");
}

TEST_P(BackendConformance, WriteReadHasStat) {
  for (StoreKind kind : kStoreKinds) {
    SCOPED_TRACE(std::string(StoreKindName(kind)));
    std::string data = "content of a " + std::string(StoreKindName(kind));
    Digest id = IdOf(data);
    EXPECT_FALSE(backend_->Has(kind, id));
    auto st = backend_->Stat(kind, id);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code(), ErrorCode::kNotFound);
    auto missing = backend_->Read(kind, id, 1 << 20);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);

    auto w = backend_->Write(kind, id, data);
    ASSERT_TRUE(w.ok()) << w.error().message();
    EXPECT_TRUE(*w);
    auto again = backend_->Write(kind, id, data);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(*again) << "an object already stored is kept";

    EXPECT_TRUE(backend_->Has(kind, id));
    auto r = backend_->Read(kind, id, 1 << 20);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, data);
    auto too_big = backend_->Read(kind, id, data.size() - 1);
    EXPECT_FALSE(too_big.ok()) << "the size cap holds";
    st = backend_->Stat(kind, id);
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->size, data.size());
    EXPECT_GT(st->mtime_ns, 0);
    // Kinds are separate namespaces.
    for (StoreKind other : kStoreKinds) {
      if (other != kind) {
        EXPECT_FALSE(backend_->Has(other, id));
      }
    }
  }
  EXPECT_EQ(backend_->objects_written(), 3u);
  EXPECT_EQ(TempCount(), 0u);
}

TEST_P(BackendConformance, EmptyObjectAndOpenBlob) {
  Digest empty = IdOf("");
  ASSERT_TRUE(backend_->Write(StoreKind::kBlob, empty, "").ok());
  auto r = backend_->Read(StoreKind::kBlob, empty, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
  std::string data(100000, 'q');
  ASSERT_TRUE(backend_->Write(StoreKind::kBlob, IdOf(data), data).ok());
  auto fd = backend_->OpenBlob(IdOf(data));
  ASSERT_TRUE(fd.ok());
  struct stat st {};
  ASSERT_EQ(::fstat(fd->get(), &st), 0);
  EXPECT_EQ(static_cast<size_t>(st.st_size), data.size());
  auto none = backend_->OpenBlob(IdOf("absent"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kNotFound);
}

TEST_P(BackendConformance, ListAndFanoutBuckets) {
  std::set<Digest> snaps, trees;
  for (int i = 0; i < 300; ++i) {
    std::string s = "snapshot " + std::to_string(i);
    ASSERT_TRUE(backend_->Write(StoreKind::kSnapshot, IdOf(s), s).ok());
    snaps.insert(IdOf(s));
    if (i % 3 == 0) {
      std::string t = "tree " + std::to_string(i);
      ASSERT_TRUE(backend_->Write(StoreKind::kTree, IdOf(t), t).ok());
      trees.insert(IdOf(t));
    }
  }
  auto all = backend_->List(StoreKind::kSnapshot);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(std::set<Digest>(all->begin(), all->end()), snaps);
  EXPECT_EQ(all->size(), snaps.size());
  auto t = backend_->List(StoreKind::kTree);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(std::set<Digest>(t->begin(), t->end()), trees);
  auto b = backend_->List(StoreKind::kBlob);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->empty());

  // Every bucket holds exactly the ids with that prefix, sorted.
  size_t seen = 0;
  for (int i = 0; i < 256; ++i) {
    char two[3];
    std::snprintf(two, sizeof(two), "%02x", i);
    auto fan = backend_->ListFanout(StoreKind::kSnapshot, two);
    ASSERT_TRUE(fan.ok());
    EXPECT_TRUE(std::is_sorted(fan->begin(), fan->end()));
    for (const auto& d : *fan) {
      EXPECT_EQ(ToHex(d.data(), d.size()).substr(0, 2), two);
      EXPECT_TRUE(snaps.count(d));
    }
    seen += fan->size();
  }
  EXPECT_EQ(seen, snaps.size());
  // Not a bucket name: nothing (not an error).
  for (const char* bad : {"", "a", "abc", "zz", "AB", "/."}) {
    auto r = backend_->ListFanout(StoreKind::kSnapshot, bad);
    ASSERT_TRUE(r.ok()) << bad;
    EXPECT_TRUE(r->empty()) << bad;
  }
}

TEST_P(BackendConformance, StoreFindsSnapshotsByPrefixThroughTheBackend) {
  auto store = Store::Open(Env::Default(), dir_, Open(Env::Default()));
  Snapshot s;
  s.SetTree(TreeId(IdOf("t")));
  std::vector<SnapshotId> ids;
  for (int i = 0; i < 40; ++i) {
    s.note = "n" + std::to_string(i);
    auto id = store->WriteSnapshot(s);
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  for (const auto& id : ids) {
    auto found = store->FindSnapshotsByPrefix(id.hex().substr(0, 6));
    ASSERT_TRUE(found.ok());
    EXPECT_NE(std::find(found->begin(), found->end(), id), found->end());
    for (const auto& f : *found) EXPECT_EQ(f.hex().substr(0, 6), id.hex().substr(0, 6));
  }
}

TEST_P(BackendConformance, Delete) {
  std::string data = "to be deleted";
  Digest id = IdOf(data);
  ASSERT_TRUE(backend_->Write(StoreKind::kTree, id, data).ok());
  ASSERT_TRUE(backend_->Delete(StoreKind::kTree, id).ok());
  EXPECT_FALSE(backend_->Has(StoreKind::kTree, id));
  auto l = backend_->List(StoreKind::kTree);
  ASSERT_TRUE(l.ok());
  EXPECT_TRUE(l->empty());
  Status again = backend_->Delete(StoreKind::kTree, id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kNotFound);
  // It can be stored again.
  auto w = backend_->Write(StoreKind::kTree, id, data);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(*w);
}

TEST_P(BackendConformance, MaterializeThroughTheEngine) {
  auto engine = MakeCopyEngine();
  std::string data(3u << 20, 'm');
  data[12345] = 'x';
  Digest id = IdOf(data);
  ASSERT_TRUE(backend_->Write(StoreKind::kBlob, id, data).ok());
  fs::path dst = ws() / "out.bin";
  ASSERT_TRUE(backend_->Materialize(id, data.size(), dst, 0755, *engine).ok());
  EXPECT_EQ(testing::ReadFile(dst), data);
  struct stat st {};
  ASSERT_EQ(::stat(dst.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  // The destination must not exist.
  EXPECT_FALSE(backend_->Materialize(id, data.size(), dst, 0644, *engine).ok());
  EXPECT_EQ(testing::ReadFile(dst), data);
  // A size that is not the blob's is refused and leaves nothing.
  Status wrong = backend_->Materialize(id, data.size() - 1, ws() / "short.bin", 0644, *engine);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kCorrupt);
  EXPECT_FALSE(fs::exists(ws() / "short.bin"));
  // Other bytes of the same length under the id: refused, nothing left.
  fs::path obj = dir_ / "blobs" / ToHex(id.data(), id.size()).substr(0, 2) / ToHex(id.data(), id.size()).substr(2);
  if (fs::exists(obj)) {  // the local layout
    std::string other = data;
    other[777] = 'y';
    ::chmod(obj.c_str(), 0644);
    testing::WriteFile(obj, other);
    Status bad = backend_->Materialize(id, data.size(), ws() / "bad.bin", 0644, *engine);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code(), ErrorCode::kCorrupt);
    EXPECT_NE(bad.error().message().find("does not match its id"), std::string::npos) << bad.error().message();
    EXPECT_FALSE(fs::exists(ws() / "bad.bin"));
    Status bad2 = backend_->Materialize(id, data.size(), ws() / "bad2.bin", 0644, *engine, true);
    ASSERT_FALSE(bad2.ok());
    EXPECT_FALSE(fs::exists(ws() / "bad2.bin"));
  }
  Status missing = backend_->Materialize(IdOf("absent"), 6, ws() / "none", 0644, *engine);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(ws() / "none"));
}

TEST_P(BackendConformance, IngestSmallAndLargeFiles) {
  auto engine = MakeCopyEngine();
  for (size_t size : {size_t{0}, size_t{10}, size_t{(2u << 20) + 7}}) {
    SCOPED_TRACE(size);
    std::string data(size, 'i');
    if (size) data[size / 2] = 'j';
    testing::WriteFile(ws() / "f", data);
    auto r = backend_->Ingest(AT_FDCWD, (ws() / "f").c_str(), *engine);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->id, BlobId(IdOf(data)));
    EXPECT_EQ(r->size, size);
    EXPECT_TRUE(r->stored);
    auto back = backend_->Read(StoreKind::kBlob, r->id.bytes(), size + 1);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, data);
    auto again = backend_->Ingest(AT_FDCWD, (ws() / "f").c_str(), *engine);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->stored);
  }
  EXPECT_EQ(TempCount(), 0u);
  ::symlink("f", (ws() / "link").c_str());
  EXPECT_FALSE(backend_->Ingest(AT_FDCWD, (ws() / "link").c_str(), *engine).ok());
}

TEST_P(BackendConformance, ConcurrentWritersOfTheSameObject) {
  constexpr int kThreads = 8;
  std::string small = "the same small object";
  std::string big((2u << 20) + 3, 'c');
  testing::WriteFile(ws() / "big", big);
  auto engine = MakeCopyEngine();
  std::atomic<int> stored{0}, failed{0}, ingested_new{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      auto w = backend_->Write(StoreKind::kBlob, IdOf(small), small);
      if (!w.ok()) failed++;
      else if (*w) stored++;
      auto r = backend_->Ingest(AT_FDCWD, (ws() / "big").c_str(), *engine);
      if (!r.ok()) failed++;
      else if (r->stored) ingested_new++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(stored, 1) << "exactly one writer stores it; the others find it";
  EXPECT_EQ(ingested_new, 1) << "one ingest stores the blob; the others find it stored";
  auto r = backend_->Read(StoreKind::kBlob, IdOf(small), 1 << 20);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, small);
  auto b = backend_->Read(StoreKind::kBlob, IdOf(big), big.size());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, big);
  auto all = backend_->List(StoreKind::kBlob);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  EXPECT_EQ(TempCount(), 0u);
}

TEST_P(BackendConformance, FailedWriteLeavesNoObjectAndNoTempFile) {
  FailingEnv env;
  auto backend = Open(&env);
  ASSERT_NE(backend, nullptr);
  auto engine = MakeCopyEngine();
  std::string big((2u << 20) + 1, 'f');
  testing::WriteFile(ws() / "big", big);
  for (int mode = 0; mode < 2; ++mode) {
    SCOPED_TRACE(mode == 0 ? "write fails" : "rename fails");
    env.fail_write = mode == 0;
    env.fail_rename = mode == 1;
    std::string data = "failing " + std::to_string(mode);
    for (StoreKind kind : kStoreKinds) {
      auto w = backend->Write(kind, IdOf(data), data);
      ASSERT_FALSE(w.ok());
      EXPECT_EQ(w.error().code(), ErrorCode::kNoSpace);
      EXPECT_FALSE(backend->Has(kind, IdOf(data)));
    }
    auto r = backend->Ingest(AT_FDCWD, (ws() / "big").c_str(), *engine);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kNoSpace) << r.error().message();
    EXPECT_FALSE(backend->Has(StoreKind::kBlob, IdOf(big)));
    EXPECT_EQ(TempCount(), 0u);
  }
  env.fail_write = env.fail_rename = false;
  ASSERT_TRUE(backend->Write(StoreKind::kBlob, IdOf("fine"), "fine").ok());
  for (StoreKind kind : kStoreKinds) {
    auto l = backend->List(kind);
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l->size(), kind == StoreKind::kBlob ? 1u : 0u);
  }
}

TEST_P(BackendConformance, SyncIsABarrier) {
  ASSERT_TRUE(backend_->Sync().ok());
  ASSERT_TRUE(backend_->Write(StoreKind::kBlob, IdOf("durable"), "durable").ok());
  ASSERT_TRUE(backend_->Sync().ok());
  ASSERT_TRUE(backend_->Sync().ok());
}

TEST_P(BackendConformance, TempFilesAreListedAndRemoved) {
  EXPECT_EQ(TempCount(), 0u);
  ASSERT_NO_FATAL_FAILURE(LeaveTempFile());
  auto temps = backend_->TempFiles();
  ASSERT_TRUE(temps.ok());
  ASSERT_EQ(temps->size(), 1u);
  EXPECT_FALSE(backend_->Has(StoreKind::kBlob, IdOf("x")));
  EXPECT_GT((*temps)[0].st.st_mtim.tv_sec, 0);
  EXPECT_FALSE((*temps)[0].path.empty());
  ASSERT_TRUE(backend_->RemoveTemp((*temps)[0].name).ok());
  EXPECT_EQ(TempCount(), 0u);
  EXPECT_FALSE(backend_->RemoveTemp("../type").ok()) << "only names inside the temp area";
  EXPECT_TRUE(fs::exists(dir_ / "type"));
}

TEST_P(BackendConformance, DescribesObjectsAndTempPlacesForReports) {
  const Digest id = IdOf("described");
  for (StoreKind k : kStoreKinds) {
    EXPECT_FALSE(backend_->Describe(k).empty());
    // One object is described within the description of its kind.
    EXPECT_TRUE(testing::Contains(backend_->Describe(k, id), backend_->Describe(k)));
  }
  EXPECT_NE(backend_->Describe(StoreKind::kBlob), backend_->Describe(StoreKind::kTree));
  // A temp file a dead writer left lies in one of the places doctor looks.
  ASSERT_NO_FATAL_FAILURE(LeaveTempFile());
  auto temps = backend_->TempFiles();
  ASSERT_TRUE(temps.ok());
  ASSERT_EQ(temps->size(), 1u);
  bool found = false;
  for (const auto& place : backend_->TempPlaces())
    found |= place.all_temp && fs::exists(place.dir / (*temps)[0].name);
  EXPECT_TRUE(found);
}

TEST_P(BackendConformance, OpenToInspectIgnoresADamagedTypeFile) {
  ASSERT_TRUE(backend_->Write(StoreKind::kTree, IdOf("t"), "t").ok());
  testing::WriteFile(dir_ / "type", "lo cal\n");
  EXPECT_FALSE(OpenBackend(Env::Default(), dir_).ok());
  auto inspected = OpenBackendToInspect(Env::Default(), dir_);
  ASSERT_NE(inspected, nullptr);
  auto data = inspected->Read(StoreKind::kTree, IdOf("t"), 16);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(*data, "t");
  EXPECT_EQ(StoreDir(tmp_.path()), dir_);
  EXPECT_EQ(BackendTypePath(dir_), dir_ / "type");
}

TEST_P(BackendConformance, TempFilesNameTheirWriterAndDeadOnesAreRemoved) {
  // A writer that cannot clean up leaves a temp file naming its pid and host.
  FailingEnv env;
  auto backend = Open(&env);
  backend->set_host("node-1.example");
  env.fail_rename = true;
  env.fail_unlink = true;
  ASSERT_FALSE(backend->Write(StoreKind::kBlob, IdOf("x"), "x").ok());
  auto temps = backend_->TempFiles();
  ASSERT_TRUE(temps.ok());
  ASSERT_EQ(temps->size(), 1u);
  EXPECT_EQ((*temps)[0].pid, static_cast<int64_t>(::getpid())) << (*temps)[0].name;
  EXPECT_EQ((*temps)[0].host, "node-1.example") << (*temps)[0].name;
  // Its writer (this process) lives: kept, whoever asks.
  backend_->set_host("node-1.example");
  auto removed = backend_->RemoveTempsOfDeadWriters();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0u);
  EXPECT_EQ(TempCount(), 1u);
  ASSERT_TRUE(backend_->RemoveTemp((*temps)[0].name).ok());
  // Names as a dead process would leave them (the local layout).
  if (GetParam() != "local") return;
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  int status = 0;
  ::waitpid(dead, &status, 0);
  const std::string pid = std::to_string(dead);
  testing::WriteFile(dir_ / "tmp" / ("obj-" + pid + "@node-1.example-0-1"), "partial");
  testing::WriteFile(dir_ / "tmp" / ("obj-" + pid + "@node-2-0-2"), "partial");  // another machine
  testing::WriteFile(dir_ / "tmp" / ("obj-" + pid + "-0-3"), "partial");         // no host: doctor's
  removed = backend_->RemoveTempsOfDeadWriters();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_FALSE(fs::exists(dir_ / "tmp" / ("obj-" + pid + "@node-1.example-0-1")));
  EXPECT_TRUE(fs::exists(dir_ / "tmp" / ("obj-" + pid + "@node-2-0-2")));
  EXPECT_TRUE(fs::exists(dir_ / "tmp" / ("obj-" + pid + "-0-3")));
  auto listed = backend_->TempFiles();
  ASSERT_TRUE(listed.ok());
  for (const auto& t : *listed) {
    EXPECT_EQ(t.pid, static_cast<int64_t>(dead)) << t.name;
    EXPECT_EQ(t.host, t.name.find('@') == std::string::npos ? "" : "node-2") << t.name;
  }
}

INSTANTIATE_TEST_SUITE_P(AllBackends, BackendConformance,
                         ::testing::ValuesIn([] {
                           std::vector<std::string> names;
                           for (auto n : BackendNames()) names.emplace_back(n);
                           return names;
                         }()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// ---------------------------------------------------------------- type files

TEST(BackendTypeFile, UnknownOrMalformedNamesAreRefusedWithFileAndValue) {
  TempDir tmp;
  fs::path dir = tmp.path() / "store";
  ASSERT_TRUE(CreateBackend(Env::Default(), dir).ok());
  testing::WriteFile(dir / "type", "s3\n");
  auto b = OpenBackend(Env::Default(), dir);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code(), ErrorCode::kUnsupported);
  EXPECT_TRUE(testing::Contains(b.error().message(), (dir / "type").string()));
  EXPECT_TRUE(testing::Contains(b.error().message(), "'s3'"));
  EXPECT_FALSE(testing::Contains(b.error().hint(), "jvs ")) << "the library names no command";
  testing::WriteFile(dir / "type", "lo cal\n");
  b = OpenBackend(Env::Default(), dir);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code(), ErrorCode::kCorrupt);
  EXPECT_TRUE(testing::Contains(b.error().message(), "lo cal"));
  EXPECT_FALSE(CreateBackend(Env::Default(), tmp.path() / "other", "s3").ok());
}

}  // namespace
}  // namespace jvs
