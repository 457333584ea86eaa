#include "jvs/repo/tags.h"

#include <algorithm>
#include <cctype>
#include <fnmatch.h>
#include <vector>

#include "jvs/base/repo_path.h"
#include "jvs/base/suggest.h"
#include "jvs/repo/transaction.h"
#include "repo/ancestry.h"

namespace jvs {

Status ValidateNewTagName(const std::string& name) {
  JVS_TRY(ValidateTagName(name));
  // A name of 4 or more hex digits reads as a snapshot id prefix: `diff` and
  // `restore` by that prefix would pick the tag, or the tag would hide a
  // snapshot. Such a name is refused (a tag set by an older jvs still resolves).
  if (name.size() >= 4 &&
      std::all_of(name.begin(), name.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
    return Error(ErrorCode::kInvalidArgument,
                 "invalid tag name '" + name + "': it looks like a snapshot id prefix (hex digits only)",
                 "give the tag a name with at least one other character, such as v" + name + " or t-" + name);
  return OkStatus();
}

Result<TagOutcome> SetTag(Repo& repo, const std::string& name, const SnapshotId& id) {
  JVS_TRY(ValidateNewTagName(name));
  
TagOutcome out;
  out.name = name;
  out.id = id;
  Transaction tx(repo);
  auto old = tx.view().tags.find(name);
  if (old != tx.view().tags.end() && old->second == id) return out;
  out.moved = old != tx.view().tags.end();
  tx.SetTag(name, id);
  JVS_ASSIGN_OR_RETURN(out.op, tx.Commit("set tag " + name + " to " + id.hex().substr(0, 12)));
  out.changed = true;
  return out;
}

Result<TagOutcome> DeleteTag(Repo& repo, const std::string& name) {
  Transaction tx(repo);
  auto it = tx.view().tags.find(name);
  if (it == tx.view().tags.end()) {
    std::string names;
    std::vector<std::string> all;
    for (const auto& [n, id] : tx.view().tags) {
      names += (names.empty() ? "" : ", ") + n;
      all.push_back(n);
    }
    std::string dym = DidYouMean(ClosestNames(name, all));
    return Error(ErrorCode::kNotFound, "no tag named '" + name + "'",
                 names.empty() ? "there are no tags" : (dym.empty() ? "" : dym + " ") + "existing tags: " + names);
  }
  TagOutcome out;
  out.name = name;
  out.id = it->second;
  tx.DeleteTag(name);
  JVS_ASSIGN_OR_RETURN(out.op, tx.Commit("delete tag " + name));
  out.changed = true;
  return out;
}

Result<TaggedSnapshot> LatestTagged(Repo& repo, const std::string& pattern) {
  struct Candidate {
    std::string tag;
    SnapshotId id;
    std::string created_at;
  };
  std::vector<Candidate> found;
  std::vector<std::string> all;
  for (const auto& [name, id] : repo.view().tags) {
    all.push_back(name);
    if (!pattern.empty() && fnmatch(pattern.c_str(), name.c_str(), 0) != 0) continue;
    JVS_ASSIGN_OR_RETURN(auto s, repo.ReadSnapshot(id));
    found.push_back({name, id, s->created_at});
  }
  if (found.empty()) {
    std::string names;
    for (size_t i = 0; i < all.size() && i < 20; ++i) names += (names.empty() ? "" : ", ") + all[i];
    if (all.size() > 20) names += " and " + std::to_string(all.size() - 20) + " more";
    if (all.empty()) return Error(ErrorCode::kNotFound, "there are no tags", "tag a snapshot first").WithRemedy(Remedy::kListReferences);
    return Error(ErrorCode::kNotFound, "no tag matches '" + pattern + "'",
                 "the pattern is a glob (* ? [...]) matched against whole tag names; existing tags: " + names);
  }
  // RFC 3339 times of one format compare as text; ties go to descendants.
  size_t best = 0;
  for (size_t i = 1; i < found.size(); ++i) {
    const Candidate& c = found[i];
    const Candidate& b = found[best];
    if (c.created_at != b.created_at) {
      if (c.created_at > b.created_at) best = i;
      continue;
    }
    if (c.id == b.id) continue;  // the first tag name (sorted) stays
    JVS_ASSIGN_OR_RETURN(bool below, IsAncestor(repo, b.id, c.id));
    if (below) best = i;
  }
  return TaggedSnapshot{found[best].tag, found[best].id};
}

}  // namespace jvs
