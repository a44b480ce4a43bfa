#!/usr/bin/env bash
# Issue 14: the client's side of a preload, an eager load and the reader on every backend
# — instructions per run (callgrind: the count at 3 runs minus the count at 1, halved, so
# connecting, seeding and building the owner list are left out), the median wall time of
# 7 runs, and the peak memory a preload adds (VmHWM after one preload minus VmHWM of the
# same process doing none) — for the library, the same work written with Diesel by hand
# and, on SQLite, the floor: the same statement through libsqlite3's C API
# (bench/keyset/src/bin/client.rs and src/raw.rs say exactly what each does). `--rows 3`
# seeds three rows per owner (the lowest key must win everywhere; checked).
# Needs valgrind and the local services; about 15 minutes. Markdown on stdout.
#
#   bench/client.sh [--backends sqlite,postgres,mysql] [--sizes 10000,100000] [--rows 1] [--memory 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
backends=sqlite,postgres,mysql
sizes=10000,100000
memory=1000000
rows=1
while [ $# -gt 0 ]; do
    case "$1" in
        --backends) backends=$2 ;;
        --sizes) sizes=$2 ;;
        --memory) memory=$2 ;;
        --rows) rows=$2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift 2
done
scripts/services.sh >&2
export CARGO_TARGET_DIR=bench/keyset/target
cargo build --release --quiet --manifest-path bench/keyset/Cargo.toml --bin client >&2
client=bench/keyset/target/release/client
out=bench/keyset/target/client
mkdir -p "$out"
instructions() { # backend contender owners repeat
    local log="$out/$1-$2-$3-$4.log"
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$client" run "$1" "$2" "$3" "$4" \
        > /dev/null 2> "$log" || { cat "$log" >&2; exit 1; }
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log"
}
label() { case "$1" in sqlite) echo "SQLite 3.50 (bundled, file, WAL)" ;; postgres) echo "PostgreSQL 15" ;; mysql) echo "MariaDB 10.11" ;; esac; }
# operation groups: the hand-written Diesel contender first (the ratios' base), then the
# library, then the floor (raw libsqlite3, SQLite only); the reader only up to 10,000 owners
# (one statement per owner)
groups() { # backend owners
    echo "preload belonging_to preload$([ "$1" = sqlite ] && echo " raw_preload")"
    echo "eager eager_hand eager$([ "$1" = sqlite ] && echo " raw_eager")"
    [ "$2" -le 10000 ] && echo "reader reader_hand reader"
    return 0
}
echo "| backend | owners | rows per owner | operation | contender | instructions | × hand-written Diesel | × raw floor | median wall time (7) | × hand-written |"
echo "|---|---:|---:|---|---|---:|---:|---:|---:|---:|"
for db in ${backends//,/ }; do
    for n in ${sizes//,/ }; do
        echo "seeding $db $n × $rows" >&2
        "$client" seed "$db" "$n" "$rows"
        while read -r op contenders; do
            declare -A ins wall sum
            for c in $contenders; do
                a=$(instructions "$db" "$c" "$n" 1)
                b=$(instructions "$db" "$c" "$n" 3)
                ins[$c]=$(( (b - a) / 2 ))
                line=$("$client" run "$db" "$c" "$n" 7)
                wall[$c]=$(cut -f1 <<< "$line")
                sum[$c]=$(cut -f3,4 <<< "$line")
                echo "$db $n $c: ${ins[$c]} instructions, ${wall[$c]} ms, rows ${sum[$c]}" >&2
            done
            set -- $contenders
            hand=$1 floor=${3:-}
            for c in $contenders; do
                # every contender must pick the same rows (count and sum of their keys)
                [ "${sum[$c]}" = "${sum[$hand]}" ] || { echo "$c picked other rows than $hand" >&2; exit 1; }
                python3 -c "
i, ih, w, wh = ${ins[$c]}, ${ins[$hand]}, ${wall[$c]}, ${wall[$hand]}
floor = '${floor:+${ins[$floor]:-}}'
f = f'{i / int(floor):.3f}' if floor else '–'
print(f'| $(label "$db") | $n | $rows | $op | $c | {i / 1e6:.2f} M | {i / ih:.3f} | {f} | {w:.2f} ms | {w / wh:.2f} |')"
            done
            unset ins wall sum
        done < <(groups "$db" "$n")
    done
done
echo
echo "| backend | owners | contender | peak RSS without a preload | with one | added by the preload | added − hand-written's |"
echo "|---|---:|---|---:|---:|---:|---:|"
for db in ${backends//,/ }; do
    echo "seeding $db $memory" >&2
    [ "$memory" -gt 0 ] || continue
    "$client" seed "$db" "$memory" 1
    base=$("$client" run "$db" preload "$memory" 0 | cut -f2)
    declare -A added
    for c in belonging_to preload; do
        peak=$("$client" run "$db" "$c" "$memory" 1 | cut -f2)
        added[$c]=$(( peak - base ))
        python3 -c "
b, p, a, h = $base, $peak, ${added[$c]}, ${added[belonging_to]}
print(f'| $(label "$db") | $memory | $c | {b / 1024:.1f} MiB | {p / 1024:.1f} MiB | {a / 1024:+.1f} MiB | {(a - h) / 1024:+.1f} MiB |')"
    done
done
