import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestModel, lucky, testImage, useDockerEngine, waitFor, type DockerEngine } from '@lucky/test-utils';
import type Dockerode from 'dockerode';

const Docker = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
const CHARM = fileURLToPath(new URL('../fixtures/lucky-docker/', import.meta.url));
const UNIT = 'web/0';

interface Ctx {
  engine: DockerEngine;
  docker: Dockerode;
  sim: TestModel;
  port: number;
}

const test = suite<Ctx>('containers: a charm run through lucky dispatch against a real Docker engine');

/** This unit's containers, by their Lucky container name. */
async function containers(ctx: Ctx): Promise<Map<string, Dockerode.ContainerInfo>> {
  const list = await ctx.docker.listContainers({ all: true, filters: { label: [`lucky.unit=${UNIT}`] } });
  const byName = new Map<string, Dockerode.ContainerInfo>();
  for (const info of list) {
    const name = info.Labels['lucky.container'] ?? '?';
    assert.not.ok(byName.has(name), `two containers for ${name}`);
    byName.set(name, info);
  }
  return byName;
}

async function hook(ctx: Ctx, name: string): Promise<void> {
  const result = await ctx.sim.hook(UNIT, name);
  assert.is(result.exitCode, 0, `${name}: ${result.stdout}${result.stderr}`);
}

async function kv(ctx: Ctx): Promise<Record<string, string>> {
  const result = await lucky(['kv', 'get', '--format', 'json'], { ...ctx.sim.unitEnv(UNIT), JUJU_UNIT_NAME: UNIT });
  return JSON.parse(result.stdout) as Record<string, string>;
}

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  await testImage(ctx.engine.socketPath);
  ctx.docker = new Docker({ socketPath: ctx.engine.socketPath });
  ctx.sim = await TestModel.create({ LUCKY_DOCKER_LABELS: 'lucky.test=1' });
  const { createServer } = await import('node:net');
  ctx.port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  await ctx.sim.model.addApplication('web', { charmDir: CHARM, units: 1, config: { 'http-port': ctx.port } });
});

test.after(async (ctx) => {
  await ctx.sim?.stop();
  for (const info of await ctx.docker.listContainers({ all: true, filters: { label: ['lucky.test=1'] } })) {
    await ctx.docker.getContainer(info.Id).remove({ force: true, v: true });
  }
  await ctx.engine?.stop();
});

test('install finds the engine; config-changed creates both containers with every option', async (ctx) => {
  await hook(ctx, 'install');
  await hook(ctx, 'config-changed');
  const list = await containers(ctx);
  assert.equal([...list.keys()].sort(), ['default', 'worker']);
  const web = await ctx.docker.getContainer(list.get('default')!.Id).inspect();
  assert.is(web.State.Running, true);
  assert.ok(web.Config.Env.includes('GREETING=hello'));
  assert.equal(web.Config.Cmd, ['httpd', '-f', '-p', '80', '-h', '/www']);
  assert.is(web.HostConfig.RestartPolicy?.Name, 'unless-stopped');
  assert.is(web.Config.Labels['lucky.test'], '1');
  const dataDir = ctx.sim.unitEnv(UNIT).LUCKY_DATA_DIR!;
  const mounts = Object.fromEntries(web.Mounts.map((m) => [m.Destination, m.Source]));
  assert.is(mounts['/www'], join(dataDir, 'volumes', 'site'));
  assert.is(mounts['/shared'], join(dataDir, 'shared'));
  assert.equal(web.HostConfig.PortBindings?.['80/tcp']?.[0]?.HostPort, String(ctx.port));
});

test('container scripts run inside busybox and call lucky; the page is served through the port binding', async (ctx) => {
  const result = await ctx.sim.hook(UNIT, 'start');
  assert.is(result.exitCode, 0, result.stdout + result.stderr);
  assert.match(result.stdout, 'page written');
  assert.match(result.stdout, 'worker says hi');
  const values = await kv(ctx);
  assert.is(values['page-written'], 'start');
  const worker = (await containers(ctx)).get('worker')!;
  assert.is(values['worker-saw'], worker.Id.slice(0, 12));
  assert.equal(await ctx.sim.model.unitStatus(UNIT), { status: 'active', message: `configured, serving on ${ctx.port}` });
  // The simulator publishes a unit's ports on the unit's own address.
  const address = (await ctx.sim.model.state()).units[UNIT]!.privateAddress;
  const response = await fetch(`http://${address}:${ctx.port}/`);
  assert.is(await response.text(), 'hello from a container script\n');
  assert.is(readFileSync(join(ctx.sim.unitEnv(UNIT).LUCKY_DATA_DIR!, 'shared', 'from-container.txt'), 'utf8'), 'host file\n');
});

