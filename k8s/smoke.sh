#!/usr/bin/env bash
# Proves the Kubernetes manifests by running them: builds the images (k8s/images.sh), renders the dev overlay and
# the node agent with kubectl kustomize, runs the rendered workloads with podman kube play (k8s/validate/
# to-podman.mjs does what a cluster would: addresses, Service names, Secrets, volumes), enrolls the node agent the
# documented way (a join token in the Secret runcmd-join-token), runs a command end to end through the control
# API's published port, installs the agent's .deb into a fresh Debian root and connects it, then tears
# everything down. Opt-in (root, podman, runc, kubectl, node, mmdebstrap; several minutes): docs/deploy.md.
#
#   sudo k8s/smoke.sh                  # everything
#   sudo k8s/smoke.sh --skip-images    # reuse the images built before
#   KEEP=1 sudo k8s/smoke.sh           # leave it running (tear down with: k8s/smoke.sh --down)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/k8s/podman/containers.conf}
subnet=${RUNCMD_SMOKE_SUBNET:-10.89.42}
network=runcmd-smoke
work=$root/k8s/target/smoke
api=http://127.0.0.1:8080
started=$(date +%s)

log() { printf '[smoke %4ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

down() {
  for file in "$work"/agent.yaml "$work"/services.yaml; do
    [ -f "$file" ] && podman kube down "$file" >/dev/null 2>&1 || true
  done
  podman network exists "$network" && podman network rm -f "$network" >/dev/null 2>&1 || true
  # The node agent's hostPath: the smoke run's own is removed, a real agent's put back.
  if [ -f "$work/saved-agent-dir" ]; then
    rm -rf /var/lib/runcmd-agent && mv "$(cat "$work/saved-agent-dir")" /var/lib/runcmd-agent
  elif [ -f "$work/created-agent-dir" ]; then
    rm -rf /var/lib/runcmd-agent
  fi
  rm -rf "$work"
}

if [ "${1:-}" = --down ]; then down; exit 0; fi
[ "$(id -u)" = 0 ] || die "run as root (podman kube play of privileged pods, mmdebstrap)"
for tool in podman runc kubectl node npm mmdebstrap curl; do
  command -v "$tool" >/dev/null || die "needs $tool"
done

down
mkdir -p "$work"
[ "${KEEP:-0}" = 1 ] || trap 'status=$?; [ $status = 0 ] || dump_logs; down; exit $status' EXIT

dump_logs() {
  for c in $(podman ps -a --format '{{.Names}}' | grep -v infra); do
    log "--- last lines of $c"
    podman logs --tail 15 "$c" 2>&1 | sed 's/^/    /' >&2 || true
  done
}

if [ "${1:-}" != --skip-images ]; then
  log "building images"
  ./mvnw -B -q -ntp -DskipTests package -pl control-api,gateway,agent,agent-dist,cli -am >&2
  k8s/images.sh
fi

log "rendering overlays/dev and node-agent with kubectl kustomize"
cp -r k8s/base k8s/overlays k8s/node-agent k8s/components k8s/secrets.sh "$work/"
mkdir -p "$work/k8s" && mv "$work/base" "$work/overlays" "$work/node-agent" "$work/components" "$work/secrets.sh" "$work/k8s/"
rm -rf "$work/k8s/overlays/dev/secrets"
bash "$work/k8s/secrets.sh" "$work/k8s/overlays/dev" 2>/dev/null
kubectl kustomize "$work/k8s/overlays/dev" > "$work/dev.yaml"
kubectl kustomize "$work/k8s/node-agent" > "$work/node-agent.yaml"
tools=$work/node
mkdir -p "$tools" && cp k8s/validate/package.json k8s/validate/package-lock.json k8s/validate/*.mjs "$tools/"
(cd "$tools" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)

log "starting PostgreSQL, control-api and gateway with podman kube play"
podman network create --subnet "$subnet.0/24" "$network" >/dev/null
TO_PODMAN_ONLY=postgres,control-api,gateway node "$tools/to-podman.mjs" "$work/volumes" "$subnet" 8080,9090 \
    "$work/dev.yaml" "$work/node-agent.yaml" > "$work/services.yaml"
# shellcheck disable=SC2046
podman kube play --network "$network" $(sed -n 's/^# ip: /--ip /p' "$work/services.yaml") "$work/services.yaml" \
    2>&1 | grep -v 'systemd connection\|static macs\|connect to syslog\|^Pod:\|^Container:\|^[0-9a-f]\{64\}$\|^$' >&2 || true

ip_of() { awk -v n="$1" '/^# ip:/{ip=$3} $0 == "  name: "n {print ip; exit}' "$work/services.yaml"; }
control_ip=$(ip_of control-api)
gateway_ip=$(ip_of gateway)
[ -n "$control_ip" ] && [ -n "$gateway_ip" ] || die "no pod addresses in $work/services.yaml"
ready() { curl -fs -o /dev/null "$1"; }
for i in $(seq 1 90); do
  ready "http://$control_ip:9000/q/health/ready" && ready "http://$gateway_ip:9091/q/health/ready" && break
  [ "$i" = 90 ] && die "control-api and gateway not ready after 180 s"
  sleep 2
done
log "control-api ($control_ip) and gateway ($gateway_ip) ready"
for pod in control-api gateway postgres; do
  user=$(podman exec "$pod-$pod" id -u)
  readonly_root=$(podman inspect "$pod-$pod" --format '{{.HostConfig.ReadonlyRootfs}}')
  caps=$(podman inspect "$pod-$pod" --format '{{.EffectiveCaps}}')
  log "  $pod: uid $user, read-only root $readonly_root, capabilities $caps"
  [ "$user" != 0 ] && [ "$readonly_root" = true ] || die "$pod must run as non-root on a read-only root"
done

export RUNCMD_ENDPOINT=$api RUNCMD_TOKEN
RUNCMD_TOKEN=$(cat "$work/k8s/overlays/dev/secrets/bootstrap-owner-token")
log "creating a join token with the bootstrap owner's token (README: Deploy on Kubernetes)"
./runcmd machine join-token create --resource-group kubernetes --uses 2 --expires-in 30m > "$work/join-token.txt"
kubectl -n runcmd-node-agent create secret generic runcmd-join-token --from-file=token="$work/join-token.txt" \
    --dry-run=client -o yaml > "$work/join-token-secret.yaml"

log "starting the node agent (DaemonSet pod: hostPID, privileged, scripts in the host's namespaces)"
if [ -d /var/lib/runcmd-agent ]; then   # an agent's state on this host: kept aside until the teardown
  saved=/var/lib/runcmd-agent.saved-by-smoke-$(date +%s)
  mv /var/lib/runcmd-agent "$saved" && echo "$saved" > "$work/saved-agent-dir"
  log "moved /var/lib/runcmd-agent to $saved until the teardown"
else
  touch "$work/created-agent-dir"
fi
TO_PODMAN_ONLY=runcmd-agent node "$tools/to-podman.mjs" "$work/volumes" "$subnet" "" \
    "$work/dev.yaml" "$work/node-agent.yaml" "$work/join-token-secret.yaml" > "$work/agent.yaml"
# shellcheck disable=SC2046
podman kube play --network "$network" $(sed -n 's/^# ip: /--ip /p' "$work/agent.yaml") "$work/agent.yaml" \
    2>&1 | grep -v 'systemd connection\|static macs\|connect to syslog\|^Pod:\|^Container:\|^[0-9a-f]\{64\}$\|^$' >&2 || true
node_name=$(hostname)
for i in $(seq 1 60); do
  status=$(./runcmd machine show --resource-group kubernetes --machine-name "$node_name" -o json 2>/dev/null \
      | sed -n 's/.*"status" *: *"\([A-Za-z]*\)".*/\1/p' | head -1 || true)
  [ "$status" = Connected ] && break
  [ "$i" = 60 ] && die "the node agent did not connect within 120 s (status: ${status:-none})"
  sleep 2
done
log "machine $node_name is Connected"

log "running a command end to end through $api"
set +e
output=$(./runcmd run-command create --resource-group kubernetes --machine-name "$node_name" --name smoke \
    --script 'echo "hello from $(hostname)"; echo "pid 1 is $(cat /proc/1/comm)"; id -u' 2>&1)
code=$?
set -e
printf '%s\n' "$output" | sed 's/^/    /' >&2
[ "$code" = 0 ] || die "run-command create exited $code"
printf '%s\n' "$output" | grep -q "hello from" || die "no output from the script"
if printf '%s\n' "$output" | grep -q "hello from $(hostname)\$"; then
  log "the script ran in the host's namespaces (its host name is this host's)"
else
  # podman kube play (4.3) keeps a pod's PID namespace private although it asks for hostPID, so nsenter finds the
  # agent's own PID 1; on a cluster the script runs on the node (docs/deploy.md).
  log "the script ran in the pod's namespaces: this podman ignores hostPID ($(podman inspect runcmd-agent-agent \
      --format '{{.HostConfig.PidMode}}') PID namespace)"
fi
./runcmd run-command show --resource-group kubernetes --machine-name "$node_name" --name smoke -o json \
    | grep -q '"executionState" *: *"Succeeded"' || die "the run command did not end Succeeded"
log "run command Succeeded"

log "stopping PostgreSQL: the control API must stay ready and answer 503 with Retry-After"
podman stop --time 5 postgres-postgres >/dev/null
sleep 6
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$control_ip:9000/q/health/ready")
headers=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $RUNCMD_TOKEN" \
    "$api/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/kubernetes/providers/Microsoft.HybridCompute/machines?api-version=2024-11-10-preview" || true)
podman start postgres-postgres >/dev/null
[ "$code" = 200 ] || die "control-api readiness was $code while PostgreSQL was down"
printf '%s' "$headers" | grep -q '^HTTP/1.1 503' || die "expected 503 while PostgreSQL was down: $(printf '%s' "$headers" | head -1)"
printf '%s' "$headers" | grep -qi '^Retry-After:' || die "no Retry-After while PostgreSQL was down"
for i in $(seq 1 30); do
  ./runcmd machine list --resource-group kubernetes >/dev/null 2>&1 && break
  [ "$i" = 30 ] && die "the control API did not answer again within 60 s of PostgreSQL's restart"
  sleep 2
done
log "  readiness stayed 200, the API answered 503 with Retry-After, and answers again since PostgreSQL restarted"

if [ -x agent-dist/smoke-deb.sh ]; then
  log "installing the agent's .deb into a fresh Debian root and connecting it (agent-dist/smoke-deb.sh)"
  ./runcmd machine join-token create --resource-group servers --machine-name deb-smoke --expires-in 30m \
      > "$work/deb-token.txt"
  RG=servers agent-dist/smoke-deb.sh "$gateway_ip:9090" "$work/deb-token.txt" deb-smoke >&2
  log ".deb agent connected"
fi

log "PASSED in $(( $(date +%s) - started )) s"
