// Unit tests of the working-copy scanner (ScanWorkspace).
// Over 400 lines on purpose: the scanner's modes (snapshot, status), its cache and its races are
// checked on one fixture.

#include "wc/scanner.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "jvs/base/hash.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;
using testing::WriteFile;

// Records every path opened through the Env and counts readlinks.
class TracingEnv : public EnvWrapper {
 public:
  TracingEnv() : EnvWrapper(Env::Default()) {}
  Result<UniqueFd> Open(const fs::path& p, int f, mode_t m) override {
    Record(p.string());
    return EnvWrapper::Open(p, f, m);
  }
  Result<UniqueFd> OpenAt(int d, const char* n, int f, mode_t m) override {
    Record(n);
    return EnvWrapper::OpenAt(d, n, f, m);
  }
  Result<std::string> ReadlinkAt(int d, const char* n) override {
    readlinks++;
    return EnvWrapper::ReadlinkAt(d, n);
  }
  void Record(std::string s) {
    std::lock_guard<std::mutex> l(mu);
    opened.push_back(std::move(s));
  }
  bool OpenedSomethingContaining(std::string_view needle) {
    std::lock_guard<std::mutex> l(mu);
    for (const auto& o : opened)
      if (o.find(needle) != std::string::npos) return true;
    return false;
  }
  std::mutex mu;
  std::vector<std::string> opened;
  std::atomic<int> readlinks{0};
};

// Refuses (and records) every attempt to open a FIFO, so that a test can
// check that the scanner never opens one without ever blocking on it.
class FifoGuardEnv : public EnvWrapper {
 public:
  FifoGuardEnv() : EnvWrapper(Env::Default()) {}
  Result<UniqueFd> Open(const fs::path& p, int f, mode_t m) override {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0 && S_ISFIFO(st.st_mode)) return Refuse(p.string());
    return EnvWrapper::Open(p, f, m);
  }
  Result<UniqueFd> OpenAt(int d, const char* n, int f, mode_t m) override {
    struct stat st {};
    if (::fstatat(d, n, &st, 0) == 0 && S_ISFIFO(st.st_mode)) return Refuse(n);
    return EnvWrapper::OpenAt(d, n, f, m);
  }
  Error Refuse(const std::string& what) {
    std::lock_guard<std::mutex> l(mu);
    fifo_opens.push_back(what);
    return ErrnoError(ENXIO, "test guard: refused to open FIFO '" + what + "'");
  }
  std::mutex mu;
  std::vector<std::string> fifo_opens;
};

// Sets the modification time of every entry below `root` (not following
// symlinks) to a fixed point well in the past.
void AgeTree(const fs::path& root, int64_t seconds_ago = 3600) {
  struct timespec ts[2];
  ts[0].tv_sec = 0;
  ts[0].tv_nsec = UTIME_OMIT;
  ts[1].tv_sec = ::time(nullptr) - seconds_ago;
  ts[1].tv_nsec = 123456789;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it); it.increment(ec)) {
    if (it->is_fifo() || it->is_socket()) continue;
    ASSERT_EQ(::utimensat(AT_FDCWD, it->path().c_str(), ts, AT_SYMLINK_NOFOLLOW), 0) << it->path();
  }
}

void SetMtime(const fs::path& p, int64_t sec, long nsec) {
  struct timespec ts[2];
  ts[0].tv_sec = 0;
  ts[0].tv_nsec = UTIME_OMIT;
  ts[1].tv_sec = sec;
  ts[1].tv_nsec = nsec;
  ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), ts, AT_SYMLINK_NOFOLLOW), 0) << p;
}

