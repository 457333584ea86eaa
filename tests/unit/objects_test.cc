// Unit tests of the content-addressed objects: Tree (binary) and Snapshot (JSON).
// Over 400 lines on purpose: encodings and strict decoders of both object kinds, case by case, with
// the same canonical-form checks.

#include "jvs/store/objects.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jvs/base/hash.h"

namespace jvs {
namespace {

Digest FilledDigest(uint8_t b) {
  Digest d;
  d.fill(b);
  return d;
}

TreeEntry Entry(std::string name, EntryKind kind, uint8_t id_byte, uint64_t size) {
  TreeEntry e;
  e.name = std::move(name);
  e.kind = kind;
  e.id = FilledDigest(id_byte);
  e.size = size;
  return e;
}

// An independent encoder of the documented tree format, so that malformed
// trees (bad kinds, unsorted names, ...) can be produced without going
// through Tree::Encode:
//   "JVST" u8(version) varint(count) { u8(kind) varint(len) name id[32] varint(size) }*
void Varint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

struct RawEntry {
  uint8_t kind;
  std::string name;
  uint8_t id_byte;
  uint64_t size;
};

std::string RawHeader(uint64_t count, uint8_t version = 1, std::string_view magic = "JVST") {
  std::string out(magic);
  out.push_back(static_cast<char>(version));
  Varint(&out, count);
  return out;
}

void RawAppend(std::string* out, const RawEntry& e) {
  out->push_back(static_cast<char>(e.kind));
  Varint(out, e.name.size());
  out->append(e.name);
  out->append(std::string(kIdBytes, static_cast<char>(e.id_byte)));
  Varint(out, e.size);
}

std::string RawTree(const std::vector<RawEntry>& entries) {
  std::string out = RawHeader(entries.size());
  for (const auto& e : entries) RawAppend(&out, e);
  return out;
}

void ExpectCorrupt(std::string_view data, const std::string& what) {
  auto t = Tree::Decode(data);
  ASSERT_FALSE(t.ok()) << what;
  EXPECT_EQ(t.error().code(), ErrorCode::kCorrupt) << what << ": " << t.error().message();
}

Tree SampleTree() {
  Tree t;
  t.entries = {
      Entry("a b.txt", EntryKind::kFile, 0x11, 12),
      Entry("bin", EntryKind::kExecutable, 0x22, 0),
      Entry("dir", EntryKind::kTree, 0x33, 1ull << 40),
      Entry("huge", EntryKind::kFile, 0x44, std::numeric_limits<uint64_t>::max()),
      Entry("link", EntryKind::kSymlink, 0x55, 7),
      Entry("\xc3\xa9t\xc3\xa9", EntryKind::kFile, 0x66, 300),  // UTF-8, sorts after ASCII
  };
  return t;
}

// ---------------------------------------------------------------- Tree

TEST(Tree, RoundTrip) {
  Tree t = SampleTree();
  std::string enc = t.Encode();
  auto back = Tree::Decode(enc);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->entries, t.entries);
  EXPECT_EQ(back->Encode(), enc);
  EXPECT_EQ(back->ComputeId(), t.ComputeId());
}

TEST(Tree, EncodingMatchesDocumentedFormat) {
  Tree t = SampleTree();
  std::vector<RawEntry> raw;
  for (const auto& e : t.entries)
    raw.push_back({static_cast<uint8_t>(e.kind), e.name, e.id[0], e.size});
  EXPECT_EQ(t.Encode(), RawTree(raw));
}

TEST(Tree, EmptyTreeRoundTripAndStableId) {
  Tree empty;
  std::string enc = empty.Encode();
  EXPECT_EQ(enc, std::string("JVST\x01\x00", 6));
  auto back = Tree::Decode(enc);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->entries.empty());
  EXPECT_EQ(EmptyTreeId(), empty.ComputeId());
  EXPECT_EQ(EmptyTreeId(), TreeId(Sha256Of(std::string("JVST\x01\x00", 6))));
  EXPECT_EQ(&EmptyTreeId(), &EmptyTreeId());
  EXPECT_EQ(EmptyTreeId().hex(), EmptyTreeId().hex());
  EXPECT_FALSE(EmptyTreeId().is_zero());
}

