#!/usr/bin/env python3
"""Fails when a crate's modules import each other in a circle.

Reads `use crate::…` / `use super::…` lines (and `crate::x::` paths in code) of every
file under a crate's src/, maps each to the module it names, and looks for a cycle
among sibling modules at every level (tests excluded). Usage: module_cycles.py SRC_DIR
"""
import os
import re
import sys

src = sys.argv[1]


def module_of(path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib"):
        rel = rel[:-1]
    return rel


edges = {}
uses_child = {}
for root, _, files in os.walk(src):
    for name in files:
        if not name.endswith(".rs") or name == "tests.rs" or "tests" in root.split(os.sep):
            continue
        path = os.path.join(root, name)
        me = module_of(path)
        text = open(path, encoding="utf-8").read()
        # Drop inline test modules.
        text = re.split(r"#\[cfg\(test\)\]\s*mod tests", text)[0]
        targets = []
        for m in re.finditer(r"\bcrate::([a-z_][a-z0-9_]*(?:::[a-z_][a-z0-9_]*)*)", text):
            targets.append(m.group(1).split("::"))
        for m in re.finditer(r"\buse\s+((?:super::)+)([a-z_][a-z0-9_]*(?:::[a-z_][a-z0-9_]*)*)?", text):
            ups = m.group(1).count("super::")
            base = me[: len(me) - ups] if ups <= len(me) else []
            rest = (m.group(2) or "").split("::") if m.group(2) else []
            targets.append(base + rest)
        for t in targets:
            # The edge is between the two siblings under the deepest common parent.
            common = 0
            while common < min(len(me), len(t)) and me[common] == t[common]:
                common += 1
            if common < len(me) and common < len(t):
                parent = tuple(me[:common])
                edges.setdefault(parent, {}).setdefault(me[common], set()).add(t[common])
            elif common == len(t) and common < len(me):
                # Importing from an ancestor module's own items: a circle only if that
                # module uses this child in turn (checked below).
                parent = tuple(me[:common])
                edges.setdefault(parent, {}).setdefault(me[common], set()).add("<parent>")
        # What a module uses of its own children (`child::…`, `pub use child::…`).
        for m in re.finditer(r"(?<![:\w])([a-z_][a-z0-9_]*)::", text):
            uses_child.setdefault(tuple(me), set()).add(m.group(1))

cycles = []
for parent, graph in edges.items():
    for node, outs in graph.items():
        if "<parent>" in outs and node in uses_child.get(parent, ()):
            cycles.append(f"{'::'.join(parent) or 'crate'}: {node} imports its parent's own items, and the parent uses it")
    state = {}

    def visit(n, stack):
        state[n] = 1
        for m in graph.get(n, ()):
            if m == "<parent>":
                continue
            if state.get(m) == 1:
                cycles.append(f"{'::'.join(parent) or 'crate'}: " + " → ".join(stack[stack.index(m):] + [m]))
            elif m not in state:
                visit(m, stack + [m])
        state[n] = 2

    for n in list(graph):
        if n not in state:
            visit(n, [n])

if cycles:
    print("module import circles:")
    print("\n".join(sorted(set(cycles))))
    sys.exit(1)
print("no import circle among", sum(len(g) for g in edges.values()), "modules")