// An independent computation of the tree id of a directory, per the format:
// used to check the scanner's trees. Skips special files and `.jvs` at the root.
struct RefResult {
  TreeId id;
  uint64_t total = 0;
};
RefResult RefTree(const fs::path& dir, bool root) {
  Tree t;
  uint64_t total = 0;
  std::vector<std::string> names;
  for (auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    (void)root;
    if (name == ".jvs") continue;  // the control folder's name: never recorded, at any depth
    fs::path p = dir / name;
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0);
    TreeEntry e;
    e.name = name;
    if (S_ISDIR(st.st_mode)) {
      RefResult sub = RefTree(p, false);
      e.kind = EntryKind::kTree;
      e.id = sub.id.bytes();
      e.size = sub.total;
      total += sub.total;
    } else if (S_ISLNK(st.st_mode)) {
      std::string target = fs::read_symlink(p).string();
      e.kind = EntryKind::kSymlink;
      e.id = Sha256Of(target);
      e.size = target.size();
    } else if (S_ISREG(st.st_mode)) {
      e.kind = (st.st_mode & S_IXUSR) ? EntryKind::kExecutable : EntryKind::kFile;
      e.id = Sha256Of(testing::ReadFile(p));
      e.size = static_cast<uint64_t>(st.st_size);
      total += e.size;
    } else {
      continue;
    }
    e.mode = TreeEntry::CanonicalMode(e.kind, st.st_mode);  // permission bits (none for symlinks)
    t.entries.push_back(std::move(e));
  }
  return {t.ComputeId(), total};
}

size_t CountFiles(const fs::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it); it.increment(ec))
    if (!it->is_directory()) ++n;
  return n;
}

class ScannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ws_ = tmp_.path() / "ws";
    clock_ = tmp_.path() / "ctl";
    fs::create_directories(ws_);
    fs::create_directories(clock_);
    ASSERT_TRUE(Store::Create(Env::Default(), tmp_.path() / "store").ok());
    store_ = std::move(Store::Open(Env::Default(), tmp_.path() / "store")).value();
  }

  Result<ScanResult> Scan(const TreeState& old, bool store_content = true, Env* env = nullptr) {
    ScanOptions o;
    o.store_content = store_content;
    o.clock_dir = clock_;
    o.ignore_patterns = ignore_patterns_;
    return ScanWorkspace(env ? env : Env::Default(), *store_, *engine_, ws_, old, o, pool_);
  }
  ScanResult ScanOk(const TreeState& old, bool store_content = true, Env* env = nullptr) {
    auto r = Scan(old, store_content, env);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? std::move(r).value() : ScanResult{};
  }
  // A fresh Store can read the tree (it was really written).
  bool Reopen(const TreeId& id) {
    auto s = Store::Open(Env::Default(), tmp_.path() / "store");
    return s.ok() && (*s)->ReadTree(id).ok();
  }
  const Tree& TreeOf(const ScanResult& r, const TreeId& id) {
    auto it = r.trees.find(id);
    EXPECT_NE(it, r.trees.end());
    static const Tree kEmpty;
    return it == r.trees.end() ? kEmpty : *it->second;
  }
  // The entry at a '/'-separated path, looked up through the scan's trees.
  const TreeEntry* Lookup(const ScanResult& r, std::string_view path) {
    TreeId cur = r.root;
    const TreeEntry* e = nullptr;
    while (true) {
      size_t slash = path.find('/');
      e = TreeOf(r, cur).Find(path.substr(0, slash));
      if (!e || slash == std::string_view::npos) return e;
      if (e->kind != EntryKind::kTree) return nullptr;
      cur = TreeId(e->id);
      path.remove_prefix(slash + 1);
    }
  }
  void Populate() {
    WriteFile(ws_ / "a.txt", "alpha\n");
    WriteFile(ws_ / "dir" / "b.txt", "bravo bravo\n");
    WriteFile(ws_ / "dir" / "sub" / "deep" / "c.bin", std::string(5000, '\x01'));
    WriteFile(ws_ / "run.sh", "#!/bin/sh\necho hi\n");
    fs::permissions(ws_ / "run.sh", fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
    fs::create_directories(ws_ / "empty");
    fs::create_directories(ws_ / "dir" / "empty2" / "emptier");
    fs::create_symlink("a.txt", ws_ / "link");
    fs::create_symlink("../nowhere/at/all", ws_ / "dir" / "dangling");
    fs::create_directory_symlink("dir", ws_ / "dirlink");
    WriteFile(ws_ / "dir" / "\xc3\xa9t\xc3\xa9", "utf-8 name");  // sorts after every ASCII name
    WriteFile(ws_ / "dir" / "Zed", "upper case sorts before lower case");
  }

  TempDir tmp_;
  fs::path ws_, clock_;
  std::vector<std::string> ignore_patterns_;  // ScanOptions::ignore_patterns
  std::unique_ptr<Store> store_;
  std::unique_ptr<CloneEngine> engine_ = MakeCopyEngine();
  ThreadPool pool_{4};
};

