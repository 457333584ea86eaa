# The inputs of bench/e2e.sh part "text": OUT/base, OUT/side1, OUT/side2.
# base: MB MiB of code-like lines (15% from a handful of common lines such as
# "}" and blank lines, the rest nearly unique); each side makes EDITS edits
# (insert, delete or replace a line, alternating between the sides at least
# 4 lines apart), so the merge is clean. Deterministic (fixed seed).
#
#   python3 bench/gen_text_merge.py OUT MB EDITS
import random, sys
out, mb, edits = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
rng = random.Random(17)
common = [b"\n", b"}\n", b"{\n", b"    return 0;\n", b"  }\n", b"// ----\n"]
lines, size = [], 0
target = int(mb * (1 << 20))
while size < target:
    if rng.random() < 0.15:
        l = rng.choice(common)
    else:
        l = b"    value_%d = compute(%d, %d); // %s\n" % (rng.randrange(10**6), rng.randrange(1000), rng.randrange(1000), b"x" * rng.randrange(0, 20))
    lines.append(l); size += len(l)
n = len(lines)
pos = sorted(rng.sample(range(0, n - 4, 4), 2 * edits))
def side(which):
    s = list(lines)
    for p in reversed(pos[which::2]):
        k = rng.randrange(3)
        new = [b"edited %d by side %d\n" % (p, which + 1)] * rng.randint(1, 2)
        if k == 0: s[p:p] = new
        elif k == 1: del s[p:p + 1]
        else: s[p:p + 1] = new
    return b"".join(s)
open(out + "/base", "wb").write(b"".join(lines))
open(out + "/side1", "wb").write(side(0))
open(out + "/side2", "wb").write(side(1))
