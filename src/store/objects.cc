#include "jvs/store/objects.h"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "base/varint.h"
#include "jvs/base/hash.h"
#include "jvs/base/repo_path.h"

namespace jvs {

namespace {
constexpr std::string_view kTreeMagic = "JVST";

Error Corrupt(std::string what) { return Error(ErrorCode::kCorrupt, std::move(what)); }

std::string Octal(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "0%llo", static_cast<unsigned long long>(v));
  return buf;
}

// Ids and change ids are written in lowercase: uppercase would give one
// descriptor several encodings (and so several ids).
bool HasUpperHex(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'F'; });
}
}  // namespace

std::string_view EntryKindName(EntryKind k) {
  switch (k) {
    case EntryKind::kFile: return "file";
    case EntryKind::kExecutable: return "executable";
    case EntryKind::kSymlink: return "symlink";
    case EntryKind::kTree: return "tree";
  }
  return "unknown";
}

uint32_t TreeEntry::DefaultMode(EntryKind k) {
  switch (k) {
    case EntryKind::kFile: return 0644;
    case EntryKind::kExecutable:
    case EntryKind::kTree: return 0755;
    case EntryKind::kSymlink: return 0;
  }
  return 0;
}

uint32_t TreeEntry::AllowedModeBits(EntryKind k) {
  switch (k) {
    // setuid/setgid on a file are not kept: the owner is not recorded, and a
    // restore would hand the restoring user's identity to whoever runs it.
    case EntryKind::kFile:
    case EntryKind::kExecutable: return 0777;
    case EntryKind::kTree: return 0777 | S_ISGID | S_ISVTX;
    case EntryKind::kSymlink: return 0;
  }
  return 0;
}

std::optional<uint32_t> TreeEntry::CanonicalMode(EntryKind k, uint32_t st_mode) {
  if (k == EntryKind::kSymlink) return std::nullopt;
  uint32_t m = st_mode & AllowedModeBits(k);
  if (m == DefaultMode(k)) return std::nullopt;
  return m;
}

namespace {
// Whether `mode` may be recorded for kind `k`: allowed bits only, not the
// default (which is encoded by leaving the mode out), and for files the
// owner's x bit agrees with the kind.
bool ValidMode(EntryKind k, uint32_t mode) {
  if (k == EntryKind::kSymlink) return false;
  if (mode & ~TreeEntry::AllowedModeBits(k)) return false;
  if (mode == TreeEntry::DefaultMode(k)) return false;
  if (k == EntryKind::kFile && (mode & S_IXUSR)) return false;
  if (k == EntryKind::kExecutable && !(mode & S_IXUSR)) return false;
  return true;
}
constexpr uint8_t kHasMode = 0x80;  // on the kind byte: a varint mode follows the size
}  // namespace

std::string Tree::Encode() const {
  std::string out;
  out.reserve(8 + entries.size() * 48);
  out.append(kTreeMagic);
  out.push_back(static_cast<char>(kFormatVersion));
  PutVarint(&out, entries.size());
  for (const auto& e : entries) {
    std::optional<uint32_t> mode = e.mode ? TreeEntry::CanonicalMode(e.kind, *e.mode) : std::nullopt;
    out.push_back(static_cast<char>(static_cast<uint8_t>(e.kind) | (mode ? kHasMode : 0)));
    PutVarint(&out, e.name.size());
    out.append(e.name);
    out.append(reinterpret_cast<const char*>(e.id.data()), e.id.size());
    PutVarint(&out, e.size);
    if (mode) PutVarint(&out, *mode);
  }
  return out;
}