TEST_F(ScannerTest, EmptyWorkspace) {
  ScanResult r = ScanOk(TreeState{});
  EXPECT_EQ(r.root, EmptyTreeId());
  EXPECT_TRUE(r.new_state.entries.empty());
  EXPECT_EQ(r.new_state.tree, EmptyTreeId());
  EXPECT_EQ(r.stats.files, 0u);
  EXPECT_EQ(r.stats.dirs, 0u);
  EXPECT_TRUE(Reopen(r.root));
}

TEST_F(ScannerTest, NestedTreeMatchesReference) {
  Populate();
  ScanResult r = ScanOk(TreeState{});
  EXPECT_EQ(r.root, RefTree(ws_, true).id);
  EXPECT_TRUE(r.warnings.empty());

  const TreeEntry* a = Lookup(r, "a.txt");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->kind, EntryKind::kFile);
  EXPECT_EQ(a->id, Sha256Of("alpha\n"));
  EXPECT_EQ(a->size, 6u);
  const TreeEntry* run = Lookup(r, "run.sh");
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->kind, EntryKind::kExecutable);
  const TreeEntry* link = Lookup(r, "link");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->kind, EntryKind::kSymlink);
  EXPECT_EQ(link->id, Sha256Of("a.txt"));
  EXPECT_EQ(link->size, 5u);
  const TreeEntry* dangling = Lookup(r, "dir/dangling");
  ASSERT_NE(dangling, nullptr);
  EXPECT_EQ(dangling->kind, EntryKind::kSymlink);
  const TreeEntry* dirlink = Lookup(r, "dirlink");  // a symlink to a directory is not followed
  ASSERT_NE(dirlink, nullptr);
  EXPECT_EQ(dirlink->kind, EntryKind::kSymlink);
  const TreeEntry* empty = Lookup(r, "empty");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->kind, EntryKind::kTree);
  EXPECT_EQ(empty->id, EmptyTreeId().bytes());
  EXPECT_EQ(empty->size, 0u);
  const TreeEntry* emptier = Lookup(r, "dir/empty2/emptier");
  ASSERT_NE(emptier, nullptr);
  EXPECT_EQ(emptier->id, EmptyTreeId().bytes());
  const TreeEntry* dir = Lookup(r, "dir");
  ASSERT_NE(dir, nullptr);
  EXPECT_EQ(dir->size, 12u + 5000u + 10u + 34u);  // file bytes below, symlinks excluded
  EXPECT_NE(Lookup(r, "dir/sub/deep/c.bin"), nullptr);

  EXPECT_EQ(r.stats.files, 6u);
  EXPECT_EQ(r.stats.symlinks, 3u);
  EXPECT_EQ(r.stats.dirs, 6u);  // dir, dir/sub, dir/sub/deep, empty, dir/empty2, dir/empty2/emptier
  EXPECT_EQ(r.stats.total_bytes, 6u + 12u + 5000u + 10u + 34u + 18u);
  EXPECT_EQ(r.stats.hashed_files, 6u);
  EXPECT_EQ(r.stats.hashed_bytes, r.stats.total_bytes);
  EXPECT_EQ(r.stats.stored_bytes, r.stats.total_bytes);

  // The tree state lists every file and symlink (no directories), sorted.
  std::vector<std::string> paths;
  for (const auto& [p, s] : r.new_state.entries) paths.push_back(p);
  EXPECT_EQ(paths, (std::vector<std::string>{"a.txt", "dir/Zed", "dir/b.txt", "dir/dangling",
                                             "dir/sub/deep/c.bin", "dir/\xc3\xa9t\xc3\xa9", "dirlink", "link",
                                             "run.sh"}));
  EXPECT_EQ(r.new_state.tree, r.root);
  EXPECT_GT(r.new_state.fs_time_ns, 0);
  for (const auto& [p, s] : r.new_state.entries) {
    struct stat st {};
    ASSERT_EQ(::lstat((ws_ / p).c_str(), &st), 0);
    EXPECT_TRUE(StatMatches(s, st)) << p;
  }

  // Snapshot mode stored every tree and blob.
  for (const auto& [id, tree] : r.trees) {
    auto t = store_->ReadTree(id);
    ASSERT_TRUE(t.ok()) << id.hex();
    for (const auto& e : (*t)->entries)
      if (e.kind != EntryKind::kTree) {
        EXPECT_TRUE(store_->HasBlob(BlobId(e.id))) << e.name;
      }
  }
  EXPECT_EQ(*store_->ReadBlob(BlobId(link->id)), "a.txt");
  EXPECT_TRUE(Reopen(r.root));
  // Nothing was left in the clock folder.
  EXPECT_TRUE(fs::is_empty(clock_));
}

