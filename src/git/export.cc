// ExportToGit (jvs/git/git.h): snapshots -> Git commits, parents first, with
// the mapping of earlier exports reused where its objects are still there.
#include <algorithm>
#include <map>
#include <set>

#include "git/git_util.h"
#include "jvs/base/hash.h"
#include "jvs/base/change_id.h"
#include "jvs/base/interrupt.h"
#include "jvs/base/timeutil.h"
#include "jvs/git/git.h"
#include "jvs/merge/materialize.h"
#include "jvs/merge/tree_diff.h"
#include "jvs/merge/tree_merge.h"

namespace jvs {

namespace {

using namespace git;

constexpr uint64_t kStreamAbove = 1u << 20;  // blobs larger than this are streamed

class Exporter {
 public:
  Exporter(Repo& repo, git_repository* g, git_odb* odb, GitMap& map, GitExportOutcome& out,
           const GitExportOptions& options)
      : repo_(repo), g_(g), odb_(odb), map_(map), out_(out), options_(options) {
    // Trees and commits depend on the large-file settings: their map keys
    // name the settings unless large files are plain blobs.
    if (options.large_files != LargeFiles::kInclude)
      key_suffix_ = std::string(options.large_files == LargeFiles::kLfs ? ":lfs:" : ":skip:") +
                    std::to_string(options.lfs_threshold);
  }

  // The commit of snapshot `id`, its ancestors exported first.
  Result<git_oid> Commit(const SnapshotId& id);

 private:
  bool Exists(const std::string& hex) {
    auto oid = OidFromHex(hex);
    return oid.ok() && git_odb_exists(odb_, &*oid);
  }
  // The map key of snapshot or tree `hex` under these settings.
  std::string Key(const std::string& hex) const {
    if (key_suffix_.empty()) return hex;
    Digest d = Sha256Of(hex + key_suffix_);
    return ToHex(d.data(), d.size());
  }
  Result<git_oid> Known(char kind, const std::string& key) {
    if (const std::string* hex = map_.Get(kind, key); hex && Exists(*hex)) return OidFromHex(*hex);
    return Error(ErrorCode::kNotFound, "");
  }
  // A large file as an LFS pointer blob, its content under lfs/objects.
  Result<git_oid> LfsBlob(const TreeEntry& e);
  Result<git_oid> Blob(const Digest& id, uint64_t size);
  Result<git_oid> Tree(const TreeId& id, size_t depth, const std::string& path);
  Result<git_oid> KeepTree();
  Result<git_oid> WriteCommit(const SnapshotId& id, const Snapshot& s, const std::vector<git_oid>& parents);

