// Failure injection through Env: a snapshot or restore that hits ENOSPC (or
// EIO) at any point either succeeds completely or fails with the injected
// error and leaves the repository -- and, for restore, the workspace --
// exactly as it was.
//
// Each attempt starts from the same pristine copy of the repository and the
// workspace, so that failure point N is really the N-th call of its kind.
// Failures reported after the operation was already published are a known
// bug class: such tests skip with "BUG: ..." and list the failure points.
// Over 400 lines on purpose: the injecting Env and every failure point of snapshot and restore are
// checked with the same before/after comparison.

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "remedy.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "jvs/base/hash.h"
#include "jvs/repo/repo.h"
#include "jvs/store/store.h"
#include "jvs/repo/history.h"
#include "jvs/repo/workspace.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;
using testing::WriteFile;

// ---------------------------------------------------------------- the faulty Env

enum class Fault { kNone, kWrite, kRename, kCopy, kSyncFs, kFsync };

const char* FaultName(Fault f) {
  switch (f) {
    case Fault::kWrite: return "Write";
    case Fault::kRename: return "Rename";
    case Fault::kCopy: return "CopyFileRange/CloneFile";
    case Fault::kSyncFs: return "SyncFs";
    case Fault::kFsync: return "Fsync";
    case Fault::kNone: return "nothing";
  }
  return "?";
}

// Lets `allow` calls of one kind succeed, then fails the next one (one_shot)
// or every later one (a full disk stays full). Durability calls (fsync,
// syncfs) are counted but not performed: they cost milliseconds each and
// change nothing a test can observe.
class FaultEnv : public EnvWrapper {
 public:
  FaultEnv(Fault fault, int64_t allow, bool one_shot, int err)
      : EnvWrapper(Env::Default()), fault_(fault), allow_(allow), one_shot_(one_shot), err_(err) {}

  Status Write(int fd, const void* b, size_t n) override {
    if (auto e = Hit(Fault::kWrite)) return *e;
    return EnvWrapper::Write(fd, b, n);
  }
  Status Rename(const fs::path& a, const fs::path& b) override {
    if (auto e = Hit(Fault::kRename)) return *e;
    return EnvWrapper::Rename(a, b);
  }
  Status RenameNoReplace(const fs::path& a, const fs::path& b) override {
    if (auto e = Hit(Fault::kRename)) return *e;
    return EnvWrapper::RenameNoReplace(a, b);
  }
  Result<size_t> CopyFileRange(int i, int64_t* io, int o, int64_t* oo, size_t n) override {
    if (auto e = Hit(Fault::kCopy)) return *e;
    return EnvWrapper::CopyFileRange(i, io, o, oo, n);
  }
  Status CloneFile(int s, int d) override {
    if (auto e = Hit(Fault::kCopy)) return *e;
    return EnvWrapper::CloneFile(s, d);
  }
  Status SyncFs(int fd) override {
    if (auto e = Hit(Fault::kSyncFs)) return *e;
    return fd >= 0 ? OkStatus() : ErrnoError(EBADF, "syncfs");
  }
  Status Fsync(int fd) override {
    if (auto e = Hit(Fault::kFsync)) return *e;
    return fd >= 0 ? OkStatus() : ErrnoError(EBADF, "fsync");
  }

  int64_t calls() const { return calls_.load(); }
  int64_t injected() const { return injected_.load(); }

 private:
  std::optional<Error> Hit(Fault f) {
    if (f != fault_) return std::nullopt;
    int64_t n = calls_++;
    if (n < allow_ || (one_shot_ && n > allow_)) return std::nullopt;
    injected_++;
    return ErrnoError(err_, std::string("injected ") + FaultName(f) + " failure #" + std::to_string(n));
  }

  Fault fault_;
  int64_t allow_;
  bool one_shot_;
  int err_;
  std::atomic<int64_t> calls_{0};
  std::atomic<int64_t> injected_{0};
};

ErrorCode CodeOf(int err) { return ErrnoError(err, "").code(); }

