#!/usr/bin/env bash
# Pushes a new tag to the demo sandbox's registry, so you can watch it flow
# through: the registry notifies the backend, which writes the change to Git
# (press "Check now" on the entity's card to pick it up at once).
#   scripts/demo-push.sh demo/web 1.3.0
# IMAGE is a repository of the sandbox registry (demo/web), with or without
# the registry's host in front (127.0.0.1:PORT/demo/web).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh
source scripts/demo/common.sh
if [ $# -ne 2 ]; then
  echo "usage: $0 IMAGE TAG   (e.g. $0 demo/web 1.3.0)" >&2
  exit 2
fi
if [ ! -f "$DEMO_DIR/state.env" ] || ! demo_pid registry >/dev/null; then
  demo_say "the demo's registry is not running: start the demo with ./scripts/start.sh"
  exit 1
fi
source "$DEMO_DIR/state.env"
registry_host="127.0.0.1:$DEMO_REGISTRY_PORT"
repository="${1#"$registry_host"/}"
tag="$2"
if ! [[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$ ]]; then
  demo_say "\"$tag\" is not a valid tag: letters, digits, _ . - (at most 128, not starting with . or -)"
  exit 2
fi
digest="$(node scripts/demo/registry.mjs push "http://$registry_host" "$repository" "$tag")"
# The pushed reference on stdout, for scripts; what to do next on stderr.
echo "$registry_host/$repository:$tag@$digest"
demo_say "the registry notifies the backend; or press \"Check now\" on the entity's card"
