#!/usr/bin/env bash
# Brings up the demo sandbox the demo Backstage runs against, offline:
#   - a CNCF distribution registry (Debian's docker-registry) on a free
#     loopback port, seeded with the images and tags of examples/demo/images.json
#     and sending push notifications to the backend's webhook;
#   - a Git server over SSH (Debian's openssh-server) on a free loopback port,
#     with its own host key and a generated deploy key restricted to
#     git-shell, serving a bare repository made from examples/demo/repo/;
#   - the demo catalog (examples/demo/entities.yaml, rendered with those
#     addresses) and the config the backend needs for them
#     ($DEMO_DIR/app-config.demo.yaml).
# State lives in $DEMO_DIR (default .demo/, git-ignored) and is reused by the
# next start; `up.sh --reset` starts afresh. Processes run in the background
# with pid files; scripts/demo/down.sh stops them.
#
# Needs Node on PATH (scripts/bootstrap.sh). IA_DEMO_BACKEND_PORT and
# IA_DEMO_APP_PORT move the backend (default 7007) and the app (3000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

reset=false
for arg in "$@"; do
  case "$arg" in
    --reset) reset=true ;;
    *) echo "usage: $0 [--reset]" >&2; exit 2 ;;
  esac
done

backend_port="${IA_DEMO_BACKEND_PORT:-7007}"
app_port="${IA_DEMO_APP_PORT:-3000}"
examples="$demo_root/examples/demo"

# Whatever an earlier run left behind (a start that was killed) goes first.
"$demo_root/scripts/demo/down.sh"

"$demo_root/scripts/demo/install.sh"
have() { command -v "$1" >/dev/null 2>&1; }
have_registry=false; have docker-registry && have_registry=true
have_git=false; have git && have git-shell && have ssh-keygen && have_git=true
have_sshd=false; $have_git && [ -x /usr/sbin/sshd ] && have_sshd=true

# Saved ports someone else took since: the registry's address is written in
# the manifests and the catalog, so the state cannot move; start afresh.
if ! $reset && [ -f "$DEMO_DIR/state.env" ]; then
  source "$DEMO_DIR/state.env"
  for port in "${DEMO_REGISTRY_PORT:-}" "${DEMO_SSH_PORT:-}"; do
    if [ -z "$port" ] || demo_port_busy "$port"; then
      demo_say "port ${port:-?} of the saved sandbox is taken now: starting afresh"
      reset=true
      break
    fi
  done
fi
if $reset && [ -d "$DEMO_DIR" ]; then
  demo_say "removing the sandbox state in $DEMO_DIR"
  rm -rf "$DEMO_DIR"
fi