Result<Tree> Tree::Decode(std::string_view data) {
  if (data.size() < kTreeMagic.size() + 2 || data.substr(0, 4) != kTreeMagic)
    return Corrupt("tree object has a bad header");
  if (static_cast<uint8_t>(data[4]) != kFormatVersion)
    return Corrupt("tree object has unknown version " + std::to_string(uint8_t(data[4])));
  data.remove_prefix(5);
  uint64_t count;
  if (!GetVarint(&data, &count)) return Corrupt("tree object: truncated entry count");
  if (count > data.size() / 35) return Corrupt("tree object: entry count larger than the data");
  Tree t;
  t.entries.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    if (data.empty()) return Corrupt("tree object: truncated");
    TreeEntry e;
    uint8_t kind = static_cast<uint8_t>(data[0]);
    const bool has_mode = kind & kHasMode;
    kind &= static_cast<uint8_t>(~kHasMode);
    if (kind < 1 || kind > 4) return Corrupt("tree object: unknown entry kind " + std::to_string(kind));
    e.kind = static_cast<EntryKind>(kind);
    data.remove_prefix(1);
    uint64_t len;
    if (!GetVarint(&data, &len) || len > data.size()) return Corrupt("tree object: truncated name");
    e.name.assign(data.substr(0, len));
    data.remove_prefix(len);
    if (auto st = ValidateName(e.name); !st.ok())
      return Corrupt("tree object: invalid entry name: " + st.error().message());
    if (!t.entries.empty() && !(t.entries.back().name < e.name))
      return Corrupt("tree object: entries not sorted or duplicated ('" + e.name + "')");
    if (data.size() < kIdBytes) return Corrupt("tree object: truncated id");
    std::memcpy(e.id.data(), data.data(), kIdBytes);
    data.remove_prefix(kIdBytes);
    if (!GetVarint(&data, &e.size)) return Corrupt("tree object: truncated size");
    if (has_mode) {
      uint64_t mode;
      if (!GetVarint(&data, &mode)) return Corrupt("tree object: truncated mode");
      if (mode > 07777 || !ValidMode(e.kind, static_cast<uint32_t>(mode)))
        return Corrupt("tree object: invalid mode " + Octal(mode) + " for " +
                       std::string(EntryKindName(e.kind)) + " '" + e.name + "'");
      e.mode = static_cast<uint32_t>(mode);
    }
    t.entries.push_back(std::move(e));
  }
  if (!data.empty()) return Corrupt("tree object: trailing bytes");
  return t;
}

TreeId Tree::ComputeId() const { return TreeId(Sha256Of(Encode())); }

const TreeEntry* Tree::Find(std::string_view name) const {
  auto it = std::lower_bound(entries.begin(), entries.end(), name,
                             [](const TreeEntry& e, std::string_view n) { return e.name < n; });
  if (it == entries.end() || it->name != name) return nullptr;
  return &*it;
}

uint64_t Tree::TotalSize() const {
  uint64_t s = 0;
  for (const auto& e : entries)
    if (e.kind != EntryKind::kSymlink) s += e.size;
  return s;
}

const TreeId& EmptyTreeId() {
  static const TreeId id = Tree{}.ComputeId();
  return id;
}

Result<TreeId> Snapshot::ResolvedTree() const {
  if (!conflicted()) return root_terms.at(0);
  return Error(ErrorCode::kUnsupported,
               "the snapshot has conflicts (its root merges " + std::to_string(root_terms.size() / 2 + 1) +
                   " sides); this version cannot use a conflicted snapshot here yet",
               "choose a snapshot without conflicts; this one stays in the history and verifies");
}

std::string Snapshot::Encode() const {
  nlohmann::json j;
  if (conflicted()) {
    j["format"] = kConflictedFormatVersion;
    auto ts = nlohmann::json::array();
    for (const auto& t : root_terms) ts.push_back(t.hex());
    j["trees"] = ts;
  } else {
    j["format"] = kFormatVersion;
    j["tree"] = root_terms.empty() ? TreeId().hex() : root_terms[0].hex();
  }
  auto ps = nlohmann::json::array();
  for (const auto& p : parents) ps.push_back(p.hex());
  j["parents"] = ps;
  j["change_id"] = change_id;
  j["note"] = note;
  j["created_at"] = created_at;
  j["worktree"] = worktree;
  j["author"] = author;
  j["engine"] = engine;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// Valid UTF-8 as RFC 3629 defines it (no overlong forms, no surrogates, at
// most U+10FFFF): what the JSON parser accepts inside a string.
bool ValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (int i = 2; i <= n; ++i)
      if (p[i] < 0x80 || p[i] > 0xbf) return false;
    p += n + 1;
  }
  return true;
}

