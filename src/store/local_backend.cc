// LocalBackend: layout, reads, writes, listing, deletion, temp files and the
// barrier. Ingest (hashing workspace files into blobs) is in local_ingest.cc.
#include "store/local_backend.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>

#include "base/sync_set.h"

namespace jvs {

namespace {

const char* KindDir(StoreKind kind) {
  switch (kind) {
    case StoreKind::kBlob: return "blobs";
    case StoreKind::kTree: return "trees";
    case StoreKind::kSnapshot: return "snapshots";
  }
  return "?";
}

constexpr const char* kTmp = "tmp";

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The host as it appears in a temp name: letters, digits, '.', '_' and '-'
// (anything else becomes '_'), at most 64 bytes, never empty.
std::string HostForName(std::string_view host) {
  std::string out;
  for (char c : host.substr(0, 64)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    out.push_back(ok ? c : '_');
  }
  return out.empty() ? std::string("_") : out;
}

bool AllDigits(std::string_view s, size_t max) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The writer of a temp file from its name: `obj-<pid>@<host>-<n>-<rand>`
// gives pid and host; the older `obj-<pid>-<n>-<rand>` only a pid (host "").
void ParseTempName(std::string_view name, BackendTempFile* t) {
  if (name.substr(0, 4) != "obj-") return;
  std::string_view rest = name.substr(4);
  size_t at = rest.find('@');
  size_t dash = rest.find('-');
  if (at != std::string_view::npos && (dash == std::string_view::npos || at < dash)) {
    std::string_view pid = rest.substr(0, at), tail = rest.substr(at + 1);
    size_t r = tail.rfind('-');
    if (r == std::string_view::npos || r == 0) return;
    size_t n = tail.rfind('-', r - 1);
    if (n == std::string_view::npos || n == 0) return;
    if (!AllDigits(pid, 10) || !AllDigits(tail.substr(n + 1, r - n - 1), 20) || !AllDigits(tail.substr(r + 1), 20))
      return;
    t->pid = std::stoll(std::string(pid));
    t->host = std::string(tail.substr(0, n));
    return;
  }
  if (dash != std::string_view::npos && AllDigits(rest.substr(0, dash), 10))
    t->pid = std::stoll(std::string(rest.substr(0, dash)));
}

// Whether process `pid` of this machine may still run: only ESRCH says it is
// gone (EPERM: it runs under another user).
bool ProcessMayRun(int64_t pid) {
  if (pid <= 0 || pid > 0x3fffffff) return true;  // not a pid: never judged
  if (pid == static_cast<int64_t>(::getpid())) return true;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

int64_t MtimeNs(const struct stat& st) { return int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec; }

// The ids in one fan-out directory `fan` (absent: none); stray names skipped.
Status ListBucket(Env* env, const fs::path& dir, const std::string& fan, std::vector<Digest>* out) {
  auto dfd = env->Open(dir, O_RDONLY | O_DIRECTORY);
  if (!dfd.ok()) {
    if (dfd.error().code() == ErrorCode::kNotFound) return OkStatus();
    return dfd.error();
  }
  JVS_ASSIGN_OR_RETURN(auto entries, env->ReadDir(dfd->get()));
  out->reserve(out->size() + entries.size());
  for (const auto& e : entries) {
    if (e.name.size() != kIdHexLength - 2 || !IsLowerHex(e.name)) continue;  // temp or stray files
    auto d = DigestFromHex(fan + e.name);
    if (d.ok()) out->push_back(*d);
  }
  return OkStatus();
}

}  // namespace

LocalBackend::LocalBackend(Env* env, fs::path dir)
    : env_(env), dir_(std::move(dir)), sync_set_(std::make_unique<SyncSet>()) {}

LocalBackend::~LocalBackend() = default;

Status LocalBackend::Create(Env* env, const fs::path& dir) {
  JVS_TRY(env->MkdirAll(dir));
  for (StoreKind k : kStoreKinds) JVS_TRY(env->MkdirAll(dir / KindDir(k)));
  return env->MkdirAll(dir / kTmp);
}

void LocalBackend::RecreateTempFolder() {
  if (!env_->Exists(dir_ / kTmp)) (void)env_->Mkdir(dir_ / kTmp);
}

fs::path LocalBackend::ObjectPath(StoreKind kind, const Digest& id) const {
  std::string hex = ToHex(id.data(), id.size());
  return dir_ / KindDir(kind) / hex.substr(0, 2) / hex.substr(2);
}

std::string LocalBackend::Describe(StoreKind kind) const { return (dir_ / KindDir(kind)).string(); }

std::vector<TempPlace> LocalBackend::TempPlaces() const { return {{dir_, false}, {dir_ / kTmp, true}}; }

fs::path LocalBackend::TempPath() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return dir_ / kTmp /
         ("obj-" + std::to_string(::getpid()) + "@" + HostForName(host_) + "-" +
          std::to_string(temp_counter_++) + "-" + std::to_string(rng() & 0xffffff));
}

bool LocalBackend::Has(StoreKind kind, const Digest& id) { return env_->Exists(ObjectPath(kind, id)); }

Result<ObjectStat> LocalBackend::Stat(StoreKind kind, const Digest& id) {
  JVS_ASSIGN_OR_RETURN(struct stat st, env_->Lstat(ObjectPath(kind, id)));
  ObjectStat s;
  s.size = static_cast<uint64_t>(st.st_size);
  s.disk_bytes = static_cast<uint64_t>(st.st_blocks) * 512;
  s.mtime_ns = MtimeNs(st);
  return s;
}

Result<std::string> LocalBackend::Read(StoreKind kind, const Digest& id, uint64_t max_size) {
  return env_->ReadFile(ObjectPath(kind, id), max_size);
}

Result<UniqueFd> LocalBackend::OpenBlob(const Digest& id) {
  return env_->Open(ObjectPath(StoreKind::kBlob, id), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
}

Result<std::vector<Digest>> LocalBackend::List(StoreKind kind) {
  std::vector<Digest> out;
  fs::path dir = dir_ / KindDir(kind);
  auto dfd = env_->Open(dir, O_RDONLY | O_DIRECTORY);
  if (!dfd.ok()) {
    if (dfd.error().code() == ErrorCode::kNotFound) return out;
    return dfd.error();
  }
  JVS_ASSIGN_OR_RETURN(auto fans, env_->ReadDir(dfd->get()));
  for (const auto& f : fans) {
    if (f.name.size() != 2 || !IsLowerHex(f.name)) continue;
    JVS_TRY(ListBucket(env_, dir / f.name, f.name, &out));
  }
  return out;
}

Result<std::vector<Digest>> LocalBackend::ListFanout(StoreKind kind, std::string_view two_hex) {
  std::vector<Digest> out;
  if (two_hex.size() != 2 || !IsLowerHex(two_hex)) return out;
  std::string fan(two_hex);
  JVS_TRY(ListBucket(env_, dir_ / KindDir(kind) / fan, fan, &out));
  std::sort(out.begin(), out.end());
  return out;
}

Result<bool> LocalBackend::Publish(const fs::path& tmp, const fs::path& final_path) {
  Status st = env_->RenameNoReplace(tmp, final_path);
  if (!st.ok() && st.error().code() == ErrorCode::kNotFound) {
    Status m = env_->Mkdir(final_path.parent_path());
    if (!m.ok() && m.error().code() != ErrorCode::kAlreadyExists) {
      (void)env_->Unlink(tmp);
      return m.error();
    }
    if (m.ok()) sync_set_->Add(final_path.parent_path());  // its entry in the parent too
    st = env_->RenameNoReplace(tmp, final_path);
  }
  if (!st.ok()) {
    (void)env_->Unlink(tmp);
    if (st.error().code() == ErrorCode::kAlreadyExists) return false;
    return st.error();
  }
  sync_set_->Add(final_path);
  objects_written_++;
  return true;
}

Result<bool> LocalBackend::Write(StoreKind kind, const Digest& id, std::string_view data) {
  fs::path final_path = ObjectPath(kind, id);
  if (env_->Exists(final_path)) return false;
  fs::path tmp = TempPath();
  {
    JVS_ASSIGN_OR_RETURN(UniqueFd fd, env_->Open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0444));
    Status st = env_->Write(fd.get(), data.data(), data.size());
    if (!st.ok()) {
      fd.reset();
      (void)env_->Unlink(tmp);
      return st.error();
    }
  }
  JVS_ASSIGN_OR_RETURN(bool stored, Publish(tmp, final_path));
  if (stored) bytes_written_ += data.size();
  return stored;
}

Status LocalBackend::Delete(StoreKind kind, const Digest& id) { return env_->Unlink(ObjectPath(kind, id)); }

Status LocalBackend::Materialize(const Digest& id, uint64_t size, const fs::path& dst, mode_t mode,
                                 CloneEngine& engine, bool hash_clones) {
  JVS_ASSIGN_OR_RETURN(UniqueFd src, OpenBlob(id));
  JVS_ASSIGN_OR_RETURN(struct stat bst, env_->Fstat(src.get()));
  if (!S_ISREG(bst.st_mode) || static_cast<uint64_t>(bst.st_size) != size)
    return Error(ErrorCode::kCorrupt, "blob " + ToHex(id.data(), id.size()).substr(0, 12) + " holds " +
                                          std::to_string(bst.st_size) + " bytes, not the " +
                                          std::to_string(size) + " expected");
  // Readable too: a clone is read back when it is hashed. Created owner-only;
  // `mode` is set once the content is complete and checked.
  JVS_ASSIGN_OR_RETURN(UniqueFd out, env_->Open(dst, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600));
  Status st = OkStatus();
  auto placed = engine.CloneContentHashing(env_, src.get(), out.get(), size, hash_clones);
  if (!placed.ok()) {
    st = placed.error();
  } else if (placed->hashed && (placed->bytes != size || placed->digest != id)) {
    st = Error(ErrorCode::kCorrupt, "blob " + ToHex(id.data(), id.size()) +
                                        " does not match its id (damaged or tampered store object)");
  }
  if (st.ok()) st = env_->Fchmod(out.get(), mode);
  if (!st.ok()) {
    out.reset();
    (void)env_->Unlink(dst);
  }
  return st;
}

Result<std::vector<BackendTempFile>> LocalBackend::TempFiles() {
  std::vector<BackendTempFile> out;
  fs::path dir = dir_ / kTmp;
  auto dfd = env_->Open(dir, O_RDONLY | O_DIRECTORY);
  if (!dfd.ok()) {
    if (dfd.error().code() == ErrorCode::kNotFound) return out;
    return dfd.error();
  }
  JVS_ASSIGN_OR_RETURN(auto entries, env_->ReadDir(dfd->get()));
  for (auto& e : entries) {
    auto st = env_->LstatAt(dfd->get(), e.name.c_str());
    if (!st.ok()) continue;  // removed meanwhile
    BackendTempFile t{e.name, dir / e.name, *st};
    ParseTempName(e.name, &t);
    out.push_back(std::move(t));
  }
  return out;
}

Result<size_t> LocalBackend::RemoveTempsOfDeadWriters() {
  if (host_.empty()) return size_t{0};
  const std::string self = HostForName(host_);
  JVS_ASSIGN_OR_RETURN(auto temps, TempFiles());
  size_t removed = 0;
  for (const auto& t : temps) {
    if (t.host != self || t.pid == 0 || !S_ISREG(t.st.st_mode) || ProcessMayRun(t.pid)) continue;
    if (RemoveTemp(t.name).ok()) ++removed;
  }
  return removed;
}

Status LocalBackend::RemoveTemp(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    return Error(ErrorCode::kInvalidArgument, "not a temp file name: '" + name + "'");
  return env_->Unlink(dir_ / kTmp / name);
}

Status LocalBackend::Sync() {
  if (sync_set_->empty()) return OkStatus();
  return sync_set_->Barrier(env_, dir_);
}

}  // namespace jvs
