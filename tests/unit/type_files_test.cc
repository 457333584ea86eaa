// The type files of a repository (`.jvs/store/type`, `.jvs/op_store/type`,
// `.jvs/op_heads.type`): written at init, checked at open, defaults for the
// op log's when missing (repositories made before them), and errors that
// name the file and the value. Also the op log factories themselves.

#include <gtest/gtest.h>

#include <string>

#include "jvs/base/type_file.h"
#include "jvs/oplog/oplog.h"
#include "jvs/oplog/simple.h"
#include "jvs/repo/repo.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::Contains;
using testing::TempDir;

Settings TestSettings() {
  Settings s;
  s.user = "test";
  s.host = "host";
  s.pinned_time_ns = 1767225600'000'000'000;
  s.random_seed = 7;
  s.lock_wait = std::chrono::milliseconds(200);
  return s;
}

class TypeFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitOptions o{Root(), Root() / "main"};
    auto repo = Repo::Init(Env::Default(), o, TestSettings());
    ASSERT_TRUE(repo.ok()) << repo.error().message();
  }
  fs::path Root() const { return tmp_.path() / "repo"; }
  fs::path Control() const { return Root() / ".jvs"; }
  Result<std::unique_ptr<Repo>> Open() { return Repo::Open(Env::Default(), Root(), TestSettings()); }
  TempDir tmp_;
};

TEST_F(TypeFilesTest, InitWritesEveryTypeFile) {
  EXPECT_EQ(testing::ReadFile(Control() / "store" / "type"), "local\n");
  EXPECT_EQ(testing::ReadFile(Control() / "op_store" / "type"), "simple\n");
  EXPECT_EQ(testing::ReadFile(Control() / "op_heads.type"), "simple\n");
  auto repo = Open();
  ASSERT_TRUE(repo.ok()) << repo.error().message();
  EXPECT_EQ((*repo)->store().name(), "local");
  EXPECT_EQ((*repo)->op_store().name(), "simple");
  // The type file in op_heads/ is not a head.
  auto heads = OpenOpHeads(Env::Default(), Control() / "op_heads");
  ASSERT_TRUE(heads.ok());
  auto list = (*heads)->List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TEST_F(TypeFilesTest, RepositoriesWithoutOpLogTypeFilesKeepOpening) {
  // As made before the type files existed.
  fs::remove(Control() / "op_store" / "type");
  fs::remove(Control() / "op_heads.type");
  auto repo = Open();
  ASSERT_TRUE(repo.ok()) << repo.error().message();
  EXPECT_EQ((*repo)->op_store().name(), "simple");
  // And keep working: an operation can be published.
  auto op = (*repo)->Publish((*repo)->view(), "no-op", {});
  ASSERT_TRUE(op.ok()) << op.error().message();
  auto again = Open();
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ((*again)->op_id(), *op);
  EXPECT_FALSE(fs::exists(Control() / "op_store" / "type")) << "opening writes nothing";
}

TEST_F(TypeFilesTest, UnknownNamesFailNamingTheFileAndTheValue) {
  for (const char* part : {"store", "op_store", "op_heads"}) {
    SCOPED_TRACE(part);
    fs::path type = std::string(part) == "op_heads" ? Control() / "op_heads.type" : Control() / part / "type";
    std::string saved = testing::ReadFile(type);
    testing::WriteFile(type, "fancy\n");
    auto repo = Open();
    ASSERT_FALSE(repo.ok());
    EXPECT_EQ(repo.error().code(), ErrorCode::kUnsupported);
    EXPECT_TRUE(Contains(repo.error().message(), type.string())) << repo.error().message();
    EXPECT_TRUE(Contains(repo.error().message(), "'fancy'")) << repo.error().message();
    EXPECT_FALSE(Contains(repo.error().hint(), "jvs ")) << repo.error().hint();
    testing::WriteFile(type, "simple\nsimple\n");
    repo = Open();
    ASSERT_FALSE(repo.ok());
    EXPECT_EQ(repo.error().code(), ErrorCode::kCorrupt);
    EXPECT_TRUE(Contains(repo.error().message(), type.string())) << repo.error().message();
    EXPECT_FALSE(Contains(repo.error().hint(), "jvs ")) << repo.error().hint();
    testing::WriteFile(type, saved);
    ASSERT_TRUE(Open().ok());
  }
}

TEST_F(TypeFilesTest, AMissingStoreTypeIsCorruption) {
  // store/type has been written since the first release.
  fs::remove(Control() / "store" / "type");
  auto repo = Open();
  ASSERT_FALSE(repo.ok());
  EXPECT_EQ(repo.error().code(), ErrorCode::kCorrupt);
  EXPECT_TRUE(Contains(repo.error().message(), (Control() / "store" / "type").string()));
  EXPECT_FALSE(Contains(repo.error().hint(), "jvs "));
}

TEST(TypeFile, ReadAndWrite) {
  TempDir tmp;
  fs::path p = tmp.path() / "type";
  auto missing = ReadTypeFile(Env::Default(), p, {"a"}, std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kCorrupt);
  auto dflt = ReadTypeFile(Env::Default(), p, {"a"}, "a");
  ASSERT_TRUE(dflt.ok());
  EXPECT_EQ(*dflt, "a");
  ASSERT_TRUE(WriteTypeFile(Env::Default(), p, "b_2").ok());
  EXPECT_EQ(testing::ReadFile(p), "b_2\n");
  auto known = ReadTypeFile(Env::Default(), p, {"a", "b_2"}, std::nullopt);
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(*known, "b_2");
  for (const char* bad : {"", "b_2", "b_2\n\n", " b_2\n", "B_2\n", "b/2\n", "\n"}) {
    testing::WriteFile(p, bad);
    auto r = ReadTypeFile(Env::Default(), p, {"b_2"}, "b_2");
    ASSERT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt) << "'" << bad << "'";
  }
}

