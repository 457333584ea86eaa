#!/bin/bash
# The Ceph fixture of the `ceph` test label (tests/ceph/run.sh). It follows the shared fixture
# ../shared/ceph/up.sh (same settings, same order; see that README for why each multi-client
# setting is there) so that a fresh clone needs nothing outside the repository. Differences:
# RGW and MGR default to off (CephFS needs neither), and every wait is bounded.
#
# Minimal single-node Ceph (Debian 12, ceph 16.2.15 "pacific") brought up by hand:
# 1 mon + 1 mgr + 1 OSD + 1 MDS + CephFS, mounted twice with ceph-fuse, plus radosgw.
# No cephadm, no containers, no systemd. All state under $BASE/data.
#
# Prereq (once): apt-get install -y --no-install-recommends ceph ceph-mds ceph-fuse radosgw s3cmd curl uuid-runtime bc
#
# Env knobs:
#   BASE=${TMPDIR:-/tmp}/ceph-test   where everything lives (data/, m1/, m2/)
#   OBJSTORE=memstore      memstore (RAM, fastest) | bluestore (on a loop device over a sparse file)
#   RGW=0                  1: also start radosgw on 127.0.0.1:$RGW_PORT and create an S3 user
#   MGR=0                  1: start ceph-mgr (~300 MiB RSS); CephFS and RGW work without it
#   MON_PORT=6789 MSGR2_PORT=3300 RGW_PORT=7480
set -euo pipefail
T0=$(date +%s.%N)
BASE=${BASE:-${TMPDIR:-/tmp}/ceph-test}
OBJSTORE=${OBJSTORE:-memstore}
RGW=${RGW:-0}
MON_PORT=${MON_PORT:-6789}; MSGR2_PORT=${MSGR2_PORT:-3300}; RGW_PORT=${RGW_PORT:-7480}
D=$BASE/data
C=$D/ceph.conf
mkdir -p "$D"/{mon,mgr,osd,mds,rgw,log,run,pids} "$BASE/m1" "$BASE/m2"
FSID=$(uuidgen)
CEPH="ceph -c $C"

