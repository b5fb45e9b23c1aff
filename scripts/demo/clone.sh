#!/usr/bin/env bash
# Clones the demo's Git repository over SSH with the sandbox's deploy key, as
# the backend reaches it, so you can look at what the automation wrote:
#   scripts/demo/clone.sh /tmp/demo && git -C /tmp/demo log -p --all
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
if [ ! -f "$DEMO_DIR/state.env" ] || ! demo_pid sshd >/dev/null; then
  demo_say "the demo's Git server is not running: start the demo with ./scripts/start.sh"
  exit 1
fi
source "$DEMO_DIR/state.env"
export GIT_SSH_COMMAND="ssh -F /dev/null -i $DEMO_DIR/ssh/deploy_key -o IdentitiesOnly=yes -o IdentityAgent=none -o UserKnownHostsFile=$DEMO_DIR/ssh/known_hosts -o StrictHostKeyChecking=yes"
git clone "ssh://$DEMO_USER@127.0.0.1:$DEMO_SSH_PORT$DEMO_DIR/git/demo.git" "$1"
# Every branch the automation pushed, as local branches, for `git log -p BRANCH`.
git -C "$1" for-each-ref --format='%(refname:strip=3)' refs/remotes/origin | while read -r branch; do
  [ "$branch" = HEAD ] || git -C "$1" show-ref -q --verify "refs/heads/$branch" ||
    git -C "$1" branch -q --track "$branch" "origin/$branch"
done
git -C "$1" branch -a >&2
