#!/usr/bin/env bash
# Installs and starts the real services the tests use, when they are missing:
# Debian's CNCF distribution registry (docker-registry), htpasswd
# (apache2-utils), Chromium for the browser test, the OpenSSH server and Git
# (the Git-over-SSH suites and the demo sandbox), and PostgreSQL on
# 127.0.0.1:5432 with trust auth: Debian's package, and a cluster for it when
# the machine has none.
set -euo pipefail

# IA_POSTGRES_PORT / IA_POSTGRES_CLUSTER exist to try the cluster path on a
# machine that already has one; the tests expect the defaults.
pg_port="${IA_POSTGRES_PORT:-5432}"
pg_cluster="${IA_POSTGRES_CLUSTER:-main}"

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

apt_install() {
  echo "provision: apt-get install $* (a minute or two)" >&2
  "${sudo[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >&2
}

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
fresh_postgres=false
if ! command -v pg_createcluster >/dev/null 2>&1; then
  missing+=(postgresql)
  fresh_postgres=true
fi
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

pg_ready() { pg_isready -q -h 127.0.0.1 -p "$pg_port" 2>/dev/null; }
# The clusters of this machine, one "VERSION NAME PORT" a line.
pg_clusters() { pg_lsclusters -h 2>/dev/null | awk '{ print $1, $2, $3 }'; }

create_cluster() {
  local version
  version="$(ls /usr/lib/postgresql | sort -n | tail -n 1)"
  echo "provision: creating PostgreSQL $version cluster $pg_cluster on port $pg_port (trust auth, for the tests)" >&2
  "${sudo[@]}" pg_createcluster -p "$pg_port" "$version" "$pg_cluster" -- \
    --auth-local=trust --auth-host=trust >/dev/null
}

# The package just installed made a cluster of its own, with password auth
# the tests cannot use; it holds no data yet, so it is made again with trust.
if $fresh_postgres; then
  pg_clusters | while read -r version name _; do
    "${sudo[@]}" pg_dropcluster --stop "$version" "$name" >&2
  done
  create_cluster
fi

# PostgreSQL for the TestDatabases suites (postgresql://postgres@127.0.0.1:5432).
if ! pg_ready; then
  # The cluster that serves the port: "VERSION NAME"; none → one is made.
  cluster="$(pg_clusters | awk -v port="$pg_port" '$3 == port { print $1, $2; exit }')"
  if [ -z "$cluster" ]; then
    create_cluster
    cluster="$(pg_clusters | awk -v port="$pg_port" '$3 == port { print $1, $2; exit }')"
  fi
  echo "provision: starting PostgreSQL $cluster" >&2
  # shellcheck disable=SC2086 # "VERSION NAME" are two arguments
  "${sudo[@]}" pg_ctlcluster --skip-systemctl-redirect $cluster start >&2
  for _ in $(seq 60); do
    pg_ready && break
    sleep 0.5
  done
  if ! pg_ready; then
    echo "provision: PostgreSQL $cluster did not accept connections on 127.0.0.1:$pg_port; see /var/log/postgresql/" >&2
    exit 1
  fi
fi
