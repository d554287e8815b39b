// Kubernetes units of LocalModel with their Pebble servers and Docker containers, driven
// by a plain shell charm (no Lucky): the simulator's side of sidecar charms.
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import Docker from 'dockerode';
import { PebbleClient } from '@lucky/plugin-pebble/client';
import { processGone, testImage, useDockerEngine, waitFor, type DockerEngine } from '@lucky/test-utils';
import { LocalModel, type HookOutcome } from '../src/index.js';
import { tempDir, writeCharm } from './support.js';

const METADATA = `name: side
containers:
  web:
    resource: web-image
    mounts:
      - storage: data
        location: /srv/data
  sidecar:
    resource: web-image
resources:
  web-image:
    type: oci-image
storage:
  data:
    type: filesystem
    location: /var/lib/data
`;

interface Ctx {
  root: string;
  model: LocalModel;
  engine: DockerEngine;
  docker: Docker;
}

const test = suite<Ctx>("kubernetes units: workload containers under Pebble servers, in Juju's Kubernetes order");

test.before(async (ctx) => {
  ctx.root = await tempDir('k8s-units');
  ctx.engine = await useDockerEngine();
  ctx.docker = new Docker({ socketPath: ctx.engine.socketPath });
  ctx.model = await LocalModel.create(join(ctx.root, 'model'));
});

test.after(async (ctx) => {
  await ctx.model.destroy().catch(() => undefined);
  for (const info of await ctx.docker.listContainers({ all: true, filters: { label: [`lucky.sim.model=${ctx.model.dir}`] } })) {
    await ctx.docker.getContainer(info.Id).remove({ force: true, v: true });
  }
  await rm(ctx.root, { recursive: true, force: true });
  await ctx.engine.stop();
});

function hooksOf(outcomes: readonly HookOutcome[], unit: string): string[] {
  return outcomes.filter((outcome) => outcome.unit === unit).map((outcome) => outcome.hook);
}

async function containersOf(ctx: Ctx, unit?: string): Promise<Docker.ContainerInfo[]> {
  const label = [`lucky.sim.model=${ctx.model.dir}`, ...(unit === undefined ? [] : [`lucky.sim.unit=${unit}`])];
  return ctx.docker.listContainers({ all: true, filters: { label } });
}

function pidOf(ctx: Ctx, unit: string, container: string): number {
  return Number(readFileSync(join(ctx.model.dir, 'units', `unit-${unit.replace('/', '-')}`, 'pebble', `${container}.pid`), 'utf8').trim());
}

async function containerView(ctx: Ctx, unit: string, container: string) {
  const view = (await ctx.model.status()).applications[0]?.units.find((u) => u.name === unit)?.containers?.find((c) => c.name === container);
  assert.ok(view, `no container ${container} on ${unit}`);
  return view;
}

test('deploy: install … start, storage after start, then <container>-pebble-ready once each Pebble answers', async (ctx) => {
  const charm = await writeCharm(join(ctx.root, 'side'), { 'metadata.yaml': METADATA });
  const image = await testImage();
  const outcomes = await ctx.model.deploy(charm, { units: 2, resources: { 'web-image': image } });
  for (const outcome of outcomes) assert.is(outcome.exitCode, 0, `${outcome.unit} ${outcome.hook}: ${outcome.stderr}`);
  assert.equal(hooksOf(outcomes, 'side/0'), [
    'install',
    'leader-elected',
    'config-changed',
    'start',
    'data-storage-attached',
    'sidecar-pebble-ready',
    'web-pebble-ready',
  ]);
  assert.equal(hooksOf(outcomes, 'side/1'), [
    'install',
    'leader-settings-changed',
    'config-changed',
    'start',
    'data-storage-attached',
    'sidecar-pebble-ready',
    'web-pebble-ready',
  ]);
  const runs = await ctx.model.hookLog('side/1');
  for (const run of runs) {
    assert.is(run.env.JUJU_MACHINE_ID, '', run.hook);
    assert.is(run.env.LUCKY_PEBBLE_CONTAINERS_DIR, join(ctx.model.dir, 'units', 'unit-side-1', 'containers'), run.hook);
  }
  assert.equal((await containersOf(ctx)).length, 4, 'two containers per unit');
  for (const unit of ['side/0', 'side/1']) for (const name of ['web', 'sidecar']) assert.not.ok(processGone(pidOf(ctx, unit, name)));
  const web = await containerView(ctx, 'side/0', 'web');
  assert.equal(web, {
    name: 'web',
    image,
    socketPath: join(ctx.model.dir, 'units', 'unit-side-0', 'containers', 'web', 'pebble.socket'),
    pebble: 'ready',
    services: [],
  });
});