// An Env that fails nothing (and skips fsync): for setting up fixtures.
Env* Fast() {
  static FaultEnv env(Fault::kNone, 0, false, 0);
  return &env;
}

// ---------------------------------------------------------------- observations

struct FileInfo {
  char type = '?';
  mode_t perm = 0;
  std::string data;
  ino_t ino = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileInfo&) const = default;
};
using Manifest = std::map<std::string, FileInfo>;

Manifest TakeManifest(const fs::path& root) {
  Manifest m;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it); it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    FileInfo f;
    f.perm = st.st_mode & 07777;
    f.ino = st.st_ino;
    if (S_ISDIR(st.st_mode)) {
      f.type = 'd';
    } else if (S_ISLNK(st.st_mode)) {
      f.type = 'l';
      f.data = fs::read_symlink(it->path()).string();
      f.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
    } else {
      f.type = 'f';
      f.data = testing::ReadFile(it->path());
      f.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
    }
    m[it->path().string().substr(root.string().size() + 1)] = f;
  }
  return m;
}

std::string DescribeDifference(const Manifest& a, const Manifest& b) {
  std::ostringstream out;
  for (const auto& [p, f] : a) {
    auto it = b.find(p);
    if (it == b.end()) {
      out << " -" << p;
    } else if (!(it->second == f)) {
      out << " ~" << p;
    }
  }
  for (const auto& [p, f] : b)
    if (!a.count(p)) out << " +" << p;
  return out.str();
}

// Temp and staging files a failed operation must not leave in the control
// folder (objects are renamed into the fan-out directories, never written
// there, so those are not walked).
std::vector<std::string> Litter(const fs::path& control) {
  std::vector<std::string> out;
  for (const char* dir : {"", "store", "store/tmp", "op_store/operations", "op_store/views", "op_heads", "worktrees",
                          "worktrees/main", "tmp"}) {
    std::error_code ec;
    for (auto it = fs::directory_iterator(control / dir, ec); !ec && it != fs::end(it); it.increment(ec)) {
      std::string name = it->path().filename().string();
      std::string rel = std::string(dir) + (*dir ? "/" : "") + name;
      if (std::string(dir) == "store/tmp" || name.find(".tmp-jvs-") != std::string::npos ||
          name.rfind("staging-", 0) == 0 || name.rfind(".clock-", 0) == 0 || name.rfind(".jvs-tmp-", 0) == 0 ||
          name.rfind(".jvs-init-", 0) == 0 || name.rfind(".probe", 0) == 0)
        out.push_back(rel);
    }
  }
  return out;
}

// ---------------------------------------------------------------- fixture

