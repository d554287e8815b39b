// Shared by the Docker plugin's tests: a DaemonContext built by hand around a
// temp directory, a real StateStore and logger, and cleanup of test containers.
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Docker from 'dockerode';
import {
  StateStore, createLogger, recordMessage,
  type ContainerDefinition, type ContainerRuntime, type DaemonContext, type HookContext, type LuckyConfig,
} from '@lucky/core';
import { LUCKY_BIN, removeDir } from '@lucky/test-utils';

/** Every container these tests make carries it (read by the plugin from LUCKY_DOCKER_LABELS). */
export const TEST_LABEL = 'lucky.test';
process.env.LUCKY_DOCKER_LABELS = `${TEST_LABEL}=1`;

export interface TestDaemon extends DaemonContext {
  /** Text of every log record, in order. */
  readonly logs: string[];
  /** What went to the running hook's stdout/stderr (the runtime's warnings). */
  readonly hookOutput: string[];
  /** Sets the definitions in the state, as `lucky container …` commands would. */
  define(definitions: Record<string, ContainerDefinition>): Promise<void>;
}

/** A DaemonContext for `unit` under `dir` (the test removes it); pass a real daemon's socket where containers must reach one. */
export async function testDaemon(options: {
  unit: string;
  runtime: ContainerRuntime;
  dir: string;
  charmDir?: string;
  socketPath?: string;
  hookEnv?: Record<string, string>;
}): Promise<TestDaemon> {
  const dir = options.dir;
  const dataDir = join(dir, 'data');
  const charmDir = options.charmDir ?? join(dir, 'charm');
  await mkdir(dataDir, { recursive: true });
  await mkdir(charmDir, { recursive: true });
  const logs: string[] = [];
  const hookOutput: string[] = [];
  const log = createLogger({ name: 'test-daemon', level: 0, sink: (record) => void logs.push(recordMessage(record)) });
  const state = StateStore.open(join(dataDir, 'state.json'), log);
  const config: LuckyConfig = { file: join(charmDir, 'lucky.yaml'), useDocker: true, hooks: {}, cronJobs: [], plugins: [] };
  const hook: HookContext = {
    hook: 'test',
    env: options.hookEnv ?? {},
    contextId: undefined,
    signal: new AbortController().signal,
    output: (_stream, data) => void hookOutput.push(data),
  };
  return {
    unit: options.unit,
    charmDir,
    dataDir,
    socketPath: options.socketPath ?? join(dir, 'run', 'daemon.sock'),
    binDir: join(dataDir, 'bin'),
    nodePath: process.execPath,
    cliPath: LUCKY_BIN,
    version: '0.0.0-test',
    config,
    state,
    log,
    logs,
    hookOutput,
    currentHook: () => hook,
    runtime: () => options.runtime,
    setStatus: async () => undefined,
    async define(definitions) {
      await state.mutate((data) => void (data.containers = structuredClone(definitions)));
    },
  };
}

/** A definition with Lucky's defaults (what `lucky container image set` makes). */
export function definition(image: string, changes: Partial<ContainerDefinition> = {}): ContainerDefinition {
  return { image, pull: true, env: {}, entrypoint: null, command: null, volumes: {}, ports: [], network: null, ...changes };
}

/** A busybox command that runs until stopped and exits at once on SIGTERM. */
export function sleeper(script = ''): string[] {
  return ['sh', '-c', `trap "exit 0" TERM; ${script} sleep 3600 & wait`];
}

export function docker(socketPath: string): Docker {
  return new Docker({ socketPath });
}

/** The unit's containers as the engine lists them (all states). */
export async function unitContainers(client: Docker, unit: string): Promise<Docker.ContainerInfo[]> {
  return client.listContainers({ all: true, filters: { label: [`lucky.unit=${unit}`] } });
}

/** Force-removes every test container of these units. */
export async function removeTestContainers(client: Docker, units: readonly string[]): Promise<void> {
  const all = await client.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=1`] } });
  await Promise.all(
    all
      .filter((c) => units.includes(c.Labels['lucky.unit'] ?? ''))
      .map((c) => client.getContainer(c.Id).remove({ force: true }).catch(() => undefined)),
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A unit name of its own for each test file run, so runs never see each other's containers. */
export function testUnit(app: string): string {
  return `${app}-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}/0`;
}

export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

export { removeDir };
