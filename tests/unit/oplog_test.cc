// Unit tests of the operation log: View/Operation encodings, OpStore, OpHeads.
// Over 400 lines on purpose: the encodings and both interfaces' simple implementations are checked
// against the same operations and views.

#include "jvs/oplog/oplog.h"
#include "jvs/oplog/simple.h"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jvs/base/hash.h"
#include "jvs/base/timeutil.h"
#include "test_util.h"

namespace jvs {
namespace {

using nlohmann::json;
using testing::TempDir;

SnapshotId Sid(std::string_view seed) { return SnapshotId(Sha256Of(seed)); }

View SampleView() {
  View v;
  v.worktrees["main"] = WorktreeView{Sid("h1"), Sid("l1")};
  v.worktrees["empty"] = WorktreeView{};
  v.worktrees["half"] = WorktreeView{std::nullopt, Sid("l2")};
  v.heads = {Sid("a"), Sid("b"), Sid("c")};
  std::sort(v.heads.begin(), v.heads.end());
  v.tags["v1.0"] = Sid("a");
  v.tags["baseline"] = Sid("b");
  return v;
}

Operation SampleOperation() {
  Operation op;
  op.parents = {OperationId(Sha256Of("p1")), OperationId(Sha256Of("p2"))};
  op.view = SampleView().ComputeId();
  op.metadata.start_time = "2026-01-01T00:00:00.000Z";
  op.metadata.end_time = "2026-01-01T00:00:01.000Z";
  op.metadata.user = "alice";
  op.metadata.host = "box";
  op.metadata.pid = 4242;
  op.metadata.command = "jvs snapshot -m 'x y'";
  op.metadata.description = "snapshot abc in worktree main";
  op.metadata.attributes = {{"captured_snapshot", Sid("c").hex()}, {"target", Sid("a").hex()}};
  return op;
}

// ---------------------------------------------------------------- View

TEST(View, RoundTrip) {
  View v = SampleView();
  std::string enc = v.Encode();
  auto back = View::Decode(enc);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, v);
  EXPECT_EQ(back->Encode(), enc);
  View empty;
  auto e = View::Decode(empty.Encode());
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, empty);
}

TEST(View, IdIsSha256OfCanonicalEncoding) {
  View v = SampleView();
  EXPECT_EQ(v.ComputeId(), ViewId(Sha256Of(v.Encode())));
  std::string enc = v.Encode();
  EXPECT_EQ(enc.find(' '), std::string::npos);
  EXPECT_EQ(enc.rfind("{\"format\":1,", 0), 0u) << enc;
  View w = v;
  w.tags["new"] = Sid("x");
  EXPECT_NE(w.ComputeId(), v.ComputeId());
  w = v;
  w.worktrees["main"].head.reset();
  EXPECT_NE(w.ComputeId(), v.ComputeId());
}

// User pins: format 2 (only then), round trip, expiry.
TEST(View, UserPinsAreFormat2) {
  View v = SampleView();
  const std::string format1 = v.Encode();
  v.user_pins[Sid("pinned")] = PinRecord{"2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z", "audit"};
  v.user_pins[Sid("forever")] = PinRecord{"2026-01-01T00:00:00.000Z", "", ""};
  std::string enc = v.Encode();
  EXPECT_EQ(enc.rfind("{\"format\":2,", 0), 0u) << enc;
  auto back = View::Decode(enc);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, v);
  EXPECT_EQ(back->Encode(), enc);
  // Without user pins the bytes are format 1's, as before they existed.
  v.user_pins.clear();
  EXPECT_EQ(v.Encode(), format1);
  // Expiry.
  PinRecord p{"", "2026-02-01T00:00:00Z", ""};
  EXPECT_FALSE(p.Expired(*ParseTimestamp("2026-01-31T23:59:59Z")));
  EXPECT_TRUE(p.Expired(*ParseTimestamp("2026-02-01T00:00:00Z")));
  EXPECT_FALSE(PinRecord{}.Expired(*ParseTimestamp("2200-01-01T00:00:00Z")));
}

