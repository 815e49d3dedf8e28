#!/usr/bin/env bash
# The performance run: builds the library, the harness and the peers, starts
# one emulator on 127.0.0.1, runs every measurement and writes BENCHMARKS.md
# at the repository root. Install the peers first with bench/install-peers.sh
# (missing ones are skipped with a note). Takes a few minutes. Arguments go
# to the harness, e.g. `--only model --out /tmp/model.md` for one section.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p mesh-capi -p mesh-bench
target/release/mesh-bench --out BENCHMARKS.md "$@"
