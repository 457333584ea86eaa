#!/usr/bin/env python3
"""One jvs repository on CephFS used through two independent CephFS clients at once.

    multi_client_test.py JVS M1 M2 [TEST...]

M1 and M2 are two ceph-fuse mounts of the same filesystem (tests/ceph/run.sh brings them up):
the repository is created through M1, and every writer reaches it through "its" mount, so the
same directory is seen by two clients that share nothing but the MDS (no lock server of ours).
Each writer runs the real jvs binary as a separate process; writers of mount 2 run with another
JVS_HOST, as on a second machine. Tests:

  many_writers   8 writers (4 per mount, 2 per worktree, one on each mount) x 25 snapshots
                 (JVS_CEPH_SNAPSHOTS overrides the 25 for a quick run), with
                 tags, forks and undo in between: nothing lost, each worktree's line is one chain,
                 one op head after the next command, status clean, verify --all and doctor pass.
  kill_writer    writers on mount 1 killed in the middle of publishing (fault points and kill -9
                 at random moments) while mount 2's writers carry on: nothing of theirs is lost,
                 both mounts keep working, verify --all passes, doctor finds no corruption and
                 is healthy after doctor --repair (the crash tests' contract).
  worktree_lock  a worktree lock (flock) held through mount 1 stops a writer on mount 2 (exit 4
                 after JVS_LOCK_TIMEOUT_MS); released, or its holder killed, the writer proceeds.
"""
import fcntl
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

JVS, M1, M2 = (os.path.abspath(a) for a in sys.argv[1:4])
ONLY = sys.argv[4:]
HOME = tempfile.mkdtemp(prefix="jvs-ceph-home.")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
FAULT_POINTS = ["snapshot.before_publish", "publish.after_view", "publish.after_op", "publish.after_barrier"]


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def env_for(host, **extra):
    e = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": HOME, "LC_ALL": "C",
         "JVS_USER": "test", "JVS_HOST": host, "JVS_LOCK_TIMEOUT_MS": "120000", "NO_COLOR": "1"}
    e.update(extra)
    return e


class Run:
    def __init__(self, cwd, args, rc, out, err, secs):
        self.cwd, self.args, self.rc, self.out, self.err, self.secs = cwd, args, rc, out, err, secs

    def describe(self):
        return "jvs %s (in %s): exit %s after %.2f s\n--- stdout ---\n%s--- stderr ---\n%s" % (
            " ".join(self.args), self.cwd, self.rc, self.secs, self.out[-3000:], self.err[-3000:])

    def json(self):
        try:
            return json.loads(self.out)
        except ValueError:
            raise Failure("not JSON: " + self.describe())


