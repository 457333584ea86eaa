// Tags: movable names for snapshots, kept in the view (never inside a
// snapshot). Setting or deleting a tag is one operation, published through a
// Transaction. Functions take the Repo (not owned); not thread-safe.
#pragma once

#include <optional>
#include <string>

#include "jvs/repo/repo.h"

namespace jvs {

struct TagOutcome {
  std::string name;
  SnapshotId id;                // where the tag points (set) or pointed (delete)
  bool changed = false;         // false: the tag already pointed there, nothing published
  bool moved = false;           // set: the tag existed and pointed elsewhere
  std::optional<OperationId> op;  // the operation, when one was published
};

// ValidateTagName, and not a name of 4 or more hex digits only (it would
// read as a snapshot id prefix). For new tags; views keep older ones.
Status ValidateNewTagName(const std::string& name);

// Points tag `name` at `id`, creating or moving it (one operation); does
// nothing when it already points there. The name is validated.
Result<TagOutcome> SetTag(Repo& repo, const std::string& name, const SnapshotId& id);

// The newest snapshot a tag whose name matches the glob `pattern` (fnmatch:
// * ? [...]; empty: any tag) names, with that tag (restore --latest-tag, as in
// the original JVS). Newest by creation time; among equal times a descendant
// before its ancestors, then by tag name. kNotFound when no tag matches,
// naming the tags there are.
struct TaggedSnapshot {
  std::string tag;
  SnapshotId id;
};
Result<TaggedSnapshot> LatestTagged(Repo& repo, const std::string& pattern);

// Deletes tag `name` (one operation); its snapshot stays visible as a head.
// kNotFound, naming the closest existing tags, when there is no such tag.
Result<TagOutcome> DeleteTag(Repo& repo, const std::string& name);

}  // namespace jvs
