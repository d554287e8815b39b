import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lucky, removeDir, tempDir, testImage, useDockerEngine, type DockerEngine, type LuckyResult } from '@lucky/test-utils';
import type Dockerode from 'dockerode';

const Docker = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
const DEMO = fileURLToPath(new URL('../fixtures/lucky-demo/', import.meta.url));
/** Every container these tests make carries it, so `after` removes only ours. */
const TEST_LABEL = 'lucky.test.sim-cleanup=1';

interface Ctx {
  engine: DockerEngine;
  docker: Dockerode;
  dir: string;
  ports: number[];
}

const test = suite<Ctx>('lucky sim: destroy, remove-unit and remove-application leave nothing on the Docker engine');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function modelDir(ctx: Ctx, name: string): string {
  return join(ctx.dir, name);
}

function sim(ctx: Ctx, model: string, ...args: string[]): Promise<LuckyResult> {
  return lucky(['sim', ...args], {
    LUCKY_SIM_MODEL: modelDir(ctx, model),
    LUCKY_DOCKER_LABELS: TEST_LABEL,
    DOCKER_HOST: `unix://${ctx.engine.socketPath}`,
  });
}

async function ok(result: Promise<LuckyResult>): Promise<LuckyResult> {
  const done = await result;
  assert.is(done.exitCode, 0, done.stdout + done.stderr);
  return done;
}

/** `docker ps -a --filter label=lucky.sim.model=<dir>`, as unit → Lucky container names. */
async function modelContainers(ctx: Ctx, model: string): Promise<string[]> {
  const list = await ctx.docker.listContainers({ all: true, filters: { label: [`lucky.sim.model=${modelDir(ctx, model)}`] } });
  return list.map((info) => `${info.Labels['lucky.unit']} ${info.Labels['lucky.container']}`).sort();
}

async function modelNetworksAndVolumes(ctx: Ctx, model: string): Promise<string[]> {
  const label = [`lucky.sim.model=${modelDir(ctx, model)}`];
  const networks = await ctx.docker.listNetworks({ filters: { label } });
  const volumes = (await ctx.docker.listVolumes({ filters: { label } })).Volumes ?? [];
  return [...networks.map((n) => `network ${n.Name}`), ...volumes.map((v) => `volume ${v.Name}`)];
}

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  await testImage(ctx.engine.socketPath);
  ctx.docker = new Docker({ socketPath: ctx.engine.socketPath });
  ctx.dir = await tempDir('lucky-simclean-');
  ctx.ports = [await freePort(), await freePort()];
});

test.after(async (ctx) => {
  for (const model of ['a', 'b']) await sim(ctx, model, 'destroy');
  for (const info of await ctx.docker.listContainers({ all: true, filters: { label: [TEST_LABEL] } })) {
    await ctx.docker.getContainer(info.Id).remove({ force: true, v: true });
  }
  for (const network of await ctx.docker.listNetworks({ filters: { label: [TEST_LABEL] } })) await ctx.docker.getNetwork(network.Id).remove();
  for (const volume of (await ctx.docker.listVolumes({ filters: { label: [TEST_LABEL] } })).Volumes ?? []) await ctx.docker.getVolume(volume.Name).remove();
  await removeDir(ctx.dir);
  await ctx.engine?.stop();
});

/** The labels a unit's hooks and daemon give the Docker runtime (LUCKY_DOCKER_LABELS), as a record. */
async function hookDockerLabels(ctx: Ctx, model: string, unit: string): Promise<Record<string, string>> {
  const runs = JSON.parse((await ok(sim(ctx, model, 'log', unit, '--format', 'json'))).stdout) as Array<{ env: Record<string, string> }>;
  const text = runs.at(-1)?.env.LUCKY_DOCKER_LABELS ?? '';
  return Object.fromEntries(text.split(',').map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)]));
}

/**
 * A running container as the Docker runtime makes one for `unit` (its labels: the unit, the
 * container, and those of LUCKY_DOCKER_LABELS), publishing `port`, with an anonymous volume.
 */
async function unitContainer(ctx: Ctx, labels: Record<string, string>, unit: string, port: number): Promise<void> {
  const container = await ctx.docker.createContainer({
    name: `lucky-simclean-${process.pid}-${labels['lucky.sim.model']?.slice(-1)}-${unit.replace('/', '-')}`,
    Image: 'lucky-test-busybox:1',
    Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
    Labels: { ...labels, 'lucky.unit': unit, 'lucky.container': 'default' },
    ExposedPorts: { '80/tcp': {} },
    Volumes: { '/scratch': {} },
    HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } },
  });
  await container.start();
}

test('every hook tells the Docker runtime the model label; a unit removed is swept of its containers', async (ctx) => {
  const [port, other] = ctx.ports as [number, number];
  await ok(sim(ctx, 'a', 'deploy', DEMO, 'demo', '-n', '2'));
  const labels = await hookDockerLabels(ctx, 'a', 'demo/1');
  assert.equal(labels, { 'lucky.test.sim-cleanup': '1', 'lucky.sim.model': modelDir(ctx, 'a') });
  await unitContainer(ctx, labels, 'demo/0', port);
  await unitContainer(ctx, labels, 'demo/1', other);
  await ctx.docker.createNetwork({ Name: `lucky-simclean-${process.pid}`, Labels: labels });
  await ctx.docker.createVolume({ Name: `lucky-simclean-${process.pid}`, Labels: labels });
  assert.equal(await modelContainers(ctx, 'a'), ['demo/0 default', 'demo/1 default']);

  const removed = await ok(sim(ctx, 'a', 'remove-unit', 'demo/1'));
  assert.match(removed.stdout, /demo\/1\s+stop\s+ok/);
  assert.equal(await modelContainers(ctx, 'a'), ['demo/0 default']);
});

test('destroy removes every container, network and volume of the model; docker ps -a shows none', async (ctx) => {
  const volumesBefore = ((await ctx.docker.listVolumes()).Volumes ?? []).length;
  await ok(sim(ctx, 'a', 'destroy'));
  assert.equal(await modelContainers(ctx, 'a'), []);
  assert.equal(await modelNetworksAndVolumes(ctx, 'a'), []);
  const ours = await ctx.docker.listContainers({ all: true, filters: { label: [TEST_LABEL] } });
  assert.equal(
    ours.map((info) => info.Names[0]),
    [],
  );
  // The containers' anonymous volumes went with them, not only the labelled one.
  assert.ok(((await ctx.docker.listVolumes()).Volumes ?? []).length <= volumesBefore - 2);
});

test('the next model publishes the same port without a clash; remove-application takes its units and their containers', async (ctx) => {
  const [port] = ctx.ports as [number, number];
  await ok(sim(ctx, 'b', 'deploy', DEMO, 'demo'));
  const labels = await hookDockerLabels(ctx, 'b', 'demo/0');
  assert.is(labels['lucky.sim.model'], modelDir(ctx, 'b'));
  await unitContainer(ctx, labels, 'demo/0', port);
  assert.equal(await modelContainers(ctx, 'b'), ['demo/0 default']);
  const removed = await ok(sim(ctx, 'b', 'remove-application', 'demo'));
  assert.match(removed.stdout, /demo\/0\s+stop\s+ok/);
  assert.match(removed.stdout, /demo\/0\s+remove\s+ok/);
  assert.match(removed.stdout, /Application demo removed/);
  assert.equal(await modelContainers(ctx, 'b'), []);
  const status = JSON.parse((await ok(sim(ctx, 'b', 'status', '--format', 'json'))).stdout) as { applications: Record<string, unknown> };
  assert.equal(Object.keys(status.applications), []);
});

test.run();
