#!/usr/bin/env bash
# Generates the secrets an overlay's secretGenerator reads, once: files under OVERLAY/secrets/ (directory 0700,
# files 0600, ignored by git). Existing files are kept, so running it again changes nothing.
#   k8s/secrets.sh k8s/overlays/dev
# The bootstrap owner token (secrets/bootstrap-owner-token) is the first administrator's credential: use it as
# RUNCMD_TOKEN with the CLI, create real credentials and role assignments, then revoke it (README, "Deploy on
# Kubernetes").
set -euo pipefail
dir=${1:?usage: k8s/secrets.sh OVERLAY_DIR}/secrets
umask 077
mkdir -p "$dir"
chmod 700 "$dir"

base64url() { base64 | tr '+/' '-_' | tr -d '=\n'; }

make() { # make FILE GENERATOR: writes FILE once, without a trailing newline
  local file=$dir/$1
  if [ -s "$file" ]; then
    echo "secrets: keeping $file" >&2
    return
  fi
  "$2" > "$file.tmp"
  mv "$file.tmp" "$file"
  echo "secrets: wrote $file" >&2
}

db_username() { printf runcmd; }
db_password() { head -c 24 /dev/urandom | base64url; }
secrets_key() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
owner_token() {
  printf 'runcmd-pat.%s.%s' "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
      "$(head -c 32 /dev/urandom | base64url)"
}

make db-username db_username
make db-password db_password
make secrets-key secrets_key
make bootstrap-owner-token owner_token
