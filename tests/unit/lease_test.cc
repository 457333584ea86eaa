// Read leases (Env::TakeReadLease and friends) and the store's ingest under a
// lease, on the temporary directory's filesystem (ext4 and tmpfs grant
// leases; where it does not, the tests say SKIPPED with the reason). The
// reflink path itself runs on XFS and btrfs in tests/fs.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "jvs/engine/engine.h"
#include "jvs/base/env.h"
#include "jvs/base/hash.h"
#include "jvs/store/store.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;

UniqueFd OpenOrDie(const fs::path& p, int flags) {
  UniqueFd fd(::open(p.c_str(), flags | O_CLOEXEC));
  EXPECT_TRUE(fd.get() >= 0) << p << ": " << std::strerror(errno);
  return fd;
}

// Whether the filesystem of `dir` grants leases at all (tmpfs, ext4, XFS,
// btrfs do; FUSE and NFS do not).
bool LeasesWork(const fs::path& dir, std::string* why) {
  fs::path probe = dir / "lease-probe";
  testing::WriteFile(probe, "x");
  UniqueFd fd = OpenOrDie(probe, O_RDONLY);
  Status s = Env::Default()->TakeReadLease(fd.get());
  if (s.ok()) Env::Default()->ReleaseLease(fd.get());
  fs::remove(probe);
  if (!s.ok()) *why = "no read leases on " + dir.string() + ": " + s.error().message();
  return s.ok();
}

#define REQUIRE_LEASES(dir)                       \
  do {                                            \
    std::string why_;                             \
    if (!LeasesWork(dir, &why_)) GTEST_SKIP() << why_; \
  } while (0)

TEST(EnvLease, GrantedToAReaderRefusedWithAWriterBrokenByAnOpenForWriting) {
  TempDir tmp;
  REQUIRE_LEASES(tmp.path());
  Env* env = Env::Default();
  fs::path f = tmp / "f";
  testing::WriteFile(f, "content");

  UniqueFd r = OpenOrDie(f, O_RDONLY);
  ASSERT_TRUE(env->TakeReadLease(r.get()).ok());
  EXPECT_EQ(env->ReadLeaseHeld(r.get()).value(), true);
  env->ReleaseLease(r.get());
  EXPECT_EQ(env->ReadLeaseHeld(r.get()).value(), false);

  {  // Someone has the file open for writing: refused, and says why.
    UniqueFd w = OpenOrDie(f, O_WRONLY);
    Status s = env->TakeReadLease(r.get());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code(), ErrorCode::kLocked) << s.error().message();
  }

  // An open for writing breaks it: a non-blocking opener is told to wait
  // (EWOULDBLOCK) and the holder sees the lease gone at once.
  ASSERT_TRUE(env->TakeReadLease(r.get()).ok());
  int w = ::open(f.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  int e = errno;
  if (w >= 0) ::close(w);
  EXPECT_LT(w, 0);
  EXPECT_EQ(e, EWOULDBLOCK);
  EXPECT_EQ(env->ReadLeaseHeld(r.get()).value(), false) << "the holder must see the break";
  env->ReleaseLease(r.get());
  UniqueFd w2 = OpenOrDie(f, O_WRONLY);  // released: the writer gets in
  EXPECT_GE(w2.get(), 0);
}

void OnSigurg(int) {}

TEST(EnvLease, NotTakenWhenTheProcessHandlesSigurg) {
  TempDir tmp;
  REQUIRE_LEASES(tmp.path());
  fs::path f = tmp / "f";
  testing::WriteFile(f, "content");
  UniqueFd r = OpenOrDie(f, O_RDONLY);
  struct sigaction handler {}, old {};
  handler.sa_handler = OnSigurg;
  ASSERT_EQ(::sigaction(SIGURG, &handler, &old), 0);
  Status s = Env::Default()->TakeReadLease(r.get());
  ::sigaction(SIGURG, &old, nullptr);
  ASSERT_FALSE(s.ok()) << "a lease break would run someone else's SIGURG handler";
  EXPECT_EQ(s.error().code(), ErrorCode::kUnsupported);
  EXPECT_TRUE(Env::Default()->TakeReadLease(r.get()).ok());
  Env::Default()->ReleaseLease(r.get());
}

