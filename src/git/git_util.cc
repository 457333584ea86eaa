// Shared pieces of Git export and import (git/git_util.h), SyntheticChangeId
// and GitMapPath (jvs/git/git.h).
#include "git/git_util.h"

#include <mutex>

#include "jvs/base/hash.h"
#include "jvs/git/git.h"

namespace jvs::git {

void InitLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

Error GitError(std::string_view what, ErrorCode code) {
  const git_error* e = git_error_last();
  std::string msg(what);
  if (e && e->message) msg += ": " + std::string(e->message);
  return Error(code, msg);
}

std::string OidHex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

Result<git_oid> OidFromHex(std::string_view hex) {
  git_oid oid;
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, hex.data(), hex.size()) != 0)
    return Error(ErrorCode::kCorrupt, "invalid Git object id '" + std::string(hex.substr(0, 80)) + "'");
  return oid;
}

namespace {

int KindIndex(char kind) {
  switch (kind) {
    case 's': return 0;
    case 't': return 1;
    case 'b': return 2;
    case 'c': return 3;
    case 'g': return 4;
  }
  return -1;
}

}  // namespace

void GitMap::Insert(char kind, const std::string& key, const std::string& value) {
  int i = KindIndex(kind);
  if (i < 0) return;
  maps_[i][key] = value;
  if (kind == 'b') blob_back_[value] = key;
}

Status GitMap::Load(Env* env, const fs::path& path) {
  if (!env->Exists(path)) return OkStatus();
  JVS_ASSIGN_OR_RETURN(loaded_, env->ReadFile(path, size_t{1} << 31));
  size_t pos = 0;
  while (pos < loaded_.size()) {
    size_t nl = loaded_.find('\n', pos);
    if (nl == std::string::npos) {  // a torn last line: dropped on the next save
      loaded_.resize(pos);
      break;
    }
    std::string_view line(loaded_.data() + pos, nl - pos);
    pos = nl + 1;
    if (line.size() < 4 || line[1] != ' ' || line[0] == '#') continue;
    size_t sp = line.find(' ', 2);
    if (sp == std::string_view::npos) continue;
    std::string key(line.substr(2, sp - 2)), value(line.substr(sp + 1));
    if (!IsHexString(key) || !IsHexString(value)) continue;
    Insert(line[0], key, value);
  }
  return OkStatus();
}

Status GitMap::Save(Env* env, const fs::path& path) {
  if (added_.empty()) return OkStatus();
  JVS_TRY(env->MkdirAll(path.parent_path()));
  JVS_TRY(env->WriteFileAtomic(path, loaded_ + added_, /*sync=*/true));
  loaded_ += added_;
  added_.clear();
  return OkStatus();
}

void GitMap::Put(char kind, const std::string& key, const std::string& value) {
  if (const std::string* old = Get(kind, key); old && *old == value) return;
  Insert(kind, key, value);
  added_ += std::string(1, kind) + " " + key + " " + value + "\n";
}

const std::string* GitMap::Get(char kind, const std::string& key) const {
  int i = KindIndex(kind);
  if (i < 0) return nullptr;
  auto it = maps_[i].find(key);
  return it == maps_[i].end() ? nullptr : &it->second;
}

const std::string* GitMap::GitBlobToJvs(const std::string& git_hex) const {
  auto it = blob_back_.find(git_hex);
  return it == blob_back_.end() ? nullptr : &it->second;
}

void SplitAuthor(const std::string& author, std::string* name, std::string* email) {
  size_t lt = author.rfind(" <");
  if (lt != std::string::npos && !author.empty() && author.back() == '>') {
    *name = author.substr(0, lt);
    *email = author.substr(lt + 2, author.size() - lt - 3);
  } else if (size_t at = author.find('@'); at != std::string::npos && at > 0) {
    *name = author.substr(0, at);
    *email = author;
  } else {
    *name = author;
    *email = author;
  }
  if (name->empty()) *name = "unknown";
  if (email->empty()) *email = "unknown";
}

std::string JoinAuthor(const std::string& name, const std::string& email) {
  if (email.size() > name.size() + 1 && email.compare(0, name.size(), name) == 0 && email[name.size()] == '@')
    return email;
  if (name == email) return name;
  return name + " <" + email + ">";
}

}  // namespace jvs::git

namespace jvs {

std::string SyntheticChangeId(std::string_view commit_hex) {
  static const char* kHex = "0123456789abcdef";
  auto nibble = [](char c) -> int { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  if (commit_hex.size() != 40) return out;
  for (int i = 19; i >= 4; --i) {
    unsigned b = static_cast<unsigned>(nibble(commit_hex[2 * i]) << 4 | nibble(commit_hex[2 * i + 1]));
    unsigned r = 0;
    for (int k = 0; k < 8; ++k)
      if (b & (1u << k)) r |= 1u << (7 - k);
    out += kHex[r >> 4];
    out += kHex[r & 15];
  }
  return out;
}

std::string LfsPointer(std::string_view oid_hex, uint64_t size) {
  return "version https://git-lfs.github.com/spec/v1\noid sha256:" + std::string(oid_hex) + "\nsize " +
         std::to_string(size) + "\n";
}

std::optional<std::pair<std::string, uint64_t>> ParseLfsPointer(std::string_view text) {
  static constexpr std::string_view kVersion = "version https://git-lfs.github.com/spec/v1\n";
  if (text.size() > 1024 || text.substr(0, kVersion.size()) != kVersion) return std::nullopt;
  std::string oid;
  std::optional<uint64_t> size;
  size_t pos = kVersion.size();
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.substr(0, 11) == "oid sha256:") {
      oid = std::string(line.substr(11));
    } else if (line.substr(0, 5) == "size ") {
      uint64_t n = 0;
      for (char c : line.substr(5)) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<uint64_t>(c - '0');
      }
      size = n;
    }
  }
  if (oid.size() != 64 || !IsHexString(oid) || !size) return std::nullopt;
  return std::make_pair(oid, *size);
}

fs::path GitMapPath(const Repo& repo, const fs::path& git_dir) {
  // The caller passes an absolute path; one spelling per directory.
  std::string key = git_dir.lexically_normal().string();
  while (key.size() > 1 && key.back() == '/') key.pop_back();
  Digest d = Sha256Of(key);
  return repo.control_dir() / "git" / (ToHex(d.data(), 8) + ".map");
}

}  // namespace jvs
