// SnapshotIndex: the persistent index of snapshots (`.jvs/store/index/`,
// docs/formats.md "Snapshot index"), Jujutsu's stacked table: immutable
// segment files (index_segment.h), each on top of a parent segment, named by
// their SHA-256; a head file per top segment in `heads/`, published the way
// op heads are (write the segment, add the new head, remove the heads it
// includes), so concurrent writers never lose each other's entries: a reader
// that finds several heads merges them.
//
// Every indexed snapshot has a global position (parents before children),
// its generation (1 + the largest of its parents', 0 for a root), time,
// change id, parents as positions and its descriptor's strings, from which
// the descriptor is rebuilt and checked against its id (SnapshotAt).
//
// It is never a source of truth: a segment that does not verify is left out
// (its head is dropped at the next Flush) and what it held is indexed again
// from the objects. Entries added since Load are written by Flush as one new
// segment, squashed into its parent while larger than half of it (amortised
// O(log n) per added snapshot). Thread-compatible (Store serialises access).
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "jvs/base/env.h"
#include "jvs/base/object_id.h"
#include "store/index_segment.h"

namespace jvs {

class SnapshotIndex {
 public:
  explicit SnapshotIndex(fs::path dir) : dir_(std::move(dir)) {}

  // Reads the heads and their segments once (later calls do nothing).
  void Load(Env* env);
  bool loaded() const { return loaded_; }

  uint32_t size() const { return static_cast<uint32_t>(committed_ + pending_.size()); }
  std::optional<uint32_t> Find(const SnapshotId& id) const;
  // Positions of the snapshots whose hex id starts with `hex` (any length).
  std::vector<uint32_t> FindPrefix(std::string_view hex) const;
  std::vector<uint32_t> FindChange(const ChangeKey& change) const;

  // By global position (< size()).
  SnapshotId Id(uint32_t pos) const;
  int64_t Time(uint32_t pos) const;
  uint32_t Generation(uint32_t pos) const;
  ChangeKey Change(uint32_t pos) const;
  void Parents(uint32_t pos, std::vector<uint32_t>* out) const;  // replaces *out
  std::string_view Extra(uint32_t pos) const;
  // The descriptor, rebuilt from the entry; kCorrupt unless it encodes to
  // bytes that hash to Id(pos).
  Result<Snapshot> SnapshotAt(uint32_t pos) const;

  // Adds snapshot `id` (decoded as `s`) unless indexed; every parent must be
  // indexed already or absent from the store (recorded as missing, its id
  // kept among the strings). Returns its position.
  uint32_t Add(const SnapshotId& id, const Snapshot& s);

  // Writes what was added since Load as one segment (squashing) and
  // publishes it as the head, removing the heads it includes. Nothing added
  // and one head: nothing to do.
  Status Flush(Env* env);

  // For doctor and tests.
  struct SegmentInfo {
    Digest name;
    uint32_t base, count;
  };
  const std::vector<SegmentInfo>& chain() const { return chain_; }  // bottom first
  const std::vector<std::string>& damaged() const { return damaged_; }  // what was wrong, one a segment
  size_t heads_loaded() const { return heads_.size(); }
  fs::path segments_dir() const { return dir_ / "segments"; }
  fs::path heads_dir() const { return dir_ / "heads"; }

 private:
  struct Loaded {
    Digest name;
    MappedFile file;
    IndexSegment seg;
  };
  // The chain under head `name`, bottom first, mapped and verified (cached
  // in segments_); nullopt when a segment is missing or damaged.
  std::optional<std::vector<const Loaded*>> LoadChain(Env* env, const Digest& name);
  const IndexSegment& SegmentOf(uint32_t pos) const;
  const IndexEntry& PendingOf(uint32_t pos) const { return pending_[pos - committed_]; }
  uint32_t AddEntry(IndexEntry e);

  fs::path dir_;
  bool loaded_ = false;
  std::map<Digest, std::unique_ptr<Loaded>> segments_;
  std::vector<const IndexSegment*> stack_;  // the base chain, bottom first
  std::vector<SegmentInfo> chain_;          // what is on disk under the head we will write on
  std::vector<Digest> heads_;               // heads seen at Load (removed by the next Flush)
  uint32_t committed_ = 0;                  // positions in stack_
  std::deque<IndexEntry> pending_;          // positions committed_.. (stable addresses)
  uint32_t flushed_ = 0;                    // pending_ entries already written
  std::unordered_map<SnapshotId, uint32_t, IdHash> pending_ids_;
  std::vector<std::string> damaged_;
};

}  // namespace jvs