# --- state: ports, user, keys, token ----------------------------------------
mkdir -p "$DEMO_DIR"
if [ ! -f "$DEMO_DIR/state.env" ]; then
  demo_say "creating a sandbox in $DEMO_DIR"
  mkdir -p "$DEMO_DIR/registry" "$DEMO_DIR/git" "$DEMO_DIR/catalog"
  mkdir -m 700 -p "$DEMO_DIR/ssh"
  {
    echo "DEMO_REGISTRY_PORT=$(demo_free_port)"
    echo "DEMO_SSH_PORT=$(demo_free_port)"
    # sshd on a high port authenticates only the user it runs as.
    echo "DEMO_USER=$(id -un)"
  } >"$DEMO_DIR/state.env.partial"
  (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$DEMO_DIR/webhook-token")
  mv "$DEMO_DIR/state.env.partial" "$DEMO_DIR/state.env"
fi
source "$DEMO_DIR/state.env"
# Made when ssh-keygen is there: a sandbox created before OpenSSH was
# installed gets its keys on the next start.
for key in host_ed25519 deploy_key; do
  if $have_git && [ ! -f "$DEMO_DIR/ssh/$key" ]; then
    ssh-keygen -q -t ed25519 -N '' -C "image-automation demo ${key%_*}" -f "$DEMO_DIR/ssh/$key"
  fi
done
registry_host="127.0.0.1:$DEMO_REGISTRY_PORT"
registry_url="http://$registry_host"
git_url="ssh://$DEMO_USER@127.0.0.1:$DEMO_SSH_PORT$DEMO_DIR/git/demo.git"
webhook_url="http://127.0.0.1:$backend_port/api/image-automation/webhooks/distribution"

render() {
  sed -e "s|\${DEMO_REGISTRY}|$registry_host|g" -e "s|\${DEMO_GIT}|$git_url|g" "$1"
}

# --- the registry -------------------------------------------------------------
if $have_registry; then
  # Push notifications to the backend's webhook, with the token it checks.
  # Pulls and blob uploads are filtered out: the registry retries a refused
  # event forever and holds every later one behind it.
  cat >"$DEMO_DIR/registry/config.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $DEMO_DIR/registry/storage
  delete:
    enabled: true
http:
  addr: $registry_host
  secret: $(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
notifications:
  endpoints:
    - name: image-automation
      url: $webhook_url
      headers:
        Authorization: [Bearer $(cat "$DEMO_DIR/webhook-token")]
      timeout: 2s
      threshold: 3
      backoff: 5s
      ignore:
        mediatypes: [application/octet-stream]
        actions: [pull]
YAML
  docker-registry serve "$DEMO_DIR/registry/config.yml" >>"$DEMO_DIR/registry/registry.log" 2>&1 &
  echo $! >"$DEMO_DIR/registry.pid"
  if ! node "$demo_root/scripts/demo/registry.mjs" wait "$registry_url"; then
    demo_say "the registry did not start; its log, $DEMO_DIR/registry/registry.log, ends:"
    tail -n 20 "$DEMO_DIR/registry/registry.log" >&2
    exit 1
  fi
  if [ ! -f "$DEMO_DIR/registry/seeded" ]; then
    demo_say "seeding the registry at $registry_host with the demo images"
    node "$demo_root/scripts/demo/registry.mjs" seed "$registry_url" "$examples/images.json"
    touch "$DEMO_DIR/registry/seeded"
  fi
else
  demo_say "no registry (docker-registry is not installed): every card will say its registry is unreachable"
fi

# --- the Git repository and the SSH server -----------------------------------
if $have_git && [ ! -d "$DEMO_DIR/git/demo.git" ]; then
  demo_say "creating the demo repository from examples/demo/repo"
  work="$DEMO_DIR/git/initial"
  rm -rf "$work" && mkdir -p "$work"
  (cd "$examples/repo" && find . -type f) | while read -r file; do
    mkdir -p "$work/$(dirname "$file")"
    render "$examples/repo/$file" >"$work/$file"
  done
  git init -q --bare -b main "$DEMO_DIR/git/demo.git.partial"
  # Partial clones (the plain-Git adapter reads through one) need the filter.
  git -C "$DEMO_DIR/git/demo.git.partial" config uploadpack.allowFilter true
  git -C "$work" init -q -b main
  git -C "$work" add -A
  git -C "$work" -c user.name='Demo' -c user.email='demo@localhost' commit -q -m 'Demo manifests'
  git -C "$work" push -q "$DEMO_DIR/git/demo.git.partial" main
  rm -rf "$work"
  mv "$DEMO_DIR/git/demo.git.partial" "$DEMO_DIR/git/demo.git"
fi

if $have_sshd; then
  ssh_dir="$DEMO_DIR/ssh"
  # The deploy key may run git-shell only: fetch and push, no shell, no forwarding.
  echo "restrict,command=\"$(command -v git-shell) -c \\\"\$SSH_ORIGINAL_COMMAND\\\"\" $(cat "$ssh_dir/deploy_key.pub")" >"$ssh_dir/authorized_keys"
  echo "[127.0.0.1]:$DEMO_SSH_PORT $(cut -d' ' -f1,2 "$ssh_dir/host_ed25519.pub")" >"$ssh_dir/known_hosts"
  cat >"$ssh_dir/sshd_config" <<CONF
Port $DEMO_SSH_PORT
ListenAddress 127.0.0.1
HostKey $ssh_dir/host_ed25519
PidFile $ssh_dir/sshd.daemon.pid
AuthorizedKeysFile $ssh_dir/authorized_keys
AllowUsers $DEMO_USER
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
PrintMotd no
CONF
  # Privilege separation, when sshd runs as root, needs this directory.
  [ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd
  /usr/sbin/sshd -t -f "$ssh_dir/sshd_config"
  /usr/sbin/sshd -D -e -f "$ssh_dir/sshd_config" >>"$ssh_dir/sshd.log" 2>&1 &
  echo $! >"$DEMO_DIR/sshd.pid"
  for _ in $(seq 100); do
    demo_port_busy "$DEMO_SSH_PORT" && break
    if ! demo_pid sshd >/dev/null; then
      demo_say "the SSH server did not start; its log, $ssh_dir/sshd.log, ends:"
      tail -n 20 "$ssh_dir/sshd.log" >&2
      exit 1
    fi
    sleep 0.1
  done
else
  demo_say "no Git server (openssh-server or git is not installed): every card will say it cannot read the repository"
fi

# --- the catalog and the backend's config ------------------------------------
render "$examples/entities.yaml" >"$DEMO_DIR/catalog/entities.yaml"
cat >"$DEMO_DIR/app-config.demo.yaml" <<YAML
# Generated by scripts/demo/up.sh for the sandbox in this directory;
# ./scripts/start.sh loads it after app-config.yaml. Do not edit: the next
# start writes it again (./scripts/start.sh --reset removes it).
app:
  baseUrl: http://localhost:$app_port
backend:
  baseUrl: http://localhost:$backend_port
  listen:
    port: $backend_port
  cors:
    origin: http://localhost:$app_port

catalog:
  locations:
    - type: file
      target: $demo_root/examples/org.yaml
      rules:
        - allow: [User, Group]
    - type: file
      target: $DEMO_DIR/catalog/entities.yaml

imageAutomation:
  # Quick enough to watch: the first cycle 5 s after start, then every minute
  # (each registry repository is scanned at most once a minute anyway).
  schedule:
    frequency: { minutes: 1 }
    timeout: { minutes: 5 }
    initialDelay: { seconds: 5 }
  registries:
    - host: $registry_host
      insecure: true
  git:
    hosts:
      - host: 127.0.0.1:$DEMO_SSH_PORT
        ssh:
          privateKey: { \$file: ssh/deploy_key }
          knownHosts: { \$file: ssh/known_hosts }
    # The demo entities come from a file, not from this repository: name it.
    allowedRepositories: ['127.0.0.1:$DEMO_SSH_PORT/**']
    allowPush: ['127.0.0.1:$DEMO_SSH_PORT/**']
  webhooks:
    distribution:
      token: { \$file: webhook-token }
YAML

demo_say "sandbox up:"
$have_registry && demo_say "  registry  $registry_url (images: $(cd "$DEMO_DIR/registry/storage/docker/registry/v2/repositories" && echo demo/* | tr ' ' ','))"
$have_sshd && demo_say "  git       $git_url"
demo_say "  push a tag:       scripts/demo-push.sh demo/web 1.3.0"
demo_say "  see the changes:  scripts/demo/clone.sh /tmp/demo && git -C /tmp/demo log -p --all"
