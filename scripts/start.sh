#!/usr/bin/env bash
# Quick start, part one: installs what is missing (Node 24, Yarn 4, the
# workspace's dependencies, the demo sandbox's Debian packages), brings up the
# demo sandbox (a local registry and a Git server over SSH, scripts/demo/up.sh)
# and starts the demo Backstage against it: frontend on http://localhost:3000,
# backend on :7007. Ctrl-C stops Backstage and the sandbox.
#
#   ./scripts/start.sh            reuse the sandbox's state in .demo/
#   ./scripts/start.sh --reset    start afresh (new registry, repository, keys)
# Other arguments go to `yarn start` (e.g. `backend` starts only the backend).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sandbox_args=()
start_args=()
for arg in "$@"; do
  case "$arg" in
    --reset) sandbox_args+=(--reset) ;;
    *) start_args+=("$arg") ;;
  esac
done

source scripts/bootstrap.sh
ia_install_dependencies
source scripts/demo/common.sh

# Stop the sandbox however this script ends: Ctrl-C, a signal or an error.
stop_sandbox() {
  trap - EXIT INT TERM HUP
  scripts/demo/down.sh || true
}
trap stop_sandbox EXIT
trap 'stop_sandbox; exit 130' INT
trap 'stop_sandbox; exit 143' TERM HUP

scripts/demo/up.sh "${sandbox_args[@]}"

configs=(--config "$PWD/app-config.yaml" --config "$DEMO_DIR/app-config.demo.yaml")
# Without --config, yarn start would read app-config.local.yaml: keep doing so.
[ ! -f app-config.local.yaml ] || configs+=(--config "$PWD/app-config.local.yaml")
echo "start: yarn start (the backend is up in about a minute; the first app build takes longer)" >&2
# Not exec: the traps must outlive Backstage to stop the sandbox.
yarn start "${configs[@]}" "${start_args[@]}"
