// ImportFromGit (jvs/git/git.h): Git commits -> snapshots, parents first, in
// one operation; commits and trees mapped by earlier imports or exports are
// reused while their snapshots and trees are still stored.
#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <set>

#include "git/git_util.h"
#include "jvs/base/change_id.h"
#include "jvs/base/interrupt.h"
#include "jvs/base/repo_path.h"
#include "jvs/base/timeutil.h"
#include "jvs/git/git.h"
#include "jvs/merge/tree_diff.h"
#include "jvs/repo/transaction.h"

namespace jvs {

namespace {

using namespace git;

inline constexpr const char* kImportEngine = "git";

class Importer {
 public:
  Importer(Repo& repo, git_repository* g, git_odb* odb, GitMap& map, GitImportOutcome& out)
      : repo_(repo), g_(g), odb_(odb), map_(map), out_(out) {}

  // The snapshot of commit `oid`, whose parents are imported already.
  Result<SnapshotId> Commit(const git_oid& oid, const std::string& worktree);
  // The snapshot a commit is mapped to, if it is still stored.
  std::optional<SnapshotId> Mapped(const std::string& commit_hex) {
    if (const std::string* hex = map_.Get('c', commit_hex))
      if (auto id = SnapshotId::FromHex(*hex); id.ok() && repo_.store().HasSnapshot(*id)) return *id;
    return std::nullopt;
  }

 private:
  Result<TreeId> Tree(const git_oid& oid, size_t depth, const std::string& path);
  Result<std::pair<BlobId, uint64_t>> Blob(const git_oid& oid);

