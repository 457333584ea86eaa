#include "jvs/objects.h"

#include <nlohmann/json.hpp>

#include "base/varint.h"
#include "jvs/hash.h"
#include "jvs/repo_path.h"

namespace jvs {

namespace {
constexpr std::string_view kTreeMagic = "JVST";

Error Corrupt(std::string what) { return Error(ErrorCode::kCorrupt, std::move(what)); }
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

std::string Tree::Encode() const {
  std::string out;
  out.reserve(8 + entries.size() * 48);
  out.append(kTreeMagic);
  out.push_back(static_cast<char>(kFormatVersion));
  PutVarint(&out, entries.size());
  for (const auto& e : entries) {
    out.push_back(static_cast<char>(e.kind));
    PutVarint(&out, e.name.size());
    out.append(e.name);
    out.append(reinterpret_cast<const char*>(e.id.data()), e.id.size());
    PutVarint(&out, e.size);
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

std::string Snapshot::Encode() const {
  nlohmann::json j;
  j["format"] = kFormatVersion;
  j["tree"] = tree.hex();
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

Result<Snapshot> Snapshot::Decode(std::string_view data) {
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
  if (fmt->get<int64_t>() != kFormatVersion)
    return Corrupt("snapshot descriptor: unsupported format " + fmt->dump());
  Snapshot s;
  JVS_ASSIGN_OR_RETURN(std::string tree, str("tree"));
  JVS_ASSIGN_OR_RETURN(s.tree, TreeId::FromHex(tree));
  auto ps = j.find("parents");
  if (ps == j.end() || !ps->is_array() || ps->size() > 64)
    return Corrupt("snapshot descriptor: missing or invalid 'parents'");
  for (const auto& p : *ps) {
    if (!p.is_string()) return Corrupt("snapshot descriptor: invalid parent");
    JVS_ASSIGN_OR_RETURN(SnapshotId pid, SnapshotId::FromHex(p.get<std::string>()));
    s.parents.push_back(pid);
  }
  JVS_ASSIGN_OR_RETURN(s.change_id, str("change_id"));
  if (s.change_id.size() != 32 || !IsHexString(s.change_id) ||
      std::any_of(s.change_id.begin(), s.change_id.end(), [](char c) { return c >= 'A' && c <= 'F'; }))
    return Corrupt("snapshot descriptor: invalid change_id");
  JVS_ASSIGN_OR_RETURN(s.note, str("note"));
  JVS_ASSIGN_OR_RETURN(s.created_at, str("created_at"));
  JVS_ASSIGN_OR_RETURN(s.worktree, str("worktree"));
  JVS_ASSIGN_OR_RETURN(s.author, str("author"));
  JVS_ASSIGN_OR_RETURN(s.engine, str("engine"));
  return s;
}

SnapshotId Snapshot::ComputeId() const { return SnapshotId(Sha256Of(Encode())); }

}  // namespace jvs
