#!/usr/bin/env bash
# The long fault-injection run: chaos/run.sh [iterations] [seed]
# Builds what the suite needs, runs only the fault-injection suite (no other test), prints the
# result table and leaves it in chaos/target/chaos-report.md. The build's own run is one iteration
# per fault kind (8).
set -euo pipefail
cd "$(dirname "$0")/.."
iterations="${1:-100}"
seed_arg=()
if [[ -n "${2:-}" ]]; then
  seed_arg=("-Dchaos.seed=$2")
fi
./mvnw -B -ntp -pl chaos -am verify -Dtest=FaultInjectionTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dchaos.iterations="$iterations" "${seed_arg[@]}"
cat chaos/target/chaos-report.md
