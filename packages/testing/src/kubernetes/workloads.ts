/**
 * A Kubernetes unit's workload containers: each is a Pebble-compatible server process
 * (`@lucky/testing`'s `pebble/main.js`), started detached with its pid recorded, which
 * runs a real Docker container from the container's image resource. Stopped by pid;
 * its Docker container is then removed by label, should the server have died first.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { dockerEngine } from '../docker-engine.js';
import { isProcessRunning, shellQuote } from '@lucky/core/system';
import { SimulatorError } from '../errors.js';
import { unitApplication } from '../model/names.js';
import type { ModelState } from '../model/schema.js';
import { MODEL_DIR_MODE } from '../model/store.js';
import { removeLabelledContainers, type ContainerRemoval } from '../runner/container-removal.js';
import { spawnDetachedNode } from '../detached-process.js';
import { pebbleAnswers } from './pebble-api.js';
import { workloadPaths, workloadStateDir, type WorkloadPaths } from './paths.js';

/** Docker labels of every workload container: the model directory, the unit and the container. */
export const LABEL_MODEL = 'lucky.sim.model';
export const LABEL_UNIT = 'lucky.sim.unit';
export const LABEL_CONTAINER = 'lucky.sim.container';

// The compiled entries, resolved from `src/` (tests under tsx) and `dist/` alike: both sit next to `dist/` in the package.
const SERVER_ENTRY = fileURLToPath(new URL('../../dist/pebble/main.js', import.meta.url));
const EVENT_ENTRY = fileURLToPath(new URL('../../dist/kubernetes/event-main.js', import.meta.url));

/** A first `docker run` of an image may take a while on a loaded machine. */
const START_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 30_000;

/** The names of an application's workload containers ([] for a machine charm). */
export function containerNames(model: ModelState, app: string): string[] {
  return Object.keys(model.applications[app]?.containers ?? {}).sort();
}

/** A unit's workload paths, from its application's containers. */
export function unitWorkloadPaths(modelDir: string, model: ModelState, unit: string): WorkloadPaths {
  return workloadPaths(modelDir, unit, containerNames(model, unitApplication(unit)));
}

/** The workload's Docker container name, unique on the engine: the model directory's hash, the unit and the container. */
export function dockerName(modelDir: string, unit: string, container: string): string {
  const model = createHash('sha256').update(modelDir).digest('hex').slice(0, 10);
  return `lucky-sim-${model}-${unit.replace('/', '-')}-${container}`;
}

async function readPid(path: string): Promise<number | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  const pid = text === null ? NaN : Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

async function logTail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-5).join(' | ');
}

/**
 * Starts the Pebble server of one workload container and returns once its API answers
 * on `<containersDir>/<container>/pebble.socket`. Storage mounts and the container's
 * shared directory (`/charm/container`) are bind-mounted into the Docker container.
 */
export async function startWorkload(modelDir: string, model: ModelState, unit: string, container: string): Promise<void> {
  const app = model.applications[unitApplication(unit)];
  const spec = app?.containers?.[container];
  if (!spec)
    throw new SimulatorError(
      `${unit} has no workload container "${container}"; its charm declares: ${containerNames(model, unitApplication(unit)).join(', ') || '(none)'}.`,
    );
  const paths = unitWorkloadPaths(modelDir, model, unit);
  await mkdir(paths.containersDir, { recursive: true, mode: MODEL_DIR_MODE });
  // The workload's processes may run as any user: they reach /charm/container (Pebble's and Lucky's sockets) through this directory.
  await mkdir(paths.shared(container), { recursive: true, mode: 0o755 });
  await chmod(paths.shared(container), 0o755);
  await mkdir(dirname(paths.pidFile(container)), { recursive: true, mode: MODEL_DIR_MODE });
  await rm(paths.socket(container), { force: true });
  const mounts = [`${paths.shared(container)}:/charm/container`];
  for (const mount of spec.mounts) {
    const instance = Object.values(model.storage).find((item) => item.unit === unit && item.name === mount.storage);
    const target = mount.location !== '' ? mount.location : (app.storage[mount.storage]?.location ?? '');
    if (instance && target !== '') mounts.push(`${instance.location}:${target}`);
  }
  await writeFile(
    paths.onEvent(container),
    `#!/bin/sh\n# Runs the hook of a Pebble event of ${unit}'s container ${container} (event JSON in LUCKY_PEBBLE_EVENT), as the Juju agent would.\nexec ${[process.execPath, EVENT_ENTRY, modelDir, unit, container].map(shellQuote).join(' ')}\n`,
    { mode: 0o700 },
  );
  const args = [
    SERVER_ENTRY,
    '--socket',
    paths.socket(container),
    '--container',
    dockerName(modelDir, unit, container),
    '--remove-container',
    '--image',
    spec.image,
    ...mounts.flatMap((mount) => ['--mount', mount]),
    ...[`${LABEL_MODEL}=${modelDir}`, `${LABEL_UNIT}=${unit}`, `${LABEL_CONTAINER}=${container}`].flatMap((label) => ['--label', label]),
    '--pid-file',
    paths.pidFile(container),
    '--log-file',
    paths.logFile(container),
    '--on-event',
    paths.onEvent(container),
  ];
  // The server outlives this process (a `lucky sim` command), its output appended to its log.
  const child = spawnDetachedNode(args, paths.logFile(container));
  const pid = child.pid;
  if (pid === undefined) throw new SimulatorError(`Could not start the Pebble server of ${unit}'s container ${container}; see ${paths.logFile(container)}.`);
  await writeFile(paths.pidFile(container), `${pid}\n`, { mode: 0o600 });
  const deadline = Date.now() + START_DEADLINE_MS;
  while (!(await pebbleAnswers(paths.socket(container)))) {
    if (!isProcessRunning(pid)) {
      throw new SimulatorError(
        `The Pebble server of ${unit}'s container ${container} (image ${spec.image}) exited before it answered: ${await logTail(paths.logFile(container))}; see ${paths.logFile(container)}.`,
      );
    }
    if (Date.now() > deadline) {
      await stopProcess(pid);
      throw new SimulatorError(
        `The Pebble server of ${unit}'s container ${container} did not answer on ${paths.socket(container)} within ${START_DEADLINE_MS / 1000} s; see ${paths.logFile(container)}.`,
      );
    }
    await sleep(25);
  }
}