start() {  # start NAME cmd... : run daemon in foreground mode, backgrounded, record PID
  local name=$1; shift
  setsid "$@" >"$D/log/$name.stdout" 2>&1 </dev/null &
  echo $! >"$D/pids/$name"
}
waitfor() {  # waitfor SECONDS WHAT cmd... : poll until cmd succeeds
  local t=$1 what=$2; shift 2
  local end=$(( $(date +%s) + t ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || { echo "TIMEOUT waiting for $what" >&2; exit 1; }
    sleep 0.3
  done
}
elapsed() { echo "$(date +%s.%N) - $T0" | bc; }

cat >"$C" <<EOF
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:$MSGR2_PORT,v1:127.0.0.1:$MON_PORT]
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
ms bind ipv6 = false
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
pid file = $D/run/\$name.pid
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
mon warn on insecure global id reclaim = false
mon data avail warn = 2
mon data avail crit = 1

[mon]
mon data = $D/mon/\$cluster-\$id

[mgr]
mgr data = $D/mgr/\$cluster-\$id

[osd]
osd data = $D/osd/\$cluster-\$id
osd objectstore = $OBJSTORE
memstore device bytes = 4294967296
osd memory target = 939524096
bluestore block path = $D/osd/block.link
bluestore block create = false

[mds]
mds data = $D/mds/\$cluster-\$id
mds cache memory limit = 268435456
# default 5 s: cap/lock hand-offs between two clients (e.g. rename on one mount while the
# other reads) stall up to one tick; 0.1 s cuts a contended rename from ~0.5-5 s to ~20-40 ms
mds tick interval = 0.1

[client]
client mount timeout = 30
# two ceph-fuse processes both run as client.admin: give each its own admin socket
admin socket = $D/run/\$name.\$pid.asok
# REQUIRED for multi-client correctness: with the kernel page cache on, a lock-protected
# read-modify-write through long-lived fds on two mounts loses updates (SQLite loses rows)
fuse disable pagecache = true

[client.rgw.a]
rgw data = $D/rgw/\$cluster-\$id
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw dns name = localhost
# radosgw hard-codes ms_mon_client_mode=secure, which auth=none cannot provide
ms mon client mode = crc secure
EOF

# ---- mon ----
monmaptool --create --clobber --fsid "$FSID" \
  --addv a "[v2:127.0.0.1:$MSGR2_PORT,v1:127.0.0.1:$MON_PORT]" "$D/monmap" >/dev/null
ceph-mon -c "$C" --mkfs -i a --monmap "$D/monmap"
start mon.a ceph-mon -c "$C" -i a -f
waitfor 30 mon $CEPH -s --connect-timeout 2
echo "mon up at $(elapsed)s"

# ---- mgr (optional for CephFS/RGW data path; needed for `ceph -s` pg stats, HEALTH_OK) ----
if [ "${MGR:-0}" = 1 ]; then
  mkdir -p "$D/mgr/ceph-x"
  start mgr.x ceph-mgr -c "$C" -i x -f
fi

# ---- osd ----
OSD_UUID=$(uuidgen)
OSD_ID=$($CEPH osd new "$OSD_UUID")
mkdir -p "$D/osd/ceph-$OSD_ID"
if [ "$OBJSTORE" = bluestore ]; then
  truncate -s 10G "$D/osd/block.img"
  LOOP=$(losetup -f --show "$D/osd/block.img")
  echo "$LOOP" >"$D/loopdev"
  ln -sf "$LOOP" "$D/osd/block.link"
fi
ceph-osd -c "$C" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >"$D/log/osd-mkfs.log" 2>&1
start osd.$OSD_ID ceph-osd -c "$C" -i "$OSD_ID" -f
waitfor 60 osd sh -c "$CEPH osd dump | grep -q '^osd.$OSD_ID up'"
echo "osd up at $(elapsed)s"

# ---- cephfs + mds ----
$CEPH osd pool create cephfs_metadata 8 >/dev/null 2>&1
$CEPH osd pool create cephfs_data 8 >/dev/null 2>&1
$CEPH fs new cephfs cephfs_metadata cephfs_data >/dev/null 2>&1
mkdir -p "$D/mds/ceph-a"
start mds.a ceph-mds -c "$C" -i a -f
waitfor 60 mds sh -c "$CEPH mds stat | grep -q 'up:active'"
echo "mds active at $(elapsed)s"

# ---- two independent ceph-fuse clients ----
for m in m1 m2; do
  start fuse.$m ceph-fuse -c "$C" -f "$BASE/$m"
done
for m in m1 m2; do
  waitfor 60 "mount $m" mountpoint -q "$BASE/$m"
done
echo "cephfs mounted at $BASE/m1 and $BASE/m2 at $(elapsed)s"

# ---- radosgw (S3) ----
if [ "$RGW" = 1 ]; then
  mkdir -p "$D/rgw/ceph-rgw.a"
  start rgw.a radosgw -c "$C" -n client.rgw.a -f
  waitfor 120 radosgw curl -sf -o /dev/null "http://127.0.0.1:$RGW_PORT/"
  radosgw-admin -c "$C" user create --uid=test --display-name=test \
    --access-key=TESTACCESSKEY --secret-key=TESTSECRETKEY >/dev/null
  cat >"$D/s3cfg" <<EOF
[default]
access_key = TESTACCESSKEY
secret_key = TESTSECRETKEY
host_base = 127.0.0.1:$RGW_PORT
host_bucket = 127.0.0.1:$RGW_PORT
use_https = False
bucket_location = us-east-1
EOF
  echo "radosgw S3 at http://127.0.0.1:$RGW_PORT (key TESTACCESSKEY/TESTSECRETKEY, s3cmd -c $D/s3cfg) at $(elapsed)s"
fi
echo "cluster ready in $(elapsed)s; conf: $C"