TEST(ViewDecode, RejectsMalformedUserPins) {
  View v = SampleView();
  v.user_pins[Sid("pinned")] = PinRecord{"2026-01-01T00:00:00.000Z", "", "r"};
  json good = json::parse(v.Encode());
  json j = good;
  j["format"] = 1;
  auto one = View::Decode(j.dump());
  EXPECT_FALSE(one.ok()) << "format 1 with pinned";
  j = good;
  j["pinned"] = json::object();
  EXPECT_FALSE(View::Decode(j.dump()).ok()) << "empty pinned";
  j = good;
  j["pinned"][Sid("pinned").hex()].erase("until");
  EXPECT_FALSE(View::Decode(j.dump()).ok()) << "no until";
  j = good;
  j["pinned"][Sid("pinned").hex()]["until"] = "";
  EXPECT_FALSE(View::Decode(j.dump()).ok()) << "empty until";
  j = good;
  j["pinned"]["xyz"] = good["pinned"][Sid("pinned").hex()];
  EXPECT_FALSE(View::Decode(j.dump()).ok()) << "bad id";
  j = good;
  j["format"] = 3;
  EXPECT_FALSE(View::Decode(j.dump()).ok()) << "format 3";
}

void ExpectViewCorrupt(const json& j, const std::string& what) {
  auto v = View::Decode(j.dump());
  ASSERT_FALSE(v.ok()) << what << ": " << j.dump();
  EXPECT_EQ(v.error().code(), ErrorCode::kCorrupt) << what;
}

TEST(ViewDecode, RejectsMalformed) {
  json good = json::parse(SampleView().Encode());
  for (const char* key : {"format", "worktrees", "heads", "tags"}) {
    json j = good;
    j.erase(key);
    ExpectViewCorrupt(j, std::string("without ") + key);
    for (const json& wrong : {json(nullptr), json(1), json("x"), json(true)}) {
      if (std::string(key) == "format" && wrong == json(1)) continue;  // the valid value
      j = good;
      j[key] = wrong;
      ExpectViewCorrupt(j, std::string(key) + " = " + wrong.dump());
    }
  }
  json j = good;
  j["format"] = 2;
  ExpectViewCorrupt(j, "format 2");
  j = good;
  j["worktrees"]["main"] = "x";
  ExpectViewCorrupt(j, "worktree not an object");
  j = good;
  j["worktrees"]["main"].erase("head");
  ExpectViewCorrupt(j, "worktree without head");
  j = good;
  j["worktrees"]["main"].erase("latest");
  ExpectViewCorrupt(j, "worktree without latest");
  j = good;
  j["worktrees"]["main"]["head"] = 5;
  ExpectViewCorrupt(j, "head a number");
  j = good;
  j["worktrees"]["main"]["latest"] = "abc";
  ExpectViewCorrupt(j, "latest short hex");
  j = good;
  j["heads"] = json::array({"nothex"});
  ExpectViewCorrupt(j, "bad head id");
  j = good;
  j["heads"] = json::array({1});
  ExpectViewCorrupt(j, "head a number");
  j = good;
  j["tags"]["v1.0"] = std::string(64, 'g');
  ExpectViewCorrupt(j, "bad tag id");
  j = good;
  j["tags"]["v1.0"] = json::array();
  ExpectViewCorrupt(j, "tag an array");
  for (const std::string& bad : {std::string(""), std::string("[]"), std::string("null"), std::string("{"),
                                 std::string("{\"format\":1}")}) {
    auto v = View::Decode(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.error().code(), ErrorCode::kCorrupt);
  }
  std::string enc = SampleView().Encode();
  for (size_t n = 0; n < enc.size(); ++n) EXPECT_FALSE(View::Decode(std::string_view(enc).substr(0, n)).ok()) << n;
}

// ---------------------------------------------------------------- Operation

TEST(Operation, RoundTrip) {
  Operation op = SampleOperation();
  std::string enc = op.Encode();
  auto back = Operation::Decode(enc);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->parents, op.parents);
  EXPECT_EQ(back->view, op.view);
  EXPECT_EQ(back->metadata, op.metadata);
  EXPECT_EQ(back->Encode(), enc);
  EXPECT_EQ(op.ComputeId(), OperationId(Sha256Of(enc)));
  // The root operation has no parents and no attributes.
  Operation root;
  root.view = View{}.ComputeId();
  auto r = Operation::Decode(root.Encode());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->parents.empty());
  EXPECT_TRUE(r->metadata.attributes.empty());
}

