#!/bin/sh
# smoke-deb.sh: installs the runcmd-agent .deb on a fresh Debian bookworm root and enrolls it at a live gateway.
#
#   agent-dist/smoke-deb.sh GATEWAY_HOST:PORT TOKEN_FILE [MACHINE_NAME]
#
# GATEWAY_HOST:PORT  a gateway reachable from this host (the root shares this host's network), by a name its
#                    certificate carries (127.0.0.1 and localhost for a local 'runcmd up')
# TOKEN_FILE         a file holding a join token ('runcmd machine join-token create ... > token.txt'); it is mounted
#                    read-only into the root and passed as --join-token @FILE, never on a command line
# MACHINE_NAME       the machine's name (default: smoke-deb-<random>); the token must allow it
# RG (environment)   the resource group to enroll into (default: local); the token must be for it
#
# Needs root and mmdebstrap. The root runs in a chroot (with /proc and /dev mounted), or with SMOKE_RUNNER=podman
# in a podman container on the host network (podman must be allowed to set rlimits, which some nested containers
# refuse). The .deb is the newest agent-dist/target/runcmd-agent_*_all.deb (build it: ./mvnw -B -pl agent-dist -am package -DskipTests). The
# Debian root, bookworm with openjdk-17-jre-headless, is made once by mmdebstrap and kept as
# agent-dist/target/smoke/bookworm-jre.tar (delete it to rebuild); the .deb is installed into a fresh copy of it with
# dpkg -i on every run. Then, inside: runcmd-agent connect --no-start (no systemd there), show, check. Prints
# their output; exits with the first failure's code, 0 when all three passed.
set -eu

if [ $# -lt 2 ]; then
    sed -n '2,/^set -eu/p' "$0" | sed -e '/^set -eu/d' -e 's/^# \{0,1\}//' >&2
    exit 2
fi
gateway=$1
token=$(readlink -f "$2")
machine=${3:-smoke-deb-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')}
here=$(cd "$(dirname "$0")" && pwd)
cache="$here/target/smoke"
base="$cache/bookworm-jre.tar"
runner=${SMOKE_RUNNER:-chroot}

[ -r "$token" ] || { echo "smoke-deb: cannot read token file $2" >&2; exit 2; }
deb=$(ls -t "$here"/target/runcmd-agent_*_all.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "smoke-deb: no .deb in $here/target; build: ./mvnw -B -pl agent-dist -am package -DskipTests" >&2; exit 2; }
mkdir -p "$cache"

if [ ! -f "$base" ]; then
    echo "smoke-deb: building the Debian root (bookworm + openjdk-17-jre-headless), once: $base" >&2
    mmdebstrap --variant=apt --format=tar --include=openjdk-17-jre-headless bookworm "$base.partial"
    mv "$base.partial" "$base"
fi

# The steps inside the root: install the package, enroll, show, check. The token stays in its file.
steps='set -u
dpkg -i /tmp/runcmd-agent.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; exit 3; }
echo "== dpkg -i: $(dpkg-query -W -f "\${Package} \${Version} \${Status}" runcmd-agent)"
echo "== runcmd-agent connect"
runcmd-agent connect --join-token @/run/runcmd-token --gateway "$1" --resource-group "${RG:-local}" --machine-name "$2" --no-start || exit $?
echo "== runcmd-agent show"
runcmd-agent show || exit $?
echo "== runcmd-agent check"
runcmd-agent check'

echo "smoke-deb: $(basename "$deb") on bookworm, gateway $gateway, machine $machine ($runner)" >&2
case "$runner" in
    podman)
        image="localhost/runcmd-smoke-bookworm-jre:$(sha256sum "$base" | cut -c1-12)"
        podman image exists "$image" || podman import -q "$base" "$image" >/dev/null
        podman run --rm --network host --env RG="${RG:-local}" \
            -v "$deb:/tmp/runcmd-agent.deb:ro" -v "$token:/run/runcmd-token:ro" \
            "$image" /bin/sh -c "$steps" smoke "$gateway" "$machine"
        ;;
    chroot)
        root=$(mktemp -d "$cache/root.XXXXXX")
        cleanup() {
            umount "$root/proc" "$root/dev" 2>/dev/null || true
            rm -rf "$root"
        }
        trap cleanup EXIT
        tar -C "$root" -xf "$base"
        cp "$deb" "$root/tmp/runcmd-agent.deb"
        install -m 0600 "$token" "$root/run/runcmd-token"
        cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
        mount -t proc proc "$root/proc"
        mount --bind /dev "$root/dev"
        RG="${RG:-local}" chroot "$root" /bin/sh -c "$steps" smoke "$gateway" "$machine"
        ;;
    *)
        echo "smoke-deb: SMOKE_RUNNER is podman or chroot, not $runner" >&2
        exit 2 ;;
esac
