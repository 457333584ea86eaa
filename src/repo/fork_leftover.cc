#include "repo/fork_leftover.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "jvs/base/thread_pool.h"
#include "jvs/repo/transaction.h"
#include "repo/working_tree.h"
#include "wc/scanner.h"
#include "wc/tree_state.h"

namespace jvs {

std::string EncodeForkMarker(const fs::path& path, const SnapshotId& from) {
  return path.string() + "\n" + from.hex() + "\n";
}

std::optional<ForkMarker> DecodeForkMarker(std::string_view text) {
  size_t nl = text.find('\n');
  if (nl == std::string_view::npos || nl == 0) return std::nullopt;
  ForkMarker m;
  m.path = fs::path(std::string(text.substr(0, nl)));
  std::string_view rest = text.substr(nl + 1);
  if (!rest.empty()) {
    if (rest.back() == '\n') rest.remove_suffix(1);
    auto id = SnapshotId::FromHex(rest);
    if (!id.ok()) return std::nullopt;
    m.from = *id;
  }
  return m;
}

namespace {

// Whether the open file `fd` (size `size`) is a prefix of blob `id`.
Result<bool> IsPrefixOfBlob(Env* env, Store& store, int fd, uint64_t size, const TreeEntry& e) {
  if (size > e.size) return false;
  JVS_ASSIGN_OR_RETURN(UniqueFd blob, store.OpenBlob(BlobId(e.id)));
  std::vector<char> a(1 << 16), b(1 << 16);
  uint64_t left = size;
  while (left > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(left, a.size()));
    JVS_ASSIGN_OR_RETURN(size_t n, env->Read(fd, a.data(), want));
    if (n == 0) return false;  // shrank meanwhile
    size_t got = 0;
    while (got < n) {
      JVS_ASSIGN_OR_RETURN(size_t m, env->Read(blob.get(), b.data() + got, n - got));
      if (m == 0) return false;
      got += m;
    }
    if (std::memcmp(a.data(), b.data(), n) != 0) return false;
    left -= n;
  }
  return true;
}

}  // namespace

