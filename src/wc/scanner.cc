// Scanner: the parallel walk of a workspace (stat, .jvsignore, hashing, trees).
// Over 400 lines on purpose: the walk, the hashing pass and the tree building
// share one state object and its locking, easier to check in one place.
#include "wc/scanner.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <optional>

#include "jvs/base/fault.h"
#include "jvs/base/hash.h"
#include "jvs/base/interrupt.h"
#include "wc/ignore.h"

namespace jvs {

// A restore writes a temp name (up to this long) beside each path: a path
// the scanner records must leave room for it (as Checkout::CheckLimits asks).
constexpr size_t kTempNameRoom = 40;

namespace {

constexpr const char* kControlDir = ".jvs";
constexpr const char* kIgnoreFile = ".jvsignore";

struct ScanEntry {
  std::string name;
  EntryKind kind = EntryKind::kFile;
  struct stat st {};
  Digest id{};
  bool need_hash = false;
  size_t dir_index = 0;  // for kTree
};

struct ScanDir {
  RepoPath path;
  size_t depth = 0;
  std::vector<ScanEntry> entries;  // sorted by name
  TreeId id;
  uint64_t total = 0;
};

class Scanner {
 public:
  Scanner(Env* env, Store& store, CloneEngine& engine, const fs::path& root,
          const TreeState& old_state, const ScanOptions& options, ThreadPool& pool)
      : env_(env), store_(store), engine_(engine), root_(root), old_(old_state),
        index_(old_state), options_(options), pool_(pool) {}

  Result<ScanResult> Run() {
    ScanResult result;
    JVS_ASSIGN_OR_RETURN(result.new_state.fs_time_ns,
                         FilesystemNow(env_, options_.clock_dir.empty() ? root_ : options_.clock_dir));
    int64_t t0 = env_->NowNanos();
    {
      ProgressScope progress(options_.progress, "scan");
      walk_progress_ = &progress;
      TaskGroup group(pool_);
      size_t root_index = AddDir(RepoPath(), 0);
      group_ = &group;
      std::shared_ptr<const IgnoreMatcher> base = IgnoreMatcher::Empty();
      if (!options_.ignore_patterns.empty()) {
        std::string rules;
        for (const auto& p : options_.ignore_patterns) rules += p + "\n";
        base = base->WithRules(RepoPath(), rules);
      }
      group.Run([this, root_index, base] { ScanDirTask(root_index, base); });
      group.Wait();
      walk_progress_ = nullptr;
    }
    if (error_) return *error_;
    JVS_TRY(FaultPoint("snapshot.after_scan"));
    int64_t t1 = env_->NowNanos();
    JVS_TRY(HashPending());
    JVS_TRY(FaultPoint("snapshot.after_ingest"));
    int64_t t2 = env_->NowNanos();
    JVS_TRY(BuildTrees(&result));
    JVS_TRY(FaultPoint("snapshot.after_trees"));
    int64_t t3 = env_->NowNanos();
    result.stats.walk_ns = t1 - t0;
    result.stats.read_ns = t2 - t1;
    result.stats.build_ns = t3 - t2;
    return result;
  }

 private:
  Status FaultPoint(const char* name) {
    return options_.snapshot_fault_points ? fault::Point(name) : OkStatus();
  }

  size_t AddDir(RepoPath path, size_t depth) {
    std::lock_guard<std::mutex> l(mu_);
    dirs_.push_back(ScanDir{std::move(path), depth, {}, {}, 0});
    return dirs_.size() - 1;
  }
  ScanDir& DirAt(size_t i) {
    std::lock_guard<std::mutex> l(mu_);
    return dirs_[i];
  }
  void Fail(Error e) {
    std::lock_guard<std::mutex> l(mu_);
    if (!error_) error_ = std::move(e);
  }
  void Warn(std::string w) {
    std::lock_guard<std::mutex> l(mu_);
    warnings_.push_back(std::move(w));
  }
  bool failed() {
    std::lock_guard<std::mutex> l(mu_);
    return error_.has_value();
  }

