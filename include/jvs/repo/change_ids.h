// ChangeIndex: the visible snapshots of a repository grouped by change id, for
// resolving a change id prefix (jvs/repo/refs.h) and showing the shortest
// unique prefix of a change id. Visible means reachable from the view's
// heads, worktree heads and latest snapshots and tags; a change reachable only
// from pins (saved dirty files) is known too, but only when nothing else
// names it. Change ids are kept here in their stored hex form (display and
// parsing in reverse hex: jvs/base/change_id.h). A value built from one
// view; not thread-safe while being built, immutable after.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/repo/repo.h"

namespace jvs {

class ChangeIndex {
 public:
  // Reads every visible descriptor of `repo`'s current view (through the
  // store's snapshot index cache).
  static Result<ChangeIndex> Build(Repo& repo);

  // The visible snapshots of change `change_hex` (full hex), newest first;
  // empty when none. Several: the change is divergent.
  std::vector<SnapshotId> Snapshots(std::string_view change_hex) const;
  // The changes (full hex) whose id starts with `hex_prefix`, sorted.
  std::vector<std::string> ChangesWithPrefix(std::string_view hex_prefix) const;
  // The length of the shortest prefix of `change_hex` that no other known
  // change shares (at least 1, at most its length).
  size_t UniquePrefixLength(std::string_view change_hex) const;

 private:
  struct Entry {
    std::vector<std::pair<std::string, SnapshotId>> visible, pinned;  // (created_at, id)
  };
  std::map<std::string, Entry, std::less<>> changes_;
};

}  // namespace jvs