Result<LeftoverCheck> CheckForkLeftover(Repo& repo, const std::optional<SnapshotId>& from, const fs::path& dir) {
  Env* env = repo.env();
  Store& store = repo.store();
  LeftoverCheck out;
  std::shared_ptr<const Tree> root_tree = std::make_shared<const Tree>();
  if (from) {
    JVS_ASSIGN_OR_RETURN(TreeId tree, WorkingTreeOf(repo, from));
    JVS_ASSIGN_OR_RETURN(root_tree, store.ReadTree(tree));
  }
  struct Frame {
    RepoPath rel;
    std::shared_ptr<const Tree> tree;  // null: no tree (then nothing matches)
  };
  std::vector<Frame> stack{{RepoPath(), root_tree}};
  bool foreign = !from.has_value();
  while (!stack.empty()) {
    Frame f = std::move(stack.back());
    stack.pop_back();
    fs::path abs = f.rel.is_root() ? dir : f.rel.ToFsPath(dir);
    JVS_ASSIGN_OR_RETURN(UniqueFd dfd, env->Open(abs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    JVS_ASSIGN_OR_RETURN(auto names, env->ReadDir(dfd.get()));
    for (const auto& n : names) {
      ++out.entries;
      RepoPath rel = f.rel.Join(n.name);
      auto mark = [&] {
        if (!foreign) out.first_foreign = rel.str();
        foreign = true;
      };
      JVS_ASSIGN_OR_RETURN(struct stat st, env->LstatAt(dfd.get(), n.name.c_str()));
      if (f.rel.is_root() && n.name == kControlDirName) {
        // The pointer file of a worktree outside the repository root.
        auto text = env->ReadFile(abs / n.name, 4096);
        if (!S_ISREG(st.st_mode) || !text.ok() || *text != "jvs-repo: " + repo.root().string() + "\n") mark();
        continue;
      }
      const TreeEntry* e = (f.tree && ValidateName(n.name).ok()) ? f.tree->Find(n.name) : nullptr;
      if (S_ISDIR(st.st_mode)) {
        std::shared_ptr<const Tree> sub;
        if (e && e->kind == EntryKind::kTree) {
          JVS_ASSIGN_OR_RETURN(sub, store.ReadTree(TreeId(e->id)));
        } else {
          mark();
        }
        stack.push_back({rel, sub});  // walked anyway: every entry is counted
        continue;
      }
      if (foreign) continue;  // only counting from here on
      if (!e) {
        mark();
      } else if (S_ISLNK(st.st_mode)) {
        auto target = env->ReadlinkAt(dfd.get(), n.name.c_str());
        auto want = e->kind == EntryKind::kSymlink ? store.ReadBlob(BlobId(e->id), 1 << 20)
                                                   : Result<std::string>(std::string());
        if (e->kind != EntryKind::kSymlink || !target.ok() || !want.ok() || *target != *want) mark();
      } else if (S_ISREG(st.st_mode) && (e->kind == EntryKind::kFile || e->kind == EntryKind::kExecutable)) {
        JVS_ASSIGN_OR_RETURN(UniqueFd fd, env->OpenAt(dfd.get(), n.name.c_str(), O_RDONLY | O_NOFOLLOW));
        JVS_ASSIGN_OR_RETURN(bool prefix,
                             IsPrefixOfBlob(env, store, fd.get(), static_cast<uint64_t>(st.st_size), *e));
        if (!prefix) mark();
      } else {
        mark();
      }
    }
  }
  out.only_fork_output = !foreign || out.entries == 0;  // (a marker of an older version names no snapshot)
  return out;
}

Result<SnapshotId> SaveLeftoverAsSnapshot(Repo& repo, const std::string& worktree, const fs::path& dir,
                                          const std::optional<SnapshotId>& parent, uint64_t entries_on_disk) {
  Env* env = repo.env();
  ScanOptions so;
  so.store_content = true;
  so.clock_dir = repo.WorktreeControlDir(worktree);
  so.progress = repo.settings().progress;
  TreeState empty;
  JVS_ASSIGN_OR_RETURN(ScanResult scan, ScanWorkspace(env, repo.store(), repo.engine(), dir, empty, so,
                                                      ThreadPool::Shared()));
  // Every entry on disk must be in the snapshot, or replacing the directory
  // would lose it (ignored files, FIFOs, a nested control folder).
  uint64_t kept = scan.stats.files + scan.stats.symlinks + scan.stats.dirs;
  if (env->Exists(dir / kControlDirName)) ++kept;  // the pointer file, written again by the fork
  if (kept != entries_on_disk || !scan.warnings.empty())
    return Error(ErrorCode::kRefused,
                 "'" + dir.string() + "' holds " + std::to_string(entries_on_disk) + " entries but a snapshot " +
                     "would keep only " + std::to_string(kept) +
                     " (ignored by .jvsignore, special files or a control folder)",
                 "move the directory away by hand, then run the fork again");
  Snapshot snap;
  snap.SetTree(scan.root);
  if (parent) snap.parents.push_back(*parent);
  snap.change_id = repo.NewChangeId();
  snap.note = "saved before replacing the directory of an interrupted fork of worktree " + worktree;
  snap.created_at = repo.Now();
  snap.worktree = worktree;
  snap.author = repo.Author();
  snap.engine = std::string(repo.engine().name());
  JVS_ASSIGN_OR_RETURN(SnapshotId id, repo.store().WriteSnapshot(snap));
  Transaction tx(repo);
  tx.AddSnapshot(id);
  tx.AddPin(id);
  tx.SetAttribute("captured_snapshot", id.hex());
  tx.SetAttribute("path", dir.string());
  JVS_ASSIGN_OR_RETURN(OperationId op, tx.Commit("save the files of an interrupted fork of " + worktree + " in " +
                                                  dir.string()));
  (void)op;
  return id;
}

}  // namespace jvs
