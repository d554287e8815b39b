import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type Docker from 'dockerode';
import { isLuckyError } from '@lucky/core';
import { tempDir, testImage, useDockerEngine, waitFor, type DockerEngine } from '@lucky/test-utils';
import dockerPlugin, { DockerRuntime } from '../src/index.js';
import {
  definition,
  docker,
  freePort,
  rejection,
  removeDir,
  removeTestContainers,
  sleeper,
  testDaemon,
  testUnit,
  unitContainers,
  type TestDaemon,
} from './support.js';

interface Ctx {
  engine: DockerEngine;
  image: string;
  client: Docker;
  runtime: DockerRuntime;
  dir: string;
  units: string[];
}

const test = suite<Ctx>('docker runtime: reconcile against a real engine');

test.before(async (ctx) => {
  let t = Date.now();
  ctx.engine = await useDockerEngine();
  const engineMs = Date.now() - t;
  t = Date.now();
  ctx.image = await testImage(ctx.engine.socketPath);
  console.log(`  engine ready in ${engineMs} ms, test image ready in ${Date.now() - t} ms`);
  ctx.client = docker(ctx.engine.socketPath);
  ctx.runtime = new DockerRuntime({ socketPath: ctx.engine.socketPath, stopTimeout: 2 });
  ctx.dir = await tempDir('lucky-docker-rt-');
  ctx.units = [];
});

test.after(async (ctx) => {
  await removeTestContainers(ctx.client, ctx.units);
  await removeDir(ctx.dir);
  await ctx.engine.stop();
});

async function daemonFor(ctx: Ctx, app: string): Promise<TestDaemon> {
  const unit = testUnit(app);
  ctx.units.push(unit);
  const dir = join(ctx.dir, app);
  await mkdir(dir, { recursive: true });
  return testDaemon({ unit, runtime: ctx.runtime, dir });
}

async function ids(ctx: Ctx, unit: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of await unitContainers(ctx.client, unit)) out[c.Labels['lucky.container'] ?? '?'] = c.Id;
  return out;
}

test('the plugin factory gives a runtime named docker', () => {
  const plugin = dockerPlugin();
  assert.is(plugin.name, '@lucky/plugin-docker');
  assert.is(plugin.runtime?.name, 'docker');
});

test('image, env, entrypoint, command, named volume, bind mount and port binding', async (ctx) => {
  const daemon = await daemonFor(ctx, 'web');
  const port = await freePort();
  const bind = join(ctx.dir, 'web-bind');
  await mkdir(join(daemon.dataDir, 'volumes', 'site'), { recursive: true });
  await writeFile(join(daemon.dataDir, 'volumes', 'site', 'index.html'), 'hello from a named volume\n');
  const defs = {
    '': definition(ctx.image, {
      env: { GREETING: 'hi there', EMPTYISH: 'a=b' },
      entrypoint: '/bin/sh',
      command: [
        '-c',
        'echo "$GREETING|$EMPTYISH|$LUCKY_CONTEXT|$LUCKY_DAEMON_SOCKET|$PATH" > /data/env.txt; trap "exit 0" TERM; httpd -f -p 80 -h /www & wait',
      ],
      volumes: { '/www': 'site', '/data': bind },
      ports: [{ hostPort: port, containerPort: 80, protocol: 'tcp' }],
    }),
  };
  await daemon.define(defs);
  await ctx.runtime.apply(defs, daemon);

  const [info] = await unitContainers(ctx.client, daemon.unit);
  assert.ok(info);
  assert.is(info.Names[0], `/lucky-${daemon.unit.replace('/', '-')}-default`);
  assert.is(info.Labels['lucky.container'], 'default');
  assert.is(info.Labels['lucky.test'], '1');
  assert.match(info.Labels['lucky.hash'] ?? '', /^[0-9a-f]{32}$/);
  const inspect = await ctx.client.getContainer(info.Id).inspect();
  assert.is(inspect.HostConfig.RestartPolicy?.Name, 'unless-stopped');
  assert.equal(inspect.Config.Entrypoint, ['/bin/sh']);

  // Env, entrypoint and command ran; the bind mount carried their output to the host.
  const envLine = await waitFor(() => existsSync(join(bind, 'env.txt')) && readFileSync(join(bind, 'env.txt'), 'utf8').trim(), 'env.txt in the bind mount');
  assert.is(envLine, 'hi there|a=b|client|/run/lucky/daemon.sock|/bin:/lucky/bin');
  // The port binding on all interfaces reaches busybox httpd serving the named volume.
  const body = await waitFor(async () => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(1000) });
      return res.ok ? await res.text() : undefined;
    } catch {
      return undefined;
    }
  }, `HTTP GET on port ${port}`);
  assert.is(body, 'hello from a named volume\n');
  assert.ok(await ctx.runtime.isRunning('', daemon));
  assert.not.ok(await ctx.runtime.isRunning('other', daemon));
});

