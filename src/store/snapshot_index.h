// SnapshotIndex: a per-repository cache of snapshot descriptors in one file
// (`.jvs/store/snapshot_index`, docs/formats.md), so that walking a long
// history reads one file instead of one file per snapshot. It is never a
// source of truth: every record carries the descriptor's canonical bytes, and
// a record is used only after its bytes hash to the id it is filed under, so
// a damaged, truncated or stale index costs speed, never correctness. Records
// missing from it are appended (O_APPEND, one write per batch, under
// `snapshot_index.lock`); a damaged file is rewritten atomically, under the
// same lock, from the records of the current file that still verify.
// Thread-compatible (Store serialises access).
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "jvs/base/env.h"
#include "jvs/base/object_id.h"

namespace jvs {

class SnapshotIndex {
 public:
  static constexpr std::string_view kMagic = "JVSI";
  static constexpr uint8_t kFormatVersion = 1;
  static constexpr size_t kMaxFileSize = size_t{1} << 30;
  static constexpr size_t kMaxRecordSize = size_t{1} << 20;

  explicit SnapshotIndex(fs::path path) : path_(std::move(path)) {}

  // Reads the file once (a missing, unreadable or damaged file is an empty or
  // partial index that will be rewritten). Later calls do nothing.
  void Load(Env* env);
  bool loaded() const { return loaded_; }

  // The descriptor bytes filed under `id`, verified against it; nullopt when
  // absent. A record that does not verify is dropped and the file is marked
  // for rewrite. The view lives as long as this index.
  std::optional<std::string_view> Find(const SnapshotId& id);
  // Records a descriptor read from the store (its bytes hash to `id`).
  void Add(const SnapshotId& id, std::string_view data);

  // Appends the records added since Load, or rewrites the whole file when it
  // was damaged. Best effort for callers: the index is only a cache.
  Status Flush(Env* env);

  // For tests and --debug.
  size_t size() const { return records_.size(); }
  bool needs_rewrite() const { return rewrite_; }
  static std::string EncodeRecord(const SnapshotId& id, std::string_view data);
  static std::string Header();

 private:
  // Under the lock: loads the file again, keeping the records added here that
  // it lacks as pending.
  void Reload(Env* env);

  fs::path path_;
  bool loaded_ = false;
  bool rewrite_ = false;  // damaged: rewrite instead of appending
  struct Record {
    std::string_view data;  // into file_ or added_
    bool verified = false;
  };
  MappedFile file_;                  // the file as loaded: records point into it
  std::deque<std::string> added_;    // descriptors added since Load (stable addresses)
  std::unordered_map<SnapshotId, Record, IdHash> records_;
  std::vector<SnapshotId> pending_;  // added since Load, not in the file
  std::vector<SnapshotId> dropped_;  // found damaged by Find
};

}  // namespace jvs
