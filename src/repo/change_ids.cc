// Visible snapshots by change id (see jvs/repo/change_ids.h).
#include "jvs/repo/change_ids.h"

#include <algorithm>
#include <unordered_set>

#include "repo/view_commit.h"
#include "store/snapshot_index.h"

namespace jvs {

Result<ChangeIndex> ChangeIndex::Build(Repo& repo) {
  // Walks index positions (store/snapshot_index.h): change id and time come
  // from the index's strings, no descriptor is decoded.
  Store& store = repo.store();
  SnapshotIndexScope index_scope(repo);
  const View& view = repo.view();
  std::vector<SnapshotId> named = view.heads;
  for (const auto& [name, wt] : view.worktrees) {
    if (wt.head) named.push_back(*wt.head);
    if (wt.latest) named.push_back(*wt.latest);
  }
  for (const auto& [name, id] : view.tags) named.push_back(id);
  ChangeIndex index;
  JVS_TRY(store.WithSnapshotIndex([&](SnapshotIndex& idx) -> Status {
    JVS_TRY(store.IndexSnapshots(named, /*missing_ok=*/false));
    JVS_TRY(store.IndexSnapshots(view.pins, /*missing_ok=*/false));
    std::vector<char> seen(idx.size(), 0);
    std::vector<uint32_t> stack, parents;
    // Named snapshots first, then what only the pins reach.
    for (const bool pinned : {false, true}) {
      for (const auto& id : pinned ? view.pins : named)
        if (auto p = idx.Find(id)) stack.push_back(*p);
      while (!stack.empty()) {
        const uint32_t p = stack.back();
        stack.pop_back();
        if (seen[p]) continue;
        seen[p] = 1;
        IndexExtra x;
        if (!DecodeExtra(idx.Extra(p), &x))
          return Error(ErrorCode::kCorrupt, "index entry " + idx.Id(p).hex() + " is damaged");
        for (const auto& m : x.missing_parents)  // not in the store: the error reading it gives
          if (auto r = store.ReadSnapshot(m); !r.ok()) return r.error();
        idx.Parents(p, &parents);
        for (uint32_t q : parents)
          if (q != IndexSegment::kMissingParent) stack.push_back(q);
        Entry& e = index.changes_[std::string(x.change_id)];
        (pinned ? e.pinned : e.visible).emplace_back(std::string(x.created_at), idx.Id(p));
      }
    }
    return OkStatus();
  }));
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
