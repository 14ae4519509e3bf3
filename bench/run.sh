#!/usr/bin/env sh
# Runs the benchmarks on the real local stack (embedded PostgreSQL, control API, gateway, agent).
# Usage: bench/run.sh [put] [iterations]   PUT-to-terminal latency and agent memory
#        bench/run.sh live [lines] [bytes]   live output latency and throughput (default 500 lines, 1 GiB)
set -eu
home=$(cd "$(dirname "$0")/.." && pwd)
cd "$home"
if [ ! -f bench/target/bench.jar ] || [ ! -f control-api/target/quarkus-app/quarkus-run.jar ]; then
  ./mvnw -B -q -DskipTests package >&2
fi
RUNCMD_HOME="$home" exec java -jar bench/target/bench.jar "$@"
