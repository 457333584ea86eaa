#!/bin/bash
# Teardown for tests/ceph/up.sh (follows ../shared/ceph/down.sh).
# Teardown for up.sh: unmount, stop only the daemons up.sh started (by recorded PID),
# detach only the loop device up.sh created, delete the data.
BASE=${BASE:-${TMPDIR:-/tmp}/ceph-test}
D=$BASE/data
for m in m1 m2; do
  mountpoint -q "$BASE/$m" && { fusermount3 -u "$BASE/$m" 2>/dev/null || umount -l "$BASE/$m"; }
done
# clients first, then rgw, mds, osd, mgr, mon last
for n in fuse.m1 fuse.m2 rgw.a mds.a osd.0 mgr.x mon.a; do
  f=$D/pids/$n; [ -f "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$f"
done
if [ -f "$D/loopdev" ]; then losetup -d "$(cat "$D/loopdev")" 2>/dev/null; fi
rm -rf "$D"
rmdir "$BASE/m1" "$BASE/m2" 2>/dev/null
echo "down"
