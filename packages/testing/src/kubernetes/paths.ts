/** Where a Kubernetes unit's workload containers live on the host: their shared directories, Pebble sockets, pid and log files. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SimulatorError } from '../errors.js';
import { unitTag } from '../model/names.js';
import { MAX_SOCKET_PATH_BYTES, shortSocketRoot } from '../runner/unit-paths.js';

/** The longest socket path under a container's directory: the Lucky daemon's container socket, bound by the Pebble runtime. */
const LONGEST_SOCKET = '/lucky/daemon.sock';

export interface WorkloadPaths {
  /** LUCKY_PEBBLE_CONTAINERS_DIR: `<dir>/<container>/` is what Juju shares with each workload container (`/charm/containers/<c>` in the charm container). */
  readonly containersDir: string;
  /** `<containersDir>/<container>`: bind-mounted at `/charm/container` inside the workload container. */
  shared(container: string): string;
  /** `<containersDir>/<container>/pebble.socket`: the container's Pebble API. */
  socket(container: string): string;
  /** The Pebble server process's pid file. */
  pidFile(container: string): string;
  /** The Pebble server process's log. */
  logFile(container: string): string;
  /** The executable the Pebble server runs for each event (a notice, a check failing or recovering). */
  onEvent(container: string): string;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * A unit's workload paths. The containers dir is `<model>/units/<tag>/containers`,
 * unless a socket under it would be too long for Linux (`containers`: the names of the
 * application's containers); then it moves under the model's short socket root, as
 * the unit's daemon socket does.
 */
export function workloadPaths(modelDir: string, unit: string, containers: readonly string[]): WorkloadPaths {
  const tag = unitTag(unit);
  const base = join(modelDir, 'units', tag);
  const longest = Math.max(1, ...containers.map((name) => Buffer.byteLength(name)));
  const fits = (dir: string) => Buffer.byteLength(dir) + 1 + longest + LONGEST_SOCKET.length <= MAX_SOCKET_PATH_BYTES;
  const candidates = [join(base, 'containers'), join(shortSocketRoot(modelDir), tag, 'containers'), join(shortSocketRoot(modelDir), hash(unit), 'c')];
  const containersDir = candidates.find(fits);
  if (containersDir === undefined) {
    throw new SimulatorError(
      `No Pebble socket path for the containers of ${unit} fits in ${MAX_SOCKET_PATH_BYTES} bytes; use shorter container names or set TMPDIR to a shorter directory.`,
    );
  }
  const state = workloadStateDir(modelDir, unit);
  return {
    containersDir,
    shared: (container) => join(containersDir, container),
    socket: (container) => join(containersDir, container, 'pebble.socket'),
    pidFile: (container) => join(state, `${container}.pid`),
    logFile: (container) => join(state, `${container}.log`),
    onEvent: (container) => join(state, `${container}.on-event`),
  };
}

/** Where a unit's Pebble server processes keep their pid files, logs and event executables. */
export function workloadStateDir(modelDir: string, unit: string): string {
  return join(modelDir, 'units', unitTag(unit), 'pebble');
}
