// Reference resolution (see jvs/repo/refs.h).
#include "jvs/repo/refs.h"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "jvs/base/change_id.h"
#include "jvs/base/suggest.h"
#include "jvs/repo/change_ids.h"

namespace jvs {

namespace {

Error NotFound(std::string_view ref, const View* view = nullptr) {
  std::string hint =
      "use a snapshot id prefix (4+ hex digits), a change id prefix (letters k-z), a tag, @, latest, NAME@, "
      "REF~N or a note prefix";
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
  if (ref.size() > 1 && ref.back() == '@' && !view.tags.count(std::string(ref))) {
    // NAME@: the head of worktree NAME (Jujutsu's form).
    const std::string name(ref.substr(0, ref.size() - 1));
    auto other = view.worktrees.find(name);
    if (other == view.worktrees.end()) {
      std::vector<std::string> names;
      for (const auto& [n, w] : view.worktrees) names.push_back(n);
      std::string dym = DidYouMean(ClosestNames(name, names));
      return Error(ErrorCode::kNotFound, "no worktree '" + name + "' (in '" + std::string(ref) + "')",
                   (dym.empty() ? std::string() : dym + " ") + "NAME@ names the head of worktree NAME")
          .WithRemedy(Remedy::kListReferences);
    }
    if (!other->second.head)
      return Error(ErrorCode::kNotFound, "worktree '" + name + "' has no snapshot yet")
          .WithRemedy(Remedy::kCreateSnapshot);
    return *other->second.head;
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
  // A change id prefix (reverse hex, letters k-z: never a hex prefix) names
  // the visible snapshot of that change. An ambiguous prefix is reported only
  // when no note starts with the reference either (so words stay usable as
  // note prefixes).
  std::optional<Error> change_error;
  if (IsReverseHex(lower)) {
    JVS_ASSIGN_OR_RETURN(ChangeIndex index, ChangeIndex::Build(repo));
    const std::string hex = *ReverseHexToChangeId(lower);
    const std::vector<std::string> changes = index.ChangesWithPrefix(hex);
    auto line = [&repo](const SnapshotId& id) {
      auto s = repo.store().ReadSnapshot(id);
      return "\n  " + id.hex().substr(0, 16) + (s.ok() ? "  " + (*s)->created_at + "  " + (*s)->note : "");
    };
    if (changes.size() == 1) {
      const std::vector<SnapshotId> snaps = index.Snapshots(changes[0]);
      if (snaps.size() == 1) return snaps[0];
      std::string cands;
      for (const auto& id : snaps) cands += line(id);
      return Error(ErrorCode::kAmbiguous,
                   "change " + *ChangeIdToReverseHex(changes[0].substr(0, 12)) + " is divergent: " + std::to_string(snaps.size()) +
                       " visible snapshots have it:" + cands,
                   "name one of them by its snapshot id");
    }
    if (changes.size() > 1) {
      std::string cands;
      for (const auto& c : changes) {
        const std::vector<SnapshotId> snaps = index.Snapshots(c);
        cands += "\n  " + *ChangeIdToReverseHex(c.substr(0, 12));
        if (!snaps.empty()) cands += line(snaps[0]).substr(2);
      }
      change_error = Error(ErrorCode::kAmbiguous,
                           "change id prefix '" + std::string(ref) + "' is ambiguous; candidates:" + cands,
                           "give more letters of the change id");
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
    // A note given in full wins over the notes it is a prefix of.
    std::vector<SnapshotId> exact;
    for (const auto& [id, note] : hits)
      if (note.size() == ref.size()) exact.push_back(id);
    if (exact.size() == 1) return exact[0];
    if (hits.size() > 1) {
      std::sort(hits.begin(), hits.end());
      std::string cands;
      for (const auto& [id, note] : hits) cands += "\n  " + id.hex().substr(0, 16) + "  " + note;
      return Error(ErrorCode::kAmbiguous,
                   "reference '" + std::string(ref) + "' matches the notes of several snapshots; candidates:" + cands,
                   "use a snapshot id prefix or a tag instead");
    }
  }
  if (change_error) return *change_error;
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
  // A malformed suffix ("@~abc", "@~-1") is named as such, before any walk
  // could report going past the first snapshot.
  if (e.suffix_error) return *e.suffix_error;
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
  return id;
}

}  // namespace jvs
