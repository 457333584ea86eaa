#include "jvs/repo/tags.h"

#include <vector>

#include "jvs/base/repo_path.h"
#include "jvs/base/suggest.h"
#include "jvs/repo/transaction.h"

namespace jvs {

Result<TagOutcome> SetTag(Repo& repo, const std::string& name, const SnapshotId& id) {
  JVS_TRY(ValidateTagName(name));
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

}  // namespace jvs
