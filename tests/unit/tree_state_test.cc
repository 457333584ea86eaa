// Unit tests of the per-worktree tree state (the stat cache).

#include "wc/tree_state.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "remedy.h"

#include <algorithm>

#include <limits>
#include <string>

#include "jvs/base/hash.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;

FileState State(EntryKind kind, int64_t mtime, uint64_t size, std::string_view seed) {
  FileState s;
  s.kind = kind;
  s.mtime_ns = mtime;
  s.ctime_ns = mtime / 2 + 7;
  s.size = size;
  s.ino = 123456789012ull;
  s.mode = (kind == EntryKind::kSymlink ? S_IFLNK | 0777 : S_IFREG | (kind == EntryKind::kExecutable ? 0755 : 0644));
  s.id = Sha256Of(seed);
  return s;
}

TreeState Sample() {
  TreeState t;
  t.tree = TreeId(Sha256Of("tree"));
  t.op = OperationId(Sha256Of("op"));
  t.fs_time_ns = 1767225600123456789;
  t.entries = {
      {"a", State(EntryKind::kFile, 1000, 5, "a")},
      {"dir/bin", State(EntryKind::kExecutable, 2000, 1ull << 40, "bin")},
      {"dir/link", State(EntryKind::kSymlink, -5, 3, "link")},  // pre-1970 mtime
      {"dir/sub/\xc3\xa9", State(EntryKind::kFile, std::numeric_limits<int64_t>::max(), 0, "e")},
      {"z z", State(EntryKind::kFile, 0, std::numeric_limits<uint64_t>::max(), "z")},
  };
  return t;
}

void ExpectCorrupt(std::string_view data, const std::string& what) {
  auto t = TreeState::Decode(data);
  ASSERT_FALSE(t.ok()) << what;
  EXPECT_EQ(t.error().code(), ErrorCode::kCorrupt) << what;
  EXPECT_FALSE(jvs::cli::FullHint(t.error()).empty());
}

TEST(TreeState, RoundTrip) {
  TreeState t = Sample();
  std::string enc = t.Encode();
  auto back = TreeState::Decode(enc);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->tree, t.tree);
  EXPECT_EQ(back->op, t.op);
  EXPECT_EQ(back->fs_time_ns, t.fs_time_ns);
  EXPECT_EQ(back->entries, t.entries);
  EXPECT_EQ(back->Encode(), enc);
  TreeState empty;
  auto e = TreeState::Decode(empty.Encode());
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->entries.empty());
  EXPECT_TRUE(e->tree.is_zero());
}

TEST(TreeState, RejectsGarbage) {
  std::string enc = Sample().Encode();
  for (size_t n = 0; n < enc.size(); ++n) ExpectCorrupt(std::string_view(enc).substr(0, n), "prefix " + std::to_string(n));
  ExpectCorrupt(enc + "x", "trailing byte");
  std::string bad = enc;
  bad[0] = 'X';
  ExpectCorrupt(bad, "magic");
  bad = enc;
  bad[4] = 3;  // (2 is the current version)
  ExpectCorrupt(bad, "version");
  ExpectCorrupt("garbage that is long enough to fill the header of a tree state file......", "garbage");
  ExpectCorrupt(std::string(200, '\0'), "zeros");
  // A tree file is not a tree state.
  ExpectCorrupt(std::string("JVST\x01\x00", 6), "tree magic");
}

TEST(TreeState, RejectsBadEntries) {
  auto with = [](std::vector<std::pair<std::string, FileState>> entries) {
    TreeState t;
    t.entries = std::move(entries);
    return t.Encode();
  };
  FileState f = State(EntryKind::kFile, 1, 1, "x");
  ExpectCorrupt(with({{"b", f}, {"a", f}}), "unsorted");
  ExpectCorrupt(with({{"a", f}, {"a", f}}), "duplicate");
  for (const std::string& p : {std::string(""), std::string("/a"), std::string("a//b"), std::string(".."),
                               std::string("a/../b"), std::string("./a"), std::string("a\0b", 3)})
    ExpectCorrupt(with({{p, f}}), "path '" + p + "'");
  for (int kind : {0, 4, 5, 255}) {
    FileState k = f;
    k.kind = static_cast<EntryKind>(kind);
    ExpectCorrupt(with({{"a", k}}), "kind " + std::to_string(kind));
  }
  // Huge entry count.
  std::string enc = TreeState{}.Encode();
  enc.pop_back();  // count 0
  std::string huge = enc + std::string(9, '\xff') + std::string(1, '\x01');
  ExpectCorrupt(huge, "count 2^64-1");
  ExpectCorrupt(enc + std::string("\x80\x80\x80\x01", 4), "count 2^21 without data");
}

