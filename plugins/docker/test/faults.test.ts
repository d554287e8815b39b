import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type Docker from 'dockerode';
import { isLuckyError } from '@lucky/core';
import { tempDir, testImage, useDockerEngine, useRegistry, waitFor, type DockerEngine, type TestRegistry } from '@lucky/test-utils';
import { DockerRuntime } from '../src/index.js';
import { definition, docker, rejection, removeDir, removeTestContainers, sleeper, testDaemon, testUnit, unitContainers, type TestDaemon } from './support.js';

interface Ctx {
  engine: DockerEngine;
  registry: TestRegistry;
  image: string;
  client: Docker;
  runtime: DockerRuntime;
  dir: string;
  units: string[];
}

const test = suite<Ctx>('docker runtime: images, pulls and faults');

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  ctx.image = await testImage(ctx.engine.socketPath);
  ctx.registry = await useRegistry(ctx.engine.socketPath);
  ctx.client = docker(ctx.engine.socketPath);
  ctx.runtime = new DockerRuntime({ socketPath: ctx.engine.socketPath, stopTimeout: 2 });
  ctx.dir = await tempDir('lucky-docker-faults-');
  ctx.units = [];
});

test.after(async (ctx) => {
  await removeTestContainers(ctx.client, ctx.units);
  await ctx.registry.stop();
  await removeDir(ctx.dir);
  await ctx.engine.stop();
});

async function daemonFor(ctx: Ctx, app: string): Promise<TestDaemon> {
  const unit = testUnit(app);
  ctx.units.push(unit);
  return testDaemon({ unit, runtime: ctx.runtime, dir: join(ctx.dir, app) });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await rejection(promise);
  assert.ok(isLuckyError(error), `not a LuckyError: ${error.stack}`);
  return error;
}

test('an image missing locally is pulled from the (local) registry, with progress in the log', async (ctx) => {
  const ref = await ctx.registry.push(ctx.image);
  await ctx.client.getImage(ref).remove();
  const daemon = await daemonFor(ctx, 'pull');
  await ctx.runtime.apply({ '': definition(ref, { command: sleeper() }) }, daemon);
  const [c] = await unitContainers(ctx.client, daemon.unit);
  assert.is(c?.Image, ref);
  assert.is(c?.State, 'running');
  assert.ok(daemon.logs.some((line) => line === `Pulling image ${ref}`));
  assert.ok(
    daemon.logs.some((line) => line.startsWith(`pull ${ref}: `)),
    daemon.logs.join('\n'),
  );
  // Present now: the next container using it does not pull again.
  const logged = daemon.logs.length;
  await ctx.runtime.apply({ '': definition(ref, { command: sleeper(), env: { X: '1' } }) }, daemon);
  assert.not.ok(daemon.logs.slice(logged).some((line) => line.startsWith('Pulling image')));
});

test('pull: false with a missing image fails saying so, and creates nothing', async (ctx) => {
  const daemon = await daemonFor(ctx, 'nopull');
  const absent = `${ctx.registry.address}/lucky-test-absent:1`;
  const error = await failure(ctx.runtime.apply({ '': definition(absent, { pull: false }) }, daemon));
  assert.match(error.message, `Image "${absent}" is not on the Docker engine and its pull policy is "never"`);
  assert.is((await unitContainers(ctx.client, daemon.unit)).length, 0);
});

test('a failed pull fails with the engine reason, naming the image; the old container keeps running', async (ctx) => {
  const daemon = await daemonFor(ctx, 'badpull');
  await ctx.runtime.apply({ '': definition(ctx.image, { command: sleeper() }), side: definition(ctx.image, { command: sleeper() }) }, daemon);
  const before = await unitContainers(ctx.client, daemon.unit);
  const missing = `${ctx.registry.address}/no-such/image:1`;
  const error = await failure(
    ctx.runtime.apply({ '': definition(missing, { command: sleeper() }), side: definition(ctx.image, { command: sleeper(), env: { CHANGED: '1' } }) }, daemon),
  );
  assert.match(error.message, `Could not pull image "${missing}": `);
  assert.match(error.message, /manifest unknown|not found/i);
  const after = await unitContainers(ctx.client, daemon.unit);
  const byName = (list: Docker.ContainerInfo[], name: string) => list.find((c) => c.Labels['lucky.container'] === name);
  assert.is(byName(after, 'default')?.Id, byName(before, 'default')?.Id, 'the default container was left as it was');
  assert.is(byName(after, 'default')?.State, 'running');
  assert.is.not(byName(after, 'side')?.Id, byName(before, 'side')?.Id, 'the other container was still updated');
});