TEST(Tree, IdIsSha256OfEncoding) {
  Tree t = SampleTree();
  EXPECT_EQ(t.ComputeId(), TreeId(Sha256Of(t.Encode())));
  Tree u = t;
  u.entries[0].size++;
  EXPECT_NE(u.ComputeId(), t.ComputeId());
  u = t;
  u.entries[1].kind = EntryKind::kFile;
  EXPECT_NE(u.ComputeId(), t.ComputeId());
}

TEST(Tree, FindAndTotalSize) {
  Tree t;
  t.entries = {Entry("a", EntryKind::kFile, 1, 10), Entry("b", EntryKind::kSymlink, 2, 100),
               Entry("c", EntryKind::kTree, 3, 1000), Entry("d", EntryKind::kExecutable, 4, 5)};
  ASSERT_NE(t.Find("c"), nullptr);
  EXPECT_EQ(t.Find("c")->kind, EntryKind::kTree);
  EXPECT_EQ(t.Find("a")->size, 10u);
  EXPECT_EQ(t.Find("d")->kind, EntryKind::kExecutable);
  EXPECT_EQ(t.Find(""), nullptr);
  EXPECT_EQ(t.Find("bb"), nullptr);
  EXPECT_EQ(t.Find("e"), nullptr);
  EXPECT_EQ(t.TotalSize(), 1015u);  // symlink targets do not count
  EXPECT_EQ(EntryKindName(EntryKind::kFile), "file");
  EXPECT_EQ(EntryKindName(EntryKind::kExecutable), "executable");
  EXPECT_EQ(EntryKindName(EntryKind::kSymlink), "symlink");
  EXPECT_EQ(EntryKindName(EntryKind::kTree), "tree");
}

TEST(TreeDecode, RejectsBadMagic) {
  std::string good = SampleTree().Encode();
  for (size_t i = 0; i < 4; ++i) {
    std::string bad = good;
    bad[i] ^= 0x20;
    ExpectCorrupt(bad, "magic byte " + std::to_string(i));
  }
  ExpectCorrupt(RawHeader(0, 1, "JVSS"), "tree-state magic");
  ExpectCorrupt("", "empty input");
  ExpectCorrupt("JVST", "magic only");
}

TEST(TreeDecode, RejectsUnknownVersion) {
  for (int v : {0, 2, 3, 0x7f, 0x80, 0xff}) ExpectCorrupt(RawHeader(0, static_cast<uint8_t>(v)), "version " + std::to_string(v));
}

TEST(TreeDecode, RejectsUnsortedOrDuplicateNames) {
  ExpectCorrupt(RawTree({{1, "b", 1, 1}, {1, "a", 1, 1}}), "unsorted");
  ExpectCorrupt(RawTree({{1, "a", 1, 1}, {1, "a", 2, 2}}), "duplicate");
  ExpectCorrupt(RawTree({{1, "a", 1, 1}, {4, "a", 2, 2}}), "duplicate of another kind");
  ExpectCorrupt(RawTree({{1, "a", 1, 1}, {1, "c", 1, 1}, {1, "b", 1, 1}}), "unsorted tail");
  // Bytewise order: "B" (0x42) < "a" (0x61) < "\xc3" (UTF-8 lead byte).
  EXPECT_TRUE(Tree::Decode(RawTree({{1, "B", 1, 1}, {1, "a", 1, 1}, {1, "\xc3\xa9", 1, 1}})).ok());
  ExpectCorrupt(RawTree({{1, "a", 1, 1}, {1, "B", 1, 1}}), "case-insensitive order");
  ExpectCorrupt(RawTree({{1, "\xc3\xa9", 1, 1}, {1, "a", 1, 1}}), "signed-char order");
}

TEST(TreeDecode, RejectsInvalidNames) {
  for (const std::string& name :
       {std::string(".."), std::string("."), std::string("a/b"), std::string("/"), std::string(""),
        std::string("a\0b", 3), std::string("\0", 1), std::string("dir/")}) {
    ExpectCorrupt(RawTree({{1, name, 1, 1}}), "name '" + name + "'");
    ExpectCorrupt(RawTree({{4, name, 1, 1}}), "tree name '" + name + "'");
  }
  // Names that look odd but are valid components.
  for (const std::string& name : {std::string("..."), std::string(".a"), std::string(" "), std::string("a\\b")})
    EXPECT_TRUE(Tree::Decode(RawTree({{1, name, 1, 1}})).ok()) << name;
}