TEST(Operation, PredecessorsRoundTripAndAreOmittedWhenEmpty) {
  // Without rewrites the encoding has no "predecessors" key: operations
  // written before the field existed keep their bytes and ids.
  Operation plain = SampleOperation();
  const std::string plain_enc = plain.Encode();
  EXPECT_EQ(plain_enc.find("predecessors"), std::string::npos) << plain_enc;
  const std::string frozen =
      "{\"format\":1,\"metadata\":{\"attributes\":{},\"command\":\"c\",\"description\":\"d\","
      "\"end_time\":\"e\",\"host\":\"h\",\"pid\":1,\"start_time\":\"s\",\"user\":\"u\"},"
      "\"parents\":[],\"view\":\"" + std::string(64, 'a') + "\"}";
  auto old = Operation::Decode(frozen);
  ASSERT_TRUE(old.ok()) << old.error().message();
  EXPECT_TRUE(old->predecessors.empty());
  EXPECT_EQ(old->Encode(), frozen);
  EXPECT_EQ(old->ComputeId(), OperationId(Sha256Of(frozen)));

  Operation op = SampleOperation();
  op.predecessors[Sid("old1")] = {Sid("new1"), Sid("new2")};
  op.predecessors[Sid("old2")] = {};  // abandoned: rewritten into nothing
  const std::string enc = op.Encode();
  EXPECT_NE(enc.find("\"predecessors\":{"), std::string::npos) << enc;
  auto back = Operation::Decode(enc);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->predecessors, op.predecessors);
  EXPECT_EQ(back->metadata, op.metadata);
  EXPECT_EQ(back->Encode(), enc);
  EXPECT_NE(op.ComputeId(), plain.ComputeId());

  // Malformed maps are refused; an empty map is not canonical.
  json good = json::parse(enc);
  for (const json& wrong : {json::object(), json::array(), json("x"), json(1)}) {
    json j = good;
    j["predecessors"] = wrong;
    auto r = Operation::Decode(j.dump());
    EXPECT_FALSE(r.ok()) << j.dump();
  }
  json j = good;
  j["predecessors"] = {{"nothex", json::array()}};
  EXPECT_FALSE(Operation::Decode(j.dump()).ok());
  j = good;
  j["predecessors"] = {{Sid("x").hex(), json::array({1})}};
  EXPECT_FALSE(Operation::Decode(j.dump()).ok());
  j = good;
  j["predecessors"] = {{Sid("x").hex(), "y"}};
  EXPECT_FALSE(Operation::Decode(j.dump()).ok());
}

void ExpectOpCorrupt(const json& j, const std::string& what) {
  auto op = Operation::Decode(j.dump());
  ASSERT_FALSE(op.ok()) << what << ": " << j.dump();
  EXPECT_EQ(op.error().code(), ErrorCode::kCorrupt) << what;
}

TEST(OperationDecode, RejectsMalformed) {
  json good = json::parse(SampleOperation().Encode());
  for (const char* key : {"format", "parents", "view", "metadata"}) {
    json j = good;
    j.erase(key);
    ExpectOpCorrupt(j, std::string("without ") + key);
    j = good;
    j[key] = 3.5;
    ExpectOpCorrupt(j, std::string(key) + " a float");
  }
  for (const char* key : {"start_time", "end_time", "user", "host", "pid", "command", "description", "attributes"}) {
    json j = good;
    j["metadata"].erase(key);
    ExpectOpCorrupt(j, std::string("metadata without ") + key);
    j = good;
    j["metadata"][key] = json::array();
    ExpectOpCorrupt(j, std::string("metadata.") + key + " an array");
  }
  json j = good;
  j["metadata"]["pid"] = "12";
  ExpectOpCorrupt(j, "pid a string");
  j = good;
  j["metadata"]["attributes"]["x"] = 1;
  ExpectOpCorrupt(j, "attribute a number");
  j = good;
  j["view"] = "00";
  ExpectOpCorrupt(j, "short view id");
  j = good;
  j["parents"] = json::array({"zz"});
  ExpectOpCorrupt(j, "bad parent id");
  j = good;
  j["parents"] = json::array({7});
  ExpectOpCorrupt(j, "parent a number");
  j = good;
  j["parents"] = json::array();
  for (int i = 0; i < 4097; ++i) j["parents"].push_back(good["view"]);
  ExpectOpCorrupt(j, "4097 parents");
  j = good;
  j["format"] = 0;
  ExpectOpCorrupt(j, "format 0");
  std::string enc = SampleOperation().Encode();
  for (size_t n = 0; n < enc.size(); ++n)
    EXPECT_FALSE(Operation::Decode(std::string_view(enc).substr(0, n)).ok()) << n;
}

