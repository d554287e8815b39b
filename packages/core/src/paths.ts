import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
      'Not in a hook context: neither LUCKY_DAEMON_SOCKET nor JUJU_UNIT_NAME is set. Run lucky from a charm script, or set JUJU_UNIT_NAME=<app/N> (or LUCKY_DAEMON_SOCKET=<socket path>).',
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

function currentUid(): number {
  return process.getuid?.() ?? 0;
}

/**
 * Refuses a directory someone else could control: `dir` and each parent up to the
 * first one owned by root must be owned by this user and, unless sticky (as /tmp),
 * writable by no one else. Otherwise another user could have made (or could swap)
 * the directory and stand in for the daemon, capturing what scripts send it.
 */
export function checkTrustedDir(dir: string): void {
  const uid = currentUid();
  for (let current = dir; ; current = dirname(current)) {
    let info;
    try {
      info = lstatSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && current !== dirname(current)) continue;
      throw error;
    }
    if (info.uid === 0) return;
    if (info.uid !== uid) {
      throw new LuckyError(
        ErrorCode.DaemonUnavailable,
        `Refusing the daemon socket directory: ${current} belongs to user ${info.uid}, not to you (${uid}) or root, so another user could stand in for the Lucky daemon. Remove it, or set LUCKY_DAEMON_SOCKET to a path in a directory of yours.`,
      );
    }
    if (!info.isSymbolicLink() && (info.mode & 0o022) !== 0 && (info.mode & 0o1000) === 0) {
      throw new LuckyError(
        ErrorCode.DaemonUnavailable,
        `Refusing the daemon socket directory: ${current} is writable by other users (mode ${(info.mode & 0o777).toString(8)}); make it 0755 or stricter.`,
      );
    }
    if (current === dirname(current)) return;
  }
}

/** Creates the daemon's socket directory, 0700 and trusted (see `checkTrustedDir`), tightening its mode if it was wider. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const info = lstatSync(dir);
  if (!info.isDirectory())
    throw new LuckyError(ErrorCode.DaemonStartFailed, `The daemon socket directory ${dir} is not a directory (a symbolic link?); remove it.`);
  if (info.uid === currentUid() && (info.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  checkTrustedDir(dir);
}
