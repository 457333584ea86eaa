#include "store/snapshot_index.h"

#include <fcntl.h>

#include <algorithm>

#include "base/varint.h"
#include "jvs/base/hash.h"

namespace jvs {

std::string SnapshotIndex::Header() {
  std::string h(kMagic);
  h.push_back(static_cast<char>(kFormatVersion));
  return h;
}

std::string SnapshotIndex::EncodeRecord(const SnapshotId& id, std::string_view data) {
  std::string out;
  out.reserve(data.size() + kIdBytes + 4);
  PutVarint(&out, data.size());
  out.append(reinterpret_cast<const char*>(id.bytes().data()), kIdBytes);
  out.append(data);
  return out;
}

void SnapshotIndex::Load(Env* env) {
  if (loaded_) return;
  loaded_ = true;
  auto file = env->MapFile(path_, kMaxFileSize);
  if (!file.ok()) {
    // Missing: built from scratch on the next Flush. Unreadable or too large:
    // replaced by a fresh one.
    rewrite_ = file.error().code() != ErrorCode::kNotFound;
    return;
  }
  file_ = std::move(file).value();
  std::string_view d = file_.data();
  records_.reserve(d.size() / 256 + 16);  // descriptors are a few hundred bytes
  const std::string header = Header();
  if (d.substr(0, header.size()) != header) {
    rewrite_ = true;
    return;
  }
  d.remove_prefix(header.size());
  while (!d.empty()) {
    uint64_t len;
    if (!GetVarint(&d, &len) || len > kMaxRecordSize || d.size() < kIdBytes + len) {
      rewrite_ = true;  // torn append or damage: keep what parsed, rewrite the rest
      break;
    }
    Digest dg;
    std::memcpy(dg.data(), d.data(), kIdBytes);
    d.remove_prefix(kIdBytes);
    records_.emplace(SnapshotId(dg), Record{d.substr(0, len), false});
    d.remove_prefix(len);
  }
}

std::optional<std::string_view> SnapshotIndex::Find(const SnapshotId& id) {
  auto it = records_.find(id);
  if (it == records_.end()) return std::nullopt;
  if (!it->second.verified) {
    if (SnapshotId(Sha256Of(it->second.data)) != id) {
      records_.erase(it);
      dropped_.push_back(id);
      rewrite_ = true;
      return std::nullopt;
    }
    it->second.verified = true;
  }
  return it->second.data;
}

void SnapshotIndex::Add(const SnapshotId& id, std::string_view data) {
  if (data.size() > kMaxRecordSize || records_.count(id)) return;
  const std::string& copy = added_.emplace_back(data);
  records_.emplace(id, Record{copy, true});
  pending_.push_back(id);
}

void SnapshotIndex::Reload(Env* env) {
  // What this process added and has not written, as views into added_.
  std::vector<std::pair<SnapshotId, std::string_view>> mine;
  mine.reserve(pending_.size());
  for (const auto& id : pending_) mine.emplace_back(id, records_.at(id).data);
  records_.clear();
  pending_.clear();
  file_ = MappedFile();
  loaded_ = false;
  rewrite_ = false;
  Load(env);
  // A record found damaged before is damaged in the file still unless
  // someone rewrote it: look again, so that it is rewritten, not kept.
  std::vector<SnapshotId> dropped;
  dropped.swap(dropped_);
  for (const auto& id : dropped) (void)Find(id);
  for (const auto& [id, data] : mine)
    if (records_.emplace(id, Record{data, true}).second) pending_.push_back(id);
}

Status SnapshotIndex::Flush(Env* env) {
  if (!loaded_ || (pending_.empty() && !rewrite_)) return OkStatus();
  // Appenders and rewriters hold `snapshot_index.lock`: a rewriter then never
  // mistakes another process's append in progress for damage, and it starts
  // from the file as it is now, so nothing another process appended is lost.
  // Readers take no lock (an append in progress looks like a torn tail: the
  // reader keeps what parsed and checks again here, under the lock).
  fs::path lock_path = path_;
  lock_path += ".lock";
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, env->LockFile(lock_path, std::chrono::milliseconds(2000)));
  if (rewrite_) Reload(env);
  if (pending_.empty() && !rewrite_) return OkStatus();
  if (!rewrite_) {
    std::string batch;
    for (const auto& id : pending_) batch += EncodeRecord(id, records_.at(id).data);
    auto fd = env->Open(path_, O_WRONLY | O_APPEND);
    if (fd.ok()) {
      JVS_TRY(env->Write(fd->get(), batch.data(), batch.size()));
      pending_.clear();
      return OkStatus();
    }
    if (fd.error().code() != ErrorCode::kNotFound) return fd.error();
  }
  // New or damaged: write every record that verifies, then rename into place.
  std::vector<SnapshotId> ids;
  ids.reserve(records_.size());
  for (const auto& r : records_) ids.push_back(r.first);
  std::sort(ids.begin(), ids.end());  // deterministic files
  std::string out = Header();
  for (const auto& id : ids)
    if (auto data = Find(id)) out += EncodeRecord(id, *data);
  JVS_TRY(env->WriteFileAtomic(path_, out));
  pending_.clear();
  rewrite_ = false;
  return OkStatus();
}

}  // namespace jvs