// The user-visible content of a workspace (no inodes or times).
std::map<std::string, std::string> Content(const Manifest& m) {
  std::map<std::string, std::string> out;
  for (const auto& [p, f] : m) out[p] = std::string(1, f.type) + ":" + std::to_string(f.perm) + ":" + f.data;
  return out;
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path() / "repo";
    ws_ = root_ / "main";
    pristine_ = tmp_.path() / "pristine";
    settings_.user = "tester";
    settings_.host = "box";
    settings_.random_seed = 11;
    settings_.engine = "copy";
    settings_.pinned_time_ns = 1767225600'000'000'000;
    settings_.lock_wait = std::chrono::milliseconds(2000);
    auto r = Repo::Init(Fast(), InitOptions{root_, ws_}, settings_);
    ASSERT_TRUE(r.ok()) << r.error().message();
  }

  void Populate(const std::string& v) {
    WriteFile(ws_ / "a.txt", "alpha " + v);
    WriteFile(ws_ / "same.txt", "never changes");
    WriteFile(ws_ / "dir" / "b.txt", "bravo " + v);
    WriteFile(ws_ / "dir" / "sub" / ("only-" + v), "only in " + v);
    WriteFile(ws_ / "big.bin", std::string((1u << 20) + 1, v[0]));  // above the small-file limit
    fs::create_directories(ws_ / ("empty-" + v));
    std::error_code ec;
    fs::remove(ws_ / "link", ec);
    fs::create_symlink("target-" + v, ws_ / "link");
  }

  Result<std::unique_ptr<Repo>> OpenRepo(Env* env) { return Repo::Open(env, ws_, settings_); }

  Result<SnapshotOutcome> SnapshotWith(Env* env) {
    JVS_ASSIGN_OR_RETURN(auto repo, OpenRepo(env));
    JVS_ASSIGN_OR_RETURN(auto ws, Workspace::Open(*repo, "main"));
    return ws->TakeSnapshot(SnapshotOptions{"attempt", {"t"}});
  }
  Result<RestoreOutcome> RestoreWith(Env* env, const SnapshotId& target) {
    JVS_ASSIGN_OR_RETURN(auto repo, OpenRepo(env));
    JVS_ASSIGN_OR_RETURN(auto ws, Workspace::Open(*repo, "main"));
    return ws->Restore(target, {});
  }

  // The published state of the repository: op heads, current operation,
  // view and every visible snapshot. Empty (with a failure) if it cannot be opened.
  std::string Fingerprint() {
    std::ostringstream out;
    std::vector<std::string> heads;
    for (auto& e : fs::directory_iterator(root_ / ".jvs" / "op_heads")) heads.push_back(e.path().filename().string());
    std::sort(heads.begin(), heads.end());
    for (const auto& h : heads) out << "head " << h << "\n";
    auto repo = OpenRepo(Fast());
    if (!repo.ok()) {
      ADD_FAILURE() << "the repository no longer opens: " << repo.error().message();
      return "";
    }
    out << "op " << (*repo)->op_id().hex() << "\nview " << (*repo)->view().Encode() << "\n";
    auto h = History(**repo, "main", HistoryOptions{.all = true});
    if (!h.ok()) {
      ADD_FAILURE() << "history fails: " << h.error().message();
      return "";
    }
    for (const auto& e : *h) out << "snapshot " << e.id.hex() << "\n";
    return out.str();
  }

  // Every object the current view reaches is present and intact (trees
  // decode, blobs hash to their ids). Returns a description of what is not.
  std::string CheckComplete() {
    auto repo = OpenRepo(Fast());
    if (!repo.ok()) return "cannot open: " + repo.error().message();
    auto all = (*repo)->AllVisibleSnapshots();
    if (!all.ok()) return "snapshots unreadable: " + all.error().message();
    std::set<TreeId> seen;
    std::string problems;
    std::function<void(const TreeId&)> walk = [&](const TreeId& id) {
      if (!seen.insert(id).second) return;
      auto t = (*repo)->store().ReadTree(id);
      if (!t.ok()) {
        problems += " tree " + id.hex() + ": " + t.error().message();
        return;
      }
      for (const auto& e : (*t)->entries) {
        if (e.kind == EntryKind::kTree) {
          walk(TreeId(e.id));
          continue;
        }
        auto data = (*repo)->store().ReadBlob(BlobId(e.id));
        if (!data.ok()) {
          problems += " blob of " + e.name + ": " + data.error().message();
        } else if (Sha256Of(*data) != e.id) {
          problems += " blob of " + e.name + " does not match its id";
        }
      }
    };
    for (const auto& id : *all) {
      auto s = (*repo)->ReadSnapshot(id);
      if (!s.ok()) {
        problems += " snapshot " + id.hex() + ": " + s.error().message();
        continue;
      }
      for (const auto& t : (*s)->root_terms) walk(t);
    }
    return problems;
  }

  void SavePristine() {
    fs::remove_all(pristine_);
    fs::copy(root_, pristine_, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  }
  // Every attempt starts from the pristine copy. Only what the previous
  // attempt changed is put back (creating and deleting thousands of inodes
  // per test is what makes such loops slow on ext4). Files of the control
  // folder are hard links to the pristine copy: jvs only ever replaces them
  // by rename, never writes them in place. Workspace files are copies.
  struct Stamp {
    ino_t ino = 0;
    off_t size = 0;
    int64_t mtime_ns = 0;
    mode_t mode = 0;
    bool operator==(const Stamp&) const = default;
  };
  static std::optional<Stamp> StampOf(const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return std::nullopt;
    return Stamp{st.st_ino, st.st_size, int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec, st.st_mode};
  }
  void ResetToPristine() {
    const std::string root = root_.string(), base = pristine_.string();
    // 1. Remove what is not as the last reset left it.
    std::vector<fs::path> doomed;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::end(it); it.increment(ec)) {
      std::string rel = it->path().string().substr(root.size() + 1);
      auto pst = StampOf(pristine_ / rel);
      auto cur = StampOf(it->path());
      bool keep = pst && cur && (pst->mode & S_IFMT) == (cur->mode & S_IFMT);
      if (keep && !S_ISDIR(cur->mode)) {
        auto s = stamps_.find(rel);
        keep = s != stamps_.end() && s->second == *cur;
      }
      if (!keep) {
        doomed.push_back(it->path());
        if (it->is_directory(ec) && !it->is_symlink(ec)) it.disable_recursion_pending();
      }
    }
    for (const auto& d : doomed) fs::remove_all(d);
    // 2. Put back what is missing.
    fs::create_directories(root_);
    for (auto it = fs::recursive_directory_iterator(pristine_); it != fs::end(it); ++it) {
      std::string rel = it->path().string().substr(base.size() + 1);
      fs::path dst = root_ / rel;
      if (fs::exists(fs::symlink_status(dst))) continue;
      if (it->is_symlink()) {
        fs::copy_symlink(it->path(), dst);
      } else if (it->is_directory()) {
        fs::create_directory(dst, it->path());
        continue;
      } else if (rel.rfind(".jvs/", 0) == 0) {
        fs::create_hard_link(it->path(), dst);
      } else {
        fs::copy_file(it->path(), dst);
      }
      stamps_[rel] = *StampOf(dst);
    }
  }

  struct Findings {
    int attempts = 0, failed = 0, succeeded = 0;
    int interrupted = 0;  // restore failed after publishing, marked and recoverable
    // Failed, but the new operation was published anyway (and nothing says so).
    std::vector<std::string> published_but_failed;
    // Anything else that breaks the contract.
    std::vector<std::string> violations;
  };

  // `op` is a snapshot or a restore run through `env`. `recover` (restore
  // only) re-runs the operation after an interrupted restore and returns ""
  // when that brings the workspace where the operation should have.
  using Op = std::function<Status(Env*)>;
  Findings RunAllFailurePoints(Fault fault, int err, bool one_shot, const Op& op,
                               const std::function<std::string()>& recover = {}) {
    Findings f;
    // How many calls of this kind a successful run makes.
    ResetToPristine();
    FaultEnv counter(fault, INT64_MAX, false, err);
    Status ok_run = op(&counter);
    EXPECT_TRUE(ok_run.ok()) << ok_run.error().message();
    const int64_t total = counter.calls();
    EXPECT_GT(total, 0) << "the operation makes no " << FaultName(fault) << " call";
    ResetToPristine();
    const std::string before = Fingerprint();
    for (int64_t n = 0; n <= total; ++n) {
      // Long runs of alike calls (one fsync per written file) are sampled;
      // the first and last points are always tried.
      if (total > 24 && n > 3 && n + 4 < total && n % 3 != 0) continue;
      ResetToPristine();
      const Manifest ws_before = TakeManifest(ws_);
      FaultEnv env(fault, n, one_shot, err);
      Status r = op(&env);
      const std::string where = std::string(FaultName(fault)) + (one_shot ? " (one-shot)" : "") +
                                " failing at call " + std::to_string(n) + " of " + std::to_string(total);
      f.attempts++;
      if (r.ok()) {
        f.succeeded++;
        // Success despite an injected failure: the failed call must have been harmless.
        if (env.injected() > 0)
          if (std::string p = CheckComplete(); !p.empty())
            f.violations.push_back(where + ": succeeded, but the repository is incomplete:" + p);
        continue;
      }
      f.failed++;
      if (env.injected() == 0) {
        f.violations.push_back(where + ": failed without an injected failure: " + r.error().message());
        continue;
      }
      if (r.error().code() != CodeOf(err))
        f.violations.push_back(where + ": wrong error code " + std::string(ErrorCodeName(r.error().code())) +
                               ": " + r.error().message());
      for (const auto& l : Litter(root_ / ".jvs")) f.violations.push_back(where + ": left " + l);
      const std::string after = Fingerprint();
      const Manifest ws_after = TakeManifest(ws_);
      const bool repo_changed = after != before;
      const bool ws_changed = ws_after != ws_before;
      if (!repo_changed && !ws_changed) continue;  // the contract
      std::string what = where + ": failed (" + r.error().message() + ") but" +
                         (repo_changed ? " the repository changed" : "") +
                         (repo_changed && ws_changed ? " and" : "") +
                         (ws_changed ? " the workspace changed:" + DescribeDifference(ws_before, ws_after) : "");
      if (!repo_changed) {
        f.violations.push_back(what);  // files changed although nothing was published
        continue;
      }
      auto repo = OpenRepo(Fast());
      bool published = repo.ok() && (*repo)->operation().parents.size() == 1 &&
                       before.find((*repo)->operation().parents[0].hex()) != std::string::npos;
      if (!published) {
        f.violations.push_back(what + " (and it is not a published operation)");
        continue;
      }
      if (std::string p = CheckComplete(); !p.empty()) f.violations.push_back(what + "; incomplete:" + p);
      // A restore that fails after publishing leaves a marker: the next
      // command refuses until the restore is run again. That is by design.
      if (recover && fs::exists(root_ / ".jvs" / "worktrees" / "main" / "checkout_pending")) {
        if (std::string p = recover(); !p.empty()) {
          f.violations.push_back(what + "; re-running the restore does not recover: " + p);
        } else {
          f.interrupted++;
        }
        continue;
      }
      f.published_but_failed.push_back(what);
    }
    EXPECT_GE(f.succeeded, 1) << "the last attempt (no failure) must succeed";
    EXPECT_GE(f.failed, 1) << "a failure of the first " << FaultName(fault) << " call must fail the operation";
    return f;
  }

  // Fails the test on contract violations, and on a failure reported after
  // the operation was published (a command that published must succeed,
  // late problems being warnings).
  void Report(const Findings& f, const std::string& bug) {
    for (const auto& v : f.violations) ADD_FAILURE() << v;
    if (!f.violations.empty()) return;
    std::string list;
    for (const auto& v : f.published_but_failed) list += "\n  " + v;
    std::string recovered;
    if (f.interrupted > 0)
      recovered = "; " + std::to_string(f.interrupted) +
                  " more failed after publishing but left the interrupted-restore marker and were recovered by "
                  "running the restore again";
    EXPECT_TRUE(f.published_but_failed.empty())
        << bug << " (" << f.published_but_failed.size() << " of " << f.attempts << " failure points" << recovered
        << "):" << list;
  }

  TempDir tmp_;
  fs::path root_, ws_, pristine_;
  Settings settings_;
  std::map<std::string, Stamp> stamps_;  // what the last reset created, by path
};

