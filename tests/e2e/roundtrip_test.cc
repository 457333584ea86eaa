// Randomized round trip: random trees (nested and empty directories, symlinks
// including dangling ones, executable bits, unicode and odd names, empty and
// multi-MiB files, hardlinks) are snapshotted, mutated at random and
// snapshotted again for several rounds; then every snapshot is restored in
// turn (in order and in a shuffled order) and the workspace must be exactly
// what was snapshotted. Partial restores of random paths are checked too.
//
// The seed is fixed (override with JVS_E2E_SEED) and printed on failure.
// Over 400 lines on purpose: the random tree generator, the mutator and the byte-for-byte checker
// only make sense together.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <utility>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::WriteFile;

constexpr uint64_t kDefaultSeed = 20260101;

class Random {
 public:
  explicit Random(uint64_t seed) : rng_(seed) {}
  uint64_t Next() { return rng_(); }
  // Uniform in [0, n).
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng_() % n); }
  bool Chance(int percent) { return Below(100) < static_cast<size_t>(percent); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }
  std::mt19937_64& engine() { return rng_; }

  std::string Bytes(size_t n) {
    std::string s(n, '\0');
    size_t i = 0;
    if (Chance(50)) {  // text
      static const char kText[] = "abcdefghijklmnopqrstuvwxyz0123456789 \n";
      for (; i < n; ++i) s[i] = kText[Below(sizeof(kText) - 1)];
      return s;
    }
    for (; i + 8 <= n; i += 8) {
      uint64_t v = rng_();
      std::memcpy(&s[i], &v, 8);
    }
    for (; i < n; ++i) s[i] = static_cast<char>(rng_());
    return s;
  }
  size_t FileSize() {
    size_t r = Below(100);
    if (r < 10) return 0;
    if (r < 70) return Below(200);
    if (r < 97) return Below(64 << 10);
    return (1 << 20) + Below(3 << 20);  // a few multi-MiB files
  }

 private:
  std::mt19937_64 rng_;
};

const std::vector<std::string>& Names() {
  static const std::vector<std::string> names = {
      "a", "b", "data", "README.md", "naïve", "日本", "日本語.txt", "with space", "two  spaces ", "Ünïcødé",
      ".hidden", "-dash", "semi;colon", "quote'\"", "star*", "q?", "back\\slash", "emoji-🙂", "x.bin",
      "UPPER", "upper", "dir.d", "~tilde", "#hash", "new\nline", "tab\there", "%percent", "e\xcc\x81", "\xc3\xa9",
      "\xff\xfe-not-utf8",
  };
  return names;
}

class Tree {
 public:
  Tree(fs::path root, Random* rnd) : root_(std::move(root)), rnd_(rnd) {}

  std::string FreshName(const fs::path& dir) {
    for (int i = 0; i < 100; ++i) {
      std::string n = rnd_->Pick(Names());
      if (rnd_->Chance(40)) n += "_" + std::to_string(rnd_->Below(1000));
      std::error_code ec;
      if (!fs::exists(fs::symlink_status(dir / n, ec))) return n;
    }
    return "unique_" + std::to_string(rnd_->Next());
  }

