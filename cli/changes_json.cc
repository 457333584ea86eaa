// The JSON form of a list of changes (status and diff).
#include "commands.h"

namespace jvs::cli {

namespace {

json ChangeJson(const TreeChange& c) {
  const TreeEntry* e = c.new_entry ? &*c.new_entry : &*c.old_entry;
  auto hex = [](const std::optional<TreeEntry>& x) -> json {
    return x ? json(ToHex(x->id.data(), x->id.size())) : json(nullptr);
  };
  // As git writes it: the kind only (permission bits are in "permissions").
  auto git_mode = [](const std::optional<TreeEntry>& x) -> json {
    if (!x) return json(nullptr);
    return x->kind == EntryKind::kExecutable ? "100755"
           : x->kind == EntryKind::kSymlink  ? "120000"
           : x->kind == EntryKind::kTree     ? "040000"
                                             : "100644";
  };
  auto kind = [](const std::optional<TreeEntry>& x) -> json {
    return x ? json(std::string(EntryKindName(x->kind))) : json(nullptr);
  };
  // The recorded permission bits in octal ("0644", "0600", "2775"); null for
  // a symlink (it has none) or a missing side.
  auto perms = [](const std::optional<TreeEntry>& x) -> json {
    if (!x || x->kind == EntryKind::kSymlink) return json(nullptr);
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%04o", x->EffectiveMode());
    return json(std::string(buf));
  };
  json j{{"path", c.path.str()},
              {"type", std::string(EntryKindName(e->kind))},
              {"old_type", kind(c.old_entry)},
              {"mode", git_mode(c.new_entry ? c.new_entry : c.old_entry)},
              {"old_mode", git_mode(c.old_entry)},
              {"permissions", perms(c.new_entry ? c.new_entry : c.old_entry)},
              {"old_permissions", perms(c.old_entry)},
              {"size", c.new_entry ? json(c.new_entry->size) : json(nullptr)},
              {"old_size", c.old_entry ? json(c.old_entry->size) : json(nullptr)},
              {"old_hash", hex(c.old_entry)},
              {"new_hash", hex(c.new_entry)}};
  SetNameJson(j, "path", c.path.str());
  return j;
}

}  // namespace

json ChangesJson(const std::vector<TreeChange>& changes) {
  json added = json::array(), removed = json::array(), modified = json::array(), renamed = json::array();
  for (const auto& c : changes) {
    if (c.renamed()) {
      json r = ChangeJson(c);
      SetNameJson(r, "old_path", c.old_path->str());
      r["similarity"] = c.similarity;
      renamed.push_back(std::move(r));
    } else if (c.added()) added.push_back(ChangeJson(c));
    else if (c.removed()) removed.push_back(ChangeJson(c));
    else modified.push_back(ChangeJson(c));
  }
  json j;
  j["added"] = added;
  j["removed"] = removed;
  j["modified"] = modified;
  j["renamed"] = renamed;
  j["total_added"] = added.size();
  j["total_removed"] = removed.size();
  j["total_modified"] = modified.size();
  j["total_renamed"] = renamed.size();
  return j;
}

}  // namespace jvs::cli
