import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, LuckyError } from './errors.js';

/** `mysql/2` → `mysql_2`, as Lucky named per-unit files. */
export function unitSlug(unit: string): string {
  return unit.replace(/\//g, '_');
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The unit's data dir: `LUCKY_DATA_DIR`, else `/var/lib/lucky/<unit>` (root) or a per-user dir. */
export function resolveDataDir(unit: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.LUCKY_DATA_DIR) return env.LUCKY_DATA_DIR;
  if (isRoot()) return join('/var/lib/lucky', unitSlug(unit));
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'lucky', unitSlug(unit));
}

/**
 * The unit's daemon socket: `LUCKY_DAEMON_SOCKET`, else `/run/lucky/<unit>/daemon.sock`
 * (root) or a per-user runtime dir. The socket lives in its own 0700 directory.
 */
export function resolveSocketPath(unit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (env.LUCKY_DAEMON_SOCKET) return env.LUCKY_DAEMON_SOCKET;
  if (!unit) {
    throw new LuckyError(
      ErrorCode.NotInHookContext,
      'Not in a hook context: neither LUCKY_DAEMON_SOCKET nor JUJU_UNIT_NAME is set. Run lucky from a charm script, or pass --socket-path <path>.',
    );
  }
  const base = isRoot() ? '/run/lucky' : join(env.XDG_RUNTIME_DIR ?? join(tmpdir(), `lucky-${process.getuid?.() ?? 0}`), 'lucky');
  return join(base, unitSlug(unit), 'daemon.sock');
}

/** Linux refuses Unix socket paths longer than 107 bytes; say so before bind() does cryptically. */
export function checkSocketPathLength(path: string): void {
  if (Buffer.byteLength(path) > 107) {
    throw new LuckyError(
      ErrorCode.InvalidArgument,
      `The daemon socket path ${path} is longer than the 107 bytes Linux allows; set LUCKY_DAEMON_SOCKET to a shorter path.`,
    );
  }
}
