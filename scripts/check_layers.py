#!/usr/bin/env python3
"""Checks that every include in the library points down the layer order.

The order is the table between the `layers:begin` and `layers:end` markers in
docs/architecture.md: each layer names the layers it may include directly;
what they may include is allowed too. Every file under src/LAYER/ and
include/jvs/LAYER/ belongs to LAYER. An include of "jvs/OTHER/..." or
"OTHER/..." (a private header of src/OTHER) must name LAYER itself or a layer
below it. The jvs_layer(...) lines of CMakeLists.txt must declare the same
dependencies as the table, so the build (which compiles each layer against
only the headers below it) and this check agree.

The library also never reads the environment (getenv/secure_getenv/environ
are refused anywhere under src/ and include/jvs/) and never names a CLI
command in a string (a quoted 'jvs COMMAND'): errors carry a Remedy that the
CLI words.

Usage: check_layers.py [SOURCE_ROOT]   (exit 1 with file:line for each offence)
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
root = os.path.abspath(root)
errors = []


def read_table():
    path = os.path.join(root, "docs", "architecture.md")
    text = open(path, encoding="utf-8").read()
    m = re.search(r"<!-- layers:begin -->(.*?)<!-- layers:end -->", text, re.S)
    if not m:
        sys.exit(f"{path}: no layer table (<!-- layers:begin --> ... <!-- layers:end -->)")
    deps = {}
    for line in m.group(1).splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] in ("layer", "") or set(cells[0]) <= set("-: "):
            continue
        name = cells[0]
        may = [d.strip("`, ") for d in cells[2].split() if d.strip("`, ") not in ("", "-", "nothing")]
        deps[name] = may
    return deps


deps = read_table()
for layer, ds in deps.items():
    for d in ds:
        if d not in deps:
            errors.append(f"docs/architecture.md: layer {layer} names unknown layer {d}")


def closure(layer, seen=None):
    seen = seen if seen is not None else set()
    stack = [layer]
    while stack:
        cur = stack.pop()
        if cur in seen:
            continue
        seen.add(cur)
        stack.extend(deps.get(cur, []))
    return seen


allowed = {layer: closure(layer) for layer in deps}
include_re = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
env_re = re.compile(r"\b(getenv|secure_getenv|environ)\b")
# A string literal that quotes a command ("run 'jvs doctor'"): the library
# attaches a Remedy to the error instead, and the CLI words it.
command_re = re.compile(r'"[^"]*\'jvs [a-z-]')

for top, kind in (("src", "src"), (os.path.join("include", "jvs"), "include")):
    base = os.path.join(root, top)
    if not os.path.isdir(base):
        continue
    for layer in sorted(os.listdir(base)):
        ldir = os.path.join(base, layer)
        if not os.path.isdir(ldir):
            continue
        if layer not in deps:
            errors.append(f"{top}/{layer}: folder is not a layer of docs/architecture.md")
            continue
        for dirpath, _, files in os.walk(ldir):
            for f in sorted(files):
                if not f.endswith((".h", ".cc")):
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, root)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    for n, line in enumerate(fh, 1):
                        m = include_re.match(line)
                        if m:
                            inc = m.group(1)
                            parts = inc.split("/")
                            target = None
                            if parts[0] == "jvs" and len(parts) >= 3:
                                target = parts[1]
                            elif parts[0] == "jvs":
                                errors.append(f"{rel}:{n}: {line.strip()}: public headers live in include/jvs/LAYER/")
                                continue
                            elif len(parts) >= 2 and parts[0] in deps:
                                target = parts[0]
                            if target is None:
                                continue
                            if target not in deps:
                                errors.append(f"{rel}:{n}: {line.strip()}: no layer named {target}")
                            elif target not in allowed[layer]:
                                errors.append(
                                    f"{rel}:{n}: {line.strip()}: layer {layer} may not include layer {target} "
                                    f"(it may include: {', '.join(sorted(allowed[layer]))})")
                        if (env_re.search(line) and not line.lstrip().startswith("//")
                                and "layers: passes the environment through" not in line):
                            errors.append(f"{rel}:{n}: {line.strip()}: the library never reads the environment "
                                          "(take the setting as an option the CLI fills)")
                        if command_re.search(line) and not line.lstrip().startswith("//"):
                            errors.append(f"{rel}:{n}: {line.strip()}: the library never names a CLI command "
                                          "(attach a Remedy to the error; cli/remedy.cc words it)")

# The build declares the same graph.
cmake = os.path.join(root, "CMakeLists.txt")
declared = {}
for m in re.finditer(r"^jvs_layer\((\w+)([^)]*)\)", open(cmake, encoding="utf-8").read(), re.M):
    args = m.group(2).split()
    ds, mode = [], None
    for a in args:
        if a in ("DEPS", "LIBS"):
            mode = a
        elif mode == "DEPS":
            ds.append(a)
    declared[m.group(1)] = ds
for layer in deps:
    if layer not in declared:
        errors.append(f"CMakeLists.txt: no jvs_layer({layer} ...) for the layer of docs/architecture.md")
    elif closure(layer) != set([layer] + [x for d in declared[layer] for x in allowed.get(d, {d})]):
        errors.append(f"CMakeLists.txt: jvs_layer({layer} DEPS {' '.join(declared[layer])}) differs from "
                      f"docs/architecture.md ({' '.join(deps[layer]) or 'nothing'})")
for layer in declared:
    if layer not in deps:
        errors.append(f"CMakeLists.txt: jvs_layer({layer}) is not in docs/architecture.md")

for e in errors:
    print(e)
if errors:
    print(f"check_layers: {len(errors)} offence(s)", file=sys.stderr)
    sys.exit(1)
print(f"check_layers: {len(deps)} layers, every include points down")
