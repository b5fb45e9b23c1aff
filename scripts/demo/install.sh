#!/usr/bin/env bash
# Installs the Debian packages the demo sandbox runs, when they are missing:
# the CNCF distribution registry, the OpenSSH server and client, and Git.
# As root (or with password-less sudo) through apt-get; otherwise it prints
# exactly what to install and leaves the rest to up.sh, which starts what it
# can without them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

declare -A needed=(
  [docker-registry]=docker-registry
  [/usr/sbin/sshd]=openssh-server
  [ssh]=openssh-client
  [ssh-keygen]=openssh-client
  [git]=git
  [git-shell]=git
)
missing=()
for command in "${!needed[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${needed[$command]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  demo_say "missing Debian packages: ${missing[*]}"
  demo_say "install them, then start again:"
  demo_say "  sudo apt-get install -y ${missing[*]}"
  demo_say "until then the demo starts without what they provide"
  exit 0
fi
demo_say "installing ${missing[*]} with apt-get (a minute or two)"
"${sudo[@]}" apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2
