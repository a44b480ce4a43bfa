#!/usr/bin/env bash
# Issue 14: the preload key-set forms on MariaDB/MySQL (JSON_TABLE, bound lists, the
# integer range), and the library's preload and Diesel's `belonging_to` on every backend,
# at 10,000 / 100,000 / 1,000,000 owners (bench/keyset/src/main.rs says what is timed).
# Needs the local services (scripts/services.sh); builds bench/keyset (its own workspace)
# in release. Markdown table and plans on stdout, progress on stderr; about 15 minutes.
#
#   bench/keyset.sh                                   # every backend, every size, 5 runs
#   bench/keyset.sh --backends mysql --sizes 1000000 --runs 3
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh >&2
cargo run --release --quiet --manifest-path bench/keyset/Cargo.toml -- "$@"
