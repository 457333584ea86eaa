#include "wc/tree_state.h"

#include <chrono>
#include <thread>

#include <unistd.h>

#include <functional>
#include <string_view>

#include "base/varint.h"
#include "jvs/base/hash.h"
#include "jvs/base/repo_path.h"

namespace jvs {

namespace {
constexpr std::string_view kMagic = "JVSS";
int64_t Ns(const struct timespec& ts) { return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec; }
Error Corrupt(const std::string& w) {
  return Error(ErrorCode::kCorrupt, "tree state: " + w,
               "the tree state is only a cache: delete it and the next snapshot re-reads every file");
}
}  // namespace

FileState FileStateFromStat(const struct stat& st, EntryKind kind, const Digest& id) {
  FileState s;
  s.kind = kind;
  s.mtime_ns = Ns(st.st_mtim);
  s.ctime_ns = Ns(st.st_ctim);
  s.size = static_cast<uint64_t>(st.st_size);
  s.ino = static_cast<uint64_t>(st.st_ino);
  s.mode = st.st_mode;
  s.id = id;
  return s;
}

bool StatMatches(const FileState& r, const struct stat& st) {
  return r.mtime_ns == Ns(st.st_mtim) && r.ctime_ns == Ns(st.st_ctim) &&
         r.size == static_cast<uint64_t>(st.st_size) && r.ino == static_cast<uint64_t>(st.st_ino) &&
         r.mode == st.st_mode;
}

std::string TreeState::Encode() const {
  std::string out;
  out.reserve(112 + entries.size() * 96);
  out.append(kMagic);
  out.push_back(static_cast<char>(kFormatVersion));
  out.append(reinterpret_cast<const char*>(tree.bytes().data()), kIdBytes);
  out.append(reinterpret_cast<const char*>(op.bytes().data()), kIdBytes);
  PutFixed64(&out, static_cast<uint64_t>(fs_time_ns));
  PutVarint(&out, entries.size());
  for (const auto& [path, s] : entries) {
    PutVarint(&out, path.size());
    out.append(path);
    out.push_back(static_cast<char>(s.kind));
    PutFixed64(&out, static_cast<uint64_t>(s.mtime_ns));
    PutFixed64(&out, static_cast<uint64_t>(s.ctime_ns));
    PutVarint(&out, s.size);
    PutVarint(&out, s.ino);
    PutVarint(&out, s.mode);
    out.append(reinterpret_cast<const char*>(s.id.data()), kIdBytes);
  }
  // The checksum: SHA-256 of every byte before it.
  Digest sum = Sha256Of(out);
  out.append(reinterpret_cast<const char*>(sum.data()), kIdBytes);
  return out;
}

namespace {
// The header and (unless `header_only`) the entries, after magic and version.
Result<TreeState> DecodeBody(std::string_view d, bool header_only) {
  TreeState t;
  if (d.size() < 2 * kIdBytes) return Corrupt("truncated");
  Digest dg;
  std::memcpy(dg.data(), d.data(), kIdBytes);
  t.tree = TreeId(dg);
  std::memcpy(dg.data(), d.data() + kIdBytes, kIdBytes);
  t.op = OperationId(dg);
  d.remove_prefix(2 * kIdBytes);
  uint64_t v, count;
  if (!GetFixed64(&d, &v)) return Corrupt("truncated");
  t.fs_time_ns = static_cast<int64_t>(v);
  if (header_only) {
    if (d.empty()) return Corrupt("truncated");  // no entry count
    return t;
  }
  if (!GetVarint(&d, &count) || count > d.size() / 40) return Corrupt("bad entry count");
  t.entries.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t len;
    if (!GetVarint(&d, &len) || len > d.size()) return Corrupt("truncated path");
    std::string path(d.substr(0, len));
    d.remove_prefix(len);
    // Exactly the normalised form the scanner writes ("a/" would parse as "a").
    auto parsed = RepoPath::Parse(path);
    if (!parsed.ok() || parsed->is_root() || parsed->str() != path) return Corrupt("invalid path");
    if (!t.entries.empty() && !(t.entries.back().first < path)) return Corrupt("entries not sorted");
    FileState s;
    if (d.empty()) return Corrupt("truncated");
    uint8_t kind = static_cast<uint8_t>(d[0]);
    if (kind < 1 || kind > 3) return Corrupt("bad kind");
    s.kind = static_cast<EntryKind>(kind);
    d.remove_prefix(1);
    uint64_t mt, ct, mode;
    if (!GetFixed64(&d, &mt) || !GetFixed64(&d, &ct) || !GetVarint(&d, &s.size) ||
        !GetVarint(&d, &s.ino) || !GetVarint(&d, &mode) || d.size() < kIdBytes)
      return Corrupt("truncated entry");
    s.mtime_ns = static_cast<int64_t>(mt);
    s.ctime_ns = static_cast<int64_t>(ct);
    if (mode > UINT32_MAX) return Corrupt("bad mode");
    s.mode = static_cast<uint32_t>(mode);
    std::memcpy(s.id.data(), d.data(), kIdBytes);
    d.remove_prefix(kIdBytes);
    t.entries.emplace_back(std::move(path), s);
  }
  if (!d.empty()) return Corrupt("trailing bytes");
  return t;
}

// Checks magic and version; `*version` gets the version byte.
Status CheckMagic(std::string_view d, uint8_t* version) {
  if (d.size() < 5 || d.substr(0, 4) != kMagic) return Corrupt("bad header");
  *version = static_cast<uint8_t>(d[4]);
  if (*version != TreeState::kFormatVersion && *version != TreeState::kUncheckedVersion)
    return Corrupt("unknown version");
  return OkStatus();
}

TreeState EmptyState() {
  TreeState empty;
  empty.tree = EmptyTreeId();
  return empty;
}
}  // namespace

