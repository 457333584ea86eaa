#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "jvs/base/suggest.h"
#include "jvs/repo/workspace.h"

namespace jvs {

std::vector<std::string> TagsOf(const View& view, const SnapshotId& id) {
  std::vector<std::string> out;
  for (const auto& [name, sid] : view.tags)
    if (sid == id) out.push_back(name);
  return out;
}

namespace {

Error NotFound(std::string_view ref, const View* view = nullptr) {
  std::string hint = "use a snapshot id prefix (4+ hex digits), a tag, @, latest, REF~N or a note prefix";
  if (view) {
    // Worktree names are not references: say where a worktree's snapshots are.
    if (view->worktrees.count(std::string(ref)))
      return Error(ErrorCode::kNotFound, "unknown reference '" + std::string(ref) + "'",
                   "'" + std::string(ref) + "' is a worktree, not a reference (its snapshots are in the "
                   "history of every line); " + hint)
          .WithRemedy(Remedy::kListReferences);
    // A mistyped tag or keyword: name the closest ones first.
    std::vector<std::string> names;
    for (const auto& [name, id] : view->tags) names.push_back(name);
    for (const char* k : {"@", "HEAD", "latest"}) names.push_back(k);
    std::string dym = DidYouMean(ClosestNames(ref, names));
    if (!dym.empty()) hint = dym + " Or " + hint;
  }
  return Error(ErrorCode::kNotFound, "unknown reference '" + std::string(ref) + "'", hint)
      .WithRemedy(Remedy::kListReferences);
}

Result<SnapshotId> ResolveBase(Repo& repo, const std::string& worktree, std::string_view ref) {
  const View& view = repo.view();
  auto wt = view.worktrees.find(worktree);
  if (ref == "@" || ref == "HEAD") {
    if (wt == view.worktrees.end() || !wt->second.head)
      return Error(ErrorCode::kNotFound, "worktree '" + worktree + "' has no snapshot yet")
          .WithRemedy(Remedy::kCreateSnapshot);
    return *wt->second.head;
  }
  if (ref == "latest") {
    if (wt == view.worktrees.end() || !wt->second.latest)
      return Error(ErrorCode::kNotFound, "worktree '" + worktree + "' has no snapshot yet")
          .WithRemedy(Remedy::kCreateSnapshot);
    return *wt->second.latest;
  }
  if (auto t = view.tags.find(std::string(ref)); t != view.tags.end()) return t->second;
  std::string lower(ref);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.size() >= 4 && IsHexString(lower)) {
    JVS_ASSIGN_OR_RETURN(auto matches, repo.store().FindSnapshotsByPrefix(lower));
    if (matches.size() == 1) return matches[0];
    if (matches.size() > 1) {
      std::string cands;
      for (const auto& m : matches) {
        auto s = repo.store().ReadSnapshot(m);
        cands += "\n  " + m.hex().substr(0, 16) + (s.ok() ? "  " + (*s)->created_at + "  " + (*s)->note : "");
      }
      return Error(ErrorCode::kAmbiguous, "reference '" + std::string(ref) + "' is ambiguous; candidates:" + cands,
                   "give more digits of the snapshot id");
    }
  }
  // Last resort: a unique prefix of a note among visible snapshots.
  if (!ref.empty()) {
    JVS_ASSIGN_OR_RETURN(auto all, repo.AllVisibleSnapshots());
    std::vector<std::pair<SnapshotId, std::string>> hits;
    for (const auto& id : all) {
      JVS_ASSIGN_OR_RETURN(auto s, repo.store().ReadSnapshot(id));
      if (s->note.compare(0, ref.size(), ref) == 0) hits.emplace_back(id, s->note);
    }
    if (hits.size() == 1) return hits[0].first;
    if (hits.size() > 1) {
      std::sort(hits.begin(), hits.end());
      std::string cands;
      for (const auto& [id, note] : hits) cands += "\n  " + id.hex().substr(0, 16) + "  " + note;
      return Error(ErrorCode::kAmbiguous,
                   "reference '" + std::string(ref) + "' matches the notes of several snapshots; candidates:" + cands,
                   "use a snapshot id prefix or a tag instead");
    }
  }
  return NotFound(ref, &view);
}

}  // namespace

