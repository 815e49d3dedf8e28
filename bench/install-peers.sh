#!/usr/bin/env bash
# Installs the peers the benchmarks compare against: grpc++ (with protoc and
# its gRPC plugin) from the system packages, grpcio, grpcio-tools and pyarrow
# from PyPI. The harness skips a peer that is missing, with a note.
set -euo pipefail
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libgrpc++-dev protobuf-compiler-grpc pkg-config gcc g++
python3 -m pip install --quiet grpcio grpcio-tools pyarrow numpy
