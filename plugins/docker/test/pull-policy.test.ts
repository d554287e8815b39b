import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type Docker from 'dockerode';
import { isLuckyError } from '@lucky/core';
import { tempDir, testImage, useDockerEngine, useRegistry, type DockerEngine, type TestRegistry } from '@lucky/test-utils';
import { DockerRuntime } from '../src/index.js';
import { isDigestReference, shouldPull } from '../src/pull-policy.js';
import { definition, docker, rejection, removeDir, removeTestContainers, sleeper, testDaemon, testUnit, unitContainers, type TestDaemon } from './support.js';

interface Ctx {
  engine: DockerEngine;
  registry: TestRegistry;
  image: string;
  client: Docker;
  runtime: DockerRuntime;
  dir: string;
  units: string[];
  /** Image references these tests tagged, removed after. */
  tags: string[];
}

const test = suite<Ctx>('docker runtime: pull policies (always, missing, never) and the refresh on upgrade-charm, against a local registry');

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  ctx.image = await testImage(ctx.engine.socketPath);
  ctx.registry = await useRegistry(ctx.engine.socketPath);
  ctx.client = docker(ctx.engine.socketPath);
  ctx.runtime = new DockerRuntime({ socketPath: ctx.engine.socketPath, stopTimeout: 2 });
  ctx.dir = await tempDir('lucky-docker-pull-');
  ctx.units = [];
  ctx.tags = [];
});

test.after(async (ctx) => {
  await removeTestContainers(ctx.client, ctx.units);
  for (const tag of ctx.tags)
    await ctx.client
      .getImage(tag)
      .remove({ noprune: false })
      .catch(() => undefined);
  await ctx.registry.stop();
  await removeDir(ctx.dir);
  await ctx.engine.stop();
});

async function daemonFor(ctx: Ctx, app: string): Promise<TestDaemon> {
  const unit = testUnit(app);
  ctx.units.push(unit);
  return testDaemon({ unit, runtime: ctx.runtime, dir: join(ctx.dir, app) });
}

async function imageId(ctx: Ctx, ref: string): Promise<string> {
  return (await ctx.client.getImage(ref).inspect()).Id;
}

/** The image id the unit's default container runs. */
async function runningImage(ctx: Ctx, daemon: TestDaemon): Promise<string> {
  const [c] = await unitContainers(ctx.client, daemon.unit);
  assert.ok(c, 'the default container exists');
  return (await ctx.client.getContainer(c.Id).inspect()).Image;
}

function pulls(daemon: TestDaemon, from: number): string[] {
  return daemon.logs.slice(from).filter((line) => line.startsWith('Pulling image'));
}

/** A second image, different from `base`: a container of it with one more file, committed. */
async function derivedImage(ctx: Ctx, base: string, repo: string, tag: string): Promise<string> {
  const container = await ctx.client.createContainer({ Image: base, Cmd: ['touch', '/derived'], Labels: { 'lucky.test': '1' } });
  await container.start();
  await container.wait();
  const { Id } = (await container.commit({ repo, tag })) as { Id: string };
  await container.remove({ force: true });
  return Id;
}

test('the policy as a rule: never never pulls; a missing image is pulled; digests are not pulled again; always and the refresh pull tags', () => {
  assert.is(shouldPull('never', 'a:1', false, true), false);
  assert.is(shouldPull('missing', 'a:1', false, false), true);
  assert.is(shouldPull('missing', 'a:1', true, false), false);
  assert.is(shouldPull('missing', 'a:1', true, true), true);
  assert.is(shouldPull('always', 'a:1', true, false), true);
  assert.is(shouldPull('always', 'r:5000/a@sha256:' + '0'.repeat(64), true, true), false);
  assert.is(isDigestReference('127.0.0.1:5000/a@sha256:' + '0'.repeat(64)), true);
  assert.is(isDigestReference('127.0.0.1:5000/a:latest'), false);
});

