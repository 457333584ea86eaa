#include "repo_fixture.h"

namespace jvs::testing {

namespace {
class NoSyncEnv : public EnvWrapper {
 public:
  NoSyncEnv() : EnvWrapper(Env::Default()) {}
  Status Fsync(int fd) override { return fd >= 0 ? OkStatus() : ErrnoError(EBADF, "fsync"); }
  Status SyncFs(int fd) override { return fd >= 0 ? OkStatus() : ErrnoError(EBADF, "syncfs"); }
};
}  // namespace

Env* TestEnv() {
  static NoSyncEnv env;
  return &env;
}

void RepoFixture::SetUp() {
  root_ = tmp_.path() / "repo";
  ws_ = root_ / "main";
  settings_.user = "tester";
  settings_.host = "box";
  settings_.random_seed = seed_;
  settings_.engine = "copy";
  settings_.lock_wait = std::chrono::milliseconds(2000);
  auto r = Repo::Init(TestEnv(), InitOptions{root_, ws_}, Next());
  ASSERT_TRUE(r.ok()) << r.error().message();
}

Settings RepoFixture::Next() {
  Settings s = settings_;
  s.pinned_time_ns = kBaseTime + (++clock_) * 1'000'000'000;
  return s;
}

std::unique_ptr<Repo> RepoFixture::OpenRepo(const fs::path& from) {
  auto r = Repo::Open(TestEnv(), from.empty() ? ws_ : from, Next());
  EXPECT_TRUE(r.ok()) << r.error().message();
  return r.ok() ? std::move(r).value() : nullptr;
}

Session RepoFixture::Open(const fs::path& from) {
  Session s;
  s.repo = OpenRepo(from);
  if (!s.repo) return s;
  auto w = Workspace::Open(*s.repo, "main");
  EXPECT_TRUE(w.ok()) << w.error().message();
  if (w.ok()) s.ws = std::move(w).value();
  return s;
}

SnapshotOutcome RepoFixture::Snap(const std::string& note, std::vector<std::string> tags) {
  Session s = Open();
  if (!s.ws) return SnapshotOutcome{};
  auto r = s.ws->TakeSnapshot(SnapshotOptions{note, std::move(tags)});
  EXPECT_TRUE(r.ok()) << r.error().message();
  return r.ok() ? std::move(r).value() : SnapshotOutcome{};
}

}  // namespace jvs::testing