  void MakeFile(const fs::path& p) {
    WriteFile(p, rnd_->Bytes(rnd_->FileSize()));
    if (rnd_->Chance(20)) fs::permissions(p, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
  }

  void MakeSymlink(const fs::path& p) {
    std::string target;
    switch (rnd_->Below(5)) {
      case 0: target = "does-not-exist"; break;               // dangling
      case 1: target = "../" + rnd_->Pick(Names()); break;    // maybe dangling
      case 2: target = "/nonexistent/absolute/target"; break;  // absolute, dangling
      case 3: target = "."; break;                             // a directory
      default: {
        auto files = Paths('f');
        // Relative to the workspace root: valid or dangling depending on where the link is.
        target = files.empty() ? "nothing" : files[rnd_->Below(files.size())];
      }
    }
    fs::create_symlink(target, p);
  }

  void MakeHardlink(const fs::path& p) {
    auto files = Paths('f');
    if (files.empty()) return MakeFile(p);
    fs::create_hard_link(root_ / files[rnd_->Below(files.size())], p);
  }

  void Populate(const fs::path& dir, int depth) {
    size_t n = rnd_->Below(depth == 0 ? 8 : 6);
    for (size_t i = 0; i < n; ++i) AddRandom(dir, depth);
  }

  void AddRandom(const fs::path& dir, int depth) {
    fs::path p = dir / FreshName(dir);
    size_t r = rnd_->Below(100);
    if (r < 55) {
      MakeFile(p);
    } else if (r < 75 && depth < 4) {
      fs::create_directories(p);
      Populate(p, depth + 1);
    } else if (r < 82) {
      fs::create_directories(p);  // empty directory
    } else if (r < 92) {
      MakeSymlink(p);
    } else {
      MakeHardlink(p);
    }
  }

  // Relative paths of the entries of type `type` ('f', 'd', 'l'; 0 = any).
  std::vector<std::string> Paths(char type) const {
    std::vector<std::string> out;
    for (const auto& [p, e] : TakeManifest(root_))
      if (!type || e.type == type) out.push_back(p);
    return out;
  }

  // One random mutation. Returns a description.
  std::string Mutate() {
    auto all = Paths(0);
    auto files = Paths('f');
    auto dirs = Paths('d');
    auto links = Paths('l');
    switch (rnd_->Below(12)) {
      case 0:
        if (!files.empty()) {
          std::string f = rnd_->Pick(files);
          // Rewrite in place (a hardlinked peer changes too).
          std::ofstream(root_ / f, std::ios::binary | std::ios::trunc) << rnd_->Bytes(rnd_->FileSize());
          return "modify " + f;
        }
        break;
      case 1:
        if (!files.empty()) {
          std::string f = rnd_->Pick(files);
          std::ofstream(root_ / f, std::ios::binary | std::ios::app) << rnd_->Bytes(1 + rnd_->Below(5000));
          return "append " + f;
        }
        break;
      case 2:
        if (!files.empty()) {
          // Same size, different content.
          std::string f = rnd_->Pick(files);
          fs::path p = root_ / f;
          auto size = fs::file_size(p);
          if (size == 0) break;
          std::fstream s(p, std::ios::binary | std::ios::in | std::ios::out);
          s.seekp(static_cast<std::streamoff>(rnd_->Below(size)));
          s.put(static_cast<char>(rnd_->Next() | 1));
          return "poke " + f;
        }
        break;
      case 3:
        if (!all.empty()) {
          std::string p = rnd_->Pick(all);
          fs::remove_all(root_ / p);
          return "delete " + p;
        }
        break;
      case 4: {
        std::string d = dirs.empty() || rnd_->Chance(30) ? "" : rnd_->Pick(dirs);
        AddRandom(d.empty() ? root_ : root_ / d, 2);
        return "add in '" + d + "'";
      }
      case 5:
        if (!files.empty()) {
          std::string f = rnd_->Pick(files);
          fs::permissions(root_ / f, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                          fs::perm_options::add);
          return "chmod +x " + f;
        }
        break;
      case 6:
        if (!files.empty()) {
          std::string f = rnd_->Pick(files);
          fs::permissions(root_ / f, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                          fs::perm_options::remove);
          return "chmod -x " + f;
        }
        break;
      case 7:
        if (!files.empty()) {
          std::string f = rnd_->Pick(files);
          fs::remove(root_ / f);
          fs::create_directories(root_ / f);
          if (rnd_->Chance(70)) Populate(root_ / f, 3);
          return "file to dir " + f;
        }
        break;
      case 8:
        if (!dirs.empty()) {
          std::string d = rnd_->Pick(dirs);
          fs::remove_all(root_ / d);
          MakeFile(root_ / d);
          return "dir to file " + d;
        }
        break;
      case 9:
        if (!links.empty()) {
          std::string l = rnd_->Pick(links);
          fs::remove(root_ / l);
          MakeSymlink(root_ / l);
          return "retarget " + l;
        }
        break;
      case 10:
        if (!links.empty()) {
          std::string l = rnd_->Pick(links);
          fs::remove(root_ / l);
          if (rnd_->Chance(50)) MakeFile(root_ / l);
          else fs::create_directories(root_ / l);
          return "symlink to file/dir " + l;
        }
        break;
      case 11:
        if (!files.empty()) {
          std::string f = rnd_->Pick(files);
          fs::remove(root_ / f);
          MakeSymlink(root_ / f);
          return "file to symlink " + f;
        }
        break;
    }
    return "noop";
  }

 private:
  fs::path root_;
  Random* rnd_;
};

// A path as it appears in JSON output (invalid UTF-8 replaced by U+FFFD).
std::string AsJson(const std::string& s) {
  return json::parse(json(s).dump(-1, ' ', false, json::error_handler_t::replace)).get<std::string>();
}

// The leaf-level changes between two manifests: `must` are the paths a diff
// has to report (a file or symlink differs, or an empty directory appears or
// disappears); `may` are paths it may report as well (an empty directory
// that became non-empty or the reverse). Paths are in JSON form.
// The permission bits a snapshot records, per path of `m` below `root`
// (files 0777; directories 0777 plus setgid and sticky; symlinks none).
using Perms = std::map<std::string, uint32_t>;
Perms PermsOf(const fs::path& root, const Manifest& m) {
  Perms out;
  for (const auto& [p, e] : m) {
    struct stat st {};
    if (e.type == 'l' || ::lstat((root / p).c_str(), &st) != 0) continue;
    out[p] = st.st_mode & (S_ISDIR(st.st_mode) ? (0777 | S_ISGID | S_ISVTX) : 0777);
  }
  return out;
}

// Leaf paths that must (or may) appear in a diff from `a` to `b`; with
// permission maps, a change of permission bits alone is a change too.
std::pair<std::set<std::string>, std::set<std::string>> ExpectedDiff(const Manifest& a, const Manifest& b,
                                                                     const Perms* pa = nullptr,
                                                                     const Perms* pb = nullptr) {
  auto perm = [](const Perms* m, const std::string& p) -> int64_t {
    if (!m) return -1;
    auto it = m->find(p);
    return it == m->end() ? -1 : it->second;
  };
  auto is_empty_dir = [](const Manifest& m, const std::string& p) {
    auto it = m.lower_bound(p + "/");
    return !(it != m.end() && it->first.compare(0, p.size() + 1, p + "/") == 0);
  };
  std::set<std::string> must, may;
  std::set<std::string> paths;
  for (const auto& [p, e] : a) paths.insert(p);
  for (const auto& [p, e] : b) paths.insert(p);
  for (const auto& p : paths) {
    auto ia = a.find(p), ib = b.find(p);
    const ManifestEntry* ea = ia == a.end() ? nullptr : &ia->second;
    const ManifestEntry* eb = ib == b.end() ? nullptr : &ib->second;
    bool leaf_a = ea && (ea->type != 'd' || is_empty_dir(a, p));
    bool leaf_b = eb && (eb->type != 'd' || is_empty_dir(b, p));
    if (!leaf_a && !leaf_b) continue;
    if (ea && eb && *ea == *eb && perm(pa, p) == perm(pb, p) && leaf_a == leaf_b) continue;
    if (ea && eb && ea->type == 'd' && eb->type == 'd') {
      may.insert(AsJson(p));  // empty <-> non-empty directory
      continue;
    }
    must.insert(AsJson(p));
  }
  return {must, may};
}

uint64_t Seed() {
  if (const char* s = std::getenv("JVS_E2E_SEED"); s && *s) return std::strtoull(s, nullptr, 10);
  return kDefaultSeed;
}

class RoundTripTest : public RepoTest {};

TEST_F(RoundTripTest, RandomTreesSnapshotMutateRestore) {
  const uint64_t seed = Seed();
  SCOPED_TRACE("seed=" + std::to_string(seed) + " (rerun with JVS_E2E_SEED=" + std::to_string(seed) + ")");
  Random rnd(seed);
  Tree tree(Ws(), &rnd);
  // Make sure every kind is present at least once, then add random entries.
  WriteFile(Ws() / "naïve/日本/with space.txt", "unicode\n");
  WriteFile(Ws() / "empty-file", "");
  fs::create_directories(Ws() / "empty/nested/dirs");
  fs::create_symlink("nowhere/at/all", Ws() / "dangling");
  fs::create_symlink("naïve", Ws() / "dirlink");
  WriteFile(Ws() / "big.bin", rnd.Bytes(3 << 20));
  fs::create_hard_link(Ws() / "big.bin", Ws() / "big-hardlink.bin");
  WriteFile(Ws() / "tool.sh", "#!/bin/sh\n");
  fs::permissions(Ws() / "tool.sh", fs::perms::owner_all | fs::perms::group_exec, fs::perm_options::replace);
  tree.Populate(Ws(), 0);

  struct Snapshot {
    std::string id;
    Manifest manifest;
    Perms perms;
  };
  std::vector<Snapshot> snaps;
  std::string log;
  const int kRounds = 5;
  for (int round = 0; round <= kRounds; ++round) {
    if (round > 0) {
      size_t n = 4 + rnd.Below(10);
      for (size_t i = 0; i < n; ++i) log += "round " + std::to_string(round) + ": " + tree.Mutate() + "\n";
    }
    Manifest m = TakeManifest(Ws());
    RunResult r = Run({"--json", "snapshot", "round " + std::to_string(round)});
    ASSERT_EQ(r.exit_code, 0) << r.Describe() << log;
    json j = r.Json();
    EXPECT_EQ(j["warnings"], json::array()) << j.dump(2);
    snaps.push_back({j.value("snapshot_id", ""), m, PermsOf(Ws(), m)});
    // The snapshot did not touch the workspace, and status is clean.
    ASSERT_EQ(ManifestDiff(m, TakeManifest(Ws())), "") << log;
    json st = RunJson({"status"});
    EXPECT_EQ(st.value("clean", false), true) << "round " << round << "\n" << st.dump(2) << log;
  }

  auto check_restore = [&](size_t i, const std::string& why) {
    SCOPED_TRACE(why + ": restore snapshot " + std::to_string(i));
    RunResult r = Run({"--json", "restore", snaps[i].id});
    ASSERT_FALSE(r.exit_code != 0 && r.err.find("untracked files is in the way") != std::string::npos)
        << "restore refused to replace a tracked directory by a file\n"
        << r.Describe();
    ASSERT_EQ(r.exit_code, 0) << r.Describe() << log;
    EXPECT_TRUE(r.Json()["captured_snapshot_id"].is_null()) << "the workspace was clean\n" << r.Describe();
    std::string diff = ManifestDiff(snaps[i].manifest, TakeManifest(Ws()));
    ASSERT_EQ(diff, "") << log;
    json st = RunJson({"status"});
    EXPECT_EQ(st.value("clean", false), true) << st.dump(2);
    EXPECT_EQ(st.value("head_snapshot_id", ""), snaps[i].id);
  };
  // In order, newest to oldest, then in a shuffled order.
  std::vector<size_t> order;
  for (size_t i = 0; i < snaps.size(); ++i) order.push_back(i);
  for (size_t i = snaps.size(); i-- > 0;) order.push_back(i);
  std::vector<size_t> shuffled(snaps.size());
  for (size_t i = 0; i < shuffled.size(); ++i) shuffled[i] = i;
  std::shuffle(shuffled.begin(), shuffled.end(), rnd.engine());
  order.insert(order.end(), shuffled.begin(), shuffled.end());
  for (size_t k = 0; k < order.size(); ++k) {
    check_restore(order[k], k < snaps.size() ? "in order" : k < 2 * snaps.size() ? "reverse order" : "shuffled");
    if (IsSkipped() || HasFatalFailure()) return;
  }

  // Diff between consecutive snapshots names the leaf paths that changed.
  for (size_t i = 1; i < snaps.size(); ++i) {
    SCOPED_TRACE("diff of rounds " + std::to_string(i - 1) + " and " + std::to_string(i));
    json d = RunJson({"diff", snaps[i - 1].id, snaps[i].id});
    ASSERT_TRUE(d.is_object());
    std::set<std::string> reported;
    for (const char* k : {"added", "removed", "modified"})
      for (const auto& e : d[k]) reported.insert(e.value("path", ""));
    auto [must, may] = ExpectedDiff(snaps[i - 1].manifest, snaps[i].manifest, &snaps[i - 1].perms, &snaps[i].perms);
    for (const auto& p : must) EXPECT_TRUE(reported.count(p)) << "not reported: " << p << "\n" << d.dump(2) << log;
    for (const auto& p : reported)
      EXPECT_TRUE(must.count(p) || may.count(p)) << "reported but unchanged: " << p << "\n" << d.dump(2) << log;
  }
}

// Restoring single paths of random snapshots: the named path becomes what the
// snapshot has there; everything else stays as it was.
TEST_F(RoundTripTest, RandomPartialRestores) {
  const uint64_t seed = Seed() + 1;
  SCOPED_TRACE("seed=" + std::to_string(seed) + " (rerun with JVS_E2E_SEED=" + std::to_string(seed - 1) + ")");
  Random rnd(seed);
  Tree tree(Ws(), &rnd);
  tree.Populate(Ws(), 0);
  std::vector<std::pair<std::string, Manifest>> snaps;
  std::string log;
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; round > 0 && i < 6; ++i) log += tree.Mutate() + "\n";
    Manifest m = TakeManifest(Ws());
    std::string id = Snap("p" + std::to_string(round));
    ASSERT_FALSE(id.empty());
    snaps.emplace_back(id, m);
  }
  auto under = [](const std::string& p, const std::string& root) {
    return p == root || (p.size() > root.size() && p.compare(0, root.size(), root) == 0 && p[root.size()] == '/');
  };
  for (int iter = 0; iter < 12; ++iter) {
    size_t k = rnd.Below(snaps.size());
    const Manifest& target = snaps[k].second;
    const Manifest current = TakeManifest(Ws());
    // A path in the target or the working copy whose parents are directories on both sides.
    std::vector<std::string> candidates;
    for (const Manifest* m : {&target, &current}) {
      for (const auto& [p, e] : *m) {
        bool ok = true;
        for (size_t pos = p.find('/'); ok && pos != std::string::npos; pos = p.find('/', pos + 1)) {
          std::string parent = p.substr(0, pos);
          auto a = target.find(parent), b = current.find(parent);
          ok = a != target.end() && b != current.end() && a->second.type == 'd' && b->second.type == 'd';
        }
        if (ok) candidates.push_back(p);
      }
    }
    if (candidates.empty()) continue;
    std::string path = rnd.Pick(candidates);
    SCOPED_TRACE("restore " + snaps[k].first.substr(0, 8) + " -- " + path);
    Manifest expected;
    for (const auto& [p, e] : current)
      if (!under(p, path)) expected[p] = e;
    for (const auto& [p, e] : target)
      if (under(p, path)) expected[p] = e;
    RunResult r = Run({"restore", snaps[k].first, "--", path});
    ASSERT_FALSE(r.exit_code != 0 && r.err.find("untracked files is in the way") != std::string::npos)
        << "restore refused to replace a tracked directory by a file\n"
        << r.Describe();
    ASSERT_EQ(r.exit_code, 0) << r.Describe() << log;
    ASSERT_EQ(ManifestDiff(expected, TakeManifest(Ws())), "") << r.Describe() << log;
  }
}

}  // namespace
}  // namespace jvs::e2e
