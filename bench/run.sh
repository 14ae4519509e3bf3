#!/usr/bin/env sh
# Runs the benchmarks on the real local stack (embedded PostgreSQL, control API, gateway, agent).
# Usage: bench/run.sh [iterations]   (builds what is missing first)
set -eu
home=$(cd "$(dirname "$0")/.." && pwd)
cd "$home"
if [ ! -f bench/target/bench.jar ] || [ ! -f control-api/target/quarkus-app/quarkus-run.jar ]; then
  ./mvnw -B -q -DskipTests package >&2
fi
RUNCMD_HOME="$home" exec java -jar bench/target/bench.jar "$@"
