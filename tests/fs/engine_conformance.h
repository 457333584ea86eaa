// The CloneEngine conformance suite: every engine, on every filesystem it can
// run on, must move content exactly (any size, sparse or not), leave modes
// alone, hash what it stored, and fall back per file when the clone is
// impossible. Included by exactly one .cc per test binary, which instantiates
// it with the engines and filesystems it has:
//   INSTANTIATE_TEST_SUITE_P(Local, EngineConformance, ::testing::ValuesIn(cases), CaseName);
// Test-only.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "jvs/engine/engine.h"
#include "jvs/base/env.h"
#include "jvs/base/hash.h"

namespace jvs::conformance {

// A directory for test files, or nullopt with *skip saying why there is none.
using DirSource = std::function<std::optional<fs::path>(std::string* skip)>;

struct EngineCase {
  std::string name;  // gtest name suffix: letters, digits, '_'
  std::function<std::unique_ptr<CloneEngine>()> make;
  DirSource dir;        // a fresh directory on the filesystem under test
  DirSource other_dir;  // a directory on another filesystem (cross-device fallback), or null
  bool holes_kept = true;  // the engine keeps holes of sparse files on this filesystem
  bool native = true;      // the engine's own method (clone) works on this filesystem
};

// gtest prints parameters in test lists and failures: the name is enough.
inline void PrintTo(const EngineCase& c, std::ostream* os) { *os << c.name; }

inline std::string CaseName(const ::testing::TestParamInfo<EngineCase>& info) { return info.param.name; }

inline std::string PseudoRandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    for (size_t k = 0; k < 8 && i + k < n; ++k) s[i + k] = static_cast<char>(v >> (8 * k));
  }
  return s;
}

inline void WriteAt(int fd, uint64_t off, const std::string& data) {
  ASSERT_EQ(::pwrite(fd, data.data(), data.size(), static_cast<off_t>(off)), static_cast<ssize_t>(data.size()));
}

inline std::string ReadAll(const fs::path& p) {
  auto r = Env::Default()->ReadFile(p, 1ull << 32);
  EXPECT_TRUE(r.ok()) << p;
  return r.ok() ? *r : std::string();
}

class EngineConformance : public ::testing::TestWithParam<EngineCase> {
 protected:
  void SetUp() override {
    std::string skip;
    auto d = GetParam().dir(&skip);
    if (!d) GTEST_SKIP() << skip;
    dir_ = *d;
    engine_ = GetParam().make();
    ASSERT_TRUE(engine_);
  }

