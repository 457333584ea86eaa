// Listing history (see jvs/repo/history.h).
#include "jvs/repo/history.h"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "jvs/repo/evolog.h"
#include "repo/view_commit.h"
#include "store/snapshot_index.h"

namespace jvs {

std::vector<std::string> TagsOf(const View& view, const SnapshotId& id) {
  std::vector<std::string> out;
  for (const auto& [name, sid] : view.tags)
    if (sid == id) out.push_back(name);
  return out;
}

Result<std::vector<HistoryEntry>> History(Repo& repo, const std::string& worktree, const HistoryOptions& o) {
  // Descriptors come from the snapshot index (one cache file, verified
  // against the ids); what it lacked is filed there at the end.
  Store& store = repo.store();
  SnapshotIndexScope index_scope(repo);
  std::vector<HistoryEntry> out;
  auto keep = [&](const SnapshotId& id, std::shared_ptr<const Snapshot> s, bool hidden = false) -> Status {
    HistoryEntry e{id, std::move(s), TagsOf(repo.view(), id), hidden};
    if (o.tag && std::find(e.tags.begin(), e.tags.end(), *o.tag) == e.tags.end()) return OkStatus();
    if (o.grep && e.snapshot->note.find(*o.grep) == std::string::npos) return OkStatus();
    if (o.paths) {
      JVS_ASSIGN_OR_RETURN(bool changed, SnapshotChangesPath(repo, *e.snapshot, *o.paths));
      if (!changed) return OkStatus();
    }
    out.push_back(std::move(e));
    return OkStatus();
  };
  if (o.revisions) {
    // Visible: reached from the view's references, walked as index positions.
    std::vector<char> visible;
    JVS_TRY(store.WithSnapshotIndex([&](SnapshotIndex& index) -> Status {
      JVS_TRY(store.IndexSnapshots(repo.view().ReferencedSnapshots(), /*missing_ok=*/false));
      visible.assign(index.size(), 0);
      std::vector<uint32_t> stack, ps;
      for (const auto& id : repo.view().ReferencedSnapshots())
        if (auto p = index.Find(id)) stack.push_back(*p);
      while (!stack.empty()) {
        const uint32_t p = stack.back();
        stack.pop_back();
        if (visible[p]) continue;
        visible[p] = 1;
        index.Parents(p, &ps);
        for (uint32_t q : ps)
          if (q != IndexSegment::kMissingParent) stack.push_back(q);
      }
      return OkStatus();
    }));
    auto is_visible = [&](const SnapshotId& id) -> Result<bool> {
      bool vis = false;
      JVS_TRY(store.WithSnapshotIndex([&](SnapshotIndex& index) -> Status {
        auto p = index.Find(id);
        vis = p && *p < visible.size() && visible[*p];
        return OkStatus();
      }));
      return vis;
    };
    for (const auto& id : *o.revisions) {
      if (o.limit && out.size() >= *o.limit) break;
      JVS_ASSIGN_OR_RETURN(auto s, store.ReadSnapshot(id));
      JVS_ASSIGN_OR_RETURN(bool vis, is_visible(id));
      JVS_TRY(keep(id, std::move(s), !vis));
    }
    return out;
  }
  if (!o.all) {
    // The worktree's line, newest first: stop reading once `limit` matched.
    auto wt = repo.view().worktrees.find(worktree);
    if (wt != repo.view().worktrees.end() && wt->second.head) {
      std::unordered_set<SnapshotId, IdHash> seen;
      for (std::optional<SnapshotId> cur = wt->second.head;
           cur && seen.insert(*cur).second && !(o.limit && !o.hidden && out.size() >= *o.limit);) {
        SnapshotId id = *cur;
        JVS_ASSIGN_OR_RETURN(auto s, store.ReadSnapshot(id));
        cur = s->parents.empty() ? std::nullopt : std::optional<SnapshotId>(s->parents[0]);
        JVS_TRY(keep(id, std::move(s)));
      }
    }
    if (!o.hidden) return out;
  } else {
    JVS_ASSIGN_OR_RETURN(std::vector<SnapshotId> ids, repo.AllVisibleSnapshots());
    for (const auto& id : ids) {
      JVS_ASSIGN_OR_RETURN(auto s, store.ReadSnapshot(id));
      JVS_TRY(keep(id, std::move(s)));
    }
  }
  if (o.hidden) {
    JVS_ASSIGN_OR_RETURN(std::vector<SnapshotId> hidden, HiddenSnapshots(repo));
    for (const auto& id : hidden) {
      JVS_ASSIGN_OR_RETURN(auto s, store.ReadSnapshot(id));
      JVS_TRY(keep(id, std::move(s), true));
    }
  }
  {
    // Newest first; among equal times (pinned clocks, fast scripts) children
    // come before their parents: order by generation (distance from a root).
    std::unordered_map<SnapshotId, size_t, IdHash> gen;
    std::function<size_t(const SnapshotId&)> generation = [&](const SnapshotId& id) -> size_t {
      auto it = gen.find(id);
      if (it != gen.end()) return it->second;
      // Iterative to survive long lines: walk first parents down to a known one.
      std::vector<SnapshotId> stack{id};
      while (!stack.empty()) {
        SnapshotId cur = stack.back();
        if (gen.count(cur)) {
          stack.pop_back();
          continue;
        }
        auto s = repo.store().ReadSnapshot(cur);
        size_t g = 0;
        bool ready = true;
        if (s.ok()) {
          for (const auto& p : (*s)->parents) {
            auto pit = gen.find(p);
            if (pit == gen.end()) {
              stack.push_back(p);
              ready = false;
            } else {
              g = std::max(g, pit->second + 1);
            }
          }
        }
        if (ready) {
          gen[cur] = g;
          stack.pop_back();
        }
      }
      return gen[id];
    };
    for (const auto& e : out) generation(e.id);
    std::stable_sort(out.begin(), out.end(), [&](const HistoryEntry& a, const HistoryEntry& b) {
      if (a.snapshot->created_at != b.snapshot->created_at) return a.snapshot->created_at > b.snapshot->created_at;
      if (gen[a.id] != gen[b.id]) return gen[a.id] > gen[b.id];
      if (a.hidden != b.hidden) return b.hidden;  // a rewrite keeps the time: the visible version first
      return a.id < b.id;
    });
  }
  if (o.limit && out.size() > *o.limit) out.resize(*o.limit);
  return out;
}

}  // namespace jvs
