#!/usr/bin/env bash
# The derive's measures of issue 10 as Markdown tables on stdout: expanded lines per
# association, errors per bad declaration in ui-tests, the longest functions in macros/src,
# and (opt-in) the build cost of 100 has_one models.
#
#   scripts/derive_metrics.sh                  # seconds: reads committed files, no cargo
#   scripts/derive_metrics.sh --build-cost     # + bench/buildcost.sh (minutes on 2 cores)
#   BUILD_RUNS=1 scripts/derive_metrics.sh --build-cost
#
# It reads the snapshots in macros/src/tests/snapshots/ and the .stderr files in
# ui-tests/tests/ui/ as they are on disk: after changing the expansion, bless them first
# (`INSTA_UPDATE=always cargo test --all-features -p diesel_has_one_macros snapshots`, then
# `TRYBUILD=overwrite cargo test -p diesel_has_one_ui_tests`). --build-cost measures the
# committed tree (HEAD), like scripts/bench.sh. Exit 1 when a snapshot has no baseline.
set -euo pipefail
cd "$(dirname "$0")/.."

build_cost=0
for arg in "$@"; do
    case "$arg" in
        --build-cost) build_cost=1 ;;
        -h|--help) sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "derive_metrics.sh: unknown argument $arg (--build-cost, --help)" >&2; exit 2 ;;
    esac
done

args=()
if [ "$build_cost" = 1 ]; then
    # the summary's crates and command only (bench/buildcost.sh alone measures all five
    # crates, `cargo check` and `cargo build`); VARIANTS / COMMANDS override
    VARIANTS=${VARIANTS:-derive plain hand} COMMANDS=${COMMANDS:-check} bench/buildcost.sh
    args=(--build-cost-tsv bench/target/buildcost.tsv)
fi
exec python3 scripts/derive_metrics.py "${args[@]}"
