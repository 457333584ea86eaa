// A gtest fixture for library tests on one fresh repository (unit tests of
// Repo, Workspace, Transaction, ...): `root_/.jvs` with the main workspace
// `root_/main`, pinned user, host, engine (copy) and random seed, and a clock
// that gives every command its own timestamp, one second after the previous
// one. Each helper opens the repository anew, as one command would.
// Test-only; one thread.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "jvs/base/env.h"
#include "jvs/repo/repo.h"
#include "jvs/repo/workspace.h"
#include "test_util.h"

namespace jvs::testing {

inline constexpr int64_t kBaseTime = 1767225600'000'000'000;  // 2026-01-01T00:00:00Z

// The real Env without fsync/syncfs (durability is not what these tests check,
// and every barrier costs milliseconds).
Env* TestEnv();

// One open repository and workspace (a Repo is used for one command).
struct Session {
  std::unique_ptr<Repo> repo;
  std::unique_ptr<Workspace> ws;
};

class RepoFixture : public ::testing::Test {
 protected:
  // `seed`: Settings::random_seed (change ids).
  explicit RepoFixture(uint64_t seed) : seed_(seed) {}
  void SetUp() override;

  // The settings of the next command (its own pinned time).
  Settings Next();
  // The repository as a command run in `from` (default: the main workspace) sees it.
  std::unique_ptr<Repo> OpenRepo(const fs::path& from = {});
  // ... and its worktree "main".
  Session Open(const fs::path& from = {});
  // A snapshot of the main workspace.
  SnapshotOutcome Snap(const std::string& note, std::vector<std::string> tags = {});

  TempDir tmp_;
  fs::path root_, ws_;
  Settings settings_;
  int64_t clock_ = 0;

 private:
  uint64_t seed_;
};

}  // namespace jvs::testing