test('missing (the default) keeps the local :latest on recreation; upgrade-charm (force) pulls the tag again and runs the new image', async (ctx) => {
  const ref = await ctx.registry.push(ctx.image);
  const repo = ref.slice(0, ref.lastIndexOf(':'));
  ctx.tags.push(ref);
  const first = await imageId(ctx, ref);
  // The registry gets a newer image under the same tag; the engine keeps the old one under it.
  const newer = await derivedImage(ctx, ctx.image, repo, 'newer');
  ctx.tags.push(`${repo}:newer`);
  await ctx.client.getImage(`${repo}:newer`).tag({ repo, tag: '1' });
  const stream = await ctx.client.getImage(ref).push({ tag: '1', authconfig: {} });
  await new Promise((resolve, reject) => ctx.client.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve(undefined))));
  await ctx.client.getImage(first).tag({ repo, tag: '1' });
  assert.is(await imageId(ctx, ref), first, 'the engine has the old image under the tag');

  const daemon = await daemonFor(ctx, 'refresh');
  const defs = (env: Record<string, string>) => ({ '': definition(ref, { command: sleeper(), env, pullPolicy: 'missing' }) });
  await ctx.runtime.apply(defs({}), daemon);
  await ctx.runtime.apply(defs({ CHANGED: '1' }), daemon);
  assert.equal(pulls(daemon, 0), [], 'missing: a local image is not pulled on (re)creation');
  assert.is(await runningImage(ctx, daemon), first);

  const logged = daemon.logs.length;
  await ctx.runtime.apply(defs({ CHANGED: '1' }), daemon, { force: true });
  assert.equal(pulls(daemon, logged), [`Pulling image ${ref}`]);
  assert.is(await imageId(ctx, ref), newer, 'the tag now names the registry image');
  assert.is(await runningImage(ctx, daemon), newer, 'the container runs it');
});

test('always pulls on every (re)creation; never does not pull even on upgrade-charm', async (ctx) => {
  const ref = await ctx.registry.push(ctx.image);
  const always = await daemonFor(ctx, 'always');
  await ctx.runtime.apply({ '': definition(ref, { command: sleeper(), pullPolicy: 'always' }) }, always);
  await ctx.runtime.apply({ '': definition(ref, { command: sleeper(), env: { X: '1' }, pullPolicy: 'always' }) }, always);
  assert.equal(pulls(always, 0), [`Pulling image ${ref}`, `Pulling image ${ref}`]);

  const never = await daemonFor(ctx, 'never');
  await ctx.runtime.apply({ '': definition(ref, { command: sleeper(), pull: false, pullPolicy: 'never' }) }, never);
  await ctx.runtime.apply({ '': definition(ref, { command: sleeper(), pull: false, pullPolicy: 'never' }) }, never, { force: true });
  assert.equal(pulls(never, 0), []);
  assert.is((await unitContainers(ctx.client, never.unit))[0]?.State, 'running');
});

test('a digest is not pulled again on upgrade-charm', async (ctx) => {
  const ref = await ctx.registry.push(ctx.image);
  const digest = (await ctx.client.getImage(ref).inspect()).RepoDigests.find((d) => d.startsWith(ctx.registry.address));
  assert.ok(digest, 'the pushed image has a digest from the registry');
  const daemon = await daemonFor(ctx, 'digest');
  await ctx.runtime.apply({ '': definition(digest, { command: sleeper(), pullPolicy: 'always' }) }, daemon, { force: true });
  assert.equal(pulls(daemon, 0), []);
  assert.is((await unitContainers(ctx.client, daemon.unit))[0]?.State, 'running');
});

test('offline: an unreachable registry falls back to the local image, with a warning in the hook output', async (ctx) => {
  // Nothing listens on port 1: the registry of this reference cannot be reached.
  const ref = '127.0.0.1:1/lucky-test-offline:1';
  await ctx.client.getImage(ctx.image).tag({ repo: '127.0.0.1:1/lucky-test-offline', tag: '1' });
  ctx.tags.push(ref);
  const daemon = await daemonFor(ctx, 'offline');
  await ctx.runtime.apply({ '': definition(ref, { command: sleeper(), pullPolicy: 'always' }) }, daemon);
  assert.equal(pulls(daemon, 0), [`Pulling image ${ref}`]);
  assert.is((await unitContainers(ctx.client, daemon.unit))[0]?.State, 'running');
  const warning = daemon.hookOutput.join('');
  assert.match(warning, `Warning: Could not pull image "${ref}"`);
  assert.match(warning, `using the local image`);
});

test('never with no local image is a clear error, and creates nothing', async (ctx) => {
  const daemon = await daemonFor(ctx, 'nolocal');
  const absent = `${ctx.registry.address}/lucky-test-absent:1`;
  const error = await rejection(ctx.runtime.apply({ '': definition(absent, { pull: false, pullPolicy: 'never' }) }, daemon));
  assert.ok(isLuckyError(error));
  assert.match(error.message, `Image "${absent}" is not on the Docker engine and its pull policy is "never"`);
  assert.is((await unitContainers(ctx.client, daemon.unit)).length, 0);
});

test.run();
