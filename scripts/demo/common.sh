# Sourced by the demo sandbox scripts: where the sandbox keeps its state and
# how its processes are found and stopped.
#
# IA_DEMO_DIR moves the state (default: .demo/ at the repository root, which
# is git-ignored); the end-to-end test points it at a temp dir.

demo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEMO_DIR="${IA_DEMO_DIR:-$demo_root/.demo}"
# Absolute: the generated config and the processes' command lines name it.
case "$DEMO_DIR" in /*) ;; *) DEMO_DIR="$PWD/$DEMO_DIR" ;; esac

demo_say() { echo "demo: $*" >&2; }

# Processes are read from /proc, not with ps: slim Debian images lack procps.

# The state letter and parent pid of a process, from /proc/PID/stat.
demo_stat() {
  local line
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  # After the command name, which may hold spaces and parentheses.
  echo "${line##*) }" | cut -d' ' -f1,2
}

# True while `pid` is a live process (a zombie counts as gone).
demo_alive() {
  local stat
  stat="$(demo_stat "$1")" || return 1
  [ "${stat:0:1}" != Z ]
}

# The pid of a sandbox process, if its pid file names a live process that
# belongs to this sandbox (its command line names the state dir): a stale pid
# file never makes us stop someone else's process.
demo_pid() {
  local file="$DEMO_DIR/$1.pid" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  [ -n "$pid" ] && demo_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DEMO_DIR" || return 1
  echo "$pid"
}

# Every descendant of a process. sshd's per-connection children call setsid,
# so a process group does not reach them: they are found by parent pid.
demo_descendants() {
  local table file line pid ppid parent frontier=("$1") next
  table="$(for file in /proc/[0-9]*/stat; do
    { read -r line <"$file"; } 2>/dev/null || continue
    pid="${file#/proc/}"
    read -r _ ppid _ <<<"${line##*) }"
    echo "${pid%/stat} $ppid"
  done)"
  while [ ${#frontier[@]} -gt 0 ]; do
    next=()
    for parent in "${frontier[@]}"; do
      while read -r pid ppid; do
        [ "$ppid" != "$parent" ] || next+=("$pid")
      done <<<"$table"
    done
    [ ${#next[@]} -eq 0 ] || printf '%s\n' "${next[@]}"
    frontier=("${next[@]}")
  done
}

# Stops a sandbox process and its descendants: SIGTERM, SIGKILL after 5 s.
demo_stop() {
  local name="$1" pid pids alive p i
  if pid="$(demo_pid "$name")"; then
    pids=("$pid" $(demo_descendants "$pid"))
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for i in $(seq 50); do
      alive=()
      for p in "${pids[@]}"; do demo_alive "$p" && alive+=("$p"); done
      [ ${#alive[@]} -eq 0 ] && break
      sleep 0.1
    done
    [ ${#alive[@]} -eq 0 ] || kill -KILL "${alive[@]}" 2>/dev/null || true
    demo_say "stopped $name (pid $pid)"
  fi
  rm -f "$DEMO_DIR/$name.pid"
}

# True when something listens on 127.0.0.1:PORT.
demo_port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A port nobody listens on now, from the kernel's ephemeral range (which
# holds none of the ports Node's fetch refuses).
demo_free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
