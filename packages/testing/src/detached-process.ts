import { execa } from 'execa';

/**
 * Starts `node <args>` in a session of its own, to outlive this process (a `lucky sim`
 * command), with its output appended to `logFile` by a shell that then becomes it (same
 * pid). A stream of ours (execa's `{ file }` is one) would keep this process alive until
 * the child exits. Resolves, never rejects, when the child exits.
 */
export function spawnDetachedNode(args: readonly string[], logFile: string) {
  const child = execa('/bin/sh', ['-c', 'exec "$0" "$@" >>"$LUCKY_DETACHED_LOG" 2>&1', process.execPath, ...args], {
    detached: true,
    cleanup: false,
    reject: false,
    stdio: 'ignore',
    env: { LUCKY_DETACHED_LOG: logFile },
  });
  child.unref();
  return child;
}
