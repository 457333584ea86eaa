#!/usr/bin/env bash
# The layer rule is enforced twice; this test plants an upward include and
# checks that both refuse it, and that both accept the same file without it
# (so the test can fail).
#   planted_test.sh check SOURCE_ROOT
#       scripts/check_layers.py on a copy of the tree with
#       `#include "jvs/repo/repo.h"` planted in src/store/store.cc.
#   planted_test.sh build BUILD_DIR CXX
#       compiles a file with the store layer's include root: including a repo
#       header must fail, including a store header must compile.
set -euo pipefail
mode=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case "$mode" in
  check)
    src=$2
    mkdir -p "$tmp/tree"
    cp -r "$src/src" "$src/include" "$src/docs" "$src/scripts" "$src/CMakeLists.txt" "$tmp/tree/"
    python3 "$tmp/tree/scripts/check_layers.py" "$tmp/tree" >/dev/null \
      || { echo "FAIL: the unmodified tree does not pass"; exit 1; }
    sed -i '1i #include "jvs/repo/repo.h"' "$tmp/tree/src/store/store.cc"
    if out=$(python3 "$tmp/tree/scripts/check_layers.py" "$tmp/tree" 2>&1); then
      echo "FAIL: the planted upward include was accepted"; exit 1
    fi
    echo "$out"
    grep -q '^src/store/store.cc:1: #include "jvs/repo/repo.h": layer store may not include layer repo' <<<"$out" \
      || { echo "FAIL: the offending line is not named"; exit 1; }
    # A private header of a higher layer, and a header in a lower layer's public folder.
    cp "$src/src/store/store.cc" "$tmp/tree/src/store/store.cc"
    sed -i '1i #include "wc/tree_state.h"' "$tmp/tree/src/engine/select.cc"
    echo '#include "jvs/integrity/gc.h"' >> "$tmp/tree/include/jvs/merge/tree_diff.h"
    out=$(python3 "$tmp/tree/scripts/check_layers.py" "$tmp/tree" 2>&1) && { echo "FAIL: accepted"; exit 1; }
    echo "$out"
    grep -q '^src/engine/select.cc:1: .*layer engine may not include layer wc' <<<"$out" || exit 1
    grep -q '^include/jvs/merge/tree_diff.h:[0-9]*: .*layer merge may not include layer integrity' <<<"$out" || exit 1
    # The build graph must match the table.
    cp -r "$src/src/engine/select.cc" "$tmp/tree/src/engine/select.cc"
    cp "$src/include/jvs/merge/tree_diff.h" "$tmp/tree/include/jvs/merge/tree_diff.h"
    sed -i 's/^jvs_layer(oplog     DEPS base)/jvs_layer(oplog     DEPS store base)/' "$tmp/tree/CMakeLists.txt"
    out=$(python3 "$tmp/tree/scripts/check_layers.py" "$tmp/tree" 2>&1) && { echo "FAIL: accepted a CMake graph that differs"; exit 1; }
    echo "$out"
    grep -q 'jvs_layer(oplog DEPS store base) differs' <<<"$out" || exit 1
    ;;
  build)
    build=$2 cxx=$3
    root="$build/layers/store"
    [ -d "$root/jvs/store" ] || { echo "FAIL: no include root $root"; exit 1; }
    printf '#include "jvs/store/store.h"\nint main() { return 0; }\n' > "$tmp/ok.cc"
    "$cxx" -std=c++20 -fsyntax-only -I "$root" "$tmp/ok.cc" \
      || { echo "FAIL: a store file including a store header does not compile"; exit 1; }
    printf '#include "jvs/store/store.h"\n#include "jvs/repo/repo.h"\nint main() { return 0; }\n' > "$tmp/up.cc"
    if out=$("$cxx" -std=c++20 -fsyntax-only -I "$root" "$tmp/up.cc" 2>&1); then
      echo "FAIL: a store file including a repo header compiled"; exit 1
    fi
    echo "$out" | head -3
    grep -q 'jvs/repo/repo.h' <<<"$out" || exit 1
    ;;
  *) echo "usage: $0 check SOURCE_ROOT | build BUILD_DIR CXX" >&2; exit 2 ;;
esac
echo "PASS"