test('an unknown network is refused by the engine with a clear message', async (ctx) => {
  const daemon = await daemonFor(ctx, 'net');
  const error = await failure(ctx.runtime.apply({ '': definition(ctx.image, { command: sleeper(), network: 'lucky-no-such-network' }) }, daemon));
  assert.match(error.message, /container "default" \(lucky-.*-default, image lucky-test-busybox:1\): .*lucky-no-such-network.*not found/);
  assert.is((await unitContainers(ctx.client, daemon.unit)).length, 0, 'nothing half-made is left');
  // host networking is fine.
  await ctx.runtime.apply({ '': definition(ctx.image, { command: sleeper(), network: 'host' }) }, daemon);
  const [c] = await unitContainers(ctx.client, daemon.unit);
  assert.is(c?.HostConfig.NetworkMode, 'host');
});

test('a host port already taken is refused by the engine', async (ctx) => {
  const daemon = await daemonFor(ctx, 'ports');
  const other = await daemonFor(ctx, 'ports2');
  const port = 20000 + (process.pid % 20000);
  const defs = { '': definition(ctx.image, { command: sleeper(), ports: [{ hostPort: port, containerPort: 80, protocol: 'tcp' as const }] }) };
  await ctx.runtime.apply(defs, daemon);
  const error = await failure(ctx.runtime.apply(defs, other));
  assert.match(error.message, /Could not start container "default"/);
  assert.match(error.message, /port is already allocated|address already in use/);
});

test('a container that exits at once is reported with its exit code and last log lines', async (ctx) => {
  const daemon = await daemonFor(ctx, 'crashy');
  const defs = { '': definition(ctx.image, { command: ['sh', '-c', 'echo "starting up"; echo "boom: no config" >&2; exit 3'] }) };
  let message: string;
  try {
    await ctx.runtime.apply(defs, daemon);
    // It had not exited yet when inspected: a later apply finds it in its restart loop and reports it.
    // An apply that lists it during one of its brief runs leaves it alone (it is running), so a
    // loaded machine may need a few tries.
    const name = `lucky-${daemon.unit.replace('/', '-')}-default`;
    for (let attempt = 0; attempt < 10 && !daemon.hookOutput.join('').includes('keeps crashing'); attempt++) {
      await waitFor(async () => (await ctx.client.getContainer(name).inspect()).State.Restarting, 'the restart loop');
      await ctx.runtime.apply(defs, daemon);
    }
    message = daemon.hookOutput.join('');
    assert.match(message, /keeps crashing/);
  } catch (error) {
    assert.ok(isLuckyError(error), String(error));
    message = (error as Error).message;
    assert.match(message, /exited right after it started/);
  }
  assert.match(message, /Container "default" \(lucky-.*-default, image lucky-test-busybox:1\)/);
  assert.match(message, /exit code 3/);
  // stdout and stderr lines may come back in either order.
  assert.match(message, /last log lines: .*starting up/, message);
  assert.match(message, /last log lines: .*boom: no config/, message);
});

test('an unreachable engine fails with a message saying so', async (ctx) => {
  const daemon = await daemonFor(ctx, 'unreachable');
  const socket = `${ctx.dir}/no-engine.sock`;
  const runtime = new DockerRuntime({ socketPath: socket });
  const error = await failure(runtime.apply({ '': definition(ctx.image) }, daemon));
  assert.is(error.message, `Docker engine unreachable at ${socket}: no socket there (is Docker installed and running?)`);
  assert.match((await failure(runtime.removeAll(daemon))).message, /^Docker engine unreachable at /);
  await daemon.define({ '': definition(ctx.image) });
  assert.match((await failure(runtime.isRunning('', daemon))).message, /^Docker engine unreachable at /);
  // DOCKER_HOST is honoured when no socket is given; other schemes are refused clearly.
  const saved = process.env.DOCKER_HOST;
  try {
    process.env.DOCKER_HOST = `unix://${socket}`;
    assert.match((await failure(new DockerRuntime().apply({}, daemon))).message, `Docker engine unreachable at ${socket}`);
    process.env.DOCKER_HOST = 'tcp://10.0.0.1:2375';
    assert.match((await failure(new DockerRuntime().apply({}, daemon))).message, /DOCKER_HOST=tcp:\/\/10.0.0.1:2375 is not supported/);
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
});

test.run();
