// The JSON form of a list of changes (status and diff).
#include "commands.h"

namespace jvs::cli {

namespace {

json ChangeJson(const TreeChange& c) {
  const TreeEntry* e = c.new_entry ? &*c.new_entry : &*c.old_entry;
  auto hex = [](const std::optional<TreeEntry>& x) -> json {
    return x ? json(ToHex(x->id.data(), x->id.size())) : json(nullptr);
  };
  std::string mode = e->kind == EntryKind::kExecutable ? "100755"
                     : e->kind == EntryKind::kSymlink  ? "120000"
                     : e->kind == EntryKind::kTree     ? "040000"
                                                       : "100644";
  json j{{"path", c.path.str()},
              {"type", std::string(EntryKindName(e->kind))},
              {"mode", mode},
              {"size", c.new_entry ? json(c.new_entry->size) : json(nullptr)},
              {"old_size", c.old_entry ? json(c.old_entry->size) : json(nullptr)},
              {"old_hash", hex(c.old_entry)},
              {"new_hash", hex(c.new_entry)}};
  SetNameJson(j, "path", c.path.str());
  return j;
}

}  // namespace

json ChangesJson(const std::vector<TreeChange>& changes) {
  json added = json::array(), removed = json::array(), modified = json::array();
  for (const auto& c : changes) {
    if (c.added()) added.push_back(ChangeJson(c));
    else if (c.removed()) removed.push_back(ChangeJson(c));
    else modified.push_back(ChangeJson(c));
  }
  json j;
  j["added"] = added;
  j["removed"] = removed;
  j["modified"] = modified;
  j["total_added"] = added.size();
  j["total_removed"] = removed.size();
  j["total_modified"] = modified.size();
  return j;
}

}  // namespace jvs::cli