test("an action's container script reads params and reports results and logs with lucky action", async (ctx) => {
  const result = await ctx.sim.hook(UNIT, 'inspect', { action: { name: 'inspect', id: '2', params: { label: 'from-the-test' } } });
  assert.is(result.exitCode, 0, result.stdout + result.stderr);
  // SimulatedModel.runHook leaves the action's report in the model (LocalModel.runAction collects it).
  const report = JSON.parse(readFileSync(join(ctx.sim.model.dir, 'actions', '2.json'), 'utf8')) as {
    results: Record<string, string>;
    failed: boolean;
    logs: Array<{ message: string }>;
  };
  const worker = (await containers(ctx)).get('worker')!;
  assert.equal(report.results, { label: 'from-the-test', host: worker.Id.slice(0, 12) });
  assert.is(report.failed, false);
  assert.equal(
    report.logs.map((entry) => entry.message),
    ['inspecting'],
  );
});

test('an env change recreates only that container', async (ctx) => {
  const before = await containers(ctx);
  await ctx.sim.model.setConfig('web', { greeting: 'bonjour' });
  await hook(ctx, 'config-changed');
  const after = await containers(ctx);
  assert.is.not(after.get('default')!.Id, before.get('default')!.Id);
  assert.is(after.get('worker')!.Id, before.get('worker')!.Id);
  const web = await ctx.docker.getContainer(after.get('default')!.Id).inspect();
  assert.ok(web.Config.Env.includes('GREETING=bonjour'));
});

test('a missing container is skipped with ignore-missing-container', async (ctx) => {
  await hook(ctx, 'update-status');
});

test('a daemon SIGKILLed in the middle of an apply leaves no duplicate after the next hook', async (ctx) => {
  const status = JSON.parse((await lucky(['daemon', 'status', '--format', 'json'], { ...ctx.sim.unitEnv(UNIT), JUJU_UNIT_NAME: UNIT })).stdout) as {
    pid: number;
  };
  const events = await ctx.docker.getEvents({ filters: { type: ['container'], event: ['create'], label: [`lucky.unit=${UNIT}`] } });
  let killed = false;
  events.on('data', () => {
    if (!killed) {
      killed = true;
      process.kill(status.pid, 'SIGKILL');
    }
  });
  await ctx.sim.model.setConfig('web', { greeting: 'hallo' });
  const interrupted = await ctx.sim.hook(UNIT, 'config-changed');
  (events as unknown as { destroy(): void }).destroy();
  assert.ok(killed, 'the daemon was not killed');
  assert.is.not(interrupted.exitCode, 0);
  // The next hook starts a new daemon, which reconciles against the engine.
  await hook(ctx, 'update-status');
  const after = await containers(ctx);
  assert.equal([...after.keys()].sort(), ['default', 'worker']);
  for (const info of after.values()) assert.is(info.State, 'running');
  const web = await ctx.docker.getContainer(after.get('default')!.Id).inspect();
  assert.ok(web.Config.Env.includes('GREETING=hallo'));
});

test('with use-docker: false, no hook touches the engine, stop included (GAP-42)', async (ctx) => {
  const { writeCharm } = await import('@lucky/test-utils');
  const charm = await writeCharm(join(ctx.sim.dir, 'no-docker'), {
    'metadata.yaml': 'name: no-docker\nsummary: host only\n',
    'lucky.yaml': 'use-docker: false\nhooks:\n  install:\n    - inline-host-script: lucky container image set busybox:1 && lucky container apply-updates\n',
    dispatch: '#!/bin/sh\nexec lucky dispatch\n',
  });
  await ctx.sim.model.addApplication('nodocker', { charmDir: charm, units: 1 });
  const bogus = { DOCKER_HOST: `unix://${join(ctx.sim.dir, 'no-engine.sock')}` };
  for (const name of ['install', 'stop']) {
    const result = await ctx.sim.hook('nodocker/0', name, { extraEnv: bogus });
    assert.is(result.exitCode, 0, `${name}: ${result.stderr}`);
  }
});

test('an unreachable engine fails the hook with a message saying so', async (ctx) => {
  const { writeCharm } = await import('@lucky/test-utils');
  const charm = await writeCharm(join(ctx.sim.dir, 'needs-docker'), {
    'metadata.yaml': 'name: needs-docker\nsummary: one container\n',
    'lucky.yaml': 'hooks:\n  config-changed:\n    - inline-host-script: lucky container image set busybox:1\n',
    dispatch: '#!/bin/sh\nexec lucky dispatch\n',
  });
  await ctx.sim.model.addApplication('needs', { charmDir: charm, units: 1 });
  const socket = join(ctx.sim.dir, 'no-engine.sock');
  const result = await ctx.sim.hook('needs/0', 'config-changed', { extraEnv: { DOCKER_HOST: `unix://${socket}` } });
  assert.is(result.exitCode, 1);
  assert.match(result.stderr, `Docker engine unreachable at ${socket}`);
});

test('stop removes every container of the unit', async (ctx) => {
  await hook(ctx, 'stop');
  await waitFor(async () => (await containers(ctx)).size === 0, 'the containers to be removed');
  assert.ok(existsSync(join(ctx.sim.unitEnv(UNIT).LUCKY_DATA_DIR!, 'volumes', 'site', 'index.html')), 'named volume data is kept');
});

test.run();
