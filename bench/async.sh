#!/usr/bin/env bash
# Issue 11: instructions per operation of the async methods against hand-written
# diesel-async doing the same statements (bench/async/src/lib.rs says exactly what each
# contender does), on every backend, under callgrind: the count at N2 runs minus the count
# at N1, divided by N2 − N1, so connecting, seeding and building the owner list are left
# out. All threads are counted (SQLite's statements run on tokio's blocking pool).
# Needs valgrind and the local services; about 5 minutes. Markdown on stdout; criterion's
# wall times: `cd bench/async && cargo bench` after this script has seeded.
#
#   bench/async.sh [--backends sqlite,postgres,mysql]
set -euo pipefail
cd "$(dirname "$0")/.."
backends=sqlite,postgres,mysql
while [ $# -gt 0 ]; do
    case "$1" in
        --backends) backends=$2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift 2
done
scripts/services.sh >&2
export CARGO_TARGET_DIR=bench/async/target
cargo build --release --quiet --manifest-path bench/async/Cargo.toml --bin diesel_has_one_async_bench >&2
bench=bench/async/target/release/diesel_has_one_async_bench
out=bench/async/target/callgrind
mkdir -p "$out"
owners=10000
instructions() { # backend op contender repeat
    local log="$out/$1-$2-$3-$4.log"
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" run "$1" "$2" "$3" "$owners" "$4" \
        > /dev/null 2> "$log" || { cat "$log" >&2; exit 1; }
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log"
}
label() { case "$1" in sqlite) echo "SQLite 3.50 (\`SyncConnectionWrapper\`)" ;; postgres) echo "PostgreSQL 15 (\`AsyncPgConnection\`)" ;; mysql) echo "MariaDB 10.11 (\`AsyncMysqlConnection\`)" ;; esac; }
echo "| backend | operation | generated (instructions) | hand-written diesel-async | ratio |"
echo "|---|---|---:|---:|---:|"
for db in ${backends//,/ }; do
    echo "seeding $db with $owners owners" >&2
    "$bench" seed "$db" "$owners"
    for spec in "reader 1 201" "preload 1 3" "replace 1 201"; do
        read -r op n1 n2 <<< "$spec"
        declare -A per
        for c in generated hand_written; do
            a=$(instructions "$db" "$op" "$c" "$n1")
            b=$(instructions "$db" "$op" "$c" "$n2")
            per[$c]=$(( (b - a) / (n2 - n1) ))
        done
        what=$op; [ "$op" = preload ] && what="preload of 10,000 owners"
        python3 -c "g, h = ${per[generated]}, ${per[hand_written]}; print(f'| $(label "$db") | $what | {g:,} | {h:,} | {g / h:.3f} |')"
    done
done