// `.jvs` is the control folder's name: never an entry, as a file (a pointer
// to another repository) or as a folder; similar names are fine.
TEST(TreeDecode, RejectsTheControlFolderName) {
  for (uint8_t kind : {1, 2, 3, 4}) ExpectCorrupt(RawTree({{kind, ".jvs", 1, 1}}), "kind " + std::to_string(kind));
  for (const std::string& name : {std::string(".jvs2"), std::string("x.jvs"), std::string(".JVS"), std::string(".jv")})
    EXPECT_TRUE(Tree::Decode(RawTree({{1, name, 1, 1}})).ok()) << name;
}

TEST(TreeDecode, RejectsUnknownKind) {
  for (int k : {0, 5, 6, 0x80, 0xff}) ExpectCorrupt(RawTree({{static_cast<uint8_t>(k), "a", 1, 1}}), "kind " + std::to_string(k));
  for (int k : {1, 2, 3, 4}) EXPECT_TRUE(Tree::Decode(RawTree({{static_cast<uint8_t>(k), "a", 1, 1}})).ok());
}

TEST(TreeDecode, RejectsEveryTruncation) {
  for (const Tree& t : {SampleTree(), Tree{}}) {
    std::string enc = t.Encode();
    ASSERT_TRUE(Tree::Decode(enc).ok());
    for (size_t n = 0; n < enc.size(); ++n) ExpectCorrupt(std::string_view(enc).substr(0, n), "prefix of " + std::to_string(n) + " bytes");
  }
}

TEST(TreeDecode, RejectsTrailingBytes) {
  for (const Tree& t : {SampleTree(), Tree{}}) {
    std::string enc = t.Encode();
    ExpectCorrupt(enc + std::string(1, '\0'), "trailing NUL");
    ExpectCorrupt(enc + "x", "trailing byte");
    ExpectCorrupt(enc + enc, "tree twice");
  }
}

TEST(TreeDecode, RejectsHugeOrWrongEntryCount) {
  ExpectCorrupt(RawHeader(std::numeric_limits<uint64_t>::max()), "count 2^64-1");
  ExpectCorrupt(RawHeader(1ull << 62), "count 2^62");
  ExpectCorrupt(RawHeader(1000000), "count 1e6 without data");
  // Count larger than the entries present, and smaller.
  std::string two = RawHeader(3);
  RawAppend(&two, {1, "a", 1, 1});
  RawAppend(&two, {1, "b", 1, 1});
  ExpectCorrupt(two, "count 3 with 2 entries");
  std::string one = RawHeader(1);
  RawAppend(&one, {1, "a", 1, 1});
  RawAppend(&one, {1, "b", 1, 1});
  ExpectCorrupt(one, "count 1 with 2 entries");
  // A varint longer than 64 bits.
  std::string overlong = "JVST\x01";
  overlong += std::string(10, '\xff');
  overlong.push_back('\x01');
  ExpectCorrupt(overlong, "overlong count varint");
  // A name length far beyond the data.
  std::string longname = RawHeader(1);
  longname.push_back(1);
  Varint(&longname, 1ull << 40);
  longname += "abc";
  ExpectCorrupt(longname, "name length beyond the data");
}

TEST(TreeDecode, HandlesLargeValidTree) {
  Tree t;
  for (int i = 0; i < 5000; ++i) {
    char name[16];
    std::snprintf(name, sizeof(name), "f%06d", i);
    t.entries.push_back(Entry(name, EntryKind::kFile, static_cast<uint8_t>(i), static_cast<uint64_t>(i) * 977));
  }
  auto back = Tree::Decode(t.Encode());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->entries, t.entries);
}

TEST(TreeDecode, RejectsNonCanonicalVarints) {
  // The id of a tree is the hash of its one canonical encoding: a decoder
  // that accepts a padded varint lets the same tree have two ids.
  std::string canonical = RawTree({{1, "a", 1, 5}});
  std::string padded = RawHeader(1);
  padded.push_back(1);
  Varint(&padded, 1);
  padded += "a";
  padded += std::string(kIdBytes, '\x01');
  padded += std::string("\x85\x00", 2);  // 5 as a two-byte varint
  auto t = Tree::Decode(padded);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), ErrorCode::kCorrupt);
  EXPECT_TRUE(Tree::Decode(canonical).ok());
}

// ---------------------------------------------------------------- Modes

