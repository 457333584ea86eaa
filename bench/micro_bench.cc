// Micro benchmarks: hashing, tree encoding/decoding, tree-state lookups and
// a no-change scan of a generated workspace. Numbers, not pass/fail.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "jvs/hash.h"
#include "jvs/objects.h"
#include "wc/scanner.h"
#include "wc/tree_state.h"

namespace jvs {
namespace {

void BM_Sha256(benchmark::State& state) {
  std::string data(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(Sha256Of(data));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(4 << 10)->Arg(1 << 20);

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
BENCHMARK(BM_TreeStateRoundTrip)->Arg(20000);

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

}  // namespace
}  // namespace jvs

BENCHMARK_MAIN();
