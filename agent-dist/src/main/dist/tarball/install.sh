#!/bin/sh
# Installs the runcmd agent from this tarball (for a machine without Java 17; the runtime is bundled):
#   /opt/runcmd-agent              this directory's runtime/, app/, bin/ (replaced on each install)
#   /usr/bin/runcmd-agent          a symlink to /opt/runcmd-agent/bin/runcmd-agent
#   /etc/systemd/system/runcmd-agent.service
#   /etc/runcmd/agent.properties, /etc/runcmd/agent-policy.properties   only when absent (kept on upgrade)
#   /var/lib/runcmd-agent          the state dir, 0700 root
# Then: runcmd-agent connect --join-token @token.txt --gateway HOST:PORT
#
#   sudo ./install.sh              install or upgrade (an enabled service is restarted; scripts run on)
#   sudo ./install.sh --uninstall  stop and remove the agent, keep /etc/runcmd and /var/lib/runcmd-agent
#   sudo ./install.sh --purge      as --uninstall, and remove the machine's identity, state and settings too
# (an installed copy is /opt/runcmd-agent/install.sh, for --uninstall and --purge)
set -eu

PREFIX=/opt/runcmd-agent
UNIT=/etc/systemd/system/runcmd-agent.service
here=$(dirname "$(readlink -f "$0")")

if [ "$(id -u)" != 0 ]; then
    echo "install.sh: run as root (sudo $0)" >&2
    exit 1
fi
systemd() { [ -d /run/systemd/system ]; }

uninstall() {
    if systemd; then
        systemctl disable --now runcmd-agent.service >/dev/null 2>&1 || true
    fi
    rm -f "$UNIT" /usr/bin/runcmd-agent
    rm -rf "$PREFIX"
    if systemd; then systemctl daemon-reload; fi
    echo "runcmd-agent removed (kept: /etc/runcmd, /var/lib/runcmd-agent)"
}

case "${1:-}" in
    --uninstall)
        uninstall
        exit 0 ;;
    --purge)
        uninstall
        rm -rf /var/lib/runcmd-agent /etc/runcmd/agent.properties /etc/runcmd/agent-policy.properties
        rmdir /etc/runcmd 2>/dev/null || true
        echo "runcmd-agent purged"
        exit 0 ;;
    "") ;;
    *)
        echo "usage: $0 [--uninstall|--purge]" >&2
        exit 2 ;;
esac

# A new copy beside the old one, then swapped in, so a running agent keeps its files until it is restarted.
rm -rf "$PREFIX.new"
mkdir -p "$PREFIX.new"
cp -a "$here/runtime" "$here/app" "$here/bin" "$here/install.sh" "$PREFIX.new/"
chown -R root:root "$PREFIX.new"
rm -rf "$PREFIX.old"
if [ -d "$PREFIX" ]; then mv "$PREFIX" "$PREFIX.old"; fi
mv "$PREFIX.new" "$PREFIX"
rm -rf "$PREFIX.old"
ln -sfn "$PREFIX/bin/runcmd-agent" /usr/bin/runcmd-agent

install -d -m 0755 -o root -g root /etc/runcmd
[ -e /etc/runcmd/agent.properties ] || install -m 0640 -o root -g root "$here/etc/agent.properties" /etc/runcmd/
[ -e /etc/runcmd/agent-policy.properties ] \
    || install -m 0644 -o root -g root "$here/etc/agent-policy.properties" /etc/runcmd/
install -d -m 0700 -o root -g root /var/lib/runcmd-agent
install -m 0644 -o root -g root "$here/systemd/runcmd-agent.service" "$UNIT"

if systemd; then
    systemctl daemon-reload
    if systemctl is-enabled --quiet runcmd-agent.service 2>/dev/null; then
        systemctl restart runcmd-agent.service
    fi
fi
echo "runcmd-agent installed in $PREFIX; next: runcmd-agent connect --join-token @token.txt --gateway HOST:PORT"
