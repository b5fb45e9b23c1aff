#!/usr/bin/env bash
# Installs and starts the real services the tests use, when they are missing:
# Debian's CNCF distribution registry (docker-registry), htpasswd
# (apache2-utils), Chromium for the browser test, OpenSSH's server for the plain
# Git tests, and the machine's PostgreSQL.
set -euo pipefail

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "provision: apt-get install ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi

# PostgreSQL 15 on 127.0.0.1:5432 (trust auth) for the TestDatabases suites.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "provision: starting PostgreSQL" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start >&2
  else
    echo "provision: PostgreSQL is not running on 127.0.0.1:5432 and no cluster is installed" >&2
    exit 1
  fi
fi
