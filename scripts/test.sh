#!/usr/bin/env bash
# The whole test suite on SQLite, PostgreSQL and MySQL/MariaDB (the README's second command).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh
cargo test --workspace --all-features "$@"