// The fast path of Snapshot::Decode: the exact canonical encoding that
// Snapshot::Encode writes (compact, sorted keys, format 1) whose strings need
// no escapes and whose fields are all valid. Anything else returns false and
// the general JSON parser decides (and words the error), so both paths accept
// exactly the same descriptors with the same result.
bool DecodeCanonicalSnapshot(std::string_view d, Snapshot* s) {
  auto lit = [&](std::string_view l) {
    if (d.substr(0, l.size()) != l) return false;
    d.remove_prefix(l.size());
    return true;
  };
  auto str = [&](std::string_view* out) {
    if (d.empty() || d[0] != '"') return false;
    size_t end = d.find('"', 1);
    if (end == std::string_view::npos) return false;
    std::string_view v = d.substr(1, end - 1);
    for (char c : v)
      if (static_cast<unsigned char>(c) < 0x20 || c == '\\') return false;
    if (!ValidUtf8(v)) return false;
    *out = v;
    d.remove_prefix(end + 1);
    return true;
  };
  std::string_view author, change_id, created_at, engine, note, tree, worktree, parent;
  if (!lit("{\"author\":") || !str(&author) || !lit(",\"change_id\":") || !str(&change_id) ||
      !lit(",\"created_at\":") || !str(&created_at) || !lit(",\"engine\":") || !str(&engine) ||
      !lit(",\"format\":1,\"note\":") || !str(&note) || !lit(",\"parents\":["))
    return false;
  if (!lit("]")) {
    for (;;) {
      if (!str(&parent) || s->parents.size() >= 64 || HasUpperHex(parent)) return false;
      auto pid = SnapshotId::FromHex(parent);
      if (!pid.ok()) return false;
      s->parents.push_back(*pid);
      if (lit("]")) break;
      if (!lit(",")) return false;
    }
  }
  if (!lit(",\"tree\":") || !str(&tree) || !lit(",\"worktree\":") || !str(&worktree) || !lit("}") ||
      !d.empty())
    return false;
  auto tid = TreeId::FromHex(tree);
  if (!tid.ok() || HasUpperHex(tree)) return false;
  s->SetTree(*tid);
  if (change_id.size() != 32 || !IsHexString(change_id) || HasUpperHex(change_id)) return false;
  s->change_id = change_id;
  s->note = note;
  s->created_at = created_at;
  s->worktree = worktree;
  s->author = author;
  s->engine = engine;
  return true;
}

Result<TreeId> DecodeTreeHex(const std::string& hex, const std::string& what) {
  if (HasUpperHex(hex)) return Corrupt("snapshot descriptor: " + what + " is not lowercase hex");
  auto tid = TreeId::FromHex(hex);
  if (!tid.ok()) return Corrupt("snapshot descriptor: invalid " + what + ": " + tid.error().message());
  return *tid;
}

