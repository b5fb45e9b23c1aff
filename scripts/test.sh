#!/usr/bin/env bash
# Quick start, part two: installs what is missing (Node, Yarn, the packages,
# the Debian services, a PostgreSQL cluster) and runs every check the project
# has: type-check, lint and all tests (unit, real registry, SQLite and
# PostgreSQL, GitHub emulator, real backend, real browser, the quick start
# itself). Exits non-zero if any of them fails. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh
echo "== services (installs and starts what is missing)"
scripts/provision-services.sh
ia_install_dependencies

# TestDatabases runs every database test on SQLite and on this PostgreSQL,
# and must never try to start Docker (there is none here).
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"
export BACKSTAGE_TEST_DISABLE_DOCKER=1
# Without CI set, backstage-cli's test command watches for changes.
export CI="${CI:-true}"

echo "== type-check"
yarn tsc
echo "== lint"
yarn lint:all
echo "== tests"
yarn test "$@"
