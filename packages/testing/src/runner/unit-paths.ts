import { SimulatorError } from '../errors.js';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unitTag } from '../model/names.js';

/** Linux refuses a Unix socket path longer than 107 bytes (sun_path is 108 with the NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

export interface UnitPaths {
  /** LUCKY_DATA_DIR: the unit's state, daemon log, shims. */
  readonly dataDir: string;
  /** LUCKY_DAEMON_SOCKET. */
  readonly socketPath: string;
}

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * Where short socket paths go when the model directory is too deep for one: a dir
 * under the system temp dir named after the model directory, so every process that
 * opens the model computes the same path and `destroy` can remove it.
 */
export function shortSocketRoot(modelDir: string): string {
  return join(tmpdir(), `lucky-sim-${hash(modelDir, 16)}`);
}

/**
 * A unit's Lucky data dir and daemon socket. Both live under `<model>/units/<tag>/`,
 * except a socket path that would be too long for Linux: that one moves under
 * `shortSocketRoot(modelDir)`.
 */
export function unitPaths(modelDir: string, unit: string): UnitPaths {
  const tag = unitTag(unit);
  const base = join(modelDir, 'units', tag);
  const candidates = [
    join(base, 'run', 'daemon.sock'),
    join(shortSocketRoot(modelDir), tag, 'daemon.sock'),
    // A very long application name: the tag itself is hashed.
    join(shortSocketRoot(modelDir), hash(unit, 12), 'daemon.sock'),
  ];
  const socketPath = candidates.find((path) => Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES);
  if (socketPath === undefined) {
    throw new SimulatorError(
      `No daemon socket path for ${unit} fits in ${MAX_SOCKET_PATH_BYTES} bytes, even under ${tmpdir()}; set TMPDIR to a shorter directory.`,
    );
  }
  return { dataDir: join(base, 'data'), socketPath };
}
