// A full disk, for real: a small ext4 image is loop-mounted, a repository is
// made on it, and the filesystem is filled until only a few KiB are left.
// Then a snapshot of new data and a restore must fail with a clear "no
// space" error (exit 1, a hint) and leave everything as it was: the history,
// the operation heads, the workspace, no temp files; once space is freed,
// every earlier snapshot comes back byte for byte and the same commands
// succeed. Skipped with the reason where loop mounts are impossible.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "../e2e/e2e_util.h"
#include "loop_mount.h"

namespace jvs {
namespace {

using e2e::json;
using e2e::Jvs;
using e2e::Manifest;
using e2e::ManifestDiff;
using e2e::TakeManifest;
using testing::WriteFile;

constexpr int kExitFailed = 1;
constexpr uint64_t kLeftBytes = 16 << 10;  // what the filler leaves free

uint64_t FreeBytes(const fs::path& p) {
  struct statvfs v {};
  if (::statvfs(p.c_str(), &v) != 0) return 0;
  return static_cast<uint64_t>(v.f_bavail) * v.f_frsize;
}

// Deterministic, incompressible-looking content.
std::string Bytes(size_t n, uint32_t seed) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return s;
}

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string skip;
    // -m 0: no blocks reserved for root (the tests run as root, which could
    // otherwise keep writing into the reserve).
    mount_ =
        LoopMount::Make({"ext4", "ext4", 48u << 20, {"mkfs.ext4", "-q", "-F", "-m", "0"}}, &skip);
    if (!mount_) GTEST_SKIP() << skip;
    base_ = mount_->path();
    e2e::RunResult r = Jvs(base_, {"init", "repo"});
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    root_ = base_ / "repo";
    ws_ = root_ / "main";
  }

  // jvs --json ARGS in the workspace; expects success.
  json Ok(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    e2e::RunResult r = Jvs(ws_, args);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r.exit_code == 0 ? r.Json() : json();
  }
  std::string Snap(const std::string& note) {
    json j = Ok({"snapshot", note});
    std::string id = j.is_object() ? j.value("snapshot_id", "") : "";
    if (!id.empty()) contents_[id] = TakeManifest(ws_);
    return id;
  }
  std::set<std::string> History() {
    std::set<std::string> ids;
    for (const auto& e : Ok({"history", "--all"})) ids.insert(e.value("snapshot_id", ""));
    return ids;
  }
  std::vector<std::string> Heads() { return e2e::ListDirNames(root_ / ".jvs" / "op_heads"); }

  // Fills the filesystem until only kLeftBytes are free (a file outside the
  // repository, so freeing the space is one unlink).
  void Fill() {
    fs::path filler = base_ / ("filler" + std::to_string(fillers_++));
    UniqueFd fd(::open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
    ASSERT_TRUE(fd.valid());
    uint64_t free_now = FreeBytes(base_);
    ASSERT_GT(free_now, kLeftBytes);
    uint64_t want = free_now - kLeftBytes;
    std::string chunk(1 << 20, 'f');
    while (want > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(want, chunk.size()));
      ssize_t w = ::write(fd.get(), chunk.data(), n);
      if (w <= 0) break;  // full already (metadata took some)
      want -= static_cast<uint64_t>(w);
    }
    ::fsync(fd.get());
    EXPECT_LE(FreeBytes(base_), 2 * kLeftBytes) << "the disk must be full to the brim";
    filled_.push_back(filler);
  }
  void Free() {
    for (const auto& f : filled_) fs::remove(f);
    filled_.clear();
    ::sync();
  }

  // The command fails because of the full disk, says so, and hints at what to do.
  void ExpectNoSpace(const e2e::RunResult& r) {
    EXPECT_EQ(r.exit_code, kExitFailed) << r.Describe();
    EXPECT_NE(r.err.find("jvs: error: "), std::string::npos) << r.Describe();
    EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.Describe();
    EXPECT_NE(r.err.find("\nhint: free some space"), std::string::npos) << r.Describe();
    // The message names the file that could not be written.
    EXPECT_NE(r.err.find(" '/"), std::string::npos) << r.Describe();
  }

  // Nothing of a failed command is left behind.
  void ExpectUnchanged(const std::set<std::string>& history, const std::vector<std::string>& heads,
                       const Manifest& ws) {
    EXPECT_EQ(Heads(), heads) << "the operation heads changed";
    EXPECT_EQ(History(), history) << "the history changed";
    Manifest now = TakeManifest(ws_);
    EXPECT_TRUE(now == ws) << "the workspace changed:\n" << ManifestDiff(ws, now);
    EXPECT_TRUE(e2e::ListDirNames(root_ / ".jvs" / "store" / "tmp").empty())
        << "temp files left in the store";
    EXPECT_FALSE(fs::exists(root_ / ".jvs" / "worktrees" / "main" / "checkout_pending"));
    for (const auto& n : e2e::ListDirNames(root_ / ".jvs" / "worktrees" / "main"))
      EXPECT_NE(n.rfind("staging-", 0), 0u) << "staged files left: " << n;
  }

  // Every snapshot so far forks byte for byte (needs free space).
  void ExpectEverySnapshotIntact() {
    for (const auto& [id, m] : contents_) {
      std::string name = "check" + std::to_string(checks_++);
      e2e::RunResult r = Jvs(ws_, {"worktree", "fork", id, name});
      ASSERT_EQ(r.exit_code, 0) << r.Describe();
      Manifest got = TakeManifest(root_ / "worktrees" / name);
      EXPECT_TRUE(got == m) << "snapshot " << id << " changed:\n" << ManifestDiff(m, got);
      ASSERT_EQ(Jvs(ws_, {"worktree", "remove", "--force", name}).exit_code, 0);
    }
  }

  std::unique_ptr<LoopMount> mount_;
  fs::path base_, root_, ws_;
  std::map<std::string, Manifest> contents_;
  std::vector<fs::path> filled_;
  int fillers_ = 0, checks_ = 0;
};

