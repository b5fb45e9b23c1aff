#!/usr/bin/env bash
# Stops the demo sandbox (registry and SSH server) and whatever they started.
# The state in .demo/ stays for the next start; ./scripts/start.sh --reset
# removes it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
demo_stop sshd
demo_stop registry