test('an env-only change recreates only that container; an unchanged apply touches nothing', async (ctx) => {
  const daemon = await daemonFor(ctx, 'pair');
  const defs = {
    '': definition(ctx.image, { command: sleeper(), env: { LEVEL: '1' } }),
    db: definition(ctx.image, { command: sleeper(), env: { ROLE: 'db' } }),
  };
  await daemon.define(defs);
  await ctx.runtime.apply(defs, daemon);
  const before = await ids(ctx, daemon.unit);
  assert.equal(Object.keys(before).sort(), ['db', 'default']);

  let t = Date.now();
  await ctx.runtime.apply(defs, daemon);
  const noopMs = Date.now() - t;
  assert.equal(await ids(ctx, daemon.unit), before, 'a no-op apply recreates nothing');

  const changed = { ...defs, '': definition(ctx.image, { command: sleeper(), env: { LEVEL: '2' } }) };
  await daemon.define(changed);
  t = Date.now();
  await ctx.runtime.apply(changed, daemon);
  const changeMs = Date.now() - t;
  console.log(`  no-op apply ${noopMs} ms, env-change apply (stop + remove + create + start + check) ${changeMs} ms`);
  const after = await ids(ctx, daemon.unit);
  assert.is(after.db, before.db, 'the unchanged named container keeps its id');
  assert.is.not(after.default, before.default, 'the changed default container was recreated');
  const inspect = await ctx.client.getContainer(after.default ?? '').inspect();
  assert.ok(inspect.Config.Env.includes('LEVEL=2'));
  assert.ok(inspect.State.Running);
  // force (upgrade-charm) recreates every container.
  await ctx.runtime.apply(changed, daemon, { force: true });
  const forced = await ids(ctx, daemon.unit);
  assert.is.not(forced.db, after.db);
  assert.is.not(forced.default, after.default);
});

test('two named containers run side by side, each with its own name and label', async (ctx) => {
  const daemon = await daemonFor(ctx, 'named');
  const defs = { api: definition(ctx.image, { command: sleeper() }), worker: definition(ctx.image, { command: sleeper() }) };
  await daemon.define(defs);
  await ctx.runtime.apply(defs, daemon);
  const list = await unitContainers(ctx.client, daemon.unit);
  const names = list.map((c) => c.Names[0]).sort();
  const base = `/lucky-${daemon.unit.replace('/', '-')}`;
  assert.equal(names, [`${base}-api`, `${base}-worker`]);
  assert.ok(list.every((c) => c.State === 'running'));
  assert.ok(await ctx.runtime.isRunning('api', daemon));
  assert.ok(await ctx.runtime.isRunning('worker', daemon));
  assert.not.ok(await ctx.runtime.isRunning('', daemon), 'no default container was defined');
});

test('a daemon killed between create and start: the next apply starts the created container, no duplicate', async (ctx) => {
  const daemon = await daemonFor(ctx, 'crash');
  const defs = { '': definition(ctx.image, { command: sleeper() }) };
  await daemon.define(defs);
  // What a killed daemon leaves: the container made with the unit's labels, never started.
  await ctx.runtime.apply(defs, daemon);
  const [first] = await unitContainers(ctx.client, daemon.unit);
  assert.ok(first);
  const inspect = await ctx.client.getContainer(first.Id).inspect();
  await ctx.client.getContainer(first.Id).remove({ force: true });
  const created = await ctx.client.createContainer({
    name: inspect.Name.slice(1),
    Image: inspect.Config.Image,
    Env: inspect.Config.Env,
    Cmd: inspect.Config.Cmd,
    Labels: inspect.Config.Labels,
    HostConfig: { Mounts: inspect.HostConfig.Mounts ?? [], RestartPolicy: { Name: 'unless-stopped' } },
  });
  assert.is((await created.inspect()).State.Status, 'created');

  await ctx.runtime.apply(defs, daemon);
  const list = await unitContainers(ctx.client, daemon.unit);
  assert.is(list.length, 1, 'one container');
  assert.is(list[0]?.Id, created.id, 'the created container was adopted');
  assert.is(list[0]?.State, 'running');

  // Killed with an outdated container created (hash differs) and a duplicate under another name.
  await ctx.client.getContainer(created.id).remove({ force: true });
  await ctx.client.createContainer({
    name: inspect.Name.slice(1),
    Image: ctx.image,
    Cmd: sleeper(),
    Labels: { ...inspect.Config.Labels, 'lucky.hash': 'stale' },
  });
  await ctx.client.createContainer({ name: `${inspect.Name.slice(1)}-dup`, Image: ctx.image, Cmd: sleeper(), Labels: inspect.Config.Labels });
  await ctx.runtime.apply(defs, daemon);
  const again = await unitContainers(ctx.client, daemon.unit);
  assert.is(again.length, 1);
  assert.is(again[0]?.Names[0], inspect.Name);
  assert.is(again[0]?.State, 'running');
  assert.is(again[0]?.Labels['lucky.hash'], inspect.Config.Labels['lucky.hash']);
});

