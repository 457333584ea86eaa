#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, in build-fuzz/) and runs each one for a
# bounded time on a copy of its seed corpus. Fails (exit 1) when a target
# crashes, leaks, hits a sanitizer error, a property check, or a timeout; the
# reproducer is kept in build-fuzz/artifacts/<target>/.
#
# Usage: fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]   (default 20 s, every target)
# Environment: JVS_FUZZ_BUILD (default build-fuzz), JVS_FUZZ_JOBS (ninja -j, default 2).
# Reproduce one crash: build-fuzz/fuzz/TARGET build-fuzz/artifacts/TARGET/crash-...
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-20}"
shift || true
build="${JVS_FUZZ_BUILD:-$root/build-fuzz}"
jobs="${JVS_FUZZ_JOBS:-2}"
all=(tree_fuzz snapshot_fuzz operation_fuzz view_fuzz tree_state_fuzz ignore_fuzz ref_expr_fuzz
     repo_path_fuzz timestamp_fuzz mountinfo_fuzz conflict_markers_fuzz revset_parse_fuzz
     template_parse_fuzz)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

if ! command -v clang++ > /dev/null; then
  echo "fuzz/run.sh: clang++ is needed (apt-get install clang)" >&2
  exit 2
fi
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DJVS_FUZZ=ON -DJVS_BUILD_TESTS=OFF \
    -DJVS_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    ${CMAKE_CXX_COMPILER_LAUNCHER:+-DCMAKE_CXX_COMPILER_LAUNCHER=$CMAKE_CXX_COMPILER_LAUNCHER} > /dev/null
fi
ninja -C "$build" -j "$jobs" "${targets[@]}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
for t in "${targets[@]}"; do
  seeds="$root/fuzz/corpus/$t"
  work="$build/corpus/$t"       # the seeds plus what this machine found (kept between runs)
  art="$build/artifacts/$t"
  mkdir -p "$work" "$art"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2> /dev/null || true
  echo "== $t: ${secs}s"
  if ! "$build/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$art/" "$work" > "$build/$t.log" 2>&1; then
    echo "!! $t FAILED; log: $build/$t.log; reproducers:" >&2
    ls "$art" >&2 || true
    tail -40 "$build/$t.log" >&2
    failed+=("$t")
  else
    grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$build/$t.log" | tail -2 || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz/run.sh: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz/run.sh: every target ran ${secs}s without a finding"
