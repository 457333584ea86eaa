// The content-addressed objects: Tree (sorted directory entries) and Snapshot
// (the descriptor: root tree, parents, change id, note, time, worktree,
// author, engine). Each has one canonical encoding; its id is the SHA-256 of
// that encoding. Decoders never trust their input: any malformed encoding is
// ErrorCode::kCorrupt. Value types, thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
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
  // Permission bits, or none for the kind's default (DefaultMode: file 0644,
  // executable 0755, tree 0755). Files and executables keep 0777 (the
  // owner's x bit decides the kind), trees keep 0777 | setgid | sticky,
  // symlinks nothing. Encoded only when set, so trees written before modes
  // were recorded keep their bytes and ids. Canonical: never the default
  // (use CanonicalMode to fill it).
  std::optional<uint32_t> mode;

  // The permission bits to apply: mode, or the kind's default.
  uint32_t EffectiveMode() const { return mode ? *mode : DefaultMode(kind); }
  static uint32_t DefaultMode(EntryKind k);
  // The bits a kind may record (0 for symlinks).
  static uint32_t AllowedModeBits(EntryKind k);
  // The value to store for a stat's st_mode: its allowed bits, or none when
  // they are the kind's default (or the kind is a symlink).
  static std::optional<uint32_t> CanonicalMode(EntryKind k, uint32_t st_mode);

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
  // A resolved root is written as format 1 (key "tree"), byte for byte as
  // before conflicts existed, so every existing id stays valid; a conflicted
  // root as format 2 (key "trees", the terms in order).
  static constexpr int kFormatVersion = 1;
  static constexpr int kConflictedFormatVersion = 2;
  static constexpr size_t kMaxRootTerms = 255;

  // The root tree as the terms of a Merge<TreeId>: add0, remove0, add1, ...
  // (the merge layer views them as one: SnapshotRoot() in
  // jvs/merge/tree_merge.h). One term: resolved, the payload root hash.
  // 2k+1 terms (k >= 1) with no add equal to any remove (simplified):
  // conflicted, the terms agree everywhere except at the conflicted paths.
  std::vector<TreeId> root_terms{TreeId()};
  std::vector<SnapshotId> parents;  // first parent = the line it continues
  std::string change_id;            // 32 lowercase hex digits (16 random bytes)
  std::string note;
  std::string created_at;           // RFC 3339, UTC
  std::string worktree;
  std::string author;               // user@host, or "name <email>" (user.email set)
  std::string engine;               // the engine that really ran

  bool conflicted() const { return root_terms.size() > 1; }
  // The root tree of a resolved snapshot. A conflicted one is kUnsupported:
  // callers that cannot handle every term must refuse, never use one side.
  Result<TreeId> ResolvedTree() const;
  void SetTree(const TreeId& tree) { root_terms.assign(1, tree); }

  // Canonical JSON: compact, keys sorted. Format 2 decodes only from its
  // canonical bytes (Encode() of the result); it needs an odd count >= 3 of
  // terms, simplified.
  std::string Encode() const;
  static Result<Snapshot> Decode(std::string_view data);
  SnapshotId ComputeId() const;
};

}  // namespace jvs