TEST(OpLogFactories, CreateOpenAndRefuse) {
  TempDir tmp;
  ASSERT_TRUE(CreateOpStore(Env::Default(), tmp.path() / "op_store").ok());
  ASSERT_TRUE(CreateOpHeads(Env::Default(), tmp.path() / "op_heads").ok());
  EXPECT_FALSE(CreateOpStore(Env::Default(), tmp.path() / "x", "fancy").ok());
  EXPECT_FALSE(CreateOpHeads(Env::Default(), tmp.path() / "y", "fancy").ok());
  auto ops = OpenOpStore(Env::Default(), tmp.path() / "op_store");
  ASSERT_TRUE(ops.ok());
  auto heads = OpenOpHeads(Env::Default(), tmp.path() / "op_heads");
  ASSERT_TRUE(heads.ok());
  EXPECT_EQ((*ops)->name(), "simple");
  EXPECT_EQ((*heads)->name(), "simple");

  View v;
  auto vid = (*ops)->WriteView(v);
  ASSERT_TRUE(vid.ok());
  Operation op;
  op.view = *vid;
  auto oid = (*ops)->WriteOperation(op);
  ASSERT_TRUE(oid.ok());
  auto st = (*ops)->StatOperation(*oid);
  ASSERT_TRUE(st.ok());
  EXPECT_GT(st->mtime_ns, 0);
  EXPECT_EQ(st->size, op.Encode().size());
  ASSERT_TRUE((*ops)->StatView(*vid).ok());
  auto raw = (*ops)->ReadOperationBytes(*oid, 1 << 20);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*raw, op.Encode());
  EXPECT_EQ((*ops)->ReadViewBytes(*vid, 1 << 20).value(), v.Encode());
  EXPECT_FALSE((*ops)->ReadViewBytes(*vid, 2).ok()) << "the size cap holds";
  auto listed = (*ops)->ListOperations();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, std::vector<OperationId>{*oid});

  ASSERT_TRUE((*heads)->Add(*oid).ok());
  ASSERT_TRUE((*heads)->Sync().ok());
  EXPECT_EQ(*(*heads)->List(), std::vector<OperationId>{*oid});
  ASSERT_TRUE((*heads)->Remove(*oid).ok());
  EXPECT_TRUE((*heads)->List()->empty());
  EXPECT_EQ((*heads)->Remove(*oid).error().code(), ErrorCode::kNotFound);

  ASSERT_TRUE((*ops)->DeleteOperation(*oid).ok());
  ASSERT_TRUE((*ops)->DeleteView(*vid).ok());
  EXPECT_EQ((*ops)->ReadOperation(*oid).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ((*ops)->StatView(*vid).error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace jvs
