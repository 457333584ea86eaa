// One immutable segment of the snapshot index (docs/formats.md "Snapshot
// index"): the snapshots at global positions [base, base + count) in the
// order they were added (parents before children), each a fixed-size entry
// (id, change id, time, generation, parents as positions) plus its strings
// in a variable area, two sorted lookup tables (by id, by change id) and a
// trailing SHA-256 of everything before it, which is also the file's name.
// A segment names its parent segment (positions below `base`); a stack of
// them is the index (snapshot_index.h). Parse verifies the hash and every
// bound, so a damaged segment is refused whole.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/base/object_id.h"
#include "jvs/base/result.h"
#include "jvs/store/objects.h"

namespace jvs {

using ChangeKey = std::array<uint8_t, 16>;

// A snapshot as the index keeps it (in memory before it is written).
struct IndexEntry {
  SnapshotId id;
  ChangeKey change{};   // the change id's 16 bytes (zero when it is not 32 hex digits)
  int64_t time_ns = 0;  // created_at (0 when it does not parse)
  uint32_t generation = 0;
  std::vector<uint32_t> parents;  // global positions; kMissingParent: not indexed
  std::string extra;              // the strings (EncodeExtra)
};

// The strings of a snapshot in the variable area: change id, note,
// created_at, worktree, author, engine, the root terms, and the ids of the
// parents that are not indexed (kMissingParent), in order.
struct IndexExtra {
  std::string_view change_id, note, created_at, worktree, author, engine;
  std::vector<TreeId> root_terms;
  std::vector<SnapshotId> missing_parents;
};
std::string EncodeExtra(const Snapshot& s, const std::vector<SnapshotId>& missing_parents);
// False when `data` is not one well-formed extra.
bool DecodeExtra(std::string_view data, IndexExtra* out);
// Only the note and author (for note() and author() over every snapshot).
bool DecodeNoteAuthor(std::string_view data, std::string_view* note, std::string_view* author);

ChangeKey ChangeKeyOf(std::string_view change_hex);

class IndexSegment {
 public:
  static constexpr std::string_view kMagic = "JVSX";
  static constexpr uint8_t kFormatVersion = 1;
  static constexpr uint32_t kMissingParent = 0xffffffffu;
  static constexpr size_t kHeaderSize = 64;
  static constexpr size_t kEntrySize = 72;
  static constexpr size_t kMaxSize = size_t{1} << 32;

  // The bytes of a segment holding `entries` at positions base, base+1, ...
  // on top of `parent` (none: the bottom segment). Its name is
  // NameOf(result).
  static std::string Encode(const std::optional<Digest>& parent, uint32_t base,
                            const std::vector<const IndexEntry*>& entries);
  static Digest NameOf(std::string_view encoded);

  // A view of `data` (which must outlive it) after checking that it hashes
  // to `name` and that every offset, position and table is in bounds and
  // sorted. kCorrupt otherwise.
  static Result<IndexSegment> Parse(std::string_view data, const Digest& name);

  uint32_t base() const { return base_; }
  uint32_t count() const { return count_; }
  const std::optional<Digest>& parent() const { return parent_; }

  // By local position (0 <= i < count).
  SnapshotId Id(uint32_t i) const;
  ChangeKey Change(uint32_t i) const;
  int64_t Time(uint32_t i) const;
  uint32_t Generation(uint32_t i) const;
  void Parents(uint32_t i, std::vector<uint32_t>* out) const;  // appends
  std::string_view Extra(uint32_t i) const;
  IndexEntry Entry(uint32_t i) const;

  // Local position of `id`; binary search.
  std::optional<uint32_t> Find(const SnapshotId& id) const;
  // Local positions whose id starts with the bytes `prefix` (and, when
  // `odd_nibble` is set, whose next byte's high nibble is it).
  void FindPrefix(std::string_view prefix, std::optional<uint8_t> odd_nibble, std::vector<uint32_t>* out) const;
  void FindChange(const ChangeKey& change, std::vector<uint32_t>* out) const;

 private:
  const uint8_t* EntryAt(uint32_t i) const { return entries_ + size_t{i} * kEntrySize; }
  uint32_t IdOrder(uint32_t k) const;
  uint32_t ChangeOrder(uint32_t k) const;

  std::optional<Digest> parent_;
  uint32_t base_ = 0, count_ = 0, nparents_ = 0, extra_size_ = 0;
  const uint8_t* entries_ = nullptr;
  const uint8_t* id_order_ = nullptr;
  const uint8_t* change_order_ = nullptr;
  const uint8_t* parents_ = nullptr;
  const char* extra_ = nullptr;
};

}  // namespace jvs
