#!/usr/bin/env bash
# Benchmarks (bench/, its own workspace, never built by the main workspace or the tests):
# criterion reads and writes (generated vs hand-written Diesel vs SeaORM, SQLite), the
# build cost of 100 has_one models, callgrind instruction counts (needs valgrind), then the
# Markdown results table on stdout.
#
#   scripts/bench.sh                       # defaults below
#   BENCH_ARGS="--sample-size 50" scripts/bench.sh
#   BUILD_RUNS=5 MODELS=100 scripts/bench.sh
#   SKIP_CRITERION=1 CALLGRIND=0 scripts/bench.sh   # reuse the last timings and counts
set -euo pipefail
cd "$(dirname "$0")/../bench"

BENCH_ARGS=${BENCH_ARGS:---warm-up-time 2 --measurement-time 4 --sample-size 30 --noplot}
BUILD_RUNS=${BUILD_RUNS:-3}
MODELS=${MODELS:-100}

# 1. criterion: groups reader, preload_10000, eager_10000 (benches/reads.rs), replace
#    (benches/writes.rs); SKIP_CRITERION=1 keeps the last results in target/criterion
if [ "${SKIP_CRITERION:-0}" != 1 ]; then
# shellcheck disable=SC2086
cargo bench --bench reads --bench writes -- $BENCH_ARGS >&2
fi

# 2. build cost: cargo check and cargo build of 100 models with and without the derive, with
#    the four methods by hand, and both with call sites, against a snapshot of the committed
#    tree (HEAD): bench/buildcost.sh (VARIANTS / COMMANDS pick a subset), writes
#    target/buildcost.tsv
BUILD_RUNS=$BUILD_RUNS MODELS=$MODELS ./buildcost.sh

# 3. instructions per operation under callgrind (bench/callgrind.sh, target/callgrind.tsv);
#    CALLGRIND=0 keeps the last counts
if [ "${CALLGRIND:-1}" != 0 ]; then
    ./callgrind.sh
fi

# 4. the table
cargo run --release --quiet --bin report
