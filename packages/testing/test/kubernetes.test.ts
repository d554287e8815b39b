// Kubernetes charms in the simulator, the parts that need no Pebble: metadata and
// resource checks at deploy, and the environment of workload hooks.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testImage, useDockerEngine, type DockerEngine } from '@lucky/test-utils';
import { createSimulatedModel, LocalModel } from '../src/index.js';
import { rejects, tempDir, writeCharm } from './support.js';

const SIDECAR = `name: side
containers:
  web:
    resource: web-image
resources:
  web-image:
    type: oci-image
  notes:
    type: file
    filename: notes.txt
`;

interface Ctx {
  root: string;
  model: LocalModel;
  /** The image checks ask the Docker engine. */
  engine: DockerEngine;
}

const deploy = suite<Ctx>('kubernetes: deploy checks a sidecar charm and its images before anything changes');

deploy.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  ctx.root = await tempDir('k8s-deploy');
  ctx.model = await LocalModel.create(join(ctx.root, 'model'));
});

deploy.after(async (ctx) => {
  await ctx.model.destroy();
  await rm(ctx.root, { recursive: true, force: true });
  await ctx.engine.stop();
});

async function refused(ctx: Ctx, metadata: string, resources: Record<string, string>, message: string | RegExp): Promise<void> {
  const charm = await writeCharm(join(ctx.root, `charm-${Math.random().toString(36).slice(2)}`), { 'metadata.yaml': metadata });
  const error = await ctx.model.deploy(charm, { resources }).then(
    (): Error => assert.unreachable('the deploy was not refused') as never,
    (caught: unknown) => caught as Error,
  );
  if (typeof message === 'string') assert.is(error.message, message);
  else assert.match(error.message, message);
  assert.equal(Object.keys((await ctx.model.simulator.state()).applications), [], 'no application was added');
}

deploy('a container without its oci-image resource, or with a file resource, is refused as Juju refuses it', async (ctx) => {
  await refused(ctx, 'name: a\ncontainers:\n  web:\n    resource: nope\n', {}, /container "web": referenced resource "nope" not found/);
  await refused(
    ctx,
    'name: a\ncontainers:\n  web:\n    resource: f\nresources:\n  f:\n    type: file\n    filename: f.txt\n',
    {},
    /container "web": referenced resource "f" is not a oci-image/,
  );
  await refused(
    ctx,
    'name: a\ncontainers:\n  web:\n    resource: i\n    mounts:\n      - storage: data\nresources:\n  i:\n    type: oci-image\n',
    { i: 'x' },
    /container "web": mount of undeclared storage "data"/,
  );
});

deploy('an oci-image resource needs an image, which must be in the Docker engine (never pulled)', async (ctx) => {
  await refused(ctx, SIDECAR, {}, 'local charm missing OCI images for: web-image; pass --resource <name>=<image> for each.');
  await refused(
    ctx,
    SIDECAR,
    { 'web-image': 'lucky-test-no-such-image:0' },
    /Image "lucky-test-no-such-image:0" of resource "web-image" is not in the Docker engine/,
  );
  await refused(ctx, SIDECAR, { 'web-image': await testImage(), other: 'x' }, /The charm declares no resource "other" \(its resources: notes, web-image\)/);
});

deploy('a machine charm keeps its resources as file paths', async (ctx) => {
  const charm = await writeCharm(join(ctx.root, 'machine'), { 'metadata.yaml': 'name: machine\n' });
  await ctx.model.deploy(charm, { resources: { notes: join(ctx.root, 'notes.txt') } });
  const app = (await ctx.model.simulator.state()).applications.machine;
  assert.equal(app?.resources, { notes: join(ctx.root, 'notes.txt') });
  assert.is(app?.containers, undefined);
  const status = await ctx.model.status();
  assert.is(status.applications[0]?.units[0]?.containers, undefined, 'no containers on a machine unit');
  assert.not.ok(existsSync(join(ctx.model.dir, 'units', 'unit-machine-0', 'pebble')));
});

deploy.run();

// ---

interface EnvCtx {
  root: string;
}

const env = suite<EnvCtx>('kubernetes: the environment of workload hooks');

env.before(async (ctx) => {
  ctx.root = await tempDir('k8s-env');
});

env.after(async (ctx) => {
  await rm(ctx.root, { recursive: true, force: true });
});

env('custom-notice hooks get the notice, check hooks the check name, both the workload name', async (ctx) => {
  const model = await createSimulatedModel(join(ctx.root, 'model'));
  const charm = await writeCharm(join(ctx.root, 'charm'), { 'metadata.yaml': 'name: side\n' });
  await model.addApplication('side', { charmDir: charm });
  const notice = await model.runHook('side/0', 'web-pebble-custom-notice', { notice: { id: '42', type: 'custom', key: 'example.com/reload' } });
  assert.is(notice.exitCode, 0, notice.stderr);
  assert.equal(
    [notice.env.JUJU_WORKLOAD_NAME, notice.env.JUJU_NOTICE_ID, notice.env.JUJU_NOTICE_TYPE, notice.env.JUJU_NOTICE_KEY, notice.env.JUJU_PEBBLE_CHECK_NAME],
    ['web', '42', 'custom', 'example.com/reload', undefined],
  );
  for (const hook of ['web-pebble-check-failed', 'web-pebble-check-recovered']) {
    const check = await model.runHook('side/0', hook, { checkName: 'up' });
    assert.equal([check.env.JUJU_WORKLOAD_NAME, check.env.JUJU_PEBBLE_CHECK_NAME, check.env.JUJU_NOTICE_ID], ['web', 'up', undefined]);
  }
  const ready = await model.runHook('side/0', 'web-pebble-ready');
  assert.equal([ready.env.JUJU_WORKLOAD_NAME, ready.env.JUJU_NOTICE_ID, ready.env.JUJU_PEBBLE_CHECK_NAME], ['web', undefined, undefined]);
});

env('a notice or check that does not fit the hook is refused', async (ctx) => {
  const model = await createSimulatedModel(join(ctx.root, 'model2'));
  const charm = await writeCharm(join(ctx.root, 'charm2'), { 'metadata.yaml': 'name: side\n' });
  await model.addApplication('side', { charmDir: charm });
  await rejects(model.runHook('side/0', 'web-pebble-custom-notice'), /needs the notice that fired it/);
  await rejects(model.runHook('side/0', 'web-pebble-check-failed'), /needs the check's name/);
  await rejects(model.runHook('side/0', 'install', { checkName: 'up' }), /"install" is not a Pebble notice or check hook/);
  await rejects(model.runHook('side/0', 'web-pebble-check-failed', { notice: { id: '1', type: 'custom', key: 'a.io/b' } }), /notice applies to/);
});

env('lucky sim run refuses notice and check hooks: they follow Pebble events', async (ctx) => {
  const model = await LocalModel.create(join(ctx.root, 'model3'));
  const charm = await writeCharm(join(ctx.root, 'charm3'), { 'metadata.yaml': 'name: side\n' });
  await model.deploy(charm);
  await rejects(model.run('side/0', 'web-pebble-custom-notice'), /follows a Pebble notice or check; use "lucky sim notify/);
  await rejects(model.run('side/0', 'web-pebble-check-failed'), /follows a Pebble notice or check/);
  await model.destroy();
});

env.run();