Result<TreeState> TreeState::Decode(std::string_view d) {
  uint8_t version = 0;
  JVS_TRY(CheckMagic(d, &version));
  if (version != kFormatVersion) return Corrupt("format " + std::to_string(version) + " has no checksum");
  if (d.size() < 5 + kIdBytes) return Corrupt("truncated");
  std::string_view body = d.substr(0, d.size() - kIdBytes);
  Digest sum = Sha256Of(body);
  if (std::memcmp(sum.data(), d.data() + body.size(), kIdBytes) != 0) return Corrupt("checksum mismatch");
  body.remove_prefix(5);
  return DecodeBody(body, /*header_only=*/false);
}

Result<TreeState> TreeState::Load(Env* env, const fs::path& path) {
  auto data = env->MapFile(path, 4ull << 30);
  if (!data.ok()) {
    if (data.error().code() == ErrorCode::kNotFound) return EmptyState();
    return data.error();
  }
  uint8_t version = 0;
  JVS_TRY(CheckMagic(data->data(), &version));
  // Written by an older jvs, without a checksum: not trusted, as if absent
  // (the next snapshot re-reads every file once and writes the current format).
  if (version == kUncheckedVersion) return EmptyState();
  return Decode(data->data());
}

TreeState TreeState::LoadOrDiscard(Env* env, const fs::path& path, std::string* warning) {
  auto t = Load(env, path);
  if (t.ok()) return std::move(t).value();
  if (warning)
    *warning = "the tree state (" + path.string() + ") is damaged or unreadable (" + t.error().message() +
               "); it was discarded and every file is read again";
  return EmptyState();
}

Result<TreeState> TreeState::LoadHeader(Env* env, const fs::path& path) {
  auto fd = env->Open(path, O_RDONLY);
  if (!fd.ok()) {
    if (fd.error().code() == ErrorCode::kNotFound) return EmptyState();
    return fd.error();
  }
  // magic, version, tree, op, fs_time, then at least the entry count.
  constexpr size_t kHeader = 4 + 1 + 2 * kIdBytes + 8 + 1;
  std::string head(kHeader, '\0');
  size_t got = 0;
  while (got < head.size()) {
    JVS_ASSIGN_OR_RETURN(size_t n, env->Read(fd->get(), head.data() + got, head.size() - got));
    if (n == 0) break;
    got += n;
  }
  head.resize(got);
  // The header has the same layout in both versions; the checksum (at the
  // end) is not read: a question about the state needs only the header.
  uint8_t version = 0;
  JVS_TRY(CheckMagic(head, &version));
  return DecodeBody(std::string_view(head).substr(5), /*header_only=*/true);
}

Status TreeState::Save(Env* env, const fs::path& path) const {
  return env->WriteFileAtomic(path, Encode());
}

TreeStateIndex::TreeStateIndex(const TreeState& state) : state_(state) {
  JVS_CHECK(state.entries.size() < (uint64_t{1} << 32) - 1);
  size_t cap = 16;
  while (cap < 2 * state.entries.size()) cap *= 2;
  slots_.assign(cap, 0);
  mask_ = cap - 1;
  std::hash<std::string_view> hash;
  for (size_t i = 0; i < state.entries.size(); ++i) {
    const std::string& path = state.entries[i].first;
    uint64_t h = hash(path);
    size_t pos = h & mask_;
    bool duplicate = false;
    while (slots_[pos] != 0) {
      uint64_t s = slots_[pos];
      if ((s >> 32) == (h >> 32) && state.entries[(s & 0xffffffffu) - 1].first == path) {
        duplicate = true;
        break;
      }
      pos = (pos + 1) & mask_;
    }
    if (!duplicate) slots_[pos] = (h >> 32) << 32 | (i + 1);
  }
}

const FileState* TreeStateIndex::Find(std::string_view path) const {
  uint64_t h = std::hash<std::string_view>()(path);
  for (size_t pos = h & mask_;; pos = (pos + 1) & mask_) {
    uint64_t s = slots_[pos];
    if (s == 0) return nullptr;
    if ((s >> 32) == (h >> 32)) {
      const auto& e = state_.entries[(s & 0xffffffffu) - 1];
      if (e.first == path) return &e.second;
    }
  }
}

Result<int64_t> FilesystemNow(Env* env, const fs::path& dir) {
  fs::path probe = dir / (".clock-" + std::to_string(::getpid()) + "-" +
                          std::to_string(env->NowNanos() & 0xffffff));
  auto opened = env->Open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!opened.ok()) {
    // A folder this process cannot write (a read-only .jvs, another user's
    // repository): read-only commands still work, on the system clock. Its
    // only users are judgements that err safe when off a little (a racy file
    // is re-read; gc's grace period), and no tree state is saved there.
    if (opened.error().code() == ErrorCode::kPermissionDenied) return env->NowNanos();
    return opened.error();
  }
  UniqueFd fd = std::move(opened).value();
  auto st = env->Fstat(fd.get());
  fd.reset();
  (void)env->Unlink(probe);
  if (!st.ok()) return st.error();
  return Ns(st->st_mtim);
}

Result<int64_t> FilesystemClockAfterWrites(Env* env, const fs::path& dir) {
  JVS_ASSIGN_OR_RETURN(int64_t first, FilesystemNow(env, dir));
  // Timestamps advance in ticks of a few milliseconds: wait for the next one.
  for (int i = 0; i < 100; ++i) {
    JVS_ASSIGN_OR_RETURN(int64_t now, FilesystemNow(env, dir));
    if (now > first) return now;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return first;  // a frozen clock: files written before stay racy (re-read), which is safe
}

}  // namespace jvs
