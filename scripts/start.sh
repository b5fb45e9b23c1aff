#!/usr/bin/env bash
# Quick start, part one: installs what is missing (Node 24, Yarn 4, the
# workspace's dependencies) and starts the demo Backstage with the image
# automation plugins: frontend on http://localhost:3000, backend on :7007.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh
ia_install_dependencies
exec yarn start "$@"