TEST_F(ScannerTest, SkipsFifoAndSocketWithoutOpeningThem) {
  WriteFile(ws_ / "plain", "x");
  fs::create_directories(ws_ / "d");
  fs::path fifo = ws_ / "d" / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  fs::path sock = ws_ / "sock";
  int sfd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sfd, 0);
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock.string().size(), sizeof(addr.sun_path));
  std::strncpy(addr.sun_path, sock.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(::bind(sfd, reinterpret_cast<struct sockaddr*>(&addr), sizeof(addr)), 0);

  FifoGuardEnv guard;  // refuses to open FIFOs, so a bug cannot block the test
  auto r0 = Scan(TreeState{}, true, &guard);
  EXPECT_TRUE(guard.fifo_opens.empty()) << guard.fifo_opens[0];
  ASSERT_TRUE(r0.ok()) << r0.error().message();

  // And with the real Env, under a time limit.
  TracingEnv env;
  TreeState empty;
  auto fut = std::async(std::launch::async, [&] { return Scan(empty, true, &env); });
  if (fut.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    // Unblock a reader stuck on the FIFO, then fail.
    int w = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
    if (w >= 0) {
      (void)!::write(w, "x", 1);
      ::close(w);
    }
    fut.wait();
    ::close(sfd);
    FAIL() << "the scan blocked on a FIFO";
  }
  ::close(sfd);
  auto r = fut.get();
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_FALSE(env.OpenedSomethingContaining(fifo.string()));
  EXPECT_FALSE(env.OpenedSomethingContaining(sock.string()));
  EXPECT_EQ(Lookup(*r, "d/pipe"), nullptr);
  EXPECT_EQ(Lookup(*r, "sock"), nullptr);
  ASSERT_NE(Lookup(*r, "d"), nullptr);
  EXPECT_EQ(Lookup(*r, "d")->id, EmptyTreeId().bytes());  // the directory itself is kept
  EXPECT_EQ(r->root, RefTree(ws_, true).id);
  ASSERT_EQ(r->warnings.size(), 2u);
  EXPECT_NE(r->warnings[0].find("FIFO"), std::string::npos) << r->warnings[0];
  EXPECT_NE(r->warnings[0].find("d/pipe"), std::string::npos) << r->warnings[0];
  EXPECT_NE(r->warnings[1].find("socket"), std::string::npos) << r->warnings[1];
  for (const auto& [p, s] : r->new_state.entries) EXPECT_TRUE(p == "plain") << p;
  EXPECT_EQ(r->stats.skipped_special, 2u);
}

