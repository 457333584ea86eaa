// Snapshot descriptor formats: format 1 (a resolved root) keeps its exact
// bytes and ids (descriptors written by earlier jvs builds, hard-coded here),
// format 2 (a conflicted root, the terms of a Merge<TreeId>) round-trips and
// decodes only from its one canonical encoding.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "jvs/base/hash.h"
#include "jvs/store/objects.h"

namespace jvs {
namespace {

// {id, descriptor}: the first two from tests/fixtures/format-v1.tar.gz, the
// others written by main at 16495c1 (a note with escapes and non-ASCII, an
// empty note).
const std::vector<std::pair<std::string, std::string>>& Format1Descriptors() {
  static const std::vector<std::pair<std::string, std::string>> d = {
      {"b8b42f4ddbc34e804a696611d7306a27f27421b7d2db9d9878f25c20932f2fbe",
       R"({"author":"fixture@fixturehost","change_id":"3aa699598443eae901937c4b9ba9aaff","created_at":"2026-01-01T00:00:00.000Z","engine":"copy","format":1,"note":"first","parents":[],"tree":"3e9897a83ce305e10a59a683b91f82f1809301bb15d1e08642822035abd29673","worktree":"main"})"},
      {"5c4949084786b123533f8f5ebcb445d1928f747c6718c228b81230ced4b4ac9d",
       R"({"author":"fixture@fixturehost","change_id":"b4d6a6961b2d8611b83603b1cc5ff6a0","created_at":"2026-01-01T00:00:00.000Z","engine":"copy","format":1,"note":"dirty changes saved before: restore worktree main to b8b42f4ddbc3","parents":["f0c648aed46335e8db27052e32b1320e10c2e398ff446710d6864fd146d50231"],"tree":"23de84185ca77e5eb5cf4e6052c512d0e6b3508a0eed7ae326bb78c2fb4dd715","worktree":"main"})"},
      {"b31adc4b1e201aea107146405d16f2d7dfeec7c2d3761f1cb812c3cf49a1c7f4",
       "{\"author\":\"fixture@fixturehost\",\"change_id\":\"a63ed9c5d21825eb8c3c67d52f979ec6\",\"created_at\":"
       "\"2026-01-01T00:00:00.000Z\",\"engine\":\"copy\",\"format\":1,\"note\":\"second: a note\\nwith two "
       "lines, caf\xc3\xa9 \\\"quoted\\\" \\\\ tab\\t.\",\"parents\":[\"9c7b4e5d713619fa3267958116b48d12643462d"
       "948fd0f15044858ba7c9210e0\"],\"tree\":\"21ec8a824e49c211e156ed81c5ebf7a709db1362ea0ecc3e500faa66d1f33f41"
       "\",\"worktree\":\"main\"}"},
      {"5afd65e614a5599e04022c4f5c35513a3bfec6c50d6d3273af3c5f156887e2a9",
       R"({"author":"fixture@fixturehost","change_id":"fb181b21f20c3c33f58271c369adc8a2","created_at":"2026-01-01T00:00:00.000Z","engine":"copy","format":1,"note":"","parents":["b31adc4b1e201aea107146405d16f2d7dfeec7c2d3761f1cb812c3cf49a1c7f4"],"tree":"3dfef99cfa715c2af3a81fc5242f18434a36babed0a76b3e1772e3f690363f74","worktree":"main"})"},
  };
  return d;
}

TEST(SnapshotFormatTest, Format1DescriptorsKeepTheirBytesAndIds) {
  for (const auto& [id, data] : Format1Descriptors()) {
    SCOPED_TRACE(id);
    ASSERT_EQ(SnapshotId(Sha256Of(data)).hex(), id);
    auto s = Snapshot::Decode(data);
    ASSERT_TRUE(s.ok()) << s.error().message();
    EXPECT_FALSE(s->conflicted());
    ASSERT_EQ(s->root_terms.size(), 1u);
    EXPECT_EQ(s->Encode(), data);
    EXPECT_EQ(s->ComputeId().hex(), id);
    auto tree = s->ResolvedTree();
    ASSERT_TRUE(tree.ok());
    EXPECT_EQ(tree->hex(), data.substr(data.find("\"tree\":\"") + 8, 64));
  }
}

TreeId T(char c) { return *TreeId::FromHex(std::string(64, c)); }

Snapshot Conflicted(std::vector<TreeId> terms) {
  Snapshot s;
  s.root_terms = std::move(terms);
  s.parents = {SnapshotId(Sha256Of("p1")), SnapshotId(Sha256Of("p2"))};
  s.change_id = std::string(32, 'c');
  s.note = "merge \"x\"\n";
  s.created_at = "2026-01-02T03:04:05Z";
  s.worktree = "main";
  s.author = "a@b";
  s.engine = "copy";
  return s;
}

TEST(SnapshotFormatTest, ConflictedRootWritesFormat2AndRoundTrips) {
  for (size_t n : {3u, 5u, 7u}) {
    std::vector<TreeId> terms;
    for (size_t i = 0; i < n; ++i) terms.push_back(T("123456789"[i]));
    Snapshot s = Conflicted(terms);
    std::string enc = s.Encode();
    SCOPED_TRACE(enc);
    EXPECT_NE(enc.find("\"format\":2"), std::string::npos);
    EXPECT_NE(enc.find("\"trees\":[\"" + terms[0].hex() + "\""), std::string::npos);
    EXPECT_EQ(enc.find("\"tree\":"), std::string::npos);
    auto back = Snapshot::Decode(enc);
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(back->root_terms, terms);
    EXPECT_TRUE(back->conflicted());
    EXPECT_EQ(back->Encode(), enc);
    EXPECT_EQ(back->ComputeId(), s.ComputeId());
    auto tree = back->ResolvedTree();
    ASSERT_FALSE(tree.ok());
    EXPECT_EQ(tree.error().code(), ErrorCode::kUnsupported);
  }
}

TEST(SnapshotFormatTest, ResolvedRootStillWritesFormat1) {
  Snapshot s = Conflicted({T('1'), T('2'), T('3')});
  s.SetTree(T('4'));
  std::string enc = s.Encode();
  EXPECT_NE(enc.find("\"format\":1"), std::string::npos);
  EXPECT_NE(enc.find("\"tree\":\"" + T('4').hex() + "\""), std::string::npos);
  EXPECT_EQ(enc.find("trees"), std::string::npos);
}

void ExpectCorrupt(const std::string& data, const std::string& why) {
  auto s = Snapshot::Decode(data);
  ASSERT_FALSE(s.ok()) << why << ": " << data;
  EXPECT_EQ(s.error().code(), ErrorCode::kCorrupt) << why;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(SnapshotFormatTest, Format2DecodingIsStrictAndCanonical) {
  const std::string a = T('a').hex(), b = T('b').hex(), c = T('c').hex(), d = T('d').hex();
  const std::string good = Conflicted({T('a'), T('b'), T('c')}).Encode();
  ASSERT_TRUE(Snapshot::Decode(good).ok());
  const std::string terms = "\"trees\":[\"" + a + "\",\"" + b + "\",\"" + c + "\"]";
  ASSERT_NE(good.find(terms), std::string::npos);
  auto with_terms = [&](const std::string& t) { return Replace(good, terms, "\"trees\":[" + t + "]"); };
  const std::string qa = "\"" + a + "\"", qb = "\"" + b + "\"", qc = "\"" + c + "\"", qd = "\"" + d + "\"";

  ExpectCorrupt(with_terms(qa), "one term");
  ExpectCorrupt(with_terms(""), "no term");
  ExpectCorrupt(with_terms(qa + "," + qb), "even count");
  ExpectCorrupt(with_terms(qa + "," + qb + "," + qc + "," + qd), "even count");
  ExpectCorrupt(with_terms(qa + "," + qa + "," + qc), "add0 cancels remove0: simplifies to one term");
  ExpectCorrupt(with_terms(qa + "," + qb + "," + qb), "add1 cancels remove0");
  ExpectCorrupt(with_terms(qa + "," + qb + "," + qc + "," + qd + "," + qb), "add2 cancels remove0");
  ExpectCorrupt(with_terms(qa + ",1," + qc), "not a string");
  ExpectCorrupt(with_terms(qa + ",\"" + std::string(64, 'B') + "\"," + qc), "uppercase hex");
  ExpectCorrupt(with_terms(qa + ",\"abc\"," + qc), "short id");
  ExpectCorrupt(Replace(good, terms, terms + "," + terms), "duplicate key");
  ExpectCorrupt(Replace(good, terms, "\"tree\":" + qa + "," + terms), "format 2 with 'tree'");
  ExpectCorrupt(Replace(good, "\"format\":2", "\"format\": 2"), "whitespace");
  ExpectCorrupt(Replace(good, "\"format\":2", "\"zzz\":0,\"format\":2"), "unknown key");
  ExpectCorrupt(Replace(good, terms, "\"trees\":\"" + a + "\""), "'trees' not an array");
  ExpectCorrupt(Replace(good, terms, "\"tree\":" + qa), "format 2 with a single 'tree'");
  ExpectCorrupt(Replace(good, "\"format\":2", "\"format\":3"), "unknown format");
  // A format-1 descriptor naming 'trees' is not a conflicted one.
  const std::string v1 = Format1Descriptors()[0].second;
  ExpectCorrupt(Replace(v1, "\"worktree\"", "\"trees\":[" + qa + "," + qb + "," + qc + "],\"worktree\""),
                "format 1 with 'trees'");
  ExpectCorrupt(Replace(v1, "\"format\":1", "\"format\":2"), "format 2 without 'trees'");
  // [a, b, a] is simplified (no add equals a remove) and stays a conflict.
  auto aba = Snapshot::Decode(with_terms(qa + "," + qb + "," + qa));
  ASSERT_TRUE(aba.ok()) << aba.error().message();
  EXPECT_TRUE(aba->conflicted());
}

}  // namespace
}  // namespace jvs
