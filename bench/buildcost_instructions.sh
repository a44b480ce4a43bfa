#!/usr/bin/env bash
# Build cost as rustc's instruction count (valgrind cachegrind, no cache simulation):
# `cargo check` of the two crates of gen_buildcost.py, like buildcost.sh, but independent
# of the machine's load (wall clock on a shared machine varies by ±30%). Slow (rustc runs
# about 20× slower under valgrind), so it defaults to 20 models. Prints
# `variant<TAB>instructions` per crate and the ratio; measures the committed tree (HEAD).
#
#   MODELS=20 bench/buildcost_instructions.sh
set -euo pipefail
cd "$(dirname "$0")"
command -v valgrind >/dev/null || { echo "buildcost_instructions.sh: needs valgrind" >&2; exit 2; }

MODELS=${MODELS:-20}
out=target/buildcost-ir
snapshot=target/buildcost-ir-src
export CARGO_TARGET_DIR="$PWD/$out/target"

rm -rf "$snapshot" && mkdir -p "$snapshot"
git -C .. archive HEAD | tar -x -C "$snapshot"
python3 gen_buildcost.py "$out" "$MODELS" "$snapshot/runtime"
(cd "$out" && cargo check --workspace --quiet) >&2   # warm-up: builds the dependencies

# rustc under cachegrind for the measured crate only
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
for variant in derive plain; do
    (cd "$out" && cargo clean --quiet -p "buildcost_$variant")
    log="$PWD/$out/$variant.cachegrind.log"
    (cd "$out" && BUILDCOST_IR_LOG="$log" RUSTC_WRAPPER="$wrapper" \
        cargo check --quiet -p "buildcost_$variant") >&2
    ir[$variant]=$(sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$log" | tr -d ,)
    printf '%s\t%s\n' "$variant" "${ir[$variant]}"
done
python3 -c "print(f'ratio\t{${ir[derive]} / ${ir[plain]}:.3f}')"