// ---------------------------------------------------------------- OpStore

class OpStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(SimpleOpStore::Create(env_, tmp_.path() / "op_store").ok()); }
  TempDir tmp_;
  Env* env_ = Env::Default();
  SimpleOpStore ops_{Env::Default(), tmp_.path() / "op_store"};
};

TEST_F(OpStoreTest, WriteAndReadBack) {
  EXPECT_TRUE(fs::is_directory(tmp_.path() / "op_store" / "operations"));
  EXPECT_TRUE(fs::is_directory(tmp_.path() / "op_store" / "views"));
  View v = SampleView();
  auto vid = ops_.WriteView(v);
  ASSERT_TRUE(vid.ok());
  EXPECT_EQ(*vid, v.ComputeId());
  EXPECT_EQ(testing::ReadFile(tmp_.path() / "op_store" / "views" / vid->hex()), v.Encode());
  Operation op = SampleOperation();
  op.view = *vid;
  auto oid = ops_.WriteOperation(op);
  ASSERT_TRUE(oid.ok());
  EXPECT_EQ(*oid, op.ComputeId());
  auto rv = ops_.ReadView(*vid);
  ASSERT_TRUE(rv.ok());
  EXPECT_EQ(*rv, v);
  auto ro = ops_.ReadOperation(*oid);
  ASSERT_TRUE(ro.ok());
  EXPECT_EQ(ro->metadata, op.metadata);
  // Idempotent.
  ASSERT_TRUE(ops_.WriteView(v).ok());
  ASSERT_TRUE(ops_.WriteOperation(op).ok());
  size_t n = 0;
  for (auto& e : fs::directory_iterator(tmp_.path() / "op_store" / "operations")) (void)e, ++n;
  EXPECT_EQ(n, 1u);
}

TEST_F(OpStoreTest, HasPathsForReportsAndTempPlaces) {
  Operation op = SampleOperation();
  auto id = ops_.WriteOperation(op);
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(ops_.HasOperation(*id));
  EXPECT_FALSE(ops_.HasOperation(OperationId(Sha256Of("absent"))));
  EXPECT_EQ(ops_.OperationPath(*id).parent_path(), ops_.OperationsPath());
  EXPECT_TRUE(fs::exists(ops_.OperationPath(*id)));
  EXPECT_NE(ops_.OperationsPath(), ops_.ViewsPath());
  std::set<fs::path> places;
  for (const auto& p : ops_.TempPlaces()) places.insert(p.dir);
  EXPECT_TRUE(places.count(ops_.OperationsPath()));
  EXPECT_TRUE(places.count(ops_.ViewsPath()));
  EXPECT_EQ(OpStoreDir(tmp_.path()), tmp_.path() / "op_store");
  // Inspection opens it even with a type file it would refuse.
  testing::WriteFile(tmp_.path() / "op_store" / "type", "bogus\n");
  EXPECT_FALSE(OpenOpStore(Env::Default(), tmp_.path() / "op_store").ok());
  auto inspected = OpenOpStoreToInspect(Env::Default(), tmp_.path() / "op_store");
  auto back = inspected->ReadOperation(*id);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->Encode(), op.Encode());
}

