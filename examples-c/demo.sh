#!/usr/bin/env bash
# The C walkthrough: builds the library and the emulator, starts the emulator
# on a free port of 127.0.0.1, compiles the C examples against
# include/mesh_capi.h and runs them against it, then stops the emulator.
# Needs only Rust (cargo) and a C compiler (cc, or $CC).
set -euo pipefail
cd "$(dirname "$0")/.."

CC=${CC:-cc}
out=target/demo
mkdir -p "$out"

echo "== building libmesh_capi and mesh-emulator"
cargo build --quiet -p mesh-capi -p mesh-emulator

echo "== starting the emulator"
target/debug/mesh-emulator --listen 127.0.0.1:0 >"$out/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true' EXIT
address=""
for _ in $(seq 100); do
  address=$(sed -n 's/^mesh-emulator listening on //p' "$out/emulator.log")
  [ -n "$address" ] && break
  kill -0 "$emulator" 2>/dev/null || { cat "$out/emulator.log"; exit 1; }
  sleep 0.1
done
[ -n "$address" ] || { echo "the emulator did not start"; exit 1; }
echo "emulator listening on $address"

for example in quickstart sessions detach attach timeseries calculations model availability; do
  "$CC" -std=c99 -Wall -Wextra -O1 -Iinclude "examples-c/$example.c" -o "$out/$example" \
    -Ltarget/debug -lmesh_capi -Wl,-rpath,"$PWD/target/debug"
done

echo
echo "== quickstart: connect, open, commit, close"
"$out/quickstart" "$address"
echo
echo "== sessions: the three ways of working with sessions"
"$out/sessions" "$address"
echo
echo "== across processes: one process opens and detaches, another attaches and closes"
id=$("$out/detach" "$address")
echo "process A left session $id open"
"$out/attach" "$address" "{$id}" close
echo "attaching again, now that it is closed:"
status=0
"$out/attach" "$address" "$id" || status=$?
echo "attach exited with $status (4 = MESH_ERROR_SESSION_NOT_FOUND)"
[ "$status" -eq 4 ]
echo
echo "== time series: write a day of points, read back, isolation until commit"
"$out/timeseries" "$address"
echo
echo "== calculations: daily sums of an hourly series, a calculated attribute, an expression"
"$out/calculations" "$address"
echo
echo "== the model: the tree of objects, a search, a plant's attributes, isolation until commit"
"$out/model" "$address"
echo
echo "== availability: a plant's weekly outage planned, its instances in a month, read back, removed"
"$out/availability" "$address"
echo
echo "walkthrough done"