test("the unit's storage and its shared directory are mounted in the workload container", async (ctx) => {
  const unit = (await ctx.model.status()).applications[0]?.units[0];
  const data = unit?.storage.find((item) => item.id.startsWith('data/'))?.location ?? '';
  await writeFile(join(data, 'from-host.txt'), 'stored\n');
  const shared = join(ctx.model.dir, 'units', 'unit-side-0', 'containers', 'web');
  await writeFile(join(shared, 'note.txt'), 'shared\n');
  const pebble = new PebbleClient({ socketPath: join(shared, 'pebble.socket') });
  assert.is((await pebble.pull('/srv/data/from-host.txt')).toString(), 'stored\n');
  assert.is((await pebble.pull('/charm/container/note.txt')).toString(), 'shared\n');
  const sidecar = new PebbleClient({ socketPath: join(ctx.model.dir, 'units', 'unit-side-0', 'containers', 'sidecar', 'pebble.socket') });
  const missing = await sidecar.pull('/srv/data/from-host.txt').then(
    () => 'read',
    () => 'refused',
  );
  assert.is(missing, 'refused', 'the store is mounted in web only');
});

test('notify: a custom notice runs <container>-pebble-custom-notice, and resolves once it ran', async (ctx) => {
  const result = await ctx.model.notify('side/1', 'sidecar', 'example.com/ping', { n: '1' });
  assert.equal(
    result.outcomes.map((outcome) => `${outcome.unit} ${outcome.hook} ${outcome.exitCode}`),
    ['side/1 sidecar-pebble-custom-notice 0'],
  );
  const run = (await ctx.model.hookLog('side/1')).at(-1);
  assert.equal(
    [run?.env.JUJU_NOTICE_ID, run?.env.JUJU_NOTICE_TYPE, run?.env.JUJU_NOTICE_KEY, run?.env.JUJU_WORKLOAD_NAME],
    [result.noticeId, 'custom', 'example.com/ping', 'sidecar'],
  );
  try {
    await ctx.model.notify('side/1', 'sidecar', 'not a key');
    assert.unreachable('an invalid key was accepted');
  } catch (error) {
    assert.match((error as Error).message, /Pebble of side\/1's container sidecar refused the notice/);
  }
});

test('a Pebble that stops answering shows as unreachable; restartContainer brings a fresh one and pebble-ready', async (ctx) => {
  const pid = pidOf(ctx, 'side/0', 'sidecar');
  const [before] = await containersOf(ctx, 'side/0').then((list) => list.filter((info) => info.Labels['lucky.sim.container'] === 'sidecar'));
  process.kill(pid, 'SIGKILL');
  await waitFor(() => processGone(pid), 'the killed server to be gone');
  assert.is((await containerView(ctx, 'side/0', 'sidecar')).pebble, 'unreachable');
  assert.match(
    await import('../src/commands/index.js').then(async (m) => m.formatStatus(m.jujuStatus(await ctx.model.status(), await ctx.model.simulator.state()))),
    /side\/0\s+sidecar\s+unreachable\s+-/,
  );
  const outcomes = await ctx.model.restartContainer('side/0', 'sidecar');
  assert.equal(
    outcomes.map((outcome) => `${outcome.unit} ${outcome.hook}`),
    ['side/0 sidecar-pebble-ready'],
  );
  assert.is((await containerView(ctx, 'side/0', 'sidecar')).pebble, 'ready');
  const after = (await containersOf(ctx, 'side/0')).filter((info) => info.Labels['lucky.sim.container'] === 'sidecar');
  assert.is(after.length, 1, 'the old container was removed');
  assert.is.not(after[0]?.Id, before?.Id);
});

test('remove-unit stops its Pebble servers and removes its containers; add-unit starts new ones', async (ctx) => {
  const pids = ['web', 'sidecar'].map((name) => pidOf(ctx, 'side/1', name));
  const removed = await ctx.model.removeUnit('side/1');
  assert.equal(hooksOf(removed, 'side/1'), ['stop', 'data-storage-detaching', 'remove']);
  for (const pid of pids) assert.ok(processGone(pid), `server ${pid} stopped`);
  assert.equal(await containersOf(ctx, 'side/1'), []);
  assert.is((await containersOf(ctx, 'side/0')).length, 2, 'side/0 keeps its containers');
  const added = await ctx.model.addUnit('side');
  assert.equal(hooksOf(added, 'side/2').slice(-2), ['sidecar-pebble-ready', 'web-pebble-ready']);
  assert.is((await containersOf(ctx, 'side/2')).length, 2);
});

test('destroy stops every Pebble server and leaves no container of the model', async (ctx) => {
  const pids = ['side/0', 'side/2'].flatMap((unit) => ['web', 'sidecar'].map((name) => pidOf(ctx, unit, name)));
  await ctx.model.destroy();
  for (const pid of pids) assert.ok(processGone(pid), `server ${pid} stopped`);
  assert.equal(await containersOf(ctx), []);
});

test.run();

// ---

const failing = suite<Ctx>('kubernetes units: a workload container that does not start');

failing.before(async (ctx) => {
  ctx.root = await tempDir('k8s-failing');
  ctx.engine = await useDockerEngine();
  ctx.docker = new Docker({ socketPath: ctx.engine.socketPath });
  ctx.model = await LocalModel.create(join(ctx.root, 'model'));
});

failing.after(async (ctx) => {
  await ctx.model.destroy().catch(() => undefined);
  for (const info of await ctx.docker.listContainers({ all: true, filters: { label: [`lucky.sim.model=${ctx.model.dir}`] } })) {
    await ctx.docker.getContainer(info.Id).remove({ force: true, v: true });
  }
  await rm(ctx.root, { recursive: true, force: true });
  await ctx.engine.stop();
});

failing('deploy says which container failed and keeps the hooks queued; restartContainer starts it and runs them', async (ctx) => {
  const charm = await writeCharm(join(ctx.root, 'side'), { 'metadata.yaml': METADATA });
  // A directory where the sidecar's Pebble socket goes: its server cannot start.
  const blocker = join(ctx.model.dir, 'units', 'unit-side-0', 'containers', 'sidecar', 'pebble.socket');
  await mkdir(join(blocker, 'x'), { recursive: true });
  try {
    await ctx.model.deploy(charm, { resources: { 'web-image': await testImage() } });
    assert.unreachable('the deploy did not fail');
  } catch (error) {
    assert.match(
      (error as Error).message,
      /pebble\.socket.* The hooks of side\/0 stay queued; fix the cause, then "lucky sim restart-container side\/0 sidecar"/,
    );
  }
  assert.equal(await ctx.model.hookLog(), [], 'no hook ran');
  assert.is((await containerView(ctx, 'side/0', 'sidecar')).pebble, 'unreachable');
  await rm(blocker, { recursive: true });
  const outcomes = await ctx.model.restartContainer('side/0', 'sidecar');
  assert.equal(hooksOf(outcomes, 'side/0'), [
    'install',
    'leader-elected',
    'config-changed',
    'start',
    'data-storage-attached',
    'web-pebble-ready',
    'sidecar-pebble-ready',
  ]);
  assert.is((await containerView(ctx, 'side/0', 'sidecar')).pebble, 'ready');
});

failing.run();
