// The snapshot index at scale (issue 19, "Performance"): builds a repository
// of N snapshots (default 100,000) directly through the library (descriptors
// written to the store, one view publishing the line and a tag every 1,000),
// then prints one row per measurement. Numbers, not pass/fail.
//
//   jvs_index_bench [N] [DIR]   (DIR kept when given; a temporary one otherwise)
//
// Each query row opens the repository afresh (as a command does: the index
// is mapped and verified again) and is the median of 5 runs.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

#include "jvs/base/hash.h"
#include "jvs/repo/history.h"
#include "jvs/repo/repo.h"
#include "jvs/repo/revset_eval.h"
#include "jvs/repo/transaction.h"
#include "jvs/repo/workspace.h"
#include "store/snapshot_index.h"

namespace jvs {
namespace {

double Ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

template <typename F>
double Median(int runs, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    f();
    t.push_back(Ms(std::chrono::steady_clock::now() - start));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    fmt::print(stderr, "{}: {}\n", what, s.error().message());
    std::exit(1);
  }
}

Settings Pinned() {
  Settings s;
  s.user = "bench";
  s.host = "box";
  s.engine = "copy";
  s.random_seed = 1;
  return s;
}

std::unique_ptr<Repo> OpenRepo(const fs::path& ws) {
  auto r = Repo::Open(Env::Default(), ws, Pinned());
  Check(r.ok() ? OkStatus() : Status(r.error()), "open");
  return std::move(r).value();
}

int Main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  fs::path root = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / fmt::format("jvs-index-bench-{}", getpid());
  const bool keep = argc > 2;
  fs::remove_all(root);
  const fs::path ws = root / "main";
  Env* env = Env::Default();
  {
    auto repo = Repo::Init(env, InitOptions{root, ws}, Pinned());
    Check(repo.ok() ? OkStatus() : Status(repo.error()), "init");
  }
  // The line: small trees (the first snapshot's), a merge every 500.
  auto t0 = std::chrono::steady_clock::now();
  {
    auto repo = OpenRepo(ws);
    Snapshot s;
    s.SetTree(EmptyTreeId());
    s.worktree = "main";
    s.author = "bench@box";
    s.engine = "copy";
    std::vector<SnapshotId> line;
    std::vector<std::string> encoded;
    std::optional<SnapshotId> side;
    std::map<std::string, SnapshotId> tags;
    for (int i = 0; i < n; ++i) {
      s.parents.clear();
      if (!line.empty()) s.parents.push_back(line.back());
      if (i % 500 == 499 && side) s.parents.push_back(*side);
      s.change_id = SnapshotId(Sha256Of(fmt::format("change {}", i))).hex().substr(0, 32);
      s.note = i % 997 == 0 ? fmt::format("epoch {} done", i / 997) : fmt::format("bench snapshot {}", i);
      const int64_t sec = i;
      s.created_at = fmt::format("2026-01-{:02}T{:02}:{:02}:{:02}.000Z", 1 + sec / 86400, sec / 3600 % 24,
                                 sec / 60 % 60, sec % 60);
      const SnapshotId id = s.ComputeId();
      encoded.push_back(s.Encode());
      if (i % 500 == 250) side = id;  // a short side line merged back later
      line.push_back(id);
      if (i % 25 == 0) tags[fmt::format("v{}", i / 25)] = id;
    }
    // Written by 4 threads (the ids are known already).
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w)
      writers.emplace_back([&, w] {
        for (size_t i = static_cast<size_t>(w); i < encoded.size(); i += 4) {
          auto d = Snapshot::Decode(encoded[i]);
          auto id = d.ok() ? repo->store().WriteSnapshot(*d) : Result<SnapshotId>(d.error());
          Check(id.ok() ? OkStatus() : Status(id.error()), "write");
        }
      });
    for (auto& t : writers) t.join();
    Transaction tx(*repo);
    View v = tx.view();
    v.worktrees["main"].head = line.back();
    v.heads = {line.back()};
    for (const auto& [name, id] : tags) v.tags[name] = id;
    tx.SetView(std::move(v));
    auto op = tx.Commit("bench: publish the line");
    Check(op.ok() ? OkStatus() : Status(op.error()), "commit");
  }
  fmt::print("wrote {} snapshot descriptors in {:.0f} ms (setup, not a row)\n", n,
             Ms(std::chrono::steady_clock::now() - t0));

  fmt::print("{:<52} {:>10} {:>10}\n", "row", "ms", "target ms");
  auto row = [](const std::string& name, double ms, const std::string& target) {
    fmt::print("{:<52} {:>10.1f} {:>10}\n", name, ms, target);
  };
  // Build from nothing: every descriptor read once, one segment written.
  double build = Median(3, [&] {
    auto repo = OpenRepo(ws);
    Check(repo->store().DropSnapshotIndex(), "drop");
    Check(repo->store().IndexSnapshots(repo->view().ReferencedSnapshots(), false), "index");
    Check(repo->store().FlushSnapshotIndex(), "flush");
  });
  row(fmt::format("index build from nothing ({} snapshots)", n), build, "2000");
  double load = Median(5, [&] {
    SnapshotIndex idx(root / ".jvs" / "store" / "index");
    idx.Load(env);
    if (idx.size() != static_cast<uint32_t>(n + 1) && idx.size() != static_cast<uint32_t>(n)) std::exit(2);
  });
  row("index load (map + verify every segment)", load, "-");

  auto query = [&](const std::string& revset) {
    auto repo = OpenRepo(ws);
    RevsetOptions ro;
    ro.worktree = "main";
    auto ids = EvaluateRevset(*repo, ro, revset);
    Check(ids.ok() ? OkStatus() : Status(ids.error()), "revset");
    HistoryOptions ho;
    ho.revisions = *ids;
    auto h = History(*repo, "main", ho);
    Check(h.ok() ? OkStatus() : Status(h.error()), "history");
    return h->size();
  };
  size_t found = 0;
  double anc = Median(5, [&] { found = query("ancestors(@, 50) & tags()"); });
  row(fmt::format("history -r 'ancestors(@, 50) & tags()' ({} found)", found), anc, "50");
  double n20 = Median(5, [&] {
    auto repo = OpenRepo(ws);
    HistoryOptions ho;
    ho.limit = 20;
    auto h = History(*repo, "main", ho);
    Check(h.ok() ? OkStatus() : Status(h.error()), "history");
  });
  row("history -n 20", n20, "30");
  double note = Median(5, [&] { found = query("note(glob:\"*epoch*\")"); });
  row(fmt::format("history -r 'note(glob:\"*epoch*\")' ({} found)", found), note, "300");

  // Adding one snapshot: index it and flush (amortised over 200 adds, with
  // the squashes they cause), and the worst single add.
  {
    auto repo = OpenRepo(ws);
    Snapshot s;
    s.SetTree(EmptyTreeId());
    s.worktree = "main";
    SnapshotId tip = *repo->view().worktrees.at("main").head;
    std::vector<double> t;
    for (int i = 0; i < 200; ++i) {
      s.parents = {tip};
      s.note = fmt::format("added {}", i);
      s.change_id = SnapshotId(Sha256Of(s.note)).hex().substr(0, 32);
      s.created_at = "2027-01-01T00:00:00.000Z";
      auto id = repo->store().WriteSnapshot(s);
      Check(id.ok() ? OkStatus() : Status(id.error()), "write");
      tip = *id;
      auto start = std::chrono::steady_clock::now();
      Check(repo->store().IndexSnapshots({tip}, false), "index");
      Check(repo->store().FlushSnapshotIndex(), "flush");
      t.push_back(Ms(std::chrono::steady_clock::now() - start));
    }
    double sum = 0;
    for (double x : t) sum += x;
    row("add one snapshot (mean of 200, index + flush)", sum / t.size(), "O(log n)");
    row("add one snapshot (worst of 200: a squash)", *std::max_element(t.begin(), t.end()), "-");
  }
  {
    SnapshotIndex idx(root / ".jvs" / "store" / "index");
    idx.Load(env);
    std::vector<std::string> prefixes;
    for (uint32_t p = 0; p < idx.size(); p += idx.size() / 1000 + 1) prefixes.push_back(idx.Id(p).hex().substr(0, 8));
    size_t hits = 0;
    auto start = std::chrono::steady_clock::now();
    for (const auto& pre : prefixes) hits += idx.FindPrefix(pre).size();
    double us = Ms(std::chrono::steady_clock::now() - start) * 1000 / prefixes.size();
    fmt::print("{:<52} {:>10.2f} {:>10}   ({} segments, {} hits)\n", "id-prefix lookup, 8 hex digits (us each)", us,
               "O(log n)", idx.chain().size(), hits);
  }
  if (!keep) fs::remove_all(root);
  return 0;
}

}  // namespace
}  // namespace jvs

int main(int argc, char** argv) { return jvs::Main(argc, argv); }
