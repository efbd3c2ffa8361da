#!/usr/bin/env python3
"""Docs/ARCHITECTURE.md's module table must match Package.swift, and the arrows must point inward.

Reads `swift package describe --type json` (run from the package root) and the table under "## Modules".
Exit 1 with one line per difference."""
import json, re, subprocess, sys

described = json.loads(subprocess.run(["swift", "package", "describe", "--type", "json"], check=True,
                                      capture_output=True, text=True).stdout)
deps = {t["name"]: set(t.get("target_dependencies", [])) for t in described["targets"]
        if t["type"] != "test" and not t["name"].endswith("Benchmarks")}

doc = open("Docs/ARCHITECTURE.md", encoding="utf-8").read()
table = doc.split("## Modules", 1)[1].split("\n## ", 1)[0]
documented = {}
for line in table.splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) < 3 or not cells[0].startswith("`"):
        continue
    name = re.findall(r"`([^`]+)`", cells[0])[0]
    documented[name] = set(re.findall(r"`([^`]+)`", cells[-1]))

problems = []
for name in sorted(set(deps) | set(documented)):
    if name not in deps:
        problems.append(f"{name}: in Docs/ARCHITECTURE.md, not in Package.swift")
    elif name not in documented:
        problems.append(f"{name}: in Package.swift, not in Docs/ARCHITECTURE.md")
    elif deps[name] != documented[name]:
        problems.append(f"{name}: Package.swift {sorted(deps[name])} ≠ Docs {sorted(documented[name])}")

def closure(name):
    seen, todo = set(), [name]
    while todo:
        for d in deps.get(todo.pop(), ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen

ADAPTERS = {"LotseSQLite", "LotsePostgres"}
rules = {
    "LotseDomain": (lambda c: not c, "the core depends on nothing"),
    "LotseSeed": (lambda c: c <= {"LotseDomain"}, "seed data depends on the domain only"),
    "LotseDemand": (lambda c: not c & {"LotseAPI", "LotseApplication", "LotseCapacity", "LotseTelenotarzt", "LotseDispatch"},
                    "demand data reaches neither the server nor the application layer"),
    "LotseLoad": (lambda c: not c & {"LotseAPI", "LotseApplication", "LotseCapacity", "LotseTelenotarzt", "LotseDispatch", "LotseSimulation"},
                  "the load generator reaches neither the server nor the application layer"),
    "LotseApplication": (lambda c: not c & ADAPTERS, "the application layer knows the port, not an adapter"),
    "LotseCapacity": (lambda c: not c & ADAPTERS, "the application layer knows the port, not an adapter"),
    "LotseTelenotarzt": (lambda c: not c & ADAPTERS, "the application layer knows the port, not an adapter"),
    "LotseAPI": (lambda c: not c & ADAPTERS, "the server knows the port, not an adapter"),
    "LotseSimulation": (lambda c: not c & ADAPTERS, "the simulator runs on the in-memory twin"),
}
for name, (ok, why) in rules.items():
    if name in deps and not ok(closure(name)):
        problems.append(f"{name}: {why} (reaches {sorted(closure(name))})")

for p in problems:
    print("architecture:", p)
if problems:
    sys.exit(1)
print(f"architecture: {len(deps)} modules match Docs/ARCHITECTURE.md; arrows point inward")
