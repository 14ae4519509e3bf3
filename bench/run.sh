#!/usr/bin/env sh
# Runs the benchmarks on the real local stack (embedded PostgreSQL, control API, gateway, agent).
# Usage: bench/run.sh [put] [iterations]   PUT-to-terminal latency and agent memory
#        bench/run.sh live [lines] [bytes]   live output latency and throughput beside ssh, after a 256 MiB warm-up
#            (default 500 lines, 1 GiB; BENCH_PG_STATEMENTS=1 adds PostgreSQL's busiest statements)
#        bench/run.sh load [seconds-per-step] [clients,clients,...]   REST load sweep of the control API
#            (default 6 s per step, 1,8,32,128,512 clients; BENCH_MIX=get=60,list=15,put=15,follow=10 the request
#            mix; BENCH_RETRY_AFTER=honor makes clients wait out 503s; BENCH_API_SETTINGS=k=v,k=v adds control
#            API settings)
#        bench/run.sh sessions [N]   gateway memory per agent session with mutual TLS (default 500 machines)
#        bench/run.sh fleet [N] [gateways]   N simulated agents in one JVM over the gateways (default 1000, 1):
#            connect storm, gateway heap/RSS/idle CPU, PostgreSQL connections, fan-out of `true` to every machine,
#            PUT-to-terminal on one machine, and an ssh baseline (installs openssh-server with apt-get if root)
#        bench/run.sh cli [runs]   wall and CPU time of `runcmd run-command create --script true` (CDS archive, none,
#            JDK 25 AOT cache) beside `ssh 127.0.0.1 true` over a new connection (default 20 runs each)
set -eu
home=$(cd "$(dirname "$0")/.." && pwd)
cd "$home"
if [ ! -f bench/target/bench.jar ] || [ ! -f control-api/target/quarkus-app/quarkus-run.jar ]; then
  ./mvnw -B -q -DskipTests package >&2
fi
RUNCMD_HOME="$home" exec java -jar bench/target/bench.jar "$@"