// A raw entry with the mode flag (0x80 on the kind byte) and a varint mode
// after the size, as docs/formats.md describes.
std::string RawModeTree(uint8_t kind, const std::string& name, uint64_t mode) {
  std::string out = RawHeader(1);
  out.push_back(static_cast<char>(kind | 0x80));
  Varint(&out, name.size());
  out += name;
  out += std::string(kIdBytes, '\x01');
  Varint(&out, 5);
  Varint(&out, mode);
  return out;
}

TEST(TreeMode, DefaultModesKeepTheOldEncoding) {
  // A tree without modes, or whose modes are the defaults, encodes exactly as
  // before modes were recorded (so every existing tree keeps its id).
  Tree plain;
  plain.entries = {Entry("a", EntryKind::kFile, 1, 5), Entry("b", EntryKind::kExecutable, 2, 6),
                   Entry("c", EntryKind::kSymlink, 3, 1), Entry("d", EntryKind::kTree, 4, 0)};
  EXPECT_EQ(plain.Encode(), RawTree({{1, "a", 1, 5}, {2, "b", 2, 6}, {3, "c", 3, 1}, {4, "d", 4, 0}}));
  EXPECT_FALSE(TreeEntry::CanonicalMode(EntryKind::kFile, S_IFREG | 0644));
  EXPECT_FALSE(TreeEntry::CanonicalMode(EntryKind::kExecutable, S_IFREG | 0755));
  EXPECT_FALSE(TreeEntry::CanonicalMode(EntryKind::kTree, S_IFDIR | 0755));
  EXPECT_FALSE(TreeEntry::CanonicalMode(EntryKind::kSymlink, S_IFLNK | 0777));
  EXPECT_EQ(TreeEntry::CanonicalMode(EntryKind::kFile, S_IFREG | 0600), 0600u);
  // setuid/setgid/sticky on files are not kept; setgid and sticky on trees are.
  EXPECT_EQ(TreeEntry::CanonicalMode(EntryKind::kExecutable, S_IFREG | 04750), 0750u);
  EXPECT_FALSE(TreeEntry::CanonicalMode(EntryKind::kExecutable, S_IFREG | 06755));
  EXPECT_EQ(TreeEntry::CanonicalMode(EntryKind::kTree, S_IFDIR | 03770), 03770u);
}

TEST(TreeMode, RoundTripsAndChangesTheId) {
  Tree t;
  t.entries = {Entry("a", EntryKind::kFile, 1, 5), Entry("d", EntryKind::kTree, 4, 0),
               Entry("x", EntryKind::kExecutable, 2, 6)};
  TreeId before = t.ComputeId();
  t.entries[0].mode = 0600;
  t.entries[1].mode = 02700;
  t.entries[2].mode = 0700;
  EXPECT_NE(t.ComputeId(), before);
  auto back = Tree::Decode(t.Encode());
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->entries, t.entries);
  EXPECT_EQ(back->entries[0].EffectiveMode(), 0600u);
  EXPECT_EQ(back->entries[1].EffectiveMode(), 02700u);
  EXPECT_EQ(back->Encode(), t.Encode());
  // Mode 0 (chmod 000) is a mode like any other.
  t.entries[0].mode = 0;
  back = Tree::Decode(t.Encode());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->entries[0].EffectiveMode(), 0u);
  // An in-memory mode equal to the default encodes as no mode.
  t.entries[0].mode = 0644;
  Tree u = t;
  u.entries[0].mode.reset();
  EXPECT_EQ(t.Encode(), u.Encode());
}

TEST(TreeMode, DecodeIsCanonical) {
  EXPECT_TRUE(Tree::Decode(RawModeTree(1, "a", 0600)).ok());
  EXPECT_TRUE(Tree::Decode(RawModeTree(2, "a", 0700)).ok());
  EXPECT_TRUE(Tree::Decode(RawModeTree(4, "a", 01777)).ok());
  ExpectCorrupt(RawModeTree(1, "a", 0644), "file mode equal to the default");
  ExpectCorrupt(RawModeTree(2, "a", 0755), "executable mode equal to the default");
  ExpectCorrupt(RawModeTree(4, "a", 0755), "tree mode equal to the default");
  ExpectCorrupt(RawModeTree(3, "a", 0777), "a symlink with a mode");
  ExpectCorrupt(RawModeTree(1, "a", 04644), "setuid on a file");
  ExpectCorrupt(RawModeTree(2, "a", 02755), "setgid on a file");
  ExpectCorrupt(RawModeTree(1, "a", 01644), "sticky on a file");
  ExpectCorrupt(RawModeTree(4, "a", 04755), "setuid on a tree");
  ExpectCorrupt(RawModeTree(4, "a", 0170755), "type bits in a mode");
  ExpectCorrupt(RawModeTree(4, "a", uint64_t{1} << 40), "a huge mode");
  ExpectCorrupt(RawModeTree(1, "a", 0744), "a file whose mode has the owner's x bit");
  ExpectCorrupt(RawModeTree(2, "a", 0655), "an executable without the owner's x bit");
  std::string truncated = RawModeTree(1, "a", 0600);
  truncated.pop_back();
  ExpectCorrupt(truncated, "truncated mode");
  std::string padded = RawModeTree(1, "a", 0600);  // ends 0x80 0x03
  padded.resize(padded.size() - 2);
  padded += std::string("\x80\x83\x00", 3);  // 0600 in three bytes
  ExpectCorrupt(padded, "non-minimal mode varint");
}