// ---------------------------------------------------------------- snapshot

class SnapshotFaultTest : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    Populate("one");
    auto s0 = SnapshotWith(Fast());
    ASSERT_TRUE(s0.ok()) << s0.error().message();
    Populate("two");  // new content: the next snapshot stores new blobs and trees
    SavePristine();
  }
  Findings Run(Fault fault, int err, bool one_shot) {
    return RunAllFailurePoints(fault, err, one_shot, [this](Env* env) -> Status {
      auto r = SnapshotWith(env);
      if (!r.ok()) return r.error();
      return OkStatus();
    });
  }
};

constexpr const char* kPublishedBug =
    "a snapshot reports failure although its operation was already published: an error after the op head "
    "moved (saving the tree state, fsync of the op_heads directory) is returned as the command's error, so "
    "the user retries and gets a second snapshot";

TEST_F(SnapshotFaultTest, WriteFailsWithNoSpace) { Report(Run(Fault::kWrite, ENOSPC, false), kPublishedBug); }

TEST_F(SnapshotFaultTest, SingleWriteFailure) { Report(Run(Fault::kWrite, ENOSPC, true), kPublishedBug); }

TEST_F(SnapshotFaultTest, RenameFails) { Report(Run(Fault::kRename, ENOSPC, false), kPublishedBug); }