TEST_F(ScannerTest, FifoNamedJvsIgnoreIsNotOpened) {
  // A FIFO named .jvsignore is still a FIFO: opening it would block the scan
  // until some other process writes to it.
  WriteFile(ws_ / "a", "a");
  ASSERT_EQ(::mkfifo((ws_ / ".jvsignore").c_str(), 0644), 0);
  fs::create_directories(ws_ / "sub");
  ASSERT_EQ(::mkfifo((ws_ / "sub" / ".jvsignore").c_str(), 0644), 0);
  FifoGuardEnv env;
  auto r = Scan(TreeState{}, true, &env);
  ASSERT_TRUE(env.fifo_opens.empty()) << "the scanner opened a FIFO named .jvsignore (" << env.fifo_opens[0]
                                      << "); with the real Env the scan blocks forever";
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(Lookup(*r, ".jvsignore"), nullptr);
  EXPECT_NE(Lookup(*r, "a"), nullptr);
  EXPECT_EQ(r->warnings.size(), 2u);
}

TEST_F(ScannerTest, IgnoreFileThatIsNotARegularFileIsNotRead) {
  // Only a regular .jvsignore is read. A symlink (which could point at a
  // FIFO or outside the workspace) or a directory by that name is recorded
  // like any other entry, and a warning says its rules are not applied.
  WriteFile(ws_ / "rules", "*.tmp\n");
  WriteFile(ws_ / "a.tmp", "a");
  fs::create_directories(ws_ / "s");
  fs::create_symlink("../rules", ws_ / "s" / ".jvsignore");
  WriteFile(ws_ / "s" / "b.tmp", "b");
  WriteFile(ws_ / "d" / ".jvsignore" / "inner", "*.tmp\n");
  WriteFile(ws_ / "d" / "c.tmp", "c");
  WriteFile(ws_ / "r" / ".jvsignore", "*.tmp\n");
  WriteFile(ws_ / "r" / "ignored.tmp", "i");
  ScanResult r = ScanOk(TreeState{});
  EXPECT_NE(Lookup(r, "a.tmp"), nullptr);
  EXPECT_NE(Lookup(r, "s/b.tmp"), nullptr);
  EXPECT_NE(Lookup(r, "s/.jvsignore"), nullptr);
  EXPECT_NE(Lookup(r, "d/c.tmp"), nullptr);
  EXPECT_NE(Lookup(r, "d/.jvsignore/inner"), nullptr);
  EXPECT_EQ(Lookup(r, "r/ignored.tmp"), nullptr);  // a regular one still works
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_NE(r.warnings[0].find("'d/.jvsignore' not read: it is a directory"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[1].find("'s/.jvsignore' not read: it is a symlink"), std::string::npos) << r.warnings[1];
}

TEST_F(ScannerTest, HardlinkedFilesAreHashedOnce) {
  WriteFile(ws_ / "a", "shared content");
  fs::create_directories(ws_ / "sub");
  ASSERT_EQ(::link((ws_ / "a").c_str(), (ws_ / "b").c_str()), 0);
  ASSERT_EQ(::link((ws_ / "a").c_str(), (ws_ / "sub" / "c").c_str()), 0);
  WriteFile(ws_ / "other", "other content!");  // same size, different content
  ScanResult r = ScanOk(TreeState{});
  EXPECT_EQ(r.stats.hashed_files, 2u);
  EXPECT_EQ(r.stats.files, 4u);
  EXPECT_EQ(r.stats.hashed_bytes, 28u);
  for (const char* p : {"a", "b", "sub/c"}) {
    const TreeEntry* e = Lookup(r, p);
    ASSERT_NE(e, nullptr) << p;
    EXPECT_EQ(e->id, Sha256Of("shared content")) << p;
    EXPECT_EQ(e->size, 14u) << p;
  }
  EXPECT_EQ(Lookup(r, "other")->id, Sha256Of("other content!"));
  EXPECT_EQ(r.root, RefTree(ws_, true).id);
  EXPECT_EQ(r.new_state.entries.size(), 4u);
  for (const auto& [p, s] : r.new_state.entries) {
    struct stat st {};
    ASSERT_EQ(::lstat((ws_ / p).c_str(), &st), 0);
    EXPECT_TRUE(StatMatches(s, st)) << p;
  }
}

TEST_F(ScannerTest, HonoursJvsIgnore) {
  WriteFile(ws_ / ".jvsignore", "*.log\nbuild/\n!keep.log\n/rootonly\n");
  WriteFile(ws_ / "app.log", "ignored log");
  WriteFile(ws_ / "keep.log", "kept log");
  WriteFile(ws_ / "build" / "out.o", "ignored object");
  WriteFile(ws_ / "build" / "deeper" / "x", "ignored deeper");
  WriteFile(ws_ / "rootonly", "ignored at the root");
  WriteFile(ws_ / "src" / "rootonly", "kept below");
  WriteFile(ws_ / "src" / "main.c", "int main;");
  WriteFile(ws_ / "src" / "trace.log", "ignored nested log");
  WriteFile(ws_ / "src" / ".jvsignore", "secret*\n");
  WriteFile(ws_ / "src" / "secret.key", "ignored by the nested file");
  WriteFile(ws_ / "secret.txt", "kept: the nested rule does not apply here");
  WriteFile(ws_ / "notbuild", "kept");
  WriteFile(ws_ / "src" / "build", "kept: build/ matches directories only");
  ScanResult r = ScanOk(TreeState{});
  std::set<std::string> paths;
  for (const auto& [p, s] : r.new_state.entries) paths.insert(p);
  EXPECT_EQ(paths, (std::set<std::string>{".jvsignore", "keep.log", "notbuild", "secret.txt", "src/.jvsignore",
                                          "src/build", "src/main.c", "src/rootonly"}));
  EXPECT_EQ(Lookup(r, "build"), nullptr);
  EXPECT_EQ(Lookup(r, "app.log"), nullptr);
  EXPECT_NE(Lookup(r, "keep.log"), nullptr);
  // Ignored content never reaches the store.
  for (const char* c : {"ignored log", "ignored object", "ignored deeper", "ignored at the root",
                        "ignored nested log", "ignored by the nested file"})
    EXPECT_FALSE(store_->HasBlob(BlobId(Sha256Of(c)))) << c;
  EXPECT_EQ(r.stats.files, paths.size());
}

// Configured patterns (ignore.patterns) apply at the root; .jvsignore files
// take precedence over them.
TEST_F(ScannerTest, ConfiguredIgnorePatternsComeBeforeJvsIgnore) {
  ignore_patterns_ = {"*.tmp", "cache/", "/top-only"};
  WriteFile(ws_ / "a.tmp", "ignored by the configuration");
  WriteFile(ws_ / "keep.tmp", "re-included by .jvsignore");
  WriteFile(ws_ / ".jvsignore", "!keep.tmp\n");
  WriteFile(ws_ / "sub" / "b.tmp", "ignored below too");
  WriteFile(ws_ / "sub" / "cache" / "x", "ignored cache");
  WriteFile(ws_ / "sub" / "top-only", "kept: anchored at the root");
  WriteFile(ws_ / "top-only", "ignored at the root");
  WriteFile(ws_ / "main.c", "kept");
  ScanResult r = ScanOk(TreeState{});
  std::set<std::string> paths;
  for (const auto& [p, s] : r.new_state.entries) paths.insert(p);
  EXPECT_EQ(paths, (std::set<std::string>{".jvsignore", "keep.tmp", "main.c", "sub/top-only"}));
  ignore_patterns_.clear();
  ScanResult all = ScanOk(TreeState{});
  EXPECT_EQ(all.new_state.entries.size(), 8u);
}

TEST_F(ScannerTest, ControlFolderExcludedOnlyAtRoot) {
  WriteFile(ws_ / ".jvs" / "format", "control data");
  WriteFile(ws_ / ".jvs" / "store" / "x", "control store");
  // (Issue 16: a nested `.jvs` was recorded as user data; restored, it could
  // point commands at another repository. Now never recorded, with a warning.)
  WriteFile(ws_ / "sub" / ".jvs" / "f", "a nested .jvs is never recorded");
  WriteFile(ws_ / ".jvsx", "not the control folder");
  ScanResult r = ScanOk(TreeState{});
  EXPECT_EQ(Lookup(r, ".jvs"), nullptr);
  EXPECT_EQ(Lookup(r, "sub/.jvs/f"), nullptr);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("skipped 'sub/.jvs'"), std::string::npos) << r.warnings[0];
  EXPECT_NE(Lookup(r, ".jvsx"), nullptr);
  EXPECT_FALSE(store_->HasBlob(BlobId(Sha256Of("control data"))));
  EXPECT_FALSE(store_->HasBlob(BlobId(Sha256Of("control store"))));
  EXPECT_EQ(r.root, RefTree(ws_, true).id);
  // Also when .jvs at the root is a file or a symlink.
  fs::remove_all(ws_ / ".jvs");
  fs::create_symlink("/etc", ws_ / ".jvs");
  ScanResult r2 = ScanOk(TreeState{});
  EXPECT_EQ(Lookup(r2, ".jvs"), nullptr);
}