// The terms of a conflicted root: an odd count >= 3, simplified (no add
// equals any remove: a simplified merge of several terms is never resolved).
Result<std::vector<TreeId>> DecodeRootTerms(const nlohmann::json& j) {
  if (j.contains("tree")) return Corrupt("snapshot descriptor: format 2 with 'tree'");
  auto ts = j.find("trees");
  if (ts == j.end() || !ts->is_array()) return Corrupt("snapshot descriptor: missing or invalid 'trees'");
  if (ts->size() < 3 || ts->size() % 2 == 0 || ts->size() > Snapshot::kMaxRootTerms)
    return Corrupt("snapshot descriptor: 'trees' needs an odd count of 3 to " +
                   std::to_string(Snapshot::kMaxRootTerms) + " terms, not " + std::to_string(ts->size()));
  std::vector<TreeId> terms;
  for (const auto& t : *ts) {
    if (!t.is_string()) return Corrupt("snapshot descriptor: invalid term in 'trees'");
    JVS_ASSIGN_OR_RETURN(TreeId tid, DecodeTreeHex(t.get<std::string>(), "term in 'trees'"));
    terms.push_back(tid);
  }
  for (size_t a = 0; a < terms.size(); a += 2)
    for (size_t r = 1; r < terms.size(); r += 2)
      if (terms[a] == terms[r])
        return Corrupt("snapshot descriptor: 'trees' is not simplified (term " + std::to_string(a) +
                       " cancels term " + std::to_string(r) + ")");
  return terms;
}

}  // namespace

Result<Snapshot> Snapshot::Decode(std::string_view data) {
  {
    Snapshot fast;
    if (DecodeCanonicalSnapshot(data, &fast)) return fast;
  }
  nlohmann::json j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Corrupt("snapshot descriptor is not valid JSON");
  auto str = [&](const char* key) -> Result<std::string> {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string())
      return Corrupt(std::string("snapshot descriptor: missing or invalid '") + key + "'");
    return it->get<std::string>();
  };
  auto fmt = j.find("format");
  if (fmt == j.end() || !fmt->is_number_integer()) return Corrupt("snapshot descriptor: missing format");
  const int64_t format = fmt->get<int64_t>();
  if (format != kFormatVersion && format != kConflictedFormatVersion)
    return Corrupt("snapshot descriptor: unsupported format " + fmt->dump());
  Snapshot s;
  if (format == kFormatVersion) {
    if (j.contains("trees")) return Corrupt("snapshot descriptor: format 1 with 'trees'");
    JVS_ASSIGN_OR_RETURN(std::string tree, str("tree"));
    JVS_ASSIGN_OR_RETURN(TreeId tid, DecodeTreeHex(tree, "'tree'"));
    s.SetTree(tid);
  } else {
    JVS_ASSIGN_OR_RETURN(s.root_terms, DecodeRootTerms(j));
  }
  auto ps = j.find("parents");
  if (ps == j.end() || !ps->is_array() || ps->size() > 64)
    return Corrupt("snapshot descriptor: missing or invalid 'parents'");
  for (const auto& p : *ps) {
    if (!p.is_string() || HasUpperHex(p.get<std::string>()))
      return Corrupt("snapshot descriptor: invalid parent");
    auto pid = SnapshotId::FromHex(p.get<std::string>());
    if (!pid.ok()) return Corrupt("snapshot descriptor: invalid parent: " + pid.error().message());
    s.parents.push_back(*pid);
  }
  JVS_ASSIGN_OR_RETURN(s.change_id, str("change_id"));
  if (s.change_id.size() != 32 || !IsHexString(s.change_id) || HasUpperHex(s.change_id))
    return Corrupt("snapshot descriptor: invalid change_id");
  JVS_ASSIGN_OR_RETURN(s.note, str("note"));
  JVS_ASSIGN_OR_RETURN(s.created_at, str("created_at"));
  JVS_ASSIGN_OR_RETURN(s.worktree, str("worktree"));
  JVS_ASSIGN_OR_RETURN(s.author, str("author"));
  JVS_ASSIGN_OR_RETURN(s.engine, str("engine"));
  // Format 2 has one encoding: no duplicate or unknown keys, no whitespace,
  // no escapes that Encode would not write.
  if (format == kConflictedFormatVersion && s.Encode() != data)
    return Corrupt("snapshot descriptor: format 2 not in canonical form");
  return s;
}

SnapshotId Snapshot::ComputeId() const { return SnapshotId(Sha256Of(Encode())); }

}  // namespace jvs