TEST_F(SnapshotFaultTest, FsyncFails) {
  Findings f = Run(Fault::kFsync, EIO, false);
  EXPECT_GE(f.failed, 1);
  Report(f, kPublishedBug);
}

TEST_F(SnapshotFaultTest, FailedBarrierIsNotPublished) {
  // The durability barrier before the op head moves fails: the command fails
  // and the repository still stands at its previous operation.
  ResetToPristine();
  std::string before = Fingerprint();
  FaultEnv env(Fault::kFsync, 0, false, EIO);
  auto r = SnapshotWith(&env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kIo);
  EXPECT_EQ(Fingerprint(), before);
  // And the next attempt, with a working disk, succeeds.
  auto again = SnapshotWith(Fast());
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(CheckComplete(), "");
}

class SyncFsFaultTest : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    WriteFile(ws_ / "seed", "seed");
    ASSERT_TRUE(SnapshotWith(Fast()).ok());
    // Enough new objects that the barrier is one syncfs instead of an fsync per file.
    for (int i = 0; i < 270; ++i) WriteFile(ws_ / "many" / ("f" + std::to_string(i)), "file " + std::to_string(i));
  }
};

TEST_F(SyncFsFaultTest, SyncFsFailureIsNotPublished) {
  std::string before = Fingerprint();
  Manifest ws_before = TakeManifest(ws_);
  FaultEnv env(Fault::kSyncFs, 0, false, EIO);
  auto r = SnapshotWith(&env);
  ASSERT_GE(env.calls(), 1) << "a snapshot of 270 new files is expected to use syncfs";
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kIo) << r.error().message();
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(TakeManifest(ws_), ws_before);
  EXPECT_TRUE(Litter(root_ / ".jvs").empty());
  auto again = SnapshotWith(Fast());
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(again->scan.files, 271u);
  EXPECT_EQ(CheckComplete(), "");
}

