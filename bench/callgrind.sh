#!/usr/bin/env bash
# Instructions per operation under callgrind (repeatable on a shared machine, unlike wall
# time): runs `target/release/profile OP CONTENDER N` for two values of N and writes
# `op<TAB>contender<TAB>instructions per operation` to target/callgrind.tsv, where
# per operation = (count at N2 − count at N1) / (N2 − N1), so the seeding is left out.
# Called by scripts/bench.sh; alone: `cd bench && ./callgrind.sh`.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --quiet --bin profile >&2
out=target/callgrind
rm -rf "$out" && mkdir -p "$out"
# op contender N1 N2
runs="reader generated 1 2001
reader hand_written 1 2001
preload generated 1 3
preload hand_written 1 3
preload hand_written_json_each 1 3
eager generated 1 3
eager hand_written 1 3
eager hand_written_left_join 1 3
replace generated 1 2001
replace hand_written 1 2001"
echo "$runs" | while read -r op contender n1 n2; do
    printf '%s %s %s\n%s %s %s\n' "$op" "$contender" "$n1" "$op" "$contender" "$n2"
done | xargs -P 2 -n 3 sh -c '
    valgrind --tool=callgrind --callgrind-out-file="'"$out"'/$0-$1-$2.out" \
        target/release/profile "$0" "$1" "$2" 2> "'"$out"'/$0-$1-$2.log" \
        || { cat "'"$out"'/$0-$1-$2.log" >&2; exit 255; }
    echo "callgrind: $0 $1 $2" >&2'
collected() { sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/$1.log"; }
: > target/callgrind.tsv
echo "$runs" | while read -r op contender n1 n2; do
    a=$(collected "$op-$contender-$n1")
    b=$(collected "$op-$contender-$n2")
    printf '%s\t%s\t%s\n' "$op" "$contender" $(( (b - a) / (n2 - n1) )) >> target/callgrind.tsv
done
cat target/callgrind.tsv >&2
