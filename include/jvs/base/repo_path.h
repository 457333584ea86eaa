// RepoPath: a validated path relative to a workspace root, with '/' as the
// separator. The empty path is the root. Every component is a valid name: not
// empty, not "." or "..", no '/', no NUL, not ".jvs". Distinct from OS paths on purpose:
// converting to an OS path is explicit (`ToFsPath`). Value type.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/base/result.h"

namespace jvs {

// The name of jvs's control folder (and of a worktree's pointer file).
inline constexpr std::string_view kControlName = ".jvs";

// Checks one path component (a file or directory name): not empty, not "."
// or "..", no '/' or NUL, and not ".jvs" (the control folder's name is never
// a valid entry, at any depth).
Status ValidateName(std::string_view name);

// Checks a tag name: a valid path component, not a keyword (@, HEAD, latest),
// without whitespace, '~', ':' or a leading '-'.
Status ValidateTagName(std::string_view name);
// A worktree name: a valid tag name, at most 100 bytes, not starting with '.'
// (it names a directory in .jvs/worktrees/).
Status ValidateWorktreeName(std::string_view name);

class RepoPath {
 public:
  RepoPath() = default;  // the root

  // Parses "a/b/c". Rejects absolute paths, "..", ".", ".jvs", empty components, NUL.
  // A single trailing '/' is accepted and dropped.
  static Result<RepoPath> Parse(std::string_view s);

  static const RepoPath& Root();

  bool is_root() const { return s_.empty(); }
  const std::string& str() const { return s_; }
  // The last component ("" for the root).
  std::string_view name() const;
  RepoPath parent() const;
  std::vector<std::string_view> components() const;

  // Appends a component, which must already be valid (checked in debug builds).
  RepoPath Join(std::string_view name) const;
  Result<RepoPath> JoinChecked(std::string_view name) const;

  // True if `this` equals `other` or lies below it.
  bool StartsWith(const RepoPath& other) const;

  std::filesystem::path ToFsPath(const std::filesystem::path& root) const {
    return s_.empty() ? root : root / s_;
  }

  auto operator<=>(const RepoPath&) const = default;
  bool operator==(const RepoPath&) const = default;

 private:
  explicit RepoPath(std::string s) : s_(std::move(s)) {}
  std::string s_;
};

}  // namespace jvs