TEST(TreeState, LoadMissingGivesEmptyState) {
  TempDir tmp;
  auto t = TreeState::Load(Env::Default(), tmp.path() / "no" / "tree_state");
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_TRUE(t->entries.empty());
  EXPECT_EQ(t->tree, EmptyTreeId());
  EXPECT_EQ(t->fs_time_ns, 0);
  EXPECT_TRUE(t->op.is_zero());
}

TEST(TreeState, SaveAndLoad) {
  TempDir tmp;
  fs::path p = tmp.path() / "tree_state";
  TreeState t = Sample();
  ASSERT_TRUE(t.Save(Env::Default(), p).ok());
  auto back = TreeState::Load(Env::Default(), p);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->entries, t.entries);
  // Overwritten atomically, no temp files left.
  t.entries.pop_back();
  ASSERT_TRUE(t.Save(Env::Default(), p).ok());
  back = TreeState::Load(Env::Default(), p);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->entries.size(), t.entries.size());
  size_t files = 0;
  for (auto& e : fs::directory_iterator(tmp.path())) (void)e, ++files;
  EXPECT_EQ(files, 1u);
  // A corrupt file is reported (the caller may delete it: it is only a cache).
  testing::WriteFile(p, "junk");
  auto bad = TreeState::Load(Env::Default(), p);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kCorrupt);
}

TEST(TreeState, LoadHeaderReadsOnlyTheHeader) {
  TempDir tmp;
  fs::path p = tmp.path() / "tree_state";
  auto missing = TreeState::LoadHeader(Env::Default(), p);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->tree, EmptyTreeId());
  EXPECT_TRUE(missing->op.is_zero());
  // Many entries (a multi-byte entry count), a few, none.
  for (size_t n : {size_t{300}, size_t{5}, size_t{0}}) {
    TreeState t = Sample();
    t.entries.clear();
    for (size_t i = 0; i < n; ++i)
      t.entries.emplace_back("f" + std::to_string(100000 + i), State(EntryKind::kFile, 1000, i, "x"));
    ASSERT_TRUE(t.Save(Env::Default(), p).ok());
    auto h = TreeState::LoadHeader(Env::Default(), p);
    ASSERT_TRUE(h.ok()) << h.error().message();
    EXPECT_EQ(h->tree, t.tree);
    EXPECT_EQ(h->op, t.op);
    EXPECT_EQ(h->fs_time_ns, t.fs_time_ns);
    EXPECT_TRUE(h->entries.empty());
  }
  // A damaged header is reported; so is a truncated one.
  testing::WriteFile(p, "JVSX" + std::string(80, '\0'));
  EXPECT_EQ(TreeState::LoadHeader(Env::Default(), p).error().code(), ErrorCode::kCorrupt);
  testing::WriteFile(p, Sample().Encode().substr(0, 40));
  EXPECT_EQ(TreeState::LoadHeader(Env::Default(), p).error().code(), ErrorCode::kCorrupt);
}

