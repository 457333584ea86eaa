// The shared half of MaterializeTree and RecordWorkingTree
// (jvs/merge/materialize.h): how each conflicted path of a root is written
// into the working copy (the plan, a deterministic function of the root), and
// a tree editor that rewrites only the directories above the edited paths.
// Both directions compute the same plan, so nothing but the root has to be
// remembered between them.
//
// Plain functions of their arguments; they read and write objects through the
// Store (thread-safe).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jvs/merge/materialize.h"

namespace jvs {

// One conflicted path of a (simplified) root and how it is written.
struct PlannedConflict {
  RepoPath path;
  Merge<PathValue> value{std::nullopt};  // in the root's terms, as ListConflicts gives it
  // The positions in value.terms() of the terms that survive Simplify():
  // side K is term add_terms[K-1], base K term remove_terms[K-1].
  std::vector<size_t> add_terms, remove_terms;
  Merge<PathValue> simplified{std::nullopt};  // value.Simplify()
  MaterializedConflict::Kind kind = MaterializedConflict::Kind::kSides;
  // Every term a directory or absent: only the directory's permission bits
  // conflict (its entries are planned on their own). Written as sides
  // without side files: the note file only.
  bool dir_mode = false;

  // kText: the hunks of the simplified contents, the marker length, and the
  // value the path holds in the working copy (resolved kind and mode).
  std::vector<Merge<std::string>> hunks;
  size_t marker_len = 0;
  size_t num_conflicted_hunks = 0;
  TreeValue text_value;

  // kSides: the note file and the side files (side_files[i]: side i+2).
  std::optional<RepoPath> note_file;
  std::vector<std::optional<RepoPath>> side_files;
};

// The plan for every conflicted path of `root` (simplified), sorted by path.
// Reads the terms' trees along the conflicted paths and, for text
// candidates, their contents.
Result<std::vector<PlannedConflict>> PlanConflicts(Store& store, const Merge<TreeId>& root);

// The note file's text for `c` (kSides).
std::string ConflictNoteText(const PlannedConflict& c);

// The public description of a planned conflict.
MaterializedConflict Describe(const PlannedConflict& c);

// One change to a tree.
struct TreeEdit {
  RepoPath path;
  // Set the entry at `path` to `value` (nullopt: remove it) ...
  PathValue value;
  // ... or, when set, keep a directory at `path` (created empty when
  // missing) with these permission bits (a nullopt inside: remove it),
  // while edits below it still apply.
  std::optional<std::optional<uint32_t>> dir_mode;

  bool operator==(const TreeEdit&) const = default;
};

// `tree` with `edits` applied (any order; of several edits of one path, the
// last one given wins). Only
// the directories above edited paths are read and written. A directory that
// the edits leave empty is removed unless it was empty before (or a
// dir_mode edit keeps it); missing directories above an edit that sets
// something are created (a file in the way is replaced).
Result<TreeId> ApplyEdits(Store& store, const TreeId& tree, const std::vector<TreeEdit>& edits);

// The value of `path` in `tree` (nullopt when absent), reading only the
// directories above it.
Result<PathValue> ValueAt(Store& store, const TreeId& tree, const RepoPath& path);

}  // namespace jvs