// A copying engine that asks for ingest under a lease, so that the store's
// leased path runs on any filesystem with leases.
class LeasingCopyEngine final : public CloneEngine {
 public:
  std::string_view name() const override { return "lease-test"; }
  bool shares_data() const override { return false; }
  uint64_t small_file_limit() const override { return 0; }
  bool hashes_source_under_lease() const override { return true; }

 protected:
  Status Transfer(Env* env, int src_fd, int dst_fd, uint64_t size) override {
    (void)env;
    std::string buf(64 << 10, '\0');
    uint64_t off = 0;
    while (off < size) {
      ssize_t n = ::pread(src_fd, buf.data(), buf.size(), static_cast<off_t>(off));
      if (n < 0) return ErrnoError(errno, "pread");
      if (n == 0) break;
      if (::pwrite(dst_fd, buf.data(), static_cast<size_t>(n), static_cast<off_t>(off)) != n)
        return ErrnoError(errno, "pwrite");
      off += static_cast<uint64_t>(n);
    }
    return OkStatus();
  }
};

std::string Bytes(size_t n, unsigned seed) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

TEST(StoreLease, IngestHashesUnderALeaseClonesOnlyNewBlobsAndFallsBackForWriters) {
  TempDir tmp;
  REQUIRE_LEASES(tmp.path());
  Env* env = Env::Default();
  ASSERT_TRUE(Store::Create(env, tmp / "store").ok());
  auto store = std::move(Store::Open(env, tmp / "store")).value();
  LeasingCopyEngine engine;
  fs::create_directories(tmp / "ws");
  std::string a = Bytes((9u << 20) + 17, 1);  // more than one 8 MiB lease check
  testing::WriteFile(tmp / "ws" / "a", a);
  testing::WriteFile(tmp / "ws" / "copy-of-a", a);

  auto r1 = store->IngestFile(AT_FDCWD, (tmp / "ws" / "a").c_str(), engine);
  ASSERT_TRUE(r1.ok()) << r1.error().message();
  EXPECT_EQ(r1->id, BlobId(Sha256Of(a)));
  EXPECT_EQ(r1->size, a.size());
  EXPECT_TRUE(r1->stored);
  EXPECT_EQ(engine.counters().hashed_in_place.load(), 1u);
  EXPECT_EQ(testing::ReadFile(testing::StoreObjectFile(tmp / "store", "blob", r1->id.hex())), a);

  // The same content again: hashed under the lease, not copied.
  uint64_t copied = engine.counters().bytes_copied.load() + engine.counters().files.load();
  auto r2 = store->IngestFile(AT_FDCWD, (tmp / "ws" / "copy-of-a").c_str(), engine);
  ASSERT_TRUE(r2.ok()) << r2.error().message();
  EXPECT_EQ(r2->id, r1->id);
  EXPECT_FALSE(r2->stored);
  EXPECT_EQ(engine.counters().hashed_in_place.load(), 2u);
  EXPECT_EQ(engine.counters().bytes_copied.load() + engine.counters().files.load(), copied)
      << "content the store has must not be moved again";

  // Open for writing elsewhere: no lease; the clone is hashed instead.
  std::string b = Bytes(3u << 20, 2);
  testing::WriteFile(tmp / "ws" / "b", b);
  UniqueFd writer = OpenOrDie(tmp / "ws" / "b", O_WRONLY);
  auto r3 = store->IngestFile(AT_FDCWD, (tmp / "ws" / "b").c_str(), engine);
  ASSERT_TRUE(r3.ok()) << r3.error().message();
  EXPECT_EQ(r3->id, BlobId(Sha256Of(b)));
  EXPECT_TRUE(r3->stored);
  EXPECT_EQ(engine.counters().hashed_in_place.load(), 2u) << "a refused lease must not count";
  EXPECT_EQ(testing::ReadFile(testing::StoreObjectFile(tmp / "store", "blob", r3->id.hex())), b);
}

}  // namespace
}  // namespace jvs
