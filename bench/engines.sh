#!/usr/bin/env bash
# bench/engines.sh: the peer benchmark (lower bounds + jvs) on ext4, XFS and
# btrfs, to compare the clone engines on the same workload.
#
#   bench/engines.sh [SCALE]          SCALE: medium (default), small or tiny
#
# ext4 runs in a directory on /work (BENCH_ROOT); XFS (mkfs.xfs -m reflink=1)
# and btrfs run on loop-mounted sparse image files (IMAGE_SIZE, default 4G)
# kept under BENCH_ROOT. Loop mounts need root; without it only ext4 runs.
# The script unmounts and detaches exactly what it mounted, also on failure.
#
# Environment: JVS (binary, default build/jvs), BENCH_ROOT (default
# /work/bench-fs; keep the word "engine" out of it: peer-bench greps `jvs info`
# for it), BENCH_FS (default "ext4 xfs btrfs"), IMAGE_SIZE,
# PEER_BENCH (default /work/shared/bench/peer-bench.sh), BENCH_REPS (passed on).
#
# Output: per filesystem the "metric NAME VALUE" lines of peer-bench, then a
# summary: first snapshot against hashing every byte (lb_hash_all) and
# restore against `cp -a --reflink=always` (lb_cp_reflink). Full reports are
# kept in BENCH_ROOT/<fs>.out (stdout) and <fs>.err (progress, errors).
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=${1:-medium}
JVS=${JVS:-build/jvs}
ROOT=${BENCH_ROOT:-/work/bench-fs}
FSES=${BENCH_FS:-ext4 xfs btrfs}
IMAGE_SIZE=${IMAGE_SIZE:-4G}
PEER_BENCH=${PEER_BENCH:-/work/shared/bench/peer-bench.sh}

[ -x "$JVS" ] || { echo "engines.sh: $JVS is not built (cmake --build build)" >&2; exit 2; }
[ -x "$PEER_BENCH" ] || { echo "engines.sh: $PEER_BENCH not found" >&2; exit 2; }
mkdir -p "$ROOT"
ROOT=$(cd "$ROOT" && pwd)
# A private copy: a rebuild during the run must not change the binary under test.
cp "$JVS" "$ROOT/jvs-under-test"
JVS="$ROOT/jvs-under-test"

# ---- loop mounts, undone on exit ----
MOUNTED=() DEVICES=() IMAGES=()
cleanup() {
  local i
  for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTED[i]}" 2>/dev/null || { sleep 1; umount "${MOUNTED[i]}" 2>/dev/null; } || umount -l "${MOUNTED[i]}" || true
  done
  for d in "${DEVICES[@]}"; do losetup -d "$d" 2>/dev/null || true; done
  for f in "${IMAGES[@]}"; do rm -f "$f"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# mount_image FS DIR: a fresh sparse image with FS, attached and mounted at DIR.
mount_image() {
  local fs=$1 dir=$2 img="$ROOT/$1.img" dev
  if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/loop-control ]; then
    echo "engines.sh: skipping $fs: loop mounts need root and /dev/loop-control" >&2
    return 1
  fi
  rm -f "$img"
  truncate -s "$IMAGE_SIZE" "$img" || return 1
  IMAGES+=("$img")
  case $fs in
    xfs) mkfs.xfs -q -f -m reflink=1 "$img" || return 1 ;;
    btrfs) mkfs.btrfs -q -f "$img" >/dev/null || return 1 ;;
  esac
  dev=$(losetup --find --show "$img") || return 1
  DEVICES+=("$dev")
  mkdir -p "$dir"
  mount "$dev" "$dir" || return 1
  MOUNTED+=("$dir")
}

# The workload is deterministic: generate it once (on ext4) and copy it.
seed_workload() {
  local dst=$1 src="$ROOT/ext4"
  if [ -f "$src/.workload-$SCALE.done" ] && [ ! -f "$dst/.workload-$SCALE.done" ]; then
    echo "engines.sh: copying the $SCALE workload into $dst" >&2
    cp -a "$src/workload-$SCALE" "$dst/"
    touch "$dst/.workload-$SCALE.done"
  fi
}

declare -A DIR_OF
for fs in $FSES; do
  case $fs in
    ext4)
      DIR_OF[$fs]="$ROOT/ext4"
      mkdir -p "$ROOT/ext4"
      t=$(stat -f -c %T "$ROOT/ext4")
      [ "$t" = "ext2/ext3" ] || echo "engines.sh: note: $ROOT/ext4 is on $t, not ext4" >&2
      ;;
    xfs | btrfs)
      mount_image "$fs" "$ROOT/mnt-$fs" || continue
      DIR_OF[$fs]="$ROOT/mnt-$fs/bench"
      mkdir -p "${DIR_OF[$fs]}"
      seed_workload "${DIR_OF[$fs]}"
      ;;
    *) echo "engines.sh: unknown filesystem '$fs'" >&2; exit 2 ;;
  esac
  echo "== $fs: $PEER_BENCH run $JVS ${DIR_OF[$fs]} $SCALE" >&2
  BENCH_PARTS=lb,jvs "$PEER_BENCH" run "$JVS" "${DIR_OF[$fs]}" "$SCALE" >"$ROOT/$fs.out" 2>"$ROOT/$fs.err" ||
    echo "engines.sh: peer-bench failed on $fs (see $ROOT/$fs.err)" >&2
  echo "## $fs"
  grep -E '^# fs:' "$ROOT/$fs.out" || true
  # The engine jvs picks there, and why.
  probe="${DIR_OF[$fs]}/.engine-check-$$"
  rm -rf "$probe"
  if "$JVS" init "$probe" >/dev/null 2>&1; then
    (cd "$probe/main" && "$JVS" info 2>/dev/null | grep -E '^Engine:' | sed 's/^/# jvs /')
  fi
  rm -rf "$probe"
  grep -E '^metric [a-z_0-9]+ [^ ]+$' "$ROOT/$fs.out" || true
  echo
done

# ---- summary ----
metric() { awk -v k="$2" '$1 == "metric" && $2 == k { print $3 }' "$ROOT/$1.out" 2>/dev/null; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "NA" || b == "NA" || b + 0 == 0) print "NA"; else printf "%.2fx", a / b }'; }
printf '%-6s %13s %13s %7s %14s %14s %7s\n' fs snap_first lb_hash_all ratio restore_first lb_cp_reflink ratio
for fs in $FSES; do
  [ -f "$ROOT/$fs.out" ] && [ -n "${DIR_OF[$fs]:-}" ] || continue
  s=$(metric "$fs" jvs_snap_first) h=$(metric "$fs" lb_hash_all)
  r=$(metric "$fs" jvs_restore_first) c=$(metric "$fs" lb_cp_reflink)
  printf '%-6s %13s %13s %7s %14s %14s %7s\n' "$fs" "${s:-NA}" "${h:-NA}" "$(ratio "$s" "$h")" \
    "${r:-NA}" "${c:-NA}" "$(ratio "$r" "$c")"
done