// The tree state ends with a SHA-256 of its bytes: any change to a stored
// stat or blob id (here: two blob ids swapped, the hostile tester's case, which
// made the next snapshot record wrong content) is detected.
TEST(TreeState, ChecksumDetectsEveryChange) {
  TreeState t = Sample();
  std::string enc = t.Encode();
  std::string a(reinterpret_cast<const char*>(t.entries[0].second.id.data()), kIdBytes);
  std::string b(reinterpret_cast<const char*>(t.entries[1].second.id.data()), kIdBytes);
  size_t pa = enc.find(a), pb = enc.find(b);
  ASSERT_NE(pa, std::string::npos);
  ASSERT_NE(pb, std::string::npos);
  std::string swapped = enc;
  swapped.replace(pa, kIdBytes, b);
  swapped.replace(pb, kIdBytes, a);
  ExpectCorrupt(swapped, "swapped blob ids");
  for (size_t i = 5; i < enc.size(); i += 7) {
    std::string flipped = enc;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x10);
    ExpectCorrupt(flipped, "byte " + std::to_string(i));
  }
}

// A damaged or unreadable tree state is a cache: discarded with a warning
// (the scan then reads every file), never an error.
TEST(TreeState, LoadOrDiscardGivesAnEmptyStateAndAWarning) {
  TempDir tmp;
  fs::path p = tmp.path() / "tree_state";
  ASSERT_TRUE(Sample().Save(Env::Default(), p).ok());
  std::string warning;
  TreeState good = TreeState::LoadOrDiscard(Env::Default(), p, &warning);
  EXPECT_TRUE(warning.empty()) << warning;
  EXPECT_EQ(good.entries, Sample().entries);
  for (const std::string& junk : {std::string("junk"), Sample().Encode().substr(0, 100),
                                  Sample().Encode() + "x"}) {
    testing::WriteFile(p, junk);
    warning.clear();
    TreeState t = TreeState::LoadOrDiscard(Env::Default(), p, &warning);
    EXPECT_TRUE(t.entries.empty());
    EXPECT_TRUE(t.op.is_zero());
    EXPECT_EQ(t.tree, EmptyTreeId());
    EXPECT_NE(warning.find("discarded"), std::string::npos) << warning;
  }
  // Unreadable (a directory in its place): the same.
  fs::remove(p);
  fs::create_directory(p);
  warning.clear();
  TreeState t = TreeState::LoadOrDiscard(Env::Default(), p, &warning);
  EXPECT_TRUE(t.entries.empty());
  EXPECT_FALSE(warning.empty());
}

// Format 1 had no checksum: such a state is treated as absent (the next scan
// reads every file once), while its header still answers LoadHeader.
TEST(TreeState, FormatOneWithoutChecksumIsTreatedAsAbsent) {
  TempDir tmp;
  fs::path p = tmp.path() / "tree_state";
  std::string v1 = Sample().Encode();
  v1.resize(v1.size() - kIdBytes);  // format 1: the same bytes without the checksum
  v1[4] = 1;
  testing::WriteFile(p, v1);
  auto t = TreeState::Load(Env::Default(), p);
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_TRUE(t->entries.empty());
  EXPECT_TRUE(t->op.is_zero());
  EXPECT_EQ(t->tree, EmptyTreeId());
  auto h = TreeState::LoadHeader(Env::Default(), p);
  ASSERT_TRUE(h.ok()) << h.error().message();
  EXPECT_EQ(h->op, Sample().op);
  EXPECT_FALSE(TreeState::Decode(v1).ok());
}

TEST(TreeState, RacyRule) {
  TreeState t;
  t.fs_time_ns = 1000;
  FileState s;
  s.mtime_ns = 999;
  EXPECT_FALSE(t.IsRacy(s));
  s.mtime_ns = 1000;  // same tick as the probe: may have been modified after it was read
  EXPECT_TRUE(t.IsRacy(s));
  s.mtime_ns = 5000;
  EXPECT_TRUE(t.IsRacy(s));
  s.mtime_ns = -1;
  EXPECT_FALSE(t.IsRacy(s));
  TreeState never;  // fs_time 0: anything modified after 1970 is racy
  s.mtime_ns = 1;
  EXPECT_TRUE(never.IsRacy(s));
}

