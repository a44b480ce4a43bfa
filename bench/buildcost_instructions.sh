#!/usr/bin/env bash
# Build cost as rustc's instruction count (valgrind cachegrind, no cache simulation):
# `cargo check` and `cargo build` (dev profile) of the crates of gen_buildcost.py, like
# buildcost.sh, but independent of the machine's load (wall clock on a shared machine varies
# by ±30%). Slow (rustc runs about 20× slower under valgrind), so it defaults to 20 models.
# Prints `variant<TAB>command<TAB>instructions` per crate and command, then the ratios
# derive/plain, derive/hand and derive_calls/hand_calls per command; writes the counts to
# target/buildcost_instructions.tsv (after a `#models<TAB>N` line; src/bin/report.rs reads
# it); measures the committed tree (HEAD). All five crates, both commands: about 19 minutes.
#
#   MODELS=20 bench/buildcost_instructions.sh
#   VARIANTS="derive plain" COMMANDS=check bench/buildcost_instructions.sh   # a subset
set -euo pipefail
cd "$(dirname "$0")"
command -v valgrind >/dev/null || { echo "buildcost_instructions.sh: needs valgrind" >&2; exit 2; }

MODELS=${MODELS:-20}
VARIANTS=${VARIANTS:-derive plain hand derive_calls hand_calls}
COMMANDS=${COMMANDS:-check build}
out=target/buildcost-ir
tsv=target/buildcost_instructions.tsv
snapshot=target/buildcost-ir-src
export CARGO_TARGET_DIR="$PWD/$out/target"

rm -rf "$snapshot" && mkdir -p "$snapshot"
git -C .. archive HEAD | tar -x -C "$snapshot"
python3 gen_buildcost.py "$out" "$MODELS" "$snapshot/runtime"
for command in $COMMANDS; do   # warm-up: builds the dependencies
    (cd "$out" && cargo "$command" --quiet -p warmup) >&2
done

# rustc under cachegrind for the measured crate only (check and build alike: one rustc
# invocation per crate, `--crate-name buildcost_…`; a library, so no linker runs)
wrapper="$PWD/$out/wrap.sh"
cat > "$wrapper" <<'WRAP'
#!/usr/bin/env bash
rustc="$1"; shift
case " $* " in
    *" --crate-name buildcost_"*)
        exec valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
            --log-file="$BUILDCOST_IR_LOG" "$rustc" "$@" ;;
    *) exec "$rustc" "$@" ;;
esac
WRAP
chmod +x "$wrapper"

declare -A ir
printf '#models\t%s\n' "$MODELS" > "$tsv"
for command in $COMMANDS; do
    for variant in $VARIANTS; do
        (cd "$out" && cargo clean --quiet -p "buildcost_$variant")
        log="$PWD/$out/$variant.$command.cachegrind.log"
        rm -f "$log"
        (cd "$out" && BUILDCOST_IR_LOG="$log" RUSTC_WRAPPER="$wrapper" \
            cargo "$command" --quiet -p "buildcost_$variant") >&2
        n=$(sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$log" 2>/dev/null | tr -d ,)
        [ -n "$n" ] || { echo "buildcost_instructions.sh: no count in $log" >&2; exit 1; }
        ir[$variant.$command]=$n
        printf '%s\t%s\t%s\n' "$variant" "$command" "$n" | tee -a "$tsv"
    done
done
for command in $COMMANDS; do
    for pair in derive/plain derive/hand derive_calls/hand_calls; do
        a=${pair%/*} b=${pair#*/}
        [ -n "${ir[$a.$command]:-}" ] && [ -n "${ir[$b.$command]:-}" ] || continue
        python3 -c "print(f'ratio\t$pair\t$command\t{${ir[$a.$command]} / ${ir[$b.$command]}:.3f}')"
    done
done