  Repo& repo_;
  git_repository* g_;
  git_odb* odb_;
  GitMap& map_;
  GitExportOutcome& out_;
  const GitExportOptions& options_;
  std::string key_suffix_;
  std::optional<git_oid> keep_tree_;
  std::map<SnapshotId, git_oid> done_;
};

Result<git_oid> Exporter::LfsBlob(const TreeEntry& e) {
  const std::string oid_hex = ToHex(e.id.data(), e.id.size());  // a blob id is the SHA-256 of its content, as LFS wants
  const fs::path dir = fs::path(git_repository_path(g_)) / "lfs" / "objects" / oid_hex.substr(0, 2) / oid_hex.substr(2, 2);
  const fs::path dst = dir / oid_hex;
  Env* env = repo_.env();
  if (!env->Exists(dst)) {
    JVS_TRY(env->MkdirAll(dir));
    const fs::path tmp = dir / (oid_hex + ".jvs-tmp");
    if (env->Exists(tmp)) JVS_TRY(env->Unlink(tmp));
    JVS_TRY(repo_.store().MaterializeBlob(BlobId(e.id), e.size, tmp, 0644, repo_.engine(), false));
    JVS_TRY(env->Rename(tmp, dst));
    ++out_.lfs_objects;
  }
  const std::string pointer = LfsPointer(oid_hex, e.size);
  git_oid oid;
  if (git_odb_write(&oid, odb_, pointer.data(), pointer.size(), GIT_OBJECT_BLOB) != 0)
    return GitError("cannot write a Git blob");
  return oid;
}

Result<git_oid> Exporter::Blob(const Digest& id, uint64_t size) {
  const std::string key = ToHex(id.data(), id.size());
  if (auto known = Known('b', key); known.ok()) return known;
  git_oid oid;
  if (size <= kStreamAbove) {
    JVS_ASSIGN_OR_RETURN(std::string data, repo_.store().ReadBlob(BlobId(id)));
    if (git_odb_write(&oid, odb_, data.data(), data.size(), GIT_OBJECT_BLOB) != 0)
      return GitError("cannot write a Git blob");
  } else {
    JVS_ASSIGN_OR_RETURN(UniqueFd fd, repo_.store().OpenBlob(BlobId(id)));
    git_odb_stream* stream = nullptr;
    if (git_odb_open_wstream(&stream, odb_, size, GIT_OBJECT_BLOB) != 0)
      return GitError("cannot write a Git blob");
    std::unique_ptr<git_odb_stream, Deleter<git_odb_stream, git_odb_stream_free>> guard(stream);
    std::string buf(1u << 20, '\0');
    uint64_t left = size;
    while (left > 0) {
      JVS_ASSIGN_OR_RETURN(size_t n, repo_.env()->Read(fd.get(), buf.data(), std::min<uint64_t>(buf.size(), left)));
      if (n == 0) return Error(ErrorCode::kCorrupt, "blob " + key.substr(0, 12) + " is shorter than its size");
      if (git_odb_stream_write(stream, buf.data(), n) != 0) return GitError("cannot write a Git blob");
      left -= n;
    }
    if (git_odb_stream_finalize_write(&oid, stream) != 0) return GitError("cannot write a Git blob");
  }
  ++out_.blobs_written;
  map_.Put('b', key, OidHex(oid));
  return oid;
}

Result<git_oid> Exporter::KeepTree() {
  if (keep_tree_) return *keep_tree_;
  git_oid empty_blob, tree;
  if (git_odb_write(&empty_blob, odb_, "", 0, GIT_OBJECT_BLOB) != 0) return GitError("cannot write a Git blob");
  git_treebuilder* b = nullptr;
  if (git_treebuilder_new(&b, g_, nullptr) != 0) return GitError("cannot build a Git tree");
  BuilderPtr builder(b);
  if (git_treebuilder_insert(nullptr, b, kEmptyDirMarker, &empty_blob, GIT_FILEMODE_BLOB) != 0 ||
      git_treebuilder_write(&tree, b) != 0)
    return GitError("cannot write a Git tree");
  keep_tree_ = tree;
  return tree;
}

Result<git_oid> Exporter::Tree(const TreeId& id, size_t depth, const std::string& path) {
  if (depth > kMaxTreeDepth) return Error(ErrorCode::kCorrupt, "tree deeper than " + std::to_string(kMaxTreeDepth));
  if (depth > 0 && id == EmptyTreeId()) return KeepTree();
  if (auto known = Known('t', Key(id.hex())); known.ok()) return known;
  std::shared_ptr<const jvs::Tree> tree = std::make_shared<const jvs::Tree>();  // the empty root: no read
  if (id != EmptyTreeId()) {
    JVS_ASSIGN_OR_RETURN(tree, repo_.store().ReadTree(id));
  }
  git_treebuilder* b = nullptr;
  if (git_treebuilder_new(&b, g_, nullptr) != 0) return GitError("cannot build a Git tree");
  BuilderPtr builder(b);
  for (const TreeEntry& e : tree->entries) {
    const std::string child = path.empty() ? e.name : path + "/" + e.name;
    git_oid oid;
    git_filemode_t mode;
    if (e.kind == EntryKind::kTree) {
      JVS_ASSIGN_OR_RETURN(oid, Tree(TreeId(e.id), depth + 1, child));
      mode = GIT_FILEMODE_TREE;
    } else if (e.kind != EntryKind::kSymlink && options_.large_files != LargeFiles::kInclude &&
               e.size > options_.lfs_threshold) {
      if (options_.large_files == LargeFiles::kSkip) {
        out_.skipped.push_back(child + ": " + std::to_string(e.size) + " bytes, above the large-file threshold");
        continue;
      }
      JVS_ASSIGN_OR_RETURN(oid, LfsBlob(e));
      mode = e.kind == EntryKind::kExecutable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
    } else {
      JVS_ASSIGN_OR_RETURN(oid, Blob(e.id, e.size));
      mode = e.kind == EntryKind::kSymlink      ? GIT_FILEMODE_LINK
             : e.kind == EntryKind::kExecutable ? GIT_FILEMODE_BLOB_EXECUTABLE
                                                : GIT_FILEMODE_BLOB;
    }
    if (git_treebuilder_insert(nullptr, b, e.name.c_str(), &oid, mode) != 0) {
      // Git refuses some names jvs keeps (".git" itself): left out, said.
      out_.skipped.push_back(child + ": " + GitError("not a valid Git tree entry").message());
      continue;
    }
  }
  git_oid oid;
  if (git_treebuilder_write(&oid, b) != 0) return GitError("cannot write a Git tree");
  // A tree with a skipped entry depends on Git's rules, not only on its id:
  // still mapped (the same tree always skips the same names).
  map_.Put('t', Key(id.hex()), OidHex(oid));
  return oid;
}

Result<git_oid> Exporter::WriteCommit(const SnapshotId& id, const Snapshot& s, const std::vector<git_oid>& parents) {
  TreeId root;
  if (s.conflicted()) {
    JVS_ASSIGN_OR_RETURN(MaterializedTree m, MaterializeTree(repo_.store(), SnapshotRoot(s), ConflictStyle::kDiff));
    root = m.tree;
    ++out_.conflicted;
  } else {
    JVS_ASSIGN_OR_RETURN(root, s.ResolvedTree());
  }
  JVS_ASSIGN_OR_RETURN(git_oid tree_oid, Tree(root, 0, ""));
  git_tree* t = nullptr;
  if (git_tree_lookup(&t, g_, &tree_oid) != 0) return GitError("cannot read a Git tree");
  TreePtr tree(t);
  std::vector<CommitPtr> parent_objs;
  std::vector<const git_commit*> parent_ptrs;
  for (const git_oid& p : parents) {
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, g_, &p) != 0) return GitError("cannot read a Git commit");
    parent_objs.emplace_back(c);
    parent_ptrs.push_back(c);
  }
  std::string name, email;
  SplitAuthor(s.author, &name, &email);
  int64_t ns = 0;
  if (auto t_ns = ParseTimestamp(s.created_at); t_ns.ok()) ns = *t_ns;
  git_signature* sig = nullptr;
  if (git_signature_new(&sig, name.c_str(), email.c_str(), ns >= 0 ? ns / 1000000000 : -((-ns + 999999999) / 1000000000), 0) != 0)
    return GitError("cannot make the author of snapshot " + id.hex().substr(0, 12), ErrorCode::kRefused);
  SigPtr signature(sig);
  const std::string message = s.note.empty() ? std::string() : s.note + "\n";
  BufGuard buf;
  if (git_commit_create_buffer(&buf.buf, g_, sig, sig, nullptr, message.c_str(), tree.get(), parent_ptrs.size(),
                               parent_ptrs.data()) != 0)
    return GitError("cannot make the commit of snapshot " + id.hex().substr(0, 12));
  std::string raw(buf.buf.ptr, buf.buf.size);
  if (auto reverse = ChangeIdToReverseHex(s.change_id); reverse && s.change_id.size() == 32) {
    // The header block ends at the first empty line; the change id goes last
    // in it, after the committer, where Jujutsu writes it.
    size_t end = raw.find("\n\n");
    if (end == std::string::npos) return Error(ErrorCode::kInternal, "a Git commit without a message separator");
    raw.insert(end + 1, std::string(kChangeIdHeader) + " " + *reverse + "\n");
  }
  git_oid oid;
  if (git_odb_write(&oid, odb_, raw.data(), raw.size(), GIT_OBJECT_COMMIT) != 0)
    return GitError("cannot write a Git commit");
  return oid;
}