// ---------------------------------------------------------------- restore

class RestoreFaultTest : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    Populate("one");
    auto s0 = SnapshotWith(Fast());
    ASSERT_TRUE(s0.ok()) << s0.error().message();
    target_ = s0->id;
    Populate("two");
    auto s1 = SnapshotWith(Fast());
    ASSERT_TRUE(s1.ok()) << s1.error().message();
    // Dirty changes, so that the restore first captures them.
    WriteFile(ws_ / "a.txt", "dirty alpha");
    WriteFile(ws_ / "dirty-new", "dirty new file");
    SavePristine();
    // Where a successful restore brings the workspace.
    auto r = RestoreWith(Fast(), target_);
    ASSERT_TRUE(r.ok()) << r.error().message();
    expected_ = Content(TakeManifest(ws_));
    ResetToPristine();
  }
  Findings Run(Fault fault, int err, bool one_shot) {
    return RunAllFailurePoints(
        fault, err, one_shot,
        [this](Env* env) -> Status {
          auto r = RestoreWith(env, target_);
          if (!r.ok()) return r.error();
          return OkStatus();
        },
        [this]() -> std::string {
          auto r = RestoreWith(Fast(), target_);
          if (!r.ok()) return r.error().message();
          if (Content(TakeManifest(ws_)) != expected_) return "the workspace is not the target";
          if (fs::exists(root_ / ".jvs" / "worktrees" / "main" / "checkout_pending")) return "the marker stays";
          return "";
        });
  }
  SnapshotId target_;
  std::map<std::string, std::string> expected_;
};

constexpr const char* kRestorePublishedBug =
    "restore reports failure after its operation was published without leaving the 'interrupted restore' "
    "marker: the view says the worktree is at the target while its files are not, and nothing tells the user";

