#!/usr/bin/env bash
# bench/restore_check.sh: what checking content on restore costs (issue 16,
# item 6). Restores a large workspace back and forth between two snapshots
# that differ in every file, with each binary given, on the copy engine (and
# with --verify when the binary knows it), and prints the median wall time.
#
#   bench/restore_check.sh DIR BINARY...     e.g. /work/bench-rc build/jvs /work/main/build/jvs
#
# Environment: BIG (number of 64 MiB files, default 8), SMALL (number of
# 16 KiB files, default 2000), REPS (default 5), ENGINE (default copy),
# VERIFY (1: also time `restore --verify`). The page cache is warm (every
# step reads what the one before wrote), so the numbers show CPU cost, which
# is where hashing shows.
set -euo pipefail
DIR=$1
shift
BIG=${BIG:-8} SMALL=${SMALL:-2000} REPS=${REPS:-5} ENGINE=${ENGINE:-copy} VERIFY=${VERIFY:-0}
export JVS_ENGINE=$ENGINE JVS_PROGRESS=0 LC_ALL=C

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

fill() { # WS SALT
  local ws=$1 salt=$2
  python3 - "$ws" "$salt" "$BIG" "$SMALL" <<'EOF'
import os, sys, random
ws, salt, big, small = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(salt)
block = rng.randbytes(1 << 20)
for i in range(big):
    with open(os.path.join(ws, f"big{i}.bin"), "wb") as f:
        for k in range(64):
            f.write(bytes([k, i]) + salt.encode() + block[3 + len(salt):])
for i in range(small):
    d = os.path.join(ws, f"d{i % 40}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i}"), "wb") as f:
        f.write(salt.encode() + str(i).encode() + block[: 16 << 10])
EOF
}

for bin in "$@"; do
  bin=$(realpath "$bin")
  ws="$DIR/$(echo "$bin" | md5sum | cut -c1-8)"
  rm -rf "$ws"
  mkdir -p "$ws"
  (cd "$ws" && "$bin" init --here >/dev/null)
  fill "$ws" a
  (cd "$ws" && "$bin" snapshot a >/dev/null)
  fill "$ws" b
  (cd "$ws" && "$bin" snapshot b >/dev/null)
  modes=("")
  if [ "$VERIFY" = 1 ] && "$bin" restore --help 2>/dev/null | grep -q -- --verify; then modes+=("--verify"); fi
  for mode in "${modes[@]}"; do
    times=()
    for r in $(seq "$REPS"); do
      for target in a b; do
        t0=$(date +%s.%N)
        (cd "$ws" && "$bin" restore $target $mode >/dev/null)
        t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc)")
      done
    done
    m=$(printf '%s\n' "${times[@]}" | median)
    echo "restore $ENGINE ${mode:-(default)} $bin: median ${m}s over ${#times[@]} restores of $((BIG * 64)) MiB + $SMALL files"
  done
  rm -rf "$ws"
done