  // The rules of the .jvsignore in directory `dir` (open as `dfd`), or
  // nullopt when it cannot be used. Only a regular file is read: a FIFO or
  // device by that name would block the scan forever, so it is never opened
  // (lstat first; then O_NONBLOCK | O_NOFOLLOW and fstat, in case it was
  // replaced in between). Anything else is said in a warning; a special file
  // gets its one warning where it is skipped.
  std::optional<std::string> ReadIgnoreFile(int dfd, const RepoPath& dir) {
    const std::string rel =
        dir.is_root() ? std::string(kIgnoreFile) : dir.str() + "/" + kIgnoreFile;
    auto not_read = [&](const std::string& why) -> std::optional<std::string> {
      Warn("ignore rules in '" + rel + "' not read: " + why);
      return std::nullopt;
    };
    auto st = env_->LstatAt(dfd, kIgnoreFile);
    if (!st.ok()) {
      if (st.error().code() == ErrorCode::kNotFound) return std::nullopt;  // removed meanwhile
      return not_read(st.error().message());
    }
    if (S_ISLNK(st->st_mode)) return not_read("it is a symlink (only a regular file is read)");
    if (S_ISDIR(st->st_mode)) return not_read("it is a directory (only a regular file is read)");
    if (!S_ISREG(st->st_mode)) return std::nullopt;  // FIFO, socket, device: warned when skipped
    auto fd = env_->OpenAt(dfd, kIgnoreFile, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (!fd.ok()) {
      if (fd.error().code() == ErrorCode::kNotFound) return std::nullopt;
      return not_read(fd.error().message());
    }
    auto fst = env_->Fstat(fd->get());
    if (!fst.ok()) return not_read(fst.error().message());
    if (!S_ISREG(fst->st_mode))
      return not_read("it was replaced by something that is not a regular file");
    constexpr size_t kMax = 16u << 20;
    std::string out;
    char buf[16384];
    while (true) {
      auto n = env_->Read(fd->get(), buf, sizeof buf);
      if (!n.ok()) return not_read(n.error().message());
      if (*n == 0) break;
      out.append(buf, *n);
      if (out.size() > kMax) return not_read("it is larger than 16 MiB");
    }
    return out;
  }

  void ScanDirTask(size_t dir_index, std::shared_ptr<const IgnoreMatcher> matcher) {
    if (failed()) return;
    if (Status c = CheckInterrupt("reading the workspace"); !c.ok()) return Fail(c.error());
    ScanDir& dir = DirAt(dir_index);
    fs::path abs = dir.path.ToFsPath(root_);
    auto dfd = env_->Open(abs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (!dfd.ok()) return Fail(dfd.error().WithHint("check the directory's permissions"));
    auto listing = env_->ReadDir(dfd->get());
    if (!listing.ok()) return Fail(listing.error().WithContext("reading '" + abs.string() + "'"));
    auto& names = *listing;
    std::sort(names.begin(), names.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    for (const auto& n : names) {
      if (n.name == kIgnoreFile) {
        auto content = ReadIgnoreFile(dfd->get(), dir.path);
        if (content) matcher = matcher->WithRules(dir.path, *content);
        break;
      }
    }
    std::vector<ScanEntry> entries;
    entries.reserve(names.size());
    for (auto& n : names) {
      if (abs.native().size() + 1 + std::max(n.name.size(), kTempNameRoom) >= PATH_MAX) {
        // jvs reaches every file by absolute path (see docs/cli.md, Limits):
        // say so, instead of an open() failing with "File name too long".
        std::string rel = dir.path.Join(n.name).str();
        return Fail(Error(ErrorCode::kUnsupported,
                          "'" + rel.substr(0, 120) + (rel.size() > 120 ? "...'" : "'") + " is too deep: its path, " +
                              std::to_string(abs.native().size() + 1 + n.name.size()) +
                              " bytes, does not fit the system's limit of " + std::to_string(PATH_MAX) +
                              " bytes (PATH_MAX, with room for a temp name) that jvs reaches files by",
                          "shorten the folder names or move the deepest folders up, or list the folder in .jvsignore"));
      }
      if (n.name == kControlDir) {
        // Never recorded, at any depth (a tree cannot hold it: ValidateName).
        // At the root it is this repository's control folder or a worktree's
        // pointer file: skipped silently. Deeper, a warning says so.
        if (dir.path.is_root()) continue;
        std::string rel = dir.path.str() + "/" + n.name;
        if (env_->Exists(abs / kControlDir / "format")) {
          Warn("skipped '" + rel + "': the control folder of a nested jvs repository");
        } else {
          Warn("skipped '" + rel + "': '.jvs' is the name of jvs's control folder and is never recorded");
        }
        continue;
      }
      if (!ValidateName(n.name).ok()) continue;
      auto st = env_->LstatAt(dfd->get(), n.name.c_str());
      if (!st.ok()) {
        if (st.error().code() == ErrorCode::kNotFound) continue;  // removed while scanning
        return Fail(st.error().WithContext(dir.path.Join(n.name).str()));
      }
      RepoPath rel = dir.path.Join(n.name);
      mode_t m = st->st_mode;
      bool is_dir = S_ISDIR(m);
      if (!matcher->empty() && matcher->IsIgnored(rel, is_dir)) continue;
      ScanEntry e;
      e.name = std::move(n.name);
      e.st = *st;
      if (is_dir) {
        e.kind = EntryKind::kTree;
        e.dir_index = AddDir(rel, dir.depth + 1);
        group_->Run([this, idx = e.dir_index, matcher] { ScanDirTask(idx, matcher); });
      } else if (S_ISREG(m) || S_ISLNK(m)) {
        e.kind = S_ISLNK(m) ? EntryKind::kSymlink
                            : ((m & S_IXUSR) ? EntryKind::kExecutable : EntryKind::kFile);
        const FileState* old = index_.Find(rel.str());
        if (old && old->kind == e.kind && StatMatches(*old, e.st) && !old_.IsRacy(*old)) {
          e.id = old->id;
        } else if (e.kind == EntryKind::kSymlink) {
          auto target = env_->ReadlinkAt(dfd->get(), e.name.c_str());
          if (!target.ok()) return Fail(target.error().WithContext(rel.str()));
          if (options_.store_content) {
            auto id = store_.WriteBlob(*target);
            if (!id.ok()) return Fail(id.error());
            e.id = id->bytes();
          } else {
            e.id = Sha256Of(*target);
          }
          e.st.st_size = static_cast<off_t>(target->size());
        } else {
          e.need_hash = true;
        }
      } else {
        const char* what = S_ISFIFO(m) ? "FIFO" : S_ISSOCK(m) ? "socket" : "device file";
        {
          std::lock_guard<std::mutex> l(mu_);
          stats_.skipped_special++;
        }
        // One warning also for a special file named .jvsignore (its rules
        // are not read, see ReadIgnoreFile).
        Warn(std::string("skipped ") + what + " '" + rel.str() +
             "' (only files, symlinks and directories are recorded" +
             (e.name == kIgnoreFile
                  ? "; it is not a regular file, so its ignore rules are not read)"
                  : ")"));
        continue;
      }
      entries.push_back(std::move(e));
    }
    walk_progress_->Add(entries.size());  // one atomic add per directory
    ScanDir& d = DirAt(dir_index);
    d.entries = std::move(entries);
  }

  Status HashPending() {
    std::vector<std::pair<size_t, size_t>> todo;  // (dir, entry)
    for (size_t d = 0; d < dirs_.size(); ++d)
      for (size_t i = 0; i < dirs_[d].entries.size(); ++i)
        if (dirs_[d].entries[i].need_hash) todo.emplace_back(d, i);
    if (todo.empty()) return OkStatus();
    auto E = [this](const std::pair<size_t, size_t>& p) -> ScanEntry& {
      return dirs_[p.first].entries[p.second];
    };
    std::sort(todo.begin(), todo.end(), [&](const auto& a, const auto& b) {
      return E(a).st.st_size > E(b).st.st_size;
    });
    // Hardlinked files are read once: later links copy the first one's result.
    std::map<std::pair<dev_t, ino_t>, size_t> first_link;
    std::vector<size_t> primary(todo.size());
    std::vector<size_t> work;
    for (size_t i = 0; i < todo.size(); ++i) {
      const auto& st = E(todo[i]).st;
      primary[i] = i;
      if (st.st_nlink > 1) {
        auto [it, inserted] = first_link.emplace(std::make_pair(st.st_dev, st.st_ino), i);
        if (!inserted) {
          primary[i] = it->second;
          continue;
        }
      }
      work.push_back(i);
    }
    std::vector<std::optional<IngestResult>> results(todo.size());
    std::atomic<uint64_t> hashed_bytes{0}, stored_bytes{0};
    uint64_t total_bytes = 0;
    for (size_t i : work) total_bytes += static_cast<uint64_t>(E(todo[i]).st.st_size);
    ProgressScope progress(options_.progress, "hash", work.size(), total_bytes);
    ParallelFor(pool_, work.size(), [&](size_t w) {
      if (failed()) return;
      if (Status c = CheckInterrupt("reading files"); !c.ok()) return Fail(c.error());
      size_t i = work[w];
      auto [d, e] = todo[i];
      std::string rel = dirs_[d].path.Join(dirs_[d].entries[e].name).str();
      fs::path abs = root_ / rel;
      if (Status f = FaultPoint("snapshot.ingest_file"); !f.ok()) return Fail(f.error());
      Result<IngestResult> r = Error(ErrorCode::kInternal, "");
      if (options_.store_content) {
        r = store_.IngestFile(AT_FDCWD, abs.c_str(), engine_);
      } else {
        r = HashOnly(abs);
      }
      if (!r.ok()) {
        if (r.error().code() == ErrorCode::kPermissionDenied)
          return Fail(Error(ErrorCode::kPermissionDenied, "cannot read '" + rel + "': " + r.error().message(),
                            "make the file readable (chmod u+r) or add it to .jvsignore"));
        return Fail(r.error().WithContext("'" + rel + "'"));
      }
      hashed_bytes += r->size;
      if (r->stored) stored_bytes += r->size;
      progress.Add(1, r->size);
      results[i] = std::move(r).value();
    });
    if (error_) return *error_;
    for (size_t i = 0; i < todo.size(); ++i) {
      ScanEntry& e = E(todo[i]);
      const IngestResult& r = *results[primary[i]];
      e.id = r.id.bytes();
      if (primary[i] == i) {
        e.st = r.st;
        stats_.hashed_files++;
      }
      // A file can change kind (exec bit) between lstat and read; keep the read stat's view.
      if (e.kind != EntryKind::kSymlink)
        e.kind = (e.st.st_mode & S_IXUSR) ? EntryKind::kExecutable : EntryKind::kFile;
    }
    stats_.hashed_bytes = hashed_bytes.load();
    stats_.stored_bytes = stored_bytes;
    return OkStatus();
  }

  Result<IngestResult> HashOnly(const fs::path& abs) {
    for (int attempt = 0; attempt < 5; ++attempt) {
      JVS_ASSIGN_OR_RETURN(UniqueFd fd, env_->Open(abs, O_RDONLY | O_NOFOLLOW | O_NONBLOCK));
      JVS_ASSIGN_OR_RETURN(struct stat before, env_->Fstat(fd.get()));
      Sha256 h;
      std::vector<char> buf(1u << 20);
      uint64_t total = 0;
      while (true) {
        JVS_ASSIGN_OR_RETURN(size_t n, env_->Read(fd.get(), buf.data(), buf.size()));
        if (n == 0) break;
        h.Update(buf.data(), n);
        total += n;
      }
      JVS_ASSIGN_OR_RETURN(struct stat after, env_->Fstat(fd.get()));
      if (total != static_cast<uint64_t>(after.st_size) || before.st_mtim.tv_nsec != after.st_mtim.tv_nsec ||
          before.st_mtim.tv_sec != after.st_mtim.tv_sec)
        continue;
      IngestResult r;
      r.id = BlobId(h.Finish());
      r.size = total;
      r.st = after;
      return r;
    }
    return Error(ErrorCode::kIo, "'" + abs.string() + "' kept changing while it was read");
  }

  Status BuildTrees(ScanResult* result) {
    std::vector<size_t> order(dirs_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return dirs_[a].depth > dirs_[b].depth; });
    auto& entries_out = result->new_state.entries;
    size_t leaves = 0;
    for (const ScanDir& d : dirs_)
      for (const auto& e : d.entries) leaves += e.kind != EntryKind::kTree;
    entries_out.reserve(leaves);
    for (size_t di : order) {
      ScanDir& d = dirs_[di];
      Tree tree;
      tree.entries.reserve(d.entries.size());
      for (const auto& e : d.entries) {
        TreeEntry te;
        te.name = e.name;
        te.kind = e.kind;
        te.mode = TreeEntry::CanonicalMode(e.kind, static_cast<uint32_t>(e.st.st_mode));  // permission bits
        if (e.kind == EntryKind::kTree) {
          te.id = dirs_[e.dir_index].id.bytes();
          te.size = dirs_[e.dir_index].total;
          stats_.dirs++;
        } else {
          te.id = e.id;
          te.size = static_cast<uint64_t>(e.st.st_size);
          if (e.kind == EntryKind::kSymlink) {
            stats_.symlinks++;
          } else {
            stats_.files++;
            d.total += te.size;
          }
          entries_out.emplace_back(d.path.Join(e.name).str(), FileStateFromStat(e.st, e.kind, e.id));
        }
        if (e.kind == EntryKind::kTree) d.total += te.size;
        tree.entries.push_back(std::move(te));
      }
      if (options_.store_content) {
        JVS_ASSIGN_OR_RETURN(d.id, store_.WriteTree(tree));
      } else {
        d.id = tree.ComputeId();
      }
      result->trees.emplace(d.id, std::make_shared<const Tree>(std::move(tree)));
    }
    std::sort(entries_out.begin(), entries_out.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    result->root = dirs_[0].id;
    result->new_state.tree = result->root;
    stats_.total_bytes = dirs_[0].total;
    result->stats = stats_;
    result->warnings = std::move(warnings_);
    std::sort(result->warnings.begin(), result->warnings.end());
    return OkStatus();
  }

  Env* env_;
  Store& store_;
  CloneEngine& engine_;
  fs::path root_;
  const TreeState& old_;
  TreeStateIndex index_;
  const ScanOptions& options_;
  ThreadPool& pool_;
  TaskGroup* group_ = nullptr;
  const ProgressScope* walk_progress_ = nullptr;  // set while the walk runs

  std::mutex mu_;
  std::deque<ScanDir> dirs_;
  std::optional<Error> error_;
  std::vector<std::string> warnings_;
  ScanStats stats_;
};

}  // namespace

Result<ScanResult> ScanWorkspace(Env* env, Store& store, CloneEngine& engine,
                                 const fs::path& workspace_root, const TreeState& old_state,
                                 const ScanOptions& options, ThreadPool& pool) {
  Scanner s(env, store, engine, workspace_root, old_state, options, pool);
  return s.Run();
}

}  // namespace jvs