TEST_F(DiskFullTest, SnapshotAndRestoreFailCleanlyAndWorkOnceSpaceIsFreed) {
  // Two snapshots of a few MiB.
  for (int i = 0; i < 4; ++i)
    WriteFile(ws_ / ("data" + std::to_string(i) + ".bin"), Bytes(1 << 20, i));
  WriteFile(ws_ / "small.txt", "small one\n");
  std::string s1 = Snap("s1");
  ASSERT_FALSE(s1.empty());
  WriteFile(ws_ / "data0.bin", Bytes(1 << 20, 100));
  WriteFile(ws_ / "small.txt", "small two\n");
  std::string s2 = Snap("s2");
  ASSERT_FALSE(s2.empty());

  // New data in the workspace, then a full disk.
  WriteFile(ws_ / "new.bin", Bytes(3 << 20, 200));
  WriteFile(ws_ / "data1.bin", Bytes(1 << 20, 201));
  ASSERT_NO_FATAL_FAILURE(Fill());
  const std::set<std::string> history = History();
  ASSERT_EQ(history, (std::set<std::string>{s1, s2}));
  const std::vector<std::string> heads = Heads();
  const Manifest dirty = TakeManifest(ws_);

  {
    SCOPED_TRACE("snapshot on a full disk");
    ExpectNoSpace(Jvs(ws_, {"snapshot", "s3"}));
    ExpectUnchanged(history, heads, dirty);
    // With --json the error is machine-readable too.
    e2e::RunResult j = Jvs(ws_, {"--json", "snapshot", "s3"});
    EXPECT_EQ(j.exit_code, kExitFailed);
    json err = e2e::ParseJson(j.out);
    EXPECT_EQ(err["error"]["code"], "E_NO_SPACE") << j.Describe();
    ExpectUnchanged(history, heads, dirty);
  }
  {
    SCOPED_TRACE("fork on a full disk");
    ExpectNoSpace(Jvs(ws_, {"worktree", "fork", s1, "full"}));
    ExpectUnchanged(history, heads, dirty);
  }
  {
    SCOPED_TRACE("restore with dirty files on a full disk: saving them fails first");
    ExpectNoSpace(Jvs(ws_, {"restore", s1}));
    ExpectUnchanged(history, heads, dirty);
  }

  // Space again: the snapshot succeeds and holds the new data.
  Free();
  std::string s3 = Snap("s3");
  ASSERT_FALSE(s3.empty());
  ExpectEverySnapshotIntact();

  {
    SCOPED_TRACE("restore of a clean workspace on a full disk: staging fails");
    ASSERT_NO_FATAL_FAILURE(Fill());
    const std::set<std::string> h3 = History();
    const std::vector<std::string> heads3 = Heads();
    const Manifest at_s3 = TakeManifest(ws_);
    ExpectNoSpace(Jvs(ws_, {"restore", s1}));
    ExpectUnchanged(h3, heads3, at_s3);
    // Reading still works on a full disk.
    EXPECT_EQ(Jvs(ws_, {"status"}).exit_code, 0);
    EXPECT_EQ(Jvs(ws_, {"diff", "--name-only", s1}).exit_code, 0);
  }

  Free();
  e2e::RunResult r = Jvs(ws_, {"restore", s1});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  Manifest now = TakeManifest(ws_);
  EXPECT_TRUE(now == contents_[s1]) << ManifestDiff(contents_[s1], now);
  EXPECT_EQ(History(), (std::set<std::string>{s1, s2, s3}));
  ExpectEverySnapshotIntact();
}

}  // namespace
}  // namespace jvs
