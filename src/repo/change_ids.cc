// Visible snapshots by change id (see jvs/repo/change_ids.h).
#include "jvs/repo/change_ids.h"

#include <algorithm>
#include <unordered_set>

#include "jvs/base/dag_walk.h"
#include "repo/view_commit.h"

namespace jvs {

Result<ChangeIndex> ChangeIndex::Build(Repo& repo) {
  Store& store = repo.store();
  SnapshotIndexScope index_scope(store);
  const View& view = repo.view();
  std::vector<SnapshotId> named = view.heads;
  for (const auto& [name, wt] : view.worktrees) {
    if (wt.head) named.push_back(*wt.head);
    if (wt.latest) named.push_back(*wt.latest);
  }
  for (const auto& [name, id] : view.tags) named.push_back(id);
  ChangeIndex index;
  std::unordered_set<SnapshotId, IdHash> seen;
  // Named snapshots first, then what only the pins reach.
  for (const bool pinned : {false, true}) {
    BreadthFirstWalk<SnapshotId, IdHash> walk(pinned ? view.pins : named);
    while (auto n = walk.Next()) {
      if (!seen.insert(*n).second) continue;
      JVS_ASSIGN_OR_RETURN(auto s, store.ReadSnapshot(*n));
      for (const auto& p : s->parents) walk.Add(p);
      Entry& e = index.changes_[s->change_id];
      (pinned ? e.pinned : e.visible).emplace_back(s->created_at, *n);
    }
  }
  return index;
}

std::vector<SnapshotId> ChangeIndex::Snapshots(std::string_view change_hex) const {
  auto it = changes_.find(change_hex);
  if (it == changes_.end()) return {};
  auto list = it->second.visible.empty() ? it->second.pinned : it->second.visible;
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<SnapshotId> out;
  for (const auto& [time, id] : list) out.push_back(id);
  return out;
}

std::vector<std::string> ChangeIndex::ChangesWithPrefix(std::string_view hex_prefix) const {
  std::vector<std::string> out;
  for (auto it = changes_.lower_bound(hex_prefix);
       it != changes_.end() && std::string_view(it->first).substr(0, hex_prefix.size()) == hex_prefix; ++it)
    out.push_back(it->first);
  return out;
}

size_t ChangeIndex::UniquePrefixLength(std::string_view change_hex) const {
  // The map is sorted: only the neighbours of `change_hex` can share a longer prefix.
  auto common = [&](const std::string& other) {
    size_t i = 0;
    while (i < change_hex.size() && i < other.size() && change_hex[i] == other[i]) ++i;
    return i;
  };
  size_t len = 1;
  auto it = changes_.lower_bound(change_hex);
  auto next = it;
  if (next != changes_.end() && next->first == change_hex) ++next;
  if (next != changes_.end()) len = std::max(len, common(next->first) + 1);
  if (it != changes_.begin()) len = std::max(len, common(std::prev(it)->first) + 1);
  return std::min(len, std::max<size_t>(change_hex.size(), 1));
}

}  // namespace jvs