TEST(TreeState, StatMatches) {
  TempDir tmp;
  fs::path p = tmp.path() / "f";
  testing::WriteFile(p, "hello");
  struct stat st {};
  ASSERT_EQ(::lstat(p.c_str(), &st), 0);
  FileState s = FileStateFromStat(st, EntryKind::kFile, Sha256Of("hello"));
  EXPECT_EQ(s.size, 5u);
  EXPECT_EQ(s.ino, st.st_ino);
  EXPECT_EQ(s.mode, st.st_mode);
  EXPECT_EQ(s.mtime_ns, int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec);
  EXPECT_TRUE(StatMatches(s, st));
  struct stat x = st;
  x.st_size++;
  EXPECT_FALSE(StatMatches(s, x));
  x = st;
  x.st_mtim.tv_nsec ^= 1;
  EXPECT_FALSE(StatMatches(s, x));
  x = st;
  x.st_ctim.tv_sec++;
  EXPECT_FALSE(StatMatches(s, x));
  x = st;
  x.st_ino++;
  EXPECT_FALSE(StatMatches(s, x));
  x = st;
  x.st_mode |= S_IXUSR;
  EXPECT_FALSE(StatMatches(s, x));
  x = st;
  x.st_atim.tv_sec += 100;  // access time does not matter
  EXPECT_TRUE(StatMatches(s, x));
}

TEST(TreeState, Index) {
  TreeState t = Sample();
  TreeStateIndex idx(t);
  for (const auto& [path, s] : t.entries) {
    const FileState* f = idx.Find(path);
    ASSERT_NE(f, nullptr) << path;
    EXPECT_EQ(*f, s);
  }
  EXPECT_EQ(idx.Find("dir"), nullptr);
  EXPECT_EQ(idx.Find(""), nullptr);
  EXPECT_EQ(idx.Find("A"), nullptr);
}

TEST(TreeState, FilesystemNow) {
  TempDir tmp;
  Env* env = Env::Default();
  int64_t before = env->NowNanos();
  auto now = FilesystemNow(env, tmp.path());
  ASSERT_TRUE(now.ok());
  EXPECT_GE(*now, before - 2'000'000'000);
  EXPECT_LE(*now, env->NowNanos() + 2'000'000'000);
  // The probe file is gone.
  EXPECT_TRUE(fs::is_empty(tmp.path()));
  // A file written afterwards is not older than the probe.
  testing::WriteFile(tmp.path() / "later", "x");
  struct stat st {};
  ASSERT_EQ(::lstat((tmp.path() / "later").c_str(), &st), 0);
  EXPECT_GE(int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec, *now);
  EXPECT_FALSE(FilesystemNow(env, tmp.path() / "missing").ok());
}

TEST(TreeStateIndexTest, FindsEveryPathAmongManyAndNothingElse) {
  TreeState t;
  for (int i = 0; i < 50000; ++i) {
    FileState s;
    s.size = static_cast<uint64_t>(i);
    t.entries.emplace_back("d" + std::to_string(i % 97) + "/f" + std::to_string(i), s);
  }
  std::sort(t.entries.begin(), t.entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  TreeStateIndex idx(t);
  for (const auto& [path, s] : t.entries) {
    const FileState* f = idx.Find(path);
    ASSERT_NE(f, nullptr) << path;
    EXPECT_EQ(f, &s);
  }
  EXPECT_EQ(idx.Find(""), nullptr);
  EXPECT_EQ(idx.Find("d1/f"), nullptr);
  EXPECT_EQ(idx.Find("d1/f1x"), nullptr);
  EXPECT_EQ(idx.Find("d0/f97/"), nullptr);
  TreeState empty;
  EXPECT_EQ(TreeStateIndex(empty).Find("a"), nullptr);
}

TEST(TreeStateIndexTest, FirstOfDuplicatePathsWins) {
  TreeState t;
  FileState a, b;
  a.size = 1;
  b.size = 2;
  t.entries = {{"x", a}, {"x", b}, {"y", b}};
  TreeStateIndex idx(t);
  ASSERT_NE(idx.Find("x"), nullptr);
  EXPECT_EQ(idx.Find("x")->size, 1u);
  EXPECT_EQ(idx.Find("y")->size, 2u);
}

}  // namespace
}  // namespace jvs
