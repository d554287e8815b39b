// Shared by the Docker plugin's tests: a DaemonContext built by hand around a
// temp directory (core's plugin test context), and cleanup of test containers.
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import Docker from 'dockerode';
import type { ContainerDefinition, ContainerRuntime } from '@lucky/core';
import { createPluginTestContext, type PluginTestContext } from '@lucky/core/testing';
import { LUCKY_BIN, removeDir } from '@lucky/test-utils';

/** Every container these tests make carries it (read by the plugin from LUCKY_DOCKER_LABELS). */
export const TEST_LABEL = 'lucky.test';
process.env.LUCKY_DOCKER_LABELS = `${TEST_LABEL}=1`;

export type TestDaemon = PluginTestContext;

/** A DaemonContext for `unit` under `dir` (the test removes it); pass a real daemon's socket where containers must reach one. */
export async function testDaemon(options: {
  unit: string;
  runtime: ContainerRuntime;
  dir: string;
  charmDir?: string;
  socketPath?: string;
  hookEnv?: Record<string, string>;
}): Promise<TestDaemon> {
  await mkdir(options.dir, { recursive: true });
  return createPluginTestContext({ ...options, cliPath: LUCKY_BIN, config: { runtime: { specifier: 'docker', options: undefined } } });
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
      .map((c) =>
        client
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
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
