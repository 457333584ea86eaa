// Checkout: the permission bits of directories. A directory's recorded mode is
// set after its content is written (a 0500 directory must still be filled),
// deepest first (a parent without x would stop the chmod of a child).
#include <sys/stat.h>

#include <algorithm>

#include "wc/checkout.h"

namespace jvs {

namespace {
size_t Depth(const std::string& p) {
  return p.empty() ? 0 : 1 + static_cast<size_t>(std::count(p.begin(), p.end(), '/'));
}
}  // namespace

Status Checkout::OpenDirsForWriting(const std::vector<TreeChange>& changes) {
  std::set<std::string> dirs;
  for (const auto& c : changes) dirs.insert(c.path.parent().str());
  for (const auto& d : dirs) {
    JVS_ASSIGN_OR_RETURN(RepoPath rp, RepoPath::Parse(d));
    if (!rp.is_root() && !EnsureRealDir(rp, false).ok()) continue;  // missing: created later
    fs::path p = rp.is_root() ? workspace_ : rp.ToFsPath(workspace_);
    auto st = env_->Lstat(p);
    if (!st.ok() || !S_ISDIR(st->st_mode)) continue;
    mode_t mode = st->st_mode & 07777;
    if ((mode & S_IRWXU) == S_IRWXU) continue;
    JVS_TRY(env_->Chmod(p, mode | S_IRWXU));
    opened_dirs_.emplace(d, mode);
  }
  return OkStatus();
}

Status Checkout::SetDirModes(const std::vector<TreeChange>& changes, const TreeGetter& get,
                             const TreeId& target_root) {
  std::set<std::string> dirs(created_dirs_.begin(), created_dirs_.end());
  for (const auto& [d, mode] : opened_dirs_) dirs.insert(d);
  for (const auto& c : changes)
    if (c.new_entry && c.new_entry->kind == EntryKind::kTree) dirs.insert(c.path.str());
  std::vector<std::string> order(dirs.begin(), dirs.end());
  std::stable_sort(order.begin(), order.end(),
                   [](const std::string& a, const std::string& b) { return Depth(a) > Depth(b); });
  for (const auto& d : order) {
    JVS_ASSIGN_OR_RETURN(RepoPath rp, RepoPath::Parse(d));
    std::optional<mode_t> want;
    if (!rp.is_root()) {
      JVS_ASSIGN_OR_RETURN(auto entry, LookupPath(get, target_root, rp));
      if (entry && entry->kind == EntryKind::kTree) want = static_cast<mode_t>(entry->EffectiveMode());
    }
    if (!want) {
      // Not a directory of the target (the workspace root, or one kept for
      // its untracked files): the mode it had.
      auto it = opened_dirs_.find(d);
      if (it == opened_dirs_.end()) continue;
      want = it->second;
    }
    if (!rp.is_root() && !EnsureRealDir(rp, false).ok()) continue;  // removed
    fs::path p = rp.is_root() ? workspace_ : rp.ToFsPath(workspace_);
    auto st = env_->Lstat(p);
    if (!st.ok() || !S_ISDIR(st->st_mode)) continue;
    if ((st->st_mode & 07777) == *want) continue;
    if (Status ch = env_->Chmod(p, *want); !ch.ok())
      return ch.error().WithContext("setting the mode of '" + (d.empty() ? std::string(".") : d) + "'");
  }
  opened_dirs_.clear();
  created_dirs_.clear();
  return OkStatus();
}

}  // namespace jvs