Result<git_oid> Exporter::Commit(const SnapshotId& start) {
  // Depth-first, parents before children, with an explicit stack: a long
  // line of snapshots must not overflow the call stack.
  std::vector<std::pair<SnapshotId, bool>> stack{{start, false}};
  while (!stack.empty()) {
    auto [id, expanded] = stack.back();
    if (done_.count(id)) {
      stack.pop_back();
      continue;
    }
    if (auto known = Known('s', Key(id.hex())); known.ok() && !expanded) {
      done_[id] = *known;
      stack.pop_back();
      continue;
    }
    JVS_ASSIGN_OR_RETURN(auto s, repo_.ReadSnapshot(id));
    if (!expanded) {
      stack.back().second = true;
      for (auto it = s->parents.rbegin(); it != s->parents.rend(); ++it)
        if (!done_.count(*it)) stack.push_back({*it, false});
      continue;
    }
    stack.pop_back();
    JVS_TRY(CheckInterrupt("exporting to Git"));
    std::vector<git_oid> parents;
    for (const auto& p : s->parents) parents.push_back(done_.at(p));
    JVS_ASSIGN_OR_RETURN(git_oid oid, WriteCommit(id, *s, parents));
    ++out_.commits_written;
    map_.Put('s', Key(id.hex()), OidHex(oid));
    map_.Put('c', OidHex(oid), id.hex());
    done_[id] = oid;
  }
  return done_.at(start);
}

