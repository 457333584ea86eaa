#include <gtest/gtest.h>

#include <atomic>

#include "jvs/base/hash.h"
#include "jvs/base/object_id.h"
#include "jvs/base/repo_path.h"
#include "jvs/base/result.h"
#include "jvs/base/thread_pool.h"

namespace jvs {
namespace {

TEST(Hash, KnownVectors) {
  EXPECT_EQ(ToHex(Sha256Of("").data(), 32),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 h;
  h.Update("ab");
  h.Update("c");
  EXPECT_EQ(ToHex(h.Finish().data(), 32),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  h.Update("abc");  // reusable after Finish
  EXPECT_EQ(ToHex(h.Finish().data(), 32),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ObjectId, HexRoundTrip) {
  BlobId id(Sha256Of("x"));
  auto back = BlobId::FromHex(id.hex());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, id);
  EXPECT_FALSE(BlobId::FromHex("abc").ok());
  EXPECT_FALSE(BlobId::FromHex(std::string(64, 'g')).ok());
  EXPECT_EQ(BlobId::FromHex("zz").error().code(), ErrorCode::kCorrupt);
}

TEST(RepoPath, ControlFolderNameIsNeverAComponent) {
  EXPECT_FALSE(ValidateName(".jvs").ok());
  for (const char* bad : {".jvs", ".jvs/format", "a/.jvs", "a/.jvs/b"}) EXPECT_FALSE(RepoPath::Parse(bad).ok()) << bad;
  EXPECT_FALSE(RepoPath::Parse("a").value().JoinChecked(".jvs").ok());
  for (const char* ok : {".jvsignore", "a/.jvsx", "x.jvs"}) EXPECT_TRUE(RepoPath::Parse(ok).ok()) << ok;
  // Tag names are not paths: unchanged.
  EXPECT_TRUE(ValidateTagName(".jvs").ok());
}

TEST(RepoPath, ParsesAndRejects) {
  EXPECT_TRUE(RepoPath::Parse("").ok());
  EXPECT_TRUE(RepoPath::Parse("")->is_root());
  EXPECT_EQ(RepoPath::Parse("a/b/c")->str(), "a/b/c");
  EXPECT_EQ(RepoPath::Parse("a/b/")->str(), "a/b");
  for (const char* bad : {"/a", "a/../b", "..", ".", "a//b", "a/./b", "//"})
    EXPECT_FALSE(RepoPath::Parse(bad).ok()) << bad;
  EXPECT_FALSE(RepoPath::Parse(std::string("a\0b", 3)).ok());
  auto p = *RepoPath::Parse("dir/sub/file.txt");
  EXPECT_EQ(p.name(), "file.txt");
  EXPECT_EQ(p.parent().str(), "dir/sub");
  EXPECT_EQ(p.components().size(), 3u);
  EXPECT_TRUE(p.StartsWith(*RepoPath::Parse("dir")));
  EXPECT_FALSE(p.StartsWith(*RepoPath::Parse("di")));
  EXPECT_TRUE(p.StartsWith(RepoPath::Root()));
  EXPECT_EQ(RepoPath().Join("x").str(), "x");
  EXPECT_FALSE(RepoPath().JoinChecked("..").ok());
}

Result<int> Half(int x) {
  if (x % 2) return Error(ErrorCode::kInvalidArgument, "odd");
  return x / 2;
}
Result<int> Quarter(int x) {
  JVS_ASSIGN_OR_RETURN(int h, Half(x));
  JVS_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(Result, PropagatesErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "odd");
  EXPECT_EQ(ErrorCodeName(r.error().code()), "E_INVALID_ARGUMENT");
  EXPECT_EQ(ErrnoError(ENOSPC, "write").code(), ErrorCode::kNoSpace);
}

TEST(ThreadPool, RunsNestedTasks) {
  ThreadPool pool(3);
  std::atomic<int> count{0};
  TaskGroup g(pool);
  for (int i = 0; i < 10; ++i)
    g.Run([&] {
      count++;
      for (int j = 0; j < 10; ++j) g.Run([&] { count++; });
    });
  g.Wait();
  EXPECT_EQ(count.load(), 110);
  std::vector<int> v(1000, 0);
  ParallelFor(pool, v.size(), [&](size_t i) { v[i] = static_cast<int>(i); });
  for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(v[i], static_cast<int>(i));
}

}  // namespace
}  // namespace jvs
