# `lucky` as a thin client of the unit's running daemon: usage `bash lucky-thin.bash
# <node> <cli entry> [lucky arguments...]`, or sourced by a bash script whose arguments
# are those (the daemon's `lucky` shim does, see @lucky/core daemon/shim.ts). Scripts call lucky dozens of times per hook;
# this asks the daemon to run the command line (@lucky/core daemon/thin-server.ts has
# the protocol) at the cost of a bash start instead of a Node.js one. Bash builtins
# only on the common path: no process is started. Whenever the daemon cannot take the
# call (none running, another user, a command it leaves to the CLI), nothing has
# been done yet and the Node.js CLI runs the command line instead.

node=$1
cli=$2
shift 2

# Returns (so that the CLI runs the command line) only while nothing has been done.
lucky_thin() {
  [[ ${LUCKY_THIN_CLIENT-} != 0 ]] || return 1
  # The socket as @lucky/core's resolveSocketPath finds it; its endpoint file is beside it.
  local socket=${LUCKY_DAEMON_SOCKET-}
  if [[ -z $socket ]]; then
    [[ -n ${JUJU_UNIT_NAME-} ]] || return 1
    if ((EUID == 0)); then
      socket=/run/lucky
    else
      local tmp=${TMPDIR:-/tmp}
      socket=${XDG_RUNTIME_DIR:-${tmp%/}/lucky-$EUID}/lucky
    fi
    socket+=/${JUJU_UNIT_NAME//\//_}/daemon.sock
  fi
  local port client server frame
  { read -r port client server <"$socket.thin"; } 2>/dev/null || return 1
  [[ $port =~ ^[0-9]+$ ]] || return 1
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  # The daemon speaks first, with a token only it knows: nothing goes to whatever else holds a stale port.
  if ! IFS= read -r -d '' frame <&3 || [[ $frame != "LUCKY-THIN 1 $server" ]]; then
    exec 3<&-
    return 1
  fi
  # A daemon that stops mid-call must end in the one clear line below, not a SIGPIPE or bash's own words.
  trap '' PIPE
  printf '%s\0' "$client" "$$" "$#" "$@" 2>/dev/null >&3
  trap - PIPE
  while IFS= read -r -d '' frame 2>/dev/null <&3; do
    case $frame in
      o*) printf '%s' "${frame#o}" ;;
      e*) printf '%s' "${frame#e}" >&2 ;;
      O*) head -c "${frame#O}" <&3 ;;
      E*) head -c "${frame#E}" <&3 >&2 ;;
      x*) exit "${frame#x}" ;;
      d)
        exec 3<&-
        return 1
        ;;
    esac
  done
  # The command may have run: running it again could do it twice. Said as the Node.js CLI says it.
  printf 'Error: The Lucky daemon at %s closed the connection before answering; check its log (by default daemon.log in the unit'"'"'s data directory) for why.\n' "$socket" >&2
  exit 1
}

lucky_thin "$@"
exec "$node" "$cli" "$@"
