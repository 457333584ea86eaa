// The fixture of the git export / import tests (git_export_test.cc,
// git_import_test.cc): the real git program, hermetic, and helpers that
// compare a Git commit's files with a snapshot's.
#pragma once

#include <sys/stat.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "e2e_util.h"

namespace jvs::e2e {

class GitTest : public RepoTest {
 protected:
  // git ARGS in `cwd`, hermetic (no system or user configuration), with a
  // pinned identity and clock.
  RunResult Git(const fs::path& cwd, std::vector<std::string> args) const {
    args.insert(args.begin(), "/usr/bin/git");
    auto env = CleanEnv({{"GIT_CONFIG_NOSYSTEM", "1"},
                         {"GIT_AUTHOR_NAME", "Ada"},
                         {"GIT_AUTHOR_EMAIL", "ada@example.com"},
                         {"GIT_COMMITTER_NAME", "Ada"},
                         {"GIT_COMMITTER_EMAIL", "ada@example.com"},
                         {"GIT_AUTHOR_DATE", "1700000000 +0000"},
                         {"GIT_COMMITTER_DATE", "1700000000 +0000"}});
    return RunProcess(cwd, args, env);
  }
  std::string GitOut(const fs::path& cwd, std::vector<std::string> args) const {
    RunResult r = Git(cwd, args);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r.out;
  }
  // The files of commit `rev` of the Git repository `git_dir` (git archive,
  // unpacked), without the empty-directory markers.
  Manifest GitFiles(const fs::path& git_dir, const std::string& rev) {
    const fs::path dir = Tmp() / ("archive-" + std::to_string(++archives_));
    fs::create_directories(dir);
    const fs::path tar = Tmp() / ("archive-" + std::to_string(archives_) + ".tar");
    EXPECT_OK(Git(git_dir, {"archive", "--format=tar", "-o", tar.string(), rev}));
    RunResult x = RunProcess(dir, {"/usr/bin/tar", "-xf", tar.string()}, CleanEnv());
    EXPECT_OK(x);
    Manifest m = TakeManifest(dir);
    for (auto it = m.begin(); it != m.end();)
      it = it->first == ".jvskeep" || it->first.ends_with("/.jvskeep") ? m.erase(it) : std::next(it);
    return m;
  }
  // The files of jvs snapshot `ref`, forked into a new worktree.
  Manifest SnapshotFiles(const fs::path& ws, const std::string& ref) {
    const std::string name = "check" + std::to_string(++forks_);
    json j = In(ws, {"worktree", "fork", ref, name, "--path", (Tmp() / name).string()});
    return TakeManifest(Tmp() / name);
  }
  // Every commit reachable from any ref: id -> its raw text (git cat-file).
  std::map<std::string, std::string> Commits(const fs::path& git_dir) {
    std::map<std::string, std::string> out;
    std::string all = GitOut(git_dir, {"rev-list", "--all"});
    size_t pos = 0;
    while (pos < all.size()) {
      size_t nl = all.find('\n', pos);
      std::string id = all.substr(pos, nl - pos);
      out[id] = GitOut(git_dir, {"cat-file", "commit", id});
      pos = nl + 1;
    }
    return out;
  }
  static std::string Header(const std::string& raw, const std::string& key) {
    size_t end = raw.find("\n\n");
    size_t pos = 0;
    while (pos < end) {
      size_t nl = raw.find('\n', pos);
      if (raw.compare(pos, key.size() + 1, key + " ") == 0) return raw.substr(pos + key.size() + 1, nl - pos - key.size() - 1);
      pos = nl + 1;
    }
    return "";
  }
  static std::string Message(const std::string& raw) { return raw.substr(raw.find("\n\n") + 2); }

  // A workspace with a file, an executable, a symlink, an empty directory,
  // a nested directory; two snapshots on main (tag v1 on the first), one
  // on worktree exp. Returns note -> manifest at each snapshot.
  std::map<std::string, Manifest> MakeHistory() {
    std::map<std::string, Manifest> files;
    Write("a.txt", "alpha\n");
    Write("bin/run.sh", "#!/bin/sh\necho hi\n");
    fs::permissions(Ws() / "bin/run.sh", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
    fs::create_symlink("a.txt", Ws() / "link");
    fs::create_directories(Ws() / "empty");
    fs::create_directories(Ws() / "deep/er/still");
    Write("deep/er/file.bin", std::string("\0\1\2binary\xff", 10));
    Snap("first", {"v1"});
    files["first"] = TakeManifest(Ws());
    Write("a.txt", "alpha, changed\n");
    fs::remove(Ws() / "link");
    fs::create_symlink("bin/run.sh", Ws() / "link");
    Snap("second");
    files["second"] = TakeManifest(Ws());
    const fs::path exp = Fork("exp");
    WriteAt(exp / "exp.txt", "on exp\n");
    SnapIn(exp, "on exp");
    files["on exp"] = TakeManifest(exp);
    return files;
  }

  int archives_ = 0;
  int forks_ = 0;
};

}  // namespace jvs::e2e
