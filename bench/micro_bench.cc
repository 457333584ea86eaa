// Micro benchmarks: hashing, tree encoding/decoding, tree-state lookups, a
// no-change scan of a generated workspace, store writes and reads, and
// reading a long history with and without the snapshot index. Numbers, not
// pass/fail.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>

#include "jvs/base/hash.h"
#include "jvs/store/objects.h"
#include "jvs/store/store.h"
#include "wc/scanner.h"
#include "wc/tree_state.h"

namespace jvs {
namespace {

void BM_Sha256(benchmark::State& state) {
  std::string data(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(Sha256Of(data));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(64)->Arg(300)->Arg(4 << 10)->Arg(1 << 20);

Tree MakeTree(int n) {
  Tree t;
  for (int i = 0; i < n; ++i) {
    TreeEntry e;
    char name[32];
    std::snprintf(name, sizeof(name), "file%06d.bin", i);
    e.name = name;
    e.id = Sha256Of(e.name);
    e.size = static_cast<uint64_t>(i);
    t.entries.push_back(e);
  }
  return t;
}

void BM_TreeEncodeHash(benchmark::State& state) {
  Tree t = MakeTree(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(t.ComputeId());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_TreeEncodeHash)->Arg(100)->Arg(10000);

void BM_TreeDecode(benchmark::State& state) {
  std::string enc = MakeTree(static_cast<int>(state.range(0))).Encode();
  for (auto _ : state) benchmark::DoNotOptimize(Tree::Decode(enc));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_TreeDecode)->Arg(10000);

void BM_TreeStateRoundTrip(benchmark::State& state) {
  TreeState ts;
  for (int i = 0; i < state.range(0); ++i) {
    char p[64];
    std::snprintf(p, sizeof(p), "dir%03d/file%06d", i % 200, i);
    ts.entries.emplace_back(p, FileState{});
  }
  std::sort(ts.entries.begin(), ts.entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto _ : state) {
    auto d = TreeState::Decode(ts.Encode());
    TreeStateIndex idx(*d);
    benchmark::DoNotOptimize(idx.Find("dir007/file000007"));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_TreeStateRoundTrip)->Arg(20000)->Arg(200000)->Unit(benchmark::kMillisecond);

// A no-change scan of a generated workspace (files x 4 KiB in 100 directories).
void BM_NoChangeScan(benchmark::State& state) {
  char tmpl[] = "/tmp/jvs-bench-XXXXXX";
  fs::path root = ::mkdtemp(tmpl);
  fs::path ws = root / "ws", store_dir = root / "store";
  int files = static_cast<int>(state.range(0));
  std::string content(4096, 'a');
  for (int i = 0; i < files; ++i) {
    fs::path d = ws / ("d" + std::to_string(i % 100));
    fs::create_directories(d);
    std::ofstream(d / ("f" + std::to_string(i))) << content << i;
  }
  Env* env = Env::Default();
  (void)Store::Create(env, store_dir);
  auto store = Store::Open(env, store_dir);
  auto engine = MakeCopyEngine();
  ScanOptions so;
  so.clock_dir = root;
  TreeState empty;
  auto first = ScanWorkspace(env, **store, *engine, ws, empty, so, ThreadPool::Shared());
  TreeState ts = first->new_state;
  ts.fs_time_ns = INT64_MAX;  // nothing racy: measure the stat path only
  for (auto _ : state) {
    auto r = ScanWorkspace(env, **store, *engine, ws, ts, so, ThreadPool::Shared());
    benchmark::DoNotOptimize(r->root);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * files);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it); it.increment(ec))
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(root, ec);
}
BENCHMARK(BM_NoChangeScan)->Arg(20000)->Unit(benchmark::kMillisecond);

// A scratch directory removed at the end (read-only store files included).
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    char tmpl[] = "/tmp/jvs-bench-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~ScratchDir() {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it); it.increment(ec))
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
};

std::unique_ptr<Store> OpenStore(const fs::path& dir) {
  Env* env = Env::Default();
  if (!fs::exists(dir)) (void)Store::Create(env, dir);
  return std::move(Store::Open(env, dir)).value();
}

Snapshot BenchSnapshot(int i, std::optional<SnapshotId> parent) {
  Snapshot s;
  s.SetTree(TreeId(Sha256Of("tree")));
  if (parent) s.parents.push_back(*parent);
  s.change_id = TreeId(Sha256Of("change" + std::to_string(i))).hex().substr(0, 32);
  s.note = "benchmark snapshot " + std::to_string(i);
  s.created_at = "2026-01-01T00:00:00." + std::to_string(100 + i % 900) + "Z";
  s.worktree = "main";
  s.author = "bench@host";
  s.engine = "copy";
  return s;
}

void BM_SnapshotDecode(benchmark::State& state) {
  std::string enc = BenchSnapshot(1, SnapshotId(Sha256Of("p"))).Encode();
  for (auto _ : state) benchmark::DoNotOptimize(Snapshot::Decode(enc));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SnapshotDecode);

// New 4 KiB blobs into the store (temp file + rename each; no fsync).
void BM_StoreWriteBlob(benchmark::State& state) {
  ScratchDir dir;
  auto store = OpenStore(dir.path / "store");
  std::string data(4096, 'b');
  uint64_t n = 0;
  for (auto _ : state) {
    std::memcpy(data.data(), &n, sizeof(n));
    ++n;
    benchmark::DoNotOptimize(store->WriteBlob(data));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_StoreWriteBlob)->Unit(benchmark::kMicrosecond);

// Reading trees back from the store (a fresh Store each round: no cache).
void BM_StoreReadTree(benchmark::State& state) {
  ScratchDir dir;
  std::vector<TreeId> ids;
  {
    auto store = OpenStore(dir.path / "store");
    for (int i = 0; i < 1000; ++i) {
      Tree t = MakeTree(20);
      t.entries[0].size = static_cast<uint64_t>(i);
      ids.push_back(*store->WriteTree(t));
    }
  }
  for (auto _ : state) {
    auto store = OpenStore(dir.path / "store");
    for (const auto& id : ids) benchmark::DoNotOptimize(store->ReadTree(id));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 1000);
}
BENCHMARK(BM_StoreReadTree)->Unit(benchmark::kMillisecond);

// Walking a line of N snapshots by first parent, as `jvs history` does, from
// the descriptor files (arg 1 = 0) or from the snapshot index (arg 1 = 1).
void BM_HistoryWalk(benchmark::State& state) {
  ScratchDir dir;
  const int n = static_cast<int>(state.range(0));
  const bool indexed = state.range(1) != 0;
  SnapshotId head;
  {
    auto store = OpenStore(dir.path / "store");
    std::optional<SnapshotId> parent;
    for (int i = 0; i < n; ++i) parent = *store->WriteSnapshot(BenchSnapshot(i, parent));
    head = *parent;
    if (indexed) {
      (void)store->IndexSnapshots({head}, false);
      (void)store->FlushSnapshotIndex();
    }
  }
  for (auto _ : state) {
    auto store = OpenStore(dir.path / "store");
    if (indexed) store->UseSnapshotIndex(true);
    size_t count = 0;
    for (std::optional<SnapshotId> cur = head; cur; ++count) {
      auto s = *store->ReadSnapshot(*cur);
      cur = s->parents.empty() ? std::nullopt : std::optional<SnapshotId>(s->parents[0]);
    }
    benchmark::DoNotOptimize(count);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * n);
}
BENCHMARK(BM_HistoryWalk)->Args({10000, 0})->Args({10000, 1})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace jvs

BENCHMARK_MAIN();