TEST_F(OpStoreTest, VerifiesIdsOnRead) {
  auto vid = ops_.WriteView(SampleView());
  ASSERT_TRUE(vid.ok());
  Operation op = SampleOperation();
  op.view = *vid;
  auto oid = ops_.WriteOperation(op);
  ASSERT_TRUE(oid.ok());

  // A tampered operation: still valid JSON, different description.
  fs::path op_path = tmp_.path() / "op_store" / "operations" / oid->hex();
  std::string data = testing::ReadFile(op_path);
  std::string tampered = data;
  tampered.replace(tampered.find("snapshot abc"), 12, "snapshot xyz");
  testing::WriteFile(op_path, tampered);
  ASSERT_TRUE(Operation::Decode(tampered).ok());
  auto r = ops_.ReadOperation(*oid);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
  testing::WriteFile(op_path, data);
  EXPECT_TRUE(ops_.ReadOperation(*oid).ok());

  // A tampered view: a tag moved.
  fs::path view_path = tmp_.path() / "op_store" / "views" / vid->hex();
  std::string vdata = testing::ReadFile(view_path);
  View moved = SampleView();
  moved.tags["v1.0"] = Sid("c");
  testing::WriteFile(view_path, moved.Encode());
  auto rv = ops_.ReadView(*vid);
  ASSERT_FALSE(rv.ok());
  EXPECT_EQ(rv.error().code(), ErrorCode::kCorrupt);
  // A view file stored under the wrong name (a valid object, but another id).
  testing::WriteFile(view_path, View{}.Encode());
  EXPECT_EQ(ops_.ReadView(*vid).error().code(), ErrorCode::kCorrupt);

  // An object whose hash matches but which does not decode.
  std::string garbage = "{\"format\":1}";
  ViewId gid(Sha256Of(garbage));
  testing::WriteFile(tmp_.path() / "op_store" / "views" / gid.hex(), garbage);
  EXPECT_EQ(ops_.ReadView(gid).error().code(), ErrorCode::kCorrupt);

  // Missing objects.
  EXPECT_EQ(ops_.ReadView(ViewId(Sha256Of("none"))).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(ops_.ReadOperation(OperationId(Sha256Of("none"))).error().code(), ErrorCode::kNotFound);
}

TEST_F(OpStoreTest, FindOperationsByPrefix) {
  std::vector<OperationId> ids;
  for (int i = 0; i < 20; ++i) {
    Operation op = SampleOperation();
    op.metadata.pid = i;
    auto id = ops_.WriteOperation(op);
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  for (const auto& id : ids) {
    for (size_t len : {1, 4, 64}) {
      auto m = ops_.FindOperationsByPrefix(id.hex().substr(0, len));
      ASSERT_TRUE(m.ok());
      EXPECT_NE(std::find(m->begin(), m->end(), id), m->end());
      EXPECT_TRUE(std::is_sorted(m->begin(), m->end()));
    }
  }
  auto all = ops_.FindOperationsByPrefix("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), ids.size());
  auto none = ops_.FindOperationsByPrefix("xyz");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// ---------------------------------------------------------------- OpHeads

// Records the order of renames and unlinks; can fail one kind of call.
class RecordingEnv : public EnvWrapper {
 public:
  RecordingEnv() : EnvWrapper(Env::Default()) {}
  Status Rename(const fs::path& a, const fs::path& b) override {
    Log("rename " + b.filename().string());
    if (fail_rename) return ErrnoError(ENOSPC, "injected rename failure");
    return EnvWrapper::Rename(a, b);
  }
  Status Unlink(const fs::path& p) override {
    Log("unlink " + p.filename().string());
    if (fail_unlink && p.filename().string().find(".tmp") == std::string::npos)
      return ErrnoError(EIO, "injected unlink failure");
    return EnvWrapper::Unlink(p);
  }
  void Log(std::string s) {
    std::lock_guard<std::mutex> l(mu);
    calls.push_back(std::move(s));
  }
  std::mutex mu;
  std::vector<std::string> calls;
  bool fail_rename = false;
  bool fail_unlink = false;
};

class OpHeadsTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_); }
  std::vector<std::string> Files() {
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  TempDir tmp_;
  fs::path dir_ = tmp_.path() / "op_heads";
  OperationId a_{Sha256Of("a")}, b_{Sha256Of("b")}, c_{Sha256Of("c")};
};

TEST_F(OpHeadsTest, ListIgnoresTempFiles) {
  SimpleOpHeads heads(Env::Default(), dir_);
  auto l = heads.List();
  ASSERT_TRUE(l.ok());
  EXPECT_TRUE(l->empty());
  testing::WriteFile(dir_ / a_.hex(), "");
  testing::WriteFile(dir_ / b_.hex(), "");
  testing::WriteFile(dir_ / (c_.hex() + ".tmp-jvs-1-2"), "");
  testing::WriteFile(dir_ / std::string(64, 'z'), "");
  l = heads.List();
  ASSERT_TRUE(l.ok());
  std::vector<OperationId> want = {a_, b_};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(*l, want);
}

TEST_F(OpHeadsTest, PathsForReportsTempPlacesAndSync) {
  SimpleOpHeads heads(Env::Default(), dir_);
  ASSERT_TRUE(heads.Add(a_).ok());
  EXPECT_TRUE(fs::exists(heads.HeadPath(a_)));
  EXPECT_EQ(heads.HeadPath(a_).parent_path(), heads.Location());
  ASSERT_EQ(heads.TempPlaces().size(), 1u);
  EXPECT_EQ(heads.TempPlaces()[0].dir, heads.Location());
  EXPECT_TRUE(heads.Sync().ok());
  EXPECT_EQ(OpHeadsDir(tmp_.path()), dir_);
  auto inspected = OpenOpHeadsToInspect(Env::Default(), dir_);
  auto l = inspected->List();
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(*l, std::vector<OperationId>{a_});
}

TEST_F(OpHeadsTest, UpdateAddsBeforeRemoving) {
  RecordingEnv env;
  SimpleOpHeads heads(&env, dir_);
  testing::WriteFile(dir_ / a_.hex(), "");
  testing::WriteFile(dir_ / b_.hex(), "");
  ASSERT_TRUE(heads.Update(c_, {a_, b_}).ok());
  EXPECT_EQ(Files(), std::vector<std::string>{c_.hex()});
  ASSERT_EQ(env.calls.size(), 3u);
  EXPECT_EQ(env.calls[0], "rename " + c_.hex());
  EXPECT_EQ(env.calls[1], "unlink " + a_.hex());
  EXPECT_EQ(env.calls[2], "unlink " + b_.hex());
  EXPECT_EQ(testing::ReadFile(dir_ / c_.hex()), "");
}

TEST_F(OpHeadsTest, FailedAddKeepsOldHeads) {
  RecordingEnv env;
  env.fail_rename = true;
  SimpleOpHeads heads(&env, dir_);
  testing::WriteFile(dir_ / a_.hex(), "");
  auto st = heads.Update(c_, {a_});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kNoSpace);
  EXPECT_EQ(Files(), std::vector<std::string>{a_.hex()});  // no temp file left either
  for (const auto& c : env.calls) EXPECT_NE(c, "unlink " + a_.hex());
}

TEST_F(OpHeadsTest, FailedRemoveLeavesBothHeads) {
  RecordingEnv env;
  env.fail_unlink = true;
  SimpleOpHeads heads(&env, dir_);
  testing::WriteFile(dir_ / a_.hex(), "");
  // Once the new head exists the operation is published: removing the old
  // head is best effort (it is an ancestor; readers drop ancestor heads).
  Status st = heads.Update(c_, {a_});
  EXPECT_TRUE(st.ok()) << st.error().message();
  std::vector<std::string> want = {a_.hex(), c_.hex()};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(Files(), want);
  EXPECT_EQ(env.calls.front(), "rename " + c_.hex());
}

TEST_F(OpHeadsTest, UpdateToleratesMissingOldAndSelf) {
  SimpleOpHeads heads(Env::Default(), dir_);
  ASSERT_TRUE(heads.Update(a_, {}).ok());
  ASSERT_TRUE(heads.Update(b_, {a_, c_}).ok());  // c_ is not a head: ignored
  EXPECT_EQ(Files(), std::vector<std::string>{b_.hex()});
  ASSERT_TRUE(heads.Update(b_, {b_}).ok());  // re-adding the same head keeps it
  EXPECT_EQ(Files(), std::vector<std::string>{b_.hex()});
}

}  // namespace
}  // namespace jvs
