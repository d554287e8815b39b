/**
 * The text of a hook tool's executable when bash is there: a thin client of the model
 * server (protocol.ts) that starts no other process on the usual path (bash's
 * builtins and /dev/tcp), so a tool call costs a bash start instead of a Node start.
 * When no server answers it runs the tool in a Node process of its own, as before.
 */
import { shellQuote } from '@lucky/core/system';
import { REQUEST_MAGIC, STDIN_MAGIC } from './protocol.js';

export interface ClientScriptOptions {
  readonly bash: string;
  /** The server's endpoint file (`<port> <token> <pid>`). */
  readonly endpoint: string;
  /** The command that runs the tool without a server, given the tool's name and then its arguments. */
  readonly fallback: readonly string[];
}

export function clientScript(name: string, options: ClientScriptOptions): string {
  const quoted = shellQuote(name);
  const fallback = options.fallback.map(shellQuote).join(' ');
  return `#!${options.bash}
# Juju hook tool "${name}", simulated by @lucky/testing: a thin client of the model server
# (src/server/), as jujuc is of the unit agent; without a server the tool runs in its own Node process.
if read -r p t i 2>/dev/null <${shellQuote(options.endpoint)} && kill -0 "$i" 2>/dev/null && { exec 3<>"/dev/tcp/127.0.0.1/$p"; } 2>/dev/null; then
  # A server killed mid-call must end in the one clear line below, not a signal or bash's own words.
  trap '' PIPE
  printf '%s\\0' ${REQUEST_MAGIC} "$t" "$$" "$PWD" "\${JUJU_CONTEXT_ID+=$JUJU_CONTEXT_ID}" "\${JUJU_AGENT_SOCKET_ADDRESS+=$JUJU_AGENT_SOCKET_ADDRESS}" \\
    "\${JUJU_AGENT_SOCKET_NETWORK+=$JUJU_AGENT_SOCKET_NETWORK}" "\${HOME+=$HOME}" ${quoted} "$#" "$@" 2>/dev/null >&3
  IFS=' ' read -r c e o m 2>/dev/null <&3
  # The tool reads its standard input: it goes over a second connection, closed at EOF.
  while [ "$c" = S ]; do
    { exec 4<>"/dev/tcp/127.0.0.1/$p"; } 2>/dev/null && { printf '%s\\0' ${STDIN_MAGIC} "$t" "$e"; cat; } 2>/dev/null >&4
    exec 4>&-
    IFS=' ' read -r c e o m 2>/dev/null <&3
  done
  case $c in '' | *[!0-9]*) printf 'ERROR connection to the model server lost\\n' >&2; exit 1 ;; esac
  trap - PIPE
  # Lengths are in bytes.
  LC_ALL=C
  if [ "$e" -gt 0 ]; then IFS= read -r -d '' -N "$e" x <&3; printf '%s' "$x" >&2; fi
  if [ "$o" -gt 0 ]; then
    if [ "$m" = i ]; then IFS= read -r -d '' -N "$o" x <&3; printf '%s' "$x"; else cat <&3; fi
  fi
  exit "$c"
fi
exec ${fallback} ${quoted} "$@"
`;
}