TEST_F(RestoreFaultTest, StagingFailsWithNoSpace) {
  // Staging copies the new content (copy_file_range): a full disk there must
  // leave the workspace and the repository untouched.
  Findings f = Run(Fault::kCopy, ENOSPC, false);
  EXPECT_GE(f.failed, 1);
  EXPECT_EQ(f.interrupted, 0) << "staging happens before publishing";
  Report(f, kRestorePublishedBug);
}

TEST_F(RestoreFaultTest, WriteFailsWithNoSpace) { Report(Run(Fault::kWrite, ENOSPC, false), kRestorePublishedBug); }

TEST_F(RestoreFaultTest, RenameFails) { Report(Run(Fault::kRename, ENOSPC, false), kRestorePublishedBug); }

TEST_F(RestoreFaultTest, FsyncFails) { Report(Run(Fault::kFsync, EIO, false), kRestorePublishedBug); }

TEST_F(RestoreFaultTest, RestoreAfterFailureWorks) {
  // A failed restore can simply be run again.
  Manifest before = TakeManifest(ws_);
  std::string fp = Fingerprint();
  FaultEnv env(Fault::kCopy, 0, false, ENOSPC);
  auto r = RestoreWith(&env, target_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNoSpace);
  EXPECT_FALSE(jvs::cli::FullHint(r.error()).empty());
  EXPECT_EQ(TakeManifest(ws_), before);
  EXPECT_EQ(Fingerprint(), fp);
  auto again = RestoreWith(Fast(), target_);
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(Content(TakeManifest(ws_)), expected_);
  EXPECT_EQ(testing::ReadFile(ws_ / "a.txt"), "alpha one");
  EXPECT_FALSE(fs::exists(ws_ / "dirty-new"));
  ASSERT_TRUE(again->captured.has_value());
  EXPECT_EQ(CheckComplete(), "");
}

// ---------------------------------------------------------------- store level

TEST(StoreFault, FailedWritesLeaveNoObjectAndNoTempFile) {
  TempDir tmp;
  fs::path dir = tmp.path() / "store";
  ASSERT_TRUE(Store::Create(Fast(), dir).ok());
  auto engine = MakeCopyEngine();
  int round = 0;
  for (Fault fault : {Fault::kWrite, Fault::kRename}) {
    SCOPED_TRACE(FaultName(fault));
    std::string tag = std::to_string(round++);
    FaultEnv env(fault, 0, false, ENOSPC);
    auto store = Store::Open(&env, dir);
    ASSERT_TRUE(store.ok());
    {
      auto b = (*store)->WriteBlob("some content " + tag);
      ASSERT_FALSE(b.ok());
      EXPECT_EQ(b.error().code(), ErrorCode::kNoSpace);
      EXPECT_FALSE((*store)->HasBlob(BlobId(Sha256Of("some content " + tag))));
      Tree t;
      TreeEntry e;
      e.name = "f" + tag;
      e.id = Sha256Of("x");
      t.entries.push_back(e);
      auto tr = (*store)->WriteTree(t);
      ASSERT_FALSE(tr.ok());
      EXPECT_EQ(tr.error().code(), ErrorCode::kNoSpace);
      auto back = Store::Open(Fast(), dir);
      EXPECT_FALSE((*back)->ReadTree(t.ComputeId()).ok());
      EXPECT_TRUE(fs::is_empty(dir / "tmp"));
    }
    // Files above the small-file limit go through the engine and a temp file
    // (the copy engine reads and writes them: no copy_file_range on this path).
    if (fault == Fault::kCopy) continue;
    std::string big(((2u << 20) + 1), static_cast<char>('a' + round));
    WriteFile(tmp.path() / "ws" / "big", big);
    auto r = (*store)->IngestFile(AT_FDCWD, (tmp.path() / "ws" / "big").c_str(), *engine);
    ASSERT_FALSE(r.ok()) << "the injected call is on the ingest path";
    EXPECT_EQ(r.error().code(), ErrorCode::kNoSpace) << r.error().message();
    EXPECT_TRUE(fs::is_empty(dir / "tmp"));
    EXPECT_FALSE((*store)->HasBlob(BlobId(Sha256Of(big))));
  }
}

}  // namespace
}  // namespace jvs