Result<RefExpr> ParseRefExpr(std::string_view ref) {
  if (ref.empty()) return Error(ErrorCode::kInvalidArgument, "empty reference", "give a snapshot id, tag or @");
  RefExpr e;
  size_t tilde = ref.find('~');
  if (tilde == std::string_view::npos || tilde == 0) {
    e.base = std::string(ref);
    return e;
  }
  e.base = std::string(ref.substr(0, tilde));
  std::string_view rest = ref.substr(tilde);
  while (!rest.empty()) {
    if (rest[0] != '~') {
      e.suffix_error = NotFound(ref);
      return e;
    }
    rest.remove_prefix(1);
    uint32_t n = 0;
    size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
      n = n * 10 + static_cast<uint32_t>(rest[digits] - '0');
      if (++digits > 6) {
        e.suffix_error = Error(ErrorCode::kInvalidArgument, "invalid reference '" + std::string(ref) + "'");
        return e;
      }
    }
    if (digits == 0) n = 1;
    rest.remove_prefix(digits);
    e.steps.push_back(n);
  }
  return e;
}

Result<SnapshotId> ResolveRef(Repo& repo, const std::string& worktree, std::string_view ref) {
  JVS_ASSIGN_OR_RETURN(RefExpr e, ParseRefExpr(ref));
  JVS_ASSIGN_OR_RETURN(SnapshotId id, ResolveBase(repo, worktree, e.base));
  for (uint32_t n : e.steps) {
    for (uint32_t i = 0; i < n; ++i) {
      JVS_ASSIGN_OR_RETURN(auto s, repo.store().ReadSnapshot(id));
      if (s->parents.empty())
        return Error(ErrorCode::kNotFound, "'" + std::string(ref) + "' goes past the first snapshot of its line",
                     "use a smaller N")
            .WithRemedy(Remedy::kSeeHistory);
      id = s->parents[0];
    }
  }
  if (e.suffix_error) return *e.suffix_error;
  return id;
}

Result<std::vector<HistoryEntry>> History(Repo& repo, const std::string& worktree, const HistoryOptions& o) {
  // Descriptors come from the snapshot index (one cache file, verified
  // against the ids); what it lacked is filed there at the end.
  Store& store = repo.store();
  store.UseSnapshotIndex(true);
  struct IndexOff {
    Store& s;
    ~IndexOff() {
      (void)s.FlushSnapshotIndex();  // a cache: a read-only repository just stays slower
      s.UseSnapshotIndex(false);
    }
  } index_off{store};
  std::vector<HistoryEntry> out;
  auto keep = [&](const SnapshotId& id, std::shared_ptr<const Snapshot> s) {
    HistoryEntry e{id, std::move(s), TagsOf(repo.view(), id)};
    if (o.tag && std::find(e.tags.begin(), e.tags.end(), *o.tag) == e.tags.end()) return;
    if (o.grep && e.snapshot->note.find(*o.grep) == std::string::npos) return;
    out.push_back(std::move(e));
  };
  if (!o.all) {
    // The worktree's line, newest first: stop reading once `limit` matched.
    auto wt = repo.view().worktrees.find(worktree);
    if (wt != repo.view().worktrees.end() && wt->second.head) {
      std::unordered_set<SnapshotId, IdHash> seen;
      for (std::optional<SnapshotId> cur = wt->second.head;
           cur && seen.insert(*cur).second && !(o.limit && out.size() >= *o.limit);) {
        SnapshotId id = *cur;
        JVS_ASSIGN_OR_RETURN(auto s, store.ReadSnapshot(id));
        cur = s->parents.empty() ? std::nullopt : std::optional<SnapshotId>(s->parents[0]);
        keep(id, std::move(s));
      }
    }
    return out;
  }
  JVS_ASSIGN_OR_RETURN(std::vector<SnapshotId> ids, repo.AllVisibleSnapshots());
  for (const auto& id : ids) {
    JVS_ASSIGN_OR_RETURN(auto s, store.ReadSnapshot(id));
    keep(id, std::move(s));
  }
  if (o.all) {
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
      return a.id < b.id;
    });
  }
  if (o.limit && out.size() > *o.limit) out.resize(*o.limit);
  return out;
}

}  // namespace jvs