  UniqueFd Create(const fs::path& p, mode_t mode = 0644) {
    UniqueFd fd(::open(p.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    EXPECT_TRUE(fd.valid()) << p << ": " << std::strerror(errno);
    return fd;
  }
  UniqueFd OpenRead(const fs::path& p) {
    UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    EXPECT_TRUE(fd.valid()) << p;
    return fd;
  }
  // Writes `content` to a new file `name` and returns its path.
  fs::path Source(const std::string& name, const std::string& content, mode_t mode = 0644) {
    fs::path p = dir_ / name;
    UniqueFd fd = Create(p, mode);
    if (!content.empty()) WriteAt(fd.get(), 0, content);
    return p;
  }
  // A sparse file: 64 KiB of data at 0 and at 4 MiB, 8 MiB long (trailing hole).
  fs::path SparseSource(const std::string& name, std::string* full) {
    fs::path p = dir_ / name;
    UniqueFd fd = Create(p);
    std::string a = PseudoRandomBytes(64 << 10, 11), b = PseudoRandomBytes(64 << 10, 12);
    WriteAt(fd.get(), 0, a);
    WriteAt(fd.get(), 4u << 20, b);
    EXPECT_EQ(::ftruncate(fd.get(), 8 << 20), 0);
    ::fsync(fd.get());
    *full = std::string(8u << 20, '\0');
    full->replace(0, a.size(), a);
    full->replace(4u << 20, b.size(), b);
    return p;
  }
  static uint64_t AllocatedBytes(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0);
    return static_cast<uint64_t>(st.st_blocks) * 512;
  }

  Env* env_ = Env::Default();
  fs::path dir_;
  std::unique_ptr<CloneEngine> engine_;
};

TEST_P(EngineConformance, ContentIsIdentical) {
  const std::vector<size_t> sizes = {0, 1, 4095, 4096, 65537, (3u << 20) + 17};
  for (size_t i = 0; i < sizes.size(); ++i) {
    SCOPED_TRACE("size " + std::to_string(sizes[i]));
    std::string content = PseudoRandomBytes(sizes[i], i + 1);
    fs::path src = Source("src" + std::to_string(i), content);
    fs::path dst = dir_ / ("dst" + std::to_string(i));
    {
      UniqueFd in = OpenRead(src), out = Create(dst);
      EngineUsage before = engine_->counters().Load();
      Status st = engine_->CloneContent(env_, in.get(), out.get(), content.size());
      ASSERT_TRUE(st.ok()) << st.error().message();
      EngineUsage d = engine_->counters().Load() - before;
      EXPECT_EQ(d.files, 1u);
      EXPECT_EQ(d.cloned + d.copied, 1u);
    }
    EXPECT_TRUE(ReadAll(dst) == content);
    EXPECT_TRUE(ReadAll(src) == content);  // the source is untouched
  }
}

TEST_P(EngineConformance, CloneAndHashHashesWhatItStored) {
  const std::vector<size_t> sizes = {0, 5, 1u << 20, (2u << 20) + 3};
  for (size_t i = 0; i < sizes.size(); ++i) {
    SCOPED_TRACE("size " + std::to_string(sizes[i]));
    std::string content = PseudoRandomBytes(sizes[i], 100 + i);
    fs::path src = Source("h" + std::to_string(i), content);
    fs::path dst = dir_ / ("hd" + std::to_string(i));
    UniqueFd in = OpenRead(src), out = Create(dst);
    Sha256 hasher;
    auto n = engine_->CloneAndHash(env_, in.get(), out.get(), content.size(), hasher);
    ASSERT_TRUE(n.ok()) << n.error().message();
    EXPECT_EQ(*n, content.size());
    EXPECT_EQ(hasher.Finish(), Sha256Of(content));
    out.reset();
    EXPECT_TRUE(ReadAll(dst) == content);
  }
}

TEST_P(EngineConformance, LeavesModesToTheCaller) {
  std::string content = PseudoRandomBytes(100000, 7);
  fs::path src = Source("exe", content, 0755);
  ASSERT_EQ(::chmod(src.c_str(), 0755), 0);
  fs::path exec_dst = dir_ / "exe.out", plain_dst = dir_ / "plain.out";
  {
    UniqueFd in = OpenRead(src), out = Create(exec_dst, 0755);
    ASSERT_EQ(::fchmod(out.get(), 0755), 0);  // independent of the umask
    ASSERT_TRUE(engine_->CloneContent(env_, in.get(), out.get(), content.size()).ok());
  }
  {
    UniqueFd in = OpenRead(src), out = Create(plain_dst, 0644);
    ASSERT_EQ(::fchmod(out.get(), 0644), 0);
    ASSERT_TRUE(engine_->CloneContent(env_, in.get(), out.get(), content.size()).ok());
  }
  struct stat st {};
  ASSERT_EQ(::stat(exec_dst.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  ASSERT_EQ(::stat(plain_dst.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  EXPECT_TRUE(ReadAll(exec_dst) == content);
}

TEST_P(EngineConformance, SparseFilesKeepTheirHoles) {
  std::string full;
  fs::path src = SparseSource("sparse", &full);
  if (AllocatedBytes(src) >= (1u << 20)) GTEST_SKIP() << "this filesystem does not keep holes";
  fs::path dst = dir_ / "sparse.out", hashed = dir_ / "sparse.hashed";
  {
    UniqueFd in = OpenRead(src), out = Create(dst);
    ASSERT_TRUE(engine_->CloneContent(env_, in.get(), out.get(), full.size()).ok());
  }
  Sha256 hasher;
  {
    UniqueFd in = OpenRead(src), out = Create(hashed);
    auto n = engine_->CloneAndHash(env_, in.get(), out.get(), full.size(), hasher);
    ASSERT_TRUE(n.ok()) << n.error().message();
    EXPECT_EQ(*n, full.size());
  }
  EXPECT_EQ(hasher.Finish(), Sha256Of(full));
  EXPECT_TRUE(ReadAll(dst) == full);
  EXPECT_TRUE(ReadAll(hashed) == full);
  if (!GetParam().holes_kept) return;
  EXPECT_LT(AllocatedBytes(dst), 1u << 20) << "holes were filled";
  EXPECT_LT(AllocatedBytes(hashed), 1u << 20) << "holes were filled";
  UniqueFd out = OpenRead(dst);
  off_t hole = ::lseek(out.get(), 0, SEEK_HOLE);
  EXPECT_GE(hole, 64 << 10);
  EXPECT_LT(hole, 4 << 20);
}

TEST_P(EngineConformance, CrossDeviceCloneFallsBackForThatFileOnly) {
  if (!GetParam().other_dir) GTEST_SKIP() << "no second filesystem for this case";
  if (!GetParam().native) GTEST_SKIP() << "the engine cannot clone on this filesystem at all";
  std::string skip;
  auto other = GetParam().other_dir(&skip);
  if (!other) GTEST_SKIP() << skip;
  struct stat a {}, b {};
  ASSERT_EQ(::stat(dir_.c_str(), &a), 0);
  ASSERT_EQ(::stat(other->c_str(), &b), 0);
  if (a.st_dev == b.st_dev) GTEST_SKIP() << "the second directory is on the same filesystem";
  std::string content = PseudoRandomBytes((1u << 20) + 1234, 55);
  fs::path src = Source("xdev", content);
  fs::path dst = *other / "xdev.out";
  {
    UniqueFd in = OpenRead(src), out = Create(dst);
    EngineUsage before = engine_->counters().Load();
    Status st = engine_->CloneContent(env_, in.get(), out.get(), content.size());
    ASSERT_TRUE(st.ok()) << st.error().message();
    EngineUsage d = engine_->counters().Load() - before;
    EXPECT_EQ(d.files, 1u);
    EXPECT_EQ(d.copied, 1u);
    EXPECT_EQ(d.cloned, 0u);
    EXPECT_EQ(d.fallbacks, engine_->shares_data() ? 1u : 0u);
    EXPECT_EQ(engine_->RanAs(d), "copy");  // a descriptor never claims a clone that did not happen
  }
  EXPECT_TRUE(ReadAll(dst) == content);
  // The next file on the same filesystem is cloned again: the fallback was for one file.
  fs::path dst2 = dir_ / "same.out";
  UniqueFd in = OpenRead(src), out = Create(dst2);
  EngineUsage before = engine_->counters().Load();
  ASSERT_TRUE(engine_->CloneContent(env_, in.get(), out.get(), content.size()).ok());
  EngineUsage d = engine_->counters().Load() - before;
  EXPECT_EQ(d.fallbacks, 0u);
  EXPECT_EQ(d.cloned, engine_->shares_data() ? 1u : 0u);
  out.reset();
  EXPECT_TRUE(ReadAll(dst2) == content);
}

}  // namespace jvs::conformance