test('strays are removed: undefined names, unlabelled leftovers of the unit; other units are left alone', async (ctx) => {
  const daemon = await daemonFor(ctx, 'strays');
  const other = await daemonFor(ctx, 'neighbour');
  const defs = { '': definition(ctx.image, { command: sleeper() }), gone: definition(ctx.image, { command: sleeper() }) };
  await daemon.define(defs);
  await ctx.runtime.apply(defs, daemon);
  await ctx.runtime.apply({ '': definition(ctx.image, { command: sleeper() }) }, other);
  await ctx.client.createContainer({ Image: ctx.image, Cmd: sleeper(), Labels: { 'lucky.unit': daemon.unit, 'lucky.test': '1' } });
  const remaining = { '': defs[''] };
  await ctx.runtime.apply(remaining, daemon);
  const list = await unitContainers(ctx.client, daemon.unit);
  assert.equal(
    list.map((c) => c.Labels['lucky.container']),
    ['default'],
  );
  assert.is((await unitContainers(ctx.client, other.unit)).length, 1, 'the other unit keeps its container');
  // An empty set of definitions removes everything of the unit.
  await ctx.runtime.apply({}, daemon);
  assert.is((await unitContainers(ctx.client, daemon.unit)).length, 0);
});

test('a stopped container that matches is started again, not recreated', async (ctx) => {
  const daemon = await daemonFor(ctx, 'stopped');
  const defs = { '': definition(ctx.image, { command: sleeper() }) };
  await ctx.runtime.apply(defs, daemon);
  const [c] = await unitContainers(ctx.client, daemon.unit);
  await ctx.client.getContainer(c?.Id ?? '').stop({ t: 1 });
  await ctx.runtime.apply(defs, daemon);
  const [after] = await unitContainers(ctx.client, daemon.unit);
  assert.is(after?.Id, c?.Id);
  assert.is(after?.State, 'running');
});

test('removeAll stops and removes every container of the unit', async (ctx) => {
  const daemon = await daemonFor(ctx, 'remove');
  // Each says "ready" once its TERM trap is set: a SIGTERM before that would be ignored (sh is PID 1) and end in SIGKILL.
  const defs = { '': definition(ctx.image, { command: sleeper('echo ready;') }), side: definition(ctx.image, { command: sleeper('echo ready;') }) };
  await ctx.runtime.apply(defs, daemon);
  assert.is((await unitContainers(ctx.client, daemon.unit)).length, 2);
  await ctx.client.createContainer({ Image: ctx.image, Cmd: sleeper(), Labels: { 'lucky.unit': daemon.unit, 'lucky.test': '1' } });
  const ids = (await unitContainers(ctx.client, daemon.unit))
    .filter((c) => c.State === 'running')
    .map((c) => c.Id)
    .sort();
  assert.is(ids.length, 2, 'the two applied containers run; the third was only created');
  for (const id of ids) {
    await waitFor(
      async () => (await ctx.client.getContainer(id).logs({ stdout: true })).toString().includes('ready'),
      `container ${id.slice(0, 12)} to set its trap`,
    );
  }
  const since = Math.floor(Date.now() / 1000) - 1;
  await ctx.runtime.removeAll(daemon);
  assert.is((await unitContainers(ctx.client, daemon.unit)).length, 0);
  // Containers that honour SIGTERM are stopped by it: each got signal 15, none the SIGKILL a stop timeout ends with.
  const signals = await killSignals(ctx.client, daemon.unit, since);
  assert.equal(Object.keys(signals).sort(), ids, 'every container got a signal');
  for (const id of ids) assert.equal(signals[id], ['15'], `signals sent to ${id.slice(0, 12)}`);
  await ctx.runtime.removeAll(daemon); // nothing left: still fine
});

/** The signals the engine sent to each container of `unit` since `since` (seconds), from its `kill` events. */
async function killSignals(client: Docker, unit: string, since: number): Promise<Record<string, string[]>> {
  // With `until` the engine sends the events of that window, then ends the stream.
  const until = Math.ceil(Date.now() / 1000) + 1;
  const stream = await client.getEvents({ since, until, filters: { type: ['container'], event: ['kill'], label: [`lucky.unit=${unit}`] } });
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  const signals: Record<string, string[]> = {};
  for (const line of text.split('\n').filter(Boolean)) {
    const event = JSON.parse(line) as { id: string; Actor: { Attributes: Record<string, string> } };
    (signals[event.id] ??= []).push(event.Actor.Attributes.signal ?? '');
  }
  return signals;
}

test('a named container called "default" is refused clearly', async (ctx) => {
  const daemon = await daemonFor(ctx, 'dflt');
  const error = await rejection(ctx.runtime.apply({ default: definition(ctx.image) }, daemon));
  assert.ok(isLuckyError(error));
  assert.match(error.message, /named "default" cannot be told apart/);
});

test.run();