def jvs(cwd, args, host="client-a", timeout=120, kill_after=None, **extra):
    """Runs the real binary; kill_after (seconds) sends SIGKILL at that moment."""
    t0 = time.monotonic()
    p = subprocess.Popen([JVS] + args, cwd=cwd, env=env_for(host, **extra), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    timer = None
    if kill_after is not None:
        timer = threading.Timer(kill_after, lambda: p.kill())
        timer.start()
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        err += "\n[test] killed after %d s timeout" % timeout
    if timer:
        timer.cancel()
    return Run(cwd, args, p.returncode, out, err, time.monotonic() - t0)


def ok(cwd, args, host="client-a", **extra):
    r = jvs(cwd, args, host, **extra)
    check(r.rc == 0, r.describe())
    return r


def okj(cwd, args, host="client-a", **extra):
    return ok(cwd, ["--json"] + args, host, **extra).json()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def op_heads(root):
    return [n for n in os.listdir(os.path.join(root, ".jvs", "op_heads")) if HEX64.match(n)]


def new_repo(name):
    """jvs init through mount 1; returns (root via M1, root via M2)."""
    d1, d2 = os.path.join(M1, name), os.path.join(M2, name)
    os.mkdir(d1)
    ok(d1, ["init", "repo"])
    r1, r2 = os.path.join(d1, "repo"), os.path.join(d2, "repo")
    check(os.path.isdir(os.path.join(r2, "main")), "the repository made through mount 1 is not visible on mount 2")
    write(os.path.join(r1, "main", "base.txt"), "base\n")
    base = okj(os.path.join(r1, "main"), ["snapshot", "base"])["snapshot_id"]
    return r1, r2, base


def line_of(cwd, host):
    """The worktree's line (history), newest first; checks that it is one chain of parents."""
    h = okj(cwd, ["history"], host)
    for a, b in zip(h, h[1:]):
        check(a["parent_id"] == b["snapshot_id"], "history of %s is not one chain at %s" % (cwd, a["snapshot_id"]))
    return h


def final_checks(r1, r2, expect_ids, after_kills=False):
    """Reads through mount 2 (so that its client merges what mount 1 published), then: one op
    head (listed through mount 1), every expected snapshot visible, verify --all, doctor healthy.
    After kills, the crash tests' contract (tests/crash): doctor finds no corruption, only
    leftovers of the killed commands, and `doctor --repair` leaves a healthy repository."""
    t0 = time.monotonic()
    vis = {e["snapshot_id"]: e for e in okj(os.path.join(r2, "main"), ["history", "--all"], "client-b")}
    heads = op_heads(r1)
    check(len(heads) == 1, "%d op heads after the next command: %s" % (len(heads), heads))
    missing = sorted(n for n, i in expect_ids.items() if i not in vis)
    check(not missing, "%d reported snapshots missing from history --all: %s" % (len(missing), missing[:10]))
    v = jvs(os.path.join(r1, "main"), ["--json", "verify", "--all"], "client-a", timeout=300)
    check(v.rc == 0, "verify --all failed: " + v.describe())
    if after_kills:
        d = jvs(os.path.join(r2, "main"), ["--json", "doctor"], "client-b", timeout=300)
        check(d.rc == 0, "doctor after the kills: " + d.describe())
        bad = [f for f in d.json().get("findings", []) if f.get("corruption") is not False]
        check(not bad, "doctor found corruption after the kills: " + d.describe())
        print("  doctor after the kills: %s" % sorted(set(f.get("category") for f in d.json()["findings"])))
        rep = jvs(os.path.join(r1, "main"), ["--json", "doctor", "--repair"], "client-a", timeout=300)
        check(rep.rc == 0, "doctor --repair: " + rep.describe())
    d = jvs(os.path.join(r2, "main"), ["--json", "doctor"], "client-b", timeout=300)
    check(d.rc == 0 and d.json().get("healthy") is True, "doctor is not healthy: " + d.describe())
    vj = v.json()
    check(vj.get("ok") is True and vj.get("oplog", {}).get("heads") == 1, "verify --all: " + v.describe())
    print("  checks (history --all, heads, verify --all, doctor) took %.1f s; %d snapshots visible, verify "
          "checked %d objects and %d operations" % (time.monotonic() - t0, len(vis), vj.get("objects_checked", 0),
                                                    vj.get("oplog", {}).get("operations", 0)))
    return vis


# ---------------------------------------------------------------------------------------------

def test_many_writers():
    r1, r2, base = new_repo("many")
    wts = ["main"]
    for n in range(1, 4):
        p = okj(os.path.join(r1, "main"), ["worktree", "fork", "wt%d" % n])["path"]
        rel = os.path.relpath(p, r1)
        check(not rel.startswith(".."), "worktree wt%d is outside the repository: %s" % (n, p))
        wts.append(rel)
    writers, per_writer = 8, int(os.environ.get("JVS_CEPH_SNAPSHOTS", "25"))
    lock = threading.Lock()
    snaps = {}      # note -> snapshot id
    tags = {}       # tag -> snapshot id it was set on (as reported)
    forks = {}      # fork name -> (root, rel path)
    undone = {}     # note -> (fork dir, snapshot id) undone right after
    errors = []
    times = []

    def writer(k):
        root, host = (r1, "client-a") if k % 2 == 0 else (r2, "client-b")
        wt = os.path.join(root, wts[k // 2])
        try:
            for i in range(per_writer):
                note = "w%d-%d" % (k, i)
                write(os.path.join(wt, "w%d.txt" % k), "%d-%d\n" % (k, i))
                r = ok(wt, ["--json", "snapshot", note], host)
                with lock:
                    snaps[note] = r.json()["snapshot_id"]
                    times.append(r.secs)
                if i % 6 == 3:
                    t = okj(wt, ["tag", "set", "t%d-%d" % (k, i)], host)
                    with lock:
                        tags["t%d-%d" % (k, i)] = t.get("snapshot_id")
                if i % 8 == 5:
                    name = "f%d-%d" % (k, i)
                    path = okj(wt, ["worktree", "fork", name], host)["path"]
                    check(path.startswith(root + "/"), "fork %s made through %s landed at %s" % (name, root, path))
                    # In the fork (this writer's alone): a snapshot, then undo takes it back.
                    write(os.path.join(path, "u.txt"), "undo me\n")
                    u = okj(path, ["snapshot", "u" + name], host)["snapshot_id"]
                    ok(path, ["undo"], host)
                    with lock:
                        forks[name] = (root, os.path.relpath(path, root))
                        undone["u" + name] = (os.path.relpath(path, root), u)
        except Exception as e:  # noqa: BLE001 -- reported below with the writer's name
            with lock:
                errors.append("writer %d: %s" % (k, e))

    t0 = time.monotonic()
    threads = [threading.Thread(target=writer, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    secs = time.monotonic() - t0
    check(not any(t.is_alive() for t in threads), "writers still running after 600 s")
    check(not errors, "\n".join(errors[:4]))
    times.sort()
    print("  %d snapshots + %d tags + %d forks (each with a snapshot and an undo) by %d writers over 2 mounts "
          "in %.1f s; snapshot median %.2f s, slowest %.2f s" % (len(snaps), len(tags), len(forks), writers, secs,
                                                                 times[len(times) // 2], times[-1]))
    check(len(snaps) == writers * per_writer, "only %d snapshots reported" % len(snaps))

    vis = final_checks(r1, r2, snaps)
    for note, sid in snaps.items():
        check(vis[sid].get("note") == note, "snapshot %s has note %r, not %r" % (sid, vis[sid].get("note"), note))
    # Two writers (one per mount) shared each worktree: their snapshots form one line there.
    for n, rel in enumerate(wts):
        for root, host in ((r1, "client-a"), (r2, "client-b")):
            line = line_of(os.path.join(root, rel), host)
            notes = [e.get("note") for e in line]
            want = ["w%d-%d" % (k, i) for k in (2 * n, 2 * n + 1) for i in range(per_writer)]
            check(sorted(notes) == sorted(want + ["base"]),
                  "line of %s seen through %s: %d entries, missing %s" % (rel, root, len(notes),
                                                                          sorted(set(want) - set(notes))[:8]))
            st = okj(os.path.join(root, rel), ["status"], host)
            check(st.get("clean") is True, "status of %s through %s is not clean: %s" % (rel, root, st))
    check(line_of(os.path.join(r2, "main"), "client-b")[-1]["snapshot_id"] == base, "main's line starts at base")
    tl = {t["name"]: t["snapshot_id"] for t in okj(os.path.join(r1, "main"), ["tag", "list"])}
    for name, sid in tags.items():
        check(name in tl, "tag %s lost" % name)
        check(sid is None or tl[name] == sid, "tag %s moved: %s, set on %s" % (name, tl[name], sid))
    wl = {w["name"] for w in okj(os.path.join(r2, "main"), ["worktree", "list"], "client-b")}
    for name in forks:
        check(name in wl, "worktree %s lost" % name)
    for note, (rel, sid) in undone.items():
        for root, host in ((r1, "client-a"), (r2, "client-b")):
            line = line_of(os.path.join(root, rel), host)
            check(all(e["snapshot_id"] != sid for e in line), "undone %s still on the line of %s" % (note, rel))


def test_kill_writer():
    r1, r2, base = new_repo("kill")
    wt1 = os.path.relpath(okj(os.path.join(r1, "main"), ["worktree", "fork", "wt1"])["path"], r1)
    lock = threading.Lock()
    snaps, errors = {}, []
    killed = {"fault": 0, "random": 0, "random_finished_first": 0}
    rng = random.Random(int(os.environ.get("JVS_CEPH_SEED", "21")))
    delays = [rng.uniform(0.02, 0.6) for _ in range(64)]
    per = 12
    stop_b = threading.Event()

    def victim(a):  # mount 1, worktree main: every third command dies at a publication fault point
        wt = os.path.join(r1, "main")
        try:
            for i in range(per):
                note = "a%d-%d" % (a, i)
                write(os.path.join(wt, "a%d.txt" % a), "%d-%d\n" % (a, i))
                if i % 3 == 1:
                    point = FAULT_POINTS[(i // 3 + a) % len(FAULT_POINTS)]
                    r = jvs(wt, ["--json", "snapshot", note], "client-a", JVS_FAULT_POINT=point + ":kill")
                    check(r.rc == -signal.SIGKILL, "armed at %s it did not die: %s" % (point, r.describe()))
                    with lock:
                        killed["fault"] += 1
                elif i % 3 == 2:
                    r = jvs(wt, ["--json", "snapshot", note], "client-a", kill_after=delays[a * per + i])
                    with lock:
                        if r.rc == -signal.SIGKILL:
                            killed["random"] += 1
                        else:
                            check(r.rc == 0, r.describe())
                            killed["random_finished_first"] += 1
                            snaps[note] = r.json()["snapshot_id"]
                else:
                    r = ok(wt, ["--json", "snapshot", note], "client-a")
                    with lock:
                        snaps[note] = r.json()["snapshot_id"]
        except Exception as e:  # noqa: BLE001
            with lock:
                errors.append("victim %d: %s" % (a, e))

    b_counts = [0, 0]

    def survivor(b):  # mount 2, worktree wt1: carries on the whole time, never fails
        wt = os.path.join(r2, wt1)
        try:
            i = 0
            while i < per or not stop_b.is_set():
                note = "b%d-%d" % (b, i)
                write(os.path.join(wt, "b%d.txt" % b), "%d-%d\n" % (b, i))
                r = ok(wt, ["--json", "snapshot", note], "client-b")
                with lock:
                    snaps[note] = r.json()["snapshot_id"]
                b_counts[b] += 1
                i += 1
                if i >= 60:
                    break
        except Exception as e:  # noqa: BLE001
            with lock:
                errors.append("survivor %d: %s" % (b, e))

    t0 = time.monotonic()
    vs = [threading.Thread(target=victim, args=(a,)) for a in range(2)]
    ss = [threading.Thread(target=survivor, args=(b,)) for b in range(2)]
    for t in vs + ss:
        t.start()
    for t in vs:
        t.join(timeout=240)
    stop_b.set()  # mount 2's writers ran during every kill; they finish their round and stop
    for t in ss:
        t.join(timeout=240)
    secs = time.monotonic() - t0
    check(not any(t.is_alive() for t in vs + ss), "writers still running after 240 s")
    check(not errors, "\n".join(errors[:4]))
    print("  mount 1: %d writers killed at fault points, %d killed at random moments (%d finished first); "
          "mount 2: %s snapshots meanwhile; %.1f s" % (killed["fault"], killed["random"],
                                                       killed["random_finished_first"], b_counts, secs))
    check(killed["fault"] == 8, "expected 8 kills at fault points, got %d" % killed["fault"])
    # Both mounts keep working after the kills: a snapshot on each.
    write(os.path.join(r1, "main", "after.txt"), "after\n")
    snaps["after-a"] = okj(os.path.join(r1, "main"), ["snapshot", "after-a"])["snapshot_id"]
    write(os.path.join(r2, wt1, "after.txt"), "after\n")
    snaps["after-b"] = okj(os.path.join(r2, wt1), ["snapshot", "after-b"], "client-b")["snapshot_id"]
    final_checks(r1, r2, snaps, after_kills=True)
    line = [e.get("note") for e in line_of(os.path.join(r1, wt1), "client-a")]
    want = [n for n in snaps if n.startswith("b")] + ["after-b", "base"]
    check(sorted(line) == sorted(want), "wt1's line (mount 2's writers) is not exactly theirs: extra %s, missing %s"
          % (sorted(set(line) - set(want))[:5], sorted(set(want) - set(line))[:5]))


def test_worktree_lock():
    r1, r2, base = new_repo("lock")
    lock_path = os.path.join(r1, ".jvs", "worktrees", "main", "lock")
    check(os.path.exists(lock_path), "no lock file at " + lock_path)
    # Held through mount 1 (by this process): a writer on mount 2 waits, then gives up with 4.
    fd = os.open(lock_path, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    write(os.path.join(r2, "main", "x.txt"), "x\n")
    r = jvs(os.path.join(r2, "main"), ["snapshot", "blocked"], "client-b", JVS_LOCK_TIMEOUT_MS="1500")
    check(r.rc == 4, "a writer on mount 2 did not stop at mount 1's lock: " + r.describe())
    check(1.4 <= r.secs < 30, "it gave up after %.2f s, not after the 1.5 s limit" % r.secs)
    # Released while a writer on mount 2 waits: it proceeds.
    p = subprocess.Popen([JVS, "--json", "snapshot", "waited"], cwd=os.path.join(r2, "main"),
                         env=env_for("client-b", JVS_LOCK_TIMEOUT_MS="30000"), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    check(p.poll() is None, "the writer on mount 2 did not wait for the lock held on mount 1")
    t_release = time.monotonic()
    os.close(fd)
    out, err = p.communicate(timeout=60)
    handoff = time.monotonic() - t_release
    check(p.returncode == 0, "after release: exit %s\n%s%s" % (p.returncode, out, err))
    # Held by a process on mount 1 that is then killed (kill -9): the MDS releases it with the
    # process's descriptor, and mount 2 gets it.
    holder = subprocess.Popen([sys.executable, "-c",
                               "import fcntl,os,sys,time\nfd=os.open(sys.argv[1],os.O_RDWR)\n"
                               "fcntl.flock(fd,fcntl.LOCK_EX)\nprint('held',flush=True)\ntime.sleep(600)",
                               lock_path], stdout=subprocess.PIPE, text=True)
    check(holder.stdout.readline().strip() == "held", "the holder did not get the lock")
    write(os.path.join(r2, "main", "x.txt"), "y\n")
    r = jvs(os.path.join(r2, "main"), ["snapshot", "blocked2"], "client-b", JVS_LOCK_TIMEOUT_MS="800")
    check(r.rc == 4, "the holder's lock did not stop mount 2: " + r.describe())
    holder.kill()
    holder.wait()
    t_kill = time.monotonic()
    r = jvs(os.path.join(r2, "main"), ["--json", "snapshot", "after-kill"], "client-b", JVS_LOCK_TIMEOUT_MS="30000")
    check(r.rc == 0, "after the holder was killed: " + r.describe())
    print("  lock hand-off mount 1 -> mount 2 after release: %.2f s; snapshot after the holder's kill -9: %.2f s"
          % (handoff, time.monotonic() - t_kill))
    final_checks(r1, r2, {"waited": json.loads(out)["snapshot_id"], "after-kill": r.json()["snapshot_id"]})


TESTS = [("many_writers", test_many_writers), ("kill_writer", test_kill_writer),
         ("worktree_lock", test_worktree_lock)]


def main():
    failed = []
    for name, fn in TESTS:
        if ONLY and name not in ONLY:
            continue
        print("[ RUN      ] ceph.%s" % name, flush=True)
        t0 = time.monotonic()
        try:
            fn()
            print("[       OK ] ceph.%s (%.1f s)" % (name, time.monotonic() - t0), flush=True)
        except Exception as e:  # noqa: BLE001 -- every test runs; the failures are listed
            failed.append(name)
            print("FAILURE: %s\n%s" % (e, traceback.format_exc() if not isinstance(e, Failure) else ""))
            print("[  FAILED  ] ceph.%s (%.1f s)" % (name, time.monotonic() - t0), flush=True)
    subprocess.run(["rm", "-rf", HOME])
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