TEST_F(ScannerTest, RescanWithTreeStateReadsNothing) {
  Populate();
  WriteFile(ws_ / "big", std::string((2u << 20) + 3, 'b'));
  ASSERT_NO_FATAL_FAILURE(AgeTree(ws_));
  TracingEnv env;
  ScanResult first = ScanOk(TreeState{}, true, &env);
  EXPECT_EQ(first.stats.hashed_files, 7u);
  EXPECT_EQ(env.readlinks, 3);

  TracingEnv env2;
  ScanResult second = ScanOk(first.new_state, true, &env2);
  EXPECT_EQ(second.root, first.root);
  EXPECT_EQ(second.stats.hashed_files, 0u);
  EXPECT_EQ(second.stats.hashed_bytes, 0u);
  EXPECT_EQ(second.stats.stored_bytes, 0u);
  EXPECT_EQ(env2.readlinks, 0);
  EXPECT_FALSE(env2.OpenedSomethingContaining((ws_ / "a.txt").string()));
  EXPECT_FALSE(env2.OpenedSomethingContaining((ws_ / "big").string()));
  EXPECT_EQ(second.stats.files, first.stats.files);
  EXPECT_EQ(second.stats.total_bytes, first.stats.total_bytes);
  EXPECT_EQ(second.new_state.entries, first.new_state.entries);

  // Status mode with the same state reads nothing either.
  ScanResult status = ScanOk(first.new_state, false);
  EXPECT_EQ(status.root, first.root);
  EXPECT_EQ(status.stats.hashed_files, 0u);
}

