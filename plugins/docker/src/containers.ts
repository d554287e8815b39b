import type Docker from 'dockerode';
import { engineFailure, statusCode, type Engine } from './engine.js';
import { CONTAINER_LABEL, HASH_LABEL, UNIT_LABEL, containerKeyOf } from './labels.js';

/** A container of the unit, as the engine lists it. */
export interface UnitContainer {
  readonly id: string;
  /** Engine name, without Docker's leading slash. */
  readonly name: string;
  /** Definition key from its `lucky.container` label; undefined if it has none. */
  readonly key: string | undefined;
  readonly hash: string | undefined;
  /** Docker's state: created, running, restarting, exited, paused, dead, removing. */
  readonly state: string;
}

/** Every container labelled with this unit, in any state. */
export async function listUnitContainers(engine: Engine, unit: string): Promise<UnitContainer[]> {
  let infos: Docker.ContainerInfo[];
  try {
    infos = await engine.docker.listContainers({ all: true, filters: { label: [`${UNIT_LABEL}=${unit}`] } });
  } catch (error) {
    throw engineFailure(`Could not list the containers of ${unit}`, error);
  }
  return infos.map((info) => {
    const label = info.Labels[CONTAINER_LABEL];
    return {
      id: info.Id,
      name: (info.Names[0] ?? '').replace(/^\//, ''),
      key: label === undefined ? undefined : containerKeyOf(label),
      hash: info.Labels[HASH_LABEL],
      state: info.State,
    };
  });
}

/** Splits a non-TTY log buffer (8-byte frame headers) into text. */
export function demuxLogs(buffer: Buffer): string {
  let text = '';
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    if (type === undefined || type > 2 || buffer[offset + 1] !== 0) return text + buffer.subarray(offset).toString('utf8');
    text += buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
  }
  return text;
}

/** The last `count` lines a container wrote (stdout and stderr), for error messages. */
export async function lastLogLines(engine: Engine, id: string, count = 10): Promise<string[]> {
  try {
    const logs = await engine.docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false, tail: count });
    return demuxLogs(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs)))
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line !== '')
      .slice(-count);
  } catch {
    return [];
  }
}

/** State of one container, from one inspect. */
export interface ContainerState {
  readonly running: boolean;
  readonly restarting: boolean;
  readonly status: string;
  readonly exitCode: number;
  readonly error: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Inspects a container by id or name; undefined when it does not exist. */
export async function inspectContainer(engine: Engine, idOrName: string): Promise<ContainerState | undefined> {
  try {
    const info = await engine.docker.getContainer(idOrName).inspect();
    return {
      running: info.State.Running,
      restarting: info.State.Restarting,
      status: info.State.Status,
      exitCode: info.State.ExitCode,
      error: info.State.Error,
      labels: info.Config.Labels ?? {},
    };
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw engineFailure(`Could not inspect container ${idOrName}`, error);
  }
}

/** Stops (SIGTERM, then SIGKILL after `timeout` seconds) and removes a container; one already gone is fine. */
export async function removeContainer(engine: Engine, id: string, timeout: number, running = true): Promise<void> {
  const container = engine.docker.getContainer(id);
  if (running) {
    try {
      await container.stop({ t: timeout });
    } catch (error) {
      // 304: already stopped; 404: already gone. Anything else: the forced remove below kills it.
      if (statusCode(error) === 404) return;
    }
  }
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    const code = statusCode(error);
    if (code === 404) return;
    // 409 "removal already in progress": someone else finishes it.
    if (code === 409 && /already in progress/i.test(String((error as Error).message))) return;
    throw engineFailure(`Could not remove container ${id}`, error);
  }
}
