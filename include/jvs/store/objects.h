// The content-addressed objects: Tree (sorted directory entries) and Snapshot
// (the descriptor: root tree, parents, change id, note, time, worktree,
// author, engine). Each has one canonical encoding; its id is the SHA-256 of
// that encoding. Decoders never trust their input: any malformed encoding is
// ErrorCode::kCorrupt. Value types, thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/base/object_id.h"
#include "jvs/base/result.h"

namespace jvs {

enum class EntryKind : uint8_t { kFile = 1, kExecutable = 2, kSymlink = 3, kTree = 4 };
std::string_view EntryKindName(EntryKind k);  // "file", "executable", "symlink", "tree"

struct TreeEntry {
  std::string name;  // a valid path component
  EntryKind kind = EntryKind::kFile;
  // File, executable: the blob id of the content. Symlink: the blob id of the
  // target text. Tree: the tree id.
  Digest id{};
  // File, executable: content bytes. Symlink: target length. Tree: total file
  // bytes below it.
  uint64_t size = 0;

  bool operator==(const TreeEntry&) const = default;
};

struct Tree {
  static constexpr uint8_t kFormatVersion = 1;
  std::vector<TreeEntry> entries;  // sorted by name (bytewise), unique

  // Canonical encoding; entries must be sorted and valid.
  std::string Encode() const;
  static Result<Tree> Decode(std::string_view data);
  TreeId ComputeId() const;
  const TreeEntry* Find(std::string_view name) const;
  uint64_t TotalSize() const;
};

// The id of the empty tree.
const TreeId& EmptyTreeId();

struct Snapshot {
  static constexpr int kFormatVersion = 1;
  TreeId tree;                      // payload root hash
  std::vector<SnapshotId> parents;  // first parent = the line it continues
  std::string change_id;            // 32 lowercase hex digits (16 random bytes)
  std::string note;
  std::string created_at;           // RFC 3339, UTC
  std::string worktree;
  std::string author;               // user@host, or "name <email>" (user.email set)
  std::string engine;               // the engine that really ran

  // Canonical JSON: compact, keys sorted.
  std::string Encode() const;
  static Result<Snapshot> Decode(std::string_view data);
  SnapshotId ComputeId() const;
};

}  // namespace jvs