  Repo& repo_;
  git_repository* g_;
  git_odb* odb_;
  GitMap& map_;
  GitImportOutcome& out_;
};

Result<std::pair<BlobId, uint64_t>> Importer::Blob(const git_oid& oid) {
  const std::string hex = OidHex(oid);
  if (const std::string* known = map_.GitBlobToJvs(hex))
    if (auto id = BlobId::FromHex(*known); id.ok() && repo_.store().HasBlob(*id)) {
      size_t len = 0;
      git_object_t type;
      if (git_odb_read_header(&len, &type, odb_, &oid) == 0) return std::make_pair(*id, uint64_t{len});
    }
  git_blob* b = nullptr;
  if (git_blob_lookup(&b, g_, &oid) != 0) return GitError("cannot read Git blob " + hex, ErrorCode::kCorrupt);
  BlobPtr blob(b);
  std::string_view data(static_cast<const char*>(git_blob_rawcontent(b)), git_blob_rawsize(b));
  if (auto pointer = ParseLfsPointer(data)) {
    // A Git LFS pointer whose object is here: the object's content (not
    // mapped, so that the blob map stays one Git blob per content).
    const std::string& lfs = pointer->first;
    const fs::path dir = fs::path(git_repository_path(g_)) / "lfs" / "objects" / lfs.substr(0, 2) / lfs.substr(2, 2);
    if (repo_.env()->Exists(dir / lfs)) {
      JVS_ASSIGN_OR_RETURN(UniqueFd dirfd, repo_.env()->Open(dir, O_RDONLY | O_DIRECTORY));
      JVS_ASSIGN_OR_RETURN(IngestResult in, repo_.store().IngestFile(dirfd.get(), lfs.c_str(), repo_.engine()));
      if (in.id.hex() != lfs || in.size != pointer->second)
        return Error(ErrorCode::kCorrupt, "Git LFS object " + lfs.substr(0, 12) + " does not match its pointer");
      ++out_.lfs_objects;
      return std::make_pair(in.id, in.size);
    }
  }
  JVS_ASSIGN_OR_RETURN(BlobId id, repo_.store().WriteBlob(data));
  map_.Put('b', id.hex(), hex);
  return std::make_pair(id, uint64_t{data.size()});
}

Result<TreeId> Importer::Tree(const git_oid& oid, size_t depth, const std::string& path) {
  if (depth > kMaxTreeDepth) return Error(ErrorCode::kCorrupt, "Git tree deeper than " + std::to_string(kMaxTreeDepth));
  const std::string hex = OidHex(oid);
  // Mapped trees are the same at any depth except the marker tree (mapped
  // only below the root, where it means an empty directory).
  if (const std::string* known = map_.Get('g', hex); known && depth > 0)
    if (auto id = TreeId::FromHex(*known); id.ok() && repo_.store().backend().Has(StoreKind::kTree, id->bytes()))
      return *id;
  git_tree* t = nullptr;
  if (git_tree_lookup(&t, g_, &oid) != 0) return GitError("cannot read Git tree " + hex, ErrorCode::kCorrupt);
  TreePtr tree(t);
  const size_t n = git_tree_entrycount(t);
  if (depth > 0 && n == 1) {  // the empty-directory convention
    const git_tree_entry* e = git_tree_entry_byindex(t, 0);
    size_t len = 1;
    git_object_t type;
    if (std::string_view(git_tree_entry_name(e)) == kEmptyDirMarker &&
        git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB &&
        git_odb_read_header(&len, &type, odb_, git_tree_entry_id(e)) == 0 && len == 0)
      return EmptyTreeId();
  }
  jvs::Tree out;
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(t, i);
    const std::string name = git_tree_entry_name(e);
    const std::string child = path.empty() ? name : path + "/" + name;
    if (!RepoPath::Parse(name).ok() || name.find('/') != std::string::npos) {
      out_.skipped.push_back(child + ": not a name jvs keeps");
      continue;
    }
    TreeEntry entry;
    entry.name = name;
    switch (git_tree_entry_filemode(e)) {
      case GIT_FILEMODE_TREE: {
        JVS_ASSIGN_OR_RETURN(TreeId sub, Tree(*git_tree_entry_id(e), depth + 1, child));
        JVS_ASSIGN_OR_RETURN(auto sub_tree, repo_.store().ReadTree(sub));
        entry.kind = EntryKind::kTree;
        entry.id = sub.bytes();
        entry.size = sub_tree->TotalSize();
        break;
      }
      case GIT_FILEMODE_BLOB:
      case GIT_FILEMODE_BLOB_EXECUTABLE:
      case GIT_FILEMODE_LINK: {
        JVS_ASSIGN_OR_RETURN(auto blob, Blob(*git_tree_entry_id(e)));
        entry.kind = git_tree_entry_filemode(e) == GIT_FILEMODE_LINK             ? EntryKind::kSymlink
                     : git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB_EXECUTABLE ? EntryKind::kExecutable
                                                                                  : EntryKind::kFile;
        entry.id = blob.first.bytes();
        entry.size = blob.second;
        break;
      }
      default:  // a submodule (a commit of another repository)
        out_.skipped.push_back(child + ": a Git submodule");
        continue;
    }
    out.entries.push_back(std::move(entry));
  }
  // Git orders a directory as if its name ended in '/'; jvs bytewise.
  std::sort(out.entries.begin(), out.entries.end(),
            [](const TreeEntry& a, const TreeEntry& b) { return a.name < b.name; });
  JVS_ASSIGN_OR_RETURN(TreeId id, repo_.store().WriteTree(out));
  if (depth > 0) map_.Put('g', hex, id.hex());
  return id;
}

Result<SnapshotId> Importer::Commit(const git_oid& oid, const std::string& worktree) {
  const std::string hex = OidHex(oid);
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, g_, &oid) != 0) return GitError("cannot read Git commit " + hex, ErrorCode::kCorrupt);
  CommitPtr commit(c);
  Snapshot s;
  for (unsigned i = 0; i < git_commit_parentcount(c); ++i) {
    const std::string p = OidHex(*git_commit_parent_id(c, i));
    auto mapped = Mapped(p);
    if (!mapped) return Error(ErrorCode::kNotFound, "Git commit " + hex + ": parent " + p + " was not imported");
    if (std::find(s.parents.begin(), s.parents.end(), *mapped) == s.parents.end()) s.parents.push_back(*mapped);
  }
  JVS_ASSIGN_OR_RETURN(TreeId root, Tree(*git_commit_tree_id(c), 0, ""));
  s.SetTree(root);
  BufGuard field;
  s.change_id.clear();
  if (git_commit_header_field(&field.buf, c, kChangeIdHeader) == 0) {
    auto decoded = ReverseHexToChangeId(std::string_view(field.buf.ptr, field.buf.size));
    if (decoded && decoded->size() == 32) s.change_id = *decoded;
  }
  if (s.change_id.empty()) s.change_id = SyntheticChangeId(hex);
  s.note = git_commit_message_raw(c);
  if (!s.note.empty() && s.note.back() == '\n') s.note.pop_back();
  const git_signature* author = git_commit_author(c);
  s.created_at = FormatRfc3339(static_cast<int64_t>(author->when.time) * 1000000000);
  s.author = JoinAuthor(author->name ? author->name : "", author->email ? author->email : "");
  s.worktree = worktree;
  s.engine = kImportEngine;
  JVS_ASSIGN_OR_RETURN(SnapshotId id, repo_.store().WriteSnapshot(s));
  map_.Put('c', hex, id.hex());
  ++out_.snapshots_written;
  return id;
}

struct SelectedRef {
  std::string name;
  git_oid commit;
};

