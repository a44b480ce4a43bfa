#!/usr/bin/env bash
# Build cost: wall time of `cargo check` and of `cargo build` (dev profile) of 100 has_one
# models vs the same models without the derive, vs the same four methods written by hand,
# and both again with one call of each method per model (crates from gen_buildcost.py),
# against a snapshot of the committed tree (HEAD), so that edits in progress in runtime/ or
# macros/ cannot rebuild the dependencies between runs.
# Writes bench/target/buildcost.tsv (`variant<TAB>command<TAB>seconds` per run;
# src/bin/report.rs and scripts/derive_metrics.py read it); progress on stderr. Called by
# scripts/bench.sh and `scripts/derive_metrics.sh --build-cost`.
#
#   BUILD_RUNS=3 MODELS=100 bench/buildcost.sh
#   VARIANTS="derive plain" COMMANDS=check bench/buildcost.sh   # a subset
set -euo pipefail
cd "$(dirname "$0")"

BUILD_RUNS=${BUILD_RUNS:-3}
MODELS=${MODELS:-100}
VARIANTS=${VARIANTS:-derive plain hand derive_calls hand_calls}
COMMANDS=${COMMANDS:-check build}
out=target/buildcost
tsv=target/buildcost.tsv
snapshot=target/buildcost-src

rm -rf "$snapshot" && mkdir -p "$snapshot"
git -C .. archive HEAD | tar -x -C "$snapshot"
python3 gen_buildcost.py "$out" "$MODELS" "$snapshot/runtime"
for command in $COMMANDS; do   # warm-up: builds the dependencies
    (cd "$out" && cargo "$command" --quiet -p warmup) >&2
done
: > "$tsv"
for run in $(seq 1 "$BUILD_RUNS"); do
    for command in $COMMANDS; do
        for variant in $VARIANTS; do
            (cd "$out" && cargo clean --quiet -p "buildcost_$variant")
            start=$(date +%s.%N)
            (cd "$out" && cargo "$command" --quiet -p "buildcost_$variant") >&2
            end=$(date +%s.%N)
            secs=$(python3 -c "print(f'{$end - $start:.3f}')")
            printf '%s\t%s\t%s\n' "$variant" "$command" "$secs" >> "$tsv"
            echo "build cost run $run: $variant $command ${secs}s" >&2
        done
    done
done