/** This process's group, from /proc (Node has no getpgid); null when unknown. */
function ownProcessGroup(): number | null {
  try {
    // Fields after the command name in parentheses: state, ppid, pgrp, …
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    return Number.isInteger(pgrp) ? pgrp : null;
  } catch {
    return null;
  }
}

/**
 * Signals a server's process group (it leads its own: started detached), else the server
 * alone; never the group of this process (an event program of that server settling the model).
 */
function signalServer(pid: number, signal: NodeJS.Signals): void {
  try {
    if (ownProcessGroup() === pid) throw new Error('own group');
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * SIGTERM, then SIGKILL if it is still there after the deadline. The whole process
 * group: a server waits for its pending event programs before it exits, and those wait
 * for the runner lock that the caller (an operation, or destroy) holds; they are dropped,
 * as the events of a container that goes away.
 */
async function stopProcess(pid: number): Promise<void> {
  if (!isProcessRunning(pid)) return;
  signalServer(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_DEADLINE_MS;
  while (isProcessRunning(pid)) {
    if (Date.now() > deadline) {
      signalServer(pid, 'SIGKILL');
      break;
    }
    await sleep(20);
  }
}

/** Removes the Docker containers of a model, or of one unit or one unit's container, by label. */
export async function removeWorkloadContainers(modelDir: string, unit?: string, container?: string): Promise<void> {
  const docker = await dockerEngine();
  const label = [`${LABEL_MODEL}=${modelDir}`];
  if (unit !== undefined) label.push(`${LABEL_UNIT}=${unit}`);
  if (container !== undefined) label.push(`${LABEL_CONTAINER}=${container}`);
  let removal: ContainerRemoval;
  try {
    removal = await removeLabelledContainers(docker, label);
  } catch (error) {
    throw new SimulatorError(`Cannot list the workload containers of ${unit ?? modelDir} in Docker: ${(error as Error).message}`, { cause: error });
  }
  if (removal.failures.length > 0) throw new SimulatorError(`Cannot remove the workload containers of ${unit ?? modelDir}: ${removal.failures.join('; ')}`);
}

/** Stops the Pebble server of one workload container (by its recorded pid) and removes its Docker container. */
export async function stopWorkload(modelDir: string, paths: WorkloadPaths, unit: string, container: string): Promise<void> {
  const pid = await readPid(paths.pidFile(container));
  if (pid !== null) await stopProcess(pid);
  await rm(paths.pidFile(container), { force: true });
  await rm(paths.socket(container), { force: true });
  await removeWorkloadContainers(modelDir, unit, container);
}

/**
 * Stops every workload of a unit: each Pebble server whose pid file is in the unit's
 * state directory (removed units' too), then any Docker container still labelled with
 * the unit. Resolves false, touching nothing, for a unit that never had workloads.
 */
export async function stopUnitWorkloads(modelDir: string, unit: string): Promise<boolean> {
  const dir = workloadStateDir(modelDir, unit);
  const files = await readdir(dir).catch(() => null);
  if (files === null) return false;
  await Promise.all(
    files
      .filter((file) => file.endsWith('.pid'))
      .map(async (file) => {
        const pid = await readPid(join(dir, file));
        if (pid !== null) await stopProcess(pid);
        await rm(join(dir, file), { force: true });
      }),
  );
  await removeWorkloadContainers(modelDir, unit);
  return true;
}