Result<std::vector<SelectedRef>> SelectRefs(git_repository* g, const std::string& pattern, GitImportOutcome* out) {
  git_reference_iterator* it_raw = nullptr;
  if (git_reference_iterator_new(&it_raw, g) != 0) return GitError("cannot list Git refs");
  std::unique_ptr<git_reference_iterator, Deleter<git_reference_iterator, git_reference_iterator_free>> it(it_raw);
  std::vector<SelectedRef> refs;
  git_reference* ref = nullptr;
  while (git_reference_next(&ref, it_raw) == 0) {
    RefPtr guard(ref);
    const std::string name = git_reference_name(ref);
    const bool wanted = pattern.empty() ? name.rfind("refs/heads/", 0) == 0 || name.rfind("refs/tags/", 0) == 0
                                        : fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
    if (!wanted) continue;
    git_object* obj = nullptr;
    if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) != 0) {
      out->skipped.push_back(name + ": does not name a commit");
      continue;
    }
    refs.push_back({name, *git_object_id(obj)});
    git_object_free(obj);
  }
  std::sort(refs.begin(), refs.end(), [](const SelectedRef& a, const SelectedRef& b) { return a.name < b.name; });
  return refs;
}

}  // namespace

Result<GitImportOutcome> ImportFromGit(Workspace& ws, const GitImportOptions& options) {
  InitLibgit2();
  Repo& repo = ws.repo();
  GitImportOutcome out;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, options.git_dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
    return GitError(options.git_dir.string() + " is not a Git repository", ErrorCode::kNotFound)
        .WithHint("name a Git repository (its work tree or its .git directory, or a bare one)");
  RepoPtr g(raw);
  git_odb* odb_raw = nullptr;
  if (git_repository_odb(&odb_raw, raw) != 0) return GitError("cannot open the Git object database");
  OdbPtr odb(odb_raw);
  GitMap map;
  const fs::path map_path = GitMapPath(repo, options.git_dir);
  JVS_TRY(map.Load(repo.env(), map_path));
  JVS_ASSIGN_OR_RETURN(std::vector<SelectedRef> refs, SelectRefs(raw, options.refs_pattern, &out));

  // Every commit reachable from the refs, parents first.
  git_revwalk* walk_raw = nullptr;
  if (git_revwalk_new(&walk_raw, raw) != 0) return GitError("cannot walk the Git history");
  WalkPtr walk(walk_raw);
  git_revwalk_sorting(walk_raw, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  for (const auto& r : refs)
    if (git_revwalk_push(walk_raw, &r.commit) != 0) return GitError("cannot walk the Git history from " + r.name);
  Importer im(repo, raw, odb.get(), map, out);
  std::map<std::string, SnapshotId> snapshot_of;  // commit hex -> snapshot
  std::vector<SnapshotId> imported;
  std::set<SnapshotId> parents;
  Status failed = OkStatus();
  {
    ProgressScope progress(repo.settings().progress, "import");
    git_oid oid;
    while (git_revwalk_next(&oid, walk_raw) == 0) {
      const std::string hex = OidHex(oid);
      std::optional<SnapshotId> id = im.Mapped(hex);
      if (!id) {
        if (Status st = CheckInterrupt("importing from Git"); !st.ok()) {
          failed = st;
          break;
        }
        auto made = im.Commit(oid, ws.name());
        if (!made.ok()) {
          failed = made.error();
          break;
        }
        id = *made;
      }
      ++out.commits;
      snapshot_of[hex] = *id;
      imported.push_back(*id);
      JVS_ASSIGN_OR_RETURN(auto s, repo.ReadSnapshot(*id));
      parents.insert(s->parents.begin(), s->parents.end());
      progress.Add(1);
    }
  }
  JVS_TRY(map.Save(repo.env(), map_path));
  JVS_TRY(failed);

  // Tags: Git tags first, then branches whose name no Git tag takes.
  std::map<std::string, SnapshotId> tags;
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& r : refs) {
      const std::string prefix = pass == 0 ? "refs/tags/" : "refs/heads/";
      if (r.name.rfind(prefix, 0) != 0) continue;
      const std::string name = r.name.substr(prefix.size());
      if (!ValidateTagName(name).ok()) {
        out.skipped.push_back(r.name + ": not a valid tag name");
        continue;
      }
      if (!tags.count(name)) tags[name] = snapshot_of.at(OidHex(r.commit));
    }

  JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo.LockWorktree(ws.name()));
  JVS_TRY(repo.Reload());
  Transaction tx(repo);
  std::vector<SnapshotId> heads;
  for (const auto& id : imported)
    if (!parents.count(id)) heads.push_back(id);
  View v = tx.view();
  AddHeads(&v, heads, std::vector<SnapshotId>(parents.begin(), parents.end()));
  tx.SetView(std::move(v));
  for (const auto& [name, id] : tags) {
    auto old = tx.view().tags.find(name);
    if (old != tx.view().tags.end() && old->second == id) continue;
    tx.SetTag(name, id);
    out.tags_set.emplace_back(name, id);
  }
  if (tx.view() == repo.view()) return out;  // nothing new: no operation
  tx.SetAttribute("git_import", options.git_dir.string());
  JVS_ASSIGN_OR_RETURN(OperationId op, tx.Commit("git import " + options.git_dir.filename().string() + ": " +
                                                 std::to_string(out.snapshots_written) + " snapshots"));
  out.op = op;
  return out;
}

}  // namespace jvs
