// What the library reports through Settings::progress: the phases of a
// snapshot ("scan", then "hash" with totals), of a restore ("restore") and of
// a fork ("fork"), with counts that add up to their totals, every phase ended.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "jvs/base/progress.h"
#include "jvs/repo/repo.h"
#include "jvs/repo/workspace.h"
#include "jvs/repo/worktrees.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;
using testing::WriteFile;

// Records every phase with its totals and what was added to it.
class RecordingSink : public ProgressSink {
 public:
  struct Phase {
    std::string name;
    uint64_t total_items = 0, total_bytes = 0;
    std::atomic<uint64_t> items{0}, bytes{0}, adds{0};
    bool ended = false;
  };
  void Begin(std::string_view phase, uint64_t total_items, uint64_t total_bytes) override {
    std::lock_guard<std::mutex> l(mu_);
    auto p = std::make_unique<Phase>();
    p->name = std::string(phase);
    p->total_items = total_items;
    p->total_bytes = total_bytes;
    stack_.push_back(p.get());
    current_ = p.get();
    phases.push_back(std::move(p));
  }
  void Add(uint64_t items, uint64_t bytes) override {
    Phase* p = current_.load();
    ASSERT_NE(p, nullptr) << "Add outside a phase";
    p->items += items;
    p->bytes += bytes;
    p->adds++;
  }
  void End() override {
    std::lock_guard<std::mutex> l(mu_);
    ASSERT_FALSE(stack_.empty()) << "End without Begin";
    stack_.back()->ended = true;
    stack_.pop_back();
    current_ = stack_.empty() ? nullptr : stack_.back();
  }
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (const auto& p : phases) out.push_back(p->name);
    return out;
  }
  const Phase* Find(const std::string& name) const {
    for (const auto& p : phases)
      if (p->name == name) return p.get();
    return nullptr;
  }
  size_t open() const { return stack_.size(); }
  void Reset() { phases.clear(); }

  std::vector<std::unique_ptr<Phase>> phases;

 private:
  std::mutex mu_;
  std::vector<Phase*> stack_;
  std::atomic<Phase*> current_{nullptr};
};

class ProgressReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path() / "repo";
    ws_ = root_ / "main";
    settings_.user = "tester";
    settings_.host = "box";
    settings_.random_seed = 7;
    settings_.engine = "copy";
    settings_.progress = &sink_;
    auto r = Repo::Init(Env::Default(), InitOptions{root_, ws_}, settings_);
    ASSERT_TRUE(r.ok()) << r.error().message();
    sink_.Reset();
  }
  std::unique_ptr<Repo> OpenRepo() {
    auto r = Repo::Open(Env::Default(), ws_, settings_);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? std::move(r).value() : nullptr;
  }
  SnapshotId Snap() {
    auto repo = OpenRepo();
    auto ws = Workspace::Open(*repo, "main");
    EXPECT_TRUE(ws.ok());
    auto r = (*ws)->TakeSnapshot({});
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? r->id : SnapshotId();
  }
  // 3 directories with 4 files each (12 files, 12 + 3 entries).
  uint64_t WriteTree(const std::string& tag) {
    uint64_t bytes = 0;
    for (int d = 0; d < 3; ++d)
      for (int f = 0; f < 4; ++f) {
        std::string content(100 + static_cast<size_t>(d * 10 + f), static_cast<char>('a' + f));
        content += tag;
        fs::path p = ws_ / ("d" + std::to_string(d)) / ("f" + std::to_string(f));
        WriteFile(p, content);
        // An hour old, so that an unchanged file is not re-read (the racy-timestamp rule).
        struct timespec ts[2] = {{0, UTIME_OMIT}, {::time(nullptr) - 3600, 0}};
        EXPECT_EQ(::utimensat(AT_FDCWD, p.c_str(), ts, AT_SYMLINK_NOFOLLOW), 0);
        bytes += content.size();
      }
    return bytes;
  }

  TempDir tmp_;
  fs::path root_, ws_;
  Settings settings_;
  RecordingSink sink_;
};

TEST_F(ProgressReportTest, SnapshotScansThenHashesWithTotals) {
  uint64_t bytes = WriteTree("1");
  Snap();
  EXPECT_EQ(sink_.Names(), (std::vector<std::string>{"scan", "hash"}));
  const auto* scan = sink_.Find("scan");
  ASSERT_NE(scan, nullptr);
  EXPECT_EQ(scan->total_items, 0u) << "the walk cannot know its total";
  EXPECT_EQ(scan->items.load(), 15u) << "every entry seen: 12 files and 3 directories";
  EXPECT_EQ(scan->adds.load(), 4u) << "one Add per directory (cheap), not per file";
  const auto* hash = sink_.Find("hash");
  ASSERT_NE(hash, nullptr);
  EXPECT_EQ(hash->total_items, 12u);
  EXPECT_EQ(hash->total_bytes, bytes);
  EXPECT_EQ(hash->items.load(), 12u);
  EXPECT_EQ(hash->bytes.load(), bytes);
  for (const auto& p : sink_.phases) EXPECT_TRUE(p->ended) << p->name;
  EXPECT_EQ(sink_.open(), 0u);

  // Nothing changed: the walk only; nothing to read.
  sink_.Reset();
  Snap();
  EXPECT_EQ(sink_.Names(), std::vector<std::string>{"scan"});
}

TEST_F(ProgressReportTest, RestoreAndForkReportFilesWritten) {
  WriteTree("1");
  SnapshotId first = Snap();
  uint64_t bytes = WriteTree("22");
  Snap();
  sink_.Reset();
  {
    auto repo = OpenRepo();
    auto ws = Workspace::Open(*repo, "main");
    ASSERT_TRUE(ws.ok());
    auto r = (*ws)->Restore(first, {});
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->files_written, 12u);
  }
  const auto* restore = sink_.Find("restore");
  ASSERT_NE(restore, nullptr) << ::testing::PrintToString(sink_.Names());
  EXPECT_EQ(restore->total_items, 12u);
  EXPECT_EQ(restore->items.load(), 12u);
  EXPECT_EQ(restore->total_bytes, bytes - 12)
      << "the files of the first snapshot: one byte shorter each";
  EXPECT_EQ(restore->bytes.load(), restore->total_bytes);
  EXPECT_EQ(sink_.open(), 0u);

  sink_.Reset();
  {
    auto repo = OpenRepo();
    auto r = ForkWorktree(*repo, first, "exp", root_ / "worktrees" / "exp");
    ASSERT_TRUE(r.ok()) << r.error().message();
  }
  const auto* fork = sink_.Find("fork");
  ASSERT_NE(fork, nullptr) << ::testing::PrintToString(sink_.Names());
  EXPECT_EQ(fork->total_items, 12u);
  EXPECT_EQ(fork->items.load(), 12u);
  EXPECT_EQ(fork->bytes.load(), fork->total_bytes);
  EXPECT_EQ(sink_.Find("restore"), nullptr) << "a fork is reported as a fork";
  EXPECT_EQ(sink_.open(), 0u);
}

}  // namespace
}  // namespace jvs