// Points `name` at `oid`; adds it to `updated` when it changed.
Status SetRef(git_repository* g, const std::string& name, const git_oid& oid, std::vector<std::string>* updated) {
  git_oid old;
  if (git_reference_name_to_id(&old, g, name.c_str()) == 0 && git_oid_equal(&old, &oid)) return OkStatus();
  git_reference* ref = nullptr;
  if (git_reference_create(&ref, g, name.c_str(), &oid, 1, "exported from jvs") != 0)
    return GitError("cannot set " + name);
  git_reference_free(ref);
  updated->push_back(name);
  return OkStatus();
}

}  // namespace

Result<GitExportOutcome> ExportToGit(Repo& repo, const GitExportOptions& options) {
  InitLibgit2();
  GitExportOutcome out;
  out.git_dir = options.git_dir;
  Env* env = repo.env();
  git_repository* raw = nullptr;
  bool empty_dir = false;
  if (env->Exists(options.git_dir)) {
    JVS_ASSIGN_OR_RETURN(UniqueFd dir, env->Open(options.git_dir, O_RDONLY | O_DIRECTORY));
    JVS_ASSIGN_OR_RETURN(auto entries, env->ReadDir(dir.get()));
    empty_dir = entries.empty();
  }
  if (!env->Exists(options.git_dir) || empty_dir) {
    if (git_repository_init(&raw, options.git_dir.c_str(), /*is_bare=*/1) != 0)
      return GitError("cannot create a Git repository in " + options.git_dir.string());
    out.created = true;
    git_reference* head = nullptr;
    if (git_reference_symbolic_create(&head, raw, "HEAD", (std::string("refs/heads/") + kMainWorktree).c_str(), 1,
                                      nullptr) == 0)
      git_reference_free(head);
  } else if (git_repository_open_ext(&raw, options.git_dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0) {
    return GitError(options.git_dir.string() + " is not a Git repository", ErrorCode::kRefused)
        .WithHint("export into a Git repository, an empty directory or a path that does not exist yet");
  }
  RepoPtr g(raw);
  git_odb* odb_raw = nullptr;
  if (git_repository_odb(&odb_raw, raw) != 0) return GitError("cannot open the Git object database");
  OdbPtr odb(odb_raw);

  GitMap map;
  const fs::path map_path = GitMapPath(repo, options.git_dir);
  JVS_TRY(map.Load(env, map_path));

  std::vector<SnapshotId> targets = options.snapshots;
  if (targets.empty()) {
    JVS_ASSIGN_OR_RETURN(targets, repo.AllVisibleSnapshots());
  }
  out.snapshots = targets.size();
  Exporter ex(repo, raw, odb.get(), map, out, options);
  std::map<SnapshotId, git_oid> commits;
  Status failed = OkStatus();
  {
    ProgressScope progress(repo.settings().progress, "export", targets.size());
    for (const auto& id : targets) {
      auto oid = ex.Commit(id);
      if (!oid.ok()) {
        failed = oid.error();
        break;
      }
      commits[id] = *oid;
      progress.Add(1);
    }
  }
  // What was written stays mapped, also when the export stopped half-way.
  JVS_TRY(map.Save(env, map_path));
  JVS_TRY(failed);

  const View& view = repo.view();
  for (const auto& [name, id] : view.tags)
    if (auto it = commits.find(id); it != commits.end()) {
      const std::string ref = "refs/tags/" + name;
      if (!git_reference_is_valid_name(ref.c_str())) {
        out.skipped.push_back("tag " + name + ": not a valid Git ref name");
        continue;
      }
      JVS_TRY(SetRef(raw, ref, it->second, &out.refs_updated));
    }
  for (const auto& [name, wt] : view.worktrees)
    if (wt.head)
      if (auto it = commits.find(*wt.head); it != commits.end()) {
        const std::string ref = "refs/heads/" + name;
        if (!git_reference_is_valid_name(ref.c_str())) {
          out.skipped.push_back("worktree " + name + ": not a valid Git ref name");
          continue;
        }
        JVS_TRY(SetRef(raw, ref, it->second, &out.refs_updated));
      }
  // Every exported commit reachable from a ref: the ones no other exported
  // snapshot descends from get refs/jvs/keep/COMMIT.
  std::set<SnapshotId> has_child;
  for (const auto& [id, oid] : commits) {
    JVS_ASSIGN_OR_RETURN(auto s, repo.ReadSnapshot(id));
    for (const auto& p : s->parents) has_child.insert(p);
  }
  for (const auto& [id, oid] : commits)
    if (!has_child.count(id)) JVS_TRY(SetRef(raw, "refs/jvs/keep/" + OidHex(oid), oid, &out.refs_updated));
  return out;
}

}  // namespace jvs
