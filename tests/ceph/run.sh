#!/bin/bash
# The `ceph` test label: a real single-node Ceph cluster (tests/ceph/up.sh: mon + OSD on memstore
# + MDS, CephFS mounted twice with ceph-fuse = two independent CephFS clients), then
# multi_client_test.py runs real jvs processes on both mounts. The cluster is always torn down
# (trap), every step is bounded in time.
#   run.sh JVS_BINARY [TEST_NAME...]
# Exit 77 (ctest: skipped) with the reason when the machine cannot run Ceph.
set -uo pipefail
JVS=$1; shift
HERE=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIPPED: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "CephFS tests need root (ceph-fuse mounts, Ceph daemons)"
[ -c /dev/fuse ] || skip "no /dev/fuse on this machine (ceph-fuse cannot mount)"
for t in ceph ceph-mon ceph-osd ceph-mds ceph-fuse monmaptool uuidgen bc mountpoint setsid ss python3; do
  command -v "$t" >/dev/null 2>&1 || skip "$t is not installed (./jvs-setup installs the Ceph packages)"
done

# One cluster per port pair: pick a monitor port pair nobody listens on (another cluster, e.g.
# the shared fixture on 3300/6789, may run on this machine at the same time). OSD and MDS take
# free ports from 6800 up by themselves.
busy=$(ss -ltnH 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)
MON_PORT=; MSGR2_PORT=
for p in $(seq 16789 10 17789); do
  if ! grep -qx "$p" <<<"$busy" && ! grep -qx "$((p + 1))" <<<"$busy"; then
    MON_PORT=$p; MSGR2_PORT=$((p + 1)); break
  fi
done
[ -n "$MON_PORT" ] || { echo "no free port pair for the Ceph monitor" >&2; exit 1; }

BASE=$(mktemp -d "${TMPDIR:-/tmp}/jvs-ceph.XXXXXX")
export BASE MON_PORT MSGR2_PORT RGW=0 MGR=0 OBJSTORE=memstore
cleanup() {
  timeout 60 "$HERE/down.sh" >/dev/null 2>&1 || echo "warning: down.sh failed for $BASE" >&2
  rmdir "$BASE" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T0=$(date +%s.%N)
if ! timeout 120 "$HERE/up.sh" >"$BASE.up.log" 2>&1; then
  echo "the Ceph cluster did not come up within 120 s:" >&2
  cat "$BASE.up.log" >&2
  tail -n 20 "$BASE"/data/log/*.log 2>/dev/null >&2
  rm -f "$BASE.up.log"
  exit 1
fi
echo "ceph: cluster up in $(echo "$(date +%s.%N) - $T0" | bc) s (mon port $MON_PORT)"
rm -f "$BASE.up.log"

timeout 800 python3 "$HERE/multi_client_test.py" "$JVS" "$BASE/m1" "$BASE/m2" "$@"
rc=$?
[ $rc -eq 124 ] && echo "multi_client_test.py did not finish within 800 s" >&2
echo "ceph: total $(echo "$(date +%s.%N) - $T0" | bc) s"
exit $rc
