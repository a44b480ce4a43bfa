#!/usr/bin/env bash
# Checks the workspace's `rust-version` against what the published crates' dependencies
# declare: fails if any normal or build dependency (locked versions, every feature a user
# can enable, every target) needs a newer rustc. Reads `cargo metadata`; python3's
# standard library only. (What the code itself needs is clippy's `incompatible_msrv`.)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo metadata --format-version 1 --all-features --locked | python3 -c '
import json, sys

def version(text):
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))

def show(v):
    return ".".join(map(str, v))

meta = json.load(sys.stdin)
packages = {p["id"]: p for p in meta["packages"]}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
members = [packages[i] for i in meta["workspace_members"]]
# publish = false is [] in cargo metadata; null means publishable.
published = [p for p in members if p.get("publish") is None]
declared = {p["name"]: p.get("rust_version") for p in published}
if len(set(declared.values())) != 1 or None in declared.values():
    sys.exit(f"msrv: the published crates must share one rust-version: {declared}")
workspace = version(next(iter(declared.values())))

def activated(node, dep):
    """Whether the parent builds this dependency. `cargo metadata` also lists optional
    dependencies that only a weak feature (`time?/parsing`) names, which are not built."""
    parent = packages[node["id"]]
    name = packages[dep["pkg"]]["name"]
    entries = [d for d in parent["dependencies"] if d["name"] == name
               and d["kind"] in (None, "build")]
    if not entries or any(not d["optional"] for d in entries):
        return bool(entries)
    enabled = set(node["features"])
    for key in {d.get("rename") or d["name"] for d in entries}:
        if key in enabled and not any(f"dep:{key}" in v for v in parent["features"].values()):
            return True  # the implicit feature of the optional dependency
        for feature in enabled:
            for value in parent["features"].get(feature, []):
                if value == f"dep:{key}" or value.startswith(f"{key}/"):
                    return True
    return False

# Normal and build dependencies of the published crates, transitively (dev-dependencies
# are not built by users), with every feature of the published crates.
seen, stack = set(), [p["id"] for p in published]
while stack:
    node = nodes[stack.pop()]
    for dep in node["deps"]:
        if dep["pkg"] not in seen and activated(node, dep):
            seen.add(dep["pkg"])
            stack.append(dep["pkg"])

needs = sorted(
    ((version(packages[i]["rust_version"]), packages[i]["name"], packages[i]["version"])
     for i in seen - set(meta["workspace_members"]) if packages[i].get("rust_version")),
    reverse=True,
)
highest = needs[0][0] if needs else (0, 0, 0)
too_new = [n for n in needs if n[0] > workspace]
if too_new:
    print(f"msrv: workspace rust-version {show(workspace)} is lower than its dependencies need:")
    for v, name, ver in too_new:
        print(f"  {name} {ver}: rust-version {show(v)}")
    sys.exit(1)
at_highest = ", ".join(f"{n} {v}" for h, n, v in needs if h == highest)
print(f"msrv: rust-version {show(workspace)}; highest dependency rust-version {show(highest)} "
      f"({at_highest}); {len(needs)} dependencies declare one")
'
