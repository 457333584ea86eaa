#!/usr/bin/env python3
"""make_history.py STORE_DIR PARENT_ID COUNT: writes COUNT snapshot descriptors
into a jvs store (.jvs/store), each the child of the previous one, starting
from PARENT_ID (a full hex id of an existing snapshot). They reuse the parent's
tree. Prints the id of the last one. Used by bench/e2e.sh to build a long line
of history quickly; `jvs restore ID` then makes it the worktree's line.
The encoding is the canonical one of docs/formats.md (compact JSON, sorted keys)."""
import hashlib, json, os, sys

store, parent, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(os.path.join(store, "snapshots", parent[:2], parent[2:]), "rb") as f:
    base = json.loads(f.read())
for i in range(count):
    d = dict(base)
    d["parents"] = [parent]
    d["note"] = "bench snapshot %d" % i
    d["change_id"] = hashlib.md5(b"bench-%d" % i).hexdigest()
    s, ms = divmod(i, 1000)
    d["created_at"] = "2026-01-%02dT%02d:%02d:%02d.%03dZ" % (1 + s // 86400, s // 3600 % 24, s // 60 % 60, s % 60, ms)
    data = json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    sid = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(store, "snapshots", sid[:2]), exist_ok=True)
    p = os.path.join(store, "snapshots", sid[:2], sid[2:])
    with open(p, "wb") as f:
        f.write(data)
    os.chmod(p, 0o444)
    parent = sid
print(parent)