// ---------------------------------------------------------------- Snapshot

Snapshot SampleSnapshot() {
  Snapshot s;
  s.SetTree(TreeId(FilledDigest(0xab)));
  s.parents = {SnapshotId(FilledDigest(0x01)), SnapshotId(FilledDigest(0x02))};
  s.change_id = "0123456789abcdef0123456789abcdef";
  s.note = "first line\nsecond \"quoted\" line \xe2\x9c\x93 \t tab";
  s.created_at = "2026-01-02T03:04:05.678Z";
  s.worktree = "main";
  s.author = "alice@host";
  s.engine = "copy";
  return s;
}

void ExpectSnapshotEq(const Snapshot& a, const Snapshot& b) {
  EXPECT_EQ(a.root_terms, b.root_terms);
  EXPECT_EQ(a.parents, b.parents);
  EXPECT_EQ(a.change_id, b.change_id);
  EXPECT_EQ(a.note, b.note);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.worktree, b.worktree);
  EXPECT_EQ(a.author, b.author);
  EXPECT_EQ(a.engine, b.engine);
}

TEST(Snapshot, RoundTrip) {
  for (size_t parents : {0, 1, 2}) {
    Snapshot s = SampleSnapshot();
    s.parents.resize(parents);
    std::string enc = s.Encode();
    auto back = Snapshot::Decode(enc);
    ASSERT_TRUE(back.ok()) << back.error().message();
    ExpectSnapshotEq(*back, s);
    EXPECT_EQ(back->Encode(), enc);
  }
}

TEST(Snapshot, CanonicalCompactSortedJson) {
  std::string enc = SampleSnapshot().Encode();
  EXPECT_EQ(enc.find(": "), std::string::npos);
  EXPECT_EQ(enc.find("\n"), std::string::npos);  // the note's newline is escaped
  EXPECT_EQ(enc.rfind("{\"author\":", 0), 0u) << enc;
  auto j = nlohmann::json::parse(enc);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"author", "change_id", "created_at", "engine", "format", "note",
                                            "parents", "tree", "worktree"}));
  EXPECT_EQ(j["format"], 1);
}

TEST(Snapshot, IdIsSha256OfEncoding) {
  Snapshot s = SampleSnapshot();
  EXPECT_EQ(s.ComputeId(), SnapshotId(Sha256Of(s.Encode())));
  Snapshot t = s;
  t.note += ".";
  EXPECT_NE(t.ComputeId(), s.ComputeId());
  t = s;
  std::swap(t.parents[0], t.parents[1]);  // parent order is meaningful
  EXPECT_NE(t.ComputeId(), s.ComputeId());
}

void ExpectSnapshotCorrupt(const nlohmann::json& j, const std::string& what) {
  auto s = Snapshot::Decode(j.dump());
  ASSERT_FALSE(s.ok()) << what << ": " << j.dump();
  EXPECT_EQ(s.error().code(), ErrorCode::kCorrupt) << what;
}

TEST(SnapshotDecode, RejectsMissingFields) {
  nlohmann::json good = nlohmann::json::parse(SampleSnapshot().Encode());
  for (const auto& [key, v] : good.items()) {
    nlohmann::json j = good;
    j.erase(key);
    ExpectSnapshotCorrupt(j, "without " + key);
  }
}

