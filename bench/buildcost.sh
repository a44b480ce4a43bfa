#!/usr/bin/env bash
# Build cost: `cargo check` wall time of 100 has_one models vs the same models without the
# derive (crates from gen_buildcost.py), against a snapshot of the committed tree (HEAD), so
# that edits in progress in runtime/ or macros/ cannot rebuild the dependencies between runs.
# Writes bench/target/buildcost.tsv (`variant<TAB>seconds` per run; src/bin/report.rs and
# scripts/derive_metrics.py read it); progress on stderr. Called by scripts/bench.sh and
# `scripts/derive_metrics.sh --build-cost`.
#
#   BUILD_RUNS=3 MODELS=100 bench/buildcost.sh
set -euo pipefail
cd "$(dirname "$0")"

BUILD_RUNS=${BUILD_RUNS:-3}
MODELS=${MODELS:-100}
out=target/buildcost
tsv=target/buildcost.tsv
snapshot=target/buildcost-src

rm -rf "$snapshot" && mkdir -p "$snapshot"
git -C .. archive HEAD | tar -x -C "$snapshot"
python3 gen_buildcost.py "$out" "$MODELS" "$snapshot/runtime"
(cd "$out" && cargo check --workspace --quiet) >&2   # warm-up: builds the dependencies
: > "$tsv"
for run in $(seq 1 "$BUILD_RUNS"); do
    for variant in derive plain; do
        (cd "$out" && cargo clean --quiet -p "buildcost_$variant")
        start=$(date +%s.%N)
        (cd "$out" && cargo check --quiet -p "buildcost_$variant") >&2
        end=$(date +%s.%N)
        secs=$(python3 -c "print(f'{$end - $start:.3f}')")
        printf '%s\t%s\n' "$variant" "$secs" >> "$tsv"
        echo "build cost run $run: $variant ${secs}s" >&2
    done
done