TEST_F(ScannerTest, RescanDetectsChanges) {
  Populate();
  ASSERT_NO_FATAL_FAILURE(AgeTree(ws_));
  ScanResult first = ScanOk(TreeState{});
  int64_t old_sec = ::time(nullptr) - 7200;

  // Same size, new content, mtime still in the past (but different).
  WriteFile(ws_ / "a.txt", "ALPHA\n");
  SetMtime(ws_ / "a.txt", old_sec, 1);
  // Executable bit flipped, content unchanged.
  fs::permissions(ws_ / "dir" / "b.txt", fs::perms::owner_exec, fs::perm_options::add);
  // Replaced by a new inode with identical size and mtime.
  struct stat st {};
  ASSERT_EQ(::lstat((ws_ / "run.sh").c_str(), &st), 0);
  fs::remove(ws_ / "run.sh");
  WriteFile(ws_ / "run.sh", "#!/bin/sh\necho HI\n");
  fs::permissions(ws_ / "run.sh", fs::perms::owner_exec, fs::perm_options::add);
  SetMtime(ws_ / "run.sh", st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  // Symlink retargeted.
  fs::remove(ws_ / "link");
  fs::create_symlink("run.sh", ws_ / "link");
  SetMtime(ws_ / "link", old_sec, 0);

  ScanResult second = ScanOk(first.new_state);
  EXPECT_EQ(second.root, RefTree(ws_, true).id);
  EXPECT_EQ(second.stats.hashed_files, 3u);  // a.txt, dir/b.txt (mode), run.sh
  EXPECT_EQ(Lookup(second, "a.txt")->id, Sha256Of("ALPHA\n"));
  EXPECT_EQ(Lookup(second, "dir/b.txt")->kind, EntryKind::kExecutable);
  EXPECT_EQ(Lookup(second, "run.sh")->id, Sha256Of("#!/bin/sh\necho HI\n"));
  EXPECT_EQ(Lookup(second, "link")->id, Sha256Of("run.sh"));
}

TEST_F(ScannerTest, RacyFilesAreReread) {
  WriteFile(ws_ / "old", "old");
  WriteFile(ws_ / "future", "future");
  ASSERT_NO_FATAL_FAILURE(AgeTree(ws_));
  // A file modified at or after the filesystem time of the scan may change
  // again within the same tick: it must be read again next time.
  SetMtime(ws_ / "future", ::time(nullptr) + 3600, 0);
  ScanResult first = ScanOk(TreeState{});
  ScanResult second = ScanOk(first.new_state);
  EXPECT_EQ(second.stats.hashed_files, 1u);
  EXPECT_EQ(second.root, first.root);
  // A tree state whose probe time is older than every file: everything is racy.
  TreeState stale = first.new_state;
  stale.fs_time_ns = 0;
  ScanResult third = ScanOk(stale);
  EXPECT_EQ(third.stats.hashed_files, 2u);
}

TEST_F(ScannerTest, IgnoresStateOfAnotherKind) {
  WriteFile(ws_ / "x", "content");
  ASSERT_NO_FATAL_FAILURE(AgeTree(ws_));
  ScanResult first = ScanOk(TreeState{});
  // A recorded state that claims "x" is a symlink with a bogus id must not be trusted.
  TreeState bogus = first.new_state;
  bogus.entries[0].second.kind = EntryKind::kSymlink;
  bogus.entries[0].second.id = Sha256Of("bogus");
  ScanResult second = ScanOk(bogus);
  EXPECT_EQ(second.root, first.root);
  EXPECT_EQ(second.stats.hashed_files, 1u);
}

TEST_F(ScannerTest, StatusModeWritesNothingToTheStore) {
  Populate();
  WriteFile(ws_ / "big", std::string((1u << 20) + 100, 'q'));
  fs::path store_dir = tmp_.path() / "store";
  size_t before = CountFiles(store_dir);
  ScanResult status = ScanOk(TreeState{}, /*store_content=*/false);
  EXPECT_EQ(CountFiles(store_dir), before);
  EXPECT_EQ(status.root, RefTree(ws_, true).id);
  EXPECT_EQ(status.stats.stored_bytes, 0u);
  EXPECT_FALSE(store_->ReadTree(status.root).ok());
  // The trees are in memory.
  EXPECT_EQ(status.trees.count(status.root), 1u);
  // Snapshot mode on the same content gives the same ids.
  ScanResult snap = ScanOk(TreeState{}, true);
  EXPECT_EQ(snap.root, status.root);
  EXPECT_GT(CountFiles(store_dir), before);
}

TEST_F(ScannerTest, LargeTreeInParallel) {
  for (int d = 0; d < 20; ++d)
    for (int f = 0; f < 20; ++f)
      WriteFile(ws_ / ("d" + std::to_string(d)) / ("f" + std::to_string(f)),
                "file " + std::to_string(d) + "/" + std::to_string(f));
  ScanResult r = ScanOk(TreeState{});
  EXPECT_EQ(r.root, RefTree(ws_, true).id);
  EXPECT_EQ(r.stats.files, 400u);
  EXPECT_EQ(r.stats.dirs, 20u);
  EXPECT_EQ(r.new_state.entries.size(), 400u);
  EXPECT_TRUE(std::is_sorted(r.new_state.entries.begin(), r.new_state.entries.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; }));
}

TEST_F(ScannerTest, MissingWorkspaceFails) {
  ws_ = tmp_.path() / "missing";
  auto r = Scan(TreeState{});
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace jvs
