#!/usr/bin/env bash
# Builds runcmd's OCI images offline, from Debian's packages: no registry is needed.
#
#   k8s/images.sh                  # builds the jars if missing, then the images
#   k8s/images.sh --rebuild-base   # also rebuilds the base images (new Debian security updates)
#
# Images (names and tags are settings):
#   $RUNCMD_IMAGE_PREFIX/control-api:$RUNCMD_IMAGE_TAG   Quarkus, user 10001, read-only root filesystem ready
#   $RUNCMD_IMAGE_PREFIX/gateway:$RUNCMD_IMAGE_TAG       Quarkus, user 10001, read-only root filesystem ready
#   $RUNCMD_IMAGE_PREFIX/agent:$RUNCMD_IMAGE_TAG         the agent, root (it runs scripts)
#   $RUNCMD_IMAGE_PREFIX/postgres:$RUNCMD_IMAGE_TAG      PostgreSQL 15, for the dev overlay only
# RUNCMD_IMAGE_PREFIX defaults to localhost/runcmd, RUNCMD_IMAGE_TAG to the project's version.
#
# The bases are root filesystems made by mmdebstrap (Debian bookworm, OpenJDK 17 JRE) and imported with podman;
# the images are built from k8s/images/Containerfile.* with podman build. To use them in a cluster, push them:
#   RUNCMD_IMAGE_PREFIX=registry.example/runcmd k8s/images.sh
#   for i in control-api gateway agent postgres; do podman push registry.example/runcmd/$i:0.1.0; done
# and point an overlay at them (k8s/README.md, "Images").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
version=${version%-SNAPSHOT}
prefix=${RUNCMD_IMAGE_PREFIX:-localhost/runcmd}
tag=${RUNCMD_IMAGE_TAG:-$version}
suite=${RUNCMD_DEBIAN_SUITE:-bookworm}
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
work=$root/k8s/target/images
rebuild_base=0
[ "${1:-}" = --rebuild-base ] && rebuild_base=1

# Podman on a host without a systemd user session: runc, and no default ulimits (containers.conf).
if [ -z "${CONTAINERS_CONF:-}" ]; then
  export CONTAINERS_CONF=$root/k8s/podman/containers.conf
fi

log() { printf 'images: %s\n' "$*" >&2; }

need() {
  command -v "$1" >/dev/null || { log "needs $1 (Debian package ${2:-$1})"; exit 2; }
}
need podman
need mmdebstrap

mkdir -p "$work"

# base_image NAME PACKAGES [ESSENTIAL_HOOK]: a Debian root filesystem with PACKAGES, imported as $prefix/NAME.
base_image() {
  local name=$1 packages=$2 hook=${3:-true}
  local image=$prefix/$name:$suite
  if [ "$rebuild_base" = 0 ] && podman image exists "$image"; then
    log "$image exists (--rebuild-base rebuilds it)"
    return
  fi
  log "building $image from Debian's packages ($packages)"
  mmdebstrap --variant=minbase --include="$packages" \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
      --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
      --essential-hook='mkdir -p "$1"/usr/share/man/man1' --essential-hook="$hook" \
      --customize-hook='chroot "$1" groupadd --gid 10001 runcmd' \
      --customize-hook='chroot "$1" useradd --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin runcmd' \
      --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*' \
      --customize-hook='install -m 0755 k8s/images/java-run "$1"/usr/local/bin/java-run' \
      "$suite" "$work/$name.tar" >&2
  podman import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'CMD ["/bin/bash"]' \
      "$work/$name.tar" "$image" >/dev/null
  rm -f "$work/$name.tar"
}

base_image base-jre17 openjdk-17-jre-headless,ca-certificates,procps
base_image base-postgres15 postgresql-15,ca-certificates \
    'echo "postgres:x:999:" >> "$1"/etc/group && echo "postgres:x:999:999:PostgreSQL administrator:/var/lib/postgresql:/bin/bash" >> "$1"/etc/passwd'

for jar in control-api/target/quarkus-app/quarkus-run.jar gateway/target/quarkus-app/quarkus-run.jar agent/target/agent.jar; do
  if [ ! -f "$jar" ]; then
    log "building the jars (./mvnw -DskipTests package)"
    ./mvnw -B -q -ntp -DskipTests package -pl control-api,gateway,agent -am >&2
    break
  fi
done

build() { # build NAME CONTAINERFILE CONTEXT [--build-arg ...]
  local name=$1 file=$2 context=$3
  shift 3
  log "building $prefix/$name:$tag"
  podman build --quiet --pull=never --file "$file" \
      --build-arg VERSION="$version" --build-arg REVISION="$revision" --build-arg CREATED="$created" \
      "$@" --tag "$prefix/$name:$tag" "$context" >/dev/null
}

for service in control-api gateway; do
  ctx=$work/$service
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp -r "$service/target/quarkus-app" "$ctx/quarkus-app"
  ports=8080
  [ "$service" = control-api ] && ports="8080 9000"
  [ "$service" = gateway ] && ports="9090 9091 9092"
  build "$service" k8s/images/Containerfile.service "$ctx" --build-arg BASE="$prefix/base-jre17:$suite" \
      --build-arg COMPONENT="$service" --build-arg PORTS="$ports"
done

ctx=$work/agent
rm -rf "$ctx" && mkdir -p "$ctx/agent"
cp agent/target/agent.jar "$ctx/agent/" && cp -r agent/target/lib "$ctx/agent/lib"
build agent k8s/images/Containerfile.agent "$ctx" --build-arg BASE="$prefix/base-jre17:$suite"

ctx=$work/postgres
rm -rf "$ctx" && mkdir -p "$ctx"
cp k8s/images/postgres-entrypoint "$ctx/"
build postgres k8s/images/Containerfile.postgres "$ctx" --build-arg BASE="$prefix/base-postgres15:$suite"

podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -F "$prefix/" | grep -F ":$tag" >&2 || true
log "done; push with: podman push $prefix/control-api:$tag <registry>/runcmd/control-api:$tag (and gateway, agent)"