TEST(SnapshotDecode, RejectsWrongTypes) {
  nlohmann::json good = nlohmann::json::parse(SampleSnapshot().Encode());
  for (const auto& [key, v] : good.items()) {
    for (const nlohmann::json& wrong :
         {nlohmann::json(nullptr), nlohmann::json(7), nlohmann::json(true), nlohmann::json::array(),
          nlohmann::json::object(), nlohmann::json(1.5)}) {
      if (key == "parents" && wrong.is_array()) continue;  // an empty parent list is valid
      nlohmann::json j = good;
      j[key] = wrong;
      ExpectSnapshotCorrupt(j, key + " = " + wrong.dump());
    }
  }
  nlohmann::json j = good;
  j["format"] = "1";
  ExpectSnapshotCorrupt(j, "format as a string");
  j["format"] = 2;
  ExpectSnapshotCorrupt(j, "format 2");
  j["format"] = 0;
  ExpectSnapshotCorrupt(j, "format 0");
  j = good;
  j["parents"] = nlohmann::json::array({1});
  ExpectSnapshotCorrupt(j, "parent as a number");
  j["parents"] = nlohmann::json::array({nullptr});
  ExpectSnapshotCorrupt(j, "parent null");
}

TEST(SnapshotDecode, RejectsBadHexIds) {
  nlohmann::json good = nlohmann::json::parse(SampleSnapshot().Encode());
  std::string hex = good["tree"];
  for (const std::string& bad : {std::string(""), hex.substr(1), hex + "0", std::string(63, 'a') + "g",
                                 std::string(64, 'z'), " " + hex.substr(1), hex.substr(0, 32)}) {
    nlohmann::json j = good;
    j["tree"] = bad;
    ExpectSnapshotCorrupt(j, "tree '" + bad + "'");
    j = good;
    j["parents"][1] = bad;
    ExpectSnapshotCorrupt(j, "parent '" + bad + "'");
  }
  // Too many parents.
  nlohmann::json j = good;
  j["parents"] = nlohmann::json::array();
  for (int i = 0; i < 65; ++i) j["parents"].push_back(hex);
  ExpectSnapshotCorrupt(j, "65 parents");
}

TEST(SnapshotDecode, RejectsBadChangeId) {
  nlohmann::json good = nlohmann::json::parse(SampleSnapshot().Encode());
  for (const std::string& bad : {std::string(""), std::string(31, 'a'), std::string(33, 'a'),
                                 std::string(31, 'a') + "g", std::string(64, 'a'), std::string(32, ' '),
                                 std::string(31, 'a') + "-"}) {
    nlohmann::json j = good;
    j["change_id"] = bad;
    ExpectSnapshotCorrupt(j, "change_id '" + bad + "'");
  }
}

TEST(SnapshotDecode, RejectsUppercaseChangeId) {
  // The format says 32 lowercase hex digits.
  nlohmann::json j = nlohmann::json::parse(SampleSnapshot().Encode());
  j["change_id"] = "0123456789ABCDEF0123456789ABCDEF";
  auto s = Snapshot::Decode(j.dump());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kCorrupt);
}

TEST(SnapshotDecode, RejectsUppercaseIds) {
  // Ids are written in lowercase; accepting uppercase gives one descriptor
  // several encodings (and so several snapshot ids).
  nlohmann::json good = nlohmann::json::parse(SampleSnapshot().Encode());
  auto upper = [](std::string h) {
    for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return h;
  };
  nlohmann::json j = good;
  j["tree"] = upper(good["tree"]);
  auto s = Snapshot::Decode(j.dump());
  nlohmann::json k = good;
  k["parents"][0] = upper(good["tree"]);  // an id with letters (the sample parents are all digits)
  auto t = Snapshot::Decode(k.dump());
  ASSERT_FALSE(s.ok());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kCorrupt);
  EXPECT_EQ(t.error().code(), ErrorCode::kCorrupt);
}

TEST(SnapshotDecode, RejectsNonObjectsAndGarbage) {
  std::string good = SampleSnapshot().Encode();
  for (const std::string& bad : {std::string(""), std::string("null"), std::string("[]"), std::string("\"x\""),
                                 std::string("42"), std::string("{"), good.substr(0, good.size() - 1),
                                 good + "x", good + good, std::string("\xff\xfe"), std::string("{}")}) {
    auto s = Snapshot::Decode(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code(), ErrorCode::kCorrupt) << bad;
  }
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_FALSE(Snapshot::Decode(std::string_view(good).substr(0, n)).ok()) << n;
}

}  // namespace
}  // namespace jvs
